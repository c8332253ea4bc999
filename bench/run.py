#!/usr/bin/env python3
"""`make bench`: the library's, the command's and the module's cost per line, like against
like (issue 14): liblognorm in the same process, the lognormalizer command, rsyslogd
without parsing and with mmnormalize, and the shipped storage configurations of doc/
against the same pipeline without parsing and with mmnormalize. Prints one plain-text
table (also $BENCH_DIR/table.txt), the rows of doc/performance.md's table, and writes a
figure ($BENCH_FIGURE). Never part of `make check`.

Every figure is measured BENCH_ROUNDS times and printed as the median with [min-max]. The
rounds run across the sections: round r of every section (library, commands, rsyslogd)
before round r + 1 of any, and the BENCH_STORAGE_ROUNDS storage rounds spread evenly among
them (5 and 3: after rounds 1, 3 and 5). The VM's speed drifts over minutes; a section's
rounds run back to back would span only its own few minutes, and a second run would meet
other moments. So each figure's [min-max] spans the whole run, and two runs at the same
commit should agree within the printed spread: the previous table is kept
($BENCH_DIR/table-previous.txt) and, when it is of the same commit, set against the new one
(bench/agree.py). A ratio's two sides are measured in the same round.

  library   mnbench (bench/mnbench.c, -O2, one core, TZ set, 1 MiB output buffer), one pass
            per measurement: parse, tree, json (JSON text: the command, output="text"),
            fjson (libfastjson objects, serialised and freed: output="tree"), and
            liblognorm in the same binary (ln_normalize + fjson_object_to_json_string) with
            bench/minimal.rules and bench/comparable.rules; the Postfix corpus through the
            same stages and liblognorm with bench/postfix.rules
  commands  mailnorm against lognormalizer -e json (both rulebases; Postfix: postfix.rules),
            stdin to /dev/null
  rsyslogd  imptcp -> action -> omfile: (a) no parsing, (m) mmnormalize minimal rules,
            (b) mmnormalize comparable rules, (c) mmmailnorm output="tree", (d) output="text",
            (c+corr) correlate="on", the Sun MTA corpus through (a) and (c), the sessions
            corpus (gen.py sendmail_sessions: a third of the lines find their envelope)
            through (c) and (c+corr), for the correlation target, and the Postfix
            corpus through (a), (p) mmnormalize with bench/postfix.rules and (c); CPU per
            message in all and per thread (input, workers); round 1 checks (c) against (d)
  storage   doc/elasticsearch and doc/postgresql as shipped (tests/storage/*_rate.sh:
            the tests' receiver, a private PostgreSQL), against the same pipeline without
            parsing (the document: the raw message; Elasticsearch: in the daily index of
            its syslog time, as shipped; PostgreSQL: and what the ruleset adds) and with
            mmnormalize + bench/minimal.rules (the same, its fields added)

Environment (make bench sets the tools; the rest are knobs):
  BENCH_QUICK=1           a quick subset to check that everything runs (about 5 minutes):
                          50000 lines, 2 rounds, one storage round of 3000 / 1000 lines
  BENCH_LINES=1000000     lines per corpus (library, commands, rsyslogd)
  BENCH_E2E_LINES=        messages per rsyslogd run (default: BENCH_LINES)
  BENCH_ROUNDS=5          rounds: each figure measured once a round (median, min-max)
  BENCH_ES_LINES=30000, BENCH_PG_LINES=5000  lines per storage run (the PostgreSQL
                          configuration commits each row: a few hundred rows/s; at most
                          the sendmail corpus' lines)
  BENCH_STORAGE_ROUNDS=3  storage rounds, spread over the BENCH_ROUNDS rounds
  BENCH_STORAGE=1         0: leave the storage configurations out
  BENCH_LENGTH_LINES=20000  lines per length bucket and format
  BENCH_SEED=6            corpus seed
  BENCH_DIR=/tmp/mailnorm-bench  corpora (kept, keyed by size, seed and gen.py), work files
  BENCH_FIGURE=$BENCH_DIR/performance.svg  the figure (make bench: doc/performance.svg)
  BENCH_QUIET_WAIT=120    seconds to wait in all, before the measurements, for other
                          processes to leave the cores alone (the table says how much they
                          used anyway)
  srcdir, CC, LIBFASTJSON_CFLAGS, LIBLOGNORM_LIBS, RSYSLOGD, MMMAILNORM, MAILNORM, LOGNORMALIZER
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
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
LINES = int(os.environ.get("BENCH_LINES") or (50000 if QUICK else 1000000))
E2E_LINES = int(os.environ.get("BENCH_E2E_LINES") or LINES)
ROUNDS = int(os.environ.get("BENCH_ROUNDS") or (2 if QUICK else 5))
STORAGE_LINES = {"es": int(os.environ.get("BENCH_ES_LINES") or (3000 if QUICK else 30000)),
                 "pg": int(os.environ.get("BENCH_PG_LINES") or (1000 if QUICK else 5000))}
STORAGE_ROUNDS = int(os.environ.get("BENCH_STORAGE_ROUNDS") or (1 if QUICK else 3))
STORAGE = os.environ.get("BENCH_STORAGE", "1") != "0"
LENGTH_LINES = int(os.environ.get("BENCH_LENGTH_LINES") or (2000 if QUICK else 20000))
SEED = int(os.environ.get("BENCH_SEED") or 6)
WORK = os.path.abspath(os.environ.get("BENCH_DIR") or "/tmp/mailnorm-bench")
FIGURE = os.environ.get("BENCH_FIGURE") or os.path.join(WORK, "performance.svg")
CC = os.environ.get("CC") or "cc"
RSYSLOGD = os.environ.get("RSYSLOGD") or "/usr/sbin/rsyslogd"
MMMAILNORM = os.path.abspath(os.environ.get("MMMAILNORM")
                             or os.path.join("plugins", "mmmailnorm", ".libs", "mmmailnorm.so"))
MAILNORM = os.path.abspath(os.environ.get("MAILNORM") or "mailnorm")
LOGNORMALIZER = os.environ.get("LOGNORMALIZER") or shutil.which("lognormalizer") or "lognormalizer"
RULEBASE_DIR = os.environ.get("MAILNORM_RULEBASE_DIR") or os.path.join(SRCDIR, "rulebases")
TIMEOUT = 300  # seconds for one rsyslogd run to deliver everything
QUIET_WAIT = float(os.environ.get("BENCH_QUIET_WAIT") or (10 if QUICK else 120))
CLK_TCK = os.sysconf("SC_CLK_TCK")
ONE_CPU = {max(os.sched_getaffinity(0))}  # library runs are pinned to one core
WORKERS = 2  # rsyslogd's worker threads in the (a) to (d) runs: one per core
RULES = ("minimal", "comparable")  # bench/minimal.rules, bench/comparable.rules (sendmail)
POSTFIX_RULES = "postfix"  # bench/postfix.rules: the comparable rules of the Postfix corpus

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


def mnbench(exe, what, path, stage=None, extra=(), repeat=1):
    """Runs mnbench; returns {(format, label): {key: value}}."""
    env = dict(os.environ, MAILNORM_RULEBASE_DIR=RULEBASE_DIR)
    wait_for_quiet()
    mark = OTHERS.start()
    out = subprocess.run([exe, what, path, str(repeat)] + ([stage] if stage else []) + list(extra), check=True,
                         stdout=subprocess.PIPE, env=env, preexec_fn=pinned).stdout.decode()
    OTHERS.stop(mark)
    figures = {}
    for line in out.splitlines():
        fmt, label, *rest = line.split()
        figures[(fmt, label)] = dict(kv.split("=", 1) for kv in rest)
    return figures


def rulebase(prefix, name, rules):
    """bench/<rules>.rules as a v2 rulebase with the prefix (whole lines or rsyslog's msg)."""
    path = os.path.join(WORK, name)
    with open(os.path.join(BENCH, rules + ".rules")) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write("version=2\n%s\n%s" % (prefix, text))
    return path


def library_jobs(paths, line_rbs):
    """The library's measurements: (format, label, corpus, stage, extra mnbench arguments)."""
    stages = ("parse", "tree", "json", "fjson")
    jobs = [("sendmail", s, None) for s in stages]
    jobs += [("sendmail", "lognorm-" + r, line_rbs[r]) for r in RULES]
    jobs += [("sun_mta", s, None) for s in stages]
    jobs += [("postfix", s, None) for s in stages]
    jobs += [("postfix", "lognorm-" + POSTFIX_RULES, line_rbs[POSTFIX_RULES])]
    return [(fmt, label, paths[fmt], None if rb else label, ("lognorm", rb) if rb else ())
            for fmt, label, rb in jobs]


def library_round(exe, jobs, r, results):
    """Round r of the library: every job once; results: {(fmt, stage): [figure dicts]}."""
    for fmt, label, path, stage, extra in jobs:
        log("library: %s %s, round %d of %d" % (fmt, label, r + 1, ROUNDS))
        got = mnbench(exe, fmt, path, stage=stage, extra=extra)
        results[(fmt, label)].append(got[(fmt, "lognorm" if extra else label)])


def timed_command(argv, stdin_path, env=None):
    """Wall and CPU seconds of a command reading stdin_path, writing to /dev/null."""
    wait_for_quiet()
    with open(stdin_path, "rb") as inp:
        mark = OTHERS.start()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(argv, stdin=inp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=pinned, env=env)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        OTHERS.stop(mark)
    if proc.returncode != 0:
        sys.exit("bench: %s failed (%d)" % (argv[0], proc.returncode))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


def command_jobs(paths, line_rbs):
    """mailnorm and lognormalizer -e json: (name, argv, stdin, environment); TZ unset for
    mailnorm: it must not need it."""
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    env["MAILNORM_RULEBASE_DIR"] = RULEBASE_DIR
    sm_path, pf_path = paths["sendmail"], paths["postfix"]
    jobs = [("mailnorm", [MAILNORM], sm_path, env),
            ("mailnorm-sun", [MAILNORM], paths["sun_mta"], env),
            ("mailnorm-postfix", [MAILNORM], pf_path, env)]
    jobs += [("lognormalizer-" + r, [LOGNORMALIZER, "-r", line_rbs[r], "-e", "json", "-T"], sm_path, None)
             for r in RULES]
    jobs += [("lognormalizer-" + POSTFIX_RULES,
              [LOGNORMALIZER, "-r", line_rbs[POSTFIX_RULES], "-e", "json", "-T"], pf_path, None)]
    return jobs


def command_round(jobs, r, results):
    """Round r of the commands: every job once; results: {name: [{wall, cpu}]}."""
    for name, argv, path, env in jobs:
        log("command: %s, round %d of %d" % (name, r + 1, ROUNDS))
        results[name].append(timed_command(argv, path, env))


def lognormalizer_counts(corpus_path, rb):
    """Lines lognormalizer leaves unparsed, and those the comparable rules' tail takes."""
    def count(args):
        with open(corpus_path, "rb") as inp:
            out = subprocess.run([LOGNORMALIZER, "-r", rb, *args], stdin=inp, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL).stdout
        return out.count(b"\n")
    return {"unparsed": count(["-e", "raw", "-P"]), "partial": count(["-e", "raw", "-t", "partial"])}


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


E2E_MODES = {  # name: (module, action, template, what the table calls it)
    "a": ("", "", "%msg%\\n", "(a) no parsing (%msg%)"),
    "m": ('module(load="mmnormalize")', 'action(type="mmnormalize" rulebase="{minimal}" path="$!mail")',
          "%$!mail%\\n", "(m) mmnormalize, minimal rules"),
    "b": ('module(load="mmnormalize")', 'action(type="mmnormalize" rulebase="{comparable}" path="$!mail")',
          "%$!mail%\\n", "(b) mmnormalize, comparable rules"),
    "c": ('module(load="{module}")', 'action(type="mmmailnorm")', "%$!mail%\\n",
          '(c) mmmailnorm, output="tree" (the default)'),
    "d": ('module(load="{module}")', 'action(type="mmmailnorm" output="text")', "%$!mail%\\n",
          '(d) mmmailnorm, output="text"'),
    "c+corr": ('module(load="{module}")', 'action(type="mmmailnorm" correlate="on")', "%$!mail%\\n",
               '(c) with correlate="on"'),
    "p": ('module(load="mmnormalize")', 'action(type="mmnormalize" rulebase="{postfix}" path="$!mail")',
          "%$!mail%\\n", "(p) mmnormalize, postfix.rules"),
}
SENDMAIL_MODES = ("a", "m", "b", "c", "d", "c+corr")  # the sendmail corpus' runs
# the other corpora's runs: (name, mode, corpus, what the table calls it)
OTHER_RUNS = (("a-sun", "a", "sun_mta", "(a) no parsing, Sun MTA corpus"),
              ("c-sun", "c", "sun_mta", '(c) output="tree", Sun MTA corpus'),
              ("a-pf", "a", "postfix", "(a) no parsing, Postfix corpus"),
              ("p-pf", "p", "postfix", "(p) mmnormalize postfix.rules, Postfix"),
              ("c-pf", "c", "postfix", '(c) mmmailnorm, output="tree", Postfix'),
              ("c-ses", "c", "sendmail_sessions", '(c) output="tree", sessions corpus'),
              ("c+corr-ses", "c+corr", "sendmail_sessions", '(c) correlate="on", sessions corpus'))


def e2e_config(d, mode, workers, msg_rbs):
    load, action, template, _ = E2E_MODES[mode]
    names = dict(msg_rbs, module=MMMAILNORM)
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
""".format(d=d, load=load.format(**names), action=action.format(**names), template=template, workers=workers)


def proc_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def thread_cpu_seconds(pid):
    """CPU seconds per kind of rsyslogd thread: input (imptcp's "in:..."), workers (the
    ruleset queue's "rs:..."), other (main thread, housekeeping)."""
    cpu = {"input": 0.0, "workers": 0.0, "other": 0.0}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        kind = "input" if name.startswith("in:") else "workers" if name.startswith("rs:") else "other"
        cpu[kind] += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return cpu


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


def e2e_run(mode, workers, feed, count, msg_rbs, run_under=(), timeout=TIMEOUT, check=None):
    """One rsyslogd run (run_under: a command to run it with, e.g. valgrind). check: called
    with the output file's path once the measurement is over; its value is result["check"]."""
    d = os.path.join(WORK, "rsyslog-%s-%d" % (mode, workers))
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "rsyslog.conf"), "w") as f:
        f.write(e2e_config(d, mode, workers, msg_rbs))
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
        threads0 = thread_cpu_seconds(proc.pid)
        markers = [] if mode == "a" else [b'"unparsed-data"', b'"partial"'] if mode in ("m", "b", "p") \
            else [b'"unparsed"', b'"correlated": true']
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
        threads = thread_cpu_seconds(proc.pid)
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
              "counts": counter.counts,
              "threads": {k: (threads[k] - threads0.get(k, 0.0)) / count * 1e6 for k in threads}}
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


def rsyslogd_feeds(paths, e2e_path, sun_lines, pf_lines):
    """{corpus: (feed path, messages)}: what the rsyslogd runs send."""
    sun_count, pf_count = min(E2E_LINES, sun_lines), min(E2E_LINES, pf_lines)
    return {"sendmail": (make_feed(e2e_path, os.path.join(WORK, "feed.log")), E2E_LINES),
            "sun_mta": (make_feed(paths["sun_mta"], os.path.join(WORK, "feed-sun.log"), sun_count,
                                  b"Nov 22 10:00:00 mta1 imta: "), sun_count),
            "postfix": (make_feed(paths["postfix"], os.path.join(WORK, "feed-postfix.log"), pf_count), pf_count),
            "sendmail_sessions": (make_feed(paths["sendmail_sessions"], os.path.join(WORK, "feed-sessions.log")),
                                  E2E_LINES)}


def rsyslogd_jobs(feeds):
    """The rsyslogd rows: (name, mode, feed path, messages)."""
    jobs = [(m, m, "sendmail") for m in SENDMAIL_MODES] + [(name, mode, feed) for name, mode, feed, _ in OTHER_RUNS]
    return [(name, mode) + feeds[feed] for name, mode, feed in jobs]


def rsyslogd_round(jobs, msg_rbs, r, runs, check):
    """Round r of rsyslogd: every row once; runs: {name: [figure dicts]}; round 1 also reads
    every output line of (c) and (d) back as JSON (after the timing) into check."""
    for name, mode, feed, count in jobs:
        log("rsyslogd %s, round %d of %d" % (name, r + 1, ROUNDS))
        got = e2e_run(mode, WORKERS, feed, count, msg_rbs,
                      check=json_lines if r == 0 and name in ("c", "d") else None)
        if "check" in got:
            check[name] = got.pop("check")
        runs[name].append(got)


# --- the shipped storage configurations ---------------------------------------------------

STORAGE_CONFS = {"es": ("doc/elasticsearch/rsyslog.conf", "tests/storage/es_rate.sh"),
                 "pg": ("doc/postgresql/rsyslog.conf", "tests/storage/pg_rate.sh")}
PARSE_LINES = re.compile(r'^( *)action\(type="mmmailnorm"[^\n]*\n\s*#[^\n]*\n\s*if \$parsesuccess != "OK" then stop\n',
                         re.M)


def own_pipeline_id(text, conf):
    """The shipped configuration's line id (the module's $.mail!id) as a pipeline of the user's
    own, without the module, would make it: rsyslog's %uuid%."""
    uses = text.count("%$.mail!id%") + text.count('property(name="$.mail!id")')
    text = text.replace("%$.mail!id%", "%uuid%").replace('property(name="$.mail!id")', 'property(name="uuid")')
    if uses == 0 or re.search(r"^[^#\n]*\$\.mail!id", text, re.M):
        sys.exit("bench: %s: the line id $.mail!id not found where the variants replace it" % conf)
    return text


def storage_variant(kind, variant, msg_rbs):
    """The shipped configuration (variant "shipped"), or the same with the module's action
    and its "stop unless parsed" replaced: "noparse" (the document: the raw message, and
    what the ruleset adds) or "mmnormalize" (bench/minimal.rules into $!mail), both with
    rsyslog's %uuid% for the module's line id. Written beside a copy of what the *_rate.sh
    script needs from its directory."""
    conf, _ = STORAGE_CONFS[kind]
    with open(os.path.join(SRCDIR, conf)) as f:
        text = f.read()
    if not PARSE_LINES.search(text):
        sys.exit("bench: %s: the mmmailnorm action and the $parsesuccess line not found" % conf)
    if variant != "shipped":
        body = {"noparse": "", "mmnormalize": 'action(type="mmnormalize" rulebase="%s" path="$!mail")'
                % msg_rbs["minimal"]}[variant]
        if kind == "pg":  # the table's NOT NULL columns (schema.sql) and the raw message
            body += '\n    set $!mail!message = $msg;\n    set $!mail!event!module = "none";' \
                    '\n    set $!mail!event!action = "other";'
        else:  # the raw message, and the day that names the index (the module's routing): the
            # same daily indices as shipped, for the syslog time
            body += '\n    set $!mail!message = $msg;\n    set $.mail!date = exec_template("bench-day");'
            text = text.replace("# --- processing", 'template(name="bench-day" type="string" string='
                                '"%timereported:1:4:date-rfc3339%.%timereported:6:7:date-rfc3339%.'
                                '%timereported:9:10:date-rfc3339%")\n\n# --- processing', 1)

        text = PARSE_LINES.sub(lambda m: m.group(1) + body + "\n", text)
        text = own_pipeline_id(text, conf)
        if variant == "mmnormalize":
            text = text.replace('module(load="mmmailnorm")', 'module(load="mmmailnorm")\nmodule(load="mmnormalize")')
    d = os.path.join(WORK, "storage", kind + "-" + variant)
    os.makedirs(d, exist_ok=True)
    for extra in ("schema.sql",):
        src = os.path.join(SRCDIR, os.path.dirname(conf), extra)
        if os.path.exists(src):
            shutil.copy(src, d)
    path = os.path.join(d, "rsyslog.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


RATE_LINE = re.compile(r"RATE .*: (\d+) lines in ([\d.]+) s: \d+/s, rsyslogd CPU ([\d.]+) ")
RATE_THREADS = re.compile(r"rsyslogd CPU by thread: inputs ([\d.]+), parsing ruleset ([\d.]+), actions ([\d.]+),"
                          r" other ([\d.]+) ")
RATE_SERVER = re.compile(r"PostgreSQL server CPU ([\d.]+) ")


def storage_run(kind, conf, lines_path, count):
    """One run of tests/storage/<kind>_rate.sh; None when it skips (no PostgreSQL ...)."""
    _, script = STORAGE_CONFS[kind]
    env = dict(os.environ, srcdir=SRCDIR, MMMAILNORM=MMMAILNORM, RSYSLOGD=RSYSLOGD, PYTHON3=sys.executable,
               MAILNORM=MAILNORM, MAILNORM_RULEBASE_DIR=RULEBASE_DIR, RATE_LINES=lines_path)
    wait_for_quiet()
    mark = OTHERS.start()
    proc = subprocess.run(["bash", os.path.join(SRCDIR, script), conf, str(count)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    OTHERS.stop(mark)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode == 77:
        return {"skipped": out.strip().splitlines()[-1] if out.strip() else "skipped"}
    m = RATE_LINE.search(out)
    if proc.returncode != 0 or not m:
        sys.exit("bench: %s %s failed:\n%s" % (script, conf, out[-3000:]))
    threads = RATE_THREADS.search(out)
    server = RATE_SERVER.search(out)
    return {"rate": int(m.group(1)) / float(m.group(2)), "cpu_per_m": float(m.group(3)),
            "threads": [float(t) for t in threads.groups()] if threads else None,
            "server": float(server.group(1)) if server else None}


def storage_setup(sm_path, msg_rbs):
    """The storage runs' feeds ({kind: path}) and configurations ({(kind, variant): path})."""
    lines = {k: make_feed(sm_path, os.path.join(WORK, "storage-%s.log" % k), STORAGE_LINES[k]) for k in STORAGE_CONFS}
    confs = {(k, v): storage_variant(k, v, msg_rbs) for k in STORAGE_CONFS
             for v in ("shipped", "noparse", "mmnormalize")}
    return lines, confs


def storage_schedule():
    """{round: [storage rounds run after it]}: storage round k after the middle of the k-th of
    STORAGE_ROUNDS equal slices of the ROUNDS rounds (5 and 3: after rounds 1, 3 and 5), so
    that the storage figures too span the whole run."""
    at = collections.defaultdict(list)
    for k in range(STORAGE_ROUNDS):
        at[int((k + 0.5) * ROUNDS / STORAGE_ROUNDS)].append(k)
    return at


def storage_round(setup, k, results, skipped):
    """Storage round k: the shipped configurations and their two variants, each once;
    results: {(kind, variant): [figure dicts]}, skipped: {kind: why}."""
    lines, confs = setup
    for (kind, variant), conf in confs.items():
        if kind in skipped:
            continue
        log("storage: %s %s, round %d of %d" % (kind, variant, k + 1, STORAGE_ROUNDS))
        got = storage_run(kind, conf, lines[kind], STORAGE_LINES[kind])
        if "skipped" in got:
            skipped[kind] = got["skipped"]
            continue
        results[(kind, variant)].append(got)


# --- the rounds --------------------------------------------------------------------------------

Jobs = collections.namedtuple("Jobs", "exe library commands rsyslogd msg_rbs storage")


class Results:
    """Each section's figures, a list per row with one entry per round."""

    def __init__(self):
        self.library, self.commands, self.rsyslogd, self.storage = (collections.defaultdict(list) for _ in range(4))
        self.check, self.skipped = {}, {}


def measure(jobs):
    """Round r of every section before round r + 1 of any (the storage rounds spread over the
    run: storage_schedule): each figure's [min-max] spans the whole run, so that it covers the
    machine's drift over minutes as a second run would meet it."""
    got = Results()
    storage_at = storage_schedule() if jobs.storage else {}
    for r in range(ROUNDS):
        library_round(jobs.exe, jobs.library, r, got.library)
        command_round(jobs.commands, r, got.commands)
        rsyslogd_round(jobs.rsyslogd, jobs.msg_rbs, r, got.rsyslogd, got.check)
        for k in storage_at.get(r, ()):
            storage_round(jobs.storage, k, got.storage, got.skipped)
    return got


# --- the table -------------------------------------------------------------------------------

def verdict(ok):
    return "met" if ok else "NOT met"


def spread(values, fmt="%.0f"):
    """"median [min-max]" of the measurements."""
    return "%s [%s-%s]" % (fmt % statistics.median(values), fmt % min(values), fmt % max(values))


def med(values):
    return statistics.median(values)


def per_round(a, b):
    """a[i] / b[i] for each round i. Both sides of a target's ratio are measured in the same
    round (interleaved), so the machine's speed drifting between rounds cancels out of it
    (two runs at one commit disagreed on the figures, not as much on these)."""
    return [x / y for x, y in zip(a, b)]


class Report:
    """The table's text, and the figures the targets and doc/performance.md need."""

    def __init__(self):
        self.lines, self.doc_rows, self.targets = [], [], []

    def w(self, text=""):
        self.lines.append(text)

    def target(self, what, values, need, unit="x"):
        """values: the figure of each round; need: whether the median meets the target."""
        value = med(values)
        self.row(what, values, unit, verdict(need(value)), "met" if need(value) else "not met")

    def measured(self, what, values, unit="x"):
        """A ratio with no target (issue 14's are for sendmail and the Sun MTA): a row of
        doc/performance.md's table all the same, so that a later run can be compared."""
        self.row(what, values, unit, "(no target)", "no target")

    def row(self, what, values, unit, verdict_text, doc_verdict):
        figure = "%.2f%s [%.2f-%.2f]" % (med(values), unit, min(values), max(values))
        self.targets.append("  %-66s %22s  %s" % (what, figure, verdict_text))
        self.doc_rows.append("| %s | %s | %s |" % (what, figure, doc_verdict))


def library_section(rep, lib, ln_counts, pf_counts):
    rep.w("Library, one core (mnbench -O2, TZ set, 1 MiB output buffer); %d passes each, interleaved;" % ROUNDS)
    rep.w("  CPU time of the pass (lines/s: per CPU-second)")
    rep.w("  %-52s %26s %24s   %s" % ("", "lines/s median [min-max]", "ns/line median [min-max]", "result"))
    names = [("sendmail", "parse", "parse only"), ("sendmail", "tree", "mn_normalize (parse + tree)"),
             ("sendmail", "json", "mn_normalize + JSON text (json)"),
             ("sendmail", "fjson", "mn_normalize + libfastjson objects (fjson)"),
             ("sendmail", "lognorm-minimal", "ln_normalize + to_json_string, minimal.rules"),
             ("sendmail", "lognorm-comparable", "ln_normalize + to_json_string, comparable.rules"),
             ("sun_mta", "parse", "parse only"), ("sun_mta", "tree", "mn_normalize (parse + tree)"),
             ("sun_mta", "json", "mn_normalize + JSON text (json)"),
             ("sun_mta", "fjson", "mn_normalize + libfastjson objects (fjson)"),
             ("postfix", "parse", "parse only"), ("postfix", "tree", "mn_normalize (parse + tree)"),
             ("postfix", "json", "mn_normalize + JSON text (json)"),
             ("postfix", "fjson", "mn_normalize + libfastjson objects (fjson)"),
             ("postfix", "lognorm-" + POSTFIX_RULES, "ln_normalize + to_json_string, postfix.rules")]
    ns = {}
    for fmt, stage, what in names:
        runs = lib[(fmt, stage)]
        ns[(fmt, stage)] = [float(x["ns"]) for x in runs]
        res = runs[0]["result"] if stage != "parse" else "-"
        rep.w("  %-8s %-43s %26s %24s   %s" % (fmt, what, spread([1e9 / x for x in ns[(fmt, stage)]]),
                                               spread(ns[(fmt, stage)]), res))
    rep.w("  result: parsed/partial/unrecognised (liblognorm: matched/0/unmatched); comparable.rules take")
    rep.w("  %.1f%% of the lines with their tail rule; postfix.rules leave %d of the Postfix lines unparsed"
          % (100.0 * ln_counts["partial"] / LINES, pf_counts["unparsed"]))
    for r, need in (("minimal", 2.0), ("comparable", 4.0)):
        rep.target("library: mn_normalize + JSON text vs ln_normalize, %s rules (>= %.0fx)" % (r, need),
                   per_round(ns[("sendmail", "lognorm-" + r)], ns[("sendmail", "json")]), lambda x, n=need: x >= n)
    mlines = {fmt: [1e3 / x for x in ns[(fmt, "json")]] for fmt in ("sendmail", "sun_mta", "postfix")}
    rep.target("library: sendmail lines/s/core, JSON text (>= 1.5M)", mlines["sendmail"], lambda x: x >= 1.5, "M")
    rep.target("library: Sun MTA entries/s/core, JSON text (>= 1M)", mlines["sun_mta"], lambda x: x >= 1.0, "M")
    rep.measured("library: Postfix, JSON text vs ln_normalize, postfix.rules",
                 per_round(ns[("postfix", "lognorm-" + POSTFIX_RULES)], ns[("postfix", "json")]))
    rep.measured("library: Postfix lines/s/core, JSON text", mlines["postfix"], "M")


def commands_section(rep, cmd):
    rep.w("Commands, one core, stdin -> /dev/null (%d lines; %d runs each, interleaved; mailnorm with TZ unset)"
          % (LINES, ROUNDS))
    rep.w("  %-52s %26s %26s" % ("", "lines/s median [min-max]", "lines/CPU-s median [min-max]"))
    for name, what in (("mailnorm", "mailnorm, sendmail"), ("lognormalizer-minimal", "lognormalizer -e json, minimal.rules"),
                       ("lognormalizer-comparable", "lognormalizer -e json, comparable.rules"),
                       ("mailnorm-sun", "mailnorm, Sun MTA"), ("mailnorm-postfix", "mailnorm, Postfix"),
                       ("lognormalizer-" + POSTFIX_RULES, "lognormalizer -e json, postfix.rules (Postfix)")):
        runs = cmd[name]
        rep.w("  %-52s %26s %26s" % (what, spread([LINES / x["wall"] for x in runs]),
                                     spread([LINES / x["cpu"] for x in runs])))
    rep.w("  (the ratios below are of CPU time, user + system: steadier than wall time on a shared machine)")
    cpu = {name: [x["cpu"] for x in runs] for name, runs in cmd.items()}
    for r in RULES:
        rep.target("command: mailnorm vs lognormalizer, %s rules (>= 3x)" % r,
                   per_round(cpu["lognormalizer-" + r], cpu["mailnorm"]), lambda x: x >= 3.0)
    rep.measured("command: Postfix, mailnorm vs lognormalizer, postfix.rules",
                 per_round(cpu["lognormalizer-" + POSTFIX_RULES], cpu["mailnorm-postfix"]))


def e2e_section(rep, runs, check):
    rep.w("rsyslogd %s: imptcp (loopback, one sender) -> [action] -> omfile, %d workers, %d messages;"
          % (rep.rsyslog, WORKERS, E2E_LINES))
    rep.w("  %d runs each, interleaved; CPU: rsyslogd's user+system per message, in all and by thread" % ROUNDS)
    rep.w("  %-44s %24s %22s %20s" % ("", "msg/s median [min-max]", "CPU us/msg med [min-max]",
                                      "input/workers/other"))
    rows = [(m, E2E_MODES[m][3]) for m in SENDMAIL_MODES] + [(name, what) for name, _, _, what in OTHER_RUNS]
    for mode, what in rows:
        rr = runs[mode]
        t = {k: med([r["threads"][k] for r in rr]) for k in ("input", "workers", "other")}
        counts = rr[0]["counts"]
        note = ""
        if b'"unparsed-data"' in counts:
            note = "  %d unparsed" % counts[b'"unparsed-data"']
        elif b'"unparsed"' in counts:
            note = "  %d partial" % counts[b'"unparsed"']
        if counts.get(b'"correlated": true'):
            note += ", %d correlated" % counts[b'"correlated": true']
        rep.w("  %-44s %24s %22s %20s%s" % (what, spread([r["rate"] for r in rr]),
                                            spread([r["cpu_per_m"] for r in rr], "%.2f"),
                                            "%.2f/%.2f/%.2f" % (t["input"], t["workers"], t["other"]), note))
    rate = {m: med([r["rate"] for r in runs[m]]) for m in runs}
    cpu = {m: med([r["cpu_per_m"] for r in runs[m]]) for m in runs}
    rep.w("  rate ratios: c/a %.2f  d/a %.2f  c/m %.2f  c/b %.2f  d/b %.2f   CPU per message: c/a %.2f  c/b %.2f  d/a %.2f"
          % (rate["c"] / rate["a"], rate["d"] / rate["a"], rate["c"] / rate["m"], rate["c"] / rate["b"],
             rate["d"] / rate["b"], cpu["c"] / cpu["a"], cpu["c"] / cpu["b"], cpu["d"] / cpu["a"]))
    rep.w("  Postfix corpus: rate c/a %.2f  c/p %.2f   CPU per message: c/a %.2f  c/p %.2f"
          % (rate["c-pf"] / rate["a-pf"], rate["c-pf"] / rate["p-pf"], cpu["c-pf"] / cpu["a-pf"],
             cpu["c-pf"] / cpu["p-pf"]))
    if check:
        c, d = check["c"], check["d"]
        only_d, only_c = compare_outputs(c, d)
        rep.w("  output check (round 1, all lines): (c) %d lines, %d not a JSON object; (d) %d, %d; (d) against (c): %s"
              % (c["lines"], c["invalid"], d["lines"], d["invalid"], "the same" if not only_d and not only_c else
                 "DIFFER: %d lines of (d) not in (c), %d of (c) not in (d)" % (only_d, only_c)))
    rates = {m: [r["rate"] for r in runs[m]] for m in runs}
    cpus = {m: [r["cpu_per_m"] for r in runs[m]] for m in runs}
    rep.target('rsyslogd: output="tree" vs mmnormalize comparable rules, msg/s (>= 1.0x)',
               per_round(rates["c"], rates["b"]), lambda x: x >= 1.0)
    rep.target('rsyslogd: CPU per message, correlate="on" vs off, sessions corpus (<= 1.3x)',
               per_round(cpus["c+corr-ses"], cpus["c-ses"]), lambda x: x <= 1.3)
    rep.measured('rsyslogd: CPU per message, correlate="on" vs off, no queue id found',
                 per_round(cpus["c+corr"], cpus["c"]))
    rep.target("rsyslogd: CPU per message, Sun MTA entries vs sendmail lines (<= 1.3x)",
               per_round(cpus["c-sun"], cpus["c"]), lambda x: x <= 1.3)
    rep.measured('rsyslogd: Postfix, "tree" vs mmnormalize postfix.rules, msg/s', per_round(rates["c-pf"], rates["p-pf"]))
    rep.measured('rsyslogd: Postfix, "tree" vs mmnormalize postfix.rules, CPU/msg', per_round(cpus["c-pf"], cpus["p-pf"]))
    rep.measured("rsyslogd: CPU per message, Postfix lines vs sendmail lines", per_round(cpus["c-pf"], cpus["c"]))


def storage_section(rep, results, skipped):
    rep.w("Shipped storage configurations (doc/), as shipped and as variants, the tests' receivers")
    rep.w("  (tests/storage/*_rate.sh: es_receiver.py / a private PostgreSQL); %d / %d lines of the sendmail corpus,"
          % (STORAGE_LINES["es"], STORAGE_LINES["pg"]))
    rep.w("  %d runs each, interleaved; CPU: rsyslogd's per line, start-up included, in all and by thread"
          " (inputs/parsing ruleset/actions/other); PostgreSQL: the server's CPU per row beside it" % STORAGE_ROUNDS)
    rep.w("  %-52s %24s %22s %22s" % ("", "msg/s median [min-max]", "CPU us/msg med [min-max]",
                                      "in/ruleset/actions/other"))
    rates = {}
    for kind, name in (("es", "Elasticsearch"), ("pg", "PostgreSQL")):
        if kind in skipped:
            rep.w("  %s: skipped (%s)" % (name, skipped[kind]))
            continue
        for variant, what in (("shipped", "as shipped"), ("noparse", "without parsing"),
                              ("mmnormalize", "mmnormalize, minimal rules")):
            rr = results[(kind, variant)]
            rates[(kind, variant)] = (med([r["rate"] for r in rr]), med([r["cpu_per_m"] for r in rr]))
            threads = [r["threads"] for r in rr if r["threads"]]
            servers = [r["server"] for r in rr if r["server"] is not None]
            rep.w("  %-52s %24s %22s %22s%s" % (
                "%s, %s" % (name, what), spread([r["rate"] for r in rr]), spread([r["cpu_per_m"] for r in rr], "%.1f"),
                "/".join("%.1f" % med([t[i] for t in threads]) for i in range(4)) if threads else "-",
                "  server %s us/row" % spread(servers) if servers else ""))
        shipped, noparse, mmn = (rates[(kind, v)] for v in ("shipped", "noparse", "mmnormalize"))
        rep.w("  %s: msg/s shipped/no-parse %.2f, shipped/mmnormalize %.2f; CPU per message shipped/no-parse %.2f,"
              " shipped/mmnormalize %.2f" % (name, shipped[0] / noparse[0], shipped[0] / mmn[0],
                                             shipped[1] / noparse[1], shipped[1] / mmn[1]))
        each = {(v, k): [r[k] for r in results[(kind, v)]] for v in ("shipped", "noparse", "mmnormalize")
                for k in ("rate", "cpu_per_m")}
        rep.target("%s as shipped, msg/s vs without parsing (>= 0.75)" % name,
                   per_round(each[("shipped", "rate")], each[("noparse", "rate")]), lambda x: x >= 0.75)
        rep.target("%s as shipped, msg/s vs mmnormalize minimal (>= 1.1x)" % name,
                   per_round(each[("shipped", "rate")], each[("mmnormalize", "rate")]), lambda x: x >= 1.1)
        # the receivers (a Python stand-in, a commit per row) may bound msg/s: rsyslogd's CPU
        # per message says what the same targets mean for rsyslogd itself
        rep.target("%s as shipped, CPU/msg vs without parsing (<= 1.33x)" % name,
                   per_round(each[("shipped", "cpu_per_m")], each[("noparse", "cpu_per_m")]), lambda x: x <= 1 / 0.75)
        rep.target("%s as shipped, CPU/msg vs mmnormalize minimal (<= 0.91x)" % name,
                   per_round(each[("shipped", "cpu_per_m")], each[("mmnormalize", "cpu_per_m")]),
                   lambda x: x <= 1 / 1.1)
    return rates


def lengths_section(rep, lengths):
    rep.w("Cost vs line length (library, one core; one shape per format, padded with text; median of 3 passes)")
    rep.w("  ns per line: parse only / parse + JSON text (json) / parse + libfastjson objects (fjson)")
    rep.w("  bytes    sendmail to= parse /   json /  fjson    sun_mta Q entry parse /   json /  fjson")
    for bucket in sorted({int(label.split(":")[0]) for (_, label) in lengths}):
        cells = []
        for fmt in ("sendmail", "sun_mta"):
            f = [lengths.get((fmt, "%d:%s" % (bucket, stage))) for stage in ("parse", "json", "fjson")]
            cells.append("%18s / %6s / %6s" % tuple("%.0f" % float(x["ns"]) if x else "-" for x in f))
        rep.w("  %5d   %s   %s" % (bucket, cells[0], cells[1]))


# --- the figure ------------------------------------------------------------------------------

def svg_figure(path, bars, lengths):
    """Two panels, plain SVG: msg/s per configuration (bars, median with a min-max whisker),
    and ns per line against line length (json and fjson, both formats)."""
    width, bar_h, left = 900, 22, 330
    top = 40
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (width, top + len(bars) * (bar_h + 6) + 360)]
    out.append('<rect width="100%" height="100%" fill="white"/>')
    out.append('<text x="10" y="22" font-size="15" font-weight="bold">msg/s per configuration (median, '
               'min-max), %s</text>' % escape_xml(REPORT_TITLE[0]))
    most = max(mx for _, _, _, mx in bars) or 1
    scale = (width - left - 120) / most
    for i, (label, median, mn, mx) in enumerate(bars):
        y = top + i * (bar_h + 6)
        colour = "#4c78a8" if "mailnorm" in label or "shipped" in label else "#9d9d9d"
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 8, y + 15, escape_xml(label)))
        out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y, median * scale, bar_h, colour))
        out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"/>' % (
            left + mn * scale, left + mx * scale, y + bar_h // 2, y + bar_h // 2))
        out.append('<text x="%.1f" y="%d">%.0f</text>' % (left + mx * scale + 6, y + 15, median))
    # line length panel
    y0 = top + len(bars) * (bar_h + 6) + 30
    h, x0, w = 280, 80, width - 200
    out.append('<text x="10" y="%d" font-size="15" font-weight="bold">ns per line against line length '
               '(library, one core)</text>' % (y0 - 8))
    series = []
    for fmt, colour in (("sendmail", "#4c78a8"), ("sun_mta", "#e45756")):
        for stage, dash in (("json", ""), ("fjson", "6,4")):
            pts = sorted((int(label.split(":")[0]), float(v["ns"])) for (f, label), v in lengths.items()
                         if f == fmt and label.endswith(":" + stage))
            if pts:
                series.append(("%s %s" % (fmt, stage), colour, dash, pts))
    if series:
        xs = sorted({x for s in series for x, _ in s[3]})
        ymax = max(y for s in series for _, y in s[3])
        xpos = {x: x0 + i * w / max(1, len(xs) - 1) for i, x in enumerate(xs)}
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>' % (x0, x0 + w, y0 + h, y0 + h))
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>' % (x0, x0, y0, y0 + h))
        for x in xs:
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%d B</text>' % (xpos[x], y0 + h + 16, x))
        for i in range(5):
            v = ymax * i / 4
            out.append('<text x="%d" y="%.1f" text-anchor="end">%.0f ns</text>' % (x0 - 6, y0 + h - h * i / 4 + 4, v))
        for k, (name, colour, dash, pts) in enumerate(series):
            d = " ".join("%.1f,%.1f" % (xpos[x], y0 + h - h * y / ymax) for x, y in pts)
            out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>' % (
                d, colour, ' stroke-dasharray="%s"' % dash if dash else ""))
            out.append('<text x="%d" y="%d" fill="%s">%s%s</text>' % (x0 + w + 10, y0 + 20 + 16 * k, colour,
                                                                     "- - " if dash else "--- ", name))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def escape_xml(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


REPORT_TITLE = [""]


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

    for tool in (RSYSLOGD, MMMAILNORM, MAILNORM):
        if not os.path.exists(tool):
            sys.exit("bench: %s not found (run make first)" % tool)
    paths = make_corpora([("sendmail", LINES), ("sun_mta", LINES), ("postfix", LINES), ("lengths", LENGTH_LINES),
                          ("sendmail_sessions", E2E_LINES)]
                         + ([("sendmail", E2E_LINES)] if E2E_LINES != LINES else []))
    sm_path, sun_path = paths["sendmail"], paths["sun_mta"]
    e2e_path = corpus("sendmail", E2E_LINES)[0]
    sm_lines, sm_bytes = line_stats(sm_path)
    sun_lines, sun_bytes = line_stats(sun_path)
    pf_lines, pf_bytes = line_stats(paths["postfix"])
    for kind in STORAGE_LINES:  # a small BENCH_LINES: the storage runs send what the corpus has
        STORAGE_LINES[kind] = min(STORAGE_LINES[kind], sm_lines)
    with open("/proc/cpuinfo") as f:
        model = re.search(r"model name\s*:\s*(.*)", f.read())
    rep = Report()
    rep.rsyslog = subprocess.run([RSYSLOGD, "-v"], stdout=subprocess.PIPE).stdout.decode().split()[1]
    REPORT_TITLE[0] = "%s, %s" % (commit(), time.strftime("%Y-%m-%d"))
    line_rbs = {r: rulebase(LINE_PREFIX, "%s-line.rulebase" % r, r) for r in RULES + (POSTFIX_RULES,)}
    msg_rbs = {r: rulebase(MSG_PREFIX, "%s-msg.rulebase" % r, r) for r in RULES + (POSTFIX_RULES,)}

    exe = build_mnbench()
    log("library: line lengths")
    lengths = mnbench(exe, "lengths", paths["lengths"], repeat=3)
    ln_counts = lognormalizer_counts(sm_path, line_rbs["comparable"])
    pf_counts = lognormalizer_counts(paths["postfix"], line_rbs[POSTFIX_RULES])
    feeds = rsyslogd_feeds(paths, e2e_path, sun_lines, pf_lines)
    storage_files = storage_setup(sm_path, msg_rbs) if STORAGE else None
    got = measure(Jobs(exe, library_jobs(paths, line_rbs), command_jobs(paths, line_rbs), rsyslogd_jobs(feeds),
                       msg_rbs, storage_files))
    for path in [feed for feed, _ in feeds.values()] + (list(storage_files[0].values()) if STORAGE else []):
        os.remove(path)
    if not STORAGE:
        got.skipped = {"es": "BENCH_STORAGE=0", "pg": "BENCH_STORAGE=0"}
    runs, stored = got.rsyslogd, got.storage

    w = rep.w
    w("mailnorm benchmark  %s  %s  (%d x %s)%s" % (time.strftime("%Y-%m-%d %H:%M"), commit(), os.cpu_count(),
                                                   model.group(1) if model else "?", "  QUICK" if QUICK else ""))
    other = OTHERS.cpu / OTHERS.wall if OTHERS.wall else 0.0
    w("other processes used %.0f%% of a core while this measured%s" % (
        100 * other, "  (figures are low: run it on a quiet machine)" if other > 0.1 else ""))
    w("corpora (seed %d): sendmail %d lines, avg %.0f B; sun_mta %d lines, avg %.0f B; postfix %d lines, avg %.0f B" % (
        SEED, sm_lines, sm_bytes / sm_lines - 1, sun_lines, sun_bytes / sun_lines - 1, pf_lines,
        pf_bytes / pf_lines - 1))
    w()
    library_section(rep, got.library, ln_counts, pf_counts)
    w()
    commands_section(rep, got.commands)
    w()
    e2e_section(rep, runs, got.check)
    w()
    storage_section(rep, stored, got.skipped)
    w()
    lengths_section(rep, lengths)
    w()
    w("Targets (issue 14): each the median [min-max] of its per-round figures (a ratio's two sides are")
    w("measured in the same round)")
    rep.lines += rep.targets
    bars = [(what, med([x["rate"] for x in runs[name]]), min(x["rate"] for x in runs[name]),
             max(x["rate"] for x in runs[name]))
            for name, what in [(m, E2E_MODES[m][3]) for m in SENDMAIL_MODES]
            + [(name, what) for name, _, corpus_name, what in OTHER_RUNS if corpus_name == "postfix"]]
    names = {"es": "Elasticsearch", "pg": "PostgreSQL"}
    for (kind, variant), rr in sorted(stored.items()):
        rates = [x["rate"] for x in rr]
        bars.append(("%s %s" % (names[kind], variant), med(rates), min(rates), max(rates)))
    svg_figure(FIGURE, bars, lengths)
    w()
    w("Rows for doc/performance.md (target | measured | verdict):")
    rep.lines += rep.doc_rows
    w("figure: %s" % FIGURE)
    w("(make bench took %.0f s)" % (time.monotonic() - started))
    text = "\n".join(rep.lines) + "\n"
    table = os.path.join(WORK, "table.txt")
    if os.path.exists(table):
        os.replace(table, os.path.join(WORK, "table-previous.txt"))
    with open(table, "w") as f:
        f.write(text)
    sys.stdout.write(text)
    compare_with_previous(table, os.path.join(WORK, "table-previous.txt"))


def same_run(path_a, path_b):
    """Two tables of one clean commit, the same corpora and kind of run (QUICK or not)."""
    def heading(path):
        with open(path, encoding="utf-8") as f:
            first, _, corpora = f.readline(), f.readline(), f.readline()
        found = re.search(r"  (commit [0-9a-f]+\+?)  .*?(  QUICK)?$", first.rstrip("\n"))
        return (found.group(1), found.group(2), corpora) if found else None
    a, b = heading(path_a), heading(path_b)
    return a is not None and a == b and not a[0].endswith("+")


def compare_with_previous(table, previous):
    """Item 4 of issue 14: a second run at the same commit is set against the first."""
    if not os.path.exists(previous) or not same_run(table, previous):
        print("(no earlier table of this commit in %s: run make bench again to see whether two runs agree)" % WORK)
        return
    print("\nThis run against the previous one at the same commit (bench/agree.py %s %s):" % (previous, table))
    sys.stdout.flush()
    subprocess.run([sys.executable, os.path.join(SRCDIR, "bench", "agree.py"), previous, table])


if __name__ == "__main__":
    main()
