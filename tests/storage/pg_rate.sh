#!/bin/bash
# Not a test: the rate of a doc/postgresql configuration, for doc/postgresql/README.md.
#   srcdir=. MMMAILNORM=... tests/storage/pg_rate.sh CONF N
# CONF: an rsyslog.conf with its schema.sql beside it; N sendmail lines over TCP into a
# private PostgreSQL server (PG_SERVER_OPTIONS=" " for fsync on); prints rows/s from the
# first line sent to the last row stored, and rsyslogd's CPU time per line
# (PG_SUBSTITUTED_LINES: see shipped_conf, 8 before the cut-lines file, 10 before the outbox).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
shipped=$(realpath "$1")
. "$srcdir/tests/storage/pg_server.sh"
# RATE_LINES: a file of N syslog lines to send instead (make bench: its corpus)
if [ -n "${RATE_LINES:-}" ]; then cp "$RATE_LINES" "$TEST_DIR/lines"; else sendmail_from_lines "$2" "$TEST_DIR/lines"; fi
rate "$2" has_rows "$2"
