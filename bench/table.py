#!/usr/bin/env python3
"""The table of bench/run.sh: measure.py's results, one row per command,
with each command's time as a multiple of the first command of its case
(heapdiff), and, for the parse-speed case, megabytes per second.

Usage: table.py RESULTS.jsonl BIG.heap BIG.heap.gz"""
import json
import os
import sys

results = [json.loads(line) for line in open(sys.argv[1])]
text_mb = os.path.getsize(sys.argv[2]) / 1e6
print("| case | command | median (s) | best (s) | peak RSS (MB) | x first | same output |")
print("|---|---|---|---|---|---|---|")
first = {}
for r in results:
    ref = first.setdefault(r["case"], r)
    ratio = r["median"] / ref["median"] if ref["median"] > 0 else 0
    tool = r["tool"]
    if r["case"].startswith("parse speed") and "heapdiff" in tool:
        tool += " (%.0f MB/s of text)" % (text_mb / r["median"])
    if r["status"] != 0:
        tool += " (exit %d)" % r["status"]
    print("| %s | %s | %.3f | %.3f | %.0f | %.2f | %s |" % (
        r["case"], tool, r["median"], r["best"], r["peak_rss_kb"] / 1024, ratio,
        "yes" if r["stable"] else "NO"))
