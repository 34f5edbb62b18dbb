#!/usr/bin/env python3
"""Print deep_inline.s: hand-made DWARF 4 where deep_outer holds a chain of
1000 nested DW_TAG_inlined_subroutine entries, each covering the same
bytes, inl_1 outermost and inl_1000 innermost (the allocation's caller).
The symbolizer keeps at most 64 frames and must keep the innermost."""
DEPTH = 1000
out = []
w = out.append
w("""        .text
        .globl  _start, deep_outer
        .type   deep_outer, @function
deep_outer:
        nop
.Lin_lo:
        nop
        nop
.Lin_hi:
        ret
.Louter_end:
        .size   deep_outer, .-deep_outer
        .type   _start, @function
_start:
        call    deep_outer
        hlt
.Ltext_end:
        .size   _start, .-_start

        .section .debug_abbrev,"",@progbits
.Labbrev:
        .uleb128 1, 0x11, 1             # compile_unit, children
        .uleb128 0x03, 0x08             # name, string
        .uleb128 0x11, 0x01             # low_pc, addr
        .uleb128 0x12, 0x07             # high_pc, data8
        .uleb128 0, 0
        .uleb128 2, 0x2e, 0             # subprogram (abstract), no children
        .uleb128 0x03, 0x08             # name, string
        .uleb128 0x20, 0x0b             # inline, data1
        .uleb128 0, 0
        .uleb128 3, 0x2e, 1             # subprogram, children
        .uleb128 0x03, 0x08
        .uleb128 0x11, 0x01
        .uleb128 0x12, 0x07
        .uleb128 0, 0
        .uleb128 4, 0x1d, 1             # inlined_subroutine, children
        .uleb128 0x31, 0x13             # abstract_origin, ref4
        .uleb128 0x11, 0x01
        .uleb128 0x12, 0x07
        .uleb128 0x58, 0x0b             # call_file, data1
        .uleb128 0x59, 0x05             # call_line, data2
        .uleb128 0, 0
        .byte   0

        .section .debug_info,"",@progbits
.Lcu:
        .long   .Lcu_end - .Lcu_version
.Lcu_version:
        .short  4
        .long   .Labbrev
        .byte   8
        .uleb128 1
        .string "deep.c"
        .quad   deep_outer
        .quad   .Ltext_end - deep_outer
""")
for i in range(1, DEPTH + 1):
    w(f".Labs_{i}:\n        .uleb128 2\n        .string \"inl_{i}\"\n        .byte   1\n")
w("""        .uleb128 3
        .string "deep_outer"
        .quad   deep_outer
        .quad   .Louter_end - deep_outer
""")
for i in range(1, DEPTH + 1):
    w(f"        .uleb128 4\n        .long   .Labs_{i} - .Lcu\n        .quad   .Lin_lo\n"
      f"        .quad   .Lin_hi - .Lin_lo\n        .byte   1\n        .short  {i}\n")
w("        .byte   0\n" * (DEPTH + 1))   # ends the inlined chain and deep_outer
w("        .byte   0\n.Lcu_end:\n")          # ends the unit
print("".join(out), end="")
