#!/usr/bin/env python3
"""Time commands side by side: median wall time and peak RSS of the whole
process tree.

Reads a JSON list of commands from stdin, each
    {"case": NAME, "tool": NAME, "argv": [...], "env": {...}, "before": [...]}
("env" is added to the environment; "before", when given, is run untimed
before every timed run, e.g. to empty a cache).  Commands of one case are
run in turn, RUNS rounds (alternating, so load drifts hit all alike).
Then each command runs once more while /proc is polled every 2 ms for the
summed VmRSS of the process and all its descendants (a separate run, so
polling never slows a timed one).  Writes one JSON object per command to
stdout:
    {"case", "tool", "median", "best", "runs": [...], "peak_rss_kb",
     "status", "stable"}
where "stable" says every run printed the same stdout and stderr.
"""
import hashlib
import json
import os
import subprocess
import sys
import time


def descendants(pid):
    """PID and every process below it, through /proc/PID/task/*/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, task)) as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(cmd, poll):
    env = dict(os.environ, **cmd.get("env", {}))
    if cmd.get("before"):
        subprocess.run(cmd["before"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd["argv"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    peak = 0
    if poll:
        import threading
        chunks = {}

        def drain(name, stream):
            chunks[name] = stream.read()
        readers = [threading.Thread(target=drain, args=(n, s))
                   for n, s in (("out", proc.stdout), ("err", proc.stderr))]
        for r in readers:
            r.start()
        while proc.poll() is None:
            peak = max(peak, sum(rss_kb(p) for p in descendants(proc.pid)))
            time.sleep(0.002)
        for r in readers:
            r.join()
        out, err = chunks["out"], chunks["err"]
    else:
        out, err = proc.communicate()
    wall = time.perf_counter() - start
    digest = hashlib.sha256(out + b"\0" + err).hexdigest()
    return wall, proc.returncode, digest, peak


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    commands = json.load(sys.stdin)
    cases = []
    for c in commands:
        if c["case"] not in cases:
            cases.append(c["case"])
    for case in cases:
        group = [c for c in commands if c["case"] == case]
        results = {id(c): {"walls": [], "digests": set(), "status": 0} for c in group}
        for _ in range(runs):
            for c in group:
                wall, status, digest, _ = run(c, False)
                r = results[id(c)]
                r["walls"].append(wall)
                r["digests"].add(digest)
                r["status"] = r["status"] or status
        for c in group:
            _, _, _, peak = run(c, True)
            r = results[id(c)]
            walls = sorted(r["walls"])
            print(json.dumps({
                "case": case, "tool": c["tool"], "runs": r["walls"],
                "median": walls[len(walls) // 2], "best": walls[0],
                "peak_rss_kb": peak, "status": r["status"],
                "stable": len(r["digests"]) == 1}), flush=True)


main()
