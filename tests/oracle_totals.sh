#!/usr/bin/env bash
# Oracle test: heapdiff's totals against the peers' on every fixture
# profile.  jemalloc files go to jeprof, gperftools files to google-pprof
# (perl pprof), both as "--text --show_bytes [--VALUE] [--base=B] BIN F".
# Each pair of Total lines must be equal; where heapdiff deliberately
# differs (README.md, "Choices where the peers disagree"), the case checks
# the difference it names instead: that the peer really does what the
# reason says, and that heapdiff does the documented alternative.
# Output is TAP.  usage: oracle_totals.sh HEAPDIFF TESTDATA_DIR
set -uo pipefail
heapdiff=$1
cd "$2" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v jeprof >/dev/null || ! command -v google-pprof >/dev/null; then
  echo "1..0 # SKIP jeprof or google-pprof is not installed"
  exit 0
fi

is_jemalloc() { head -1 "$1" | grep -q '^heap_v2/' || grep -q libjemalloc "$1"; }
binary_for() { case $1 in *cpp*) echo bin/leaky_cpp ;; *) echo bin/leaky ;; esac; }

# Cases, one per line: "FILE|BASE|VALUE-OPTION" (BASE and option may be "").
cases=()
for f in profiles/*.heap variants/*.heap; do
  cases+=("$f||" "$f||--inuse_objects")
  if "$heapdiff" --alloc_space "$f" >/dev/null 2>&1; then
    cases+=("$f||--alloc_space" "$f||--alloc_objects")
  fi
done
# Diffs: consecutive snapshots of one run, and across two runs (ASLR).
for fam in tc-run1.000 tc-run2.000 tc-cpp.000 je-accum. je-sampled. je-unsampled-run1.; do
  cases+=("profiles/${fam}3.heap|profiles/${fam}1.heap|" \
          "profiles/${fam}4.heap|profiles/${fam}2.heap|--inuse_objects")
done
cases+=("profiles/tc-run2.0003.heap|profiles/tc-run1.0001.heap|" \
        "profiles/je-unsampled-run2.4.heap|profiles/je-unsampled-run1.1.heap|" \
        "profiles/je-accum.4.heap|profiles/je-accum.1.heap|--alloc_space")

# Where heapdiff differs from perl by design (README.md, "Choices").
declare -A differs=(
  ["profiles/tc-run1.0003-gzipped.heap"]="perl pprof cannot read gzip data and reports 0; heapdiff detects gzip by content (README: input)"
  ["variants/tc-header-only.heap"]="a header promising 2094 objects and no stack lines or maps is a truncated file: perl reports 0, heapdiff exits 2 (README: bad input)"
  ["variants/hdr-heapprofile-trailing-space.heap"]="perl reads 'heapprofile ' (trailing space) as a sampled v1 type; heapdiff, like Go pprof, ignores the space (README: header types)"
)

total_of() { grep -m1 '^Total:' | sed 's/  (.*//'; }

# Check the reason differs[FILE] gives, for the current peer and args.
# Sets "verified" to what was seen, or "broken" to why the reason fails.
check_difference() {
  local file=$1 zero peer_total want="" got status
  zero="Total: 0 $(case $opt in *objects) echo objects ;; *) echo B ;; esac)"
  peer_total=$("$peer" "${args[@]}" "$bin" "$file" 2>/dev/null | total_of)
  "$heapdiff" "${args[@]}" "$bin" "$file" >"$tmp/out" 2>"$tmp/err"
  status=$?
  got=$(total_of <"$tmp/out")
  verified="" broken=""
  # Whether the peer reports 0 (perl omits the Total line then).
  peer_reports_zero() { [ -z "$peer_total" ] || [ "$peer_total" = "$zero" ]; }
  # Whether heapdiff's total is the peer's on the rewritten copy COPY.
  matches_peer_on() {
    want=$("$peer" "${args[@]}" "$bin" "$1" 2>/dev/null | total_of)
    [ -n "$want" ] && [ "$got" = "$want" ]
  }
  case $file in
    *-gzipped.heap)
      # The peer reports 0; heapdiff reports what the peer reports for the
      # same data decompressed.
      gzip -dc "$file" >"$tmp/copy.heap"
      if ! peer_reports_zero; then
        broken="$peer reads the gzip file now: '$peer_total'"
      elif ! matches_peer_on "$tmp/copy.heap"; then
        broken="heapdiff '$got', $peer on the decompressed file '$want'"
      else
        verified="$peer 0, heapdiff $got as $peer on the decompressed file"
      fi ;;
    *header-only.heap)
      # The peer reports 0; heapdiff refuses the file as truncated.
      if ! peer_reports_zero; then
        broken="$peer reports '$peer_total', not 0"
      elif [ "$status" != 2 ] || ! grep -q 'truncated' "$tmp/err"; then
        broken="heapdiff exit $status, stderr '$(head -c 300 "$tmp/err")', want exit 2 'truncated'"
      else
        verified="$peer 0, heapdiff exit 2: $(head -c 120 "$tmp/err")"
      fi ;;
    *trailing-space.heap)
      # heapdiff reads the file as if the space were not there: its total
      # is the peer's on a copy without the space, and the peer's own on
      # the file (scaled as sampled) is another.
      sed '1s/ *$//' "$file" >"$tmp/copy.heap"
      if [ "$peer_total" = "$got" ]; then
        broken="$peer and heapdiff agree ('$got'): nothing differs"
      elif ! matches_peer_on "$tmp/copy.heap"; then
        broken="heapdiff '$got', $peer without the space '$want'"
      else
        verified="$peer '$peer_total', heapdiff $got as $peer without the space"
      fi ;;
    *)
      broken="no check for this reason" ;;
  esac
}

echo "TAP version 13"
echo "1..${#cases[@]}"
n=0
for c in "${cases[@]}"; do
  IFS='|' read -r file base opt <<<"$c"
  n=$((n + 1))
  bin=$(binary_for "$file")
  if is_jemalloc "$file"; then peer=jeprof; else peer=google-pprof; fi
  args=(--text --show_bytes ${opt:+$opt} ${base:+--base=$base})
  what="$peer ${args[*]} $file"
  if [ -n "${differs[$file]:-}" ]; then
    check_difference "$file"
    if [ -z "$broken" ]; then
      echo "ok $n - $what differs as README says: $verified"
    else
      echo "not ok $n - $what: ${differs[$file]}"
      echo "#   $broken"
    fi
    continue
  fi
  # perl omits the Total line when the total is 0.
  want=$("$peer" "${args[@]}" "$bin" "$file" 2>/dev/null | grep -m1 '^Total:')
  [ -n "$want" ] || want="Total: 0 $(case $opt in *objects) echo objects ;; *) echo B ;; esac)"
  got=$("$heapdiff" "${args[@]}" "$bin" "$file" 2>"$tmp/err" | grep -m1 '^Total:' | sed 's/  (.*//')
  if [ "$want" = "$got" ]; then
    echo "ok $n - $what: $got"
  else
    echo "not ok $n - $what"
    echo "#   $peer:   '$want'"
    echo "#   heapdiff: '$got' $(head -c 300 "$tmp/err")"
  fi
done
