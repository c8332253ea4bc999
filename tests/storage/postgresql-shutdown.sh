#!/bin/bash
# doc/postgresql/rsyslog.conf as shipped, stopped while the database is down (issue 12,
# finding 8): the queue is saved and written after the restart; what rsyslog 8.2302 loses is
# the batch the action was retrying, at most queue.dequeueBatchSize lines, as README.md
# says; nothing is stored twice, and no line fails (mail_event_failed stays empty).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
. "$srcdir/tests/storage/pg_server.sh"

lines=5000
batch=$(sed -n 's/.*queue.dequeueBatchSize="\([0-9]*\)".*/\1/p' "$shipped" | tail -n 1)
[ -n "$batch" ] || fail "no queue.dequeueBatchSize in $shipped"
sendmail_from_lines "$lines" "$TEST_DIR/lines"

# The database is down: the lines wait in the action's queue, the action retries.
pg_stop
start_rsyslogd
send_tcp_port "$tcp_port" "$TEST_DIR/lines"
sleep 5
stop_rsyslogd
ls "$TEST_DIR/spool"/mail-pgsql* >/dev/null 2>&1 || fail "rsyslogd saved no queue on shutdown"

# It is up, rsyslogd starts again and writes what it saved.
pg_start
start_rsyslogd
previous=-1
until [ "$(rows)" -eq "$previous" ]; do
	previous=$(rows)
	sleep 5
done
stop_rsyslogd
stored=$(rows)
distinct=$(sql -d "$rsyslog_db" -c "SELECT count(DISTINCT local_id) FROM mail_event")
failed=$(sql -d "$rsyslog_db" -c "SELECT count(*) FROM mail_event_failed")
[ "$distinct" -eq "$stored" ] || fail "$stored rows for $distinct lines: stored twice"
[ "$failed" -eq 0 ] || fail "$failed rows in mail_event_failed: $(sql -d "$rsyslog_db" -c "SELECT error FROM mail_event_failed LIMIT 3")"
[ "$stored" -ge $((lines - batch)) ] ||
	fail "$lines lines, $stored rows after the restart: more than a batch ($batch) lost"
echo "PASS: stopped while the database was down: $stored of $lines lines stored after the restart ($((lines - stored)) lost, at most a batch of $batch)"
