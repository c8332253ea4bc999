#!/bin/bash
# Sustained load: LOADTEST_LINES (default 200000; make loadtest: 1,000,000) mixed sendmail,
# Postfix and Sun MTA lines through rsyslogd with the module (imptcp, 4 workers, correlation on).
# Every line must come out, as valid JSON, recognised; rsyslogd's RSS after the second half must stay
# within 8 MiB of its RSS after the first half (the warm-up: queues, buffers and the
# correlation cache have reached their size by then; all four workers start at once, so
# that no worker thread, with its malloc arena, starts only in the second half). Prints the
# counts and both figures.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

lines=${LOADTEST_LINES:-200000}
warmup=$((lines / 2))
TIMEOUT_SECONDS=${TIMEOUT_SECONDS:-600}

# The golden inputs, cycled, with fresh queue ids so that the correlation cache keeps
# filling (and evicting: maxEntries is 5000). Not the ones whose golden tree is {} (not
# mail): every line sent must be recognised. Postfix's are sent with their program's tag
# (the one their golden tree names, else postfix/smtpd), the others as sm-mta's.
"$PYTHON3" - "$TEST_DIR/input" "$lines" "$srcdir"/tests/golden/*/*.txt <<'INPUT'
import itertools, os, re, sys
sys.path.insert(0, os.path.join(os.path.dirname(sys.argv[3]), "..", "..", "tools"))
import golden
out, count = sys.argv[1], int(sys.argv[2])
cases = []
for path in sys.argv[3:]:
    postfix = os.path.basename(os.path.dirname(path)) == "postfix"
    for case in golden.read_cases(path)[0]:
        text = case["input"]
        if "\n" not in text and "\x00" not in text and case["expected"] != {}:
            tag = case["expected"].get("postfix", {}).get("program", "postfix/smtpd") if postfix else "sm-mta"
            cases.append((tag.encode(), text.encode("utf-8", "surrogateescape")))
qid = re.compile(rb"\b[0-9A-Za-z]{8}[0-9]{6}\b")
with open(out, "wb") as f:
    for i, (tag, body) in zip(range(count), itertools.cycle(cases)):
        body = qid.sub(b"L%07dq%06d" % (i // 7, i % 1000000), body)
        f.write(b"<22>Nov 22 10:00:00 mx%d %s[1]: " % (i % 5, tag) + body + b"\n")
INPUT

{ conf_header; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
module(load="imptcp")
input(type="imptcp" address="127.0.0.1" port="0" listenPortFileName="$TEST_DIR/port" ruleset="mail")
template(name="tree" type="string" string="%\$!mail%\n")
ruleset(name="mail" queue.type="LinkedList" queue.size="100000" queue.workerThreads="4"
        queue.workerThreadMinimumMessages="1"
        queue.dequeueBatchSize="256") {
	action(type="mmmailnorm" correlate="on" correlation.maxEntries="5000" timezone="UTC")
	action(type="omfile" file="$TEST_DIR/output" template="tree")
}
CONF

start_rsyslogd
head -n "$warmup" "$TEST_DIR/input" >"$TEST_DIR/warmup"
tail -n +$((warmup + 1)) "$TEST_DIR/input" >"$TEST_DIR/rest"
start=$SECONDS
send_tcp_in_chunks "$TEST_DIR/warmup" "$TEST_DIR/output"
rss_warm=$(rss_kib)
send_tcp_in_chunks "$TEST_DIR/rest" "$TEST_DIR/output"
rss_end=$(rss_kib)
elapsed=$((SECONDS - start))
stop_rsyslogd

# Every line comes out as the tree of a known format: an empty line would be one no longer
# recognised.
"$PYTHON3" - "$TEST_DIR/output" "$lines" <<'CHECK' || fail "output lines differ"
import json, sys
n = 0
with open(sys.argv[1], "rb") as f:
    for n, line in enumerate(f, 1):
        tree = json.loads(line.decode("utf-8")) if line.strip() else {}
        if tree.get("event", {}).get("module") not in ("sendmail", "postfix", "sun_mta"):
            sys.exit(f"output line {n} is not a recognised line's tree: {line[:200]!r}")
if n != int(sys.argv[2]):
    sys.exit(f"{sys.argv[2]} lines in, {n} out")
CHECK
echo "load: $lines lines in, $lines out, all valid JSON, ${elapsed}s;" \
	"rsyslogd RSS ${rss_warm} KiB after warm-up, ${rss_end} KiB at the end"
# (under valgrind the RSS is memcheck's own; valgrind checks the leaks itself then)
[ -n "${MAILNORM_VALGRIND:-}" ] || [ $((rss_end - rss_warm)) -le 8192 ] ||
	fail "RSS grew by $((rss_end - rss_warm)) KiB"
echo "PASS: sustained load"
