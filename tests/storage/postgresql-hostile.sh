#!/bin/bash
# doc/postgresql/rsyslog.conf as shipped against hostile lines and a server that drops
# sessions (issue 12, finding 1): lines in = rows out (or rows in mail_event_failed),
# nothing injected; impossible dates flagged.
#
# 1. tests/storage/hostile.py: hostile lines (invalid UTF-8 and impossible dates in the
#    syslog header, NUL bytes, values too long for a btree index entry, quotes and
#    backslashes, lines over 64 KiB shaped to make forged lines of their pieces) among
#    ordinary lines, over TCP, UDP and imfile. Every line is a recognised sendmail line:
#    every queue id must be in the table exactly once, and the table must hold nothing
#    else (no qF, qC row); the cut lines are in the file of cut lines. The outbox, replayed,
#    has a valid record of each, all stored already.
# 2. 20,000 lines, and the server terminates rsyslog's session three times while they
#    drain: every line still has its row.
# 3. The conninfo= form README.md gives for TLS (it passes rsyslogd -N1), against a
#    database whose standard_conforming_strings is off (ompgsql sets it on only for the
#    server= form): the hostile lines again, every one a row, nothing else run.
# 4. A row the database refuses (a trigger): its line is in mail_event_failed with the
#    error, counted there, and the other lines have their rows.
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
. "$srcdir/tests/storage/pg_server.sh"

# missing_ids FILES...: the ids (qH...) of FILES without exactly one row (<), and the rows
# of other ids or too many (>), by the first id in the row's message.
missing_ids() {
	sql -d "$rsyslog_db" -c "SELECT id || ' ' || count(*) FROM (SELECT coalesce(substring(message from 'q[A-Z][0-9]{10}'), 'none') AS id FROM mail_event) AS r GROUP BY id ORDER BY 1" \
		>"$TEST_DIR/ids.got"
	cat "$@" | grep -ao 'qH[0-9]*' | sort | sed 's/$/ 1/' >"$TEST_DIR/ids.want"
	diff "$TEST_DIR/ids.want" "$TEST_DIR/ids.got" | grep '^[<>]' || true
}

# --- 1. hostile lines among ordinary ones, every input --------------------------------------
mkdir "$TEST_DIR/hostile"
lines=$($PYTHON3 "$STORAGE_DIR/hostile.py" "$TEST_DIR/hostile")
start_rsyslogd
send_tcp_port "$tcp_port" "$TEST_DIR/hostile/tcp"
send_tcp_port "$tcp_port" "$TEST_DIR/hostile/oversized-tcp"
send_udp "$udp_port" "$TEST_DIR/hostile/udp"
cat "$TEST_DIR/hostile/maillog" "$TEST_DIR/hostile/oversized-maillog" >>"$TEST_DIR/maillog"
cat "$TEST_DIR/hostile/mail.log_current" >>"$TEST_DIR/mail.log_current"
# Rows come in; when no row came for 3 s, what came is all that will.
previous=-1
until [ "$(rows)" -eq "$previous" ]; do
	previous=$(rows)
	sleep 3
done
[ "$(sql -d "$rsyslog_db" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" -eq 2 ] ||
	fail "tables were created or dropped"
diffs=$(missing_ids "$TEST_DIR/hostile/tcp" "$TEST_DIR/hostile/udp" "$TEST_DIR/hostile/maillog" \
	"$TEST_DIR/hostile/mail.log_current")
if [ -n "$diffs" ]; then
	lost_hostile=$(printf '%s\n' "$diffs" | grep '^<' | awk '{print $2}' | grep -F -f - "$TEST_DIR/hostile/hostile" || true)
	fail "$lines lines, $(rows) rows; queue ids expected (<) and found (>) differ:
$(printf '%s\n' "$diffs" | head -n 20)
hostile lines without their row:
${lost_hostile:-none}"
fi
[ "$(line_count "$TEST_DIR/cut-lines.log")" -eq 2 ] ||
	fail "expected the 2 lines over 64 KiB in the file of cut lines, it has $(line_count "$TEST_DIR/cut-lines.log")"
echo "PASS: $lines lines ($(line_count "$TEST_DIR/hostile/hostile") hostile) over TCP, UDP and imfile -> $(rows) rows, one per line; 2 cut lines in their file"
# The outbox: every hostile line's record is one the replay takes, with the stored row's
# line_id (all already stored; the outbox is flushed every second).
sleep 2
stored=$(rows)
replay postgresql --dbname "host=$pg_dir port=5432 dbname=$rsyslog_db user=$rsyslog_user password=$rsyslog_password" \
	"$TEST_DIR/spool/mail-outbox"
expect_replay "$stored" "$stored" 0 0
echo "PASS: the outbox of the hostile lines replayed: $stored records, every one stored already"

# A line's own impossible time: logged_at is the receive time, and time_invalid says so;
# Feb 29 of a leap year is kept. "Feb 29" without a year: rsyslog takes the current year.
dates=0
while IFS=$'\t' read -r id kind what; do
	case $what in
	"Feb 31 "* | "Feb 29 of a common year"*) want="true true" ;;
	"Feb 29 of a leap year"*) want="false 2028-02-29 10:00" ;;
	"Feb 29 in an RFC 3164 header"*)
		year=$(date -u +%Y)
		if [ $((year % 4)) -eq 0 ] && { [ $((year % 100)) -ne 0 ] || [ $((year % 400)) -eq 0 ]; }; then
			want="false $year-02-29 10:00"
		else
			want="true true"
		fi ;;
	*) continue ;;
	esac
	got=$(sql -d "$rsyslog_db" -c "SELECT time_invalid || ' ' || CASE WHEN time_invalid THEN (logged_at = received_at)::text ELSE to_char(logged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') END FROM mail_event WHERE substring(message from 'q[A-Z][0-9]{10}') = '$id'")
	[ "$got" = "$want" ] || fail "$what ($kind, $id): time_invalid and logged_at are '$got', expected '$want'"
	dates=$((dates + 1))
done <"$TEST_DIR/hostile/hostile"
[ "$dates" -eq 11 ] || fail "expected 11 lines with impossible or leap-day dates, found $dates"
echo "PASS: $dates lines dated Feb 29 or 31: an impossible date is the receive time with time_invalid, Feb 29 2028 is kept"

# --- 2. the server drops rsyslog's session three times during a drain ---------------------
sendmail_from_lines 20000 "$TEST_DIR/drain"
before=$(rows)
send_tcp_port "$tcp_port" "$TEST_DIR/drain"
terminated=0
while [ "$terminated" -lt 3 ]; do
	n=$(sql -d "$rsyslog_db" -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '$rsyslog_user'")
	terminated=$((terminated + n))
	sleep 0.2
done
[ "$(rows)" -lt $((before + 20000)) ] || echo "NOTE: the drain ended before the sessions were terminated"
wait_for_count "rows of the drain" $((before + 20000)) rows
sleep 2
stop_rsyslogd
got=$(sql -d "$rsyslog_db" -c "SELECT count(DISTINCT local_id) FROM mail_event WHERE local_id LIKE 'qD%'")
[ "$got" -eq 20000 ] || fail "20000 lines, rows for $got of them after 3 terminated sessions"
dups=$(($(rows) - before - got))
echo "PASS: 20000 lines with 3 sessions terminated -> every line has its row ($dups duplicate rows)"

# --- 3. conninfo= and standard_conforming_strings off --------------------------------------
conninfo=$(sed -n 's/.*conninfo="\(postgresql:[^"]*\)".*/\1/p' "$srcdir/doc/postgresql/README.md")
[ -n "$conninfo" ] || fail "README.md gives no conninfo URI"
# the README's URI, for this server: its password, and the socket in the test's directory
conninfo=$(printf '%s' "$conninfo" | sed -e "s|:PASSWORD@db.example.net/mail?sslmode=verify-full|:$rsyslog_password@/$rsyslog_db?host=$pg_dir|")
shipped_conf "$shipped" 11 \
	-e "s|server=\"localhost\" port=\"5432\" .*|conninfo=\"$conninfo\"|" \
	-e "/db=\"$rsyslog_db\" uid=/d"
sql -d "$rsyslog_db" -c "ALTER DATABASE $rsyslog_db SET standard_conforming_strings = off"
sql -d "$rsyslog_db" -c "TRUNCATE mail_event"
: >"$TEST_DIR/maillog"
start_rsyslogd
send_tcp_port "$tcp_port" "$TEST_DIR/hostile/tcp"
wait_for "rows of the hostile lines over TCP (has $(rows))" has_rows "$(line_count "$TEST_DIR/hostile/tcp")"
sleep 2
stop_rsyslogd
diffs=$(missing_ids "$TEST_DIR/hostile/tcp")
[ -z "$diffs" ] || fail "conninfo=, standard_conforming_strings off: queue ids expected (<) and found (>) differ:
$(printf '%s\n' "$diffs" | head -n 20)"
echo "PASS: conninfo= with standard_conforming_strings off: $(rows) rows for $(line_count "$TEST_DIR/hostile/tcp") lines"

# --- 4. a row the database refuses for a reason of its own --------------------------------
# ompgsql 8.2302 sends a failed statement once more and then drops it, counted nowhere; the
# row must be in mail_event_failed with the error instead (a trigger stands for whatever may
# refuse a row: a constraint or trigger added later, a full tablespace).
sql -d "$rsyslog_db" <<'SQL' || fail "cannot create the refusing trigger"
CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.local_id LIKE 'qR%' THEN
        RAISE EXCEPTION 'refused by the test';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER refuse_marked BEFORE INSERT ON mail_event FOR EACH ROW EXECUTE FUNCTION refuse_marked();
TRUNCATE mail_event;
SQL
sendmail_from_lines 100 "$TEST_DIR/refused"
sed -i 's/qD0000000050/qR0000000050/' "$TEST_DIR/refused"
start_rsyslogd
send_tcp_port "$tcp_port" "$TEST_DIR/refused"
wait_for "99 rows and the refused line (has $(rows))" has_rows 99
sleep 2
stop_rsyslogd
[ "$(rows)" -eq 99 ] || fail "100 lines, 1 refused: $(rows) rows, expected 99"
failed=$(sql -d "$rsyslog_db" -c "SELECT count(*) || ' ' || string_agg(error, ',') FROM mail_event_failed WHERE message LIKE '%qR0000000050: from=%' AND tree::jsonb #>> '{email,local_id}' = 'qR0000000050'") ||
	fail "no table mail_event_failed"
case $failed in
"1 P0001: refused by the test") ;;
*) fail "the refused line is not in mail_event_failed once with its error: '$failed'" ;;
esac
echo "PASS: a row the database refuses: the line is in mail_event_failed with the error, the 99 others in mail_event"
