#!/bin/bash
# doc/postgresql/rsyslog.conf as shipped, stopped (issue 12, finding 8):
# 1. while the database is down: the queue is saved and written after the restart; what
#    rsyslog 8.2302 loses is the batch the action was retrying, at most
#    queue.dequeueBatchSize lines, as README.md says; nothing is stored twice, and no line
#    fails (mail_event_failed stays empty); each row stored after the restart has the
#    line_id of its outbox record (the module's id of the line, made when it was parsed,
#    saved with the message). The outbox holds every line: mailnorm-replay
#    (as rsyslog's role) stores it again, and then every line has its row, once, and the
#    counts it prints say so; a second replay finds every one stored already.
# 2. while it is still parsing what imfile read (the database up): every line read has its
#    row after the restart (the lines not yet parsed are saved with the ruleset's queue;
#    imfile reads on from where it was).
#    Replayed, the outbox's records are all stored already (the outbox's line_uuid is
#    the INSERT's).
# 3. an outbox with records the configuration never writes (hostile_outbox.py): the replay
#    counts each as failed and stores none of them; the good record's text that looks like
#    SQL and COPY's end of data is stored as that text, in one row; a record mail_store
#    refuses is counted as failed and is in mail_event_failed.
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
# saved on disk and stored after the restart, each row keeps the line_id its outbox record got
outbox="$TEST_DIR/spool/mail-outbox"
sql -d "$rsyslog_db" -c "SELECT local_id, line_id FROM mail_event" >"$TEST_DIR/stored-ids"
$CHECK_STORAGE same-ids pg "$outbox" "$TEST_DIR/stored-ids" || fail "a line_id changed on the way through the saved queue"

# The outbox has every line: stored again, each line has its row, once.
pg_replay() {
	replay postgresql --dbname "host=$pg_dir port=5432 dbname=$rsyslog_db user=$rsyslog_user password=$rsyslog_password" "$@"
}
pg_replay "$outbox"
expect_replay "$lines" "$stored" $((lines - stored)) 0
replayed=$(rows)
distinct=$(sql -d "$rsyslog_db" -c "SELECT count(DISTINCT local_id) FROM mail_event")
[ "$replayed" -eq "$lines" ] && [ "$distinct" -eq "$lines" ] ||
	fail "$lines lines, $replayed rows for $distinct of them after the replay"
pg_replay "$outbox"
expect_replay "$lines" "$lines" 0 0
echo "PASS: the outbox replayed: $((lines - stored)) stored now, $stored already stored: $lines rows for $lines lines; again: all already stored"

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
replay_outbox_all_stored pg_replay $((lines + file_lines))

# --- 3. an outbox with records the configuration never writes ------------------------------
replay_hostile_outbox pg pg_replay rows 15 14
# the good record's text, as hex: what hostile_outbox.py wrote, and the row's message and tree
text=$("$PYTHON3" -c 'import sys; sys.path.insert(0, sys.argv[1]); import hostile_outbox; print(hostile_outbox.SQL_TEXT.encode().hex())' "$STORAGE_DIR")
good=$(sql -d "$rsyslog_db" -c "SELECT encode(convert_to(message, 'UTF8'), 'hex'), encode(convert_to(tree->>'message', 'UTF8'), 'hex')
	FROM mail_event WHERE line_id = '0123456789ABCDEF0123456789ABCDEF'")
[ "$good" = "$text|$text" ] || fail "the hostile outbox's good record is not stored as its text: $good, expected $text"
failed=$(sql -d "$rsyslog_db" -c "SELECT count(*) FROM mail_event_failed WHERE line_id = 'FEDCBA9876543210FEDCBA9876543210' AND error LIKE '22007:%'")
[ "$failed" -eq 1 ] || fail "the record mail_store refused is not in mail_event_failed"
grep -q '^  1: refused by PostgreSQL (in mail_event_failed): failed: 22007' "$TEST_DIR/replay.out" ||
	fail "the replay does not say why mail_store refused: $(cat "$TEST_DIR/replay.out")"
echo "PASS: the hostile outbox: 13 records refused and counted, none stored; the good one stored once, its text as text; one refused by mail_store, in mail_event_failed"
