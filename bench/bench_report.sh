#!/usr/bin/env bash
# The whole job a user runs: a text report of a real heap profile, with
# symbols, by heapdiff and by the peers, side by side in one run.
# The profiles are of /usr/bin/python3.11 (a workload that keeps a varied
# heap alive), under tcmalloc (HEAPPROFILE) and jemalloc (unsampled), with
# python3.11-dbg installed so every tool can name python3.11's frames.
#
#   heapdiff     --text --show_bytes [--base B] python3.11 P
#   google-pprof --text --show_bytes [--base=B] python3.11 P   (tcmalloc)
#   jeprof       --text --show_bytes [--base=B] python3.11 P   (jemalloc)
#   pprof-go     -text -unit=B [-base B] python3.11 P          (tcmalloc)
#
# Usage: bench/bench_report.sh HEAPDIFF [RUNS] [HEAPDIFF_BEFORE]
#   RUNS             repetitions per tool (default 3); best and median wall seconds
#   HEAPDIFF_BEFORE  another heapdiff build (e.g. of the previous commit),
#                    timed on the same profiles in the same run, row by row
# Go pprof is built offline from Debian's golang-github-google-pprof-dev.
set -euo pipefail
heapdiff=$(realpath "${1:?usage: $0 HEAPDIFF [RUNS] [HEAPDIFF_BEFORE]}")
RUNS=${2:-3}
BEFORE=${3:+$(realpath "$3")}
python=/usr/bin/python3.11
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
work=$WORK
. "$(dirname "$0")/timing.sh"

workload='
import json, re, collections, decimal, ast, sqlite3, xml.dom.minidom, sys
keep = []
n = int(sys.argv[1])
d = {str(i): [i, float(i), (i, str(i)), {i: i}] for i in range(n)}
keep.append(d)
keep.append(json.loads(json.dumps({k: v[:3] for k, v in list(d.items())[:n // 5]})))
keep.append([re.compile(r"(%d|b)*c+d?" % i) for i in range(300)])
keep.append([decimal.Decimal(i) / 7 for i in range(n // 20)])
keep.append(ast.parse(open(json.__file__).read()))
keep.append(xml.dom.minidom.parseString("<a>" + "<b x=\"1\">t</b>" * 2000 + "</a>"))
db = sqlite3.connect(":memory:"); db.execute("create table t(a,b)")
db.executemany("insert into t values(?,?)", ((i, str(i)) for i in range(n // 5)))
keep.append(db.execute("select * from t").fetchall())
'
never=1099511627776
for size in 20000 100000; do
  env -i PATH=/usr/bin:/bin LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4 \
    HEAPPROFILE="$work/tc-$size" HEAP_PROFILE_ALLOCATION_INTERVAL=$never \
    HEAP_PROFILE_INUSE_INTERVAL=$never "$python" -c "$workload" $size >/dev/null 2>&1
  mkdir -p "$work/je-$size"
  env -i PATH=/usr/bin:/bin LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF="prof:true,prof_final:true,lg_prof_sample:0,prof_prefix:$work/je-$size/je" \
    "$python" -c "$workload" $size >/dev/null 2>&1
done
tc_small=$(ls "$work"/tc-20000.*.heap | tail -1) tc_big=$(ls "$work"/tc-100000.*.heap | tail -1)
je_small=$(ls "$work"/je-20000/*.heap | tail -1) je_big=$(ls "$work"/je-100000/*.heap | tail -1)

build_go_pprof


stacks() { awk '/^@|@ 0x/ { n++ } END { print n }' "$1"; }
echo "profiles: tcmalloc $(stacks "$tc_small") / $(stacks "$tc_big") stacks," \
     "jemalloc $(stacks "$je_small") / $(stacks "$je_big") stacks"
echo
echo "| command | best (s) | median (s) |"
echo "|---|---|---|"
time_it "heapdiff, tcmalloc profile" "$heapdiff" --show_bytes "$python" "$tc_big"
time_before "heapdiff, tcmalloc profile (before)" "$BEFORE" --show_bytes "$python" "$tc_big"
time_it "google-pprof, tcmalloc profile" google-pprof --text --show_bytes "$python" "$tc_big"
[ -n "$go" ] && time_it "pprof-go, tcmalloc profile" "$go" -text -unit=B "$python" "$tc_big"
time_it "heapdiff --base, tcmalloc" "$heapdiff" --show_bytes --base "$tc_small" "$python" "$tc_big"
time_before "heapdiff --base, tcmalloc (before)" "$BEFORE" --show_bytes --base "$tc_small" "$python" "$tc_big"
time_it "google-pprof --base, tcmalloc" google-pprof --text --show_bytes --base="$tc_small" "$python" "$tc_big"
[ -n "$go" ] && time_it "pprof-go -base, tcmalloc" "$go" -text -unit=B -base "$tc_small" "$python" "$tc_big"
time_it "heapdiff, jemalloc profile" "$heapdiff" --show_bytes "$python" "$je_big"
time_before "heapdiff, jemalloc profile (before)" "$BEFORE" --show_bytes "$python" "$je_big"
time_it "jeprof, jemalloc profile" jeprof --text --show_bytes "$python" "$je_big"
time_it "heapdiff --base, jemalloc" "$heapdiff" --show_bytes --base "$je_small" "$python" "$je_big"
time_before "heapdiff --base, jemalloc (before)" "$BEFORE" --show_bytes --base "$je_small" "$python" "$je_big"
time_it "jeprof --base, jemalloc" jeprof --text --show_bytes --base="$je_small" "$python" "$je_big"
time_it "heapdiff --svg --base, tcmalloc" "$heapdiff" --svg -o "$work/g.svg" --base "$tc_small" "$python" "$tc_big"
time_before "heapdiff --svg --base, tcmalloc (before)" "$BEFORE" --svg -o "$work/g.svg" --base "$tc_small" "$python" "$tc_big"
