#!/usr/bin/env bash
# Run a unit test program under valgrind's memcheck, and fail when it or
# any process it started had a memory error or a definite leak.
#
# criterion runs each test in a worker that it execs, and the cli tests
# start heapdiff, so valgrind must follow exec (--trace-children=yes):
# without it only the runner, which runs no test, is checked.  criterion
# takes a test's result before the worker exits and ignores the worker's
# exit status, so valgrind's --error-exitcode alone would lose every error
# found in a worker (leaks are only found at exit).  Hence each process
# logs to a file of its own, and this script fails the run when any log
# counts an error, and prints that log.  (--error-exitcode still makes a
# heapdiff with errors exit 1, which fails the cli test that ran it.)  The
# logs stay out of stderr, so the programs' own output is unchanged.
#
# usage: valgrind.sh SUPPRESSIONS PROGRAM [ARGUMENT...]
set -uo pipefail
suppressions=$1
shift
logs=$(mktemp -d "${TMPDIR:-/tmp}/hd-valgrind.XXXXXX")
trap 'rm -rf "$logs"' EXIT

valgrind --trace-children=yes --error-exitcode=1 \
  --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --suppressions="$suppressions" --log-file="$logs/%p.log" "$@"
status=$?

dirty=0
for log in "$logs"/*.log; do
  [ -e "$log" ] || continue
  if grep -q 'ERROR SUMMARY: [1-9]' "$log"; then
    dirty=1
    echo "valgrind: errors in $(grep -m1 -o 'Command: .*' "$log")" >&2
    cat "$log" >&2
  fi
done
[ $dirty -eq 0 ] || exit 1
exit $status
