#!/bin/bash
# doc/elasticsearch/rsyslog.conf as shipped, stopped (issue 12, finding 8):
# 1. during an outage: the queue is saved and sent after the restart; what rsyslog 8.2302
#    loses is the batch the action was retrying, at most queue.dequeueBatchSize documents,
#    as README.md says; and nothing is stored twice.
# 2. while it is still parsing what imfile read (the cluster up): every line read has its
#    document after the restart (the lines not yet parsed are saved with the ruleset's
#    queue; imfile reads on from where it was).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
. "$srcdir/tests/storage/es_setup.sh"

lines=5000
# Elasticsearch is down: the lines wait in the action's queue, the action retries.
stop_during_outage "$lines" mail-elasticsearch

# It is up, rsyslogd starts again and sends what it saved.
documents() {
	line_count "$TEST_DIR/bulk.jsonl"
}
start_receiver
start_rsyslogd
wait_until_still documents
stop_rsyslogd
stored=$(documents)
distinct=$(grep -o 'qD[0-9]*' "$TEST_DIR/bulk.jsonl" | sort -u | wc -l)
[ "$distinct" -eq "$stored" ] || fail "$stored documents for $distinct lines: stored twice"
[ "$stored" -ge $((lines - batch)) ] ||
	fail "$lines lines, $stored documents after the restart: more than a batch ($batch) lost"
echo "PASS: stopped during an outage: $stored of $lines lines stored after the restart ($((lines - stored)) lost, at most a batch of $batch)"

# --- 2. stopped while parsing what imfile read ---------------------------------------------
file_lines=30000
file_documents() {
	grep -c qM "$TEST_DIR/bulk.jsonl" || true
}
stop_while_parsing "$file_lines" file_documents
stored=$(file_documents)
distinct=$(grep -o 'qM[0-9]*' "$TEST_DIR/bulk.jsonl" | sort -u | wc -l)
[ "$distinct" -eq "$stored" ] || fail "$stored documents for $distinct lines of the file: stored twice"
[ "$stored" -eq "$file_lines" ] ||
	fail "stopped with $early of $file_lines lines of the file stored: $stored after the restart"
echo "PASS: stopped with $early of $file_lines lines of the file stored: all $stored after the restart"
