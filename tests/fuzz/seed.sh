#!/usr/bin/env bash
# Build the fuzz targets' seed corpora from testdata/, so that git holds no
# copies:  seed.sh TESTDATA OUT [TARGET...]  makes OUT/seeds/TARGET/ for
# each TARGET (default: all), emptied first.  Each seed is shaped for its
# target: the parse targets force their header prefix, so it is stripped;
# maps gets the maps sections; pipeline gets an options byte (0x00) first.
set -euo pipefail
testdata=$1
out=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_gperftools parse_jemalloc3 parse_threaded maps
                                     gzip elf dwarf options pipeline memory parse_massif parse_memcheck parse_lsan
                                     parse_proto sym_cache)

# Plain-text profiles of every kind (not the gzip'ed ones).
text_profiles() {
  find "$testdata/profiles" "$testdata/variants" "$testdata/bad" -type f ! -name '*.gz' | sort
}

# Each FILE whose first line starts with PREFIX, without PREFIX, into DIR.
strip_prefix() {
  local prefix=$1 dir=$2 f
  shift 2
  for f in "$@"; do
    if head -c ${#prefix} "$f" | cmp -s - <(printf '%s' "$prefix"); then
      tail -c +$((${#prefix} + 1)) "$f" >"$dir/$(basename "$f")"
    fi
  done
}

objects() {
  find "$testdata/sym/bin" "$testdata/sym/debug" "$testdata/bin" -type f ! -name '*.expected' | sort
}

seed() {
  local target=$1 dir=$out/seeds/$1 f
  rm -rf "$dir"
  mkdir -p "$dir"
  case $target in
    parse_gperftools)
      # every legacy file: the jemalloc 3 ones too, and tc-warn's "%warn"
      # lines are lost with the prefix but its body stays
      mapfile -t files < <(text_profiles)
      strip_prefix 'heap profile: ' "$dir" "${files[@]}" ;;
    parse_jemalloc3)
      mapfile -t files < <(find "$testdata/variants" -name 'je3-*' | sort)
      strip_prefix 'heap profile: ' "$dir" "${files[@]}" ;;
    parse_threaded)
      mapfile -t files < <(text_profiles)
      strip_prefix 'heap_v2/' "$dir" "${files[@]}" ;;
    parse_massif)
      # the real massif files and the bad ones derived from them
      mapfile -t files < <(text_profiles)
      strip_prefix 'desc: ' "$dir" "${files[@]}" ;;
    maps)
      for f in $(text_profiles); do
        awk 'found { print } /MAPPED_LIBRARIES:|--- Memory map: ---/ { found = 1 }' "$f" \
          >"$dir/$(basename "$f")"
        [ -s "$dir/$(basename "$f")" ] || rm "$dir/$(basename "$f")"
      done ;;
    gzip)
      find "$testdata" -name '*.gz' -exec cp {} "$dir/" \;
      cp "$testdata/variants/tc-header-only.heap" "$dir/" ;;
    sym_cache)
      # the body after the header and key (fuzz_sym_cache.c): no address;
      # and one address (vaddr 0x11cf) with one frame "main", line 7
      printf '\0%.0s' {1..16} >"$dir/empty"
      printf '\x01\0\0\0\x01\0\0\0\x01\0\0\0\x05\0\0\0%b%b%b%b%b' \
        '\xcf\x11\0\0\0\0\0\0' '\0\0\0\0\x01\0\0\0' \
        '\x01\0\0\0\0\0\0\0\x07\0\0\0\0\0\0\0' '\0\0\0\0' 'main\0' >"$dir/one" ;;
    elf | dwarf)
      for f in $(objects); do cp "$f" "$dir/$(basename "$f")"; done ;;
    options)
      local i=0 line
      while IFS= read -r line; do
        # words separated by NUL bytes, as the target splits them
        printf '%s' "$line" | tr ' ' '\0' >"$dir/cmdline-$i"
        i=$((i + 1))
      done <<'LINES'
--svg --base a.heap b.heap
--inuse_space --nodecount=80 --nodefraction 0.005 prof.heap
-o out.svg --lib-prefix /opt --lib-prefix=/usr/lib -L /x bin prof
--help
-h
--text -- --not-an-option
--nodecount 4K --nodefraction=1
--nodecount=18446744073709551615 --nodefraction=1e-300
-inuse-space --output=x -bfile
LINES
      ;;
    pipeline)
      # two options bytes (fuzz_pipeline.c): the report kind cycles over
      # the six; the maps' paths to testdata/bin are made this checkout's,
      # and the system libraries' are made missing
      local i=0
      for f in $(text_profiles) $(find "$testdata/profiles" -name '*.gz' | sort); do
        local name=$dir/$(basename "$f")
        if [[ $f == *.gz ]]; then
          cp "$f" "$name.tmp"
        else
          sed -e "s| /[^ ]*/testdata/bin/| $testdata/bin/|" \
              -e 's| /usr/lib/x86_64-linux-gnu/| /nonexistent/|; s| /lib/x86_64-linux-gnu/| /nonexistent/|' \
              "$f" >"$name.tmp"
        fi
        { printf "\\$(printf '%03o' $((i % 6)))\\0"; cat "$name.tmp"; } >"$name"
        rm "$name.tmp"
        i=$((i + 1))
      done ;;
    memory)
      # every capture file behind its reader's byte (fuzz_memory.c), and
      # behind 9 (recognition by content)
      local f byte
      for f in $(find "$testdata/memory" -type f \( -path '*/snap.*' -o -path '*/formats/*' \) | sort); do
        case $(basename "$f") in
          smaps | maps) byte=0 ;; smaps_rollup) byte=1 ;; pmap-*) byte=2 ;; status) byte=3 ;;
          malloc-info.xml) byte=4 ;; malloc-stats.txt) byte=5 ;;
          jemalloc-stats.txt) byte=6 ;; jemalloc-stats.json) byte=7 ;;
          tcmalloc-stats.txt) byte=8 ;; *) byte=9 ;;
        esac
        local base=${f#"$testdata/memory/"}
        base=${base//\//-}
        { printf "\\$(printf '%03o' $byte)"; cat "$f"; } >"$dir/$base"
        { printf '\011'; cat "$f"; } >"$dir/any-$base"
      done ;;
    parse_memcheck)
      mapfile -t files < <(find "$testdata/profiles" "$testdata/bad" -name '*.xml' | sort)
      strip_prefix $'<?xml version="1.0"?>\n\n<valgrindoutput>' "$dir" "${files[@]}" ;;
    parse_lsan)
      # each log after its first report's first line (the target forces it)
      for f in $(find "$testdata/profiles" -name 'lsan-*.log' | sort); do
        sed '0,/ERROR: LeakSanitizer: detected memory leaks/d' "$f" >"$dir/$(basename "$f")"
      done ;;
    parse_proto)
      # profile.proto, inflated: proto/bad/'s, and proto/'s (jemalloc_pprof-
      # shaped ones, heapdiff --proto's and Go pprof -proto's, with lines)
      for f in "$testdata"/proto/bad/*.pb "$testdata"/proto/*.pb*; do
        case $f in *gzip-bomb*) continue ;; esac
        if [[ $f == *.gz ]]; then gzip -dc "$f" >"$dir/$(basename "$f" .gz)"; else cp "$f" "$dir/"; fi
      done ;;
    *)
      echo "seed.sh: unknown target $target" >&2
      exit 2 ;;
  esac
}

for t in "${targets[@]}"; do
  seed "$t"
done
