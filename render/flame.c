/* --flame: a self-contained flame graph SVG, differential with a base.
 *
 * The picture is complete without its script: every frame is a rect with
 * a <title> tooltip and, where it fits, a label; the legend names the
 * inputs, totals and colour key.  The embedded script only adds
 * click-to-zoom, search and a details line.  Nothing is loaded from
 * outside: no font (generic "monospace"), stylesheet or script.
 *
 * Diff mode: a frame's width is its current value, plus its gone stacks'
 * base value scaled to a sliver (flame_layout.h); its colour is its delta
 * relative to its own base: red grew, blue shrank, grey unchanged or
 * within sampling noise.  New frames (no base) have a thick dark outline,
 * gone ones (no current) are hatched.  For bytes with object counts, a
 * tooltip splits the delta into
 *   more objects   = (current objects - base objects) x base average size
 *   bigger objects = delta - more objects
 *                  = current objects x (current avg - base avg),
 * where both sides have objects; a new or gone frame's delta is all
 * objects. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

#include "emitter.h"
#include "flame.h"
#include "flame_layout.h"
#include "path.h"
#include "scene.h"

enum {
    WIDTH = 1200,      /* px: the picture and the merge threshold's base */
    PAD = 10,          /* px left and right of the frames */
    FRAME_HEIGHT = 16, /* px per stack level */
    FONT_SIZE = 12,    /* px, frames' labels and the legend */
    LINE = 16,         /* px per legend line */
};
/* A frame narrower than this is merged into its parent's "other" slice
 * (flame_layout.h): with 1180 px of frames, 1/2360 of the width. */
#define MIN_FRAME_PX 0.5
/* Width of a monospace character at FONT_SIZE, for fitting labels: the
 * usual 0.6 em. */
#define CHAR_PX (0.6 * FONT_SIZE)

struct context {
    FILE *out;
    const struct hd_report *report;
    const struct hd_flame_layout *layout;
    bool diff;
    enum hd_byte_unit unit; /* resolved: never HD_UNIT_AUTO */
    double scale;           /* px per width unit */
    double frames_top;      /* px: the top of the frames' area */
    bool dry;               /* the legend only counts its height */
    const char *prefix;     /* of every id, and of the script's P */
};

/* TEXT as XML character data or an attribute value: markup escaped,
 * control characters and bytes that are not UTF-8 as '?', so that any
 * symbol name gives a well-formed document. */
static void put_escaped_n(FILE *out, const char *text, size_t length)
{
    const unsigned char *s = (const unsigned char *)text, *end = s + length;
    while (s < end) {
        unsigned char c = *s;
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                              : (c & 0xf8) == 0xf0   ? 4 : 0;
        bool valid = n > 0 && (size_t)(end - s) >= n && (n == 1 || c >= 0xc2);
        for (size_t k = 1; valid && k < n; k++)
            valid = (s[k] & 0xc0) == 0x80;
        if (!valid) {
            fputc('?', out);
            s++;
            continue;
        }
        if (n > 1)
            fwrite(s, 1, n, out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '&')
            fputs("&amp;", out);
        else if (c == '"')
            fputs("&quot;", out);
        else if (c == '\n')
            fputs("&#10;", out);
        else if (c < 0x20 || c == 0x7f)
            fputc('?', out);
        else
            fputc(c, out);
        s += n;
    }
}

static void put_escaped(FILE *out, const char *text)
{
    put_escaped_n(out, text, strlen(text));
}

/* VALUE with its unit ("1.25 MiB", "300 objects"), with a '+' when
 * SIGNED and it is positive. */
static const char *format(const struct context *c, double value, bool is_signed, char *buf,
                          size_t size)
{
    char plain[48];
    enum hd_value_type type = c->report->text.value;
    hd_format_value(value, type, c->unit, plain, sizeof plain);
    bool zero = plain[strspn(plain, "-0.")] == '\0';
    snprintf(buf, size, "%s%s %s", is_signed && value > 0 && !zero ? "+" : "",
             zero && plain[0] == '-' ? plain + 1 : plain, hd_unit_name(type, c->unit));
    return buf;
}

/* A frame's change relative to its own base. */
static enum hd_change change_of(const struct hd_flame_values *v)
{
    return hd_change_of((struct hd_sides){v->current, v->base});
}

/* Whether the frame's delta is not a change: 0, or within sampling
 * noise (exact inputs have variance 0: only 0 is). */
static bool is_unchanged(const struct hd_flame_values *v)
{
    return hd_within_noise(v->current - v->base, v->delta_var);
}

/* FNV-1a: a colour that depends on the name only, the same in every run
 * (the process-keyed hd_hash_bytes would not be). */
static uint32_t name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++)
        h = (h ^ *s) * 16777619u;
    return h;
}

/* The fill of frame F: without a base, FlameGraph's warm palette by
 * name; with one, red or blue by how much the frame changed relative to
 * its base (saturated at +-100%), grey when it did not.  Gone frames are
 * filled with the hatch pattern. */
static const char *fill_of(const struct context *c, const struct hd_flame_frame *f,
                           char buf[16])
{
    if (strcmp(f->name, HD_FLAME_OTHER) == 0 && !c->diff)
        return "#bbbbbb";
    if (!c->diff) {
        uint32_t h = name_hash(f->name);
        snprintf(buf, 16, "#%02x%02x%02x", 205 + (h & 0xff) * 50 / 255,
                 (h >> 8 & 0xff) * 230 / 255, (h >> 16 & 0xff) * 55 / 255);
        return buf;
    }
    const struct hd_flame_values *v = &f->values;
    if (change_of(v) == HD_CHANGE_GONE)
        return snprintf(buf, 16, "url(#%sgone)", c->prefix) < 16 ? buf : "url(#gone)";
    if (is_unchanged(v))
        return "#cccccc";
    double delta = v->current - v->base;
    double relative = v->base > 0 ? fabs(delta) / v->base : 1;
    double strength = sqrt(relative < 1 ? relative : 1);
    int pale = (int)lround(215 - 175 * strength);
    if (delta > 0)
        snprintf(buf, 16, "#ff%02x%02x", pale, pale);
    else
        snprintf(buf, 16, "#%02x%02xff", pale, pale);
    return buf;
}

/* The change relative to the frame's own base: "+100% (new)", "-100%
 * (gone)", "+12.5%". */
static const char *change_text(const struct hd_flame_values *v, char *buf, size_t size)
{
    enum hd_change change = change_of(v);
    if (change == HD_CHANGE_NEW)
        snprintf(buf, size, "+100%% (new)");
    else if (change == HD_CHANGE_GONE)
        snprintf(buf, size, "-100%% (gone)");
    else if (v->base == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%+.1f%%", (v->current - v->base) * 100.0 / v->base);
    return buf;
}

/* PART as a percentage of WHOLE, "-" without one. */
static const char *percent(double part, double whole, char *buf, size_t size)
{
    if (whole == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.2f%%", part * 100.0 / whole);
    return buf;
}

/* Frame F's title, the first line of its tooltip and its label: the
 * name, its inline mark, and for an "other" slice how many frames it
 * holds.  The script reads it back from the tooltip to relabel a zoomed
 * frame.  The caller frees it. */
static char *title_of(const struct hd_flame_frame *f)
{
    const char *suffix = hd_inline_suffix(f->inlined);
    size_t size = strlen(f->name) + strlen(suffix) + 48;
    char *title = hd_malloc(size, 1);
    int n = snprintf(title, size, "%s%s", f->name, suffix);
    if (f->merged)
        snprintf(title + n, size - (size_t)n, " (%zu narrow frame%s)", f->merged,
                 f->merged == 1 ? "" : "s");
    return title;
}

/* Frame F's tooltip: TITLE, then its values (see the file comment). */
static void put_tooltip(const struct context *c, const struct hd_flame_frame *f,
                        const char *title)
{
    FILE *out = c->out;
    const struct hd_flame_values *v = &f->values, *all = &c->layout->frames[0].values;
    char a[64], b[64], d[64], p[32];
    put_escaped(out, title);
    if (!c->diff) {
        fprintf(out, "&#10;%s (%s)", format(c, v->current, false, a, sizeof a),
                percent(v->current, all->current, p, sizeof p));
        return;
    }
    enum hd_change change = change_of(v);
    if (change == HD_CHANGE_NEW)
        fputs("&#10;NEW: not in the base", out);
    else if (change == HD_CHANGE_GONE)
        fputs("&#10;GONE: not in the current profile", out);
    double delta = v->current - v->base;
    fprintf(out, "&#10;base %s, current %s (%s of current)", format(c, v->base, false, a, sizeof a),
            format(c, v->current, false, b, sizeof b),
            percent(v->current, all->current, p, sizeof p));
    fprintf(out, "&#10;delta %s, change %s", format(c, delta, true, d, sizeof d),
            change_text(v, a, sizeof a));
    if (c->layout->objects && v->current_objects > 0 && v->base_objects > 0 && delta != 0) {
        double more = (v->current_objects - v->base_objects) * (v->base / v->base_objects);
        fprintf(out, "&#10;more objects %s, bigger objects %s", format(c, more, true, a, sizeof a),
                format(c, delta - more, true, b, sizeof b));
    }
    if (delta != 0 && is_unchanged(v))
        fprintf(out, "&#10;within sampling noise (standard error %s)",
                format(c, sqrt(v->delta_var), false, a, sizeof a));
    if (v->gone_base > 0 && change != HD_CHANGE_GONE)
        fprintf(out, "&#10;holds gone stacks: base %s drawn as a sliver",
                format(c, v->gone_base, false, a, sizeof a));
}

/* TITLE as a label cut to WIDTH_PX: all of it, or its start and "..";
 * nothing under three characters. */
static void put_label(const struct context *c, const char *title, double x, double y,
                      double width_px)
{
    size_t fits = (size_t)((width_px - 6) / CHAR_PX);
    if (fits < 3)
        return;
    /* Count characters, not bytes, so a UTF-8 name is cut between them. */
    size_t chars = 0, cut = 0, length = strlen(title);
    for (size_t i = 0; i < length; i++)
        if (((unsigned char)title[i] & 0xc0) != 0x80) {
            if (chars == fits - 2)
                cut = i;
            chars++;
        }
    fprintf(c->out, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + FRAME_HEIGHT - 4.5);
    if (chars <= fits) {
        put_escaped(c->out, title);
    } else {
        put_escaped_n(c->out, title, cut);
        fputs("..", c->out);
    }
    fputs("</text>", c->out);
}

static void put_frame(const struct context *c, const struct hd_flame_frame *f)
{
    double x = PAD + f->x * c->scale, width = f->width * c->scale;
    double y = c->report->inverted
                   ? c->frames_top + f->depth * FRAME_HEIGHT
                   : c->frames_top + (c->layout->depth - 1 - f->depth) * FRAME_HEIGHT;
    char buf[16];
    char *title = title_of(f);
    fputs("<g><title>", c->out);
    put_tooltip(c, f, title);
    fprintf(c->out, "</title><rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"",
            x, y, width, FRAME_HEIGHT - 1, fill_of(c, f, buf));
    if (c->diff && change_of(&f->values) == HD_CHANGE_NEW)
        fputs(" stroke=\"#600000\" stroke-width=\"2\"", c->out);
    else if (c->diff && change_of(&f->values) == HD_CHANGE_GONE)
        fputs(" stroke=\"#102a80\"", c->out);
    fputs("/>", c->out);
    put_label(c, title, x, y, width);
    fputs("</g>\n", c->out);
    free(title);
}

/* The legend's lines, one <text> each, from Y; returns the next Y. */
static double put_line(const struct context *c, double y, const char *text)
{
    if (c->dry)
        return y + LINE;
    fprintf(c->out, "<text x=\"%d\" y=\"%.0f\">", PAD, y);
    put_escaped(c->out, text);
    fputs("</text>\n", c->out);
    return y + LINE;
}

static double put_inputs(const struct context *c, double y, const char *label,
                         const struct hd_report_input *inputs, size_t n)
{
    char line[1400], value[64];
    for (size_t i = 0; i < n; i++) {
        snprintf(line, sizeof line, "%s %s (%s)", label, inputs[i].path,
                 format(c, inputs[i].total, false, value, sizeof value));
        y = put_line(c, y, line);
    }
    return y;
}

/* A colour key entry at X, Y: a swatch and its meaning.  Returns the x
 * after it. */
static double put_key(const struct context *c, double x, double y, const char *fill,
                      const char *stroke, const char *text)
{
    if (c->dry)
        return x;
    fprintf(c->out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"24\" height=\"12\" fill=\"%s\"%s%s%s/>",
            x, y - 10, fill, stroke ? " stroke=\"" : "", stroke ? stroke : "",
            stroke ? "\" stroke-width=\"2\"" : "");
    fprintf(c->out, "<text x=\"%.0f\" y=\"%.0f\">", x + 30, y);
    put_escaped(c->out, text);
    fputs("</text>\n", c->out);
    return x + 30 + CHAR_PX * (double)strlen(text) + 20;
}

/* The legend from Y: inputs, totals, notes, filters, what the width and
 * colour mean, and what was merged.  Returns the y after it. */
static double put_legend(const struct context *c, double y)
{
    const struct hd_text_options *o = &c->report->text;
    const struct hd_flame_layout *l = c->layout;
    const struct hd_flame_values *all = l->n_frames ? &l->frames[0].values : NULL;
    char line[1400], a[64], b[64], d[64];
    if (c->diff) {
        y = put_inputs(c, y, "Base:", o->bases, o->n_bases);
        y = put_inputs(c, y, "Current:", o->currents, o->n_currents);
    } else {
        y = put_inputs(c, y, "File:", o->currents, o->n_currents);
    }
    const struct hd_graph *g = c->report->graph;
    if (c->diff)
        snprintf(line, sizeof line, "Type: %s. Current total %s, base total %s, delta %s",
                 hd_value_type_name(o->value), format(c, g->total + g->base_total, false, a, sizeof a),
                 format(c, g->base_total, false, b, sizeof b), format(c, g->total, true, d, sizeof d));
    else
        snprintf(line, sizeof line, "Type: %s. Total %s", hd_value_type_name(o->value),
                 format(c, g->total, false, a, sizeof a));
    y = put_line(c, y, line);
    if (o->filters && all) {
        snprintf(line, sizeof line, "Shown after filters: current %s, base %s",
                 format(c, all->current, false, a, sizeof a),
                 format(c, all->base, false, b, sizeof b));
        y = put_line(c, y, line);
    }
    for (size_t i = 0; i < o->n_notes; i++)
        y = put_line(c, y, o->notes[i]);
    for (size_t i = 0; i < c->report->picture.n_filters; i++) {
        snprintf(line, sizeof line, "Active filter: --%s", c->report->picture.filters[i]);
        y = put_line(c, y, line);
    }
    if (c->diff) {
        if (all && all->gone_base > 0 && l->gone_scale < 1)
            snprintf(line, sizeof line,
                     "Width: current value; gone stacks (base %s) as a sliver of %.0f%%, "
                     "their base scaled by %.3g",
                     format(c, all->gone_base, false, a, sizeof a), HD_FLAME_GONE_SHARE * 100,
                     l->gone_scale);
        else if (all && all->gone_base > 0)
            snprintf(line, sizeof line, "Width: current value; gone stacks by their base (%s)",
                     format(c, all->gone_base, false, a, sizeof a));
        else
            snprintf(line, sizeof line, "Width: current value");
        y = put_line(c, y, line);
        y = put_line(c, y, "Colour: delta relative to the frame's own base, saturated at 100%; "
                           "values in each tooltip");
        y += 4;
        double x = PAD;
        x = put_key(c, x, y, "#ff2828", NULL, "grew");
        x = put_key(c, x, y, "#ffa0a0", NULL, "grew a little");
        x = put_key(c, x, y, "#a0a0ff", NULL, "shrank a little");
        x = put_key(c, x, y, "#2828ff", NULL, "shrank");
        x = put_key(c, x, y, "#cccccc", NULL,
                    o->mark_noise ? "unchanged or within sampling noise" : "unchanged");
        x = put_key(c, x, y, "#ff2828", "#600000", "new");
        put_key(c, x, y, "url(#gone)", "#102a80", "gone");
        y += LINE;
    } else {
        y = put_line(c, y, "Width: value; colour: by name, for contrast only");
    }
    if (l->merged > 0) {
        snprintf(line, sizeof line,
                 "Merged %zu frame%s narrower than %.1f px into \"%s\" slices", l->merged,
                 l->merged == 1 ? "" : "s", MIN_FRAME_PX, HD_FLAME_OTHER);
        y = put_line(c, y, line);
    }
    return y;
}

/* Click-to-zoom, search and the details line: only adds to a picture
 * that is complete without it.  Its names are its own (one function
 * scope) and the ids it reads start with P, so that the picture can be
 * inlined in a page (--html).  Frames are the <g> children of #frames,
 * each a title, a rect and maybe a text; originals are kept on the
 * elements as properties. */
static const char script[] =
    "(function(){var frames,details,matchedText,resetText,searching=null;\n"
    "function rectOf(g){return g.getElementsByTagName('rect')[0];}\n"
    "function nameOf(g){return g.getElementsByTagName('title')[0].textContent.split('\\n')[0];}\n"
    "function init(){frames=document.getElementById(P+'frames').getElementsByTagName('g');\n"
    " details=document.getElementById(P+'details');matchedText=document.getElementById(P+'matched');\n"
    " resetText=document.getElementById(P+'reset');\n"
    " for(var i=0;i<frames.length;i++){var g=frames[i],r=rectOf(g);\n"
    "  g.ox=parseFloat(r.getAttribute('x'));g.ow=parseFloat(r.getAttribute('width'));\n"
    "  g.oy=parseFloat(r.getAttribute('y'));g.ofill=r.getAttribute('fill');g.name=nameOf(g);\n"
    "  g.onmouseover=function(){details.textContent=this.getElementsByTagName('title')[0]"
    ".textContent.replace(/\\n/g,'  |  ');};\n"
    "  g.onmouseout=function(){details.textContent=' ';};\n"
    "  g.onclick=function(){zoom(this);};}\n"
    " resetText.onclick=unzoom;document.getElementById(P+'search').onclick=search;}\n"
    "function label(g,x,w){var t=g.getElementsByTagName('text')[0];\n"
    " var fits=Math.floor((w-6)/CH),s=g.name;\n"
    " if(fits<3)s='';else if(s.length>fits)s=s.substring(0,fits-2)+'..';\n"
    " if(!t){if(!s)return;t=document.createElementNS('http://www.w3.org/2000/svg','text');"
    "g.appendChild(t);}\n"
    " t.setAttribute('x',(x+3).toFixed(1));t.setAttribute('y',(g.oy+11.5).toFixed(1));"
    "t.textContent=s;}\n"
    "function place(g,x,w){var r=rectOf(g);g.style.display='';\n"
    " r.setAttribute('x',x.toFixed(1));r.setAttribute('width',w.toFixed(1));label(g,x,w);}\n"
    "function zoom(z){var x0=z.ox,w0=z.ow,s=(W-2*PAD)/w0;\n"
    " for(var i=0;i<frames.length;i++){var g=frames[i];\n"
    "  var rootward=INVERTED?g.oy<z.oy:g.oy>z.oy;\n"
    "  if(rootward&&g.ox<=x0+0.01&&g.ox+g.ow>=x0+w0-0.01)place(g,PAD,W-2*PAD);\n"
    "  else if(!rootward&&g.ox>=x0-0.01&&g.ox+g.ow<=x0+w0+0.01)"
    "place(g,PAD+(g.ox-x0)*s,g.ow*s);\n"
    "  else g.style.display='none';}\n"
    " resetText.style.opacity='1';}\n"
    "function unzoom(){for(var i=0;i<frames.length;i++)place(frames[i],frames[i].ox,"
    "frames[i].ow);\n"
    " resetText.style.opacity='0';}\n"
    "function search(){var re=prompt('Search frames (regular expression)',searching||'');\n"
    " if(re===null)return;var ex;try{ex=new RegExp(re);}catch(e){alert(e);return;}\n"
    " searching=re||null;var spans=[],total=0;\n"
    " for(var i=0;i<frames.length;i++){var g=frames[i],hit=searching&&ex.test(g.name);\n"
    "  rectOf(g).setAttribute('fill',hit?'#e040e0':g.ofill);if(hit)spans.push([g.ox,g.ox+g.ow]);"
    "}\n"
    " spans.sort(function(a,b){return a[0]-b[0];});var end=-1;\n"
    " for(var k=0;k<spans.length;k++){var a=Math.max(spans[k][0],end);"
    "if(spans[k][1]>a)total+=spans[k][1]-a;end=Math.max(end,spans[k][1]);}\n"
    " matchedText.textContent=searching?'Matched: '+(100*total/(W-2*PAD)).toFixed(1)+'%':' ';}\n"
    "window.addEventListener('load',init);})();\n";

int hd_flame_write(FILE *out, const struct hd_report *report, const char *id_prefix,
                   bool standalone, struct hd_error *err)
{
    const struct hd_text_options *o = &report->text;
    struct hd_flame_layout *layout = hd_flame_layout_build(
        report->graph, report->model, o->value, MIN_FRAME_PX / (WIDTH - 2 * PAD));
    const struct hd_graph *g = report->graph;
    struct context c = {
        .out = out,
        .report = report,
        .layout = layout,
        .diff = o->n_bases > 0,
        .scale = layout->total_width > 0 ? (WIDTH - 2 * PAD) / layout->total_width : 0,
        .prefix = id_prefix,
    };
    double magnitude = fmax(fabs(g->total), g->base_total);
    magnitude = fmax(magnitude, g->total + g->base_total);
    c.unit = hd_resolve_unit(o->unit, magnitude);

    /* The frames start under the legend: measure it first. */
    double legend_top = 48;
    c.dry = true;
    c.frames_top = put_legend(&c, legend_top) + 4;
    c.dry = false;
    double height = c.frames_top + layout->depth * FRAME_HEIGHT + 30;

    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n", out);
    fprintf(out, "<svg version=\"1.1\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
                 "xmlns=\"http://www.w3.org/2000/svg\">\n",
            WIDTH, height, WIDTH, height);
    const char *p = id_prefix;
    fprintf(out, "<defs><pattern id=\"%sgone\" width=\"6\" height=\"6\" "
                 "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                 "<rect width=\"6\" height=\"6\" fill=\"#8ca0ff\"/>"
                 "<rect width=\"2.5\" height=\"6\" fill=\"#ffffff\"/></pattern></defs>\n",
            p);
    fprintf(out, "<script type=\"text/ecmascript\"><![CDATA[\n"
                 "var W=%d,PAD=%d,CH=%.1f,INVERTED=%s,P='%s';\n%s]]></script>\n",
            WIDTH, PAD, CHAR_PX, report->inverted ? "true" : "false", p, script);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%.0f\" fill=\"#fbfbf6\"/>\n", WIDTH,
            height);
    fprintf(out, "<g font-family=\"monospace\" font-size=\"%d\" fill=\"#000000\">\n", FONT_SIZE);
    fprintf(out, "<text x=\"%d\" y=\"24\" font-size=\"17\" text-anchor=\"middle\">%s</text>\n",
            WIDTH / 2, c.diff ? "Differential flame graph" : "Flame graph");
    fprintf(out, "<text id=\"%sreset\" x=\"%d\" y=\"24\" opacity=\"0\" cursor=\"pointer\">"
                 "Reset zoom</text>\n", p, PAD);
    fprintf(out, "<text id=\"%ssearch\" x=\"%d\" y=\"24\" text-anchor=\"end\" "
                 "cursor=\"pointer\">Search</text>\n", p, WIDTH - PAD);
    fprintf(out, "<text id=\"%smatched\" x=\"%d\" y=\"%.0f\" text-anchor=\"end\"> </text>\n",
            p, WIDTH - PAD, height - 10);
    fprintf(out, "<text id=\"%sdetails\" x=\"%d\" y=\"%.0f\"> </text>\n", p, PAD, height - 10);
    put_legend(&c, legend_top);
    fprintf(out, "<g id=\"%sframes\" cursor=\"pointer\">\n", p);
    for (size_t i = 0; i < layout->n_frames; i++)
        put_frame(&c, &layout->frames[i]);
    fputs("</g>\n</g>\n</svg>\n", out);
    hd_flame_layout_free(layout);
    if (ferror(out))
        return hd_error_set(err, report->output_name, 0, "cannot write the flame graph");
    return 0;
}

int hd_emit_flame(FILE *out, const struct hd_report *report, struct hd_error *err)
{
    return hd_flame_write(out, report, "", true, err);
}
