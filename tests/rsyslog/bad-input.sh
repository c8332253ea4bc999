#!/bin/bash
# Bad input through the real rsyslogd: an empty message, only whitespace, a 64 KiB line,
# a 1 MiB line (with a raised maxMessageSize), NUL bytes (rsyslog escapes them), invalid
# UTF-8, CR inside, a thousand pairs, 10,000 recipients; and Postfix lines cut or bloated
# in each part of their grammars (a 64 KiB reason, an unclosed one, a thousand unknown keys
# and command counters, empty and broken endpoints, a reject without text, a TLS line cut
# after its first words). Every message comes out once,
# with its text unchanged, $parsesuccess set, nothing outside $!mail, and valid JSON.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

"$PYTHON3" - "$TEST_DIR/input" <<'INPUT'
import sys
header = b"<22>Oct 21 23:02:02 user100 sm-mta[1813]: "
to = (b"k9LE1v98001811: to=<b@example.org>, delay=00:00:04, mailer=esmtp, pri=1, "
      b"relay=mx.example.org. [198.51.100.2], dsn=2.0.0, stat=Sent (ok)")
bodies = [
    b"",
    b"   \t  ",
    b"x" * 65536,
    b"k9LE1v98001811: to=<" + b"a" * (1 << 20) + b">, stat=Sent",
    to.replace(b"stat=", b"st\x00at="),
    to.replace(b"(ok)", b"(\xff\xfe\xc3\x28 ok)"),
    to.replace(b", delay", b"\r, delay"),
    b"k9LE1v98001811: " + b", ".join(b"k%d=v%d" % (i, i) for i in range(1000)),
    b"k9LE1v98001811: to=" + b",".join(b"<r%d@example.com>" % i for i in range(10000)) + b", stat=Sent",
    b'<en ts="2014-06-02T22:02:13.94 sc="tcp_local',
    b"19-Feb-1998 10:52:12.28 tcp_local D 1 99999:a 3:rfc822;b 1:c",
]
postfix_header = b"<22>Oct 21 23:02:02 user100 postfix/smtp[1814]: "
delivery = (b"4F2A1C0D3E: to=<b@example.org>, relay=mx.example.org[198.51.100.2]:25, delay=1.2, "
            b"delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 7949396087)")
postfix_bodies = [
    delivery.replace(b"Ok: queued", b"x" * 65536),
    delivery[:-1].replace(b"status=sent (250", b"status=sent (250 ("),
    delivery.replace(b"delays=0.1/0/0.5/0.6", b"delays=0.1/x/-/99999999999999999999999"),
    delivery.replace(b"<b@example.org>", b"<\"a\x00b\xff\xfe\"@example.org>"),
    delivery.replace(b"mx.example.org[198.51.100.2]:25", b"[[[::]]]:99999999999"),
    b"4F2A1C0D3E: client=a[192.0.2.1], " + b", ".join(b"k%d=v%d" % (i, i) for i in range(1000)),
    b"disconnect from unknown[192.0.2.1] " + b" ".join(b"c%d=1/2" % i for i in range(1000)) + b" commands=1/2",
    b"NOQUEUE: reject: RCPT from a[192.0.2.1]: ; from=<> to=<> proto= helo=",
    b"NOQUEUE: reject: RCPT from : 554 5.7.1 x; from=<" + b"a" * 70000,
    b"Verified TLS connection established to ",
    b"4F2A1C0D3E: message-id=",
    b"warning: ",
    b"4F2A1C0D3E: ",
]
with open(sys.argv[1], "wb") as f:
    for body in bodies:
        f.write(header + body + b"\n")
    for body in postfix_bodies:
        f.write(postfix_header + body + b"\n")
INPUT
count=$(line_count "$TEST_DIR/input")

{ conf_header; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
global(maxMessageSize="2m")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="$TEST_DIR/port" ruleset="mail")
template(name="msg" type="string" string="%msg%\n")
template(name="tree" type="string" string="%parsesuccess% %\$!%\n")
ruleset(name="mail") {
	action(type="omfile" file="$TEST_DIR/before" template="msg")
	action(type="mmmailnorm" correlate="on")
	action(type="omfile" file="$TEST_DIR/after" template="msg")
	action(type="omfile" file="$TEST_DIR/output" template="tree")
}
CONF

run_over_tcp "$TEST_DIR/input"
wait_for_lines "$TEST_DIR/after" "$count"

cmp -s "$TEST_DIR/before" "$TEST_DIR/after" || fail "the module changed a message's text"
"$PYTHON3" - "$TEST_DIR/output" "$count" <<'CHECK' || fail "bad input results differ"
import json, sys
got = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
if len(got) != int(sys.argv[2]):
    sys.exit(f"{sys.argv[2]} messages sent, {len(got)} came out")
for i, line in enumerate(got):
    status, text = line.decode("utf-8").split(" ", 1)  # the tree must be valid UTF-8
    tree = json.loads(text) if text.strip() else {}  # rsyslog renders an empty $! as nothing
    if status not in ("OK", "FAIL"):
        sys.exit(f"message {i}: $parsesuccess is {status!r}")
    if set(tree) - {"mail"}:
        sys.exit(f"message {i}: written outside the container: {sorted(tree)}")
    if (status == "OK") != ("mail" in tree):
        sys.exit(f"message {i}: $parsesuccess {status} but container {'present' if tree else 'absent'}")
print(f"{len(got)} bad messages passed through, text unchanged")
CHECK
echo "PASS: bad input through rsyslogd"
