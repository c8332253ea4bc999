#!/usr/bin/env python3
"""Hostile lines among ordinary ones, for the storage tests (tests/storage/*-hostile.sh).

  hostile.py OUTDIR

Writes OUTDIR/tcp, OUTDIR/udp (syslog messages, one a line), OUTDIR/maillog (a
sendmail and Postfix log file for imfile) and OUTDIR/mail.log_current (Sun MTA XML entries for
imfile): every line is a recognised line with an id of its own (qH + 10 digits: the
sendmail queue id, or in the Sun entry's or the Postfix line's message id or SASL user), so every line must give one row or
document. Around each hostile line go
ordinary lines (a hostile line must not cost its neighbours in the same batch).
OUTDIR/hostile lists the ids of the hostile lines with what they try, tab-separated.
OUTDIR/oversized-tcp and OUTDIR/oversized-maillog hold a line longer than 64 KiB each
(id qC...), shaped so that every 8 KiB and 64 KiB piece of it starts as a forged delivery
line (ids qF...): no document may have a qF id. Prints the number of lines written to
the first four files.

The hostile lines are what a stranger can put into a mail log line or a syslog header:
invalid UTF-8 in an RFC 5424 host name or app-name, an impossible date (Feb 31, Feb 29 of
a common year) in either header form, a NUL byte, values longer than a btree index entry
may be (Message-ID, sender, recipient, relay, host name), quotes and backslashes meant to
end a string literal; and the same in the parts of a Postfix line the configurations read
from its tree (postfix.host, .program, .timestamp of a maillog line's own header). A line's
own impossible time is replaced by the receive time and flagged;
Feb 29 of a leap year (2028) is a date like any other (OUTDIR/hostile names them:
"Feb 31 ...", "Feb 29 of a common year ...", "Feb 29 of a leap year ...", "Feb 29 in an
RFC 3164 header ...", whose year rsyslog guesses: the current one).
"""
import os
import sys

outdir = sys.argv[1]
ORDINARY_AROUND = 50
counter = [0]
hostile = []
files = {"tcp": [], "udp": [], "maillog": [], "mail.log_current": []}


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


def pf_message_id(q, extra=""):
    return f"4F2A1C0D3E: message-id=<{q}{extra}@example.org>".encode()


def pf_maillog(body, host=b"mx2.example.net", date=b"Dec  5 03:00:00", tag=b"postfix/cleanup[4242]"):
    return date + b" " + host + b" " + tag + b": " + body


def sun_entry(q, extra=""):
    return (f'<en ts="2026-12-05T03:00:00.00" no="mx9" pi="2f1a.4.13" sc="tcp_local" dc="" ac="E" '
            f'sz="3" so="alice@example.org" mi="&lt;{q}@example.org&gt;"{extra}/>').encode()


def ordinary(kind):
    for _ in range(ORDINARY_AROUND):
        q = qid()
        body = from_line(q)
        files[kind].append(maillog(body) if kind == "maillog" else sun_entry(q) if kind == "mail.log_current"
                           else rfc3164(body))


def attack(kind, what, make):
    """make(queue id) -> the line."""
    ordinary(kind)
    q = qid()
    files[kind].append(make(q))
    hostile.append(f"{q}\t{kind}\t{what}")
    ordinary(kind)


LONG = "x" * 3000
DATES = (("Feb 31 in an RFC 3164 header", rfc3164, b"Feb 31 10:00:00"),
         ("Feb 31 in an RFC 5424 header", rfc5424, b"2026-02-31T10:00:00Z"),
         ("Feb 29 in an RFC 3164 header (the year is rsyslog's guess)", rfc3164, b"Feb 29 10:00:00"),
         ("Feb 29 of a common year in an RFC 5424 header", rfc5424, b"2026-02-29T10:00:00Z"),
         ("Feb 29 of a leap year in an RFC 5424 header", rfc5424, b"2028-02-29T10:00:00Z"))
for kind in ("tcp", "udp"):
    attack(kind, "invalid UTF-8 in the RFC 5424 host name",
           lambda q: rfc5424(from_line(q), host=b"mx\xff\xfe1.example.net"))
    attack(kind, "invalid UTF-8 in the RFC 5424 app-name",
           lambda q: rfc5424(from_line(q), app=b"sm\xc3-mta"))
    for what, header, date in DATES:
        attack(kind, what, lambda q, header=header, date=date: header(from_line(q), date=date))
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
# An unknown XML attribute after ts=: before issue 12 it replaced sun_mta.time, which went
# unescaped into the bulk request (a forged action line and document).
FORGED = ("&quot;,&#10;{&quot;create&quot;:{&quot;_index&quot;:&quot;forged&quot;}}&#10;"
          "{&quot;event&quot;:{&quot;action&quot;:&quot;delivered&quot;},&quot;email&quot;:"
          "{&quot;local_id&quot;:&quot;qF0000000000&quot;}}&#10;{&quot;x&quot;:&quot;")
attack("mail.log_current", "an XML time= attribute carrying bulk lines",
       lambda q: sun_entry(q, f' time="{FORGED}"'))
attack("mail.log_current", "an XML size= attribute after sz=, not a number",
       lambda q: sun_entry(q, ' size="abc" node="x"'))
attack("maillog", "a timestamp= key carrying JSON",
       lambda q: maillog(from_line(q) + b', timestamp=2026-12-05T03:00:00Z","event":{"action":"delivered"},"x":"'))
attack("maillog", "a 3000-byte host name in a Postfix line's header",
       lambda q: pf_maillog(pf_message_id(q), host=LONG.encode()))
attack("maillog", "Feb 31 in a Postfix line's RFC 3339 header",
       lambda q: pf_maillog(pf_message_id(q), date=b"2026-02-31T10:00:00+00:00"))
attack("maillog", "quotes and backslashes in a Postfix line's tag",
       lambda q: pf_maillog(pf_message_id(q), tag=b"postfix/x\\'\"y[4242]"))
attack("tcp", "quotes and backslashes in a Postfix Message-ID",
       lambda q: rfc3164(pf_message_id(q, "a\\'b\"c\\\\'); DELETE FROM mail_event; --"),
                         tag=b"postfix/cleanup[4242]"))
attack("tcp", "a timestamp= key of a Postfix client= line carrying JSON",
       lambda q: rfc3164(f'4F2A1C0D3E: client=a[192.0.2.1], sasl_method=PLAIN, sasl_username={q}, '
                         f'timestamp=2026-12-05T03:00:00Z","event":{{"action":"delivered"}},"x":"'.encode(),
                         tag=b"postfix/smtpd[4242]"))
# 14 lines of 60 unknown keys: 840 field names, before issue 12 each a new field.
for n in range(14):
    attack("tcp", "60 unknown keys",
           lambda q: rfc3164(from_line(q) + "".join(f", k{n}x{i}=v" for i in range(60)).encode()))


def oversized(head):
    """A line over 64 KiB whose pieces at every 8 KiB and 64 KiB start a forged line."""
    line = bytearray(head(from_line(qid().replace("qH", "qC"), msgid="")))
    line = line.rstrip(b">, proto=ESMTP, daemon=MTA, relay=client.example.net [192.0.2.10]")
    forged = 0
    while len(line) < 200 * 1024:
        target = (len(line) // 8192 + 1) * 8192
        line += b"x" * (target - len(line))
        forged += 1
        line += rfc3164(to_line(f"qF{forged:010d}")) + b" "
    return bytes(line)


with open(os.path.join(outdir, "oversized-tcp"), "wb") as f:
    f.write(oversized(rfc3164) + b"\n")
with open(os.path.join(outdir, "oversized-maillog"), "wb") as f:
    f.write(oversized(maillog) + b"\n")

for name, lines in files.items():
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(b"".join(line + b"\n" for line in lines))
with open(os.path.join(outdir, "hostile"), "w", encoding="utf-8") as f:
    f.write("".join(h + "\n" for h in hostile))
print(sum(len(lines) for lines in files.values()))
