#!/bin/bash
# doc/elasticsearch/rsyslog.conf as shipped, stopped (issue 12, finding 8):
# 1. during an outage: the queue is saved and sent after the restart; what rsyslog 8.2302
#    loses is the batch the action was retrying, at most queue.dequeueBatchSize documents,
#    as README.md says; and nothing is stored twice; each document sent after the restart
#    has the _id of its outbox record (the module's id of the line, made when it was
#    parsed, saved with the message). The outbox holds every line:
#    mailnorm-replay sends it again, and then every line has its document, once, and the
#    counts it prints say so; a second replay finds every one stored already.
# 2. while it is still parsing what imfile read (the cluster up): every line read has its
#    document after the restart (the lines not yet parsed are saved with the ruleset's
#    queue; imfile reads on from where it was).
#    Replayed, the outbox's records are all stored already (the outbox's _index and _id
#    are the action's).
# 3. an outbox with records the configuration never writes (hostile_outbox.py): the replay
#    counts each as failed and sends none of them; the good record's text that looks like
#    bulk lines is stored as that text, in one document.
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
# saved on disk and sent after the restart, each document keeps the _id its outbox record got
outbox="$TEST_DIR/spool/mail-outbox"
$CHECK_STORAGE same-ids es "$outbox" "$TEST_DIR/bulk.jsonl" || fail "an _id changed on the way through the saved queue"

# The outbox has every line: sent again, each line has its document, once.
es_replay() {
	ES_PASSWORD=$es_password replay elasticsearch --url "https://127.0.0.1:$es_port" \
		--cacert "$TEST_DIR/ca.crt" --user "$es_user" "$@"
}
es_replay "$outbox"
expect_replay "$lines" "$stored" $((lines - stored)) 0
replayed=$(documents)
distinct=$(grep -o 'qD[0-9]*' "$TEST_DIR/bulk.jsonl" | sort -u | wc -l)
[ "$replayed" -eq "$lines" ] && [ "$distinct" -eq "$lines" ] ||
	fail "$lines lines, $replayed documents for $distinct of them after the replay"
es_replay "$outbox"
expect_replay "$lines" "$lines" 0 0
echo "PASS: the outbox replayed: $((lines - stored)) stored now, $stored already stored: $lines documents for $lines lines; again: all already stored"

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
replay_outbox_all_stored es_replay $((lines + file_lines))

# --- 3. an outbox with records the configuration never writes ------------------------------
replay_hostile_outbox es es_replay documents 13 12
"$PYTHON3" -c '
import json, sys
sys.path.insert(0, sys.argv[1])
import hostile_outbox
stored = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
assert all(s["action"]["create"]["_index"].startswith("mail-20") for s in stored), "an index not of mail-*"
last = stored[-1]
assert last["action"] == {"create": {"_index": "mail-2026.01.01", "_id": hostile_outbox.GOOD_ID}}, last["action"]
assert json.loads(last["document"])["message"] == hostile_outbox.BULK_TEXT, last["document"]
' "$STORAGE_DIR" "$TEST_DIR/bulk.jsonl" 2>"$TEST_DIR/check.err" ||
	fail "the hostile outbox: $(cat "$TEST_DIR/check.err")"
echo "PASS: the hostile outbox: 12 records refused and counted, none sent; the good one stored once, its text as text"
