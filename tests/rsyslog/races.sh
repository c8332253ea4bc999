#!/bin/bash
# Data races between workers: four workers share one action (its rules, its correlation
# cache, its counters) under valgrind's helgrind. A race in the module's code fails the
# test; the reports that are liblognorm's or rsyslog's own are suppressed, each with its
# reason, in tests/helgrind.supp.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed"; exit 77; }
RUN_UNDER=(valgrind --tool=helgrind --quiet --error-exitcode=99 --keep-debuginfo=yes
	--suppressions="$srcdir/tests/helgrind.supp" --log-file="$TEST_DIR/valgrind.log")
TIMEOUT_SECONDS=$((TIMEOUT_SECONDS * 10))

# key=value lines (correlated) and free-text lines (liblognorm's rules), several times over
{
	$CHECK_JSON workers-input 400
	for round in 1 2 3; do
		$CHECK_JSON golden-lines "$srcdir"/tests/golden/sendmail-text/*.txt --prefix '<22>Nov 22 10:00:00 mx1 sm-mta[1]: '
	done
} >"$TEST_DIR/input"

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
template(name="tree" type="string" string="%parsesuccess% %\$!mail%\n")
ruleset(name="mail" queue.type="LinkedList" queue.workerThreads="4"
        queue.workerThreadMinimumMessages="4" queue.dequeueBatchSize="4") {
	action(type="mmmailnorm" correlate="on")
	action(type="omfile" file="$TEST_DIR/output" template="tree")
}
EOF

run_over_tcp "$TEST_DIR/input"
[ -e "$TEST_DIR/valgrind.log" ] || fail "rsyslogd did not run under helgrind"
[ ! -s "$TEST_DIR/valgrind.log" ] || { cat "$TEST_DIR/valgrind.log"; fail "helgrind reported races"; }
echo "PASS: no data race between workers"
