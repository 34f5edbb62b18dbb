#!/usr/bin/env python3
"""Script test of --proto: Go pprof (built offline, go_pprof.py) loads
heapdiff's profile.proto, and its `-top -unit=B -nodecount=0
-nodefraction=0` rows must be
heapdiff's own `--show_bytes --nodecount=0` text rows: the same names
(inline marks included), flat and cum, for a tcmalloc diff, a jemalloc
diff, single profiles (one with C++ inlines) and an --alloc_space report.
Output is TAP.

usage: proto.py HEAPDIFF TESTDATA_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

from go_pprof import build_go_pprof, report_rows, same_name

HEAPDIFF, TESTDATA = sys.argv[1], os.path.realpath(sys.argv[2])


def run(args):
    """Standard output of ARGS run in TESTDATA (bytes); fails loudly."""
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TESTDATA,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (args[0], done.returncode,
                                                done.stderr.decode(errors="replace")))
    return done.stdout


def rows(text, header):
    """{name: (flat, cum)} of the lines after the first matching HEADER."""
    return report_rows(text, header, same_name)


def main():
    cases = [  # (options, binary, profile, base)
        ([], "bin/leaky", "profiles/tc-run2.0003.heap", "profiles/tc-run1.0001.heap"),
        ([], "bin/leaky", "profiles/je-unsampled-run1.3.heap",
         "profiles/je-unsampled-run1.1.heap"),
        ([], "bin/leaky_cpp", "profiles/tc-cpp.0002.heap", None),
        (["--lines"], "bin/leaky_cpp", "profiles/tc-cpp.0002.heap", None),
        (["--alloc_space"], "bin/leaky", "profiles/je-accum.3.heap", None),
        (["--inuse_objects"], "bin/leaky", "profiles/tc-run1.0004.heap",
         "profiles/tc-run1.0002.heap"),
    ]
    print("TAP version 13")
    print("1..%d" % len(cases))
    work = tempfile.mkdtemp()
    try:
        go = build_go_pprof(work)
        for number, (options, binary, profile, base) in enumerate(cases, 1):
            what = "%s %s%s" % (" ".join(options), profile, " --base " + base if base else "")
            if not go:
                print("ok %d - %s # SKIP Go pprof could not be built" % (number, what))
                continue
            args = options + (["--base=" + base] if base else []) + [binary, profile]
            mine = rows(run([HEAPDIFF, "--show_bytes", "--nodecount=0"] + args).decode(),
                        r"^Total:")
            path = os.path.join(work, "%d.pb.gz" % number)
            run([HEAPDIFF, "--proto", "-o", path] + args)
            # Go pprof must take everything from the file: no binary, no
            # symbolization (-symbolize=none), the default sample type.
            go_options = ["-lines"] if "--lines" in options else []
            theirs = rows(run([go, "-top", "-unit=B", "-nodecount=0", "-nodefraction=0",
                               "-symbolize=none"]
                              + go_options + [path]).decode(), r"^\s+flat\s+flat%")
            if mine and mine == theirs:
                print("ok %d - %s: %d rows equal" % (number, what, len(mine)))
            else:
                print("not ok %d - %s" % (number, what))
                for name in sorted(set(mine) | set(theirs)):
                    if mine.get(name) != theirs.get(name):
                        print("#   %s: heapdiff %s, Go pprof %s" % (
                            name, mine.get(name), theirs.get(name)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


main()
