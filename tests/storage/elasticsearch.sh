#!/bin/bash
# doc/elasticsearch/rsyslog.conf as shipped (only hosts, ports and paths substituted) in
# the real rsyslogd, shipping to a stand-in for Elasticsearch 8 on loopback
# (tests/storage/es_receiver.py: HTTPS, basic authentication, _cat/health and _bulk as
# omelasticsearch 8.2302 uses them).
#
# - Every golden input reaches rsyslogd the ways the config takes it: a maillog and a Sun
#   mail.log_current read by imfile, syslog over TCP and over UDP.
# - Elasticsearch is down when the lines come: the action queue keeps them and the action
#   retries; when it is up every document arrives exactly once.
# - Every document is checked against doc/elasticsearch/index-template.json: valid JSON,
#   no field outside the mapping, every value of the type the mapping gives the field,
#   dates RFC 3339, IPs valid; the bulk action lines have no _type and the daily index.
# - A document Elasticsearch refuses lands in the errorFile.
# - Static: every field of doc/fields.md, and every field mailnorm emits for the golden
#   inputs, is in the mapping with its type.
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
. "$srcdir/tests/storage/es_setup.sh"

# --- static checks: the mapping covers the documentation and what the parser emits -------
$CHECK_STORAGE documented "$MAPPING" "$srcdir/doc/fields.md"
cli_trees "$TEST_DIR/cli-trees.jsonl"
$CHECK_STORAGE trees "$MAPPING" "$TEST_DIR/cli-trees.jsonl"

# --- inputs -------------------------------------------------------------------------------
expected=$($CHECK_STORAGE feeds "$TEST_DIR" "$srcdir/tests/golden")
# One more document, which the stand-in refuses like a mapping error: for the errorFile.
reject_marker=refuse-me@example.org
echo "<22>Nov 22 10:00:00 mx9 sm-mta[99]: k9LE1v98009999: to=<$reject_marker>, delay=00:00:01, mailer=esmtp, pri=1, dsn=2.0.0, stat=Sent (ok)" >>"$TEST_DIR/tcp"

# --- Elasticsearch is down when rsyslogd starts and the lines come -----------------------
start_rsyslogd
send_tcp_port "$tcp_port" "$TEST_DIR/tcp"
send_udp "$udp_port" "$TEST_DIR/udp"
sleep 3
[ ! -s "$TEST_DIR/bulk.jsonl" ] || fail "documents arrived while Elasticsearch was down?"

# --- then it is up: the action retries (action.resumeInterval) and sends everything ------
start_receiver --reject "$reject_marker"
total=$((expected + 1))
wait_for "$expected documents at the Elasticsearch stand-in (has $(line_count "$TEST_DIR/bulk.jsonl"))" \
	has_lines "$TEST_DIR/bulk.jsonl" "$expected"
wait_for "the refused document" has_lines "$TEST_DIR/bulk.jsonl.rejected" 1
wait_for "the errorFile" test -s "$TEST_DIR/es-errors.json"
sleep 1 # nothing more may come
stop_rsyslogd
stop_receiver
# An empty queue leaves nothing on disk that a restart would send again.
if ls "$TEST_DIR/spool"/mail-elasticsearch* >/dev/null 2>&1; then
	fail "queue files left after all was sent: $(ls "$TEST_DIR/spool")"
fi

# --- checks -------------------------------------------------------------------------------
grep -q '"GET /_cat/health' "$TEST_DIR/es.log" || fail "omelasticsearch never checked /_cat/health"
if grep -q '^401 ' "$TEST_DIR/es.log"; then fail "requests without the configured credentials"; fi
$CHECK_STORAGE bulk "$MAPPING" "$TEST_DIR/bulk.jsonl" "$expected"
[ "$(line_count "$TEST_DIR/bulk.jsonl.rejected")" -eq 1 ] || fail "more than the one refused document"
grep -q "$reject_marker" "$TEST_DIR/es-errors.json" ||
	fail "the errorFile does not name the refused document: $(head -c 500 "$TEST_DIR/es-errors.json")"
$PYTHON3 - "$TEST_DIR/es-errors.json" <<'EOF' || fail "the errorFile is not what erroronly/interleaved write"
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
records = [json.loads(line) for line in text.splitlines() if line.strip()]
assert records, "empty"
for r in records:
    assert "response" in r or "reply" in r or "responses" in r, r
EOF
requests=$(grep -c '"POST /_bulk' "$TEST_DIR/es.log")
echo "PASS: $total messages -> $expected documents in $requests bulk request(s) once Elasticsearch was up, 1 refused into the errorFile"
