#!/usr/bin/env python3
"""Print 'N passed, N failed' for one or more meson test logs (a run of
every test, and a run of the unit tests under valgrind), counting each TAP
subtest (criterion cases, script checks) once per run it is in."""
import json
import sys


def tests(paths):
    for path in paths:
        with open(path) as log:
            for line in log:
                yield json.loads(line)


passed = failed = skipped = 0
for test in tests(sys.argv[1:]):
    ok = test["result"] in ("OK", "EXPECTEDFAIL")
    counted = False
    if test.get("protocol") == "tap" or "TAP version" in (test.get("stdout") or ""):
        for out in (test.get("stdout") or "").splitlines():
            if out.startswith("ok "):
                if "# SKIP" in out:
                    skipped += 1
                else:
                    passed += 1
                counted = True
            elif out.startswith("not ok "):
                failed += 1
                counted = True
    if not counted:
        if test["result"] == "SKIP":
            skipped += 1
        elif ok:
            passed += 1
        else:
            failed += 1
    elif not ok and test["result"] != "SKIP":
        # A crash, a timeout or valgrind's errors after some subtests:
        # count the run itself.
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
