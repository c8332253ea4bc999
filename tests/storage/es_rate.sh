#!/bin/bash
# Not a test: the rate of a doc/elasticsearch configuration, for doc/elasticsearch/README.md.
#   srcdir=. MMMAILNORM=... tests/storage/es_rate.sh CONF N
# N sendmail lines over TCP through CONF to tests/storage/es_receiver.py; prints documents/s
# from the first line sent to the last document stored, and rsyslogd's CPU time per line
# (ES_SUBSTITUTED_LINES: see shipped_conf, 10 before the cut-lines file, 12 before the outbox).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
shipped=$(realpath "$1")
. "$srcdir/tests/storage/es_setup.sh"
start_receiver
# RATE_LINES: a file of N syslog lines to send instead (make bench: its corpus)
if [ -n "${RATE_LINES:-}" ]; then cp "$RATE_LINES" "$TEST_DIR/lines"; else sendmail_from_lines "$2" "$TEST_DIR/lines"; fi
rate "$2" has_lines "$TEST_DIR/bulk.jsonl" "$2"
