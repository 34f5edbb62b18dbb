#!/usr/bin/env bash
# Regenerate the symbolizer fixtures in testdata/sym/ from src/.
#
# The binaries are committed; tests read them and never run this script.
# Needs gcc, g++, clang, clang++, lld, binutils (objcopy, strip, objdump,
# readelf), dwz, llvm-symbolizer (llvm 14) and python3.
#
# Every <name> fixture gets <name>.expected: for each call instruction in the
# fixture's own functions, the file offset of its return address and the
# frames llvm-symbolizer reports for (return address - 1), outermost first.
# Variants that only differ in where the debug info lives (stripped + build-id
# or debuglink, compressed, dwz) share the .expected of the binary they were
# made from: their code bytes and load segments are identical.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
src=$here/src
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Paths in the DWARF read /src/..., whatever the checkout's location.
map="-fdebug-prefix-map=$src=/src -fdebug-prefix-map=$tmp=/tmp"
common="-g -fno-omit-frame-pointer -fno-optimize-sibling-calls -Wl,--build-id=sha1 $map"

rm -rf bin debug && mkdir -p bin/.debug debug

# The shared library (gcc -O2, DWARF 5).
gcc $common -O2 -gdwarf-5 -fPIC -shared -o bin/libsymlib.so "$src/symlib.c"

c_variant() { # name compiler opt dwarf pie|nopie
    local name=$1 cc=$2 opt=$3 dw=$4 pie=$5 pflags
    if [ "$pie" = pie ]; then pflags="-fPIE -pie"; else pflags="-fno-PIE -no-pie"; fi
    $cc $common $opt -gdwarf-$dw $pflags -I"$src" -o "bin/$name" "$src/demo.c" \
        -Lbin -lsymlib -Wl,-rpath,'$ORIGIN'
}
c_variant c-gcc-O0-dw4-pie     gcc   -O0 4 pie
c_variant c-gcc-O2-dw5-pie     gcc   -O2 5 pie
c_variant c-gcc-O2-dw4-nopie   gcc   -O2 4 nopie
c_variant c-clang-O0-dw5-nopie clang -O0 5 nopie
c_variant c-clang-O2-dw5-pie   clang -O2 5 pie
c_variant c-clang-O2-dw4-nopie clang -O2 4 nopie

cxx_variant() { # name compiler opt dwarf
    local name=$1 cxx=$2 opt=$3 dw=$4
    $cxx $common $opt -gdwarf-$dw -fPIE -pie -o "bin/$name" "$src/tmpl.cc"
}
cxx_variant cxx-gcc-O2-dw5   g++     -O2 5
cxx_variant cxx-gcc-O1-dw4   g++     -O1 4
cxx_variant cxx-clang-O2-dw4 clang++ -O2 4
cxx_variant cxx-clang-O0-dw5 clang++ -O0 5

# Separate debug info found by build-id, under a --debug-dir.
cp bin/c-gcc-O2-dw5-pie bin/c-buildid
id=$(readelf -n bin/c-buildid | awk '/Build ID/ {print $3}')
mkdir -p "debug/.build-id/${id:0:2}"
objcopy --only-keep-debug --compress-debug-sections=zlib bin/c-buildid \
    "debug/.build-id/${id:0:2}/${id:2}.debug"
strip --strip-all bin/c-buildid

# Separate debug info found by .gnu_debuglink (with its CRC) in .debug/.
cp bin/c-clang-O2-dw5-pie bin/c-debuglink
objcopy --only-keep-debug bin/c-debuglink bin/.debug/c-debuglink.dbg
strip --strip-all --remove-section=.note.gnu.build-id bin/c-debuglink
objcopy --add-gnu-debuglink=bin/.debug/c-debuglink.dbg bin/c-debuglink
# A debuglink whose CRC does not match: the file must be rejected.
cp bin/c-gcc-O0-dw4-pie bin/c-badcrc
objcopy --only-keep-debug bin/c-badcrc bin/.debug/c-badcrc.dbg
strip --strip-all --remove-section=.note.gnu.build-id bin/c-badcrc
objcopy --add-gnu-debuglink=bin/.debug/c-badcrc.dbg bin/c-badcrc
printf 'X' | dd of=bin/.debug/c-badcrc.dbg bs=1 seek=100 conv=notrunc status=none

# Compressed debug sections: SHF_COMPRESSED zlib and zstd, and .zdebug_*.
objcopy --compress-debug-sections=zlib-gabi bin/c-gcc-O2-dw4-nopie bin/c-zlib
objcopy --compress-debug-sections=zstd bin/cxx-gcc-O2-dw5 bin/cxx-zstd
objcopy --compress-debug-sections=zlib-gnu bin/c-clang-O2-dw4-nopie bin/c-zdebug

# dwz: two C++ programs share a supplementary file (GNU forms,
# .gnu_debugaltlink), and two with DWARF 5 forms (.debug_sup).
cp bin/cxx-gcc-O2-dw5 bin/cxx-dwz-a
cp bin/cxx-gcc-O1-dw4 bin/cxx-dwz-b
(cd bin && dwz -m ../debug/dwz-common.debug -M ../debug/dwz-common.debug cxx-dwz-a cxx-dwz-b)
cp bin/cxx-gcc-O2-dw5 bin/cxx-dwz5-a
cp bin/cxx-gcc-O1-dw4 bin/cxx-dwz5-b
(cd bin && dwz -5 -m ../debug/dwz5-common.debug -M ../debug/dwz5-common.debug cxx-dwz5-a cxx-dwz5-b)

# Symbol tables only: .symtab without DWARF, and .dynsym alone.
strip --strip-debug -o bin/c-symtab-only bin/c-gcc-O2-dw5-pie
strip --strip-all -o bin/libsymlib-stripped.so bin/libsymlib.so

# Unnamed code: a static function in a library stripped to .dynsym, so only
# its .eh_frame FDE says where it is.  Linked by lld, whose layout makes file
# offsets differ from addresses; the -symtab copy keeps .symtab for the
# expected start.  No DWARF (-g0): the FDE is all there is.
gcc -g0 -O2 -fPIC -shared -fno-omit-frame-pointer -fno-optimize-sibling-calls \
    -fuse-ld=lld -Wl,--build-id=sha1 -o bin/libunnamed-symtab.so "$src/unnamed.c"
strip --strip-all -o bin/libunnamed.so bin/libunnamed-symtab.so

# Wrappers named as the default list names them (g_malloc out of line,
# PyObject_Malloc inlined), with DWARF for the inlined one.
gcc $common -O2 -gdwarf-5 -fPIC -shared -o bin/libwrappers.so "$src/wrappers.c"

# Corrupt DWARF: 0xff bytes over the middle of .debug_info and .debug_line.
cp bin/c-gcc-O0-dw4-pie bin/c-baddwarf
python3 - bin/c-baddwarf <<'PY'
import subprocess, sys
path = sys.argv[1]
out = subprocess.run(['readelf', '-SW', path], capture_output=True, text=True).stdout
with open(path, 'r+b') as f:
    for line in out.splitlines():
        fields = line.replace('[ ', '[').split()
        if len(fields) > 5 and fields[1] in ('.debug_info', '.debug_line'):
            off, size = int(fields[4], 16), int(fields[5], 16)
            f.seek(off + size // 3)
            f.write(b'\xff' * min(64, size // 3))
PY

# Hand-made DWARF with cycles in DW_AT_abstract_origin/DW_AT_specification.
gcc -g0 -nostdlib -static -Wl,--build-id=sha1 -o bin/cycle "$src/cycle.s"
# Hand-made DWARF whose DW_AT_sibling attributes point at their own DIE.
gcc -g0 -nostdlib -static -Wl,--build-id=sha1 -o bin/sibling "$src/sibling.s"
# Hand-made DWARF with a chain of 1000 nested inlined calls.
python3 "$src/deep_inline.py" > "$tmp/deep_inline.s"
gcc -g0 -nostdlib -static -Wl,--build-id=sha1 -o bin/deep-inline "$tmp/deep_inline.s"

# Expectations from llvm-symbolizer.
for f in libsymlib.so c-gcc-O0-dw4-pie c-gcc-O2-dw5-pie c-gcc-O2-dw4-nopie \
         c-clang-O0-dw5-nopie c-clang-O2-dw5-pie c-clang-O2-dw4-nopie \
         cxx-gcc-O2-dw5 cxx-gcc-O1-dw4 cxx-clang-O2-dw4 cxx-clang-O0-dw5; do
    python3 "$src/expect.py" "bin/$f" > "bin/$f.expected"
done
ls -la bin bin/.debug debug
