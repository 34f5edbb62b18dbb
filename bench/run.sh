#!/usr/bin/env bash
# Every case of the performance issue, side by side with the peers, in one
# run.  Makes the real profiles (bench/inputs.sh: python3.11 under jemalloc
# and tcmalloc, with python3.11-dbg installed), then times, alternating the
# tools within a case (bench/measure.py: median wall time, peak RSS of the
# whole process tree, whether every run printed the same):
#
#   jemalloc pair   heapdiff --text --base je-1 python3.11 je-2   (cold)
#                   jeprof --text --base=je-1 ...   (Go pprof and google-pprof
#                   cannot read jemalloc 5's heap_v2: FORMATS.md)
#   gperftools pair heapdiff --text --base tc-1 python3.11 tc-2   (cold)
#                   pprof-go -text -base ...;  google-pprof --text --base=...
#   warm runs       heapdiff again with its symbol cache filled, against
#                   heapdiff --no-symbols (the parse alone) and the cold run
#   one core        the jemalloc pair as heapdiff chooses (threads when a
#                   core is idle), with HEAPDIFF_THREADS=1 and with =2
#   parse speed     heapdiff --no-symbols on je-big.heap and je-big.heap.gz
#                   (80 MB of text), and gzip -dc of the latter (inflate alone)
#   big graph       heapdiff --svg of je-big.heap (about 146k stacks)
#
# then bench/bench_trend.sh (40 snapshots of 40k stacks) and
# bench/bench_scaling.sh (10^4 to 10^6 stacks) when they are there.
# "Cold" runs get an empty symbol cache (HEAPDIFF_CACHE_DIR emptied before
# each run); a heapdiff without the cache is simply cold every time.
#
# Usage: bench/run.sh [--quick] [--runs N] [--inputs DIR] HEAPDIFF
#   --quick   tiny inputs, one run, no trend or scaling: checks that the
#             script works (CI runs this), says nothing about speed
#   --runs N  rounds per case (default 5)
#   --inputs  where the profiles are kept between runs (default: a
#             temporary folder, removed at exit)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
quick="" runs=5 inputs=""
while [ $# -gt 1 ]; do
  case $1 in
    --quick) quick=--quick; runs=1; shift ;;
    --runs) runs=$2; shift 2 ;;
    --inputs) inputs=$2; shift 2 ;;
    *) break ;;
  esac
done
heapdiff=$(realpath "${1:?usage: $0 [--quick] [--runs N] [--inputs DIR] HEAPDIFF}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
work=$WORK
[ -n "$inputs" ] || inputs=$work/inputs
. "$here/timing.sh"

bash "$here/inputs.sh" "$inputs" $quick
in=$inputs
python=/usr/bin/python3.11
build_go_pprof
cache=$work/cache

stacks() { grep -c -e '^@' -e ' @ ' "$1"; }
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1e6 }'; }
echo "# heapdiff benchmark, $(date -u +%Y-%m-%d)"
echo
echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1e6 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "heapdiff: $heapdiff; runs per command: $runs"
echo "profiles: jemalloc pair $(stacks "$in/je-1.heap") -> $(stacks "$in/je-2.heap") stacks" \
  "($(mb "$in/je-1.heap") + $(mb "$in/je-2.heap") MB); big $(stacks "$in/je-big.heap") stacks" \
  "($(mb "$in/je-big.heap") MB, $(mb "$in/je-big.heap.gz") MB gzip'ed);" \
  "gperftools pair $(stacks "$in/tc-1.heap") and $(stacks "$in/tc-2.heap") stacks"
echo

# The commands, as JSON for measure.py: cmd CASE TOOL [ENV=V ...] -- ARGV...
cmds=$work/commands.jsonl
: >"$cmds"
cmd() {
  python3 - "$@" >>"$cmds" <<'PY'
import json, sys
case, tool, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
split = rest.index("--")
env = dict(kv.split("=", 1) for kv in rest[:split] if kv != "COLD")
entry = {"case": case, "tool": tool, "env": env, "argv": rest[split + 1:]}
if "COLD" in rest[:split]:
    entry["before"] = ["rm", "-rf", env["HEAPDIFF_CACHE_DIR"]]
print(json.dumps(entry))
PY
}
hd=("$heapdiff" --text)
cold=(COLD "HEAPDIFF_CACHE_DIR=$cache/cold")
warm=("HEAPDIFF_CACHE_DIR=$cache/warm")

c="jemalloc pair, --text --base"
cmd "$c" heapdiff "${cold[@]}" -- "${hd[@]}" --base "$in/je-1.heap" "$python" "$in/je-2.heap"
cmd "$c" jeprof -- jeprof --text --base="$in/je-1.heap" "$python" "$in/je-2.heap"

c="gperftools pair, --text --base"
cmd "$c" heapdiff "${cold[@]}" -- "${hd[@]}" --base "$in/tc-1.heap" "$python" "$in/tc-2.heap"
[ -n "$go" ] && cmd "$c" pprof-go -- "$go" -text -base "$in/tc-1.heap" "$python" "$in/tc-2.heap"
cmd "$c" google-pprof -- google-pprof --text --base="$in/tc-1.heap" "$python" "$in/tc-2.heap"

for pair in je tc; do
  c="warm runs, $pair pair"
  args=(--base "$in/$pair-1.heap" "$python" "$in/$pair-2.heap")
  "${hd[@]}" "${args[@]}" >/dev/null 2>&1 || true # fills nothing: cold below
  env HEAPDIFF_CACHE_DIR="$cache/warm" "${hd[@]}" "${args[@]}" >/dev/null 2>&1 || true
  cmd "$c" "heapdiff warm" "${warm[@]}" -- "${hd[@]}" "${args[@]}"
  cmd "$c" "heapdiff --no-symbols" -- "${hd[@]}" --no-symbols "${args[@]}"
  cmd "$c" "heapdiff cold" "${cold[@]}" -- "${hd[@]}" "${args[@]}"
done

c="one core against two, jemalloc pair"
cmd "$c" "heapdiff cold" "${cold[@]}" -- "${hd[@]}" --base "$in/je-1.heap" "$python" "$in/je-2.heap"
cmd "$c" "heapdiff cold, 1 thread" "${cold[@]}" HEAPDIFF_THREADS=1 -- "${hd[@]}" --base "$in/je-1.heap" "$python" "$in/je-2.heap"
cmd "$c" "heapdiff cold, 2 threads" "${cold[@]}" HEAPDIFF_THREADS=2 -- "${hd[@]}" --base "$in/je-1.heap" "$python" "$in/je-2.heap"

c="parse speed, big profile"
cmd "$c" "heapdiff --no-symbols" -- "${hd[@]}" --no-symbols "$python" "$in/je-big.heap"
cmd "$c" "heapdiff --no-symbols, gzip" -- "${hd[@]}" --no-symbols "$python" "$in/je-big.heap.gz"
cmd "$c" "gzip -dc (inflate alone)" -- gzip -dc "$in/je-big.heap.gz"

c="big profile, with symbols"
cmd "$c" "heapdiff --text" "${cold[@]}" -- "${hd[@]}" "$python" "$in/je-big.heap"
cmd "$c" "heapdiff --svg" "${cold[@]}" -- "$heapdiff" --svg -o "$work/big.svg" "$python" "$in/je-big.heap"

python3 -c 'import json, sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1])]))' "$cmds" |
  python3 "$here/measure.py" "$runs" >"$work/results.jsonl"
python3 "$here/table.py" "$work/results.jsonl" "$in/je-big.heap" "$in/je-big.heap.gz"

if [ -z "$quick" ]; then
  # Their own symbol cache, warm after their first run, and never ~/.cache.
  export HEAPDIFF_CACHE_DIR=$cache/other
  echo
  echo "## --trend over 40 snapshots of 40k stacks (bench/bench_trend.sh)"
  bash "$here/bench_trend.sh" "$heapdiff" 3
  if [ -f "$here/bench_scaling.sh" ]; then
    echo
    echo "## Linear cost (bench/bench_scaling.sh)"
    bash "$here/bench_scaling.sh" "$heapdiff"
  fi
fi
