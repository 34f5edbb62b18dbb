#!/usr/bin/env bash
# A longer fuzzing campaign than CI's:  tests/fuzz/campaign.sh [SECONDS] [TARGET[:SECONDS]...]
# runs each target (default: all) for SECONDS (default 300) of wall time,
# or for the SECONDS given after its name (to top up what a target is
# owed), two at a time, longest first, in libFuzzer's fork mode so that a crash is saved and
# fuzzing goes on.  The corpora grow across campaigns in
# build/fuzz/corpus/TARGET; crashers land in build/fuzz/campaign/artifacts/
# TARGET/; build/fuzz/campaign/summary.md gets one row per target
# (executions, cov and ft from libFuzzer's last stats, CPU time, crashers),
# the table tests/fuzz/RESULTS.md records.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_gperftools parse_jemalloc3 parse_threaded maps
                                     gzip elf dwarf options pipeline memory sym_cache)
# "TARGET SECONDS" lines, longest first, so that the two slots finish
# together; then the bare names.
jobs=$(for t in "${targets[@]}"; do
         name=${t%%:*}; secs=$seconds
         [ "$name" = "$t" ] || secs=${t#*:}
         echo "$name $secs"
       done | sort -k2,2nr)
mapfile -t targets < <(cut -d' ' -f1 <<<"$jobs")
build=build/fuzz
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzz=true -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null
fi
meson compile -C "$build" >/dev/null
bash tests/fuzz/seed.sh "$PWD/testdata" "$build" "${targets[@]}"

out=$build/campaign
mkdir -p "$out"
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1  # as run.sh
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_one() {
  local t=$1 seconds=$2
  local corpus=$build/corpus/$t artifacts=$out/artifacts/$t/
  mkdir -p "$corpus" "$artifacts"
  local dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  local TIMEFORMAT='%U %S'
  { time "$build/tests/fuzz/fuzz_$t" "${dict[@]}" -fork=1 -ignore_crashes=1 \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts" "$corpus" "$build/seeds/$t" >"$out/$t.log" 2>&1; } \
    2>"$out/$t.time" || true
}
export -f run_one
export build out
xargs -P 2 -L 1 bash -c 'run_one "$0" "$1"' <<<"$jobs"

{
  echo "| target | executions | cov | ft | corpus | CPU time | crashers |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for t in "${targets[@]}"; do
    last=$(grep -E '^#[0-9]+: cov: ' "$out/$t.log" | tail -n 1)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    cov=$(sed -E 's/.* cov: ([0-9]+) .*/\1/' <<<"$last")
    ft=$(sed -E 's/.* ft: ([0-9]+) .*/\1/' <<<"$last")
    corp=$(sed -E 's/.* corp: ([0-9]+) .*/\1/' <<<"$last")
    cpu=$(awk '{ printf "%.0f s", $1 + $2 }' "$out/$t.time")
    crashers=$(find "$out/artifacts/$t" -type f | wc -l)
    echo "| $t | $execs | $cov | $ft | $corp | $cpu | $crashers |"
  done
} >"$out/summary.md"
cat "$out/summary.md"
