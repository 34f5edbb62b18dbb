#!/usr/bin/env python3
"""Browser test of the HTML report (issue 13): headless Chromium, driven
over its DevTools protocol (CDP) with only the Python standard library,
loads each page from file:// with the network blocked and checks the page
CONTRACT: no request leaves the page, no console error, th[data-key=flat]
sorts the tr.row rows descending then ascending (aria-sort), #search
filters them (regex, case-insensitive; an invalid regex is a substring)
and #shown-count counts them, the rows are there with scripts off, and a
screenshot is a PNG.  Output is TAP.

usage: browser.py [--out DIR] [PAGE.html ...]
Pages: those given; else, when $HEAPDIFF --help lists --html, a diff and a
trend report of testdata ($HD_TESTDATA) written into DIR; else
tests/html/contract_fixture.html (said in the output).  Screenshots go to
DIR/NAME.png (default DIR: ./browser).  Skips when no chromium is
installed ($CHROMIUM names another binary).
"""
import base64
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "html", "contract_fixture.html")
TIME_LIMIT = 50.0  # seconds for the whole run; meson's timeout is above it

# The page's rows as the CONTRACT defines them (tr.row, data-name,
# data-flat, hidden) and its visible-row counter.
ROWS_JS = """Array.from(document.querySelectorAll('#rows tr.row')).map(r =>
  ({name: r.dataset.name, flat: Number(r.dataset.flat), hidden: r.hidden}))"""
COUNT_JS = "(document.getElementById('shown-count') || {}).textContent"


class Failure(Exception):
    """A check that did not hold; its text goes on the TAP line."""


class Cdp:
    """A CDP connection over a minimal RFC 6455 websocket client to the
    browser endpoint, with one attached page (flat session).  Every event
    received is kept in self.events until the caller clears it."""

    def __init__(self, port, path, deadline):
        self.deadline, self.buf, self.next_id, self.events = deadline, b"", 0, []
        self.session = None
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (path, port, key)).encode())
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket handshake refused: %r" % head[:200])

    def _recv(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("time limit of the browser test reached")
        self.sock.settimeout(left)
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise EOFError("chromium closed the DevTools connection")
        return chunk

    def _read(self, n):
        while len(self.buf) < n:
            self.buf += self._recv()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, data):
        """One final, masked frame (a client must mask, RFC 6455 §5.3)."""
        n, mask = len(data), os.urandom(4)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        keys = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(data, "big") ^ int.from_bytes(keys, "big")).to_bytes(n, "big")
        self.sock.sendall(head + mask + masked)

    def _message(self):
        """The next text message, reassembled from its fragments."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            opcode = b0 & 0x0F
            if opcode == 8:
                raise EOFError("chromium closed the DevTools connection")
            if opcode == 9:
                self._send_frame(10, data)
            elif opcode in (0, 1, 2):
                parts.append(data)
                if b0 & 0x80:
                    return json.loads(b"".join(parts))

    def _pump(self):
        """Read one message; keep it if it is an event, return it anyway."""
        msg = self._message()
        if "method" in msg:
            self.events.append(msg)
        return msg

    def send(self, method, **params):
        """METHOD's result; raises on a protocol error."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        self._send_frame(1, json.dumps(msg).encode())
        while True:
            reply = self._pump()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"].get("message")))
                return reply.get("result", {})

    def wait_event(self, method, seconds):
        """The first kept event named METHOD, waiting up to SECONDS for it."""
        until = time.monotonic() + seconds
        while True:
            for event in self.events:
                if event["method"] == method:
                    return event
            if time.monotonic() > until:
                raise Failure("no %s within %g s" % (method, seconds))
            self.deadline, saved = min(self.deadline, until), self.deadline
            try:
                self._pump()
            except TimeoutError:
                pass
            finally:
                self.deadline = saved

    def drain(self, seconds):
        """Keep the events that arrive within SECONDS."""
        until = time.monotonic() + seconds
        saved, self.deadline = self.deadline, min(self.deadline, until)
        try:
            while True:
                self._pump()
        except (TimeoutError, socket.timeout):
            pass
        finally:
            self.deadline = saved

    def js(self, expression):
        """The value of EXPRESSION evaluated in the page."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise Failure("%s: %s" % (expression[:60], result["exceptionDetails"].get("text")))
        return result["result"].get("value")


def start_chromium(binary, profile_dir, log):
    """Chromium in its own process group (killed whole by stop_chromium),
    and the DevTools port and browser path from DevToolsActivePort."""
    proc = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--remote-debugging-port=0",
         "--user-data-dir=" + profile_dir, "--no-first-run", "--disable-gpu",
         "--window-size=1280,900", "--host-resolver-rules=MAP * ~NOTFOUND", "about:blank"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    port_file = os.path.join(profile_dir, "DevToolsActivePort")
    until = time.monotonic() + 20
    while time.monotonic() < until and proc.poll() is None:
        try:
            with open(port_file) as f:
                lines = f.read().split()
            if len(lines) == 2:
                return proc, int(lines[0]), lines[1]
        except OSError:
            pass
        time.sleep(0.1)
    stop_chromium(proc)
    raise RuntimeError("chromium wrote no DevToolsActivePort in 20 s (exit %s)" % proc.poll())


def stop_chromium(proc):
    """End chromium and its helpers: they share the group we started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=5)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def load(cdp, path):
    """Navigate to PATH from file:// and wait for its load event; keeps
    what happens in the next 0.5 s too (late requests, errors)."""
    cdp.events = []
    url = "file://" + os.path.abspath(path)
    result = cdp.send("Page.navigate", url=url)
    if result.get("errorText"):
        raise Failure("%s: %s" % (url, result["errorText"]))
    cdp.wait_event("Page.loadEventFired", 15)
    cdp.drain(0.5)
    return url


def outside_requests(cdp, url):
    """URLs the page asked for other than itself and data: URLs."""
    seen = [e["params"]["request"]["url"] for e in cdp.events
            if e["method"] == "Network.requestWillBeSent"]
    return [u for u in seen if u.split("#")[0] != url and not u.startswith("data:")]


def console_errors(events):
    """Console errors, uncaught exceptions and error log entries in EVENTS."""
    out = []
    for e in events:
        p = e["params"]
        if e["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
            out.append(" ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
        elif e["method"] == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            out.append(d.get("exception", {}).get("description") or d.get("text"))
        elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append(p["entry"]["text"] + " " + p["entry"].get("url", ""))
    return out


def check_sort(cdp, order):
    """Click th[data-key=flat]; the rows' data-flat must follow ORDER."""
    before = cdp.js(ROWS_JS)
    cdp.js("document.querySelector('#rows th[data-key=flat]').click()")
    rows = cdp.js(ROWS_JS)
    aria = cdp.js("document.querySelector('#rows th[data-key=flat]').getAttribute('aria-sort')")
    flats = [r["flat"] for r in rows]
    want = sorted(flats, reverse=(order == "descending"))
    if len(rows) != len(before) or len(rows) < 2:
        raise Failure("%d rows before the click, %d after" % (len(before), len(rows)))
    if flats != want:
        raise Failure("data-flat not %s: %s" % (order, flats[:10]))
    if aria != order:
        raise Failure("aria-sort is %r, not %r" % (aria, order))
    return "%d rows %s, %s .. %s" % (len(rows), order, flats[0], flats[-1])


def type_search(cdp, text):
    """Type TEXT into #search a character at a time, as a user does."""
    cdp.js("(s => { s.value = ''; s.dispatchEvent(new Event('input')); s.focus(); })"
           "(document.getElementById('search'))")
    for ch in text:
        cdp.send("Input.insertText", text=ch)


def check_search(cdp, text, matches):
    """After typing TEXT, exactly the rows whose name MATCHES are visible
    and #shown-count says how many (polled for 2 s: the page may wait for
    the typing to pause)."""
    names = [r["name"] for r in cdp.js(ROWS_JS)]
    want = sorted(n for n in names if matches(n))
    type_search(cdp, text)
    until = time.monotonic() + 2
    while True:
        rows = cdp.js(ROWS_JS)
        shown = sorted(r["name"] for r in rows if not r["hidden"])
        count = (cdp.js(COUNT_JS) or "").strip()
        if shown == want and count == str(len(want)):
            return "%r shows %d of %d rows" % (text, len(want), len(names))
        if time.monotonic() > until:
            raise Failure("%r: visible %s (want %s), #shown-count %r"
                          % (text, shown[:8], want[:8], count))
        time.sleep(0.1)


def regex_term(rows):
    """The longest identifier in the top row's name, upper-cased so that the
    page must match case-insensitively, and how Python matches it."""
    top = max(rows, key=lambda r: r["flat"])["name"]
    word = max(re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", top) or [top], key=len)
    return word.upper(), lambda n: re.search(re.escape(word), n, re.I) is not None


def substring_term(rows):
    """An invalid regex, so the page must fall back to a substring: '('
    and what follows it in a row's name when one has it."""
    for r in rows:
        i = r["name"].find("(")
        if i >= 0:
            text = r["name"][i:i + 4]
            try:
                re.compile(text)
            except re.error:
                break
    else:
        text = "("
    return text, lambda n: text.lower() in n.lower()


def check_screenshot(cdp, png_path):
    """A PNG of the viewport to PNG_PATH; its signature and size."""
    data = base64.b64decode(cdp.send("Page.captureScreenshot", format="png")["data"])
    with open(png_path, "wb") as f:
        f.write(data)
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise Failure("%s is not a PNG" % png_path)
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise Failure("%s is %dx%d" % (png_path, width, height))
    return "%s, %dx%d, %d bytes" % (png_path, width, height, len(data))


def check_no_script(cdp, path):
    """With scripts disabled the rows and #summary are in the page."""
    cdp.send("Emulation.setScriptExecutionDisabled", value=True)
    try:
        url = load(cdp, path)
        root = cdp.send("DOM.getDocument", depth=0)["root"]["nodeId"]
        rows = cdp.send("DOM.querySelectorAll", nodeId=root, selector="#rows tr.row")["nodeIds"]
        summary = cdp.send("DOM.querySelector", nodeId=root, selector="#summary")["nodeId"]
        gone = outside_requests(cdp, url)
    finally:
        cdp.send("Emulation.setScriptExecutionDisabled", value=False)
    if not rows or not summary or gone:
        raise Failure("%d rows, #summary %s, requests %s"
                      % (len(rows), "present" if summary else "missing", gone))
    return "%d rows and #summary without scripts" % len(rows)


def check_page(cdp, path, out_dir, report):
    """The CONTRACT checks of one page; REPORT(ok, text) gets each."""
    name = os.path.splitext(os.path.basename(path))[0]
    state = {}

    def loaded():
        state["url"] = load(cdp, path)
        state["rows"] = cdp.js(ROWS_JS)
        return "%d rows" % len(state["rows"])

    def no_requests():
        gone = outside_requests(cdp, state["url"])
        if gone:
            raise Failure("requests: %s" % gone[:5])
        return "none"

    def no_errors():
        """Errors since the previous call of this check on the page."""
        errors = console_errors(cdp.events[state.get("seen", 0):])
        state["seen"] = len(cdp.events)
        if errors:
            raise Failure("console errors: %s" % errors[:5])
        return "none"

    def search(term_of):
        text, matches = term_of(state["rows"])
        return check_search(cdp, text, matches)

    checks = [
        ("loads offline from file://", loaded),
        ("no request leaves the page", no_requests),
        ("no console error", no_errors),
        ("screenshot", lambda: check_screenshot(cdp, os.path.join(out_dir, name + ".png"))),
        ("first click on flat sorts descending", lambda: check_sort(cdp, "descending")),
        ("second click sorts ascending", lambda: check_sort(cdp, "ascending")),
        ("search: a regex, case-insensitive", lambda: search(regex_term)),
        ("search: an invalid regex is a substring", lambda: search(substring_term)),
        ("search: empty shows every row", lambda: check_search(cdp, "", lambda n: True)),
        ("no console error after the clicks and typing", no_errors),
        ("rows without scripts", lambda: check_no_script(cdp, path)),
    ]
    for what, check in checks:
        try:
            report(True, "%s: %s: %s" % (name, what, check()))
        except (Failure, RuntimeError, KeyError, TypeError, ValueError) as e:
            report(False, "%s: %s: %s" % (name, what, e))


def check_driver_sees_trouble(cdp, out_dir, report):
    """The driver is not blind: a copy of the fixture with an image from
    the web and a console.error must show that request, blocked by the
    DevTools block list ("inspector"), and the error."""
    bad = os.path.join(out_dir, "bad_fixture.html")
    with open(FIXTURE) as f:
        page = f.read()
    with open(bad, "w") as f:
        f.write(page.replace("</body>", '<img src="http://heapdiff.invalid/x.png">\n'
                             '<script>console.error("bad fixture");</script>\n</body>'))
    try:
        url = load(cdp, bad)
        gone, errors = outside_requests(cdp, url), console_errors(cdp.events)
        blocked = [e["params"].get("blockedReason") for e in cdp.events
                   if e["method"] == "Network.loadingFailed"]
        ok = gone == ["http://heapdiff.invalid/x.png"] and blocked == ["inspector"] \
            and any("bad fixture" in e for e in errors)
        report(ok, "the driver sees a page's request (blocked: %s) and console error: %s, "
               "%d errors" % (blocked, gone, len(errors)))
    except (Failure, RuntimeError) as e:
        report(False, "the driver sees a page's request and console error: %s" % e)


def pages_to_check(args, out_dir):
    """(pages, note): the pages given, heapdiff's, or the fixture."""
    if args:
        return args, "the pages given"
    heapdiff, testdata = os.environ.get("HEAPDIFF"), os.environ.get("HD_TESTDATA")
    if heapdiff and testdata:
        usage = subprocess.run([heapdiff, "--help"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, check=False).stdout.decode()
        if "--html" in usage:
            pages = []
            for name, argv in [
                    ("diff", ["--base", "profiles/tc-run1.0001.heap", "bin/leaky",
                              "profiles/tc-run1.0004.heap"]),
                    ("trend", ["--trend", "bin/trend", "profiles/tc-trend.0*.heap"])]:
                page = os.path.join(os.path.abspath(out_dir), name + ".html")
                subprocess.run([heapdiff, "--html", "-o", page] + argv, cwd=testdata,
                               check=True, timeout=120)
                pages.append(page)
            return pages, "heapdiff --html reports of testdata"
    return [FIXTURE], "heapdiff has no --html: the contract fixture only"


def main():
    args, out_dir = sys.argv[1:], "browser"
    if args[:1] == ["--out"]:
        out_dir, args = args[1], args[2:]
    print("TAP version 13")
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    if not binary:
        print("1..0 # SKIP no chromium installed (scripts/setup.sh installs Debian's chromium)")
        return 0
    os.makedirs(out_dir, exist_ok=True)
    results = []

    def report(ok, text):
        results.append(ok)
        print("%s %d - %s" % ("ok" if ok else "not ok", len(results), text), flush=True)

    deadline = time.monotonic() + TIME_LIMIT
    profile_dir = tempfile.mkdtemp(prefix="hd-chromium-")
    log_path = os.path.join(out_dir, "chromium.log")
    proc = None
    try:
        pages, note = pages_to_check(args, out_dir)
        print("# checking %s: %s" % (note, " ".join(pages)))
        with open(log_path, "wb") as log:
            proc, port, path = start_chromium(binary, profile_dir, log)
            cdp = Cdp(port, path, deadline)
            target = cdp.send("Target.createTarget", url="about:blank")["targetId"]
            cdp.session = cdp.send("Target.attachToTarget", targetId=target,
                                   flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network", "DOM"):
                cdp.send(domain + ".enable")
            # Belt and braces: the resolver maps every host to nowhere, and
            # the page may fetch nothing but file: and data: URLs.
            cdp.send("Network.setBlockedURLs",
                     urls=["http:*", "https:*", "ws:*", "wss:*", "ftp:*"])
            for page in pages:
                check_page(cdp, page, out_dir, report)
            check_driver_sees_trouble(cdp, out_dir, report)
    except subprocess.SubprocessError as e:
        report(False, "writing the reports: %s" % e)
    except (OSError, RuntimeError, EOFError) as e:
        report(False, "driving chromium: %s (log: %s)" % (e, log_path))
    finally:
        if proc:
            stop_chromium(proc)
        shutil.rmtree(profile_dir, ignore_errors=True)
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
