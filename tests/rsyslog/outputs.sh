#!/bin/bash
# Both outputs on every golden case of the sendmail and Sun MTA files (read with imfile: the
# whole line is the message, as for the CLI): output="tree" (libfastjson objects, printed by
# rsyslog) and output="text" (the JSON as one string, printed as it is) must each give
# exactly the golden tree, and with output="text" the message's $! holds nothing but the
# string.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

golden=("$srcdir"/tests/golden/sendmail/*.txt "$srcdir"/tests/golden/sendmail-text/*.txt
	"$srcdir"/tests/golden/sun_mta/*.txt)
$CHECK_JSON golden-lines "${golden[@]}" >"$TEST_DIR/maillog"
count=$(line_count "$TEST_DIR/maillog")

conf_header >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
module(load="imfile")
input(type="imfile" file="$TEST_DIR/maillog" tag="mail" addMetadata="off" ruleset="file")
template(name="text" type="string" string="%parsesuccess% %\$!mail%\n")
template(name="all" type="string" string="%\$!%\n")
template(name="tree" type="string" string="%parsesuccess% %\$.tree%\n")
ruleset(name="file") {
	action(type="mmmailnorm" container="\$.tree" timezone="UTC")
	action(type="omfile" file="$TEST_DIR/tree" template="tree")
	action(type="mmmailnorm" output="text" timezone="UTC")
	action(type="omfile" file="$TEST_DIR/text" template="text")
	action(type="omfile" file="$TEST_DIR/all" template="all")
}
CONF

start_rsyslogd
wait_for_lines "$TEST_DIR/tree" "$count"
wait_for_lines "$TEST_DIR/text" "$count"
wait_for_lines "$TEST_DIR/all" "$count"
stop_rsyslogd
$CHECK_JSON golden-cee "$TEST_DIR/tree" "${golden[@]}"
$CHECK_JSON golden-cee "$TEST_DIR/text" "${golden[@]}"
$CHECK_JSON text-container "$TEST_DIR/all" "$TEST_DIR/text"
echo "PASS: $count golden cases, as a tree in \$.tree and as JSON text in \$!mail"
