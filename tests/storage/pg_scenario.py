#!/usr/bin/env python3
"""The mail traffic tests/storage/postgresql.sh sends, and what the queries of
doc/postgresql/queries.sql must answer about it.

  pg_scenario.py NOW OUTDIR

NOW is the current time (seconds since the epoch); every line is dated relative to it,
so "older than an hour" means something. Writes OUTDIR/scenario.log (syslog lines for
TCP: a sendmail host mx1.example.net, a Postfix host mx2.example.net, and a Sun Messaging
Server mx.example.com that logs through syslog) and OUTDIR/expected.<query name> (psql -At output, fields
separated by '|', timestamps as PostgreSQL prints them with TimeZone UTC). Prints the
number of lines.

The story:
- a1@example.org: alice -> bob, submitted at Postfix on mx2 (client=, message-id=, qmgr,
  delivery, removed) and relayed to mx1, queued and delivered by sendmail on mx1 to
  mx.example.com, which is the Sun MTA: it queues it and delivers it to store.example.com.
  One Message-ID, three formats, six events (the Postfix and sendmail deliveries know the
  id and the sender by correlation; Postfix's client=, qmgr and removed lines are other
  events of the queue id, not of the Message-ID);
- b2: deferred twice, the first time two hours ago, never delivered;
- c3: deferred half an hour ago (too young to count);
- d4: deferred four hours ago, delivered two hours ago;
- e5: two recipients delivered in one line to mx.example.net;
- p7: Postfix defers it two hours ago (smtp) and again an hour later (the error agent,
  "delivery temporarily suspended"), with qmgr's line at each retry, never delivered; an
  address verification probe that fails is not a deferral;
- p8: Postfix defers it three hours ago, delivers it to mx.example.com an hour later;
- f6: queued by the Sun MTA, deferred (greylisted) two hours ago;
- rejects: 203.0.113.5 twice at sendmail (relaying), once at the Sun MTA, once at Postfix's
  smtpd; 203.0.113.6 once (sender domain); 203.0.113.7 once by postscreen (comma-separated
  tail); a client rejected before the queue id (NOQUEUE) is still a rejection; a postscreen
  DENYLISTED connection is a connection-rejected, not a rejection of commands.
"""
import datetime
import os
import sys

now = datetime.datetime.fromtimestamp(int(sys.argv[1]), datetime.timezone.utc)
outdir = sys.argv[2]
lines = []


def at(minutes):
    return now + datetime.timedelta(minutes=minutes)


def syslog_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def pg_time(t):
    return t.strftime("%Y-%m-%d %H:%M:%S+00")


def sendmail(minutes, text, pid=4242):
    lines.append(f"<22>{syslog_time(at(minutes))} mx1.example.net sm-mta[{pid}]: {text}")


def sun(minutes, entry):
    t = at(minutes)
    stamp = t.strftime("%d-%b-%Y %H:%M:%S") + ".00"
    lines.append(f"<20>{syslog_time(t)} mx.example.com imta: {stamp} {entry}")


def postfix(minutes, process, text, pid=2525):
    lines.append(f"<22>{syslog_time(at(minutes))} mx2.example.net postfix/{process}[{pid}]: {text}")


def pf_delivery(qid, rcpt, relay, status, reason, dsn):
    return (f"{qid}: to=<{rcpt}>, relay={relay}, delay=7.2, delays=0.1/0.02/5/2.1, "
            f"dsn={dsn}, status={status} ({reason})")


def frm(qid, sender, msgid, nrcpts=1):
    return (f"{qid}: from=<{sender}>, size=1200, class=0, nrcpts={nrcpts}, msgid=<{msgid}>, "
            f"proto=ESMTP, daemon=MTA, relay=client.example.net [192.0.2.10]")


def sent(qid, rcpts, relay, ip):
    return (f"{qid}: to={','.join(f'<{r}>' for r in rcpts)}, delay=00:00:02, xdelay=00:00:01, "
            f"mailer=esmtp, pri=121200, relay={relay}. [{ip}], dsn=2.0.0, stat=Sent (ok)")


def deferred(qid, rcpt, relay):
    return (f"{qid}: to=<{rcpt}>, delay=00:00:05, xdelay=00:00:05, mailer=esmtp, pri=121200, "
            f"relay={relay}., dsn=4.0.0, stat=Deferred: Connection refused by {relay}.")


# a1: Postfix, then sendmail, then the Sun MTA
postfix(-185, "smtpd", "3F1A2B3C4D: client=client.example.net[192.0.2.10], sasl_method=PLAIN, "
                       "sasl_username=alice")
postfix(-185, "cleanup", "3F1A2B3C4D: message-id=<a1@example.org>")
postfix(-185, "qmgr", "3F1A2B3C4D: from=<alice@example.org>, size=1200, nrcpt=1 (queue active)")
postfix(-184, "smtp", pf_delivery("3F1A2B3C4D", "bob@example.com", "mx1.example.net[192.0.2.20]:25", "sent",
                                  "250 2.0.0 qA1000000001 Message accepted for delivery", "2.0.0"))
postfix(-184, "qmgr", "3F1A2B3C4D: removed")
sendmail(-180, frm("qA1000000001", "alice@example.org", "a1@example.org"))
sendmail(-179, sent("qA1000000001", ["bob@example.com"], "mx.example.com", "198.51.100.7"))
sun(-178, "tcp_local    tcp_intranet E 12 alice@example.org rfc822;bob@example.com bob@example.com "
          "<a1@example.org> mx1.example.net (mx1.example.net [192.0.2.20])")
sun(-177, "tcp_intranet                 D 12 alice@example.org rfc822;bob@example.com bob@example.com "
          "<a1@example.org> store.example.com dns;store.example.com "
          "(TCP|198.51.100.7|41234|198.51.100.30|25) (store.example.com ESMTP) smtp;250 2.0.0 Ok")
# b2: deferred twice, never delivered
sendmail(-121, frm("qB2000000002", "carol@example.org", "b2@example.org"))
sendmail(-120, deferred("qB2000000002", "dave@slow.example.net", "mx.slow.example.net"))
sendmail(-90, deferred("qB2000000002", "dave@slow.example.net", "mx.slow.example.net"))
# c3: deferred, too young
sendmail(-31, frm("qC3000000003", "carol@example.org", "c3@example.org"))
sendmail(-30, deferred("qC3000000003", "erin@slow.example.net", "mx.slow.example.net"))
# d4: deferred, then delivered
sendmail(-241, frm("qD4000000004", "alice@example.org", "d4@example.org"))
sendmail(-240, deferred("qD4000000004", "frank@example.com", "mx.example.com"))
sendmail(-120, sent("qD4000000004", ["frank@example.com"], "mx.example.com", "198.51.100.7"))
# e5: two recipients in one delivery
sendmail(-51, frm("qE5000000005", "alice@example.org", "e5@example.org", nrcpts=2))
sendmail(-50, sent("qE5000000005", ["x@example.net", "y@example.net"], "mx.example.net", "203.0.113.25"))
# p7: Postfix defers twice (smtp, then the error agent), never delivers
postfix(-131, "cleanup", "4B5C6D7E8F: message-id=<p7@example.org>")
postfix(-131, "qmgr", "4B5C6D7E8F: from=<carol@example.org>, size=800, nrcpt=1 (queue active)")
postfix(-130, "smtp", pf_delivery("4B5C6D7E8F", "gina@slow.example.net", "none", "deferred",
                                  "connect to mx.slow.example.net[198.51.100.9]:25: Connection refused", "4.4.1"))
postfix(-70, "qmgr", "4B5C6D7E8F: from=<carol@example.org>, size=800, nrcpt=1 (queue active)")
postfix(-70, "error", pf_delivery("4B5C6D7E8F", "gina@slow.example.net", "none", "deferred",
                                  "delivery temporarily suspended: connect to mx.slow.example.net"
                                  "[198.51.100.9]:25: Connection refused", "4.4.1"))
postfix(-60, "smtp", pf_delivery("5A6B7C8D9E", "nobody@slow.example.net", "mx.slow.example.net[198.51.100.9]:25",
                                 "undeliverable", "host mx.slow.example.net[198.51.100.9] said: 550 5.1.1 "
                                 "unknown user (in reply to RCPT TO command)", "5.1.1"))
# p8: Postfix defers, then delivers
postfix(-181, "cleanup", "6C7D8E9FA0: message-id=<p8@example.org>")
postfix(-180, "smtp", pf_delivery("6C7D8E9FA0", "hank@example.com", "none", "deferred",
                                  "connect to mx.example.com[198.51.100.7]:25: Connection timed out", "4.4.1"))
postfix(-120, "smtp", pf_delivery("6C7D8E9FA0", "hank@example.com", "mx.example.com[198.51.100.7]:25", "sent",
                                  "250 2.0.0 Ok", "2.0.0"))
# f6: the Sun MTA defers
sun(-125, "tcp_local    tcp_local    E 3 alice@example.org rfc822;dave@example.net dave@example.net "
          "<f6@example.org> mx1.example.net (mx1.example.net [192.0.2.20])")
sun(-124, "tcp_local                 Q 3 alice@example.org rfc822;dave@example.net dave@example.net "
          "<f6@example.org> mx.example.net dns;mx.example.net (TCP|198.51.100.7|41235|203.0.113.26|25) "
          "(mx.example.net ESMTP) smtp;451 4.7.1 Greylisted, please try again later")
# rejected clients
sendmail(-20, "qR6000000006: ruleset=check_rcpt, arg1=<victim@example.com>, relay=spammer.example "
              "[203.0.113.5], reject=550 5.7.1 <victim@example.com>... Relaying denied")
sendmail(-19, "NOQUEUE: ruleset=check_rcpt, arg1=<victim2@example.com>, relay=spammer.example "
              "[203.0.113.5], reject=550 5.7.1 <victim2@example.com>... Relaying denied")
sendmail(-15, "qR7000000007: ruleset=check_mail, arg1=<forged@nowhere.example>, relay=[203.0.113.6], "
              "reject=553 5.1.8 <forged@nowhere.example>... Domain of sender address "
              "forged@nowhere.example does not exist")
postfix(-25, "smtpd", "NOQUEUE: reject: RCPT from spammer.example[203.0.113.5]: 554 5.7.1 "
                      "<victim3@example.com>: Relay access denied; from=<spam@example.net> "
                      "to=<victim3@example.com> proto=ESMTP helo=<spammer.example>")
postfix(-24, "postscreen", "NOQUEUE: reject: RCPT from [203.0.113.7]:41000: 550 5.7.1 Service unavailable; "
                           "client [203.0.113.7] blocked using zen.spamhaus.org; from=<spam@example.net>, "
                           "to=<victim@example.com>, proto=ESMTP, helo=<bot.example>")
postfix(-23, "postscreen", "DENYLISTED [203.0.113.8]:41001")
sun(-10, "tcp_local                 J 0 spam@example.net rfc822; victim@example.com "
         "550 5.7.1 Relaying not permitted: victim@example.com TCP|198.51.100.7|25|203.0.113.5|41234 SMTP")

expected = {
    "deliveries_per_relay": [
        "mx.example.com|3|3",
        "mx.example.net|1|2",
        "mx1.example.net|1|1",
        "store.example.com|1|1",
    ],
    "deferred_older_than_an_hour": [
        f"mx2.example.net|4B5C6D7E8F|{pg_time(at(-130))}|{pg_time(at(-70))}|2",
        f"mx.example.com|f6@example.org|{pg_time(at(-124))}|{pg_time(at(-124))}|1",
        f"mx1.example.net|qB2000000002|{pg_time(at(-120))}|{pg_time(at(-90))}|2",
    ],
    "events_of_message": [
        f"{pg_time(at(-185))}|mx2.example.net|postfix|queued|3F1A2B3C4D||",
        f"{pg_time(at(-184))}|mx2.example.net|postfix|delivered|3F1A2B3C4D|alice@example.org|{{bob@example.com}}",
        f"{pg_time(at(-180))}|mx1.example.net|sendmail|queued|qA1000000001|alice@example.org|",
        f"{pg_time(at(-179))}|mx1.example.net|sendmail|delivered|qA1000000001|alice@example.org|{{bob@example.com}}",
        f"{pg_time(at(-178))}|mx.example.com|sun_mta|queued||alice@example.org|{{bob@example.com}}",
        f"{pg_time(at(-177))}|mx.example.com|sun_mta|delivered||alice@example.org|{{bob@example.com}}",
    ],
    "rejected_clients": [
        f"203.0.113.5|4|{pg_time(at(-25))}|{pg_time(at(-10))}|{{postfix,sendmail,sun_mta}}",
        f"203.0.113.6|1|{pg_time(at(-15))}|{pg_time(at(-15))}|{{sendmail}}",
        f"203.0.113.7|1|{pg_time(at(-24))}|{pg_time(at(-24))}|{{postfix}}",
    ],
}
with open(os.path.join(outdir, "scenario.log"), "w", encoding="utf-8") as f:
    f.write("".join(line + "\n" for line in lines))
for name, rows in expected.items():
    with open(os.path.join(outdir, "expected." + name), "w", encoding="utf-8") as f:
        f.write("".join(row + "\n" for row in rows))
print(len(lines))
