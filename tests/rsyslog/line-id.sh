#!/bin/bash
# The routing object's id (doc/configuration.md, routing): for each recognised line 32
# upper-case hex digits, the shape of rsyslog's %uuid%; no two lines the same, over two
# workers and over two runs of rsyslogd (a worker's counter tells its lines apart, the
# random start drawn for each worker tells the workers and the runs apart); a line that is
# not recognised has none. Two runs of 10,000 lines, sendmail and Postfix by turns, with an
# unrecognised line every 100.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

half=10000
$CHECK_JSON workers-input $((2 * half)) |
	awk '{ print } NR % 100 == 0 { print "<6>Jan  6 02:37:30 Jupiter kernel: eth0: link up " NR }' \
	>"$TEST_DIR/all"
lines=$(line_count "$TEST_DIR/all")
head -n $((lines / 2)) "$TEST_DIR/all" >"$TEST_DIR/first"
tail -n +$((lines / 2 + 1)) "$TEST_DIR/all" >"$TEST_DIR/second"

# Small batches and a low start threshold, so that both workers get messages.
{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
template(name="id" type="string" string="%parsesuccess% [%\$.route!id%]\n")
ruleset(name="mail" queue.type="LinkedList" queue.workerThreads="2"
        queue.workerThreadMinimumMessages="16" queue.dequeueBatchSize="8") {
	action(type="mmmailnorm" output="text" routing="\$.route")
	action(type="omfile" file="$TEST_DIR/output" template="id")
}
EOF

start_rsyslogd
send_tcp "$TEST_DIR/first"
wait_for_lines "$TEST_DIR/output" "$(line_count "$TEST_DIR/first")"
stop_rsyslogd
start_rsyslogd
send_tcp "$TEST_DIR/second"
wait_for_lines "$TEST_DIR/output" "$lines"
stop_rsyslogd

"$PYTHON3" - "$TEST_DIR/output" "$((2 * half))" "$((lines - 2 * half))" <<'EOF' || fail "the routing ids are not as doc/configuration.md says"
import re, sys
from collections import Counter
recognised, unrecognised, problems = Counter(), 0, []
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    m = re.fullmatch(r"(OK|FAIL) \[(.*)\]\n", line)
    if not m:
        problems.append(f"line {n}: not '<parsesuccess> [<id>]': {line!r}")
    elif m[1] == "FAIL":
        unrecognised += 1
        if m[2]:
            problems.append(f"line {n}: an unrecognised line has an id: {m[2]!r}")
    elif not re.fullmatch(r"[0-9A-F]{32}", m[2]):
        problems.append(f"line {n}: id {m[2]!r} is not 32 upper-case hex digits")
    else:
        recognised[m[2]] += 1
twice = {i: c for i, c in recognised.items() if c > 1}
if twice:
    problems.append(f"{len(twice)} ids on more than one line, e.g. {list(twice.items())[:3]}")
if sum(recognised.values()) != int(sys.argv[2]) or unrecognised != int(sys.argv[3]):
    problems.append(f"{sum(recognised.values())} recognised and {unrecognised} unrecognised lines, "
                    f"expected {sys.argv[2]} and {sys.argv[3]}")
print("\n".join(problems[:10]))
sys.exit(1 if problems else 0)
EOF
echo "PASS: $((2 * half)) recognised lines over two workers and two runs: $((2 * half)) distinct ids of 32 upper-case hex digits; $((lines - 2 * half)) unrecognised lines, no id"
