#!/usr/bin/env bash
# First contact: install what is missing, build heapdiff in build/, and
# show the growth between two bundled snapshots of testdata's leaky
# program, taken in two different runs under tcmalloc.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
meson compile -C build >/dev/null
echo "\$ build/cmd/heapdiff --base testdata/profiles/tc-run1.0001.heap testdata/bin/leaky testdata/profiles/tc-run2.0003.heap"
build/cmd/heapdiff --base testdata/profiles/tc-run1.0001.heap \
  testdata/bin/leaky testdata/profiles/tc-run2.0003.heap
