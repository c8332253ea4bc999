#!/usr/bin/env python3
"""`make bench`: the library's and the module's cost per line, against liblognorm's
lognormalizer, rsyslogd without parsing and rsyslogd with mmnormalize (issue 6). Prints one
plain-text table (also saved as $BENCH_DIR/table.txt). Never part of `make check`.

Library (mnbench, one core): parse, tree, json (JSON text: the CLI, output="text") and fjson
(libfastjson objects, serialised and freed: output="tree"); the targets use json.
rsyslogd: (a) no parsing, (b) mmnormalize, (c) mmmailnorm output="tree" (the default),
(d) mmmailnorm output="text"; round 1 reads (c)'s and (d)'s output back as JSON and compares
them (about 25 s; the whole run takes about 7 minutes on 2 cores). The Postfix corpus
(gen.py postfix): the library's tree/json/fjson against lognormalizer with bench/postfix.rules,
and one rsyslogd run each of mmnormalize with those rules and of mmmailnorm.

Environment (make bench sets the tools; the rest are knobs):
  BENCH_LINES=1000000     lines per corpus (library and lognormalizer)
  BENCH_E2E_LINES=        messages per rsyslogd run (default: BENCH_LINES)
  BENCH_ROUNDS=3          rsyslogd runs per configuration (a, b, c, d interleaved; median)
  BENCH_REPEAT=3          timed passes per library figure (median)
  BENCH_LENGTH_LINES=20000  lines per length bucket and format
  BENCH_SEED=6            corpus seed
  BENCH_DIR=/tmp/mailnorm-bench  corpora (kept, keyed by size, seed and gen.py), work files
  BENCH_QUIET_WAIT=120    seconds to wait in all, before the measurements, for other
                          processes to leave the cores alone (the table says how much they
                          used anyway)
  srcdir, CC, LIBFASTJSON_CFLAGS, LIBLOGNORM_LIBS, RSYSLOGD, MMMAILNORM, LOGNORMALIZER
"""
import collections
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

SRCDIR = os.path.abspath(os.environ.get("srcdir", "."))
BENCH = os.path.join(SRCDIR, "bench")
LINES = int(os.environ.get("BENCH_LINES") or 1000000)
E2E_LINES = int(os.environ.get("BENCH_E2E_LINES") or LINES)
ROUNDS = int(os.environ.get("BENCH_ROUNDS") or 3)
REPEAT = int(os.environ.get("BENCH_REPEAT") or 3)
LENGTH_LINES = int(os.environ.get("BENCH_LENGTH_LINES") or 20000)
SEED = int(os.environ.get("BENCH_SEED") or 6)
WORK = os.path.abspath(os.environ.get("BENCH_DIR") or "/tmp/mailnorm-bench")
CC = os.environ.get("CC") or "cc"
RSYSLOGD = os.environ.get("RSYSLOGD") or "/usr/sbin/rsyslogd"
MMMAILNORM = os.path.abspath(os.environ.get("MMMAILNORM")
                             or os.path.join("plugins", "mmmailnorm", ".libs", "mmmailnorm.so"))
LOGNORMALIZER = os.environ.get("LOGNORMALIZER") or shutil.which("lognormalizer") or "lognormalizer"
RULEBASE_DIR = os.environ.get("MAILNORM_RULEBASE_DIR") or os.path.join(SRCDIR, "rulebases")
TIMEOUT = 300  # seconds for one rsyslogd run to deliver everything
QUIET_WAIT = float(os.environ.get("BENCH_QUIET_WAIT") or 120)
CLK_TCK = os.sysconf("SC_CLK_TCK")
ONE_CPU = {max(os.sched_getaffinity(0))}  # library runs are pinned to one core
WORKERS = 2  # rsyslogd's worker threads in the (a) to (d) runs: one per core
E2E_MODES = "abcd"  # (c) mmmailnorm output="tree" (the default), (d) output="text"

# The syslog header of the comparable rules: lognormalizer gets the whole line,
# mmnormalize rsyslog's msg (header taken off, starts with a space).
LINE_PREFIX = 'prefix=%timestamp:date-rfc3164% %host:word% %program:char-to{"extradata":"["}%[%pid:number%]: '
MSG_PREFIX = "prefix=%-:whitespace%"


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def pinned():
    os.sched_setaffinity(0, ONE_CPU)


class Others:
    """CPU time the rest of the machine (other processes, the hypervisor's steal) used while
    a figure was measured: the system's busy time less this script's, its children's and
    rsyslogd's."""

    def __init__(self):
        self.cpu = self.wall = 0.0

    @staticmethod
    def busy():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / CLK_TCK  # all but idle and iowait

    @staticmethod
    def ours(children=True):
        r = resource.getrusage(resource.RUSAGE_SELF)
        t = r.ru_utime + r.ru_stime
        if children:
            c = resource.getrusage(resource.RUSAGE_CHILDREN)
            t += c.ru_utime + c.ru_stime
        return t

    def start(self, children=True):
        return (time.monotonic(), self.busy(), self.ours(children))

    def stop(self, mark, children=True, also_ours=0.0):
        wall, busy, ours = mark
        self.wall += time.monotonic() - wall
        self.cpu += max(0.0, (self.busy() - busy) - (self.ours(children) - ours) - also_ours)


OTHERS = Others()


def wait_for_quiet():
    """Waits until the machine has been idle for a second: the figures need both cores to
    themselves (other processes: see Others). All waits of a run together take at most
    BENCH_QUIET_WAIT seconds (default 120), so that a busy machine still gets its table."""
    global QUIET_WAIT
    while QUIET_WAIT > 0:
        before = Others.busy()
        time.sleep(0.5)
        QUIET_WAIT -= 0.5
        if Others.busy() - before < 0.05:
            return


# --- corpora ---------------------------------------------------------------------------------

def corpus(kind, count):
    """The cached corpus file; made by gen.py when missing (key: kind, count, seed, gen.py)."""
    with open(os.path.join(BENCH, "gen.py"), "rb") as f:
        key = hashlib.sha1(f.read()).hexdigest()[:8]
    path = os.path.join(WORK, "%s-%d-s%d-%s.log" % (kind, count, SEED, key))
    for old in os.listdir(WORK):  # the same corpus from an older gen.py
        if old.startswith("%s-%d-s%d-" % (kind, count, SEED)) and old.endswith(".log") \
                and old != os.path.basename(path):
            os.remove(os.path.join(WORK, old))
    return path, (None if os.path.exists(path) else
                  [sys.executable, os.path.join(BENCH, "gen.py"), kind, str(count), "--seed", str(SEED)])


def make_corpora(wanted):
    """Generates the missing corpora, two at a time (2 cores)."""
    paths, jobs = {}, []
    for kind, count in wanted:
        path, cmd = corpus(kind, count)
        paths[kind] = path
        if cmd:
            jobs.append((path, cmd))
    running = []
    for path, cmd in jobs:
        log("generating %s" % os.path.basename(path))
        out = open(path + ".tmp", "wb")
        running.append((path, out, subprocess.Popen(cmd, stdout=out)))
        if len(running) == 2:
            finish(running.pop(0))
    while running:
        finish(running.pop(0))
    return paths


def finish(job):
    path, out, proc = job
    if proc.wait() != 0:
        sys.exit("bench: gen.py failed for %s" % path)
    out.close()
    os.rename(path + ".tmp", path)


def line_stats(path):
    n = size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 24)
            if not chunk:
                break
            n += chunk.count(b"\n")
            size += len(chunk)
    return n, size


# --- the library -----------------------------------------------------------------------------

def build_mnbench():
    exe = os.path.join(WORK, "mnbench")
    lib = os.path.join(SRCDIR, "lib")
    sources = sorted(os.path.join(lib, f) for f in os.listdir(lib) if f.endswith(".c"))
    cmd = ([CC, "-std=c11", "-O2", "-g", "-pthread", "-I" + lib]
           + os.environ.get("LIBFASTJSON_CFLAGS", "-I/usr/include/libfastjson").split()
           + sources + [os.path.join(BENCH, "mnbench.c"), "-o", exe]
           + os.environ.get("LIBLOGNORM_LIBS", "-llognorm -lfastjson").split() + ["-lpthread"])
    log("building mnbench (-O2 -g, lib/*.c)")
    subprocess.run(cmd, check=True)
    return exe


def mnbench(exe, what, path, stage=None):
    """Runs mnbench; returns {(format, label): {key: value}}."""
    env = dict(os.environ, MAILNORM_RULEBASE_DIR=RULEBASE_DIR)
    wait_for_quiet()
    mark = OTHERS.start()
    out = subprocess.run([exe, what, path, str(REPEAT)] + ([stage] if stage else []), check=True,
                         stdout=subprocess.PIPE, env=env, preexec_fn=pinned).stdout.decode()
    OTHERS.stop(mark)
    figures = {}
    for line in out.splitlines():
        fmt, label, *rest = line.split()
        figures[(fmt, label)] = dict(kv.split("=", 1) for kv in rest)
    return figures


def rulebase(prefix, name, rules="comparable.rules"):
    path = os.path.join(WORK, name)
    with open(os.path.join(BENCH, rules)) as f:
        rules = f.read()
    with open(path, "w") as f:
        f.write("version=2\n%s\n%s" % (prefix, rules))
    return path


def lognormalizer(corpus_path, rb):
    """Median wall time of REPEAT runs with JSON to /dev/null; then the match counts."""
    def run(args, out):
        wait_for_quiet()
        with open(corpus_path, "rb") as inp:
            mark = OTHERS.start()
            t0 = time.perf_counter()
            # (-t reports on stderr how many lines it left out: not wanted)
            proc = subprocess.run([LOGNORMALIZER, "-r", rb, *args], stdin=inp, stdout=out,
                                  stderr=subprocess.DEVNULL if "-t" in args else None, preexec_fn=pinned)
            elapsed = time.perf_counter() - t0
            OTHERS.stop(mark)
        if proc.returncode != 0:
            sys.exit("bench: lognormalizer failed (%d)" % proc.returncode)
        return elapsed, proc.stdout

    times = [run(["-e", "json", "-T"], subprocess.DEVNULL)[0] for _ in range(REPEAT)]
    raw_time, unparsed = run(["-e", "raw", "-P"], subprocess.PIPE)
    _, partial = run(["-e", "raw", "-t", "partial"], subprocess.PIPE)
    return {"json": statistics.median(times), "raw": raw_time,
            "unparsed": unparsed.count(b"\n"), "partial": partial.count(b"\n")}


# --- rsyslogd end to end ---------------------------------------------------------------------

def make_feed(corpus_path, feed, count=None, header=b""):
    """The rsyslogd feed: the corpus (its first count lines) with a PRI, as a syslog
    sender writes it. The sendmail corpus has its syslog header; Sun MTA entries get
    header, as a forwarding rsyslog would send mail.log_current's lines."""
    with open(corpus_path, "rb") as src, open(feed, "wb") as dst:
        for i, line in enumerate(src):
            if count is not None and i == count:
                break
            dst.write(b"<22>" + header + line)
    return feed


def e2e_config(d, mode, workers, msg_rulebase):
    load, action, template = {
        "a": ("", "", "%msg%\\n"),
        "b": ('module(load="mmnormalize")',
              'action(type="mmnormalize" rulebase="%s" path="$!mail")' % msg_rulebase, "%$!mail%\\n"),
        "c": ('module(load="%s")' % MMMAILNORM, 'action(type="mmmailnorm")', "%$!mail%\\n"),
        "d": ('module(load="%s")' % MMMAILNORM, 'action(type="mmmailnorm" output="text")', "%$!mail%\\n"),
        "c-correlate": ('module(load="%s")' % MMMAILNORM, 'action(type="mmmailnorm" correlate="on")',
                        "%$!mail%\\n"),
    }[mode]
    return """global(workDirectory="{d}" processInternalMessages="on")
module(load="imptcp" threads="1")
{load}
action(type="omfile" file="{d}/internal.log")
input(type="imptcp" address="127.0.0.1" port="0" listenPortFileName="{d}/port" ruleset="bench")
template(name="out" type="string" string="{template}")
ruleset(name="bench" queue.type="FixedArray" queue.size="250000" queue.dequeueBatchSize="1024"
        queue.workerThreads="{workers}" queue.workerThreadMinimumMessages="1024") {{
    {action}
    action(type="omfile" file="{d}/output" template="out" ioBufferSize="64k")
}}
""".format(d=d, load=load, action=action, template=template, workers=workers)


def proc_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def proc_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def wait_until(what, cond, proc, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not cond():
        if proc.poll() is not None:
            sys.exit("bench: rsyslogd exited while waiting for %s" % what)
        if time.monotonic() > deadline:
            sys.exit("bench: timed out waiting for %s" % what)
        time.sleep(0.05)


class OutputCounter:
    """Counts the lines (and markers) of rsyslogd's output file. It reads only once the file
    has stopped growing for a moment, so that it does not compete with rsyslogd; the time of
    the last line is the file's modification time."""

    def __init__(self, path, markers):
        self.path, self.markers = path, markers
        self.lines, self.offset, self.rest, self.last_size = 0, 0, b"", -1
        self.counts = dict.fromkeys(markers, 0)

    def settled_count(self):
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            return 0
        if size != self.last_size:
            self.last_size = size
            return self.lines
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        self.offset += len(data)
        data = self.rest + data
        cut = data.rfind(b"\n") + 1
        done, self.rest = data[:cut], data[cut:]
        self.lines += done.count(b"\n")
        for m in self.markers:
            self.counts[m] += done.count(m)
        return self.lines


def e2e_run(mode, workers, feed, count, msg_rulebase, run_under=(), timeout=TIMEOUT, check=None):
    """One rsyslogd run (run_under: a command to run it with, e.g. valgrind). check: called
    with the output file's path once the measurement is over; its value is result["check"]."""
    d = os.path.join(WORK, "rsyslog-%s-%d" % (mode, workers))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "rsyslog.conf"), "w") as f:
        f.write(e2e_config(d, mode, workers, msg_rulebase))
    env = dict(os.environ, MAILNORM_RULEBASE_DIR=RULEBASE_DIR)
    if not run_under:
        wait_for_quiet()
    proc = subprocess.Popen([*run_under, RSYSLOGD, "-n", "-C", "-i", os.path.join(d, "pid"), "-f",
                             os.path.join(d, "rsyslog.conf")], env=env,
                            stdout=open(os.path.join(d, "rsyslogd.out"), "wb"), stderr=subprocess.STDOUT)
    try:
        port_file = os.path.join(d, "port")
        wait_until("the imptcp port", lambda: os.path.exists(port_file) and os.path.getsize(port_file) > 0,
                   proc, timeout)
        with open(port_file) as f:
            port = int(f.read().strip())
        time.sleep(0.3)  # let startup settle before the CPU reading
        cpu0 = proc_cpu_seconds(proc.pid)
        markers = [] if mode == "a" else [b'"unparsed-data"', b'"partial"'] if mode == "b" else [b'"unparsed"']
        # (the module's JSON has "unparsed" only in a partial line's tree; the same key in
        # output="text", whose text is the JSON itself)
        counter = OutputCounter(os.path.join(d, "output"), markers)
        mark = OTHERS.start(children=False)
        t0 = time.time()
        with socket.create_connection(("127.0.0.1", port)) as s, open(feed, "rb") as f:
            while True:
                chunk = f.read(1 << 22)
                if not chunk:
                    break
                s.sendall(chunk)
        wait_until("%d output lines" % count, lambda: counter.settled_count() >= count, proc, timeout)
        t1 = os.stat(counter.path).st_mtime
        cpu = proc_cpu_seconds(proc.pid) - cpu0
        OTHERS.stop(mark, children=False, also_ours=cpu)
        hwm = proc_hwm_kib(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if counter.lines != count:
        sys.exit("bench: %s: %d messages in, %d lines out" % (mode, count, counter.lines))
    result = {"rate": count / (t1 - t0), "cpu_per_m": cpu / count * 1e6, "hwm_mib": hwm / 1024.0,
              "counts": counter.counts}
    if check:
        result["check"] = check(counter.path)
    shutil.rmtree(d)
    return result


def json_lines(path):
    """Whether every output line is one JSON object, and what they hold: (lines, invalid,
    the first invalid line, a Counter of the lines' canonical forms' hashes). The workers
    write in no fixed order, so (c) and (d) are compared as multisets: the same objects
    (key order, spacing and escapes aside) whether the module hands rsyslog libfastjson
    objects or JSON text. About 13 s per million lines: run once, after the timing."""
    lines = invalid = 0
    first_bad = None
    seen = collections.Counter()
    with open(path, "rb") as f:
        for line in f:
            lines += 1
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
            except ValueError:
                invalid += 1
                if first_bad is None:
                    first_bad = line[:200].decode("utf-8", "replace").rstrip("\n")
                continue
            seen[hash(json.dumps(obj, sort_keys=True, separators=(",", ":")))] += 1
    return {"lines": lines, "invalid": invalid, "first_bad": first_bad, "seen": seen}


def compare_outputs(c, d):
    """Lines of (d) whose object is not among (c)'s (as many times), and the other way."""
    only_d = d["seen"] - c["seen"]
    only_c = c["seen"] - d["seen"]
    return sum(only_d.values()), sum(only_c.values())


def median_run(runs):
    """The run with the median rate (its CPU and RSS figures go with it)."""
    ordered = sorted(runs, key=lambda r: r["rate"])
    return ordered[len(ordered) // 2]


# --- the table -------------------------------------------------------------------------------

def verdict(ok):
    return "met" if ok else "NOT met"


def table(info, lib, ln, ln_pf, e2e, extra, scaling, lengths, check=None):
    out = []
    w = out.append
    w("mailnorm benchmark  %s  %s  (%s)" % (time.strftime("%Y-%m-%d %H:%M"), info["commit"], info["machine"]))
    other = OTHERS.cpu / OTHERS.wall if OTHERS.wall else 0.0
    w("other processes used %.0f%% of a core while this measured%s" % (
        100 * other, "  (figures are low: run it on a quiet machine)" if other > 0.1 else ""))
    w("corpora (seed %d): sendmail %d lines, avg %.0f B; sun_mta %d lines, avg %.0f B; postfix %d lines, avg %.0f B" % (
        SEED, info["sm_lines"], info["sm_avg"], info["sun_lines"], info["sun_avg"], info["pf_lines"], info["pf_avg"]))
    w("")
    w("%-55s %10s  %9s   %s" % ("Library, one core (mnbench -O2; median of %d passes)" % REPEAT, "lines/s", "ns/line",
                                 "parsed/partial/unrec."))
    for fmt in ("sendmail", "sun_mta"):
        for stage, what in (("parse", "parse only"), ("tree", "parse + tree"),
                            ("json", "parse + JSON text (json)"),
                            ("fjson", "parse + libfastjson objects (fjson)")):
            f = lib[(fmt, stage)]
            ns = float(f["ns"])
            res = f["result"] if stage != "parse" else "-"
            w("  %-8s %-44s %10.0f  %9.0f   %s" % (fmt, what, 1e9 / ns, ns, res))
    lnj = LINES / ln["json"]
    lnr = LINES / ln["raw"]
    w("  %-8s %-44s %10.0f  %9.0f   %d/%d/%d" % ("sendmail", "lognormalizer, -e json (parse + JSON)", lnj,
                                                   1e9 / lnj, LINES - ln["unparsed"] - ln["partial"],
                                                   ln["partial"], ln["unparsed"]))
    w("  %-8s %-44s %10.0f  %9.0f" % ("sendmail", "lognormalizer, -e raw -P (parse + tree)", lnr, 1e9 / lnr))
    sm_json = 1e9 / float(lib[("sendmail", "json")]["ns"])
    sun_json = 1e9 / float(lib[("sun_mta", "json")]["ns"])
    sm_fjson = 1e9 / float(lib[("sendmail", "fjson")]["ns"])
    sun_fjson = 1e9 / float(lib[("sun_mta", "fjson")]["ns"])
    w("  lognormalizer rules: bench/comparable.rules; match rate %.2f%% (%.2f%% fully, %.2f%% with a tail)" % (
        100.0 * (LINES - ln["unparsed"]) / LINES, 100.0 * (LINES - ln["unparsed"] - ln["partial"]) / LINES,
        100.0 * ln["partial"] / LINES))
    for stage, what in (("tree", "parse + tree"), ("json", "parse + JSON text (json)"),
                        ("fjson", "parse + libfastjson objects (fjson)")):
        f = lib[("postfix", stage)]
        w("  %-8s %-44s %10.0f  %9.0f   %s" % ("postfix", what, 1e9 / float(f["ns"]), float(f["ns"]), f["result"]))
    pf_lines = info["pf_lines"]
    pfj, pfr = pf_lines / ln_pf["json"], pf_lines / ln_pf["raw"]
    w("  %-8s %-44s %10.0f  %9.0f   %d/0/%d" % ("postfix", "lognormalizer, -e json (parse + JSON)", pfj, 1e9 / pfj,
                                              pf_lines - ln_pf["unparsed"], ln_pf["unparsed"]))
    w("  %-8s %-44s %10.0f  %9.0f" % ("postfix", "lognormalizer, -e raw -P (parse + tree)", pfr, 1e9 / pfr))
    w("  postfix: lognormalizer rules bench/postfix.rules (match rate %.2f%%); against lognormalizer -e json:"
      " json %.2fx, fjson %.2fx" % (100.0 * (pf_lines - ln_pf["unparsed"]) / pf_lines,
                                    1e9 / float(lib[("postfix", "json")]["ns"]) / pfj,
                                    1e9 / float(lib[("postfix", "fjson")]["ns"]) / pfj))
    w("  json: mn_tree_json() text (CLI, output=\"text\"); fjson: mn_tree_fjson() objects + to_json_string + put")
    w("  (output=\"tree\", rsyslog's template serialising). Against lognormalizer -e json (sendmail):")
    w("  json %.2fx, fjson %.2fx" % (sm_json / lnj, sm_fjson / lnj))
    w("")
    w("rsyslogd %s end to end: imptcp (loopback, one sender) -> [action] -> omfile, %d workers," % (
        info["rsyslog"], WORKERS))
    w("  %-48s %9s  %13s  %10s  %12s" % ("%d messages, median of %d runs" % (E2E_LINES, ROUNDS), "msg/s",
                                         "CPU s/1M msgs", "msgs/CPU-s", "peak RSS MiB"))
    rows = [("(a) no parsing (%msg%)", e2e["a"]), ("(b) mmnormalize, comparable rules", e2e["b"]),
            ('(c) mmmailnorm, output="tree" (the default)', e2e["c"]),
            ('(d) mmmailnorm, output="text"', e2e["d"]),
            ('    mmmailnorm, correlate="on" (one run)', extra["correlate"]),
            ("    mmmailnorm, Sun MTA corpus (one run)", extra["sun"]),
            ("    mmnormalize, Postfix corpus (one run)", extra["postfix_b"]),
            ("    mmmailnorm, Postfix corpus (one run)", extra["postfix"])]
    for name, r in rows:
        counts = r["counts"]
        if b'"unparsed-data"' in counts:
            note = "  %d unparsed, %d partial" % (counts[b'"unparsed-data"'], counts[b'"partial"'])
        elif b'"unparsed"' in counts:
            note = "  %d partial" % counts[b'"unparsed"']
        else:
            note = ""
        w("  %-48s %9.0f  %13.2f  %10.0f  %12.1f%s" % (name, r["rate"], r["cpu_per_m"], 1e6 / r["cpu_per_m"],
                                                       r["hwm_mib"], note))
    ratio = {}
    for x in "cd":
        for y in "ab":
            ratio[x + y] = e2e[x]["rate"] / e2e[y]["rate"]
        w("  %s/a %.2f   %s/b %.2f   CPU per message %s/a %.2f, %s/b %.2f" % (
            x, ratio[x + "a"], x, ratio[x + "b"], x, e2e[x]["cpu_per_m"] / e2e["a"]["cpu_per_m"],
            x, e2e[x]["cpu_per_m"] / e2e["b"]["cpu_per_m"]))
    w("  d/c %.2f   CPU per message d/c %.2f" % (e2e["d"]["rate"] / e2e["c"]["rate"],
                                                  e2e["d"]["cpu_per_m"] / e2e["c"]["cpu_per_m"]))
    w("  Postfix corpus: mmmailnorm/mmnormalize %.2f   CPU per message %.2f" % (
        extra["postfix"]["rate"] / extra["postfix_b"]["rate"],
        extra["postfix"]["cpu_per_m"] / extra["postfix_b"]["cpu_per_m"]))
    if check:
        c, d = check["c"], check["d"]
        w("  output check (round 1, all lines): (c) %d lines, %d not a JSON object; (d) %d lines, %d not a JSON object"
          % (c["lines"], c["invalid"], d["lines"], d["invalid"]))
        only_d, only_c = compare_outputs(c, d)
        w("    (d) against (c), as sets of objects: %s" % (
            "the same" if not only_d and not only_c else
            "DIFFER: %d lines of (d) not in (c), %d of (c) not in (d)" % (only_d, only_c)))
        for x, r in (("c", c), ("d", d)):
            if r["first_bad"] is not None:
                w("    first bad line of (%s): %s" % (x, r["first_bad"]))
    w("")
    w("Scaling of (c): worker threads -> msg/s (%d: the median run above; 1 and 4: one run each)" % WORKERS)
    w("  " + "   ".join("%d: %.0f" % (k, scaling[k]) for k in sorted(scaling)))
    w("")
    w("Cost vs line length (library, one core; one shape per format, padded with text)")
    w("  ns per line: parse only / parse + JSON text (json) / parse + libfastjson objects (fjson)")
    w("  bytes    sendmail to= parse /   json /  fjson    sun_mta Q entry parse /   json /  fjson")
    for bucket in sorted({int(label.split(":")[0]) for (_, label) in lengths}):
        cells = []
        for fmt in ("sendmail", "sun_mta"):
            f = [lengths.get((fmt, "%d:%s" % (bucket, stage))) for stage in ("parse", "json", "fjson")]
            cells.append("%18s / %6s / %6s" % tuple("%.0f" % float(x["ns"]) if x else "-" for x in f))
        w("  %5d   %s   %s" % (bucket, cells[0], cells[1]))
    w("")
    w("Targets (issue 6)")
    w("  library parse + JSON text >= 10x lognormalizer (sendmail):  %5.2fx  %s" % (
        sm_json / lnj, verdict(sm_json >= 10 * lnj)))
    w("    (for information: parse + libfastjson objects %.2fx lognormalizer)" % (sm_fjson / lnj))
    w("  library parse + JSON text >= 1M lines/s/core: sendmail %.2fM %s, sun_mta %.2fM %s" % (
        sm_json / 1e6, verdict(sm_json >= 1e6), sun_json / 1e6, verdict(sun_json >= 1e6)))
    w("    (for information: parse + libfastjson objects sendmail %.2fM, sun_mta %.2fM)" % (
        sm_fjson / 1e6, sun_fjson / 1e6))
    for x, what in (("c", 'output="tree"'), ("d", 'output="text"')):
        w("  end to end (%s) %-14s %s/a >= 0.85:  %.2f  %s" % (x, what, x, ratio[x + "a"], verdict(ratio[x + "a"] >= 0.85)))
        w("  end to end (%s) %-14s %s/b >= 1.30:  %.2f  %s" % (x, what, x, ratio[x + "b"], verdict(ratio[x + "b"] >= 1.3)))
    return "\n".join(out) + "\n"




def commit():
    """HEAD of the source tree, "+" when lib/, plugins/ or rulebases/ have changes."""
    try:
        head = subprocess.run(["git", "-C", SRCDIR, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, check=True).stdout.decode().strip()
        dirty = subprocess.run(["git", "-C", SRCDIR, "status", "--porcelain", "--", "lib", "plugins", "rulebases"],
                               stdout=subprocess.PIPE, check=True).stdout.strip()
        return "commit " + head + ("+" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"


def main():
    os.makedirs(WORK, exist_ok=True)
    started = time.monotonic()

    for tool in (RSYSLOGD, MMMAILNORM):
        if not os.path.exists(tool):
            sys.exit("bench: %s not found (run make first)" % tool)
    paths = make_corpora([("sendmail", LINES), ("sun_mta", LINES), ("postfix", LINES), ("lengths", LENGTH_LINES)]
                         + ([("sendmail", E2E_LINES)] if E2E_LINES != LINES else []))
    sm_path, sun_path = paths["sendmail"], paths["sun_mta"]
    e2e_path = corpus("sendmail", E2E_LINES)[0]
    sm_lines, sm_bytes = line_stats(sm_path)
    sun_lines, sun_bytes = line_stats(sun_path)
    pf_path = paths["postfix"]
    pf_lines, pf_bytes = line_stats(pf_path)
    with open("/proc/cpuinfo") as f:
        model = re.search(r"model name\s*:\s*(.*)", f.read())
    rsyslog_version = subprocess.run([RSYSLOGD, "-v"], stdout=subprocess.PIPE).stdout.decode().split()[1]
    info = {"machine": "%d x %s" % (os.cpu_count(), model.group(1) if model else "?"),
            "rsyslog": rsyslog_version, "sm_lines": sm_lines, "sm_avg": sm_bytes / sm_lines - 1,
            "sun_lines": sun_lines, "sun_avg": sun_bytes / sun_lines - 1,
            "pf_lines": pf_lines, "pf_avg": pf_bytes / pf_lines - 1, "commit": commit()}

    exe = build_mnbench()
    lib = {}
    for fmt, path in (("sendmail", sm_path), ("sun_mta", sun_path)):
        for stage in ("parse", "tree", "json", "fjson"):  # one run each: a quiet machine for each
            log("library: %s, %s" % (fmt, stage))
            lib.update(mnbench(exe, fmt, path, stage))
    for stage in ("tree", "json", "fjson"):  # (mnbench's parse-only stage has no Postfix tokenizer,
        log("library: postfix, %s" % stage)  # and its lines name only sendmail and sun_mta)
        lib.update({("postfix", label): f for (_, label), f in mnbench(exe, "postfix", pf_path, stage).items()})
    log("library: line lengths")
    lengths = mnbench(exe, "lengths", paths["lengths"])
    log("lognormalizer")
    ln = lognormalizer(sm_path, rulebase(LINE_PREFIX, "comparable-line.rulebase"))
    log("lognormalizer, Postfix corpus")
    ln_pf = lognormalizer(pf_path, rulebase(LINE_PREFIX, "postfix-line.rulebase", "postfix.rules"))

    feed = make_feed(e2e_path, os.path.join(WORK, "feed.log"))
    msg_rb = rulebase(MSG_PREFIX, "comparable-msg.rulebase")
    runs = {m: [] for m in E2E_MODES}
    check = {}
    for r in range(ROUNDS):
        for mode in E2E_MODES:
            log("rsyslogd (%s), round %d of %d" % (mode, r + 1, ROUNDS))
            # round 1: every output line of (c) and (d) read back as JSON (after the timing)
            runs[mode].append(e2e_run(mode, WORKERS, feed, E2E_LINES, msg_rb,
                                      check=json_lines if r == 0 and mode in "cd" else None))
            if "check" in runs[mode][-1]:
                check[mode] = runs[mode][-1].pop("check")
    e2e = {m: median_run(runs[m]) for m in E2E_MODES}
    scaling = {WORKERS: e2e["c"]["rate"]}
    for workers in (1, 4):
        log("rsyslogd (c), %d workers" % workers)
        scaling[workers] = e2e_run("c", workers, feed, E2E_LINES, msg_rb)["rate"]
    log("rsyslogd (c), correlate=on")
    extra = {"correlate": e2e_run("c-correlate", WORKERS, feed, E2E_LINES, msg_rb)}
    os.remove(feed)
    sun_count = min(E2E_LINES, sun_lines)
    feed = make_feed(sun_path, os.path.join(WORK, "feed.log"), sun_count, b"Nov 22 10:00:00 mta1 imta: ")
    log("rsyslogd (c), Sun MTA corpus")
    extra["sun"] = e2e_run("c", WORKERS, feed, sun_count, msg_rb)
    os.remove(feed)
    pf_count = min(E2E_LINES, pf_lines)
    feed = make_feed(pf_path, os.path.join(WORK, "feed.log"), pf_count)
    log("rsyslogd (b), Postfix corpus")
    extra["postfix_b"] = e2e_run("b", WORKERS, feed, pf_count,
                                 rulebase(MSG_PREFIX, "postfix-msg.rulebase", "postfix.rules"))
    log("rsyslogd (c), Postfix corpus")
    extra["postfix"] = e2e_run("c", WORKERS, feed, pf_count, msg_rb)
    os.remove(feed)

    text = table(info, lib, ln, ln_pf, e2e, extra, scaling, lengths, check)
    text += "(make bench took %.0f s)\n" % (time.monotonic() - started)
    with open(os.path.join(WORK, "table.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
