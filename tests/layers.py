#!/usr/bin/env python3
"""The files of lib/ form layers: no file calls into a file that calls it back, directly
or round a longer loop. Reads which functions each object file defines and uses (nm) and
fails on any cycle, naming it.

  layers.py OBJECT...
"""
import os
import re
import subprocess
import sys


def symbols(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[-2] in ("T", "D", "B", "R"):
            defined.add(parts[-1])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def name_of(path):
    return re.sub(r"^(lib_)?libmailnorm_la-", "", os.path.basename(path)).rsplit(".", 1)[0] + ".c"


def main(objects):
    files = {name_of(o): symbols(o) for o in objects}
    owner = {s: f for f, (defined, _) in files.items() for s in defined}
    calls = {f: sorted({owner[s] for s in used if s in owner and owner[s] != f}) for f, (_, used) in files.items()}
    cycles = []

    def visit(f, path):
        for g in calls[f]:
            if g in path:
                cycle = path[path.index(g):] + [g]
                if min(cycle[:-1]) == cycle[0]:  # each cycle once
                    cycles.append(" -> ".join(cycle))
            else:
                visit(g, path + [g])

    for f in sorted(calls):
        visit(f, [f])
    for f in sorted(calls):
        print(f"{f}: calls {', '.join(calls[f]) or 'nothing of lib/'}")
    if cycles:
        print("FAIL: files of lib/ call each other round a loop:\n  " + "\n  ".join(sorted(set(cycles))))
        return 1
    print("PASS: lib/ forms layers")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
