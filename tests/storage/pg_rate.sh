#!/bin/bash
# Not a test: the rate of a doc/postgresql configuration, for doc/postgresql/README.md.
#   srcdir=. MMMAILNORM=... tests/storage/pg_rate.sh CONF N
# CONF: an rsyslog.conf with its schema.sql beside it; N sendmail lines over TCP into a
# private PostgreSQL server (PG_SERVER_OPTIONS=" " for fsync on); prints rows/s from the
# first line sent to the last row stored, and rsyslogd's CPU time per line (SUBSTITUTED_LINES: see shipped_conf, 8 before
# the cut-lines file).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
shipped=$(realpath $1)
N=$2
. "$srcdir/tests/storage/pg_server.sh"
tcp_port=$(free_port tcp); udp_port=$(free_port udp)
: >"$TEST_DIR/maillog"; : >"$TEST_DIR/mail.log_current"
shipped_conf "$shipped" "${SUBSTITUTED_LINES:-9}" -e "s|server=\"localhost\" port=\"5432\"|server=\"$pg_dir\" port=\"5432\"|"
$PYTHON3 - "$TEST_DIR/lines" "$N" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for n in range(int(sys.argv[2])):
        f.write(f"<22>Dec  5 03:00:00 mx1.example.net sm-mta[4242]: qD{n:010d}: from=<a@example.org>, "
                f"size=1, class=0, nrcpts=1, msgid=<{n}@example.org>, proto=ESMTP, daemon=MTA, "
                f"relay=client.example.net [192.0.2.10]\n")
PY
start_rsyslogd
sleep 1
t0=$(date +%s.%N)
send_tcp_port "$tcp_port" "$TEST_DIR/lines"
TIMEOUT_SECONDS=600 wait_for "rows" has_rows "$N"
t1=$(date +%s.%N)
# rsyslogd's CPU time (user + system, all threads), in clock ticks
cpu=$(awk '{ print $14 + $15 }' "/proc/$RSYSLOGD_PID/stat")
stop_rsyslogd
echo "RATE $shipped: $N rows in $(echo "$t1 - $t0" | bc) s: $(echo "$N / ($t1 - $t0)" | bc) rows/s, rsyslogd CPU $(echo "scale=1; $cpu * 1000000 / $(getconf CLK_TCK) / $N" | bc) µs per line"
