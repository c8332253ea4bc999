#!/bin/bash
# The routing object's id (doc/configuration.md, routing): for each recognised line 32
# upper-case hex digits, the shape of rsyslog's %uuid%; no two lines the same, over two
# workers and over three runs of rsyslogd (a worker's counter tells its lines apart, the
# random start drawn for each worker tells the workers and the runs apart), the third with
# getrandom failing as at early boot (tests/rsyslog/nogetrandom.c: the start made of the
# time, process, thread and address instead); a line that is not recognised has none.
# 21,000 lines, sendmail and Postfix by turns, with an unrecognised line every 100.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

: "${NOGETRANDOM:?NOGETRANDOM must name the built nogetrandom.so (make check sets it)}"
recognised=21000
$CHECK_JSON workers-input "$recognised" |
	awk '{ print } NR % 100 == 0 { print "<6>Jan  6 02:37:30 Jupiter kernel: eth0: link up " NR }' \
	>"$TEST_DIR/all"
lines=$(line_count "$TEST_DIR/all")
split -n l/3 -d -a 1 "$TEST_DIR/all" "$TEST_DIR/part."

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

sent=0
for part in 0 1 2; do
	if [ "$part" -eq 2 ]; then
		RUN_UNDER=(env LD_PRELOAD="$NOGETRANDOM" NOGETRANDOM_LOG="$TEST_DIR/getrandom.log" "${RUN_UNDER[@]}")
	fi
	start_rsyslogd
	send_tcp "$TEST_DIR/part.$part"
	sent=$((sent + $(line_count "$TEST_DIR/part.$part")))
	wait_for_lines "$TEST_DIR/output" "$sent"
	stop_rsyslogd
done
[ "$sent" -eq "$lines" ] || fail "sent $sent of $lines lines"
[ -s "$TEST_DIR/getrandom.log" ] || fail "the third run's workers did not ask getrandom (nogetrandom.so not used?)"

"$PYTHON3" - "$TEST_DIR/output" "$recognised" "$((lines - recognised))" <<'EOF' || fail "the routing ids are not as doc/configuration.md says"
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
echo "PASS: $recognised recognised lines over two workers and three runs (the third's $(line_count "$TEST_DIR/getrandom.log") workers without getrandom): $recognised distinct ids of 32 upper-case hex digits; $((lines - recognised)) unrecognised lines, no id"
