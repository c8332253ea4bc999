# Sourced by tests/storage/elasticsearch*.sh and es_rate.sh after common.sh: $shipped (by
# default doc/elasticsearch/rsyslog.conf) as the test runs it, in $TEST_DIR/rsyslog.conf,
# shipping to the stand-in es_receiver.py on $es_port with the certificate made here and
# the credentials the configuration gives; ES_SUBSTITUTED_LINES: see shipped_conf.
# start_receiver [ARGS...] starts the stand-in (ARGS: its options), stop_receiver stops it;
# the EXIT trap stops it and shows its log when the test failed. Skips when rsyslogd cannot
# load omelasticsearch or there is no openssl.

: "${shipped:=$srcdir/doc/elasticsearch/rsyslog.conf}"
printf 'module(load="omelasticsearch")\naction(type="omfile" file="/dev/null")\n' >"$TEST_DIR/probe.conf"
"$RSYSLOGD" -N1 -f "$TEST_DIR/probe.conf" >"$TEST_DIR/probe.out" 2>&1 ||
	skip "rsyslogd cannot load omelasticsearch: install the package rsyslog-elasticsearch (./setup.sh does)"
command -v openssl >/dev/null || skip "no openssl for the test's certificate: install openssl (./setup.sh does)"

# Elasticsearch's certificate: the config names the CA file, and a self-signed certificate
# is its own CA.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	-keyout "$TEST_DIR/es.key" -out "$TEST_DIR/ca.crt" >"$TEST_DIR/openssl.log" 2>&1 ||
	fail "openssl could not make a certificate: $(cat "$TEST_DIR/openssl.log")"

es_port=$(free_port tcp)
tcp_port=$(free_port tcp)
udp_port=$(free_port udp)
: >"$TEST_DIR/maillog"
: >"$TEST_DIR/mail.log_current"
shipped_conf "$shipped" "${ES_SUBSTITUTED_LINES:-13}" \
	-e "s|\"/etc/elasticsearch/certs/http_ca.crt\"|\"$TEST_DIR/ca.crt\"|" \
	-e "s|errorFile=\"/var/log/mail-elasticsearch-errors.json\"|errorFile=\"$TEST_DIR/es-errors.json\"|" \
	-e "s|server=\[\"localhost\"\] serverport=\"9200\"|server=[\"127.0.0.1\"] serverport=\"$es_port\"|"
es_user=$(sed -n 's/.*uid="\([^"]*\)".*/\1/p' "$shipped")
es_password=$(sed -n 's/.*pwd="\([^"]*\)".*/\1/p' "$shipped")
export TZ=UTC

RECEIVER_PID=
start_receiver() {
	rm -f "$TEST_DIR/es.port"
	"$PYTHON3" "$STORAGE_DIR/es_receiver.py" --port "$es_port" --port-file "$TEST_DIR/es.port" \
		--out "$TEST_DIR/bulk.jsonl" --log "$TEST_DIR/es.log" --cert "$TEST_DIR/ca.crt" \
		--key "$TEST_DIR/es.key" --user "$es_user" --password "$es_password" \
		"$@" >>"$TEST_DIR/es.log" 2>&1 &
	RECEIVER_PID=$!
	wait_for "the Elasticsearch stand-in to listen" test -s "$TEST_DIR/es.port"
}
stop_receiver() {
	if [ -n "$RECEIVER_PID" ]; then
		kill "$RECEIVER_PID" 2>/dev/null || true
		wait "$RECEIVER_PID" 2>/dev/null || true
		RECEIVER_PID=
	fi
}
trap 'status=$?; stop_receiver; [ "$status" -eq 0 ] || { echo "--- es.log"; tail -n 30 "$TEST_DIR/es.log" 2>/dev/null; }; (exit $status); finish' EXIT
