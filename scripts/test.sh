#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, build with
# AddressSanitizer and UndefinedBehaviorSanitizer, run every test, then run
# the unit tests again under valgrind in a plain debug build, then the fuzz
# targets (tests/fuzz, a clang build of their own) on their regression
# inputs and for 20 s each, then the tests that run heapdiff's threads
# under ThreadSanitizer, and end with one line "N passed, N failed" over
# the four runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

build=build/sanitize
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=debug \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-sanitize-recover=all >/dev/null
fi
meson compile -C "$build" >/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
# graphviz leaks inside fontconfig and libgvc, even after gvFreeContext.
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
meson test -C "$build" --print-errorlogs --num-processes 2 || status=$?

# valgrind cannot run sanitized programs: a build of its own.  Only the
# unit suite (the setup excludes the scripts), bounded by the setup's
# timeout multiplier; see tests/valgrind.sh.
vgbuild=build/valgrind
if [ ! -f "$vgbuild/build.ninja" ]; then
  meson setup "$vgbuild" --buildtype=debug >/dev/null
fi
meson compile -C "$vgbuild" >/dev/null
meson test -C "$vgbuild" --setup valgrind --print-errorlogs --num-processes 2 || status=$?

# The fuzz targets (README "Fuzzing"): every library built with clang for
# libFuzzer and the sanitizers.  Each target is one test: its regression
# inputs, then 20 s of fuzzing from testdata's seeds (tests/fuzz/run.sh);
# the open bugs of tests/fuzz/open.txt do not fail it.
fuzzbuild=build/fuzz
if [ ! -f "$fuzzbuild/build.ninja" ]; then
  CC=clang meson setup "$fuzzbuild" -Dfuzz=true -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null
fi
meson compile -C "$fuzzbuild" >/dev/null
meson test -C "$fuzzbuild" --suite fuzz --print-errorlogs --num-processes 2 || status=$?

# ThreadSanitizer (README "Threads"; it cannot be combined with ASan): a
# build of its own, running heapdiff with its threads forced on
# (HEAPDIFF_THREADS=2) under the command-line tests and tests/threads.sh.
# Criterion's runner cannot start under TSan, so those tests' runners are
# built without it there (tests/meson.build) and drive the instrumented
# heapdiff.  A race makes heapdiff exit with 66 (TSan's exitcode), which
# fails the test.
# Suppressions cover only graphviz's font libraries (tests/tsan.supp).
tsanbuild=build/tsan
if [ ! -f "$tsanbuild/build.ninja" ]; then
  meson setup "$tsanbuild" --buildtype=debug -Db_sanitize=thread -Db_lundef=false >/dev/null
fi
meson compile -C "$tsanbuild" >/dev/null
TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp" HEAPDIFF_THREADS=2 \
  meson test -C "$tsanbuild" cli trend threads --print-errorlogs --num-processes 2 || status=$?

python3 scripts/count-tests.py "$build/meson-logs/testlog.json" \
  "$vgbuild/meson-logs/testlog-valgrind.json" "$fuzzbuild/meson-logs/testlog.json" \
  "$tsanbuild/meson-logs/testlog.json"
exit $status
