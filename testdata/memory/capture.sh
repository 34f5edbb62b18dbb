#!/usr/bin/env bash
# capture.sh — build the mem_* programs and capture their memory snapshots.
#
#   testdata/memory/capture.sh [CASE...]     (default: every case)
#
# Cases (testdata/README.md, "memory/"): arenas, arenas-trim (the same,
# then malloc_trim), arenas-jemalloc (the same program under jemalloc),
# jemalloc-dirty, tcmalloc-burst, mmap, leak.  Each case's program (testdata/src/mem_*.c)
# writes testdata/memory/CASE/snap.N/ itself at the moments it chooses
# (smaps, smaps_rollup, status, its allocator's statistics, its heap
# profile: src/mem_capture.h), prints "snap N PID" and waits; this script
# then adds pmap -x and pmap -X of the paused process and lets it go on.
# Binaries are built into a temporary directory; nothing else is kept.
set -euo pipefail

MD=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TD=$(dirname "$MD")
TCMALLOC=/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
NEVER=1099511627776

die() { echo "capture: $*" >&2; exit 1; }
for f in "$TCMALLOC" "$JEMALLOC"; do
	[ -e "$f" ] || die "$f missing (scripts/setup.sh)"
done
command -v pmap >/dev/null || die "pmap missing (procps)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run CASE PROGRAM ENV...: the program in a clean environment, as a
# coprocess; pmap at every "snap N PID" it prints.
run() {
	local case=$1 prog=$2 out=$MD/$1 line n pid cpid
	shift 2
	echo "capture: $case" >&2
	gcc -O2 -g -Wall -Wextra -pthread "-ffile-prefix-map=$TD=." -o "$tmp/$prog" \
		"$TD/src/$prog.c" -ldl
	rm -rf "$out"
	mkdir -p "$out"
	coproc PROG { env -i PATH=/usr/bin:/bin "$@" "$tmp/$prog" "$out" 2>"$tmp/$case.log"; }
	cpid=$PROG_PID
	while IFS=' ' read -r line n pid <&"${PROG[0]}"; do
		[ "$line" = snap ] || die "$case: unexpected output '$line $n $pid'"
		pmap -x "$pid" >"$out/snap.$n/pmap-x.txt"
		pmap -X "$pid" >"$out/snap.$n/pmap-X.txt"
		echo go >&"${PROG[1]}"
	done
	wait "$cpid" || die "$case: $prog failed: $(cat "$tmp/$case.log")"
}

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(arenas arenas-trim arenas-jemalloc jemalloc-dirty tcmalloc-burst mmap leak)
for c in "${cases[@]}"; do
	case $c in
	arenas) run arenas mem_arenas ;;
	arenas-trim) run arenas-trim mem_arenas MC_TRIM=1 ;;
	arenas-jemalloc)
		run arenas-jemalloc mem_arenas MC_ALLOCATOR=jemalloc LD_PRELOAD="$JEMALLOC" ;;
	jemalloc-dirty)
		run jemalloc-dirty mem_jemalloc_dirty MC_ALLOCATOR=jemalloc LD_PRELOAD="$JEMALLOC" \
			MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1,prof:true,prof_prefix:"$tmp/jeprof" ;;
	tcmalloc-burst)
		run tcmalloc-burst mem_tcmalloc_burst MC_ALLOCATOR=tcmalloc LD_PRELOAD="$TCMALLOC" \
			HEAPPROFILE="$tmp/tcburst" MC_HEAPPROFILE="$tmp/tcburst" HEAP_PROFILE_ALLOCATION_INTERVAL=$NEVER \
			HEAP_PROFILE_INUSE_INTERVAL=$NEVER HEAP_PROFILE_TIME_INTERVAL=0 ;;
	mmap) run mmap mem_mmap ;;
	leak)
		run leak mem_leak MC_ALLOCATOR=tcmalloc LD_PRELOAD="$TCMALLOC" \
			HEAPPROFILE="$tmp/tcleak" MC_HEAPPROFILE="$tmp/tcleak" HEAP_PROFILE_ALLOCATION_INTERVAL=$NEVER \
			HEAP_PROFILE_INUSE_INTERVAL=$NEVER HEAP_PROFILE_TIME_INTERVAL=0 ;;
	*) die "unknown case $c" ;;
	esac
done
echo "capture: done" >&2
