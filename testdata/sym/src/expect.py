#!/usr/bin/env python3
"""Print the expected symbolization of every call site in a fixture.

Usage: expect.py BINARY > BINARY.expected

For each call instruction in the fixture's own functions (the ones written
in src/), the return address R is what a heap profile records.  heapdiff
looks up R - 1, so this asks llvm-symbolizer (the oracle) about R - 1 and
prints, as heapdiff's test reads it:

    @ <file offset of R, hex>
    <function>\t<file>\t<line>      one line per frame, outermost first

Function names are llvm-symbolizer's demangled names with parameters
(heapdiff's full_names mode).  Columns and discriminators are dropped.
"""
import json
import re
import subprocess
import sys

OURS = re.compile(r'^(leaf_alloc|small_objects|header_objects|library_objects|'
                  r'main|lib_alloc|lib_outer|take_int\(\)|'
                  r'\(anonymous namespace\)::make_widgets.*|app::.*)$')


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True,
                          text=True).stdout


def load_segments(binary):
    segs = []
    for line in run('readelf', '-lW', binary).splitlines():
        f = line.split()
        if f and f[0] == 'LOAD':
            segs.append((int(f[1], 16), int(f[2], 16), int(f[4], 16)))
    return segs


def file_offset(segs, vaddr):
    for off, va, filesz in segs:
        if va <= vaddr < va + filesz:
            return vaddr - va + off
    raise SystemExit(f'no segment holds {vaddr:#x}')


def functions(binary):
    for line in run('nm', '-C', '-S', '--defined-only', binary).splitlines():
        m = re.match(r'^([0-9a-f]+) ([0-9a-f]+) [tTW] (.*)$', line)
        if m and OURS.match(m.group(3)):
            yield int(m.group(1), 16), int(m.group(2), 16)


def return_addresses(binary, start, size):
    out = run('objdump', '-d', '--start-address=%#x' % start,
              '--stop-address=%#x' % (start + size), binary)
    insns = []  # [address, length, mnemonic]
    for line in out.splitlines():
        m = re.match(r'^\s+([0-9a-f]+):\t((?:[0-9a-f]{2} )+) *(?:\t(\S+))?',
                     line)
        if not m:
            continue
        addr, nbytes = int(m.group(1), 16), len(m.group(2).split())
        if m.group(3) is None and insns:
            insns[-1][1] += nbytes  # continuation of a long instruction
        else:
            insns.append([addr, nbytes, m.group(3) or ''])
    return [a + n for a, n, mn in insns if mn.startswith('call')]


def main():
    binary = sys.argv[1]
    segs = load_segments(binary)
    rets = sorted({r for s, n in functions(binary)
                   for r in return_addresses(binary, s, n)})
    if not rets:
        raise SystemExit(f'{binary}: no call sites found')
    out = run('llvm-symbolizer', '--output-style=JSON', '--inlining',
              '--demangle', '--obj=' + binary, *['%#x' % (r - 1) for r in rets])
    print(f'# {binary}: llvm-symbolizer 14 on (return address - 1)')
    for r, entry in zip(rets, json.loads(out)):
        print('@ %#x' % file_offset(segs, r))
        for frame in reversed(entry['Symbol']):
            # llvm's demangler writes GCC clones as "f(int) (.constprop.0)",
            # libiberty's as "f(int) [clone .constprop.0]": same name.
            name = re.sub(r' \((\.[a-z_]+\.[0-9]+)\)$', r' [clone \1]',
                          frame['FunctionName'])
            print('%s\t%s\t%d' % (name, frame['FileName'], frame['Line']))


main()
