#!/usr/bin/env bash
# Symbolize the unique addresses of a real heap profile of /usr/bin/python3.11
# with heapdiff's symbolizer, llvm-symbolizer, GNU addr2line and eu-addr2line,
# side by side, each one process over the whole address set (so each pays
# for loading and decompressing python3.11-dbg's debug file).
#
# Usage: bench/bench_symbolize.sh BUILD_DIR [RUNS]
#   BUILD_DIR  a meson build dir of heapdiff; symbolize/symbolize_driver is
#              built in it
#   RUNS       repetitions per tool (default 5); the best and median are shown
# Needs: python3.11, python3.11-dbg, libtcmalloc.so.4 (libgoogle-perftools4),
#        llvm-symbolizer (llvm), addr2line (binutils), eu-addr2line (elfutils).
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [RUNS]}
runs=${2:-5}
python=/usr/bin/python3.11
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && trap - EXIT && echo "work dir: $work" >&2

ninja -C "$build" symbolize/symbolize_driver >/dev/null
driver=$build/symbolize/symbolize_driver

# 1. A real profile: a workload that keeps a varied heap alive at exit.
LD_PRELOAD=$tcmalloc HEAPPROFILE=$work/py "$python" - <<'PY' >/dev/null 2>&1
import json, re, collections, decimal, fractions, datetime, email.parser, xml.dom.minidom
import sqlite3, csv, io, itertools, functools, textwrap, difflib, ast, pickle
keep = []
d = {str(i): [i, float(i), (i, str(i)), {i: i}] for i in range(100000)}
keep.append(d)
keep.append(json.loads(json.dumps({k: v[:3] for k, v in list(d.items())[:20000]})))
keep.append([re.compile(r"(%d|b)*c+d?" % i) for i in range(300)])
keep.append(collections.Counter(" ".join(d)))
keep.append([decimal.Decimal(i) / 7 for i in range(5000)])
keep.append([fractions.Fraction(i, 7) for i in range(5000)])
keep.append(ast.parse(open(json.__file__).read()))
keep.append(pickle.loads(pickle.dumps(keep[1])))
keep.append(xml.dom.minidom.parseString("<a>" + "<b x='1'>t</b>" * 2000 + "</a>"))
db = sqlite3.connect(":memory:"); db.execute("create table t(a,b)")
db.executemany("insert into t values(?,?)", ((i, str(i)) for i in range(20000)))
keep.append(db.execute("select * from t").fetchall())
keep.append(list(difflib.unified_diff(textwrap.wrap(" ".join(d)[:20000]), textwrap.wrap(" ".join(d)[100:20100]))))
keep.append(collections.deque(itertools.islice(itertools.count(), 100000)))
PY
profile=$(ls "$work"/py*.heap | head -1)

# 2. Its unique return addresses inside python3.11, as file offsets, and as
#    ELF virtual addresses minus 1 for the peers (which take addresses).
python3 - "$profile" "$python" "$work" <<'PY'
import re, subprocess, sys
profile, binary, work = sys.argv[1:]
addrs, maps, in_maps = set(), [], False
for line in open(profile):
    if line.startswith('MAPPED_LIBRARIES'):
        in_maps = True
    elif in_maps:
        m = re.match(r'([0-9a-f]+)-([0-9a-f]+) \S+ ([0-9a-f]+) \S+ \S+\s*(.*)$', line)
        if m:
            maps.append((int(m[1], 16), int(m[2], 16), int(m[3], 16), m[4].strip()))
    elif re.match(r'\s*\d+:\s*\d+ \[', line) and '@' in line:
        addrs.update(int(a, 16) for a in line.split('@', 1)[1].split())
segs = []
for l in subprocess.run(['readelf', '-lW', binary], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if f and f[0] == 'LOAD':
        segs.append((int(f[1], 16), int(f[2], 16), int(f[4], 16)))
offsets = set()
for a in addrs:
    for start, end, off, path in maps:
        if start <= a < end and path == binary:
            offsets.add(a - start + off)
with open(f'{work}/offsets', 'w') as o, open(f'{work}/vaddrs', 'w') as v:
    for off in sorted(offsets):
        for so, va, fs in segs:
            if so <= off - 1 < so + fs:
                o.write(f'{binary} {off:x}\n')
                v.write(f'{off - 1 - so + va:#x}\n')
print(f'profile: {len(addrs)} unique addresses, {len(offsets)} in {binary}', file=sys.stderr)
PY

n=$(wc -l < "$work/offsets")
run() { # name, command...
    local name=$1; shift
    local times=()
    for _ in $(seq "$runs"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" > "$work/out.$name" 2>/dev/null
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" -v n="$n" '
        { t[NR] = $1 }
        END { printf "| %-22s | %6d | %8.3f | %8.3f |\n", name, n, t[1], t[int((NR + 1) / 2)] }'
}

echo "| tool                   | addrs  | best (s) | median (s) |"
echo "|------------------------|--------|----------|------------|"
run heapdiff sh -c "$driver --quiet < $work/offsets"
run heapdiff-print sh -c "$driver < $work/offsets"
run llvm-symbolizer sh -c "llvm-symbolizer --inlining --obj=$python < $work/vaddrs"
run eu-addr2line sh -c "eu-addr2line -f -i -e $python < $work/vaddrs"
run addr2line sh -c "addr2line -f -i -e $python < $work/vaddrs"

# 3. Agreement with llvm-symbolizer on the innermost frame's function and
#    line, and on the number of frames.
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
def blocks_llvm(path):
    out, cur = [], []
    for line in open(path):
        line = line.rstrip('\n')
        if not line:
            out.append(cur); cur = []
        else:
            cur.append(line)
    return [[(b[i], b[i + 1]) for i in range(0, len(b), 2)] for b in out]
llvm = blocks_llvm(f'{work}/out.llvm-symbolizer')
ours, cur_key = [], None
for line in open(f'{work}/out.heapdiff-print'):
    key, rest = line.rstrip('\n').split('\t', 1)
    if key != cur_key:
        ours.append([]); cur_key = key
    f = rest.split('\t')
    ours[-1].append((f[0], f[1]))
same_fn = same_line = same_depth = 0
for a, b in zip(ours, llvm):
    inner_ours, inner_llvm = a[-1], b[0]          # llvm: innermost first
    same_fn += inner_ours[0] == inner_llvm[0]
    lo = inner_ours[1].rsplit(':', 1)[1]
    ll = inner_llvm[1].split(':')[1] if ':' in inner_llvm[1] else '0'
    same_line += lo == ll
    same_depth += len(a) == len(b)
n = min(len(ours), len(llvm))
print(f'\nagreement with llvm-symbolizer over {n} addresses: innermost function '
      f'{same_fn}/{n}, innermost line {same_line}/{n}, inline depth {same_depth}/{n}')
PY
