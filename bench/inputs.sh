#!/usr/bin/env bash
# Make the benchmark's real profiles of /usr/bin/python3.11 (bench/workload.py)
# in DIR, unless they are there already:
#
#   je-1.heap, je-2.heap   one jemalloc run (unsampled, lg_prof_sample:0),
#                          dumped after 6,300 and 21,000 paths: about 16k and
#                          39k stacks, 8 and 21 MB of text
#   je-big.heap(.gz)       the same run dumped after 96,000 paths: about 146k
#                          stacks, 80 MB
#   tc-1.heap, tc-2.heap   one tcmalloc run (HEAPPROFILE), dumped after 1,500
#                          and 2,500 paths: about 2.8k stacks each, which is
#                          all that gperftools' 1 MiB dump buffer holds of
#                          python's deep stacks (heapdiff warns so)
#
# PYTHONMALLOC=malloc sends every Python object through malloc in the
# jemalloc run (else pymalloc's arenas hide small objects); the tcmalloc run
# keeps pymalloc, as a service would.
#
# Usage: bench/inputs.sh DIR [--quick]   (--quick: a few hundred paths each)
set -euo pipefail
dir=${1:?usage: $0 DIR [--quick]}
quick=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3.11
lib=/usr/lib/x86_64-linux-gnu
mkdir -p "$dir"
if [ "$quick" = --quick ]; then je_counts=(50 100 300); tc_counts=(50 100)
else je_counts=(6300 21000 96000); tc_counts=(1500 2500); fi

if [ ! -f "$dir/je-big.heap.gz" ]; then
  tmp=$(mktemp -d "$dir/je.XXXXXX")
  env -i PATH=/usr/bin:/bin PYTHONMALLOC=malloc LD_PRELOAD=$lib/libjemalloc.so.2 \
    MALLOC_CONF="prof:true,lg_prof_sample:0,prof_prefix:$tmp/je" \
    "$python" "$here/workload.py" jemalloc "${je_counts[@]}"
  mv "$tmp"/je.*.0.m0.heap "$dir/je-1.heap"
  mv "$tmp"/je.*.1.m1.heap "$dir/je-2.heap"
  mv "$tmp"/je.*.2.m2.heap "$dir/je-big.heap"
  rmdir "$tmp"
  gzip -k -6 "$dir/je-big.heap"
fi
if [ ! -f "$dir/tc-2.heap" ]; then
  tmp=$(mktemp -d "$dir/tc.XXXXXX")
  never=1099511627776
  env -i PATH=/usr/bin:/bin LD_PRELOAD=$lib/libtcmalloc.so.4 HEAPPROFILE="$tmp/tc" \
    HEAP_PROFILE_ALLOCATION_INTERVAL=$never HEAP_PROFILE_INUSE_INTERVAL=$never \
    "$python" "$here/workload.py" tcmalloc "${tc_counts[@]}" 2>/dev/null
  mv "$tmp/tc.0001.heap" "$dir/tc-1.heap"
  mv "$tmp/tc.0002.heap" "$dir/tc-2.heap"
  rm -rf "$tmp"
fi
