#!/usr/bin/env bash
# heapdiff never starts another program (no dot, addr2line, nm, shell):
# run every output kind under strace and count the execve calls and the
# calls that make a process (fork, vfork, clone without CLONE_THREAD;
# graphviz's pango starts threads, which are no programs).  Output is TAP.  usage: no_child.sh HEAPDIFF TESTDATA_DIR
set -uo pipefail
heapdiff=$1
cd "$2" || exit 1
if ! command -v strace >/dev/null || ! strace -f -o /dev/null true 2>/dev/null; then
  echo "1..0 # SKIP strace is not installed or cannot trace here"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kinds=(--text --traces --dot --svg --png --pdf)
echo "TAP version 13"
echo "1..${#kinds[@]}"
n=0
for kind in "${kinds[@]}"; do
  n=$((n + 1))
  # LeakSanitizer (in the sanitizer build) stops the world from a helper
  # clone at exit and cannot run under ptrace: leaks are checked elsewhere.
  ASAN_OPTIONS=detect_leaks=0 \
    strace -f -qq -e trace=execve,fork,vfork,clone,clone3 -o "$tmp/trace" \
    "$heapdiff" "$kind" -o "$tmp/out" --base profiles/tc-run1.0001.heap \
    bin/leaky profiles/tc-run2.0003.heap 2>"$tmp/err"
  status=$?
  execs=$(grep -c 'execve(' "$tmp/trace")
  forks=$(grep -E '(^|[0-9] )(fork|vfork|clone|clone3)\(' "$tmp/trace" | grep -vc CLONE_THREAD)
  if [ "$status" = 0 ] && [ "$execs" = 1 ] && [ "$forks" = 0 ] && [ -s "$tmp/out" ]; then
    echo "ok $n - heapdiff $kind: one execve (itself), no new process"
  else
    echo "not ok $n - heapdiff $kind: status $status, $execs execve, $forks new processes"
    grep -v CLONE_THREAD "$tmp/trace" | cat "$tmp/err" - | sed 's/^/#   /' | head -20
  fi
done
