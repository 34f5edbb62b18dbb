/* heapdiff --html: the page's script.  The page is complete without it
 * (header, rows, graphs are written by heapdiff); this only sorts and
 * filters the rows, pans and zooms the call graph and, for a --trend
 * report, draws the charts from the embedded data (the --json document).
 * Plain JavaScript, nothing fetched. */
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('data').textContent);
  var body = document.getElementById('rows').tBodies[0];
  var rows = Array.prototype.slice.call(body.querySelectorAll('tr.row'));
  var heads = Array.prototype.slice.call(document.querySelectorAll('#rows th[data-key]'));
  var search = document.getElementById('search');
  var shownCount = document.getElementById('shown-count');

  /* Sorting: numbers descending first, text ascending; a second click
   * reverses.  Rows without a number go last. */
  function isText(key) { return key === 'name' || key === 'verdict'; }

  function sortBy(th) {
    var key = th.getAttribute('data-key');
    var previous = th.getAttribute('aria-sort');
    var order = previous ? (previous === 'descending' ? 'ascending' : 'descending')
                         : (isText(key) ? 'ascending' : 'descending');
    heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', order);
    var sign = order === 'ascending' ? 1 : -1;
    var attr = 'data-' + key;
    rows.sort(function (a, b) {
      var x = a.getAttribute(attr), y = b.getAttribute(attr);
      if (isText(key))
        return sign * (x < y ? -1 : x > y ? 1 : 0);
      x = parseFloat(x); y = parseFloat(y);
      if (isNaN(x) || isNaN(y))
        return isNaN(x) - isNaN(y);
      return sign * (x - y);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  heads.forEach(function (th) {
    th.addEventListener('click', function () { sortBy(th); });
  });

  /* Filtering: a valid regular expression (case-insensitive), else a
   * substring. */
  function filter() {
    var text = search.value, re = null, lower = text.toLowerCase(), shown = 0;
    try { re = new RegExp(text, 'i'); } catch (e) { re = null; }
    rows.forEach(function (r) {
      var name = r.getAttribute('data-name');
      var hit = text === '' || (re ? re.test(name) : name.toLowerCase().indexOf(lower) >= 0);
      r.hidden = !hit;
      if (hit) shown++;
    });
    shownCount.textContent = String(shown);
  }
  search.addEventListener('input', filter);

  /* Pan (drag) and zoom (wheel) of the call graph, on its viewBox;
   * double-click resets. */
  function panZoom(svg) {
    var start = svg.getAttribute('viewBox').split(/[\s,]+/).map(Number);
    var box = start.slice(), drag = null;
    function apply() { svg.setAttribute('viewBox', box.join(' ')); }
    function scale() { var r = svg.getBoundingClientRect(); return Math.max(box[2] / r.width, box[3] / r.height); }
    svg.addEventListener('wheel', function (e) {
      e.preventDefault();
      var r = svg.getBoundingClientRect(), k = e.deltaY > 0 ? 1.2 : 1 / 1.2, s = scale();
      var cx = box[0] + (e.clientX - r.left - r.width / 2) * s + box[2] / 2;
      var cy = box[1] + (e.clientY - r.top - r.height / 2) * s + box[3] / 2;
      box = [cx - (cx - box[0]) * k, cy - (cy - box[1]) * k, box[2] * k, box[3] * k];
      apply();
    }, {passive: false});
    svg.addEventListener('mousedown', function (e) { drag = [e.clientX, e.clientY]; });
    window.addEventListener('mouseup', function () { drag = null; });
    window.addEventListener('mousemove', function (e) {
      if (!drag) return;
      var s = scale();
      box[0] -= (e.clientX - drag[0]) * s; box[1] -= (e.clientY - drag[1]) * s;
      drag = [e.clientX, e.clientY];
      apply();
    });
    svg.addEventListener('dblclick', function () { box = start.slice(); apply(); });
  }
  var graph = document.querySelector('#callgraph svg');
  if (graph && graph.getAttribute('viewBox')) panZoom(graph);

  /* Charts for --trend, drawn as SVG. */
  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  var COLOURS = ['#d62728', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#bcbd22'];

  /* SERIES (name, values, colour, stacked) over N snapshots into a new
   * svg of W x H in HOST. */
  function chart(host, w, h, n, series, title) {
    host.textContent = '';
    var svg = el('svg', {width: w, height: h, viewBox: '0 0 ' + w + ' ' + h}, host);
    var pad = 40, max = 0, base = new Array(n).fill(0);
    series.forEach(function (s) {
      s.from = base.slice();
      if (s.stacked) for (var i = 0; i < n; i++) base[i] += Math.max(0, s.values[i]);
      s.to = s.stacked ? base.slice() : s.values;
      s.to.forEach(function (v) { max = Math.max(max, v); });
    });
    max = max || 1;
    function x(i) { return pad + (n > 1 ? i * (w - 2 * pad) / (n - 1) : 0); }
    function y(v) { return h - 20 - v * (h - 40) / max; }
    el('line', {x1: pad, y1: y(0), x2: w - pad, y2: y(0), stroke: '#999'}, svg);
    var t = el('text', {x: pad, y: 14, 'font-size': 12}, svg);
    t.textContent = title + ' (max ' + formatValue(max) + ')';
    series.forEach(function (s) {
      var top = s.to.map(function (v, i) { return x(i) + ',' + y(v); });
      if (s.stacked) {
        var bottom = s.from.map(function (v, i) { return x(i) + ',' + y(v); }).reverse();
        el('polygon', {points: top.concat(bottom).join(' '), fill: s.colour, 'fill-opacity': 0.55},
           svg).appendChild(el('title', {})).textContent = s.name;
      } else {
        el('polyline', {points: top.join(' '), fill: 'none', stroke: s.colour, 'stroke-width': 2},
           svg).appendChild(el('title', {})).textContent = s.name;
      }
    });
    return svg;
  }

  function formatValue(v) {
    if (data.unit !== 'bytes') return Math.round(v) + ' objects';
    var units = ['B', 'kB', 'MB', 'GB', 'TB'], i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return v.toFixed(i ? 1 : 0) + units[i];
  }

  function drawTrend(trend) {
    var n = trend.snapshots.length;
    var leaks = trend.rows.filter(function (r) { return r.verdict === 'leak'; }).slice(0, 5);
    var series = leaks.map(function (r, i) {
      return {name: r.name, values: r.flat, colour: COLOURS[i], stacked: true};
    });
    series.push({name: 'total', values: trend.total, colour: '#222', stacked: false});
    var host = document.getElementById('trend-chart');
    chart(host, 900, 280, n, series, 'Total over ' + n + ' snapshots, the top leaks stacked');
    var legend = document.createElement('ul');
    series.forEach(function (s) {
      var li = document.createElement('li');
      li.style.color = s.colour;
      li.textContent = s.name + (s.stacked ? ' (leak)' : ' (' + trend.total_verdict.verdict + ')');
      legend.appendChild(li);
    });
    host.appendChild(legend);
    var byName = {};
    trend.rows.forEach(function (r) { byName[r.name] = r; });
    var nodeChart = document.getElementById('node-chart');
    rows.forEach(function (r) {
      r.addEventListener('click', function (e) {
        if (e.target.closest('summary')) return;
        rows.forEach(function (o) { o.classList.remove('selected'); });
        r.classList.add('selected');
        var t = byName[r.getAttribute('data-name')];
        if (!t) { nodeChart.textContent = 'No series for ' + r.getAttribute('data-name'); return; }
        chart(nodeChart, 420, 140, n, [{name: t.name, values: t.flat, colour: '#d62728'}],
              t.name + ': ' + t.verdict);
      });
    });
  }
  if (data.trend && document.getElementById('trend-chart')) drawTrend(data.trend);
})();
