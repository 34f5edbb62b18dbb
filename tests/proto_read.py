#!/usr/bin/env python3
"""Script test of reading pprof's profile.proto (parser/proto.c), output
as TAP:
 - round trip: `heapdiff --proto -o x.pb.gz BINARY P` then `heapdiff
   x.pb.gz` prints what `heapdiff BINARY P` prints, for the text report,
   --lines and a --base diff of two such files (exact profiles; sampled
   ones are rounded to integers by the format), --trend over a series of
   them, and the same rows for C++ with inlined frames;
 - jemalloc_pprof-shaped profiles (testdata/make-proto.py: addresses and
   build-ids, no functions) are symbolized here and report what the
   jemalloc text profiles they were made from report, a diff across runs
   included;
 - Go pprof's own -proto output (symbolized by Go pprof, with lines), and
   heap profiles of Go's runtime: heapdiff's rows are Go pprof's -top rows
   of the same files, single and with -base (Go pprof built offline,
   go_pprof.py; skipped without it).

usage: proto_read.py HEAPDIFF TESTDATA_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

from go_pprof import build_go_pprof, report_rows, same_name

HEAPDIFF, TESTDATA = sys.argv[1], os.path.realpath(sys.argv[2])
RESULTS = []


def run(args, env=None):
    """Standard output of ARGS run in TESTDATA (text), with ENV added to the
    environment; fails loudly."""
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TESTDATA,
                          env=dict(os.environ, **env) if env else None, check=False)
    if done.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), done.returncode,
                                                done.stderr.decode(errors="replace")))
    return done.stdout.decode()


def report(options, *inputs):
    """heapdiff's report, without the lines that name the input files."""
    text = run([HEAPDIFF] + options + list(inputs))
    return "\n".join(line for line in text.splitlines()
                     if not line.startswith(("Base:", "Current:")))


def rows(options, *inputs):
    """{name: (flat, cum)} of heapdiff's report in bytes, every row."""
    return report_rows(report(["--nodecount=0", "--show_bytes"] + options, *inputs),
                       r"^Total:")


def check(what, mine, theirs):
    """One TAP result: MINE equals THEIRS (reports or rows)."""
    if mine and mine == theirs:
        RESULTS.append("ok %d - %s" % (len(RESULTS) + 1, what))
        return
    lines = ["not ok %d - %s" % (len(RESULTS) + 1, what)]
    if isinstance(mine, dict):
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name):
                lines.append("#   %s: heapdiff %s, expected %s" % (name, mine.get(name),
                                                                   theirs.get(name)))
    else:
        lines += ["#   got:"] + ["#     " + l for l in mine.splitlines()]
        lines += ["#   expected:"] + ["#     " + l for l in theirs.splitlines()]
    RESULTS.append("\n".join(lines))


def round_trips(work):
    cases = [("bin/leaky", "profiles/tc-run1.0004.heap", "profiles/tc-run1.0002.heap"),
             ("bin/leaky", "profiles/je-unsampled-run1.4.heap",
              "profiles/je-unsampled-run2.2.heap")]
    for number, (binary, profile, base) in enumerate(cases):
        mine = os.path.join(work, "rt%d.pb.gz" % number)
        mine_base = os.path.join(work, "rt%d-base.pb.gz" % number)
        run([HEAPDIFF, "--proto", "-o", mine, binary, profile])
        run([HEAPDIFF, "--proto", "-o", mine_base, binary, base])
        for options in ([], ["--lines"], ["--inuse_objects"]):
            check("round trip %s %s" % (" ".join(options), profile),
                  report(options, mine), report(options, binary, profile))
            check("round trip %s --base %s %s" % (" ".join(options), base, profile),
                  report(options + ["--base", mine_base], mine),
                  report(options + ["--base", base], binary, profile))


def trend_round_trip(work):
    """--trend over four --proto files: the verdicts of the text series."""
    texts = ["profiles/tc-run1.%04d.heap" % k for k in range(1, 5)]
    protos = []
    for k, text in enumerate(texts, 1):
        protos.append(os.path.join(work, "series.%04d.pb.gz" % k))
        run([HEAPDIFF, "--proto", "-o", protos[-1], "bin/leaky", text])
    strip = lambda text: "\n".join(l for l in text.splitlines() if not l.startswith("Trend:"))
    check("round trip --trend over 4 snapshots",
          strip(report(["--trend"], *protos)), strip(report(["--trend", "bin/leaky"], *texts)))


def cpp_round_trip(work):
    """C++ with inlined frames: the rows are the same.  The header's
    "Wrappers charged to callers" line is not: the profile holds stacks
    already cut of the allocator's frames and wrappers."""
    mine = os.path.join(work, "cpp.pb.gz")
    run([HEAPDIFF, "--proto", "-o", mine, "bin/leaky_cpp", "profiles/tc-cpp.0004.heap"])
    for options in ([], ["--lines"], ["--no-wrappers"]):
        if options == ["--no-wrappers"]:
            run([HEAPDIFF, "--proto", "-o", mine, "--no-wrappers", "bin/leaky_cpp",
                 "profiles/tc-cpp.0004.heap"])
        check("round trip %s profiles/tc-cpp.0004.heap (rows)" % " ".join(options),
              rows(options, mine),
              rows(options, "bin/leaky_cpp", "profiles/tc-cpp.0004.heap"))


def jemalloc_pprof():
    pairs = [("proto/jepprof-run1.4.pb.gz", "profiles/je-unsampled-run1.4.heap")]
    for options in ([], ["--lines"], ["--traces"]):
        for proto, text in pairs:
            check("jemalloc_pprof-shaped %s %s" % (" ".join(options), proto),
                  report(options, "bin/leaky", proto),
                  report(options, "bin/leaky", text))
    for options in ([], ["--lines"]):
        check("jemalloc_pprof-shaped %s diff across runs" % " ".join(options),
              report(options + ["--base", "proto/jepprof-run1.2.pb.gz"], "bin/leaky",
                     "proto/jepprof-run2.4.pb.gz"),
              report(options + ["--base", "profiles/je-unsampled-run1.2.heap"], "bin/leaky",
                     "profiles/je-unsampled-run2.4.heap"))


def go_protos(work, go):
    cases = [  # (heapdiff options, binary, profile, base)
        ([], "bin/leaky", "profiles/tc-run1.0004.heap", None),
        ([], "bin/leaky", "profiles/tc-run1.0004.heap", "profiles/tc-run1.0002.heap"),
        ([], "bin/leaky", "profiles/tc-run2.0003.heap", "profiles/tc-run1.0001.heap"),
        (["--inuse_objects"], "bin/leaky", "profiles/tc-run1.0004.heap",
         "profiles/tc-run1.0002.heap"),
        (["--alloc_space"], "bin/leaky", "profiles/tc-run1.0003.heap", None),
    ]
    # Go pprof reads gperftools' text, not jemalloc's
    sample_index = {"--alloc_space": "alloc_space", "--inuse_objects": "inuse_objects"}
    for number, (options, binary, profile, base) in enumerate(cases):
        what = "Go pprof -proto %s %s%s" % (" ".join(options), profile,
                                            " --base " + base if base else "")
        if not go:
            RESULTS.append("ok %d - %s # SKIP Go pprof could not be built" % (len(RESULTS) + 1,
                                                                              what))
            continue
        converted = []
        for i, path in enumerate([profile] + ([base] if base else [])):
            out = os.path.join(work, "go%d-%d.pb.gz" % (number, i))
            # the profiles' maps name the libraries where testdata was
            # made; Go pprof finds them by name in PPROF_BINARY_PATH
            run([go, "-proto", "-output", out, binary, path],
                env={"PPROF_BINARY_PATH": os.path.join(TESTDATA, "bin")})
            converted.append(out)
        index = next((sample_index[o] for o in options if o in sample_index), "inuse_space")
        go_options = ["-lines"] if "--lines" in options else []
        go_args = ([go, "-top", "-unit=B", "-nodecount=0", "-nodefraction=0",
                    "-symbolize=none", "-sample_index=" + index] + go_options +
                   (["-base", converted[1]] if base else []) + [converted[0]])
        theirs = report_rows(run(go_args), r"^\s+flat\s+flat%", same_name)
        args = (["--show_bytes" if index.endswith("space") else "--nodecount=0",
                 "--nodecount=0"] + options +
                (["--base", converted[1]] if base else []) + [binary, converted[0]])
        mine = report_rows(run([HEAPDIFF] + args), r"^Total:", same_name)
        check(what, mine, theirs)


def go_runtime(go):
    """Heap profiles Go's runtime wrote (testdata/src/goheap.go): heapdiff's
    rows are Go pprof's, single and with -base, in bytes and objects."""
    cases = [("inuse_space", None), ("inuse_objects", None), ("inuse_space", "1"),
             ("alloc_space", "1")]
    for index, base in cases:
        what = "Go runtime's heap profile, %s%s" % (index, " with a base" if base else "")
        if not go:
            RESULTS.append("ok %d - %s # SKIP Go pprof could not be built" % (len(RESULTS) + 1,
                                                                              what))
            continue
        # with -base, Go pprof leaves the inline mark off some rows that
        # heapdiff marks (functions of the encoder that wrote the second
        # file, inlined at every call site): the rows are compared by name
        # without it
        name = (lambda n: same_name(n).replace(" (inline)", "")) if base else same_name
        base_args = ["proto/go-heap-1.pb.gz"] if base else []
        current = "proto/go-heap-2.pb.gz" if base else "proto/go-heap-1.pb.gz"
        theirs = report_rows(run([go, "-top", "-unit=B", "-nodecount=0", "-nodefraction=0",
                                  "-sample_index=" + index] +
                                 (["-base"] + base_args if base else []) + [current]),
                             r"^\s+flat\s+flat%", name)
        mine = report_rows(run([HEAPDIFF, "--nodecount=0", "--" + index] +
                               (["--show_bytes"] if index.endswith("space") else []) +
                               (["--base"] + base_args if base else []) + [current]),
                           r"^Total:", name)
        check(what, mine, theirs)


def main():
    work = tempfile.mkdtemp()
    try:
        round_trips(work)
        cpp_round_trip(work)
        trend_round_trip(work)
        jemalloc_pprof()
        go = build_go_pprof(work)
        go_protos(work, go)
        go_runtime(go)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("TAP version 13")
    print("1..%d" % len(RESULTS))
    print("\n".join(RESULTS))


main()
