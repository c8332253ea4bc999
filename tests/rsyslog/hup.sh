#!/bin/bash
# HUP re-reads the rulebases: a changed rule takes effect without a restart, a broken one
# is refused and the rules loaded before stay. HUPs and a stop in the middle of a stream of
# lines (4 workers) do not crash rsyslogd.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

line='<22>Nov 22 10:00:00 mx1 sm-mta[42]: 5AMA0Ai1000042: greylisted <bob@example.com> for 300 seconds'
rules="$TEST_DIR/site.rulebase"
write_rule() { # ACTION
	printf 'version=2\nrule=%s,failure:greylisted %%email.to.address:char-to{"extradata":" "}%% for %%sendmail.seconds:number{"format":"number"}%% seconds\n' "$1" >"$rules"
}
write_rule other

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
template(name="action" type="string" string="%\$!mail!event!action%\n")
ruleset(name="mail" queue.type="LinkedList" queue.workerThreads="4") {
	action(type="mmmailnorm" rulebase="$rules")
	action(type="omfile" file="$TEST_DIR/output" template="action")
}
CONF

# send_and_read: sends the line once more and prints the action its tree got.
sent=0
send_and_read() {
	echo "$line" >"$TEST_DIR/one"
	send_tcp "$TEST_DIR/one"
	sent=$((sent + 1))
	wait_for_lines "$TEST_DIR/output" "$sent"
	tail -1 "$TEST_DIR/output"
}

# until_action ACTION: HUP handling is asynchronous; send until the new rules answer.
until_action() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(send_and_read)" = "$1" ] && return 0
		sleep 0.2
	done
	fail "the action never became '$1' after the HUP"
}

start_rsyslogd
[ "$(send_and_read)" = other ] || fail "the site's rule did not fire before the HUP"
write_rule deferred
kill -HUP "$RSYSLOGD_PID"
until_action deferred

printf 'version=2\nrule=other:%%x:nosuchtype%%\n' >"$rules"
kill -HUP "$RSYSLOGD_PID"
wait_for "the reload error in internal.log" grep -q "rulebases not reloaded on HUP" "$TEST_DIR/internal.log"
grep -q "site.rulebase\[2\]: invalid field type 'nosuchtype'" "$TEST_DIR/internal.log" ||
	fail "no liblognorm message for the broken rulebase"
[ "$(send_and_read)" = deferred ] || fail "the rules in use changed although the new ones were refused"

# HUPs while a stream of lines is being parsed by 4 workers
write_rule other
for ((i = 0; i < 20000; i++)); do echo "$line"; done >"$TEST_DIR/stream"
send_tcp "$TEST_DIR/stream" &
sender=$!
for ((i = 0; i < 10; i++)); do
	kill -HUP "$RSYSLOGD_PID"
	sleep 0.05
done
wait "$sender"
wait_for_lines "$TEST_DIR/output" $((sent + 20000))
stop_rsyslogd

# a stop in the middle of the stream: rsyslogd exits cleanly
start_rsyslogd
send_tcp "$TEST_DIR/stream" &
sender=$!
sleep 0.2
stop_rsyslogd
wait "$sender" || true
echo "PASS: HUP reloads the rulebases; HUPs and a stop during input are harmless"
