#!/bin/bash
# The persistent symbol cache's effect (README, "Symbol cache"): wall and
# CPU (user + system) seconds, each the median of RUNS, of one heapdiff
# command four ways: --no-symbols (the parse-only floor), --no-cache, cold
# (the cache emptied before each run) and warm; and the cache's size on
# disk after the warm runs.  CPU time is the steadier of the two on a
# machine that others share.
#   bench/bench_cache.sh HEAPDIFF RUNS ARGS...
set -euo pipefail
heapdiff=$1 runs=$2
shift 2
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export HEAPDIFF_CACHE_DIR=$cache/c

# The medians of the two columns "wall cpu" of its input.
median() {
    local lines
    lines=$(cat)
    printf '%s wall  %s cpu' \
        "$(cut -d' ' -f1 <<<"$lines" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')" \
        "$(cut -d' ' -f2 <<<"$lines" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')"
}
# "wall cpu" seconds of one run of heapdiff with "$@" (output discarded).
one() {
    local t
    t=$(mktemp)
    /usr/bin/time -o "$t" -f '%e %U %S' "$heapdiff" "$@" >/dev/null 2>&1
    awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$t"
    rm -f "$t"
}
time_of() { # KIND: the median over RUNS
    local kind=$1 i
    shift
    for ((i = 0; i < runs; i++)); do
        case $kind in
        cold) rm -rf "$HEAPDIFF_CACHE_DIR"; one "$@" ;;
        *) one "$@" ;;
        esac
    done | median
}
"$heapdiff" "$@" >/dev/null 2>&1 # page cache warm for every kind
printf 'no-symbols %s\n' "$(time_of parse --no-symbols "$@")"
printf 'no-cache   %s\n' "$(time_of off --no-cache "$@")"
printf 'cold       %s\n' "$(time_of cold "$@")"
"$heapdiff" "$@" >/dev/null 2>&1
printf 'warm       %s\n' "$(time_of warm "$@")"
printf 'cache      %s bytes in %s files\n' "$(du -sb "$HEAPDIFF_CACHE_DIR" | cut -f1)" \
    "$(find "$HEAPDIFF_CACHE_DIR" -name 'sym-*' | wc -l)"
