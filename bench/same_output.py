#!/usr/bin/env python3
"""Whether two builds of `mailnorm` write the same JSON for the same lines: the proof that a
change for speed changed no output (doc/performance.md).

  bench/same_output.py OLD_MAILNORM NEW_MAILNORM FILE...

Runs both over each FILE, with no option, with --correlate and with --original, TZ unset
(the zone from /etc/localtime, as a Sun MTA entry's offset needs), and once more with
TZ=Europe/Berlin (a zone that changes its offset: Sun MTA entries around the changes), with
the same rules
for both (MAILNORM_RULEBASE_DIR, by default this tree's rulebases/), and compares the outputs
line by line as JSON objects (key order and escapes aside; both commands write one line
per input line). Prints one line per run and exits 1 at the first difference, naming the
input line. The corpora of bench/gen.py are the usual input:
  python3 bench/gen.py sendmail 400000 > /tmp/sm.log
"""
import json
import os
import subprocess
import sys

RUNS = (([], None), (["--correlate"], None), (["--original"], None), ([], "Europe/Berlin"))


def run(exe, options, zone, path):
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    if zone:
        env["TZ"] = zone
    env.setdefault("MAILNORM_RULEBASE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                         "rulebases"))
    proc = subprocess.run([exe, *options, path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    if proc.returncode != 0:
        sys.exit("same_output: %s %s %s: exit %d" % (exe, " ".join(options), path, proc.returncode))
    return proc.stdout.splitlines()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    old, new, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    for path in files:
        with open(path, "rb") as f:
            inputs = f.read().splitlines()
        for options, zone in RUNS:
            a, b = run(old, options, zone, path), run(new, options, zone, path)
            if len(a) != len(b):
                sys.exit("same_output: %s %s %s: %d lines against %d" % (path, " ".join(options), zone, len(a), len(b)))
            for i, (x, y) in enumerate(zip(a, b)):
                if x != y and json.loads(x) != json.loads(y):
                    print("line %d: %r\n  old: %s\n  new: %s" % (i + 1, inputs[i][:300], x[:500], y[:500]))
                    sys.exit("same_output: %s %s %s: line %d differs" % (path, " ".join(options), zone, i + 1))
            print("same: %s %s%s, %d lines" % (os.path.basename(path), " ".join(options) or "(no option)",
                                               ", TZ=" + zone if zone else "", len(a)))


if __name__ == "__main__":
    main()
