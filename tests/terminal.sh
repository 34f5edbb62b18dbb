#!/usr/bin/env bash
# On a terminal, PNG and PDF are refused without -o (they would garble
# it), while text and SVG are written.  script(1) gives heapdiff a
# pseudo-terminal.  Output is TAP.  usage: terminal.sh HEAPDIFF TESTDATA_DIR
set -uo pipefail
heapdiff=$1
cd "$2" || exit 1
if ! command -v script >/dev/null; then
  echo "1..0 # SKIP script(1) is not installed"
  exit 0
fi
echo "TAP version 13"
echo "1..3"
n=0
on_terminal() { # on_terminal ARGS...: "STATUS OUTPUT" of heapdiff on a pty
  local out
  out=$(script -qec "$(printf '%q ' "$heapdiff" "$@")" /dev/null </dev/null 2>&1)
  echo "$? $out"
}
for format in png pdf; do
  n=$((n + 1))
  got=$(on_terminal --"$format" profiles/tc-run1.0001.heap)
  want="2 heapdiff: will not write ${format^^} to a terminal: use -o FILE or a pipe"
  if [ "$(echo "$got" | tr -d '\r')" = "$want" ]; then echo "ok $n - --$format refused on a terminal"
  else echo "not ok $n - --$format on a terminal"; echo "#   got: $got"; fi
done
n=$((n + 1))
got=$(on_terminal --svg profiles/tc-run1.0001.heap)
case $got in
  "0 "*"<svg"*) echo "ok $n - --svg is text and goes to the terminal" ;;
  *) echo "not ok $n - --svg on a terminal"; echo "#   got: ${got:0:200}" ;;
esac
