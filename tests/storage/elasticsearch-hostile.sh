#!/bin/bash
# doc/elasticsearch/rsyslog.conf as shipped against hostile lines and a cluster that
# fails (issue 12, findings 2, 3, 4, 6, 7 and 8): lines in = documents out, nothing
# injected, and what the cluster refused is in the errorFile, whole, to be sent again.
#
# tests/storage/hostile.py gives hostile lines among ordinary ones over TCP, UDP and both
# imfile inputs: invalid UTF-8 in the syslog header, impossible dates, a Sun MTA XML
# attribute time= carrying bulk lines, unknown keys by the hundred, lines over 64 KiB
# whose pieces look like delivery lines. The Elasticsearch stand-in validates like
# Elasticsearch 8 (strict UTF-8, a malformed action line fails the whole request), answers
# the first two _bulk requests with 503 and the next one's reply is lost after it stored
# the documents (the action retries that request).
#
# Then, as doc/elasticsearch/README.md says, every request of the errorFile is sent
# again; after that every line has exactly one document; no document has an id that was
# not sent whole; every action line is a create with the line's id as _id; every
# document fits the mapping (no new field, no type change, and the index stays under
# Elasticsearch's limit of 1000 fields: with sendmail.* dynamic, the 840 unknown keys made
# 1060); each cut line is in the file of cut lines. Last, the outbox is replayed: each
# line's record there is valid and names the document stored (all already stored).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"

. "$srcdir/tests/storage/es_setup.sh"
start_receiver --fail 2 --fail-status 503 --drop 1

mkdir "$TEST_DIR/in"
lines=$($PYTHON3 "$STORAGE_DIR/hostile.py" "$TEST_DIR/in")
start_rsyslogd
send_tcp_port "$tcp_port" "$TEST_DIR/in/tcp"
send_tcp_port "$tcp_port" "$TEST_DIR/in/oversized-tcp"
send_udp "$udp_port" "$TEST_DIR/in/udp"
cat "$TEST_DIR/in/maillog" "$TEST_DIR/in/oversized-maillog" >>"$TEST_DIR/maillog"
cat "$TEST_DIR/in/mail.log_current" >>"$TEST_DIR/mail.log_current"

# Documents and errorFile records come; when nothing came for 5 s, that is all.
progress() {
	echo "$(line_count "$TEST_DIR/bulk.jsonl") $(line_count "$TEST_DIR/bulk.jsonl.rejected") $(line_count "$TEST_DIR/es-errors.json")"
}
previous=
until [ "$(progress)" = "$previous" ]; do
	previous=$(progress)
	sleep 5
done
stop_rsyslogd

# README.md: send every request of the errorFile again.
$PYTHON3 - "$TEST_DIR/es-errors.json" "$es_port" "$TEST_DIR/ca.crt" "$es_user" "$es_password" <<'EOF' ||
import base64, http.client, json, ssl, sys
errors, port, ca, user, password = sys.argv[1:]
context = ssl.create_default_context(cafile=ca)
auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
try:
    records = [json.loads(line) for line in open(errors, encoding="utf-8", errors="surrogateescape")]
except FileNotFoundError:
    records = []
requests = [r["request"]["postdata"] for r in records if "postdata" in r.get("request", {})]
for postdata in requests:
    body = postdata.encode("utf-8", errors="surrogateescape")
    c = http.client.HTTPSConnection("127.0.0.1", int(port), context=context)
    c.request("POST", "/_bulk", body, {"Content-Type": "application/json", "Authorization": auth})
    c.getresponse().read()
print(f"{len(requests)} of {len(records)} errorFile record(s) hold a request: sent again")
EOF
	fail "could not send the errorFile's requests again"

# --- checks -------------------------------------------------------------------------------
$PYTHON3 - "$TEST_DIR/in" "$TEST_DIR/bulk.jsonl" <<'EOF' || fail "lines in and documents out differ"
import collections, glob, json, re, sys, time
indir, bulk = sys.argv[1:]
sent = collections.Counter()
for name in ("tcp", "udp", "maillog", "mail.log_current"):
    for line in open(f"{indir}/{name}", "rb"):
        ids = set(re.findall(rb"qH[0-9]{10}", line))
        assert len(ids) == 1, line[:200]
        sent[ids.pop().decode()] += 1
stored = collections.Counter()
documents = {}
problems = []
for n, line in enumerate(open(bulk, encoding="utf-8"), 1):
    record = json.loads(line)
    doc = json.loads(record["document"])
    ids = set(re.findall(r"qH[0-9]{10}", json.dumps(doc))) & set(sent)
    local_id = doc.get("email", {}).get("local_id", "")
    if len(ids) != 1 or local_id.startswith(("qF", "qC")):
        problems.append(f"document {n} is not the document of one line sent whole: {record['document'][:200]}")
    for i in ids:
        stored[i] += 1
    if len(ids) == 1:
        documents[ids.pop()] = doc
missing = sorted(set(sent) - set(stored))
twice = sorted(i for i, c in stored.items() if c > 1)
hostile = dict(line.rstrip("\n").split("\t", 1) for line in open(f"{indir}/hostile", encoding="utf-8"))
# A line's own impossible time: @timestamp is the receive time, tagged time_invalid;
# Feb 29 of a leap year is kept. "Feb 29" without a year: rsyslog takes the current year.
year = time.gmtime().tm_year
leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
dates = 0
for i, doc in documents.items():
    what = hostile.get(i, "ordinary").split("\t")[-1]
    invalid = what.startswith(("Feb 31 ", "Feb 29 of a common year")) or (
        what.startswith("Feb 29 in an RFC 3164 header") and not leap)
    kept = {"Feb 29 of a leap year": "2028-02-29T10:00:00", "Feb 29 in an RFC 3164 header": f"{year}-02-29T10:00:00"}
    if invalid:
        ok = doc.get("tags") == "time_invalid" and not doc["@timestamp"].startswith(f"{year}-02-")
    else:
        ok = "tags" not in doc and all(doc["@timestamp"].startswith(t) for w, t in kept.items() if what.startswith(w))
    dates += what.startswith("Feb ")
    if not ok:
        problems.append(f"{i} ({what}): @timestamp {doc['@timestamp']}, tags {doc.get('tags')}")
if dates != 11:
    problems.append(f"expected 11 documents of lines dated Feb 29 or 31, found {dates}")
for i in missing[:10]:
    problems.append(f"no document for {i} ({hostile.get(i, 'ordinary')})")
for i in twice[:10]:
    problems.append(f"{stored[i]} documents for {i} ({hostile.get(i, 'ordinary')})")
if problems:
    print(f"FAIL: {len(sent)} lines, {sum(stored.values())} documents; {len(missing)} lines without, "
          f"{len(twice)} with more than one document\n  " + "\n  ".join(problems[:30]))
    sys.exit(1)
print(f"PASS: {len(sent)} lines ({len(hostile)} hostile) -> one document each; of {dates} dated Feb 29 "
      "or 31, an impossible date is the receive time tagged time_invalid, Feb 29 2028 is kept")
EOF
$CHECK_STORAGE bulk "$MAPPING" "$TEST_DIR/bulk.jsonl" "$lines"
grep -q '"POST /_bulk' "$TEST_DIR/es.log" || fail "no bulk request"
grep -q 'refused whole (503)' "$TEST_DIR/es.log" || fail "the stand-in refused no request"
grep -q 'connection closed without an answer' "$TEST_DIR/es.log" || fail "the stand-in dropped no answer"
grep -q 'Malformed action' "$TEST_DIR/es.log" && fail "a request had a malformed action line: $(grep -m1 Malformed "$TEST_DIR/es.log")"
[ "$(line_count "$TEST_DIR/cut-lines.log")" -eq 2 ] ||
	fail "expected the 2 lines over 64 KiB in the file of cut lines, it has $(line_count "$TEST_DIR/cut-lines.log")"
grep -q qC "$TEST_DIR/cut-lines.log" || fail "the file of cut lines does not hold them"
echo "PASS: 2 requests refused whole and 1 answer lost: every line in one document after the errorFile was sent again; 2 cut lines in their file"

# The outbox: every hostile line's record is one the replay takes, with the stored
# document's index and _id.
documents=$(line_count "$TEST_DIR/bulk.jsonl")
ES_PASSWORD=$es_password replay elasticsearch --url "https://127.0.0.1:$es_port" \
	--cacert "$TEST_DIR/ca.crt" --user "$es_user" "$TEST_DIR/spool/mail-outbox"
expect_replay "$documents" "$documents" 0 0
echo "PASS: the outbox of the hostile lines replayed: $documents records, every one stored already"
