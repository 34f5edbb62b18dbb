#!/usr/bin/env bash
# Install every Debian 12 package heapdiff needs to build, test and compare
# itself with its peers.  Does nothing when all of them are present.
# Runs apt-get as root, or through sudo when not root.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc g++
  libelf-dev libdwarf-dev libgraphviz-dev zlib1g-dev libiberty-dev libdeflate-dev
  libpcre2-dev libjansson-dev
  # a font for the text in PNG and PDF graphs
  fonts-dejavu-core
  # tests (libxml2 parses the SVG back), and --memory (memory/ reads
  # glibc malloc_info XML with libxml2)
  libcriterion-dev libxml2-dev
  # profilers that make the live test's profiles
  libgoogle-perftools4 libjemalloc2
  # peers used as oracles: google-pprof, jeprof, and Go pprof (built
  # offline from Debian's source package by tests/oracle_rows.py); the perl
  # ones run file, nm, objdump and addr2line without depending on them
  google-perftools libjemalloc-dev golang-go golang-github-google-pprof-dev
  file binutils
  # symbolizer: zstd-compressed debug sections; test material (debug
  # files of python3.11 and libc, compilers and tools for the fixtures)
  libzstd-dev python3.11-dbg libc6-dbg
  clang llvm dwz elfutils
  # the test that heapdiff starts no process
  strace
  # tests/json_schema.py validates --json against docs/json-schema.json
  python3-jsonschema
  # the unit tests under memcheck (meson test --setup valgrind)
  valgrind
  # fuzzing (tests/fuzz): clang's libFuzzer and sanitizer runtimes
  libclang-rt-14-dev
  # --flame: the README's picture and looking at flame graphs (rsvg-convert
  # draws the SVG to PNG; test-only, heapdiff does not use it)
  librsvg2-bin
  # --proto: protoc-c compiles pprof's profile.proto at build time, and
  # libprotobuf-c encodes it (tests decode it with it too)
  libprotobuf-c-dev protobuf-c-compiler
  # --html: tests/browser.py loads the report in headless Chromium
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
