#!/usr/bin/env python3
"""Print 'N passed, N failed' for a meson test log, counting each TAP
subtest (criterion cases, script checks) as one test."""
import json
import sys

passed = failed = skipped = 0
with open(sys.argv[1]) as log:
    for line in log:
        test = json.loads(line)
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
            # A crash or timeout after some subtests: count the run itself.
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
