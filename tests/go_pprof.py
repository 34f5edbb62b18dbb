"""Go pprof, built offline from Debian's source package
(golang-github-google-pprof-dev), for the script tests that use it as an
oracle (oracle_rows.py, proto.py), and the reading of a text report's rows
that both compare."""
import os
import re
import shutil
import subprocess

# A row of a text report in bytes, heapdiff's or pprof's:
# flat flat% sum% cum cum% name.
ROW = re.compile(r"^\s*(-?\d+)B?\s+\S+\s+\S+\s+(-?\d+)B?\s+\S+\s+(.*)$")


def report_rows(text, header, normalize=lambda name: name):
    """{normalize(name): (flat, cum)} of a report's rows: the lines after
    the first line matching HEADER."""
    out, started = {}, False
    for line in text.splitlines():
        if not started:
            started = bool(re.match(header, line))
            continue
        match = ROW.match(line)
        if match:
            out[normalize(match.group(3))] = (int(match.group(1)), int(match.group(2)))
    return out


def same_name(name):
    """NAME as both tools spell it: heapdiff marks new and gone rows, and
    names an unknown file "??:0" at --lines where Go pprof names none."""
    name = re.sub(r" \((new|gone)\)$", "", name)
    return re.sub(r" \?\?:[0?]( \(|$)", r"\1", name)


def build_go_pprof(work):
    """Go pprof built in WORK (a scratch directory the caller removes), or
    None when Go or the source package is missing or the build fails."""
    source = "/usr/share/gocode/src"
    if not shutil.which("go") or not os.path.isdir(source + "/github.com/google/pprof"):
        return None
    gopath = os.path.join(work, "go")
    shutil.copytree(source, os.path.join(gopath, "src"), symlinks=True)
    binary = os.path.join(work, "pprof-go")
    env = dict(os.environ, GO111MODULE="off", GOPATH=gopath, GOFLAGS="",
               GOCACHE=os.path.join(work, "gocache"))
    done = subprocess.run(["go", "build", "-o", binary, "."], env=env,
                          cwd=os.path.join(gopath, "src/github.com/google/pprof"),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return binary if done.returncode == 0 else None
