#!/usr/bin/env bash
# regenerate.sh — rebuild heapdiff's test fixtures from scratch.
#
#   testdata/regenerate.sh            # everything, then peer-totals.sh
#   testdata/regenerate.sh --no-peers # skip peer-totals.sh
#
# Steps (see testdata/README.md for what every file is):
#   1. build bin/libleak.so, bin/leaky, bin/leaky_cpp from src/
#   2. run them under tcmalloc (HEAPPROFILE) and jemalloc (prof:true), rename
#      the snapshots into profiles/, gzip a few
#   3. check that every real profile holds exactly the growth the programs
#      are designed to produce (expected/header-sums.txt records header vs.
#      line sums)
#   4. derive variants/ and bad/ from the real profiles (awk/sed only)
#  4b. build bin/trend, run its 12-snapshot series (tc-trend*, je-trend*)
#      and check them against the design
#   5. run peer-totals.sh (expected/peer-totals.txt)
#
# Everything is deterministic except addresses (ASLR), inode numbers and
# pids inside the maps sections.  The sampled jemalloc runs are made with
# ASLR off (setarch -R) because jemalloc seeds its sampler from a thread
# address: with it off their sample counts repeat from run to run on the
# same machine.
#
# Owns bin/ profiles/ variants/ bad/ expected/; never touches sym/ or src/.
set -euo pipefail

TD=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$TD"

TCMALLOC=/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
TICKS=4
# Byte intervals so large that tcmalloc never dumps on its own.
NEVER=1099511627776

run_peers=1
[ "${1:-}" = "--no-peers" ] && run_peers=0

for f in "$TCMALLOC" "$JEMALLOC"; do
	[ -e "$f" ] || { echo "regenerate: $f missing (scripts/setup.sh)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

die() { echo "regenerate: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# 1. binaries
# -ffile-prefix-map makes the DWARF paths relative (comp_dir ".", files
# "src/leaky.c"), so the binaries do not depend on where the tree lives.
echo "regenerate: building bin/" >&2
rm -rf bin
mkdir -p bin
CFLAGS=(-O2 -g -Wall -Wextra "-ffile-prefix-map=$TD=.")
gcc "${CFLAGS[@]}" -fPIC -shared -o bin/libleak.so src/libleak.c
# shellcheck disable=SC2016 # $ORIGIN is for the linker, not the shell
gcc "${CFLAGS[@]}" -o bin/leaky src/leaky.c -Lbin -lleak '-Wl,-rpath,$ORIGIN' -ldl
g++ "${CFLAGS[@]}" -o bin/leaky_cpp src/leaky_cpp.cc -ldl
# inlined_alloc and Pool<T>::make must not exist as functions of their own.
if nm bin/leaky | grep -q inlined_alloc; then die "inlined_alloc was not inlined"; fi
if nm -C bin/leaky_cpp | grep -q 'Pool<app::Node>::make'; then die "Pool::make was not inlined"; fi

# ---------------------------------------------------------------------------
# 2. real profiles
rm -rf profiles
mkdir -p profiles

# Clean environment: nothing inherited from the caller's MALLOC_CONF etc.
run_env() { env -i PATH=/usr/bin:/bin "$@"; }

# tc_run NAME PROGRAM: HEAPPROFILE run; snapshots profiles/NAME.000k.heap
tc_run() {
	local name=$1 prog=$2 d=$tmp/$1
	mkdir -p "$d"
	run_env LD_PRELOAD="$TCMALLOC" HEAPPROFILE="$d/$name" \
		HEAP_PROFILE_ALLOCATION_INTERVAL=$NEVER \
		HEAP_PROFILE_INUSE_INTERVAL=$NEVER \
		HEAP_PROFILE_TIME_INTERVAL=0 \
		"$TD/bin/$prog" $TICKS 2>"$d.log" || die "$name: $prog failed: $(cat "$d.log")"
	local n
	n=$(find "$d" -type f | wc -l)
	[ "$n" -eq $TICKS ] || die "$name: expected $TICKS snapshots, got $n: $(ls "$d")"
	for k in $(seq 1 $TICKS); do
		mv "$d/$name.$(printf %04d "$k").heap" profiles/
	done
}

# je_run NAME PROGRAM SETARCH CONF: jemalloc run; snapshots
# <prefix>.<pid>.<seq>.m<seq>.heap renamed to profiles/NAME.<seq+1>.heap
je_run() {
	local name=$1 prog=$2 norand=$3 conf=$4 d=$tmp/$1 pre=()
	mkdir -p "$d"
	if [ "$norand" = norand ]; then
		if setarch "$(uname -m)" -R true 2>/dev/null; then
			pre=(setarch "$(uname -m)" -R)
		else
			echo "regenerate: warning: setarch -R unavailable, $name sample counts will vary" >&2
		fi
	fi
	run_env LD_PRELOAD="$JEMALLOC" \
		MALLOC_CONF="prof:true,prof_active:true,prof_final:false,prof_gdump:false,prof_leak:false,lg_prof_interval:-1,$conf,prof_prefix:$d/je" \
		"${pre[@]}" "$TD/bin/$prog" $TICKS 2>"$d.log" || die "$name: $prog failed: $(cat "$d.log")"
	grep -q 'prof.dump") = 0' "$d.log" || die "$name: mallctl(prof.dump) failed: $(cat "$d.log")"
	local n
	n=$(find "$d" -type f | wc -l)
	[ "$n" -eq $TICKS ] || die "$name: expected $TICKS snapshots, got $n: $(ls "$d")"
	for k in $(seq 1 $TICKS); do
		local s=$((k - 1)) f
		f=$(echo "$d"/je.*."$s".m"$s".heap)
		[ -f "$f" ] || die "$name: no snapshot $s"
		mv "$f" "profiles/$name.$k.heap"
	done
}

echo "regenerate: running under tcmalloc and jemalloc" >&2
tc_run tc-run1 leaky
tc_run tc-run2 leaky
tc_run tc-cpp leaky_cpp
je_run je-unsampled-run1 leaky rand lg_prof_sample:0,prof_accum:false
je_run je-unsampled-run2 leaky rand lg_prof_sample:0,prof_accum:false
je_run je-accum leaky rand lg_prof_sample:0,prof_accum:true
je_run je-sampled leaky norand lg_prof_sample:12,prof_accum:false
je_run je-sampled-accum leaky norand lg_prof_sample:12,prof_accum:true
je_run je-cpp-accum leaky_cpp rand lg_prof_sample:0,prof_accum:true

# the two runs of each pair must differ by ASLR
main_start() { grep -m1 "bin/leaky$" "$1" | cut -d- -f1; }
[ "$(main_start profiles/tc-run1.0001.heap)" != "$(main_start profiles/tc-run2.0001.heap)" ] ||
	echo "regenerate: warning: tc-run1 and tc-run2 have the same load address (ASLR off?)" >&2
[ "$(main_start profiles/je-unsampled-run1.1.heap)" != "$(main_start profiles/je-unsampled-run2.1.heap)" ] ||
	echo "regenerate: warning: je-unsampled-run1/2 have the same load address (ASLR off?)" >&2

# gzip'ed copies (-n: no name or time stamp in the header, so reproducible)
gzip -9 -n -c profiles/tc-run1.0002.heap >profiles/tc-run1.0002.heap.gz
gzip -9 -n -c profiles/je-unsampled-run1.2.heap >profiles/je-unsampled-run1.2.heap.gz
gzip -9 -n -c profiles/tc-run1.0003.heap >profiles/tc-run1.0003-gzipped.heap

# ---------------------------------------------------------------------------
# 3. check the designed growth; record header sums
#
# sums FILE -> "A B C D" summed over the stack lines (legacy: every
# "A: B [C: D] @" line; jemalloc threaded: the "t*:" line after each "@").
sums() {
	awk '
	NR == 1 && /^heap_v2\// { threaded = 1; next }
	/^MAPPED_LIBRARIES:/ || /--- Memory map:/ { exit }
	threaded && /^@/ { instack = 1; next }
	threaded && instack && /^ *t\*:/ {
		gsub(/[:\[\]]/, " "); a += $2; b += $3; c += $4; d += $5; instack = 0; next }
	!threaded && NR > 1 && /@/ {
		s = $0; sub(/@.*/, "", s); gsub(/[:\[\]]/, " ", s); split(s, v, " ")
		a += v[1]; b += v[2]; c += v[3]; d += v[4] }
	END { printf "%.0f %.0f %.0f %.0f\n", a, b, c, d }' "$1"
}
# header FILE -> "A B C D" from the header ("heap profile:" or "t*:" line 2)
header() {
	awk '
	NR == 1 && /^heap profile:/ { s = $0; sub(/^heap profile:/, "", s); sub(/@.*/, "", s)
		gsub(/[:\[\]]/, " ", s); split(s, v, " "); print v[1], v[2], v[3], v[4]; exit }
	NR == 2 { gsub(/[:\[\]]/, " "); print $2, $3, $4, $5; exit }' "$1"
}

# expect FILE "A B C D": the line sums must be exactly the designed values
expect() {
	local got
	got=$(sums "$1")
	[ "$got" = "$2" ] || die "$1: line sums are '$got', designed '$2'"
}
for k in $(seq 1 $TICKS); do
	# leaky, snapshot k: in-use 1015k+64 objects, 662400k+65536 bytes;
	# allocated adds churn: 50k objects, 3276800k bytes.
	io=$((1015 * k + 64)) ib=$((662400 * k + 65536))
	ao=$((io + 50 * k)) ab=$((ib + 3276800 * k))
	expect "profiles/tc-run1.$(printf %04d "$k").heap" "$io $ib $ao $ab"
	expect "profiles/tc-run2.$(printf %04d "$k").heap" "$io $ib $ao $ab"
	# jemalloc: plus libstdc++'s emergency EH pool (1 x 81920 B, allocated
	# before main because libjemalloc.so.2 links libstdc++).
	expect "profiles/je-unsampled-run1.$k.heap" "$((io + 1)) $((ib + 81920)) 0 0"
	expect "profiles/je-unsampled-run2.$k.heap" "$((io + 1)) $((ib + 81920)) 0 0"
	expect "profiles/je-accum.$k.heap" "$((io + 1)) $((ib + 81920)) $((ao + 1)) $((ab + 81920))"
	# leaky_cpp, snapshot k: in-use 26k+3 objects, 180224k+15360 bytes;
	# allocated adds transient(): 10k objects, 8184k bytes.
	io=$((26 * k + 3)) ib=$((180224 * k + 15360))
	ao=$((io + 10 * k)) ab=$((ib + 8184 * k))
	expect "profiles/tc-cpp.$(printf %04d "$k").heap" "$io $ib $ao $ab"
	expect "profiles/je-cpp-accum.$k.heap" "$((io + 1)) $((ib + 81920)) $((ao + 1)) $((ab + 81920))"
done

{
	echo "# header sums vs. line sums of every real profile (written by regenerate.sh)"
	echo "# file<TAB>header A B C D<TAB>sum of stack lines A B C D<TAB>equal?"
	for f in profiles/*.heap; do
		case $f in *-gzipped.heap) continue ;; esac
		h=$(header "$f") s=$(sums "$f")
		eq=no
		[ "$h" = "$s" ] && eq=yes
		printf '%s\t%s\t%s\t%s\n' "${f#profiles/}" "$h" "$s" "$eq"
	done
} >expected/header-sums.txt

# ---------------------------------------------------------------------------
# 4. variants/ and bad/
rm -rf variants bad
mkdir -p variants bad

TC=profiles/tc-run1.0002.heap     # tcmalloc source of most derived files
JEU=profiles/je-unsampled-run1.2.heap
JES=profiles/je-sampled.2.heap
JEA=profiles/je-accum.2.heap

# maps FILE: the maps section, from the MAPPED_LIBRARIES: line on
maps() { sed -n '/^MAPPED_LIBRARIES:/,$p' "$1"; }

# je3 THREADED_FILE TYPE: jemalloc 3.x legacy text made from a jemalloc 5
# threaded file: header sums of the t* lines, unpadded sample lines, a
# blank line, then the maps copied verbatim (as jemalloc 3.x does).
je3() {
	awk -v type="$2" '
	NR == 1 { next }
	/^MAPPED_LIBRARIES:/ { inmaps = 1 }
	inmaps { maps = maps $0 "\n"; next }
	/^@/ { stack = substr($0, 2); next }
	stack != "" && /^ *t\*:/ {
		gsub(/[:\[\]]/, " "); n++
		line[n] = sprintf("%s: %s [%s: %s] @%s", $2, $3, $4, $5, stack)
		a += $2; b += $3; c += $4; d += $5; stack = ""; next }
	END {
		printf "heap profile: %d: %d [%d: %d] @ %s\n", a, b, c, d, type
		for (i = 1; i <= n; i++) print line[i]
		printf "\n%s", maps }' "$1"
}
je3 "$JES" heap_v2/4096 >variants/je3-sampled.heap
je3 "$JES" heapprofile >variants/je3-sampled-heapprofile.heap
je3 "$JEU" heapprofile >variants/je3-unsampled.heap
je3 "$JEA" heapprofile >variants/je3-accum.heap

# tcmalloc text with CRLF line ends
sed 's/$/\r/' "$TC" >variants/tc-crlf.heap
# %warn lines (and one other % line) before the header
{
	echo "%warn some text"
	echo "%warn a second warning: heap profile may be incomplete"
	cat "$TC"
} >variants/tc-warn.heap
# Google's "--- Memory map: ---" marker instead of MAPPED_LIBRARIES:
sed 's/^MAPPED_LIBRARIES:$/--- Memory map: ---/' "$TC" >variants/tc-memory-map-marker.heap
# the header line alone: no samples, no maps
head -1 "$TC" >variants/tc-header-only.heap

# Header variants: FORMATS.md section 2.3's worked example, three lines with
# real stacks from $TC: recurse (2: 524288 [4: 1048576]), small_objects
# (10: 480 [10: 480]) and linear_leak (1: 10000 [1: 10000]).  The stack of a
# line is found by its object size (bytes / objects) in $TC.
stack_of() { # FILE OBJECT_SIZE -> " 0x... 0x..." of the first such line
	awk -v sz="$2" 'NR > 1 && /@/ { s = $0; sub(/@.*/, "", s); gsub(/[:\[\]]/, " ", s)
		split(s, v, " "); if (v[1] > 0 && v[2] / v[1] == sz) { sub(/^[^@]*@/, ""); print; exit } }' "$1"
}
s_rec=$(stack_of "$TC" 262144)
s_small=$(stack_of "$TC" 48)
s_lin=$(stack_of "$TC" 4096)
if [ -z "$s_rec" ] || [ -z "$s_small" ] || [ -z "$s_lin" ]; then
	die "stacks for the header variants not found"
fi
hdr_variant() { # NAME "HEADER-NUMBERS" "TYPE-SUFFIX"
	{
		printf 'heap profile: %s%s\n' "$2" "$3"
		printf '%6d: %8d [%6d: %8d] @%s\n' 2 524288 4 1048576 "$s_rec"
		printf '%6d: %8d [%6d: %8d] @%s\n' 10 480 10 480 "$s_small"
		printf '%6d: %8d [%6d: %8d] @%s\n' 1 10000 1 10000 "$s_lin"
		printf '\n'
		maps "$TC"
	} >"variants/$1"
}
SUMS='    13:   534768 [    15:  1059056]'
hdr_variant hdr-heapprofile.heap "$SUMS" ' @ heapprofile'
hdr_variant hdr-heapprofile-trailing-space.heap "$SUMS" ' @ heapprofile '
hdr_variant hdr-heap_v2-524288.heap "$SUMS" ' @ heap_v2/524288'
hdr_variant hdr-heap_v2-norate.heap "$SUMS" ' @ heap_v2'
hdr_variant hdr-heap-1048576.heap "$SUMS" ' @ heap/1048576'
hdr_variant hdr-heap-norate.heap "$SUMS" ' @ heap'
hdr_variant hdr-growth.heap "$SUMS" ' @ growth'
# no "@ TYPE": A=C and B=D in the header (perl: v1 sampling with 131072)...
hdr_variant hdr-notype-eq.heap '    13:   534768 [    13:   534768]' ''
# ...and pairs differing (perl: no scaling)
hdr_variant hdr-notype-ne.heap "$SUMS" ''

# --- bad inputs ---
: >bad/empty.heap
# Damaged DWARF, copies of sym/ fixtures (the script says what is wrong).
python3 make-bad-dwarf.py
# Files of other kinds given where a profile belongs (bad/other-*).
python3 make-other-formats.py
# pprof profile.proto inputs from the jemalloc profiles (proto/).
python3 make-proto.py
# cut in the middle of the 3rd sample line (inside an address)
head -c "$(($(head -3 "$TC" | wc -c) + 40))" "$TC" >bad/truncated-mid-line.heap
# cut at a line boundary after the samples, before the blank line + maps
sed -n '1,/^$/p' "$TC" | sed '/^$/d' >bad/truncated-before-maps.heap
# cut in the middle of a jemalloc threaded file (inside a stack line)
head -c "$(($(head -5 "$JEU" | wc -c) + 30))" "$JEU" >bad/je-truncated-mid-line.heap
# a garbage line between two sample lines
sed '3a this is not a sample line' "$TC" >bad/garbage-line.heap
# in-use bytes of line 2 = 2^64 (overflows uint64)
sed -E '2s/^( *[0-9]+: +)[0-9]+/\118446744073709551616/' "$TC" >bad/overflow-64bit.heap
# in-use bytes of line 2 = 2^63 (fits uint64, overflows int64)
sed -E '2s/^( *[0-9]+: +)[0-9]+/\19223372036854775808/' "$TC" >bad/overflow-int64.heap
# negative allocated count on line 2
sed -E '2s/\[ *([0-9]+):/[ -\1:/' "$TC" >bad/negative-alloc-count.heap
# a sample line with nothing after "@" (read as an unknown stack, README)
sed -E '2s/@.*$/@/' "$TC" >bad/stack-no-addresses.heap
# gperftools' 1 MiB dump buffer running out (README, "Bad input"), as
# FillOrderedProfile leaves it: the header untouched, the first four
# records, the fifth cut off inside its stack (after its 2nd address) or
# right after its "@", and the maps section right after it, without the
# blank line a whole dump has before MAPPED_LIBRARIES:.
{ sed -n '1,5p' "$TC"; sed -En '6s/^(.*@ [^ ]+ [^ ]+) .*$/\1/p' "$TC"; sed -n '/^MAPPED_LIBRARIES:$/,$p' "$TC"; } \
	>variants/tc-producer-cut.heap
{ sed -n '1,5p' "$TC"; sed -En '6s/@.*$/@/p' "$TC"; sed -n '/^MAPPED_LIBRARIES:$/,$p' "$TC"; } \
	>bad/tc-producer-cut-at-at.heap
# an unparsable line inside the maps section (after MAPPED_LIBRARIES:)
sed '/^MAPPED_LIBRARIES:$/a zzzz-yyyy r-xp garbage that is not a maps line' "$TC" >bad/bad-maps-line.heap
# jemalloc threaded file whose 2nd stack has a garbage t* count line
awk '/^@/ { at++ } at == 2 && /^ *t\*:/ && !done { print "  t*: 1: 26214x [0: 0]"; done = 1; next } { print }' \
	"$JEU" >bad/je-garbage-count-line.heap
# jemalloc threaded header without a sample rate
sed '1s/^heap_v2\/.*/heap_v2/' "$JEU" >bad/je-header-no-rate.heap
# gzip: truncated stream, CRC mismatch, corrupt deflate data
gzip -9 -n -c "$TC" >"$tmp/tc.gz"
gzsize=$(wc -c <"$tmp/tc.gz")
head -c $((gzsize / 2)) "$tmp/tc.gz" >bad/truncated.heap.gz
cp "$tmp/tc.gz" bad/crc-mismatch.heap.gz
printf '\xde\xad\xbe\xef' | dd of=bad/crc-mismatch.heap.gz bs=1 seek=$((gzsize - 8)) conv=notrunc status=none
cp "$tmp/tc.gz" bad/corrupt-deflate.heap.gz
head -c 64 /dev/zero | tr '\0' '\377' | dd of=bad/corrupt-deflate.heap.gz bs=1 seek=40 conv=notrunc status=none
for f in bad/truncated.heap.gz bad/crc-mismatch.heap.gz bad/corrupt-deflate.heap.gz; do
	if gzip -t "$f" 2>/dev/null; then die "$f is a valid gzip file"; fi
done

# ---------------------------------------------------------------------------
# 4b. trend series (issue 11): bin/trend, 12 snapshots per run, with and
# without its leak, under tcmalloc (exact) and jemalloc (default sampling,
# lg_prof_sample:19, setarch -R).  The jemalloc files keep jemalloc's own
# names, <prefix>.<pid>.<seq>.m<seq>.heap, so that readers must order them
# by number (m10 after m2).  Every path of trend has its own object size,
# so trend_by_size tells the functions apart without symbols.
TREND_TICKS=12
echo "regenerate: trend series" >&2
gcc "${CFLAGS[@]}" -o bin/trend src/trend.c -ldl

# trend_tc NAME [--no-leak]: profiles/NAME.0001.heap .. NAME.0012.heap
trend_tc() {
	local name=$1 d=$tmp/$1 n
	shift
	mkdir -p "$d"
	run_env LD_PRELOAD="$TCMALLOC" HEAPPROFILE="$d/$name" \
		HEAP_PROFILE_ALLOCATION_INTERVAL=$NEVER \
		HEAP_PROFILE_INUSE_INTERVAL=$NEVER \
		HEAP_PROFILE_TIME_INTERVAL=0 \
		"$TD/bin/trend" "$@" 2>"$d.log" || die "$name: trend failed: $(cat "$d.log")"
	n=$(find "$d" -name "$name.*.heap" | wc -l)
	[ "$n" -eq $TREND_TICKS ] || die "$name: expected $TREND_TICKS snapshots, got $n"
	mv "$d/$name".*.heap profiles/
}

# trend_je NAME [--no-leak]: profiles/NAME.<pid>.<seq>.m<seq>.heap, seq 0..11
trend_je() {
	local name=$1 d=$tmp/$1 pre=() n
	shift
	mkdir -p "$d"
	if setarch "$(uname -m)" -R true 2>/dev/null; then
		pre=(setarch "$(uname -m)" -R)
	else
		echo "regenerate: warning: setarch -R unavailable, $name sample counts will vary" >&2
	fi
	run_env LD_PRELOAD="$JEMALLOC" \
		MALLOC_CONF="prof:true,prof_active:true,prof_final:false,prof_gdump:false,prof_leak:false,lg_prof_interval:-1,prof_prefix:$d/$name" \
		"${pre[@]}" "$TD/bin/trend" "$@" 2>"$d.log" || die "$name: trend failed: $(cat "$d.log")"
	n=$(find "$d" -name "$name.*.m*.heap" | wc -l)
	[ "$n" -eq $TREND_TICKS ] || die "$name: expected $TREND_TICKS snapshots, got $n"
	mv "$d/$name".*.heap profiles/
}
trend_tc tc-trend
trend_tc tc-trend-noleak --no-leak
trend_je je-trend
trend_je je-trend-noleak --no-leak

# trend_by_size FILE -> one line "SIZE A B C D" per object size (stacks of
# one size summed, all-zero sizes left out), sorted by size.  Legacy text:
# the line sums.  jemalloc threaded (sampled): A = sampled objects, B = in-use
# bytes after the v2 formula (FORMATS.md 2.4), C D = 0; SIZE = bytes/objects
# taken to the nearest of trend's sizes (and libstdc++'s 81920, see leaky):
# jemalloc's pre-biased counts are rounded, so bytes/objects is not exact.
trend_by_size() {
	awk '
	BEGIN { nsizes = split("65536 81920 196608 262144 327680 393216 524288 1048576 2097152", sizes, " ") }
	NR == 1 && /^heap_v2\// { threaded = 1; rate = substr($0, 9); next }
	/^MAPPED_LIBRARIES:/ || /--- Memory map:/ { exit }
	threaded && /^@/ { instack = 1; next }
	threaded && instack && /^ *t\*:/ {
		gsub(/[:\[\]]/, " "); instack = 0
		if ($2 == 0) next
		avg = $3 / $2; sz = 0
		for (i = 1; i <= nsizes; i++)
			if (sz == 0 || (avg > sizes[i] ? avg / sizes[i] : sizes[i] / avg) < best)
				{ sz = sizes[i]; best = avg > sz ? avg / sz : sz / avg }
		a[sz] += $2; b[sz] += $3 / (1 - exp(-avg / rate)); seen[sz] = 1; next }
	!threaded && NR > 1 && /@/ {
		s = $0; sub(/@.*/, "", s); gsub(/[:\[\]]/, " ", s); split(s, v, " ")
		if (v[3] > 0) sz = v[4] / v[3]; else if (v[1] > 0) sz = v[2] / v[1]; else next
		a[sz] += v[1]; b[sz] += v[2]; c[sz] += v[3]; d[sz] += v[4]; seen[sz] = 1 }
	END { for (sz in seen) printf "%.0f %.0f %.0f %.0f %.0f\n", sz, a[sz], b[sz], c[sz], d[sz] }' "$1" | sort -n
}

# trend_design T LEAK -> the tcmalloc trend_by_size lines of snapshot T
# (LEAK 1 or 0), from the table in testdata/README.md.
TREND_SESSIONS=(0 103 127 197 74 167 163 213 90 152 112 137 140) # n_t, LCG seed 26
trend_design() {
	local t=$1 leak=$2 i cache pool batch batches=0 shrink sess=0
	for i in $(seq 1 "$t"); do
		sess=$((sess + TREND_SESSIONS[i]))
		[ $((i % 3)) -eq 2 ] && batches=$((batches + 1))
	done
	cache=$((400 * t < 1800 ? 400 * t : 1800))
	pool=$((t == 1 ? 320 : 480))
	batch=$((t % 3 == 2 ? 320 : 0))
	shrink=$((t <= 2 ? 400 : 400 - 32 * (t - 2)))
	line() { [ "$2" -eq 0 ] && [ "$3" -eq 0 ] || echo "$1 $2 $(($1 * $2)) $3 $(($1 * $3))"; }
	[ "$leak" -eq 1 ] && line 65536 $((48 * t)) $((48 * t))
	line 196608 $batch $((320 * batches))
	line 262144 $cache $cache
	line 327680 "${TREND_SESSIONS[t]}" $sess
	line 393216 $shrink 400
	line 524288 $pool $pool
	line 1048576 80 80
	line 2097152 0 $((50 * t))
}

# jemalloc: sampled, so within bounds: the leak (64 KiB) and the cache
# (256 KiB) against the design, the total against the design plus
# libstdc++'s emergency pool (81920 B, see leaky).
# trend_je_check FILE T LEAK
trend_je_check() {
	local f=$1 t=$2 leak=$3 got want
	got=$(trend_by_size "$f")
	want=$(trend_design "$t" "$leak")
	within() { # LABEL GOT WANT PERCENT
		awk -v g="$2" -v w="$3" -v p="$4" 'BEGIN { exit !(g >= w * (1 - p / 100) && g <= w * (1 + p / 100)) }' ||
			die "$f: $1 is $2 B after the v2 formula, designed $3 B (+-$4 %)"
	}
	bytes_of() { awk -v sz="$2" '$1 == sz { print $3 }' <<<"$1"; }
	total_of() { awk '{ s += $3 } END { printf "%.0f\n", s }' <<<"$1"; }
	within total "$(total_of "$got")" "$(($(total_of "$want") + 81920))" 15
	within cache_insert "$(bytes_of "$got" 262144)" "$(bytes_of "$want" 262144)" 20
	if [ "$leak" -eq 1 ]; then
		# 48 x 64 KiB per tick: about 5.6 samples per tick at 512 KiB
		[ "$t" -lt 4 ] || within leak_request_state "$(bytes_of "$got" 65536)" $((3145728 * t)) 50
	elif [ -n "$(bytes_of "$got" 65536)" ]; then
		die "$f: a 64 KiB stack in the no-leak run"
	fi
}

je_trend_files() { # PREFIX -> its 12 files in sequence order
	local s
	for s in $(seq 0 $((TREND_TICKS - 1))); do
		echo profiles/"$1".*."$s".m"$s".heap
	done
}
for t in $(seq 1 $TREND_TICKS); do
	k=$(printf %04d "$t")
	[ "$(trend_by_size "profiles/tc-trend.$k.heap")" = "$(trend_design "$t" 1)" ] ||
		die "tc-trend.$k.heap: by object size $(trend_by_size "profiles/tc-trend.$k.heap" | tr '\n' ';'), designed $(trend_design "$t" 1 | tr '\n' ';')"
	[ "$(trend_by_size "profiles/tc-trend-noleak.$k.heap")" = "$(trend_design "$t" 0)" ] ||
		die "tc-trend-noleak.$k.heap: by object size $(trend_by_size "profiles/tc-trend-noleak.$k.heap" | tr '\n' ';'), designed $(trend_design "$t" 0 | tr '\n' ';')"
done
mapfile -t je_leak < <(je_trend_files je-trend)
mapfile -t je_noleak < <(je_trend_files je-trend-noleak)
for t in $(seq 1 $TREND_TICKS); do
	if [ ! -f "${je_leak[t - 1]}" ] || [ ! -f "${je_noleak[t - 1]}" ]; then die "je-trend: snapshot $t missing"; fi
	trend_je_check "${je_leak[t - 1]}" "$t" 1
	trend_je_check "${je_noleak[t - 1]}" "$t" 0
done
# header sums of the series, as for the other real profiles
for f in profiles/*trend*.heap; do
	h=$(header "$f") s=$(sums "$f")
	eq=no
	[ "$h" = "$s" ] && eq=yes
	printf '%s\t%s\t%s\t%s\n' "${f#profiles/}" "$h" "$s" "$eq"
done >>expected/header-sums.txt

# ---------------------------------------------------------------------------
# 5. peer totals
if [ $run_peers -eq 1 ]; then
	echo "regenerate: running peer-totals.sh" >&2
	"$TD/peer-totals.sh"
fi
echo "regenerate: done" >&2

# ---------------------------------------------------------------------------
# twobuilds: one program built twice, for --base-binary (README.md,
# "twobuilds"), self-contained.  Both builds run from one path,
# $tmp/ci/twobuilds, as CI runs main's build and then the change's: the
# maps sections name the same file, gone once this script ends, so only
# --base-binary and BINARY say which build wrote which profile.
echo "regenerate: twobuilds" >&2
rm -f bin/twobuilds-1 bin/twobuilds-2 profiles/tc-twobuilds-*.heap
mkdir -p "$tmp/ci"
for b in 1 2; do
	gcc -O2 -g -Wall -Wextra "-ffile-prefix-map=$TD=." -DBUILD=$b -o "bin/twobuilds-$b" \
		src/twobuilds.c -ldl
	cp "bin/twobuilds-$b" "$tmp/ci/twobuilds"
	d=$tmp/twobuilds-$b
	mkdir -p "$d"
	env -i PATH=/usr/bin:/bin LD_PRELOAD="$TCMALLOC" HEAPPROFILE="$d/tb" \
		HEAP_PROFILE_ALLOCATION_INTERVAL=1099511627776 \
		HEAP_PROFILE_INUSE_INTERVAL=1099511627776 HEAP_PROFILE_TIME_INTERVAL=0 \
		"$tmp/ci/twobuilds" 2 2>"$d.log" || { echo "regenerate: twobuilds-$b failed: $(cat "$d.log")" >&2; exit 1; }
	for k in 1 2; do
		mv "$d/tb.000$k.heap" "profiles/tc-twobuilds-$b.000$k.heap"
	done
done
# The designed growth (testdata/README.md): in-use objects and bytes at
# snapshot k; the allocated pair equals them (nothing is freed).
for k in 1 2; do
	for b in 1 2; do
		o=$((16 + 8 * b * k + (b - 1) * k)) s=$((16384 + 32768 * b * k + (b - 1) * 256 * k))
		got=$(awk 'NR > 1 && /@/ { s = $0; sub(/@.*/, "", s); gsub(/[:\[\]]/, " ", s)
			split(s, v, " "); a += v[1]; b += v[2]; c += v[3]; d += v[4] }
			/^MAPPED_LIBRARIES:/ { exit } END { printf "%d %d %d %d\n", a, b, c, d }' \
			"profiles/tc-twobuilds-$b.000$k.heap")
		[ "$got" = "$o $s $o $s" ] ||
			{ echo "regenerate: tc-twobuilds-$b.000$k.heap: line sums '$got', designed '$o $s $o $s'" >&2; exit 1; }
	done
done

# ---------------------------------------------------------------------------
# memory/: real memory captures for --memory (issue 16; README.md
# "memory/"), self-contained.  memory/capture.sh builds src/mem_*.c into a
# temporary folder, runs each program and rewrites memory/CASE/snap.N/.
# Addresses, and a few pages of RSS, differ from run to run, and
# tests/test_memory_inputs.c pins the committed captures' numbers, so
# they are recaptured only when asked: HD_RECAPTURE_MEMORY=1.
if [ "${HD_RECAPTURE_MEMORY:-0}" = 1 ]; then
	echo "regenerate: memory captures" >&2
	"$TD/memory/capture.sh"
else
	echo "regenerate: memory/ kept (HD_RECAPTURE_MEMORY=1 recaptures it)" >&2
fi

# massif: leaky under valgrind's massif (README.md, "valgrind massif";
# testdata/README.md, "massif"), self-contained.  Needs valgrind and the
# bin/leaky of step 1.
#   profiles/massif.out.leaky       every snapshot detailed, time in bytes
#                                   allocated: --trend's series
#   profiles/massif.out.leaky-exit  one snapshot of the heap at exit, taken by
#                                   vgdb's detailed_snapshot while valgrind
#                                   waits there (--vgdb-stop-at=exit)
#   bin/leaky-nopie, bin/leaky-nopie-stripped, profiles/massif.out.leaky-stripped
#                                   frames valgrind cannot name ("???")
#   bad/massif-*.out                derived from the two massif.out.leaky*
echo "regenerate: massif" >&2
command -v valgrind >/dev/null || die "valgrind missing (scripts/setup.sh)"
rm -f profiles/massif.out.* bad/massif-*.out bin/leaky-nopie bin/leaky-nopie-stripped
MASSIF=(valgrind --tool=massif --time-unit=B --detailed-freq=1 --threshold=0.1)
run_env "${MASSIF[@]}" --massif-out-file=profiles/massif.out.leaky bin/leaky 4 \
	2>"$tmp/massif.log" || die "massif: $(cat "$tmp/massif.log")"
run_env valgrind --tool=massif --vgdb=yes --vgdb-stop-at=exit \
	--massif-out-file="$tmp/massif.out.unused" bin/leaky 4 2>"$tmp/massif-exit.log" &
vg=$!
for _ in $(seq 100); do
	grep -q 'vgdb me' "$tmp/massif-exit.log" && break
	sleep 0.1
done
# valgrind's pid, from its log's "==PID==" prefix ($! is the subshell's)
vg_pid=$(sed -n '1s/^==\([0-9]*\)==.*/\1/p' "$tmp/massif-exit.log")
# valgrind waits at exit for a debugger: without vgdb's command it would
# wait for ever
vgdb --pid="$vg_pid" detailed_snapshot profiles/massif.out.leaky-exit >/dev/null ||
	{ kill "$vg_pid"; die "vgdb could not reach valgrind (pid '$vg_pid')"; }
wait $vg || die "massif at exit: $(cat "$tmp/massif-exit.log")"
[ -s profiles/massif.out.leaky-exit ] || die "vgdb wrote no profiles/massif.out.leaky-exit"
# ??? frames: a stripped program, not PIE so that its addresses are its own.
gcc "${CFLAGS[@]}" -no-pie -o bin/leaky-nopie src/leaky.c -Lbin -lleak '-Wl,-rpath,$ORIGIN' -ldl
strip -o bin/leaky-nopie-stripped bin/leaky-nopie
run_env "${MASSIF[@]}" --massif-out-file=profiles/massif.out.leaky-stripped \
	bin/leaky-nopie-stripped 4 2>"$tmp/massif.log" || die "massif: $(cat "$tmp/massif.log")"
grep -q ': ???' profiles/massif.out.leaky-stripped || die "massif named every frame of a stripped program"
# The designed end (leaky, 4 ticks): linear_leak 163840 B, recurse 2097152 B.
grep -q '^ n1: 163840 0x[0-9A-F]*: linear_leak (leaky.c:' profiles/massif.out.leaky-exit ||
	die "massif.out.leaky-exit: linear_leak does not hold 163840 B"
# Bad input, from massif.out.leaky-exit (one snapshot) but the last.
E=profiles/massif.out.leaky-exit
head -n $(($(wc -l <$E) - 3)) $E >bad/massif-truncated.out
head -c $(($(wc -c <$E) - 20)) $E >bad/massif-truncated-mid-line.out
leak=$(grep -n ' linear_leak ' $E | cut -d: -f1)
awk -v at=$((leak + 1)) 'NR == at { sub(/n1: [0-9]+/, "n1: " $2 + 1) } { print }' $E \
	>bad/massif-children-exceed.out
awk -v at=$((leak + 1)) 'NR == at { sub(/n1: [0-9]+/, "n1: 18446744073709551616") } { print }' \
	$E >bad/massif-absurd-number.out
sed "${leak}s/ n1: / n0: /" $E >bad/massif-count-too-small.out
# Snapshots 0-2 of massif.out.leaky, snapshot 1's tree lying: a plain read
# (of snapshot 2) passes; #1 and --trend fail.
M=profiles/massif.out.leaky
end=$(grep -n '^snapshot=3$' $M | cut -d: -f1)
first_leak=$(grep -n ' linear_leak ' $M | head -1 | cut -d: -f1)
head -n $((end - 2)) $M | sed "${first_leak}s/ n1: / n2: /" >bad/massif-count-too-big.out

# leak checkers (issue 15): leaky.c's blocks leaked for real at exit
# (src/leaky_forget.c), read by valgrind memcheck (--xml=yes) and by
# LeakSanitizer (-fsanitize=address), symbolized and not.  Self-contained.
# The programs run from $tmp/ci, gone once this script ends, as a CI job's
# checkout is: only BINARY names the unsymbolized LSan frames.
echo "regenerate: leak checkers" >&2
rm -f bin/leaky_forget bin/leaky_asan profiles/memcheck-leaky*.xml profiles/lsan-leaky*.log
# shellcheck disable=SC2016 # $ORIGIN is for the linker, not the shell
gcc -O2 -g -Wall -Wextra "-ffile-prefix-map=$TD=." -o bin/leaky_forget src/leaky_forget.c \
	-Lbin -lleak '-Wl,-rpath,$ORIGIN' -ldl
# shellcheck disable=SC2016
gcc -O2 -g -Wall -Wextra "-ffile-prefix-map=$TD=." -fsanitize=address -fno-omit-frame-pointer \
	-o bin/leaky_asan src/leaky_forget.c -Lbin -lleak '-Wl,-rpath,$ORIGIN' -ldl
mkdir -p "$tmp/ci"
cp bin/leaky_forget bin/leaky_asan bin/libleak.so "$tmp/ci/"
leak_env() { env -i PATH=/usr/bin:/bin "$@"; }
memcheck() {
	leak_env "${@:3}" valgrind --quiet --leak-check=full --show-leak-kinds=all --xml=yes \
		--xml-file="$tmp/mc.xml" "$tmp/ci/leaky_forget" "$2" 2>/dev/null ||
		{ echo "regenerate: memcheck $1 failed" >&2; exit 1; }
	# pids differ from run to run; nothing else does
	sed -e 's|<pid>[0-9]*</pid>|<pid>1000</pid>|' -e 's|<ppid>[0-9]*</ppid>|<ppid>999</ppid>|' \
		"$tmp/mc.xml" >"profiles/$1"
}
memcheck memcheck-leaky.xml 4
memcheck memcheck-leaky-more.xml 6 LEAKY_FORGET=all
lsan() { # NAME TICKS ASAN_OPTIONS [ENV...]: stderr of one leaky_asan run
	leak_env ASAN_OPTIONS="detect_leaks=1:$3" "${@:4}" "$tmp/ci/leaky_asan" "$2" 2>"$tmp/$1" &&
		{ echo "regenerate: leaky_asan found no leak" >&2; exit 1; }
	grep -q 'SUMMARY: AddressSanitizer' "$tmp/$1" || { echo "regenerate: $1: no report" >&2; exit 1; }
}
lsan lsan-leaky.log 4 ""
lsan lsan-leaky-unsym.log 4 symbolize=0
cp "$tmp/lsan-leaky.log" "$tmp/lsan-leaky-unsym.log" profiles/
# A CI job's log: two test processes' reports among test output, the
# second one's lines prefixed with time stamps as GitHub Actions does.
lsan one.log 2 symbolize=0
lsan two.log 3 "" LEAKY_FORGET=all
{
	echo "[==========] Running 2 tests from 1 test suite."
	echo "[ RUN      ] Leaky.TwoTicks"
	cat "$tmp/one.log"
	echo "[  FAILED  ] Leaky.TwoTicks (12 ms)"
	echo "[ RUN      ] Leaky.ThreeTicksAll"
	sed 's/^/2026-12-01T06:30:00.1234567Z /' "$tmp/two.log"
	echo "[  FAILED  ] Leaky.ThreeTicksAll (15 ms)"
	echo "[==========] 2 tests from 1 test suite ran. (27 ms total)"
} >profiles/lsan-leaky-ci.log
# The designed leaks (src/leaky_forget.c): LSan's totals, and memcheck's
# bytes per kind.
lsan_total() { grep -o 'SUMMARY: AddressSanitizer: [0-9]* byte(s) leaked in [0-9]*' "$1" |
	awk '{ b += $3; n += $7 } END { print b, n }'; }
# 4 ticks: 192000 + 163840 + 64 direct, 2097152 indirect; 4000 + 40 + 1 + 8 blocks
[ "$(lsan_total profiles/lsan-leaky.log)" = "2453056 4049" ] ||
	{ echo "regenerate: lsan-leaky.log: $(lsan_total profiles/lsan-leaky.log)" >&2; exit 1; }
# 2 ticks (1226528 bytes, 2025 blocks) + 3 ticks with the cache (1905328, 3101)
[ "$(lsan_total profiles/lsan-leaky-ci.log)" = "3131856 5126" ] ||
	{ echo "regenerate: lsan-leaky-ci.log: $(lsan_total profiles/lsan-leaky-ci.log)" >&2; exit 1; }
mc_kinds() { awk -F'[<>]' '/<kind>/ { k = $3 } /<leakedbytes>/ { b[k] += $3 }
	END { printf "%s %s %s %s\n", b["Leak_DefinitelyLost"], b["Leak_IndirectlyLost"],
		b["Leak_PossiblyLost"], b["Leak_StillReachable"] }' "$1"; }
# definite: 192000 + 163840 + (64 + 2097152 indirect); possible: lib; reachable: cache
[ "$(mc_kinds profiles/memcheck-leaky.xml)" = "2453056 2097152 196608 65536" ] ||
	{ echo "regenerate: memcheck-leaky.xml: $(mc_kinds profiles/memcheck-leaky.xml)" >&2; exit 1; }
