#!/usr/bin/env python3
"""Write two damaged copies of testdata/sym/bin/c-gcc-O2-dw5-pie into
testdata/bad/ (regenerate.sh runs it after it makes bad/):

bad-rnglists.elf: the first .debug_rnglists unit length is 0xff, longer
  than the section.  Reading it, libdwarf 20210528 frees memory twice
  (dwarf_get_aranges -> _dwarf_load_debug_info -> dwarf_load_rnglists) and
  the process aborts; heapdiff must check the section first.
bad-line-dirs.elf: byte 65 of .debug_line (in the line table header's
  file entries) is 0x7f, so a file names include directory 127 of the
  few there are.  dwarf_srcfiles fails on it (DW_DLE_INCL_DIR_NUM_BAD)
  and leaks the names it built, 68 bytes per unit."""
import os
import struct

os.chdir(os.path.dirname(os.path.abspath(__file__)))

SRC = "sym/bin/c-gcc-O2-dw5-pie"


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


def damage(dst, name, at, value):
    data = bytearray(open(SRC, "rb").read())
    off, _ = section(data, name)
    data[off + at] = value
    open(dst, "wb").write(data)


damage("bad/bad-rnglists.elf", ".debug_rnglists", 0, 0xFF)
damage("bad/bad-line-dirs.elf", ".debug_line", 65, 0x7F)
