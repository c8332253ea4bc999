#!/bin/bash
# Sun MTA entries through the real rsyslogd, the two ways sites collect them: imfile on
# mail.log_current (the whole line is the message) and TCP from a forwarding rsyslog (the
# sender's syslog header is taken off by rsyslog; the entry follows the tag with a space).
# Both must give exactly the trees of the hand-checked golden files, with the module's
# timezone parameter in the role of the CLI's --timezone.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

golden=("$srcdir"/tests/golden/sun_mta/*.txt)
$CHECK_JSON golden-lines "${golden[@]}" >"$TEST_DIR/mail.log_current"
$CHECK_JSON golden-lines "${golden[@]}" --prefix '<20>Nov 22 10:00:00 mta1 imta: ' >"$TEST_DIR/forwarded"
count=$(line_count "$TEST_DIR/mail.log_current")

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
module(load="imfile")
input(type="imfile" file="$TEST_DIR/mail.log_current" tag="imta" addMetadata="off" ruleset="file")
template(name="tree" type="string" string="%parsesuccess% %\$!mail%\n")
ruleset(name="file") {
	action(type="mmmailnorm" timezone="UTC")
	action(type="omfile" file="$TEST_DIR/from-file" template="tree")
}
ruleset(name="mail") {
	action(type="mmmailnorm" timezone="UTC" formats=["sun_mta"])
	action(type="omfile" file="$TEST_DIR/from-tcp" template="tree")
}
CONF

start_rsyslogd
send_tcp "$TEST_DIR/forwarded"
wait_for_lines "$TEST_DIR/from-file" "$count"
wait_for_lines "$TEST_DIR/from-tcp" "$count"
stop_rsyslogd
$CHECK_JSON golden-cee "$TEST_DIR/from-file" "${golden[@]}"
$CHECK_JSON golden-cee "$TEST_DIR/from-tcp" "${golden[@]}"
echo "PASS: $count Sun MTA entries via imfile and via TCP"
