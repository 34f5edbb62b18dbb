#!/usr/bin/env python3
"""Write a large synthetic heap profile for the speed benchmarks.

Usage: make_profile.py FORMAT STACKS OUT [--elf BIN] [--pool N] [--depth D]
                       [--seed S] [--shared F] [--fanin K]

FORMAT is "gperf" (the text tcmalloc's HEAPPROFILE writes) or "je"
(jemalloc 5's heap_v2, one thread line per stack).  STACKS distinct stacks
of DEPTH frames (default 24), drawn from a pool of N return addresses
(default 5000).  With --elf BIN the pool is drawn from BIN's executable
PT_LOAD segment and the profile maps BIN at its link address (a non-PIE
program) or at 0x555555554000 (a PIE one), so heapdiff symbolizes the
frames against BIN's real DWARF; without it the addresses fall in an
imaginary /srv/bench/server and libc.  Stack i is built from seed i, so
two profiles of different sizes share their first stacks; --seed S makes
stacks past the first F (fraction --shared, default 1.0) differ, as two
snapshots of one process do.

Frames: by default every frame is drawn at random from the pool, so the
call graph has about STACKS x DEPTH distinct edges (a worst case for the
graph, which real programs never reach); the innermost three frames spell
the stack number, so no two stacks are alike.  With --fanin K each address
has K callers of its own, drawn once from the pool, and a stack is a walk
from a random leaf towards the root choosing caller number d of each frame,
where d runs through the stack number's digits in base K (then 0): stacks
stay distinct, share their outer frames as real ones do, and the graph has
at most K x N edges.
"""
import argparse
import random
import struct


def exec_segment(path):
    """(vaddr, offset, size, is_pie) of the first executable PT_LOAD."""
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "64-bit LE ELF only"
    e_type, = struct.unpack_from("<H", data, 16)
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and p_flags & 1:
            return p_vaddr, p_offset, p_filesz, e_type == 3
    raise SystemExit("%s: no executable segment" % path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("format", choices=("gperf", "je"))
    ap.add_argument("stacks", type=int)
    ap.add_argument("out")
    ap.add_argument("--elf")
    ap.add_argument("--pool", type=int, default=5000)
    ap.add_argument("--depth", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shared", type=float, default=1.0)
    ap.add_argument("--fanin", type=int, default=0)
    a = ap.parse_args()

    pool_rng = random.Random(0)
    if a.elf:
        vaddr, offset, size, pie = exec_segment(a.elf)
        base = 0x555555554000 if pie else 0
        lo = base + vaddr
        pool = sorted({pool_rng.randrange(lo + 16, lo + size) for _ in range(a.pool)})
        maps = ["%x-%x r-xp %08x 00:00 1 %s" % (lo & ~0xfff, (lo + size + 0xfff) & ~0xfff,
                                               offset & ~0xfff, a.elf)]
    else:
        program = [pool_rng.randrange(0x555555555000, 0x555555754000)
                   for _ in range(a.pool * 4 // 5)]
        libc = [pool_rng.randrange(0x7ffff7c28000, 0x7ffff7dbd000)
                for _ in range(a.pool - len(program))]
        pool = program + libc
        maps = ["555555554000-555555555000 r--p 00000000 00:00 1 /srv/bench/server",
                "555555555000-555555754000 r-xp 00001000 00:00 1 /srv/bench/server",
                "7ffff7c28000-7ffff7dbd000 r-xp 00028000 00:00 2 "
                "/usr/lib/x86_64-linux-gnu/libc.so.6"]
    hexes = ["0x%x" % p for p in pool]
    npool = len(pool)
    shared = int(a.stacks * a.shared)
    callers = [pool_rng.sample(range(npool), a.fanin) for _ in range(npool)] if a.fanin else []

    out = []
    total = [0, 0]
    for i in range(a.stacks):
        rng = random.Random(i if i < shared else (i * 7919 + a.seed) << 20)
        if a.fanin:
            f = rng.randrange(npool)
            frames = [hexes[f]]
            digits = i
            for _ in range(a.depth - 1):
                f = callers[f][digits % a.fanin]
                digits //= a.fanin
                frames.append(hexes[f])
        else:
            # the innermost three frames spell i in base npool: no two alike
            frames = [hexes[i % npool], hexes[(i // npool) % npool],
                      hexes[(i // npool // npool) % npool]]
            frames += [hexes[rng.randrange(npool)] for _ in range(a.depth - 3)]
        count = rng.randrange(1, 50)
        size = count * rng.choice((16, 32, 48, 64, 4096))
        total[0] += count
        total[1] += size
        stack = " ".join(frames)
        if a.format == "gperf":
            out.append("%d: %d [%d: %d] @ %s\n" % (count, size, count, size, stack))
        else:
            out.append("@ %s\n  t*: %d: %d [0: 0]\n  t0: %d: %d [0: 0]\n"
                       % (stack, count, size, count, size))
    with open(a.out, "w") as f:
        if a.format == "gperf":
            f.write("heap profile: %d: %d [%d: %d] @ heapprofile\n"
                    % (total[0], total[1], total[0], total[1]))
        else:
            f.write("heap_v2/1\n  t*: %d: %d [0: 0]\n  t0: %d: %d [0: 0]\n"
                    % (total[0], total[1], total[0], total[1]))
        f.writelines(out)
        f.write("\nMAPPED_LIBRARIES:\n")
        f.write("\n".join(maps) + "\n")


if __name__ == "__main__":
    main()
