#!/bin/bash
# Lines that are not mail log lines pass through untouched: the message is unchanged, no
# container is created, and $parsesuccess is FAIL. A sendmail line in between is parsed,
# and what it gets does not stick to the lines after it.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

cat >"$TEST_DIR/input" <<'EOF'
<6>Jan  6 02:37:30 Jupiter kernel: eth0: link up, 1000 Mbps, full duplex
<22>Aug  8 12:28:48 ns2 sm-mta[13198]: j78ASk4e013165: done; delay=00:00:01, ntries=1
<78>Jan  6 02:38:01 Jupiter CRON[1234]: (root) CMD (run-parts /etc/cron.hourly)
<86>Jan  6 02:38:02 Jupiter sshd[99]: Accepted publickey for admin from 192.0.2.7 port 50022 ssh2
EOF

cat >"$TEST_DIR/expected" <<'EOF'
{"parsesuccess": "FAIL", "msg": " eth0: link up, 1000 Mbps, full duplex", "cee": {}}
{"parsesuccess": "OK", "msg": " j78ASk4e013165: done; delay=00:00:01, ntries=1", "cee": {"mail": {"event": {"module": "sendmail", "action": "other", "outcome": "success", "category": ["email"], "type": ["info"]}, "email": {"local_id": "j78ASk4e013165"}, "sendmail": {"done": true, "delay": 1, "ntries": 1}}}}
{"parsesuccess": "FAIL", "msg": " (root) CMD (run-parts /etc/cron.hourly)", "cee": {}}
{"parsesuccess": "FAIL", "msg": " Accepted publickey for admin from 192.0.2.7 port 50022 ssh2", "cee": {}}
EOF

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
template(name="result" type="string"
         string="{\"parsesuccess\":\"%parsesuccess%\",\"msg\":\"%msg:::json%\",\"cee\":%\$!all-json%}\n")
ruleset(name="mail") {
	action(type="mmmailnorm")
	action(type="omfile" file="$TEST_DIR/output" template="result")
}
EOF

run_over_tcp "$TEST_DIR/input"
$CHECK_JSON equal "$TEST_DIR/expected" "$TEST_DIR/output"
