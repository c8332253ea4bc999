#!/bin/bash
# The action parameters at work on the same lines (sendmail's and Postfix's): the default
# container, the root container "$!" with formats=["sendmail"] (Postfix lines stay out of
# it), useRawMsg and variable (each into its own container; $.var held a string
# before, which the tree replaces). The lines are sent without <PRI>, so that %rawmsg% is
# the whole syslog line while %msg% is only its message.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

cases="$TEST_DATA/sendmail-cases.json:$TEST_DATA/postfix-cases.json"
$CHECK_JSON lines "$cases" >"$TEST_DIR/input"

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
template(name="trees" type="string"
         string="%parsesuccess% {\"cee\":%\$!%,\"raw\":%\$.raw%,\"var\":%\$.var%}\n")
ruleset(name="mail") {
	set \$.copy = \$rawmsg;
	action(type="mmmailnorm")
	action(type="mmmailnorm" container="\$!" formats=["sendmail"])
	action(type="mmmailnorm" container="\$.raw" useRawMsg="on")
	set \$.var = "not a tree";
	action(type="mmmailnorm" container="\$.var" variable="\$.copy")
	action(type="omfile" file="$TEST_DIR/output" template="trees")
}
EOF

run_over_tcp "$TEST_DIR/input"
$CHECK_JSON parameters "$cases" "$TEST_DIR/output"
