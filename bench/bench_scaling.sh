#!/usr/bin/env bash
# Linear cost (issue 14, part 6): does a report's cost per stack stay flat
# from 10^4 to 10^6 distinct stacks, and its peak memory below twice the
# input text?  For each size, bench/make_profile.py writes a synthetic
# profile over a real program with DWARF (BIN, default /usr/bin/python3.11,
# whose debug file comes from python3.11-dbg): stacks of 24 frames drawn
# from 5000 return addresses of BIN's executable segment, each address
# with 4 callers of its own (--fanin 4: stacks share their outer frames and
# the call graph stays the size a real program's has).  Then
#
#   heapdiff [OPTIONS] BIN PROFILE        (a symbolized text report)
#
# runs RUNS times under /usr/bin/time: the run of median CPU time (user +
# system, which other jobs on a shared machine disturb less than wall
# time) gives the row's CPU and wall seconds and peak RSS.  The per-stack
# columns are CPU time.  A first row of 1000 stacks gives the fixed cost
# (loading BIN's debug info, symbolizing the pool): "us/stack above" is
# (CPU seconds - that row's) / (stacks - 1000).
# Peak RSS counts the mapped profile: its pages are part of the process.
#
# Usage: bench/bench_scaling.sh HEAPDIFF [RUNS] [FORMAT] [SIZES] [BIN] [OPTIONS]
#   RUNS     runs per size (default 3)
#   FORMAT   gperf (tcmalloc's text, default) or je (jemalloc's heap_v2)
#   SIZES    stack counts, space-separated (default "10000 100000 1000000")
#   BIN      the program (default /usr/bin/python3.11)
#   OPTIONS  more heapdiff options, one word (e.g. --no-symbols or --svg)
# Needs about 250 bytes of WORK per stack (250 MB at 10^6); WORK is a
# temporary folder, removed at exit (TMPDIR chooses where).
set -euo pipefail
heapdiff=$(realpath "${1:?usage: $0 HEAPDIFF [RUNS] [FORMAT] [SIZES] [BIN] [OPTIONS]}")
RUNS=${2:-3}
format=${3:-gperf}
sizes=${4:-10000 100000 1000000}
bin=${5:-/usr/bin/python3.11}
options=${6:-}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
here=$(dirname "$0")

# run N: "cpu_seconds wall_seconds rss_kb" of the median (by CPU) of RUNS runs.
run() {
  local profile=$WORK/p$1.heap
  for _ in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%U %S %e %M" -o "$WORK/time" "$heapdiff" $options "$bin" "$profile" \
      >/dev/null 2>&1 || { echo "bench_scaling: heapdiff failed on $1 stacks" >&2; exit 1; }
    awk '{ printf "%.2f %s %s\n", $1 + $2, $3, $4 }' "$WORK/time"
  done | sort -n | awk -v runs="$RUNS" 'NR == int((runs + 1) / 2) { print }'
}

echo "program: $bin; $format profiles, 24-deep stacks over 5000 addresses (fan-in 4);" \
  "heapdiff ${options:-(text report)}; median of $RUNS runs"
echo
echo "| stacks | input MB | wall s | CPU s | us/stack | us/stack above | peak RSS MB | RSS/input |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
fixed=""
for n in 1000 $sizes; do
  python3 "$here/make_profile.py" "$format" "$n" "$WORK/p$n.heap" --elf "$bin" --fanin 4
  bytes=$(stat -c %s "$WORK/p$n.heap")
  read -r seconds wall rss < <(run "$n")
  [ -z "$fixed" ] && fixed=$seconds
  awk -v n="$n" -v b="$bytes" -v s="$seconds" -v w="$wall" -v r="$rss" -v f="$fixed" 'BEGIN {
    above = n > 1000 ? sprintf("%.2f", (s - f) / (n - 1000) * 1e6) : "(fixed)"
    printf "| %d | %.1f | %.2f | %.2f | %.2f | %s | %.0f | %.2f |\n",
      n, b / 1e6, w, s, s / n * 1e6, above, r / 1024, r * 1024 / b }'
  rm -f "$WORK/p$n.heap"
done
