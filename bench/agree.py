#!/usr/bin/env python3
"""Do two `make bench` tables agree within the spread they print? (issue 14, item 4)

    agree.py TABLE_A TABLE_B      (make bench writes $BENCH_DIR/table.txt; copy it per run)

Every figure printed as "median [min-max]" is paired with the same row's figure of the other
table (rows are paired by section, label and order); so is each target printed with the
[min-max] of its per-round figures. A pair agrees when each median lies
within the other run's [min-max]; it overlaps when only the ranges meet; it disagrees when
they do not meet. Also lists the targets whose verdict differs. Exit status 1 when a figure
disagrees or a row is missing from one table, else 0.
"""
import collections
import re
import sys

FIGURE = re.compile(r"(\d+(?:\.\d+)?) \[(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\]")
NUMBER = r"(\d+(?:\.\d+)?)"
TARGET = re.compile(r"^  (.*\S)\s+%s(?:x|M)(?: \[%s-%s\])?\s+(met|NOT met|\(no target\))$" % (NUMBER, NUMBER, NUMBER))


def figures(path):
    """{(section, label, nth): [(median, lo, hi), ...]} and {target: (value, verdict)}."""
    rows, targets, seen = {}, {}, collections.Counter()
    section = ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith(" "):
                section = line.split(",")[0].split(":")[0]
                continue
            target = TARGET.match(line)
            if target:
                name, value, lo, hi, verdict = target.groups()
                targets[name] = (float(value), verdict)
                if lo is not None:  # a target's per-round figures: judged like the others
                    rows[("Targets", name, 1)] = [(float(value), float(lo), float(hi))]
                continue
            found = list(FIGURE.finditer(line))
            if not found:
                continue
            label = line[:found[0].start()].strip()
            seen[(section, label)] += 1
            key = (section, label, seen[(section, label)])
            rows[key] = [tuple(float(g) for g in m.groups()) for m in found]
    return rows, targets


def judge(a, b):
    (ma, la, ha), (mb, lb, hb) = a, b
    if la <= mb <= ha and lb <= ma <= hb:
        return "agree"
    if la <= hb and lb <= ha:
        return "overlap"
    return "disagree"


def main(path_a, path_b):
    rows_a, targets_a = figures(path_a)
    rows_b, targets_b = figures(path_b)
    verdicts = collections.Counter()
    missing = sorted(set(rows_a) ^ set(rows_b))
    for key in sorted(set(rows_a) & set(rows_b)):
        for column, (a, b) in enumerate(zip(rows_a[key], rows_b[key]), 1):
            verdict = judge(a, b)
            verdicts[verdict] += 1
            if verdict != "agree":
                print("%-9s %s | %s (figure %d): %g [%g-%g] against %g [%g-%g]"
                      % (verdict, key[0], key[1], column, *a, *b))
    for key in missing:
        print("missing   %s | %s: in one table only" % key[:2])
    for name in sorted(set(targets_a) & set(targets_b)):
        (va, verdict_a), (vb, verdict_b) = targets_a[name], targets_b[name]
        if verdict_a != verdict_b:
            print("verdict   %s: %g %s against %g %s" % (name, va, verdict_a, vb, verdict_b))
    total = sum(verdicts.values())
    print("%d figures: %d agree (each median within the other's [min-max]), %d overlap, "
          "%d disagree; %d rows in one table only"
          % (total, verdicts["agree"], verdicts["overlap"], verdicts["disagree"], len(missing)))
    return 1 if verdicts["disagree"] or missing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
