#!/bin/bash
# document="ecs" and routing (doc/configuration.md) in rsyslogd over TCP: the same lines
# through output="tree" and output="text" give the same document; its added fields are the
# ones the spec names for each line (syslog header fields checked, the time chosen and
# checked, host.name); routing holds event.*, the index date and the line's id (32 hex
# digits, one per line). Expectations are written by hand from doc/configuration.md, not
# from the module's output.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

from='from=<alice@example.org>, size=1234, class=0, nrcpts=1, msgid=<m1@example.org>, proto=ESMTP, daemon=MTA, relay=client.example.org [192.0.2.1]'
{
	# RFC 5424, an ordinary header
	printf '<22>1 2024-05-01T10:00:00Z mx1.example.net sm-mta 4242 - - q41A0xAA000001: %s\n' "$from"
	# RFC 5424, a host name that is not UTF-8, an app-name with a byte above '~', no procid
	printf '<22>1 2024-05-01T10:00:00Z mx\xff\xfe1.example.net sm\x80mta - - - q41A0xAA000002: %s\n' "$from"
	# RFC 3164, an impossible date: the receive time, tagged
	printf '<22>Feb 31 03:00:00 mx1.example.net sm-mta[4242]: q41A0xAA000003: %s\n' "$from"
	# RFC 5424, Feb 29 of a leap year: kept
	printf '<20>1 2028-02-29T03:00:00+01:00 mx1.example.net sm-mta 7 - - q41A0xAA000004: %s\n' "$from"
} >"$TEST_DIR/input"

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<EOF
template(name="both" type="string"
         string="{\"tree\":%\$!tree%,\"text\":%\$!text%,\"route\":%\$.route%,\"rcv\":\"%timegenerated:::date-rfc3339%\"}\n")
ruleset(name="mail") {
	action(type="mmmailnorm" container="\$!tree" document="ecs")
	action(type="mmmailnorm" container="\$!text" output="text" document="ecs" routing="\$.route")
	action(type="omfile" file="$TEST_DIR/output" template="both")
}
EOF

run_over_tcp "$TEST_DIR/input"

"$PYTHON3" - "$TEST_DIR/output" <<'EOF' || fail "documents not as doc/configuration.md says"
import json, re, sys
docs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
problems = []
def check(i, what, got, want):
    if got != want:
        problems.append(f"line {i + 1}: {what} is {got!r}, expected {want!r}")
header = {"facility": {"code": 2, "name": "mail"}, "severity": {"code": 6, "name": "info"}, "priority": 22}
want = [
    ("2024-05-01T10:00:00Z", dict(hostname="mx1.example.net", appname="sm-mta", procid="4242", **header), None),
    ("2024-05-01T10:00:00Z", dict(hostname="127.0.0.1", **header), None),
    ("rcv", dict(hostname="mx1.example.net", appname="sm-mta", procid="4242", **header), "time_invalid"),
    ("2028-02-29T03:00:00+01:00", dict(hostname="mx1.example.net", appname="sm-mta", procid="7",
     facility={"code": 2, "name": "mail"}, severity={"code": 4, "name": "warning"}, priority=20), None),
]
check(0, "number of documents", len(docs), len(want))
ids = set()
for i, (d, (time, syslog, tags)) in enumerate(zip(docs, want)):
    text = json.loads(d["text"]) if isinstance(d["text"], str) else d["text"]
    check(i, "text == tree", text, d["tree"])
    t = d["tree"]
    check(i, "@timestamp", t.get("@timestamp"), d["rcv"] if time == "rcv" else time)
    check(i, "tags", t.get("tags"), tags)
    check(i, "message", t.get("message"), "q41A0xAA00000%d: " % (i + 1) + "from=<alice@example.org>, size=1234, class=0, nrcpts=1, msgid=<m1@example.org>, proto=ESMTP, daemon=MTA, relay=client.example.org [192.0.2.1]")
    check(i, "log.syslog", t.get("log", {}).get("syslog"), syslog)
    check(i, "host.name", t.get("host", {}).get("name"), syslog["hostname"])
    check(i, "event.action", t["event"]["action"], "queued")
    stamp = t.get("@timestamp", "")
    line_id = d["route"].pop("id", None)
    check(i, "routing id is 32 upper-case hex digits", bool(re.fullmatch(r"[0-9A-F]{32}", str(line_id))), True)
    ids.add(line_id)
    check(i, "routing", d["route"], {"event": {"module": "sendmail", "action": "queued", "outcome": t["event"].get("outcome")},
                                    "date": stamp[0:4] + "." + stamp[5:7] + "." + stamp[8:10]})
check(0, "distinct routing ids", len(ids), len(want))
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF
echo "PASS: document=\"ecs\" in both outputs, the same document; its fields and routing as specified"
