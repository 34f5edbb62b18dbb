#!/usr/bin/env bash
# peer-totals.sh — record the first line ("Total: ...") that the perl peers
# print for every fixture, into testdata/expected/peer-totals.txt.
#
#   testdata/peer-totals.sh      (run from anywhere; takes a few minutes)
#
# Each command is run from the repository root with relative paths, e.g.
#   google-pprof --text --show_bytes testdata/bin/leaky testdata/profiles/tc-run1.0002.heap 2>/dev/null | head -1
#   jeprof --text --show_bytes --base=testdata/profiles/je-accum.1.heap testdata/bin/leaky testdata/profiles/je-accum.2.heap
# The tool is google-pprof for tcmalloc/legacy-text files and jeprof for
# jemalloc files (plus both for the legacy-text variants); the binary is
# bin/leaky_cpp for *cpp* files, else bin/leaky.
#
# Output, one line per command, tab-separated:
#   tool  options  file  base  total
# where base is "-" without --base, and total is the first stdout line, or
# "(no output, exit N)" when the peer printed nothing.
set -euo pipefail

TD=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$TD/.."
T=testdata
out=$T/expected/peer-totals.txt
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

OPTS=("--text --show_bytes"
	"--text --show_bytes --inuse_objects"
	"--text --show_bytes --alloc_space"
	"--text --show_bytes --alloc_objects")

binary_for() { case $1 in *cpp*) echo $T/bin/leaky_cpp ;; *) echo $T/bin/leaky ;; esac; }

# peer TOOL OPTIONS FILE [BASE]
peer() {
	local tool=$1 opts=$2 file=$3 base=${4:-} bin line rc=0 args
	bin=$(binary_for "$file")
	# shellcheck disable=SC2206
	args=($opts)
	[ -n "$base" ] && args+=("--base=$base")
	"$tool" "${args[@]}" "$bin" "$file" 2>/dev/null </dev/null >"$tmp" || rc=$?
	line=$(head -1 "$tmp")
	[ -n "$line" ] || line="(no output, exit $rc)"
	printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$opts" "$file" "${base:--}" "$line"
}

tool_for() { case ${1##*/} in je-*) echo jeprof ;; *) echo google-pprof ;; esac; }

{
	echo "# peer totals, written by testdata/peer-totals.sh; see testdata/README.md"
	echo "# $(google-pprof --version 2>&1 | head -1); $(jeprof --version 2>&1 | head -1)"
	echo "# tool	options	file	base	total"

	# every real profile, every value type
	for f in "$T"/profiles/*.heap; do
		for o in "${OPTS[@]}"; do peer "$(tool_for "$f")" "$o" "$f"; done
	done
	# the gzip'ed copies (the perl peers cannot read gzip)
	for f in "$T"/profiles/*.gz; do peer "$(tool_for "$f")" "${OPTS[0]}" "$f"; done

	# same-run diffs: k minus k-1, and last minus first
	for series in tc-run1 tc-run2 tc-cpp je-unsampled-run1 je-unsampled-run2 je-accum \
		je-sampled je-sampled-accum je-cpp-accum; do
		case $series in
		tc-*) snap() { echo "$T/profiles/$series.$(printf %04d "$1").heap"; } ;;
		*) snap() { echo "$T/profiles/$series.$1.heap"; } ;;
		esac
		for pair in "2 1" "3 2" "4 3" "4 1"; do
			read -r cur base <<<"$pair"
			for o in "${OPTS[@]}"; do
				peer "$(tool_for "$series")" "$o" "$(snap "$cur")" "$(snap "$base")"
			done
		done
	done
	# cross-run diffs (different ASLR layouts): run2 snapshot 4 minus run1 snapshot 2
	for o in "${OPTS[@]}"; do
		peer google-pprof "$o" $T/profiles/tc-run2.0004.heap $T/profiles/tc-run1.0002.heap
		peer jeprof "$o" $T/profiles/je-unsampled-run2.4.heap $T/profiles/je-unsampled-run1.2.heap
	done

	# variants: legacy text is read by both perl peers
	for f in "$T"/variants/*.heap; do
		for tool in google-pprof jeprof; do
			for o in "${OPTS[@]}"; do peer "$tool" "$o" "$f"; done
		done
	done

	# bad inputs
	for f in "$T"/bad/*; do
		case ${f##*/} in je-*) tools="jeprof" ;; *) tools="google-pprof jeprof" ;; esac
		for tool in $tools; do peer "$tool" "${OPTS[0]}" "$f"; done
	done
} >"$out.new"
mv "$out.new" "$out"
echo "peer-totals: wrote $out ($(grep -vc '^#' "$out") lines)" >&2
