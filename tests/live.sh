#!/usr/bin/env bash
# Live test: build testdata/src/leaky.c, run it under tcmalloc's heap
# profiler and under jemalloc (unsampled, prof_accum), and check heapdiff's
# numbers on the fresh profiles.  Profiling is unsampled, so the growth
# between two snapshots is exactly what leaky.c allocates per tick:
#   in use:    10 x 4096 + 2 x 262144 + 1000 x 48 + 3 x 16384 = 662400 B
#              in 10 + 2 + 1000 + 3 = 1015 objects
#   allocated: the same plus churn's 50 x 65536 = 3939200 B, 1065 objects
# Output is TAP.  usage: live.sh HEAPDIFF TESTDATA_DIR
set -uo pipefail
heapdiff=$1
testdata=$2
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
echo "1..14"
n=0
check() { # check DESCRIPTION EXPECTED ACTUAL
  n=$((n + 1))
  if [ "$2" = "$3" ]; then echo "ok $n - $1"
  else echo "not ok $n - $1"; echo "#   expected: '$2'"; echo "#   actual:   '$3'"; fi
}
total() { # total ARGS...: heapdiff's Total line
  "$heapdiff" "$@" 2>"$tmp/stderr" | grep -m1 '^Total:' | sed 's/  (.*//'
}

cc -O2 -g -fPIC -shared -o "$tmp/libleak.so" "$testdata/src/libleak.c"
cc -O2 -g -o "$tmp/leaky" "$testdata/src/leaky.c" -L"$tmp" -lleak '-Wl,-rpath,$ORIGIN' -ldl
never=1099511627776
env -i PATH=/usr/bin:/bin LD_PRELOAD=$tcmalloc HEAPPROFILE="$tmp/tc" \
  HEAP_PROFILE_ALLOCATION_INTERVAL=$never HEAP_PROFILE_INUSE_INTERVAL=$never \
  HEAP_PROFILE_TIME_INTERVAL=0 "$tmp/leaky" 3 2>"$tmp/tc.log"
check "tcmalloc wrote three snapshots" 3 "$(ls "$tmp"/tc.*.heap 2>/dev/null | wc -l)"

mkdir "$tmp/je"
env -i PATH=/usr/bin:/bin LD_PRELOAD=$jemalloc \
  MALLOC_CONF="prof:true,prof_active:true,prof_final:false,lg_prof_interval:-1,lg_prof_sample:0,prof_accum:true,prof_prefix:$tmp/je/je" \
  "$tmp/leaky" 3 2>"$tmp/je.log"
check "jemalloc wrote three snapshots" 3 "$(ls "$tmp"/je/*.heap 2>/dev/null | wc -l)"
je() { ls "$tmp"/je/je.*."$1".m"$1".heap; } # snapshot after tick $1 + 1

tc1=$tmp/tc.0002.heap tc2=$tmp/tc.0003.heap
check "tcmalloc: in-use growth per tick" "Total: 662400 B" \
  "$(total --show_bytes --base "$tc1" "$tmp/leaky" "$tc2")"
check "tcmalloc: in-use objects per tick" "Total: 1015 objects" \
  "$(total --inuse_objects --base "$tc1" "$tmp/leaky" "$tc2")"
check "tcmalloc: allocated bytes per tick" "Total: 3939200 B" \
  "$(total --alloc_space --show_bytes --base "$tc1" "$tmp/leaky" "$tc2")"
check "tcmalloc: allocated objects per tick" "Total: 1065 objects" \
  "$(total --alloc_objects --base "$tc1" "$tmp/leaky" "$tc2")"

je1=$(je 1) je2=$(je 2)
check "jemalloc: in-use growth per tick" "Total: 662400 B" \
  "$(total --show_bytes --base "$je1" "$tmp/leaky" "$je2")"
check "jemalloc: in-use objects per tick" "Total: 1015 objects" \
  "$(total --inuse_objects --base "$je1" "$tmp/leaky" "$je2")"
check "jemalloc: allocated bytes per tick" "Total: 3939200 B" \
  "$(total --alloc_space --show_bytes --base "$je1" "$tmp/leaky" "$je2")"
check "jemalloc: two ticks of in-use growth" "Total: 1324800 B" \
  "$(total --show_bytes --base "$(je 0)" "$tmp/leaky" "$(je 2)")"

# A real program with separate debug info: python3.11 with python3.11-dbg
# (DWARF 5, compressed, found by build-id).  tcmalloc dumps at exit.
if ! dpkg-query -W -f='${Status}' python3.11-dbg 2>/dev/null | grep -q 'install ok installed'; then
  for i in 11 12 13 14; do echo "ok $i # SKIP python3.11-dbg is not installed"; done
  exit 0
fi
mkdir "$tmp/py"
env -i PATH=/usr/bin:/bin LD_PRELOAD=$tcmalloc HEAPPROFILE="$tmp/py/py" \
  python3.11 -c 'import json; keep = [json.dumps({"k": list(range(i % 50))}) for i in range(2000)]' \
  2>/dev/null
py=$(ls "$tmp"/py/py.*.heap 2>/dev/null | tail -1)
"$heapdiff" --traces --no-wrappers /usr/bin/python3.11 "$py" >"$tmp/py.traces" 2>"$tmp/py.err"
check "python3.11: stacks resolve through inlined CPython functions" yes \
  "$(grep -q 'PyObject_Malloc (inline)' "$tmp/py.traces" && echo yes)"
"$heapdiff" --lines --no-wrappers /usr/bin/python3.11 "$py" >"$tmp/py.lines" 2>>"$tmp/py.err"
check "python3.11: --lines names CPython's source files" yes \
  "$(grep -q 'Objects/obmalloc.c:[0-9]' "$tmp/py.lines" && echo yes)"
# By default the wrapper PyObject_Malloc is charged to its callers, and
# the header says so.
"$heapdiff" /usr/bin/python3.11 "$py" >"$tmp/py.text" 2>>"$tmp/py.err"
check "python3.11: PyObject_Malloc is charged to its callers" "1 0" \
  "$(grep -c '^Wrappers charged to callers (--no-wrappers): PyObject_Malloc' "$tmp/py.text") $(grep -c '% PyObject_Malloc' "$tmp/py.text")"
check "python3.11: no placeholder or unresolved python3.11 frame" 0 \
  "$(cat "$tmp/py.traces" "$tmp/py.lines" | grep -c 'DW_FORM\|python3.11+0x')"
