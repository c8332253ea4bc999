#!/bin/bash
# doc/postgresql/rsyslog.conf as shipped, stopped (issue 12, finding 8):
# 1. while the database is down: the queue is saved and written after the restart; what
#    rsyslog 8.2302 loses is the batch the action was retrying, at most
#    queue.dequeueBatchSize lines, as README.md says; nothing is stored twice, and no line
#    fails (mail_event_failed stays empty).
# 2. while it is still parsing what imfile read (the database up): every line read has its
#    row after the restart (the lines not yet parsed are saved with the ruleset's queue;
#    imfile reads on from where it was).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
. "$srcdir/tests/storage/pg_server.sh"

lines=5000
# The database is down: the lines wait in the action's queue, the action retries.
pg_stop
stop_during_outage "$lines" mail-pgsql

# It is up, rsyslogd starts again and writes what it saved.
pg_start
start_rsyslogd
wait_until_still rows
stop_rsyslogd
stored=$(rows)
distinct=$(sql -d "$rsyslog_db" -c "SELECT count(DISTINCT local_id) FROM mail_event")
failed=$(sql -d "$rsyslog_db" -c "SELECT count(*) FROM mail_event_failed")
[ "$distinct" -eq "$stored" ] || fail "$stored rows for $distinct lines: stored twice"
[ "$failed" -eq 0 ] || fail "$failed rows in mail_event_failed: $(sql -d "$rsyslog_db" -c "SELECT error FROM mail_event_failed LIMIT 3")"
[ "$stored" -ge $((lines - batch)) ] ||
	fail "$lines lines, $stored rows after the restart: more than a batch ($batch) lost"
echo "PASS: stopped while the database was down: $stored of $lines lines stored after the restart ($((lines - stored)) lost, at most a batch of $batch)"

# --- 2. stopped while parsing what imfile read ---------------------------------------------
file_lines=30000
file_rows() {
	sql -d "$rsyslog_db" -c "SELECT count(*) FROM mail_event WHERE local_id LIKE 'qM%'"
}
stop_while_parsing "$file_lines" file_rows
stored=$(file_rows)
[ "$stored" -eq "$file_lines" ] ||
	fail "stopped with $early of $file_lines lines of the file stored: $stored after the restart"
echo "PASS: stopped with $early of $file_lines lines of the file stored: all $stored after the restart (line_id: none twice)"
