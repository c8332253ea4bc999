#!/bin/bash
# Postfix lines through the real rsyslogd, the two ways sites collect them, against the
# hand-checked golden files (tests/golden/postfix/): a maillog read with imfile (tag="":
# the line itself names its program, or none, as for mailnorm without --program) and,
# for the golden file of lines given their program, syslog over TCP with that program as
# the tag. Every tree must be exactly the golden one.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

given="$srcdir/tests/golden/postfix/program-given.txt"
program=$(sed -n 's/^#!options --program=//p' "$given")
[ "$program" = postfix ] || fail "$given: expected '#!options --program=postfix', found '$program'"
from_file=()
for f in "$srcdir"/tests/golden/postfix/*.txt; do
	[ "$f" = "$given" ] || from_file+=("$f")
done
$CHECK_JSON golden-lines "${from_file[@]}" >"$TEST_DIR/maillog"
$CHECK_JSON golden-lines "$given" --prefix "<22>Nov 22 10:00:00 mx9 $program: " >"$TEST_DIR/forwarded"

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
module(load="imfile")
input(type="imfile" file="$TEST_DIR/maillog" tag="" addMetadata="off" ruleset="file")
template(name="tree" type="string" string="%parsesuccess% %\$!mail%\n")
ruleset(name="file") {
	action(type="mmmailnorm")
	action(type="omfile" file="$TEST_DIR/from-file" template="tree")
}
ruleset(name="mail") {
	action(type="mmmailnorm" formats=["postfix"])
	action(type="omfile" file="$TEST_DIR/from-tcp" template="tree")
}
CONF

start_rsyslogd
send_tcp "$TEST_DIR/forwarded"
wait_for_lines "$TEST_DIR/from-file" "$(line_count "$TEST_DIR/maillog")"
wait_for_lines "$TEST_DIR/from-tcp" "$(line_count "$TEST_DIR/forwarded")"
stop_rsyslogd
$CHECK_JSON golden-cee "$TEST_DIR/from-file" "${from_file[@]}"
$CHECK_JSON golden-cee "$TEST_DIR/from-tcp" "$given"
echo "PASS: $(line_count "$TEST_DIR/maillog") Postfix lines via imfile and $(line_count "$TEST_DIR/forwarded") via TCP as the golden files say"
