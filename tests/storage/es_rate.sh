#!/bin/bash
# Not a test: the rate of a doc/elasticsearch configuration, for doc/elasticsearch/README.md.
#   srcdir=. MMMAILNORM=... tests/storage/es_rate.sh CONF N
# N sendmail lines over TCP through CONF to tests/storage/es_receiver.py; prints documents/s
# from the first line sent to the last document stored, and rsyslogd's CPU time per line (SUBSTITUTED_LINES: see shipped_conf,
# 10 before the cut-lines file).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
shipped=$(realpath "$1")
N=$2
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	-keyout "$TEST_DIR/es.key" -out "$TEST_DIR/ca.crt" >"$TEST_DIR/openssl.log" 2>&1
es_port=$(free_port tcp); tcp_port=$(free_port tcp); udp_port=$(free_port udp)
: >"$TEST_DIR/maillog"; : >"$TEST_DIR/mail.log_current"
shipped_conf "$shipped" "${SUBSTITUTED_LINES:-11}" \
	-e "s|\"/etc/elasticsearch/certs/http_ca.crt\"|\"$TEST_DIR/ca.crt\"|" \
	-e "s|errorFile=\"/var/log/mail-elasticsearch-errors.json\"|errorFile=\"$TEST_DIR/es-errors.json\"|" \
	-e "s|server=\[\"localhost\"\] serverport=\"9200\"|server=[\"127.0.0.1\"] serverport=\"$es_port\"|"
"$PYTHON3" "$STORAGE_DIR/es_receiver.py" --port "$es_port" --port-file "$TEST_DIR/es.port" \
	--out "$TEST_DIR/bulk.jsonl" --log "$TEST_DIR/es.log" --cert "$TEST_DIR/ca.crt" \
	--key "$TEST_DIR/es.key" --user rsyslog_mail --password CHANGE-ME >>"$TEST_DIR/es.log" 2>&1 &
RECEIVER_PID=$!
trap 'kill "$RECEIVER_PID" 2>/dev/null || true; wait "$RECEIVER_PID" 2>/dev/null || true; finish' EXIT
wait_for "the stand-in" test -s "$TEST_DIR/es.port"
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
TIMEOUT_SECONDS=600 wait_for "documents" has_lines "$TEST_DIR/bulk.jsonl" "$N"
t1=$(date +%s.%N)
# rsyslogd's CPU time (user + system, all threads), in clock ticks
cpu=$(awk '{ print $14 + $15 }' "/proc/$RSYSLOGD_PID/stat")
stop_rsyslogd
echo "RATE $shipped: $N documents in $(echo "$t1 - $t0" | bc) s: $(echo "$N / ($t1 - $t0)" | bc) documents/s, rsyslogd CPU $(echo "scale=1; $cpu * 1000000 / $(getconf CLK_TCK) / $N" | bc) µs per line"
