#!/bin/bash
# doc/postgresql/ as a user would set it up, against a real PostgreSQL server: a private
# cluster (initdb as an unprivileged user, a unix socket in the test's directory, password
# authentication), the database and rsyslog's role as README.md says, schema.sql loaded,
# and rsyslogd running doc/postgresql/rsyslog.conf as shipped (only hosts, ports and paths
# substituted).
#
# 1. A day of mail (tests/storage/pg_scenario.py: sendmail, Postfix and a Sun MTA, times
#    relative to now) over TCP; then every query of doc/postgresql/queries.sql must give the
#    answer the traffic implies: deliveries per relay, messages deferred for over an hour,
#    all events of one Message-ID across the three formats, rejected clients.
# 2. Every golden input by TCP, UDP and both imfile inputs: one row per recognised line
#    (no statement may fail), absent fields NULL (never ''), every typed column equal to
#    the tree's value.
# Skips only when the PostgreSQL server or rsyslog-pgsql is not installed.
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
. "$srcdir/tests/storage/pg_server.sh"

# --- 1. a day of mail, and the questions --------------------------------------------------
scenario_lines=$($PYTHON3 "$STORAGE_DIR/pg_scenario.py" "$(date +%s)" "$TEST_DIR")
start_rsyslogd
send_tcp_port "$tcp_port" "$TEST_DIR/scenario.log"
wait_for "$scenario_lines rows (has $(rows))" has_rows "$scenario_lines"

# Each "-- name: X" section of queries.sql, run as it is, against expected.X.
$PYTHON3 - "$srcdir/doc/postgresql/queries.sql" "$TEST_DIR" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for name, body in re.findall(r"^-- name: (\S+)\n(.*?)(?=^-- name: |\Z)", text, re.S | re.M):
    open(f"{sys.argv[2]}/query.{name}", "w", encoding="utf-8").write(body)
EOF
answered=0
for expected in "$TEST_DIR"/expected.*; do
	name=${expected##*/expected.}
	[ -f "$TEST_DIR/query.$name" ] || fail "doc/postgresql/queries.sql has no query '$name'"
	sql -d "$rsyslog_db" -v message_id=a1@example.org -f "$TEST_DIR/query.$name" >"$TEST_DIR/answer.$name" 2>&1 ||
		fail "query $name failed: $(cat "$TEST_DIR/answer.$name")"
	diff -u "$expected" "$TEST_DIR/answer.$name" >"$TEST_DIR/diff.$name" ||
		fail "query $name: the answer is not what the traffic implies
$(cat "$TEST_DIR/diff.$name")"
	answered=$((answered + 1))
done
[ "$answered" -eq 4 ] || fail "$answered queries checked, expected 4"
echo "PASS: $scenario_lines lines -> rows; the $answered queries of queries.sql answer as the traffic implies"

# --- 2. every golden input, all inputs of the configuration -------------------------------
mkdir "$TEST_DIR/golden"
golden=$($CHECK_STORAGE feeds "$TEST_DIR/golden" "$srcdir/tests/golden")
send_tcp_port "$tcp_port" "$TEST_DIR/golden/tcp"
send_udp "$udp_port" "$TEST_DIR/golden/udp"
cat "$TEST_DIR/golden/maillog" >>"$TEST_DIR/maillog"
cat "$TEST_DIR/golden/mail.log_current" >>"$TEST_DIR/mail.log_current"
total=$((scenario_lines + golden))
wait_for "$total rows (has $(rows))" has_rows "$total"
sleep 1 # nothing more may come
stop_rsyslogd
[ "$(rows)" -eq "$total" ] || fail "$(rows) rows, expected $total"

# No absent field as '', and every column as the tree has it.
check=$(sql -d "$rsyslog_db" <<'EOF'
SELECT 'empty string instead of NULL: ' || count(*) FROM mail_event
WHERE '' IN (host, program, module, action, outcome, code, local_id, message_id, source_domain,
             destination_domain, smtp_status, smtp_text, error_message, channel_source,
             channel_destination)
HAVING count(*) > 0
UNION ALL
SELECT 'column differs from the tree: id ' || id || ': ' || message FROM mail_event
WHERE module IS DISTINCT FROM tree #>> '{event,module}'
   OR action IS DISTINCT FROM tree #>> '{event,action}'
   OR outcome IS DISTINCT FROM tree #>> '{event,outcome}'
   OR code IS DISTINCT FROM tree #>> '{event,code}'
   OR local_id IS DISTINCT FROM tree #>> '{email,local_id}'
   OR message_id IS DISTINCT FROM tree #>> '{email,message_id}'
   OR from_address IS DISTINCT FROM tree #>> '{email,from,address,0}'
   OR to_addresses IS DISTINCT FROM mail_text_array(tree #> '{email,to,address}')
   OR source_ip IS DISTINCT FROM (tree #>> '{source,ip}')::inet
   OR source_domain IS DISTINCT FROM tree #>> '{source,domain}'
   OR source_port IS DISTINCT FROM (tree #>> '{source,port}')::integer
   OR destination_ip IS DISTINCT FROM (tree #>> '{destination,ip}')::inet
   OR destination_domain IS DISTINCT FROM tree #>> '{destination,domain}'
   OR destination_port IS DISTINCT FROM (tree #>> '{destination,port}')::integer
   OR smtp_code IS DISTINCT FROM (tree #>> '{smtp,code}')::integer
   OR smtp_status IS DISTINCT FROM tree #>> '{smtp,enhanced_status}'
   OR smtp_text IS DISTINCT FROM tree #>> '{smtp,text}'
   OR error_message IS DISTINCT FROM tree #>> '{error,message}'
   OR channel_source IS DISTINCT FROM tree #>> '{sun_mta,channel,source}'
   OR channel_destination IS DISTINCT FROM tree #>> '{sun_mta,channel,destination}'
   OR (tree ? 'sun_mta' AND tree #> '{sun_mta,time}' IS NOT NULL
       AND logged_at IS DISTINCT FROM (tree #>> '{sun_mta,time}')::timestamptz)
   OR host IS DISTINCT FROM coalesce(tree #>> ARRAY[module, 'host'], host)
EOF
) || fail "the consistency query failed: $check"
[ -z "$check" ] || fail "$check"
summary=$(sql -d "$rsyslog_db" -c "SELECT string_agg(module || ' ' || n, ', ' ORDER BY module) FROM (SELECT module, count(*) AS n FROM mail_event GROUP BY module) AS m")
echo "PASS: $golden golden inputs -> rows ($summary in all): no NULL written as '', every column as in the tree"
