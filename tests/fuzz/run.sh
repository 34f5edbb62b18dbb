#!/usr/bin/env bash
# One fuzz target as a CI test (tests/fuzz/meson.build), printing TAP:
#   run.sh EXE TARGET FUZZDIR TESTDATA BUILDDIR SECONDS
# 1. every input in FUZZDIR/regressions/TARGET/ (crashers found before,
#    and fixed) must run clean;
# 2. SECONDS of fuzzing from the seeds (seed.sh) into a scratch corpus,
#    in fork mode so that fuzzing goes on after a crash, must find nothing
#    but the open bugs FUZZDIR/open.txt lists: each crasher is run again
#    and its report matched against the target's signatures there.
#    Crashers are kept in BUILDDIR/artifacts/TARGET/.
set -uo pipefail
exe=$1 target=$2 fuzzdir=$3 testdata=$4 build=$5 seconds=$6

echo "TAP version 13"
echo "1..2"
# allocator_may_return_null: libdwarf sizes some callocs from the file and
# checks for NULL, which glibc returns for an absurd size; ASan would
# otherwise report it as a crash (RESULTS.md, finding 7).
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=1:abort_on_error=0:allocator_may_return_null=1
# graphviz's and fontconfig's own leaks (the pipeline target draws graphs)
export LSAN_OPTIONS=suppressions=$fuzzdir/../lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

regressions=()
if [ -d "$fuzzdir/regressions/$target" ]; then
  mapfile -t regressions < <(find "$fuzzdir/regressions/$target" -type f ! -name '.*' | sort)
fi
if [ ${#regressions[@]} -eq 0 ]; then
  echo "ok 1 - $target: no regression inputs yet"
elif "$exe" -rss_limit_mb=2048 -timeout=30 "${regressions[@]}" >"$build/$target-regressions.log" 2>&1; then
  echo "ok 1 - $target: ${#regressions[@]} regression inputs run clean"
else
  echo "not ok 1 - $target: a regression input fails"
  sed 's/^/# /' "$build/$target-regressions.log" | tail -n 60
fi

bash "$fuzzdir/seed.sh" "$testdata" "$build" "$target"
corpus=$build/ci-corpus/$target
artifacts=$build/artifacts/$target
rm -rf "$corpus" "$artifacts"
mkdir -p "$corpus" "$artifacts"
dict=()
[ -f "$fuzzdir/$target.dict" ] && dict=(-dict="$fuzzdir/$target.dict")
log=$build/$target-fuzz.log
"$exe" "${dict[@]}" -fork=1 -ignore_crashes=1 -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$corpus" "$build/seeds/$target" \
  >"$log" 2>&1
status=$?
stats=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -n 1 | sed -E 's/^#([0-9]+): (cov: [0-9]+ ft: [0-9]+).*/\1 runs, \2/')

# The open bugs' signatures for this target: "TARGET SIGNATURE # note",
# SIGNATURE being strings joined by '+', all of which the report holds.
signatures=()
while read -r t rest; do
  [ "$t" = "$target" ] && signatures+=("${rest%% #*}")
done < <(grep -v '^#' "$fuzzdir/open.txt" | grep .)
known=0 unknown=()
for crasher in "$artifacts"/*; do
  [ -e "$crasher" ] || continue
  # the slow unwinder: libdwarf has no frame pointers, and a leak's
  # signature needs the frames above it
  report=$(ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0 \
           "$exe" -timeout=10 -rss_limit_mb=2048 "$crasher" 2>&1)
  matched=0
  for signature in "${signatures[@]}"; do
    # every '+'-separated part must be in the report
    local_match=1
    IFS=+ read -ra parts <<<"$signature"
    for part in "${parts[@]}"; do
      grep -qF -- "$part" <<<"$report" || local_match=0
    done
    [ $local_match = 1 ] && matched=1
  done
  if [ $matched = 1 ]; then
    known=$((known + 1))
  else
    unknown+=("$crasher")
    printf '%s\n' "$report" >"$crasher.report"
  fi
done
# Fork mode's exit status is that of its last job: it says something only
# when no crasher was saved.
if [ $status -ne 0 ] && [ $known -eq 0 ] && [ ${#unknown[@]} -eq 0 ]; then
  echo "not ok 2 - $target: libFuzzer exited with status $status"
  sed 's/^/# /' "$log" | tail -n 40
elif [ ${#unknown[@]} -gt 0 ]; then
  echo "not ok 2 - $target: ${seconds}s of fuzzing found ${#unknown[@]} new crashers in $artifacts"
  for crasher in "${unknown[@]}"; do
    echo "# $crasher:"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|    #[0-9] )|runtime error' "$crasher.report" \
      | head -n 12 | sed 's/^/#   /'
  done
else
  note=""
  [ $known -gt 0 ] && note=" (and $known crashers of open bugs, tests/fuzz/open.txt)"
  echo "ok 2 - $target: ${seconds}s of fuzzing, $stats$note"
fi
