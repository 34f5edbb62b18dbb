# Hand-made DWARF 4 whose DW_AT_sibling attributes point back at their own
# DIE, to prove that the symbolizer's DIE walks stop (issue 10).
#   sib_space: a DW_TAG_namespace holding sib_inner; its sibling is itself,
#              so walking the unit's top-level DIEs would never end.
#   sib_outer: a function whose first child, a lexical block that does not
#              cover sib_outer+1, has itself as sibling: looking up an
#              address in sib_outer walks those children.
        .text
        .globl  _start, sib_inner, sib_outer
        .type   sib_inner, @function
sib_inner:
        nop
        nop
        ret
        .size   sib_inner, .-sib_inner
        .type   sib_outer, @function
sib_outer:
        nop
        nop
.Lblk_lo:
        nop
        nop
.Lblk_hi:
        ret
.Louter_end:
        .size   sib_outer, .-sib_outer
        .type   _start, @function
_start:
        call    sib_inner
        call    sib_outer
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
        .uleb128 2, 0x39, 1             # namespace, children
        .uleb128 0x01, 0x13             # sibling, ref4
        .uleb128 0x03, 0x08
        .uleb128 0, 0
        .uleb128 3, 0x2e, 0             # subprogram, no children
        .uleb128 0x03, 0x08
        .uleb128 0x11, 0x01
        .uleb128 0x12, 0x07
        .uleb128 0, 0
        .uleb128 4, 0x2e, 1             # subprogram, children
        .uleb128 0x03, 0x08
        .uleb128 0x11, 0x01
        .uleb128 0x12, 0x07
        .uleb128 0, 0
        .uleb128 5, 0x0b, 1             # lexical_block, children
        .uleb128 0x01, 0x13             # sibling, ref4
        .uleb128 0x11, 0x01
        .uleb128 0x12, 0x07
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
        .string "sibling.c"
        .quad   sib_inner
        .quad   .Ltext_end - sib_inner
.Ldie_space:
        .uleb128 2
        .long   .Ldie_space - .Lcu
        .string "sib_space"
        .uleb128 3
        .string "sib_inner"
        .quad   sib_inner
        .quad   3
        .byte   0
        .uleb128 4
        .string "sib_outer"
        .quad   sib_outer
        .quad   .Louter_end - sib_outer
.Ldie_block:
        .uleb128 5
        .long   .Ldie_block - .Lcu
        .quad   .Lblk_lo
        .quad   .Lblk_hi - .Lblk_lo
        .byte   0
        .byte   0
        .byte   0
.Lcu_end:
