#!/usr/bin/env python3
"""Oracle test: every row of heapdiff's text report against the peers',
and the nodes and edges of its --dot graph against Go pprof's -dot.

jemalloc profiles go to jeprof (`--text --show_bytes`), gperftools
profiles to Go pprof (`-text -unit=B -nodefraction=0`), at --functions
and --lines, with and without --base, on the bundled fixtures and on
profiles made fresh by running testdata's leaky program.  A row present
in both with the same name must have the same flat and cum.  Every other
difference must be one that DESIGN.md's decisions table explains; each
TAP line names the decisions it relied on.  Output is TAP.

usage: oracle_rows.py HEAPDIFF TESTDATA_DIR
"""
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile

from go_pprof import build_go_pprof, report_rows

HEAPDIFF, TESTDATA = sys.argv[1], os.path.realpath(sys.argv[2])
TCMALLOC = "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"

# DESIGN.md's decisions, as the TAP lines cite them.
NEAREST = "nearest-symbol lookup (FUNC symbols with sizes, DWARF first)"
ALLOCATOR = "allocator frames"
BINARY = "binary on the command line (and libraries found next to it)"


def run(args, env=None):
    """Standard output of ARGS; standard error is dropped."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          env=full_env, cwd=TESTDATA, check=False, text=True).stdout


def normalize(name):
    """A row name in one spelling for all three tools: '(inline)',
    '(partial-inline)' and '(discriminator N)' taken out and the inline
    mark kept apart, file paths cleaned as Go's filepath.Clean does, '??:?'
    as '??:0'."""
    inline = " (inline)" in name or " (partial-inline)" in name
    name = name.replace(" (inline)", "").replace(" (partial-inline)", "")
    name = re.sub(r" \(discriminator \d+\)", "", name)
    name = re.sub(r" \((new|gone)\)$", "", name)
    name = name.replace("??:?", "??:0")
    match = re.match(r"^(.*) (\S+):(\d+)$", name)
    if match:
        path = posixpath.normpath(match.group(2))
        name = "%s %s:%s" % (match.group(1), path, match.group(3))
    return name + (" [inline]" if inline else "")


def rows(text, header):
    """{name: (flat, cum)} of a report's rows: the lines after the first
    line matching HEADER."""
    return report_rows(text, header, normalize)


def heapdiff_rows(args):
    """Every row: --nodecount=0 is the untrimmed table the peers print."""
    return rows(run([HEAPDIFF, "--show_bytes", "--nodecount=0"] + args), r"^Total:")


# Allocator rows a peer keeps and heapdiff drops: the exports of Debian's
# stripped libjemalloc that jeprof names internal frames after, GCC 12's
# std::__new_allocator::allocate (the peers list its old name,
# __gnu_cxx::new_allocator::allocate), and the wrappers of heapdiff's
# default list (symbolize/allocator.c) that libstdc++'s vector inlines.
ALLOCATOR_NAME = re.compile(
    r"^(malloc_usable_size|malloc|calloc|realloc|je_\w+|std::__new_allocator::allocate"
    r"|std::_Vector_base::_M_allocate|std::allocator_traits::allocate)( |$)")
UNNAMED = re.compile(r"^(0x[0-9a-f]+|[0-9a-f]{16}|\[[^]]+\])( |$)")


def explain(peer, mine):
    """The decisions that explain how the rows differ, "" when they do
    not, or a reason for failure (starting with 'unexplained')."""
    reasons = set()
    only_peer = {n: v for n, v in peer.items() if n not in mine}
    only_mine = {n: v for n, v in mine.items() if n not in peer}
    # jeprof charges C++ new to the exports of Debian's stripped
    # libjemalloc; heapdiff charges the callers, with the same cum.
    allocator = {n: v for n, v in only_peer.items() if ALLOCATOR_NAME.match(n)}
    moved_flat = 0
    for name in sorted(set(peer) & set(mine)):
        if peer[name] == mine[name]:
            continue
        if allocator and peer[name][1] == mine[name][1]:
            moved_flat += mine[name][0] - peer[name][0]
            continue
        return "unexplained: %s is %s in the peer, %s in heapdiff" % (
            name, peer[name], mine[name])
    # Inline frames from DWARF that the peer does not show (perl gets no
    # inline frames for stripped system libraries, FORMATS.md §4.1).
    for name, (flat, _) in sorted(only_mine.items()):
        if name.endswith("[inline]") and flat == 0:
            del only_mine[name]
            reasons.add(NEAREST)
    # Same values under another name: the symbol chosen differs.
    for name, values in sorted(only_mine.items()):
        twin = next((n for n, v in sorted(only_peer.items()) if v == values), None)
        if twin is None or twin in allocator:
            continue
        del only_peer[twin]
        del only_mine[name]
        reasons.add(BINARY if UNNAMED.match(twin) else NEAREST)
    if allocator:
        moved_flat += sum(v[0] for v in only_mine.values())
        if sum(v[0] for v in allocator.values()) != moved_flat:
            return "unexplained: the peer's allocator rows %s hold %d B, heapdiff moved %d B" % (
                sorted(allocator), sum(v[0] for v in allocator.values()), moved_flat)
        for name in allocator:
            del only_peer[name]
        only_mine = {}
        reasons.add(ALLOCATOR)
    # Frames the peer could not name ([lib.so], 0x...) with no flat.
    for name in list(only_peer):
        if UNNAMED.match(name) and only_peer[name][0] == 0:
            del only_peer[name]
            reasons.add(BINARY)
    if only_peer or only_mine:
        return "unexplained: only in the peer %s; only in heapdiff %s" % (
            sorted(only_peer.items())[:4], sorted(only_mine.items())[:4])
    return ", ".join(sorted(reasons))


DOT_NODE = re.compile(r'^"?N(\d+)"? \[label="([^"]*)".*?tooltip="([^"]*)"')
DOT_EDGE = re.compile(r'^"?N(\d+)"? -> "?N(\d+)"? \[label=" ?([-+]?\d+)B?[^"]*"')


def dot_graph(text):
    """({name: (flat, cum)}, {(caller, callee): weight}) of a dot graph;
    Go pprof's size nodelets (NN..) are not nodes of the call graph."""
    names, nodes, edges = {}, {}, {}
    for line in text.splitlines():
        match = DOT_NODE.match(line)
        if match:
            # The tooltip's first line is the full name; Go appends " (cum)".
            name = re.sub(r" \([^()]*\)$", "", match.group(3).split("\\n")[0])
            name = name.replace(" (inline)", "")
            numbers = re.sub(r"\([^)]*\)", "", match.group(2).split("\\n", 1)[1])
            values = [int(v) for v in re.findall(r"[-+]?\d+", numbers)]
            names[match.group(1)] = name
            nodes[name] = (values[0], values[1] if len(values) > 1 else values[0])
            continue
        match = DOT_EDGE.match(line)
        if match:
            edges[(match.group(1), match.group(2))] = int(match.group(3))
    return nodes, {(names[a], names[b]): w for (a, b), w in edges.items()}


def explain_dot(peer, mine):
    """As explain(), for (nodes, edges) of two call graphs."""
    (peer_nodes, peer_edges), (my_nodes, my_edges) = peer, mine
    reasons = {"heapdiff draws no object-size nodelets"}
    rename = {}
    for name, values in sorted(my_nodes.items()):
        if name in peer_nodes:
            if peer_nodes[name] != values:
                return "unexplained: node %s is %s in Go pprof, %s in heapdiff" % (
                    name, peer_nodes[name], values)
            continue
        twin = next((n for n, v in sorted(peer_nodes.items())
                     if v == values and n not in my_nodes and n not in rename.values()), None)
        if twin is None:
            return "unexplained: node %s %s only in heapdiff" % (name, values)
        rename[name] = twin
        reasons.add(NEAREST)
    if len(my_nodes) != len(peer_nodes):
        return "unexplained: %d nodes in Go pprof, %d in heapdiff" % (
            len(peer_nodes), len(my_nodes))
    renamed = {(rename.get(a, a), rename.get(b, b)): w for (a, b), w in my_edges.items()}
    if renamed != peer_edges:
        return "unexplained: edges differ: only in Go pprof %s; only in heapdiff %s" % (
            sorted(set(peer_edges.items()) - set(renamed.items()))[:3],
            sorted(set(renamed.items()) - set(peer_edges.items()))[:3])
    return ", ".join(sorted(reasons))


def localize(profile, work):
    """A copy of fixture PROFILE whose maps name testdata's files where
    this checkout has them.  perl matches the main binary by its absolute
    path (FORMATS.md §3.3), so in any other checkout than the one that
    made the fixtures jeprof would name nothing; both tools read the copy."""
    if os.path.isabs(profile):
        return profile
    with open(os.path.join(TESTDATA, profile), encoding="latin-1") as f:
        text = f.read()
    text = re.sub(r"\S*/testdata/bin/", TESTDATA + "/bin/", text)
    copy = os.path.join(work, "local-" + os.path.basename(profile))
    with open(copy, "w", encoding="latin-1") as f:
        f.write(text)
    return copy


def make_fresh(work):
    """Fresh profiles of leaky under both allocators, in WORK/fresh."""
    fresh = os.path.join(work, "fresh")
    os.makedirs(os.path.join(fresh, "je"))
    src = os.path.join(TESTDATA, "src")
    subprocess.run(["cc", "-O2", "-g", "-fPIC", "-shared", "-o", fresh + "/libleak.so",
                    src + "/libleak.c"], check=True)
    subprocess.run(["cc", "-O2", "-g", "-o", fresh + "/leaky", src + "/leaky.c",
                    "-L" + fresh, "-lleak", "-Wl,-rpath,$ORIGIN", "-ldl"], check=True)
    never = "1099511627776"
    base_env = {"PATH": "/usr/bin:/bin"}
    subprocess.run([fresh + "/leaky", "3"], check=True, stderr=subprocess.DEVNULL,
                   env=dict(base_env, LD_PRELOAD=TCMALLOC, HEAPPROFILE=fresh + "/tc",
                            HEAP_PROFILE_ALLOCATION_INTERVAL=never,
                            HEAP_PROFILE_INUSE_INTERVAL=never, HEAP_PROFILE_TIME_INTERVAL="0"))
    subprocess.run([fresh + "/leaky", "3"], check=True, stderr=subprocess.DEVNULL,
                   env=dict(base_env, LD_PRELOAD=JEMALLOC,
                            MALLOC_CONF="prof:true,prof_final:false,lg_prof_interval:-1,"
                                        "lg_prof_sample:0,prof_accum:true,prof_prefix:"
                                        + fresh + "/je/je"))
    je = sorted(os.listdir(fresh + "/je"), key=lambda f: int(f.split(".")[-3]))
    return fresh, [fresh + "/je/" + f for f in je]


def main():
    work = tempfile.mkdtemp()
    try:
        go = build_go_pprof(work)
        fresh, je = make_fresh(work)
        cases = []  # (peer, binary, profile, base, extra heapdiff/peer options)
        for gran in ("", "--lines"):
            cases += [
                ("jeprof", "bin/leaky", "profiles/je-unsampled-run1.2.heap", None, gran),
                ("jeprof", "bin/leaky", "profiles/je-sampled.2.heap", None, gran),
                ("jeprof", "bin/leaky", "profiles/je-unsampled-run1.3.heap",
                 "profiles/je-unsampled-run1.1.heap", gran),
                ("jeprof", fresh + "/leaky", je[2], None, gran),
                ("jeprof", fresh + "/leaky", je[2], je[0], gran),
                ("go", "bin/leaky", "profiles/tc-run1.0002.heap", None, gran),
                ("go", "bin/leaky", "profiles/tc-run2.0003.heap",
                 "profiles/tc-run1.0001.heap", gran),
                ("go", fresh + "/leaky", fresh + "/tc.0003.heap", fresh + "/tc.0001.heap",
                 gran),
            ]
        cases += [
            ("jeprof", "bin/leaky", "profiles/je-accum.3.heap", None, "--alloc_space"),
            ("jeprof", "bin/leaky_cpp", "profiles/je-cpp-accum.2.heap", None, ""),
            ("go", "bin/leaky_cpp", "profiles/tc-cpp.0002.heap", None, ""),
            ("go", "bin/leaky", "profiles/tc-run1.0004.heap", "profiles/tc-run1.0002.heap",
             "--inuse_objects"),
        ]
        dot_cases = [("bin/leaky", "profiles/tc-run1.0002.heap", None),
                     ("bin/leaky", "profiles/tc-run2.0003.heap", "profiles/tc-run1.0001.heap")]
        print("TAP version 13")
        print("1..%d" % (len(cases) + len(dot_cases)))
        for number, (peer, binary, profile, base, extra) in enumerate(cases, 1):
            options = [extra] if extra else []
            profile = localize(profile, work)
            base = localize(base, work) if base else None
            what = "%s %s %s%s" % (peer, " ".join(options), os.path.basename(profile),
                                   " --base " + os.path.basename(base) if base else "")
            if peer == "go" and not go:
                print("ok %d - %s # SKIP Go pprof could not be built" % (number, what))
                continue
            if peer == "jeprof" and not shutil.which("jeprof"):
                print("ok %d - %s # SKIP jeprof is not installed" % (number, what))
                continue
            mine = heapdiff_rows(options + (["--base=" + base] if base else [])
                                 + [binary, profile])
            if peer == "jeprof":
                text = run(["jeprof", "--text", "--show_bytes"] + options
                           + (["--base=" + base] if base else []) + [binary, profile])
                theirs = rows(text, r"^Total:")
            else:
                go_options = [o.replace("--", "-") for o in options]
                text = run([go, "-text", "-unit=B", "-nodefraction=0"] + go_options
                           + (["-base", base] if base else []) + [binary, profile],
                           env={"PPROF_BINARY_PATH": os.path.dirname(os.path.abspath(
                               os.path.join(TESTDATA, binary)))})
                theirs = rows(text, r"^\s+flat\s+flat%")
            if not theirs or not mine:
                print("not ok %d - %s: no rows (peer %d, heapdiff %d)" % (
                    number, what, len(theirs), len(mine)))
                continue
            verdict = explain(theirs, mine)
            if verdict.startswith("unexplained"):
                print("not ok %d - %s" % (number, what))
                print("#   " + verdict)
            else:
                same = len(set(theirs) & set(mine))
                print("ok %d - %s: %d rows equal%s" % (
                    number, what, same, "; differences explained by: " + verdict
                    if verdict else ""))
        for number, (binary, profile, base) in enumerate(dot_cases, len(cases) + 1):
            profile = localize(profile, work)
            base = localize(base, work) if base else None
            what = "go -dot %s%s" % (os.path.basename(profile),
                                     " -base " + os.path.basename(base) if base else "")
            if not go:
                print("ok %d - %s # SKIP Go pprof could not be built" % (number, what))
                continue
            # Nothing pruned on either side, so the whole graphs compare.
            mine = dot_graph(run([HEAPDIFF, "--dot", "--unit=B", "--nodefraction=0",
                                  "--edgefraction=0", "--nodecount=100000"]
                                 + (["--base=" + base] if base else []) + [binary, profile]))
            theirs = dot_graph(run([go, "-dot", "-unit=B", "-nodefraction=0",
                                    "-edgefraction=0", "-nodecount=100000"]
                                   + (["-base", base] if base else []) + [binary, profile],
                                   env={"PPROF_BINARY_PATH": os.path.join(TESTDATA, "bin")}))
            verdict = explain_dot(theirs, mine) if theirs[0] and mine[0] else "unexplained: no nodes"
            if verdict.startswith("unexplained"):
                print("not ok %d - %s" % (number, what))
                print("#   " + verdict)
            else:
                print("ok %d - %s: %d nodes and %d edges equal; differences explained by: %s" % (
                    number, what, len(mine[0]), len(mine[1]), verdict))
    finally:
        shutil.rmtree(work, ignore_errors=True)


main()
