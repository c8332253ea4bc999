#!/bin/bash
# correlate="on" in the real rsyslogd with 4 workers: every to= line of a message whose
# from= line came before gets its sender, message id, size and client; lines of unknown
# messages get nothing. Then a small cache (eviction by size) and a short ttl (expiry).
# Then Postfix (notes/postfix.md §17.4): each delivery line gets what the message's
# client=, message-id= and qmgr lines said; qmgr's line at a retry updates the entry;
# removed closes it.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

# four_workers_conf OUTPUT: 4 workers, correlation on, each tree after its host into OUTPUT.
four_workers_conf() {
	{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
	cat >>"$TEST_DIR/rsyslog.conf" <<-CONF
	template(name="tree" type="string" string="%hostname% %\$!mail%\n")
	ruleset(name="mail" queue.type="LinkedList" queue.workerThreads="4"
	        queue.workerThreadMinimumMessages="16" queue.dequeueBatchSize="8") {
		action(type="mmmailnorm" correlate="on")
		action(type="omfile" file="$1" template="tree")
	}
	CONF
}

messages=400
# from= lines first: with 4 workers, lines sent together may be handled in any order, so
# the to= lines are sent once every from= line is through.
for ((i = 0; i < messages; i++)); do
	printf '<22>Nov  7 13:52:47 mx%d sm-mta[100]: q%07dX%06d: from=<sender%d@example.org>, size=%d, class=0, nrcpts=3, msgid=<m%d@example.org>, proto=ESMTP, daemon=MTA, relay=client%d.example.net [192.0.2.%d]\n' \
		$((i % 3)) "$i" "$i" "$i" $((1000 + i)) "$i" "$i" $((i % 250 + 1))
done >"$TEST_DIR/from"
for ((i = 0; i < messages; i++)); do
	q=$(printf 'q%07dX%06d' "$i" "$i")
	# three recipients: two on a [more] chunk, one on the last chunk
	printf '<22>Nov  7 13:52:48 mx%d sm-mta[101]: %s: to=<a%d@example.com>,<b%d@example.com>, [more], delay=00:00:01, mailer=esmtp, pri=1, relay=[198.51.100.1], dsn=2.0.0, stat=Sent\n' \
		$((i % 3)) "$q" "$i" "$i"
	printf '<22>Nov  7 13:52:48 mx%d sm-mta[101]: %s: to=<c%d@example.com>, delay=00:00:01, mailer=esmtp, pri=1, relay=[198.51.100.1], dsn=2.0.0, stat=Sent\n' \
		$((i % 3)) "$q" "$i"
	# the same queue id from a host that never logged its from= line
	printf '<22>Nov  7 13:52:48 other%d sm-mta[101]: %s: to=<d%d@example.com>, delay=00:00:01, mailer=local, pri=1, dsn=2.0.0, stat=Sent\n' \
		"$i" "$q" "$i"
done >"$TEST_DIR/to"

four_workers_conf "$TEST_DIR/output"

start_rsyslogd
send_tcp "$TEST_DIR/from"
wait_for_lines "$TEST_DIR/output" "$messages"
send_tcp "$TEST_DIR/to"
wait_for_lines "$TEST_DIR/output" $((messages * 4))
stop_rsyslogd

"$PYTHON3" - "$TEST_DIR/output" "$messages" <<'CHECK' || fail "correlation results differ"
import json, sys
docs = [(line.split(" ", 1)[0], json.loads(line.split(" ", 1)[1])) for line in open(sys.argv[1])]
n = int(sys.argv[2])
bad = []
seen = 0
for host, d in docs:
    sm, email = d["sendmail"], d["email"]
    if "from" in sm:
        continue
    i = int(email["local_id"][1:8])
    if host.startswith("other"):
        if "correlated" in sm or "from" in email:
            bad.append(f"unknown message enriched: {d}")
        continue
    seen += 1
    want = {"from": {"address": [f"sender{i}@example.org"]}, "message_id": f"m{i}@example.org"}
    got = {k: email.get(k) for k in want}
    if (got != want or sm.get("correlated") is not True or sm.get("size") != 1000 + i
            or sm.get("nrcpts") != 3 or sm.get("proto") != "ESMTP"
            or d.get("source") != {"address": f"192.0.2.{i % 250 + 1}", "domain": f"client{i}.example.net",
                                   "ip": f"192.0.2.{i % 250 + 1}"}):
        bad.append(f"to= line of message {i} not enriched right: {d}")
if seen != 2 * n:
    bad.append(f"{seen} to= lines of known messages, expected {2 * n}")
for b in bad[:5]:
    print(b)
sys.exit(1 if bad else 0)
CHECK

# A cache of 2 entries: the first of three messages is gone; a ttl of 1 second: a to= line
# 3 seconds after its from= line gets nothing.
cat >"$TEST_DIR/rsyslog.conf" <<CONF
$(conf_header)
$(conf_tcp_input)
template(name="tree" type="string" string="%\$!mail%\n")
ruleset(name="mail") {
	action(type="mmmailnorm" correlate="on" correlation.maxEntries="2" correlation.ttl="1")
	action(type="omfile" file="$TEST_DIR/small" template="tree")
}
CONF
head -3 "$TEST_DIR/from" >"$TEST_DIR/three-from"
# the first to= line of message 0, then of message 1
sed -n '1p;4p' "$TEST_DIR/to" >"$TEST_DIR/first-two-to"
start_rsyslogd
send_tcp "$TEST_DIR/three-from"
wait_for_lines "$TEST_DIR/small" 3
send_tcp "$TEST_DIR/first-two-to"
wait_for_lines "$TEST_DIR/small" 5
sleep 3
sed -n 5p "$TEST_DIR/to" >"$TEST_DIR/late-to" # message 1 again
send_tcp "$TEST_DIR/late-to"
wait_for_lines "$TEST_DIR/small" 6
stop_rsyslogd
"$PYTHON3" - "$TEST_DIR/small" <<'CHECK' || fail "eviction / expiry results differ"
import json, sys
docs = [json.loads(line) for line in open(sys.argv[1])]
flags = [d["sendmail"].get("correlated", False) for d in docs[3:]]
# message 0 evicted by message 2; message 1 still there; then expired after 3 s
if flags != [False, True, False]:
    print("correlated flags of the last three lines:", flags)
    sys.exit(1)
CHECK

# --- Postfix -----------------------------------------------------------------------------
# Each step is sent once the step before is through (4 workers handle lines sent together
# in any order): the client= lines, the message-id= lines, qmgr's, the deliveries (two per
# message), one of each queue id from a host that logged nothing else, qmgr's line again
# for the even messages with one recipient left and their third delivery, then removed
# for all and a fourth delivery, which nothing may enrich.
"$PYTHON3" - "$TEST_DIR" "$messages" <<'STEPS'
import sys
out, n = sys.argv[1], int(sys.argv[2])
delivery = ("postfix/smtp[303]: {q}: to=<{r}{i}@example.com>, relay=mx.example.com[198.51.100.1]:25, "
            "delay=1, delays=0.1/0/0.3/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok)")
steps = {
    "client": "postfix/smtpd[300]: {q}: client=client{i}.example.net[192.0.2.{ip}], sasl_method=PLAIN, "
              "sasl_username=user{i}",
    "cleanup": "postfix/cleanup[301]: {q}: message-id=<p{i}@example.org>",
    "qmgr": "postfix/qmgr[302]: {q}: from=<sender{i}@example.org>, size={i}, nrcpt=2 (queue active)",
    "deliveries": delivery.replace("{r}", "a") + "\n<22>Nov  7 13:52:48 {host} " + delivery.replace("{r}", "b"),
    "unknown": delivery.replace("{r}", "u"),
    "retry": "postfix/qmgr[302]: {q}: from=<sender{i}@example.org>, size={i}, nrcpt=1 (queue active)",
    "third": delivery.replace("{r}", "c"),
    "removed": "postfix/qmgr[302]: {q}: removed",
    "after": delivery.replace("{r}", "d"),
}
for step, text in steps.items():
    with open(f"{out}/pf-{step}", "w") as f:
        for i in range(n):
            if step in ("retry", "third") and i % 2:
                continue
            host = f"other{i}" if step == "unknown" else f"mx{i % 3}"
            f.write(f"<22>Nov  7 13:52:48 {host} " + text.format(q=f"{i + 1:010X}", i=i, ip=i % 250 + 1,
                                                                 host=host) + "\n")
STEPS

four_workers_conf "$TEST_DIR/pf-output"
start_rsyslogd
sent=0
for step in client cleanup qmgr deliveries unknown retry third removed after; do
	send_tcp "$TEST_DIR/pf-$step"
	sent=$((sent + $(line_count "$TEST_DIR/pf-$step")))
	wait_for_lines "$TEST_DIR/pf-output" "$sent"
done
stop_rsyslogd

"$PYTHON3" - "$TEST_DIR/pf-output" "$messages" <<'CHECK' || fail "Postfix correlation results differ"
import json, sys
docs = [(line.split(" ", 1)[0], json.loads(line.split(" ", 1)[1])) for line in open(sys.argv[1])]
n = int(sys.argv[2])
bad, seen = [], {"a": 0, "b": 0, "c": 0, "d": 0, "u": 0}
for host, d in docs:
    if d["event"]["action"] != "delivered":
        continue
    rcpt = d["email"]["to"]["address"][0]
    kind, i = rcpt[0], int(rcpt[1:].split("@")[0])
    seen[kind] += 1
    pf = d.get("postfix", {})
    if kind in "ud":  # a host that logged nothing else; a message removed before
        if "correlated" in pf or "from" in d["email"] or "message_id" in d["email"]:
            bad.append(f"{kind}: delivery of an unknown or removed message enriched: {d}")
        continue
    want = {"from": {"address": [f"sender{i}@example.org"]}, "message_id": f"p{i}@example.org"}
    got = {k: d["email"].get(k) for k in want}
    nrcpt = 1 if kind == "c" else 2
    client = f"192.0.2.{i % 250 + 1}"
    if (got != want or pf.get("correlated") is not True or pf.get("size") != i
            or pf.get("nrcpt") != nrcpt or pf.get("sasl_method") != "PLAIN"
            or d.get("user") != {"name": f"user{i}"}
            or d.get("source") != {"address": client, "domain": f"client{i}.example.net", "ip": client}):
        bad.append(f"{kind}: delivery of message {i} not enriched right: {d}")
want = {"a": n, "b": n, "c": (n + 1) // 2, "d": n, "u": n}
if seen != want:
    bad.append(f"deliveries seen {seen}, expected {want}")
for b in bad[:5]:
    print(b)
sys.exit(1 if bad else 0)
CHECK
echo "PASS: correlation with 4 workers, eviction and expiry; Postfix: enrichment, retry update, removed"
