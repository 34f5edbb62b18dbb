# Hand-made DWARF 4 whose references loop, to prove the symbolizer stops.
#   cycle_self:  a DW_TAG_subprogram whose DW_AT_abstract_origin is itself.
#   cycle_outer: named, with an inlined call whose origin C has
#                DW_AT_specification -> D, and D has DW_AT_abstract_origin -> C.
# Neither C nor D has a name, so the inlined frame's name is unknown.
        .text
        .globl  _start, cycle_self, cycle_outer
        .type   cycle_self, @function
cycle_self:
        nop
        nop
        nop
        ret
        .size   cycle_self, .-cycle_self
        .type   cycle_outer, @function
cycle_outer:
        nop
.Linl_lo:
        nop
        nop
.Linl_hi:
        ret
.Louter_end:
        .size   cycle_outer, .-cycle_outer
        .type   _start, @function
_start:
        call    cycle_self
        call    cycle_outer
        hlt
.Ltext_end:
        .size   _start, .-_start

        .section .debug_abbrev,"",@progbits
.Labbrev:
        .uleb128 1, 0x11, 1             # compile_unit, children
        .uleb128 0x03, 0x08             # name, string
        .uleb128 0x1b, 0x08             # comp_dir, string
        .uleb128 0x11, 0x01             # low_pc, addr
        .uleb128 0x12, 0x07             # high_pc, data8
        .uleb128 0, 0
        .uleb128 2, 0x2e, 0             # subprogram, no children
        .uleb128 0x11, 0x01
        .uleb128 0x12, 0x07
        .uleb128 0x31, 0x13             # abstract_origin, ref4
        .uleb128 0, 0
        .uleb128 3, 0x2e, 1             # subprogram, children
        .uleb128 0x03, 0x08
        .uleb128 0x11, 0x01
        .uleb128 0x12, 0x07
        .uleb128 0, 0
        .uleb128 4, 0x1d, 0             # inlined_subroutine
        .uleb128 0x31, 0x13
        .uleb128 0x11, 0x01
        .uleb128 0x12, 0x07
        .uleb128 0x58, 0x0b             # call_file, data1
        .uleb128 0x59, 0x0b             # call_line, data1
        .uleb128 0, 0
        .uleb128 5, 0x2e, 0             # subprogram
        .uleb128 0x47, 0x13             # specification, ref4
        .uleb128 0, 0
        .uleb128 6, 0x2e, 0             # subprogram
        .uleb128 0x31, 0x13             # abstract_origin, ref4
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
        .string "cycle.c"
        .string "/src"
        .quad   cycle_self
        .quad   .Ltext_end - cycle_self
.Ldie_a:
        .uleb128 2
        .quad   cycle_self
        .quad   4
        .long   .Ldie_a - .Lcu
        .uleb128 3
        .string "cycle_outer"
        .quad   cycle_outer
        .quad   .Louter_end - cycle_outer
        .uleb128 4
        .long   .Ldie_c - .Lcu
        .quad   .Linl_lo
        .quad   .Linl_hi - .Linl_lo
        .byte   1
        .byte   7
        .byte   0
.Ldie_c:
        .uleb128 5
        .long   .Ldie_d - .Lcu
.Ldie_d:
        .uleb128 6
        .long   .Ldie_c - .Lcu
        .byte   0
.Lcu_end:
