#!/usr/bin/env python3
"""Hostile lines among ordinary ones, for the storage tests (tests/storage/*-hostile.sh).

  hostile.py OUTDIR

Writes OUTDIR/tcp, OUTDIR/udp (syslog messages, one a line) and OUTDIR/maillog (a
sendmail log file for imfile): every line is a recognised sendmail line with a queue id
of its own, so every line must give one row or document. Around each hostile line go
ordinary lines (a hostile line must not cost its neighbours in the same batch).
OUTDIR/hostile lists the queue ids of the hostile lines with what they try, tab-separated.
Prints the number of lines written.

The hostile lines are what a stranger can put into a mail log line or a syslog header:
invalid UTF-8 in an RFC 5424 host name or app-name, an impossible date (Feb 31) in either
header form, a NUL byte, values longer than a btree index entry may be (Message-ID,
sender, recipient, relay, host name), quotes and backslashes meant to end a string
literal.
"""
import os
import sys

outdir = sys.argv[1]
ORDINARY_AROUND = 50
counter = [0]
hostile = []
files = {"tcp": [], "udp": [], "maillog": []}


def qid():
    counter[0] += 1
    return f"qH{counter[0]:010d}"


def from_line(q, sender="alice@example.org", msgid="m@example.org"):
    return (f"{q}: from=<{sender}>, size=1200, class=0, nrcpts=1, msgid=<{msgid}>, "
            f"proto=ESMTP, daemon=MTA, relay=client.example.net [192.0.2.10]").encode()


def to_line(q, rcpt="bob@example.com", relay="mx.example.com"):
    return (f"{q}: to=<{rcpt}>, delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=121200, "
            f"relay={relay}. [198.51.100.7], dsn=2.0.0, stat=Sent (ok)").encode()


def rfc3164(body, host=b"mx1.example.net", date=b"Dec  5 03:00:00", tag=b"sm-mta[4242]"):
    return b"<22>" + date + b" " + host + b" " + tag + b": " + body


def rfc5424(body, host=b"mx1.example.net", app=b"sm-mta", date=b"2026-12-05T03:00:00Z"):
    return b"<22>1 " + date + b" " + host + b" " + app + b" 4242 - - " + body


def maillog(body, host=b"mx1.example.net"):
    return b"Dec  5 03:00:00 " + host + b" sm-mta[4242]: " + body


def ordinary(kind):
    for _ in range(ORDINARY_AROUND):
        body = from_line(qid())
        files[kind].append(maillog(body) if kind == "maillog" else rfc3164(body))


def attack(kind, what, make):
    """make(queue id) -> the line."""
    ordinary(kind)
    q = qid()
    files[kind].append(make(q))
    hostile.append(f"{q}\t{kind}\t{what}")
    ordinary(kind)


LONG = "x" * 3000
for kind in ("tcp", "udp"):
    attack(kind, "invalid UTF-8 in the RFC 5424 host name",
           lambda q: rfc5424(from_line(q), host=b"mx\xff\xfe1.example.net"))
    attack(kind, "invalid UTF-8 in the RFC 5424 app-name",
           lambda q: rfc5424(from_line(q), app=b"sm\xc3-mta"))
    attack(kind, "Feb 31 in an RFC 3164 header",
           lambda q: rfc3164(from_line(q), date=b"Feb 31 10:00:00"))
    attack(kind, "Feb 31 in an RFC 5424 header",
           lambda q: rfc5424(from_line(q), date=b"2026-02-31T10:00:00Z"))
    attack(kind, "quote and backslash in the host name",
           lambda q: rfc5424(from_line(q), host=b"mx1\\'"))
    attack(kind, "quote and backslash in the app-name",
           lambda q: rfc5424(from_line(q), app=b"x\\');DROP/**/TABLE/**/mail_event;--"))
attack("tcp", "a 3000-byte Message-ID", lambda q: rfc3164(from_line(q, msgid=LONG + "@example.org")))
attack("tcp", "a 3000-byte sender", lambda q: rfc3164(from_line(q, sender=LONG + "@example.org")))
attack("tcp", "a 3000-byte recipient", lambda q: rfc3164(to_line(q, rcpt=LONG + "@example.com")))
attack("tcp", "a 3000-byte relay name", lambda q: rfc3164(to_line(q, relay=LONG + ".example.com")))
attack("tcp", "quotes and backslashes in the Message-ID",
       lambda q: rfc3164(from_line(q, msgid="a\\'b\"c\\\\'); DELETE FROM mail_event; --@x")))
attack("maillog", "a 3000-byte host name in the log file's header",
       lambda q: maillog(from_line(q), host=LONG.encode()))
attack("maillog", "a NUL byte in the log file's line",
       lambda q: maillog(from_line(q, msgid="nul\0byte@example.org")))
attack("maillog", "invalid UTF-8 in the log file's line",
       lambda q: maillog(from_line(q, msgid="badXX@example.org").replace(b"badXX", b"bad\xff\xc3")))

for name, lines in files.items():
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(b"".join(line + b"\n" for line in lines))
with open(os.path.join(outdir, "hostile"), "w", encoding="utf-8") as f:
    f.write("".join(h + "\n" for h in hostile))
print(sum(len(lines) for lines in files.values()))
