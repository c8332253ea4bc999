#!/bin/bash
# rsyslogd under valgrind with every code path of the module: the default, root and local
# containers, a container that already exists, useRawMsg, a variable that rsyslog hands
# over as a copy to be freed, a line that is not recognised, all three formats, two workers,
# correlation, the ECS document (tree and text; a file path rsyslog hands over as a copy)
# with routing, and a HUP that replaces the rules while the workers hold the old ones. Any invalid
# memory access or definite leak makes valgrind, and so rsyslogd, exit non-zero.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed"; exit 77; }
RUN_UNDER=(valgrind --quiet --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite --log-file="$TEST_DIR/valgrind.log")

{
	$CHECK_JSON workers-input 300
	$CHECK_JSON lines "$TEST_DATA/sendmail-cases.json:$TEST_DATA/postfix-cases.json"
	echo '<6>Jan  6 02:37:30 Jupiter kernel: eth0: link up'
	# Sun MTA: text and XML entries, and one longer than the parser's stack scratch buffer
	$CHECK_JSON golden-lines "$srcdir"/tests/golden/sun_mta/*.txt --prefix '<20>Nov 22 10:00:00 mta1 imta: '
	# Postfix: every line type of the golden files, the correlation cache too
	$CHECK_JSON golden-lines "$srcdir"/tests/golden/postfix/*.txt --prefix '<22>Nov 22 10:00:00 mx2 postfix/smtpd[7]: '
	printf '<20>Nov 22 10:00:00 mta1 imta: <en ts="2014-06-02T22:02:13.94" sc="tcp_local" dc="l" ac="E" sz="1" so="a&amp;b@example.com" od="rfc822;c@example.com" de="c@example.com" di="%s"/>\n' \
		"$(printf 'x&lt;%.0s' $(seq 1 1500))"
} >"$TEST_DIR/input"

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
template(name="trees" type="string" string="%parsesuccess% %\$!% %\$.raw% %\$.var% %\$.doc% %\$.route%\n")
ruleset(name="mail" queue.type="LinkedList" queue.workerThreads="2") {
	set \$!mail!origin = "tcp";
	action(type="mmmailnorm" correlate="on")
	action(type="mmmailnorm" container="\$!")
	action(type="mmmailnorm" container="\$.raw" useRawMsg="on")
	action(type="mmmailnorm" container="\$.var" variable="rawmsg")
	set \$!metadata!filename = "/var/log/mail.log";
	action(type="mmmailnorm" container="\$.doc" output="text" document="ecs" routing="\$.route")
	action(type="mmmailnorm" container="\$.doctree" document="ecs" routing="\$.routetree")
	action(type="omfile" file="$TEST_DIR/output" template="trees")
}
EOF

# a HUP in the middle: the rule sets are swapped and the old one freed
start_rsyslogd
head -200 "$TEST_DIR/input" >"$TEST_DIR/first"
tail -n +201 "$TEST_DIR/input" >"$TEST_DIR/second"
send_tcp "$TEST_DIR/first"
wait_for_lines "$TEST_DIR/output" 200
kill -HUP "$RSYSLOGD_PID"
send_tcp "$TEST_DIR/second"
wait_for_lines "$TEST_DIR/output" "$(line_count "$TEST_DIR/input")"
stop_rsyslogd
[ ! -s "$TEST_DIR/valgrind.log" ] || fail "valgrind reported problems"
