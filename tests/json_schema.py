#!/usr/bin/env python3
"""Schema test: heapdiff --json's output on real profiles validates
against docs/json-schema.json (JSON Schema draft 2020-12, checked with
python3-jsonschema), and its totals equal the text report's "Total:".

Cases: one profile, --base diffs of tcmalloc and of sampled jemalloc
profiles, --lines, objects, filters and trimming, and --trend over
tcmalloc and jemalloc series.  The schema itself is checked against the
draft's metaschema first, and so is the bundled example,
docs/json-example.json.  Output is TAP.

usage: json_schema.py HEAPDIFF TESTDATA_DIR SCHEMA EXAMPLE
"""
import glob
import json
import os
import re
import subprocess
import sys

HEAPDIFF, TESTDATA, SCHEMA, EXAMPLE = map(os.path.abspath, sys.argv[1:5])

try:
    import jsonschema
except ImportError:
    # Debian's python3-jsonschema is for Debian's python3; another python3
    # first on PATH (pyenv, a venv) does not see it.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != \
            os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("1..0 # SKIP python3-jsonschema is not installed")
    sys.exit(0)


def profiles(pattern):
    """The fixtures matching PATTERN, relative to TESTDATA, in order."""
    return sorted(os.path.relpath(p, TESTDATA)
                  for p in glob.glob(os.path.join(TESTDATA, "profiles", pattern)))


CASES = [
    ("one tcmalloc profile", ["bin/leaky", "profiles/tc-run1.0003.heap"]),
    ("one profile, objects", ["--inuse_objects", "bin/leaky", "profiles/tc-run1.0003.heap"]),
    ("tcmalloc diff", ["--base", "profiles/tc-run1.0001.heap", "bin/leaky",
                       "profiles/tc-run1.0003.heap"]),
    ("tcmalloc diff across runs, --lines",
     ["--lines", "--base", "profiles/tc-run1.0001.heap", "bin/leaky",
      "profiles/tc-run2.0003.heap"]),
    ("sampled jemalloc diff", ["--base", "profiles/je-sampled.1.heap", "bin/leaky",
                               "profiles/je-sampled.3.heap"]),
    ("sampled jemalloc diff, --lines, alloc_space",
     ["--lines", "--alloc_space", "--base", "profiles/je-sampled-accum.1.heap", "bin/leaky",
      "profiles/je-sampled-accum.4.heap"]),
    ("unsampled jemalloc, --addresses", ["--addresses", "bin/leaky",
                                         "profiles/je-unsampled-run1.2.heap"]),
    ("C++ diff, --files", ["--files", "--base", "profiles/tc-cpp.0001.heap", "bin/leaky_cpp",
                           "profiles/tc-cpp.0003.heap"]),
    ("filters and trimming", ["--focus", "leak", "--nodecount", "3", "--base",
                              "profiles/tc-run1.0001.heap", "bin/leaky",
                              "profiles/tc-run1.0004.heap"]),
    ("tcmalloc --trend", ["--trend", "bin/trend"] + profiles("tc-trend.0*.heap")),
    ("sampled jemalloc --trend", ["--trend", "bin/trend"] + profiles("je-trend.9284.*.heap")),
]


def run(args):
    """heapdiff's exit status and standard output for ARGS, in TESTDATA."""
    done = subprocess.run([HEAPDIFF] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, cwd=TESTDATA, check=False, text=True)
    return done.returncode, done.stdout


def text_total(args):
    """The text report's "Total:" in exact units (--show_bytes)."""
    status, out = run(["--show_bytes"] + args)
    m = re.search(r"^Total: (-?\d+) ", out, re.M)
    return int(m.group(1)) if status == 0 and m else None


def main():
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.Draft202012Validator
    checks = []
    try:
        validator_class.check_schema(schema)
        checks.append((True, "the schema is valid draft 2020-12", ""))
    except jsonschema.SchemaError as e:
        checks.append((False, "the schema is valid draft 2020-12", e.message))
    validator = validator_class(schema)
    with open(EXAMPLE, encoding="utf-8") as f:
        example = json.load(f)
    errors = [e.message for e in validator.iter_errors(example)]
    checks.append((not errors, "docs/json-example.json validates", "; ".join(errors[:3])))
    for name, args in CASES:
        status, out = run(["--json"] + args)
        if status != 0:
            checks.append((False, name, f"exit status {status}"))
            continue
        try:
            report = json.loads(out)
        except ValueError as e:
            checks.append((False, name, f"not JSON: {e}"))
            continue
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
                  for e in validator.iter_errors(report)]
        checks.append((not errors, f"{name}: validates ({len(report['rows'])} rows)",
                       "; ".join(errors[:3])))
        if "--trend" in args:
            # The rows are the growth from the first snapshot to the last.
            series = report["trend"]["total"]
            want, got = series[-1] - series[0], report["totals"]["delta"]
            checks.append((abs(want - got) <= 1e-9 * abs(want),
                           f"{name}: totals.delta {got:.0f} = the series' last - first",
                           f"the series says {want}"))
            continue
        # The text report truncates toward zero, as perl pprof (text.c).
        want = text_total(args)
        got = int(report["totals"]["delta"])
        checks.append((want == got, f"{name}: totals.delta {got} = the text report's Total",
                       f"text says {want}"))
    print(f"1..{len(checks)}")
    for i, (ok, name, why) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            print(f"# {why}")
    return 0 if all(ok for ok, _, _ in checks) else 1


sys.exit(main())
