#!/usr/bin/env bash
# Large profiles: where parsing, aligning and aggregating dominate.  Makes
# two gperftools profiles of STACKS distinct 24-deep stacks each (half of
# them shared, as two snapshots of one process), drawn from 4000 return
# addresses in a program and 1000 in libc (a big service's call sites),
# written the way tcmalloc writes them, and times
#
#   heapdiff --no-symbols P               text report of one profile
#   heapdiff --no-symbols --base B P      the diff
#   heapdiff --no-symbols --traces --base B P
#   pprof-go -text -symbolize=none [-base B] P   (Go pprof, the fast peer)
#
# Usage: bench/bench_large.sh HEAPDIFF [RUNS] [STACKS] [HEAPDIFF_BEFORE]
#   RUNS    repetitions per command (default 3); best and median wall seconds
#   STACKS  distinct stacks per profile (default 200000)
#   HEAPDIFF_BEFORE  another heapdiff build, timed row by row beside it
# google-pprof and jeprof are left out: at this size they take minutes.
set -euo pipefail
heapdiff=$(realpath "${1:?usage: $0 HEAPDIFF [RUNS] [STACKS] [HEAPDIFF_BEFORE]}")
RUNS=${2:-3}
stacks=${3:-200000}
BEFORE=${4:+$(realpath "$4")}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
work=$WORK
. "$(dirname "$0")/timing.sh"

# make_profile FILE SEED: STACKS stacks; stack i uses seed SEED for the
# second half, so two profiles share their first half.
make_profile() {
  python3 - "$1" "$2" "$stacks" <<'PY'
import random, sys
path, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pool = random.Random(0)
program = [pool.randrange(0x555555555000, 0x555555754000) for _ in range(4000)]
libc = [pool.randrange(0x7ffff7c28000, 0x7ffff7dbd000) for _ in range(1000)]
lines = []
total = 0
for i in range(n):
    rng = random.Random(i if i < n // 2 else i * 7919 + seed)
    frames = [rng.choice(libc) if d % 6 == 5 else rng.choice(program) for d in range(24)]
    count = rng.randrange(1, 50)
    size = count * rng.choice((16, 32, 48, 64, 4096))
    total += size
    lines.append("%d: %d [%d: %d] @ %s" % (count, size, count, size,
                                            " ".join("0x%x" % f for f in frames)))
with open(path, "w") as f:
    f.write("heap profile: 0: %d [0: %d] @ heapprofile\n" % (total, total))
    f.write("\n".join(lines))
    f.write("\n\nMAPPED_LIBRARIES:\n")
    f.write("555555554000-555555555000 r--p 00000000 00:00 1 /srv/bench/server\n")
    f.write("555555555000-555555754000 r-xp 00001000 00:00 1 /srv/bench/server\n")
    f.write("7ffff7c28000-7ffff7dbd000 r-xp 00028000 00:00 2 /usr/lib/x86_64-linux-gnu/libc.so.6\n")
PY
}
make_profile "$work/base.heap" 1
make_profile "$work/cur.heap" 2

build_go_pprof


echo "profiles: $stacks stacks each, $(du -h "$work/cur.heap" | cut -f1)"
echo
echo "| command | best (s) | median (s) |"
echo "|---|---|---|"
time_it "heapdiff, one profile" "$heapdiff" --no-symbols "$work/cur.heap"
time_before "heapdiff, one profile (before)" "$BEFORE" --no-symbols "$work/cur.heap"
[ -n "$go" ] && time_it "pprof-go, one profile" "$go" -text -symbolize=none "$work/cur.heap"
time_it "heapdiff --base" "$heapdiff" --no-symbols --base "$work/base.heap" "$work/cur.heap"
time_before "heapdiff --base (before)" "$BEFORE" --no-symbols --base "$work/base.heap" "$work/cur.heap"
[ -n "$go" ] && time_it "pprof-go -base" "$go" -text -symbolize=none -base "$work/base.heap" "$work/cur.heap"
time_it "heapdiff --traces --base" "$heapdiff" --no-symbols --traces --base "$work/base.heap" "$work/cur.heap"
time_before "heapdiff --traces --base (before)" "$BEFORE" --no-symbols --traces --base "$work/base.heap" "$work/cur.heap"
