#!/bin/bash
# A maillog of sendmail and Postfix lines read with imfile: the whole line, syslog header
# included, is the message, and the header's fields appear under sendmail.* or postfix.*
# (for Postfix also the instance, service and process of the tag).
. "${srcdir:-.}/tests/rsyslog/harness.sh"

cases="$TEST_DATA/sendmail-cases.json:$TEST_DATA/postfix-cases.json"
$CHECK_JSON lines "$cases" >"$TEST_DIR/maillog"
count=$(line_count "$TEST_DIR/maillog")

conf_header >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
module(load="imfile")
input(type="imfile" file="$TEST_DIR/maillog" tag="maillog" addMetadata="off" ruleset="mail")
template(name="tree" type="string" string="%parsesuccess% %\$!%\n")
ruleset(name="mail") {
	action(type="mmmailnorm")
	action(type="omfile" file="$TEST_DIR/output" template="tree")
}
EOF

start_rsyslogd
wait_for_lines "$TEST_DIR/output" "$count"
stop_rsyslogd
$CHECK_JSON cee "$cases" "$TEST_DIR/output" --header
