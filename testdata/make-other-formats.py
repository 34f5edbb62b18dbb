#!/usr/bin/env python3
"""make-other-formats.py - files that are not heap profiles, for the tests of
what heapdiff says when one is given in a profile's place (README, "Bad
input"; parser/sniff.c).  Each is the start of what the real tool writes,
made byte for byte here so that it does not depend on perf, valgrind, Go or
a core dump being at hand; testdata/README.md says what real file each was
checked against.  Writes bad/other-*; run by regenerate.sh from testdata/."""
import gzip
import struct


def write(name, data):
    with open("bad/" + name, "wb") as f:
        f.write(data)


# An ELF core file: the 64-byte ELF64 header of `./crash` (abort()) dumped by
# Linux, e_type ET_CORE (4), and its first program header (PT_NOTE).
elf_header = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) + struct.pack(
    "<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, 1, 0, 0, 0)
note_header = struct.pack("<IIQQQQQQ", 4, 0, 120, 0, 0, 2024, 0, 1)
write("other-core", elf_header + note_header)

# perf.data: the 104-byte header of `perf record` (tools/perf/util/header.h,
# struct perf_file_header): magic, header size, attr size, the attrs, data
# and event-types sections, and the feature bitmap.
perf = b"PERFILE2" + struct.pack("<QQQQQQQQ", 104, 136, 168, 136, 304, 4096, 0, 0)
perf += bytes(104 - len(perf))
write("other-perf.data", perf)


# valgrind --tool=massif: the start of massif.out.PID (ms_print reads it).
write("other-massif.out", b"""desc: (none)
cmd: ./tiny
time_unit: i
#-----------
snapshot=0
#-----------
time=0
mem_heap_B=0
mem_heap_extra_B=0
mem_stacks_B=0
heap_tree=empty
""")

# valgrind --xml=yes: the start of memcheck's XML output.
write("other-memcheck.xml", b"""<?xml version="1.0"?>

<valgrindoutput>

<protocolversion>4</protocolversion>
<protocoltool>memcheck</protocoltool>

<preamble>
  <line>Memcheck, a memory error detector</line>
</preamble>

<pid>4242</pid>
<ppid>4241</ppid>
<tool>memcheck</tool>
""")

# gperftools' CPU profile (CPUPROFILE; docs/cpuprofile-fileformat.html):
# the header words 0, 3, 0, period 10000 us, 0; one sample of count 1 at
# one address; the trailer 0, 1, 0; then the maps text.
words = [0, 3, 0, 10000, 0, 1, 1, 0x401123, 0, 1, 0]
write("other-cpu.prof", struct.pack("<%dQ" % len(words), *words) +
      b"00400000-00402000 r-xp 00000000 00:00 1 /srv/app\n")
