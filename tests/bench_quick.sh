#!/usr/bin/env bash
# The benchmark's entry point works (bench/run.sh --quick: tiny inputs, one
# run each).  Speed is never asserted here: only that every case ran, that
# heapdiff exited 0 and printed the same output on every run, and that the
# peers it found ran too.  TAP output.
#
# Usage: bench_quick.sh HEAPDIFF SOURCE_ROOT
set -uo pipefail
heapdiff=$1 root=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "1..3"
if bash "$root/bench/run.sh" --quick "$heapdiff" >"$out" 2>&1; then
  echo "ok 1 - bench/run.sh --quick exits 0"
else
  echo "not ok 1 - bench/run.sh --quick exits 0"; sed 's/^/# /' "$out"
fi
cases=("jemalloc pair" "gperftools pair" "warm runs, je pair" "warm runs, tc pair"
       "one core against two" "parse speed" "big profile, with symbols")
missing=""
for c in "${cases[@]}"; do
  grep -q "^| $c[^|]* | heapdiff[^|]* | [0-9.]* | [0-9.]* | [0-9]* | [0-9.]* | yes |" "$out" ||
    missing+=" [$c]"
done
if [ -z "$missing" ]; then echo "ok 2 - every case has a heapdiff row, exit 0, same output each run"
else echo "not ok 2 - cases without a good heapdiff row:$missing"; sed 's/^/# /' "$out"; fi
if grep -q "(exit [0-9]*)" "$out"; then
  echo "not ok 3 - every command exits 0"; grep "(exit" "$out" | sed 's/^/# /'
else echo "ok 3 - every command exits 0"; fi
