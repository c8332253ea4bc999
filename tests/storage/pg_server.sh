# Sourced by tests/storage/postgresql*.sh after common.sh, with $shipped (default: doc/postgresql's) the rsyslog.conf
# of doc/postgresql/ to test: a private PostgreSQL server
# (initdb as an unprivileged user, a unix socket in the test's directory, password
# authentication), the database and rsyslog's role as doc/postgresql/README.md says,
# the schema.sql beside $shipped loaded (PG_SERVER_OPTIONS: the server's options, default
# fsync off), and $TEST_DIR/rsyslog.conf made of $shipped; sql() runs psql as the
# database's owner, pg_stop and pg_start stop and start the server. Skips only when the
# PostgreSQL server or rsyslog-pgsql is not installed.

: "${shipped:=$srcdir/doc/postgresql/rsyslog.conf}"
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
# pg_start, pg_stop: start and stop (fast: sessions ended) the server.
pg_start() {
	as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $pg_dir -p 5432 ${PG_SERVER_OPTIONS--c fsync=off}" start >"$TEST_DIR/pg_ctl.log" 2>&1 ||
		fail "the PostgreSQL server did not start: $(tail -n 5 "$pg_dir/server.log")"
}
pg_stop() {
	as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >>"$TEST_DIR/pg_ctl.log" 2>&1 ||
		fail "the PostgreSQL server did not stop: $(tail -n 5 "$pg_dir/server.log")"
}
PG_STARTED=
pg_start
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
sql -d "$rsyslog_db" -f "$(dirname "$shipped")/schema.sql" >"$TEST_DIR/schema.log" 2>&1 ||
	fail "schema.sql: $(cat "$TEST_DIR/schema.log")"
sql -d "$rsyslog_db" -c "GRANT INSERT ON mail_event, mail_event_failed TO $rsyslog_user" || fail "GRANT failed"

rows() {
	sql -d "$rsyslog_db" -c "SELECT count(*) FROM mail_event"
}
has_rows() {
	[ "$(rows)" -ge "$1" ]
}

# The shipped configuration, with the test's server, ports and paths (PG_SUBSTITUTED_LINES:
# see shipped_conf).
tcp_port=$(free_port tcp)
udp_port=$(free_port udp)
: >"$TEST_DIR/maillog"
: >"$TEST_DIR/mail.log_current"
shipped_conf "$shipped" "${PG_SUBSTITUTED_LINES:-11}" \
	-e "s|server=\"localhost\" port=\"5432\"|server=\"$pg_dir\" port=\"5432\"|"
export TZ=UTC
