#!/bin/bash
# Several worker threads run the action at once: every one of a few thousand distinct
# lines comes out exactly once, each with its own correct tree.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

count=3000
$CHECK_JSON workers-input "$count" >"$TEST_DIR/input"

# Small batches and a low start threshold, so that all four workers get messages.
{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
template(name="tree" type="string" string="%parsesuccess% %\$!mail%\n")
ruleset(name="mail" queue.type="LinkedList" queue.workerThreads="4"
        queue.workerThreadMinimumMessages="16" queue.dequeueBatchSize="8") {
	action(type="mmmailnorm")
	action(type="omfile" file="$TEST_DIR/output" template="tree")
}
EOF

run_over_tcp "$TEST_DIR/input"
$CHECK_JSON workers-check "$count" "$TEST_DIR/output"
