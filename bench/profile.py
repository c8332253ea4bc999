#!/usr/bin/env python3
"""`make bench-profile`: where the time goes, by callgrind (perf has no hardware counters on
this VM: `perf stat -e instructions true` says <not supported>). Same corpora, rules and
rsyslogd configuration as `make bench` (bench/run.py), fewer lines:

  library    mnbench, BENCH_PROFILE_LINES sendmail / sun_mta lines, two stages each:
             json (parse + JSON text: the CLI, mmmailnorm output="text") and fjson (parse +
             libfastjson objects + to_json_string + put: mmmailnorm's default output="tree")
             (collected inside mnbench's loop only: no start-up, no rule loading)
  lognorm    lognormalizer -e json on the same sendmail lines (whole run)
  rsyslogd   (a) no parsing, (b) mmnormalize, (c) mmmailnorm output="tree", (d) mmmailnorm
             output="text", the same messages, 2 workers
             (whole run: start-up included, small against the messages)

For each: instructions (Ir) per line, the share of each component (exclusive cost by shared
object: the mailnorm library, libfastjson, liblognorm/libestr, libc, rsyslog core,
the kernel is not seen), the top functions, and the inclusive cost of the functions that
matter. Raw files: $BENCH_DIR/profile/callgrind.*; callgrind_annotate shows them in full.

Environment: as bench/run.py, and BENCH_PROFILE_LINES (default 20000).
"""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ in the source tree
import run  # noqa: E402

LINES = int(os.environ.get("BENCH_PROFILE_LINES") or 20000)
OUT = os.path.join(run.WORK, "profile")
ANNOTATE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S.*?)(?:\s+\[(.*)\])?$")

# What is reported inclusively (if present in the run).
KEY_FUNCTIONS = [
    "mn_normalize", "mn_sendmail_parse", "mn_sendmail_tree", "mn_sun_parse", "mn_sun_tree",
    "mn_rules_apply", "mn_tree_put_span", "mn_tree_put_event", "mn_sendmail_put_relay", "parent_of",
    "mn_tree_reset", "mn_tree_json", "put_string", "mn_tree_fjson",
    "fjson_object_object_add", "fjson_object_object_add_ex", "fjson_object_new_string_len",
    "fjson_object_object_get_ex", "fjson_object_put", "fjson_object_to_json_string_ext",
    "ln_normalize", "localtime_r", "malloc", "calloc", "free",
    "msgAddJSON", "doAction", "MsgGetProp", "tplToString", "processBatch", "processDataRcvd",
]


def component(obj, function):
    obj = os.path.basename(obj or "?")
    if obj in ("mnbench", "mmmailnorm.so"):
        return "mailnorm library + module"
    if obj.startswith("libfastjson"):
        return "libfastjson"
    if obj.startswith("liblognorm") or obj.startswith("libestr") or obj == "lognormalizer":
        return "liblognorm (+ libestr, lognormalizer)"
    if obj == "mmnormalize.so":
        return "mmnormalize module"
    if obj.startswith("libc.so") or obj.startswith("ld-linux"):
        if re.search(r"malloc|free|calloc|realloc|_int_|tcache|consolidate", function):
            return "libc malloc/free"
        return "libc other (str*, mem*, stdio, locks, time)"
    if obj == "rsyslogd" or obj.endswith(".so") and (obj.startswith("im") or obj.startswith("lm")
                                                     or obj.startswith("om")):
        return "rsyslog core (+ imptcp, omfile)"
    return "other (%s)" % obj


def exclusive_costs(path):
    """{(object, function): Ir} from a callgrind file: the cost lines that follow fn=, not
    those that follow calls= (inclusive costs of calls). Names may be compressed: "(id) name"
    defines id, "(id)" refers to it."""
    names = {}

    def name(kind, text):
        m = re.match(r"\((\d+)\)(?: (.*))?$", text)
        if not m:
            return text
        key = (kind, m.group(1))
        if m.group(2) is not None:
            names[key] = m.group(2)
        return names.get(key, "?")

    costs, total = {}, 0
    obj = function = ""
    skip_next = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            c = line[0] if line else ""
            if c.isdigit() or c in "+-*":
                if skip_next:
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    ir = int(parts[1])
                    costs[(obj, function)] = costs.get((obj, function), 0) + ir
                    total += ir
            elif line.startswith("ob="):
                obj = name("ob", line[3:].strip())
            elif line.startswith("fn="):
                function = name("fn", line[3:].strip())
            elif line.startswith("cob="):
                name("ob", line[4:].strip())
            elif line.startswith("cfn="):
                name("fn", line[4:].strip())
            elif line.startswith("calls="):
                skip_next = True
    return total, sorted(((ir, fn, ob) for (ob, fn), ir in costs.items()), reverse=True)


def inclusive_costs(path):
    """[(Ir, function)] from callgrind_annotate --inclusive=yes."""
    cmd = ["callgrind_annotate", "--threshold=100", "--inclusive=yes", path]
    text = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout.decode(
        "utf-8", "replace")
    rows = []
    for line in text.splitlines():
        m = ANNOTATE.match(line)
        if m and m.group(2) != "PROGRAM TOTALS":
            name = m.group(2)
            rows.append((int(m.group(1).replace(",", "")), name.split(":", 1)[1] if ":" in name else name))
    return rows


def report(title, path, lines):
    total, rows = exclusive_costs(path)
    inclusive = inclusive_costs(path)
    print("== %s: %s Ir, %.0f Ir per line" % (title, format(total, ","), total / lines))
    by_component = {}
    for ir, function, obj in rows:
        c = component(obj, function)
        by_component[c] = by_component.get(c, 0) + ir
    for c, ir in sorted(by_component.items(), key=lambda kv: -kv[1]):
        if ir >= total / 1000:
            print("   %5.1f%%  %s" % (100.0 * ir / total, c))
    print("   top functions (exclusive):")
    for ir, function, obj in rows[:14]:
        print("   %5.1f%%  %-44s %s" % (100.0 * ir / total, function[:44], os.path.basename(obj)))
    seen = {}
    for ir, function in inclusive:
        base = re.sub(r"'\d+$|\.constprop\.\d+|\.isra\.\d+|@@.*$", "", function)
        if base in KEY_FUNCTIONS and base not in seen:
            seen[base] = ir
    if seen:
        print("   inclusive:")
        for base in KEY_FUNCTIONS:
            if base in seen:
                print("   %5.1f%%  %8.0f Ir/line  %s" % (100.0 * seen[base] / total, seen[base] / lines, base))
    print(flush=True)


def callgrind(name):
    return ["valgrind", "--tool=callgrind", "--callgrind-out-file=%s" % os.path.join(OUT, "callgrind." + name)]


def main():
    os.makedirs(OUT, exist_ok=True)
    paths = run.make_corpora([("sendmail", run.LINES), ("sun_mta", run.LINES)])
    exe = run.build_mnbench()
    env = dict(os.environ, MAILNORM_RULEBASE_DIR=run.RULEBASE_DIR)
    for fmt in ("sendmail", "sun_mta"):
        small = os.path.join(OUT, "%s.log" % fmt)
        with open(paths[fmt], "rb") as src, open(small, "wb") as dst:
            for i, line in enumerate(src):
                if i == LINES:
                    break
                dst.write(line)
        for stage, title in (("json", "parse + JSON text"), ("fjson", "parse + libfastjson objects")):
            name = "lib-%s-%s" % (fmt, stage)
            run.log("callgrind: mnbench %s %s" % (fmt, stage))
            subprocess.run(callgrind(name) + ["--toggle-collect=run*", exe, fmt, small, "1", stage],
                           check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # mnbench's loop runs a warm-up pass (up to 20000 lines) before the timed one
            report("library, %s, %s (mnbench %s)" % (fmt, title, stage), os.path.join(OUT, "callgrind." + name),
                   LINES + min(LINES, 20000))
    small = os.path.join(OUT, "sendmail.log")
    rb = run.rulebase(run.LINE_PREFIX, "comparable-line.rulebase", "comparable")
    run.log("callgrind: lognormalizer")
    with open(small, "rb") as inp:
        subprocess.run(callgrind("lognormalizer") + [run.LOGNORMALIZER, "-r", rb, "-e", "json", "-T"],
                       stdin=inp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    report("lognormalizer -e json, sendmail", os.path.join(OUT, "callgrind.lognormalizer"), LINES)

    feed = run.make_feed(small, os.path.join(OUT, "feed.log"))
    msg_rbs = {r: run.rulebase(run.MSG_PREFIX, "%s-msg.rulebase" % r, r) for r in run.RULES}
    for mode, title in (("a", "no parsing"), ("b", "mmnormalize"), ("c", 'mmmailnorm output="tree"'),
                        ("d", 'mmmailnorm output="text"')):
        run.log("callgrind: rsyslogd (%s)" % mode)
        run.e2e_run(mode, run.WORKERS, feed, LINES, msg_rbs, run_under=callgrind("rsyslogd-" + mode), timeout=900)
        report("rsyslogd (%s) %s, %d messages" % (mode, title, LINES),
               os.path.join(OUT, "callgrind.rsyslogd-" + mode), LINES)


if __name__ == "__main__":
    sys.exit(main())
