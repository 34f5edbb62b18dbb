"""Go pprof, built offline from Debian's source package
(golang-github-google-pprof-dev), for the script tests that use it as an
oracle (oracle_rows.py, proto.py)."""
import os
import shutil
import subprocess


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
