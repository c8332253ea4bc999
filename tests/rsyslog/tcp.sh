#!/bin/bash
# sendmail and Postfix lines over TCP (rsyslog takes the header off; a Postfix line is
# told by its tag's program, postfix/submission/smtpd included, as the module passes the
# tag's slashes on): the tree lands in $!mail next to what the container already
# held (rsyslog 8.2302 would merge it into $! if the module added it in one piece), and
# nothing else is added to $!.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

cases="$TEST_DATA/sendmail-cases.json:$TEST_DATA/postfix-cases.json"
$CHECK_JSON lines "$cases" '<22>' >"$TEST_DIR/input"

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
template(name="tree" type="string" string="%parsesuccess% %\$!%\n")
ruleset(name="mail") {
	set \$!mail!origin = "tcp";
	action(type="mmmailnorm")
	action(type="omfile" file="$TEST_DIR/output" template="tree")
}
EOF

run_over_tcp "$TEST_DIR/input"
$CHECK_JSON cee "$cases" "$TEST_DIR/output" --set origin=tcp
