#!/usr/bin/env bash
# Threads change nothing a user sees (README, "Threads"): every case runs
# once with threads off (HEAPDIFF_THREADS=1) and once with them forced on
# for any amount of work (HEAPDIFF_THREADS=2), and standard output,
# standard error and the exit status must be the same, byte for byte.
# The cases include warnings from the symbolizer (corrupt DWARF, a wrong
# binary, modules that are missing) and from the parser (bad profiles),
# whose order the threads must keep.  Output is TAP.
# usage: threads.sh HEAPDIFF TESTDATA_DIR
set -uo pipefail
heapdiff=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty-root"
# LeakSanitizer's count of graphviz's suppressed leaks varies from run to
# run; leaks are checked by the other tests.
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"

cases=(
  "--text --base profiles/tc-run1.0001.heap bin/leaky profiles/tc-run2.0003.heap"
  "--text --base profiles/je-unsampled-run1.1.heap bin/leaky profiles/je-unsampled-run2.4.heap"
  "--text --lines --base profiles/je-cpp-accum.1.heap bin/leaky_cpp profiles/je-cpp-accum.4.heap"
  "--traces --base profiles/tc-cpp.0001.heap bin/leaky_cpp profiles/tc-cpp.0004.heap"
  "--json --alloc_space bin/leaky profiles/je-accum.4.heap"
  "--collapsed --addresses bin/leaky profiles/tc-run1.0004.heap"
  "--text -v bin/leaky profiles/je-sampled.3.heap"
  "--text --base profiles/tc-run1.0001.heap bad/bad-rnglists.elf profiles/tc-run2.0003.heap"
  "--text --lines bad/bad-line-dirs.elf profiles/tc-run1.0004.heap"
  "--text --base profiles/tc-run1.0001.heap bin/leaky_cpp profiles/tc-run2.0003.heap"
  "--text --sysroot $tmp/empty-root bin/leaky profiles/tc-run1.0004.heap"
  "--text --sysroot $tmp/empty-root -v --base profiles/je-unsampled-run1.1.heap profiles/je-unsampled-run1.4.heap"
  "--text profiles/tc-run2.0003.heap"
  "--text bin/leaky bad/stack-no-addresses.heap"
  "--text bin/leaky bad/tc-producer-cut-at-at.heap"
  "--text bin/leaky bad/truncated-mid-line.heap"
  "--text --base-binary bin/twobuilds-1 --base profiles/tc-twobuilds-1.0001.heap bin/twobuilds-2 profiles/tc-twobuilds-2.0001.heap"
  "--text --focus=nothing-matches bin/leaky profiles/tc-run1.0004.heap"
  "--text --base bad/stack-no-addresses.heap bin/leaky profiles/tc-run1.0004.heap"
  "--text --base bad/truncated-mid-line.heap bin/leaky profiles/tc-run1.0004.heap"
  "--text --base bad/garbage-line.heap bin/leaky bad/truncated-mid-line.heap"
  "--text --base profiles/tc-run1.0001.heap --base bad/tc-producer-cut-at-at.heap bin/leaky profiles/tc-run2.0003.heap"
  "--trend bin/trend profiles/je-trend.9284.*.heap"
  "--trend --lines bin/leaky profiles/tc-run1.0001.heap profiles/tc-run1.0002.heap profiles/tc-run1.0003.heap profiles/tc-run1.0004.heap"
  "--trend bin/leaky profiles/tc-run1.0001.heap bad/stack-no-addresses.heap profiles/tc-run1.0004.heap"
  "--trend bin/leaky profiles/tc-run1.0001.heap profiles/tc-run1.0002.heap bad/truncated-mid-line.heap profiles/tc-run1.0004.heap"
  "--svg --base profiles/tc-run1.0001.heap bin/leaky profiles/tc-run2.0003.heap"
  "--dot --lines --base profiles/tc-cpp.0001.heap bin/leaky_cpp profiles/tc-cpp.0004.heap"
)

echo "TAP version 13"
echo "1..$((${#cases[@]} + 1))"
n=0
for args in "${cases[@]}"; do
  n=$((n + 1))
  # Both runs cold: each with an empty symbol cache of its own.
  rm -rf "$tmp/cache1" "$tmp/cache2"
  # shellcheck disable=SC2086  # each case is a list of words
  HEAPDIFF_CACHE_DIR=$tmp/cache1 HEAPDIFF_THREADS=1 "$heapdiff" $args >"$tmp/out1" 2>"$tmp/err1"
  status1=$?
  # shellcheck disable=SC2086
  HEAPDIFF_CACHE_DIR=$tmp/cache2 HEAPDIFF_THREADS=2 "$heapdiff" $args >"$tmp/out2" 2>"$tmp/err2"
  status2=$?
  # A run that says nothing at all would compare equal for no reason.
  if [ "$status1" = "$status2" ] && cmp -s "$tmp/out1" "$tmp/out2" &&
     cmp -s "$tmp/err1" "$tmp/err2" && { [ -s "$tmp/out1" ] || [ -s "$tmp/err1" ]; }; then
    echo "ok $n - the same with and without threads: heapdiff $args (status $status1)"
    continue
  fi
  echo "not ok $n - threads change the output: heapdiff $args (status $status1, $status2)"
  diff "$tmp/err1" "$tmp/err2" | sed 's/^/#   /' | head -10
  diff "$tmp/out1" "$tmp/out2" | sed 's/^/#   /' | head -10
done

# Warm: the symbol cache a run without threads wrote answers both alike.
n=$((n + 1))
warm="--text --lines --base profiles/je-cpp-accum.1.heap bin/leaky_cpp profiles/je-cpp-accum.4.heap"
rm -rf "$tmp/cache"
# shellcheck disable=SC2086
HEAPDIFF_CACHE_DIR=$tmp/cache HEAPDIFF_THREADS=1 "$heapdiff" $warm >/dev/null 2>&1
# shellcheck disable=SC2086
HEAPDIFF_CACHE_DIR=$tmp/cache HEAPDIFF_THREADS=1 "$heapdiff" $warm >"$tmp/out1" 2>"$tmp/err1"
# shellcheck disable=SC2086
HEAPDIFF_CACHE_DIR=$tmp/cache HEAPDIFF_THREADS=2 "$heapdiff" $warm >"$tmp/out2" 2>"$tmp/err2"
if cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/err1" "$tmp/err2" && [ -s "$tmp/out1" ]; then
  echo "ok $n - the same with and without threads from a warm symbol cache: heapdiff $warm"
else
  echo "not ok $n - threads change a warm run: heapdiff $warm"
  diff "$tmp/err1" "$tmp/err2" | sed 's/^/#   /' | head -10
  diff "$tmp/out1" "$tmp/out2" | sed 's/^/#   /' | head -10
fi
