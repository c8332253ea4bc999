#!/bin/bash
# doc/postgresql/ as a user would set it up, against a real PostgreSQL server: a private
# cluster (initdb as an unprivileged user, a unix socket in the test's directory, password
# authentication), the database and rsyslog's role as README.md says, schema.sql loaded,
# and rsyslogd running doc/postgresql/rsyslog.conf as shipped (only hosts, ports and paths
# substituted).
#
# 1. A day of mail (tests/storage/pg_scenario.py: sendmail and a Sun MTA, times relative
#    to now) over TCP; then every query of doc/postgresql/queries.sql must give the answer
#    the traffic implies: deliveries per relay, messages deferred for over an hour, all
#    events of one Message-ID across both formats, rejected clients.
# 2. Every golden input by TCP, UDP and both imfile inputs: one row per recognised line
#    (no statement may fail), absent fields NULL (never ''), every typed column equal to
#    the tree's value.
# Skips only when the PostgreSQL server or rsyslog-pgsql is not installed.
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"

shipped="$srcdir/doc/postgresql/rsyslog.conf"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] ||
	skip "no PostgreSQL server (initdb, pg_ctl): install the package postgresql (./setup.sh does)"
command -v psql >/dev/null || skip "no psql: install the package postgresql (./setup.sh does)"
printf 'module(load="ompgsql")\naction(type="omfile" file="/dev/null")\n' >"$TEST_DIR/probe.conf"
"$RSYSLOGD" -N1 -f "$TEST_DIR/probe.conf" >"$TEST_DIR/probe.out" 2>&1 ||
	skip "rsyslogd cannot load ompgsql: install the package rsyslog-pgsql (./setup.sh does)"

# --- a private PostgreSQL server --------------------------------------------------------
# initdb refuses to run as root: as root, the cluster belongs to the postgres user that
# the postgresql package creates.
pg_dir="$TEST_DIR/pg"
mkdir "$pg_dir"
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || skip "no postgres user to run the server as (the postgresql package creates it)"
	chmod 711 "$TEST_DIR"
	chown postgres "$pg_dir"
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi
admin_password=admin-$RANDOM$RANDOM
echo "$admin_password" >"$pg_dir/pwfile"
chmod 644 "$pg_dir/pwfile"
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U mailadmin --pwfile="$pg_dir/pwfile" \
	--auth=scram-sha-256 -E UTF8 --locale=C >"$TEST_DIR/initdb.log" 2>&1 ||
	fail "initdb failed: $(tail -n 5 "$TEST_DIR/initdb.log")"
PG_STARTED=
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
	-o "-c listen_addresses='' -k $pg_dir -p 5432 -c fsync=off" start >"$TEST_DIR/pg_ctl.log" 2>&1 ||
	fail "the PostgreSQL server did not start: $(tail -n 5 "$pg_dir/server.log")"
PG_STARTED=1
trap 'status=$?; [ -z "$PG_STARTED" ] || as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1; [ "$status" -eq 0 ] || { echo "--- server.log"; tail -n 20 "$pg_dir/server.log"; }; (exit $status); finish' EXIT

export PGHOST="$pg_dir" PGPORT=5432 PGUSER=mailadmin PGPASSWORD="$admin_password" PGTZ=UTC
sql() {
	psql -X -q -v ON_ERROR_STOP=1 -At -F '|' "$@"
}

# --- the database, as doc/postgresql/README.md sets it up --------------------------------
rsyslog_user=$(sed -n 's/.*uid="\([^"]*\)".*/\1/p' "$shipped")
rsyslog_password=$(sed -n 's/.*pwd="\([^"]*\)".*/\1/p' "$shipped")
rsyslog_db=$(sed -n 's/.* db="\([^"]*\)".*/\1/p' "$shipped")
sql -d postgres -c "CREATE ROLE $rsyslog_user LOGIN PASSWORD '$rsyslog_password'" \
	-c "CREATE DATABASE $rsyslog_db" || fail "cannot create the role and the database"
sql -d "$rsyslog_db" -f "$srcdir/doc/postgresql/schema.sql" >"$TEST_DIR/schema.log" 2>&1 ||
	fail "schema.sql: $(cat "$TEST_DIR/schema.log")"
sql -d "$rsyslog_db" -c "GRANT INSERT ON mail_event TO $rsyslog_user" || fail "GRANT failed"

# --- the shipped configuration, with the test's server, ports and paths ------------------
tcp_port=$(free_port tcp)
udp_port=$(free_port udp)
: >"$TEST_DIR/maillog"
: >"$TEST_DIR/mail.log_current"
shipped_conf "$shipped" 8 -e "s|server=\"localhost\" port=\"5432\"|server=\"$pg_dir\" port=\"5432\"|"
export TZ=UTC

rows() {
	sql -d "$rsyslog_db" -c "SELECT count(*) FROM mail_event"
}
has_rows() {
	[ "$(rows)" -ge "$1" ]
}

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
   OR host IS DISTINCT FROM coalesce(tree #>> '{sendmail,host}', host)
EOF
) || fail "the consistency query failed: $check"
[ -z "$check" ] || fail "$check"
summary=$(sql -d "$rsyslog_db" -c "SELECT string_agg(module || ' ' || n, ', ' ORDER BY module) FROM (SELECT module, count(*) AS n FROM mail_event GROUP BY module) AS m")
echo "PASS: $golden golden inputs -> rows ($summary in all): no NULL written as '', every column as in the tree"
