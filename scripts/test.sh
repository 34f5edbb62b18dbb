#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, build with
# AddressSanitizer and UndefinedBehaviorSanitizer, run every test, and end
# with one line "N passed, N failed".
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
python3 scripts/count-tests.py "$build/meson-logs/testlog.json"
exit $status
