"""A python3.11 workload whose live heap has many distinct call stacks.

Run under a heap profiler (tcmalloc's HEAPPROFILE or jemalloc's prof:true);
it dumps a profile through the profiler's own entry point (found with
ctypes in the running process) after each count of PATHS given:

    python3.11 workload.py tcmalloc|jemalloc PATHS...

Python 3.11 runs Python-to-Python calls without C recursion, so a call
stack in C grows only where Python calls back through C.  Each "path" is
a random chain of such crossings (a constructor, map(), sorted(key=),
functools.reduce, re.sub with a function, json's object_hook, min(key=),
filter()), 3 to 9 deep, ending in an allocation that is kept (a list,
dict, str, bytes, bytearray, set, tuple or float list), so every path
tends to leave its own stack in the profile.  The random seed is fixed:
the same counts give the same profiles."""
import ctypes
import functools
import json
import random
import re
import sys

rng = random.Random(12345)
keep = []


def leaf(kind, n):
    if kind == 0:
        return [n] * (n % 50 + 1)
    if kind == 1:
        return {i: i for i in range(n % 30 + 1)}
    if kind == 2:
        return "x" * (n % 200 + 1) + str(n)
    if kind == 3:
        return bytes(n % 500 + 1)
    if kind == 4:
        return bytearray(n % 700 + 1)
    if kind == 5:
        return set(range(n % 20 + 1))
    if kind == 6:
        return tuple(range(n % 25 + 1))
    return [float(i) for i in range(n % 10 + 1)]


class Step:
    def __init__(self, path, n):
        self.value = walk(path, n)


def through(way, path, n):
    """Call walk(path, n) through C, the way WAY."""
    f = lambda _=None, *rest: walk(path, n)
    if way == 0:
        return Step(path, n).value
    if way == 1:
        return list(map(f, (0,)))[0]
    if way == 2:
        out = []
        sorted((0,), key=lambda _: out.append(walk(path, n)) or 0)
        return out[0]
    if way == 3:
        return functools.reduce(lambda a, b: walk(path, n), (0, 1))
    if way == 4:
        out = []
        re.sub("a", lambda m: out.append(walk(path, n)) or "", "a")
        return out[0]
    if way == 5:
        out = []
        json.loads("{}", object_hook=lambda d: out.append(walk(path, n)) or d)
        return out[0]
    if way == 6:
        out = []
        min((0,), key=lambda _: out.append(walk(path, n)) or 0)
        return out[0]
    out = []
    list(filter(lambda _: out.append(walk(path, n)) or True, (0,)))
    return out[0]


def walk(path, n):
    if not path:
        return leaf(n % 8, n)
    return through(path[0], path[1:], n)


def dumper(profiler):
    me = ctypes.CDLL(None)
    if profiler == "tcmalloc":
        dump = me.HeapProfilerDump
        dump.argtypes = [ctypes.c_char_p]
        return lambda: dump(b"workload")
    mallctl = me.mallctl
    mallctl.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p,
                        ctypes.c_void_p, ctypes.c_size_t]
    return lambda: mallctl(b"prof.dump", None, None, None, 0)


def main():
    dump = dumper(sys.argv[1])
    done = 0
    for target in map(int, sys.argv[2:]):
        while done < target:
            depth = rng.randint(3, 9)
            path = tuple(rng.randrange(8) for _ in range(depth))
            keep.append(walk(path, rng.randrange(1 << 20)))
            done += 1
        dump()


main()
# No profile at exit: only the dumps asked for.
if sys.argv[1] == "tcmalloc":
    ctypes.CDLL(None).HeapProfilerStop()
