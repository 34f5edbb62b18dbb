#!/usr/bin/env python3
"""Write testdata/bad/bad-rnglists.elf: a copy of
testdata/sym/bin/c-gcc-O2-dw5-pie whose first .debug_rnglists unit length
is 0xff (longer than the section).  Reading it, libdwarf 20210528 frees
memory twice (dwarf_get_aranges -> _dwarf_load_debug_info ->
dwarf_load_rnglists) and the process aborts; heapdiff must check the
section first.  Run from the repository root."""
import struct

SRC = "testdata/sym/bin/c-gcc-O2-dw5-pie"
DST = "testdata/bad/bad-rnglists.elf"


def section(data, wanted):
    """(offset, size) of section WANTED in the ELF64 little-endian DATA."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        return name, off, size
    _, strtab, _ = header(shstrndx)
    for i in range(shnum):
        name, off, size = header(i)
        end = data.index(b"\0", strtab + name)
        if data[strtab + name:end].decode() == wanted:
            return off, size
    raise SystemExit(f"{SRC}: no {wanted}")


data = bytearray(open(SRC, "rb").read())
off, size = section(data, ".debug_rnglists")
data[off] = 0xFF
open(DST, "wb").write(data)
