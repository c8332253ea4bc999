#!/usr/bin/env python3
"""A/B of rsyslogd rows of `make bench` between builds of the module: each round runs every
row with every build in turn (interleaved), as bench/run.py's e2e_run runs it (imptcp ->
action -> omfile, 2 workers), and prints CPU per message median [min-max], in all and of the
workers, the context switches per message, and the ratios of the targets of issue 14
(correlate="on" vs off, Sun MTA entries vs sendmail lines).

  srcdir=. BENCH_DIR=/tmp/ab bench/ab.py [--lines N] [--rounds R] [--rows c,c+corr,c-sun]
      [--sendmail FILE] NAME=MODULE.so ...

Rows: c (output="tree"), c+corr (correlate="on"), c-sun (c on the Sun MTA corpus), d
(output="text"). --sendmail: another sendmail corpus (e.g. `gen.py sendmail_sessions N`,
whose to= lines find their from= line). The corpora are bench/run.py's (made when missing); BENCH_QUIET_WAIT as there.
"""
import argparse
import collections
import os
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ in the source tree
import run  # noqa: E402

ROWS = {"c": ("c", "sendmail"), "c+corr": ("c+corr", "sendmail"), "c-sun": ("c", "sun_mta"), "d": ("d", "sendmail")}


def context_switches(pid):
    n = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                n += sum(int(line.split()[1]) for line in f if "ctxt_switches" in line)
        except OSError:
            pass
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=500000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", default="c,c+corr,c-sun")
    ap.add_argument("--sendmail")
    ap.add_argument("builds", nargs="+", metavar="NAME=MODULE.so")
    a = ap.parse_args()
    builds = [b.split("=", 1) for b in a.builds]
    rows = a.rows.split(",")
    os.makedirs(run.WORK, exist_ok=True)
    paths = run.make_corpora([("sendmail", 1000000), ("sun_mta", 1000000)])
    if a.sendmail:
        paths["sendmail"] = a.sendmail
    msg_rbs = {r: run.rulebase(run.MSG_PREFIX, "%s-msg.rulebase" % r, r) for r in run.RULES + (run.POSTFIX_RULES,)}
    feeds = {"sendmail": run.make_feed(paths["sendmail"], os.path.join(run.WORK, "ab-feed.log"), a.lines),
             "sun_mta": run.make_feed(paths["sun_mta"], os.path.join(run.WORK, "ab-feed-sun.log"), a.lines,
                                      b"Nov 22 10:00:00 mta1 imta: ")}
    switches = {}
    hwm = run.proc_hwm_kib

    def hwm_and_switches(pid):  # called by e2e_run once the messages are out
        switches["n"] = context_switches(pid)
        return hwm(pid)
    run.proc_hwm_kib = hwm_and_switches
    res = collections.defaultdict(list)
    for r in range(a.rounds):
        for row in rows:
            mode, corpus = ROWS[row]
            for name, module in builds:
                run.MMMAILNORM = os.path.abspath(module)
                got = run.e2e_run(mode, run.WORKERS, feeds[corpus], a.lines, msg_rbs)
                got["switches"] = switches["n"] / a.lines
                res[(name, row)].append(got)
                print("round %d %s %s: %.0f msg/s, %.2f us CPU/msg" % (r + 1, name, row, got["rate"], got["cpu_per_m"]),
                      flush=True)
    for feed in feeds.values():
        os.remove(feed)
    print("CPU us/msg median [min-max] (workers), context switches per message; %d messages, %d rounds"
          % (a.lines, a.rounds))
    for name, _ in builds:
        cpu = {}
        for row in rows:
            rr = res[(name, row)]
            cpu[row] = run.med([x["cpu_per_m"] for x in rr])
            print("  %-8s %-7s %22s  (%s)  %.4f" % (name, row, run.spread([x["cpu_per_m"] for x in rr], "%.2f"),
                                                 run.spread([x["threads"]["workers"] for x in rr], "%.2f"),
                                                 run.med([x["switches"] for x in rr])))
        ratios = ["%s/c %.2f" % (row, cpu[row] / cpu["c"]) for row in rows if row != "c" and "c" in cpu]
        print("  %-8s %s" % (name, "  ".join(ratios)))
    other = run.OTHERS.cpu / run.OTHERS.wall if run.OTHERS.wall else 0.0
    print("other processes used %.0f%% of a core while this measured" % (100 * other))


if __name__ == "__main__":
    main()
