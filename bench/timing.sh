# Shared by the bench_*.sh scripts (sourced, not run).  They set RUNS,
# WORK (a scratch folder) and BEFORE (another heapdiff build, or "").

# build_go_pprof: Go pprof built offline from Debian's
# golang-github-google-pprof-dev into $WORK; sets go to its path, or ""
# when Go or the source is missing.
build_go_pprof() {
  go=""
  if command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/google/pprof ]; then
    mkdir -p "$WORK/go" && cp -r /usr/share/gocode/src "$WORK/go/"
    (cd "$WORK/go/src/github.com/google/pprof" &&
     GO111MODULE=off GOPATH="$WORK/go" GOCACHE="$WORK/gocache" go build -o "$WORK/pprof-go" . ) &&
      go=$WORK/pprof-go
  fi
  return 0
}

# time_it LABEL COMMAND...: a table row with the best and median of RUNS
# wall-clock runs of COMMAND (its output and status are ignored).
time_it() {
  local label=$1; shift
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '
    { t[NR] = $1 } END { printf "| %-44s | %7.2f | %7.2f |\n", label, t[1], t[int((NR + 1) / 2)] }'
}

# time_before LABEL COMMAND...: time_it, when a BEFORE build was given.
time_before() { if [ -n "$BEFORE" ]; then time_it "$@"; fi; }
