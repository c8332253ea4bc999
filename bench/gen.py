#!/usr/bin/env python3
"""Deterministic benchmark corpora for `make bench` (bench/run.py).

    gen.py sendmail N [--seed S]   N sendmail syslog lines (no PRI):
                                   "Nov 22 10:00:00 mx1 sm-mta[123]: <body>"
    gen.py sendmail_sessions N     the sendmail corpus with each to= line's queue id taken
                                   from one of the last 50 from= lines of its host, so that
                                   correlation finds the envelope (the bench's correlation row)
    gen.py sun_mta N [--seed S]    N Sun MTA mail.log_current entries (text formats 1-3,
                                   connection entries, header lines, XML)
    gen.py postfix N [--seed S]    N Postfix syslog lines (no PRI), in the proportions of a
                                   mail relay's log: "Nov 22 10:00:00 mx1 postfix/smtpd[123]: <body>"
    gen.py lengths N [--seed S]    the length sweep: N lines per length bucket and format,
                                   one shape each (sendmail to= Deferred, Sun MTA Q entry)
                                   padded to 256, 512, 1024, 2048 and 4096 bytes; each line
                                   is prefixed "<bucket> <format> " (mnbench reads it)

The shapes are those of tests/golden/ (the hand-checked cases), with queue ids, addresses,
hosts, numbers and times varied. Same arguments, same bytes: the only randomness is
random.Random(seed), whose sequence Python keeps stable across versions.
"""
import argparse
import collections
import string
import sys

import random

ALNUM = string.digits + string.ascii_uppercase + string.ascii_lowercase
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "oscar", "peggy", "trent", "victor", "walter", "postmaster", "info",
         "sales", "support", "noreply", "billing", "newsletter", "j.smith", "m-mueller"]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.de", "corp.example.co.uk",
           "lists.example.edu", "customer-4711.example.fr", "shop.example.it", "gmail.example",
           "outlook.example", "mx.example.jp", "example.com.br"]
HOSTS = ["mx1", "mx2", "mx3", "relay1", "relay2", "smtp-out", "mailhub", "gw"]
PROGRAMS = ["sm-mta", "sm-mta", "sm-mta", "sendmail", "sendmail", "sm-msp-queue"]
DAEMONS = ["MTA", "MTA-v4", "MSA", "MTA-v6"]
MAILERS = ["esmtp", "esmtp", "esmtp", "local", "relay", "smtp", "procmail"]
CIPHERS = ["TLS_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
           "TLS_AES_128_GCM_SHA256", "AES128-SHA"]
TLSVERS = ["TLSv1.3", "TLSv1.3", "TLSv1.2", "TLSv1.2", "TLSv1/SSLv3"]
SENT_TEXT = ["Ok: queued as {h}", "ok {n} qp {m}", "{h} Message accepted for delivery",
             "OK {n} j9si{m}paw.67 - gsmtp", "Requested mail action okay, completed: id={h}"]
DEFER_TEXT = ["451 4.7.1 Greylisted, please try again later", "Connection refused by [{ip}]",
              "451 4.3.5 Server configuration problem", "Connection timed out with {host}.",
              "421 4.7.0 Try again later, closing connection", "452 4.2.2 Mailbox full"]
BOUNCE = [("5.1.1", "User unknown"), ("5.2.2", "Service unavailable"),
          ("5.1.2", "Host unknown (Name server: {host}.: host not found)"),
          ("5.7.1", "550 5.7.1 Message rejected as spam"), ("5.0.0", "Service unavailable")]
REJECTS = ["550 5.7.1 <{rcpt}>... Relaying denied", "553 5.1.8 <{rcpt}>... Domain of sender address {sender} does not exist",
           "550 5.7.1 <{rcpt}>... Rejected: {ip} listed at zen.spamhaus.org",
           "550 5.1.1 <{rcpt}>... User unknown",
           "450 4.4.0 <{rcpt}>... Relaying temporarily denied. Cannot resolve PTR record for {ip}",
           "550 5.7.1 <{rcpt}>... Rejected: IP in SpamCop blacklist, see: http://spamcop.example/bl.shtml?{ip}"]
RELAY_REJECTS = ["421 4.3.2 Connection rate limit exceeded.", "421 4.3.2 Too many open connections.",
                 "550 5.7.1 Rejected: {ip} listed at zen.spamhaus.org"]
DSN_REASONS = ["User unknown", "Service unavailable", "Data format error", "Remote protocol error",
               "Host unknown (Name server: {host}.: host not found)", "Return receipt"]
NOTIFY = ["DSN", "DSN", "postmaster notify", "sender notify", "return to sender"]
DAEMON_NAMES = ["MTA", "MTA-v4", "MSA", "TLSMTA", "MTA-v6"]
PHASES = ["message collect", "server cmd read", "client greeting", "client DATA 250"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def num(self, lo, hi):
        return self.r.randint(lo, hi)

    def ip(self):
        r = self.r
        return "%d.%d.%d.%d" % (r.choice((192, 198, 203, 64, 85, 151, 209)), r.randint(0, 255),
                                r.randint(0, 255), r.randint(1, 254))

    def hostname(self):
        r = self.r
        kind = r.randrange(4)
        if kind == 0:
            a = self.ip().split(".")
            return "%s-%s-%s-%s.dyn.%s" % (a[3], a[2], a[1], a[0], self.pick(DOMAINS))
        if kind == 1:
            return "mx%d.%s" % (r.randint(1, 9), self.pick(DOMAINS))
        if kind == 2:
            return "mail.%s" % self.pick(DOMAINS)
        return "smtp%02d.out.%s" % (r.randint(1, 40), self.pick(DOMAINS))

    def addr(self):
        u = self.pick(USERS)
        if self.r.randrange(3) == 0:
            u += str(self.r.randint(1, 9999))
        return "%s@%s" % (u, self.pick(DOMAINS))

    def relay(self, forged_ok=True):
        r = self.r
        kind = r.randrange(10)
        if kind < 2:
            return "[%s]" % self.ip()
        if kind == 2:
            return "localhost [127.0.0.1]"
        s = "%s [%s]" % (self.hostname(), self.ip())
        if forged_ok and kind == 3:
            s += " (may be forged)"
        return s

    def stamp(self):
        r = self.r
        return "%s %2d %02d:%02d:%02d" % (self.pick(MONTHS), r.randint(1, 28), r.randint(0, 23),
                                          r.randint(0, 59), r.randint(0, 59))

    def qid(self):
        r = self.r
        return "".join(r.choice(ALNUM) for _ in range(8)) + "%06d" % r.randint(1, 999999)

    def hexid(self):
        return "%08X" % self.r.getrandbits(32)


# --- sendmail ------------------------------------------------------------------------------

def sm_from(g):
    r = g.r
    sender = "<>" if r.randrange(20) == 0 else "<%s>" % g.addr()
    parts = ["from=%s" % sender, "size=%d" % g.num(300, 2_000_000), "class=0",
             "nrcpts=%d" % g.num(1, 4)]
    if r.randrange(10):
        parts.append("msgid=<%d.%s@%s>" % (g.num(10**9, 2 * 10**9), g.hexid(), g.pick(DOMAINS)))
    if r.randrange(4) == 0:
        parts.append("bodytype=8BITMIME")
    parts.append("proto=%s" % g.pick(["ESMTP", "ESMTP", "ESMTPS", "ESMTPSA", "SMTP"]))
    parts.append("daemon=%s" % g.pick(DAEMONS))
    parts.append("relay=%s" % g.relay())
    return "%s: %s" % (g.qid(), ", ".join(parts))


def delay(g):
    r = g.r
    if r.randrange(12) == 0:
        return "%d+%02d:%02d:%02d" % (r.randint(1, 4), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))
    return "00:%02d:%02d" % (r.randint(0, 20), r.randint(0, 59))


def sm_to(g, status):
    r = g.r
    n = 1 if r.randrange(5) else g.num(2, 3)
    to = ",".join("<%s>" % g.addr() for _ in range(n))
    parts = ["to=%s" % to]
    if r.randrange(4) == 0:
        parts.append("ctladdr=<%s> (%d/%d)" % (g.addr(), g.num(1000, 1100), g.num(100, 110)))
    parts += ["delay=%s" % delay(g), "xdelay=%s" % delay(g)]
    mailer = g.pick(MAILERS) if status == "sent" else "esmtp"
    parts += ["mailer=%s" % mailer, "pri=%d" % g.num(30000, 2_500_000)]
    host = g.hostname()
    if mailer != "local":
        parts.append("relay=%s. [%s]" % (host, g.ip()))
    if status == "sent":
        text = g.pick(SENT_TEXT).format(h=g.qid(), n=g.num(10**9, 2 * 10**9), m=g.num(1000, 99999))
        parts += ["dsn=2.0.0", "stat=Sent (%s)" % text]
    elif status == "deferred":
        text = g.pick(DEFER_TEXT).format(ip=g.ip(), host=host)
        dsn = text[4:9] if text[:3].isdigit() else "4.0.0"
        parts += ["dsn=%s" % dsn, "stat=Deferred: %s" % text]
    else:
        dsn, text = g.pick(BOUNCE)
        if r.randrange(2):
            parts.append("reply=550 %s <%s>... %s" % (dsn, g.addr(), "User unknown"))
        parts += ["dsn=%s" % dsn, "stat=%s" % text.format(host=host)]
    return "%s: %s" % (g.qid(), ", ".join(parts))


def sm_done(g):
    return "%s: done; delay=%s, ntries=%d" % (g.qid(), delay(g), g.num(1, 5))


def sm_ruleset(g):
    r = g.r
    ip = g.ip()
    kind = r.randrange(10)
    if kind < 2:
        host = g.hostname()
        relay = "%s [%s]" % (host, ip)
        return "ruleset=check_relay, arg1=%s, arg2=%s, relay=%s, reject=%s" % (
            host, ip, relay, g.pick(RELAY_REJECTS).format(ip=ip))
    rcpt, sender = g.addr(), g.addr()
    ruleset = "check_mail" if kind == 2 else "check_rcpt"
    arg1 = sender if ruleset == "check_mail" else rcpt
    relay = "[%s]" % ip if r.randrange(2) else "%s [%s]%s" % (
        g.hostname(), ip, " (may be forged)" if r.randrange(4) == 0 else "")
    return "%s: ruleset=%s, arg1=<%s>, relay=%s, reject=%s" % (
        g.qid(), ruleset, arg1, relay, g.pick(REJECTS).format(rcpt=arg1, sender=sender, ip=ip))


def sm_starttls(g):
    r = g.r
    side = "server" if r.randrange(3) else "client"
    relay = g.relay() if side == "server" else "%s." % g.hostname()
    verify = "NO" if side == "server" else g.pick(["OK", "OK", "FAIL", "NONE"])
    bits = g.pick(["256", "128", "256/256", "128/128"])
    return "STARTTLS=%s, relay=%s, version=%s, verify=%s, cipher=%s, bits=%s" % (
        side, relay, g.pick(TLSVERS), verify, g.pick(CIPHERS), bits)


def sm_auth(g):
    return "AUTH=server, relay=%s, authid=%s, mech=%s, bits=0" % (
        g.relay(), g.addr() if g.r.randrange(2) else g.pick(USERS), g.pick(["PLAIN", "LOGIN"]))


def sm_milter(g):
    return "%s: milter=%s, action=data, reject=550 5.7.1 Blocked by SpamAssassin" % (
        g.qid(), g.pick(["spamass", "clamav", "opendkim"]))


def sm_text(g):
    """The free-text lines: DSN, lost input channel, did not issue, ... (rulebase)."""
    r = g.r
    qid = g.qid()
    k = r.randrange(16)
    if k < 3:
        note = g.pick(NOTIFY)
        if r.randrange(4) == 0:
            return "%s: %s: %s: Warning: could not send message for past %s" % (
                qid, g.qid(), note, g.pick(["4 hours", "1 day", "2 days"]))
        return "%s: %s: %s: %s" % (qid, g.qid(), note, g.pick(DSN_REASONS).format(host=g.hostname()))
    if k < 5:
        return "%s: lost input channel from %s to %s after %s" % (
            qid, g.relay(), g.pick(DAEMON_NAMES), g.pick(["rcpt", "data", "startup", "mail"]))
    if k < 8:
        return "%s: %s did not issue MAIL/EXPN/VRFY/ETRN during connection to %s" % (
            qid, g.relay(), g.pick(DAEMON_NAMES))
    if k < 9:
        return "%s: timeout waiting for input from %s during %s" % (qid, g.hostname(), g.pick(PHASES))
    if k < 10:
        return "%s: %s: possible SMTP attack: command=%s, count=%d" % (
            qid, g.relay(), g.pick(["AUTH", "RCPT"]), g.num(5, 100))
    if k < 11:
        return "%s: AUTH failure (%s): authentication failure (-13) SASL(-13): authentication failure: " \
               "checkpass failed, user=%s, relay=%s" % (qid, g.pick(["LOGIN", "PLAIN"]), g.addr(), g.relay())
    if k < 12:
        return "%s: Milter: %s=<%s>, reject=%s" % (
            qid, g.pick(["from", "to"]), g.addr(), g.pick(["550 5.7.1 Sender blocked by policy",
                                                          "451 4.7.1 Greylisted, try again later"]))
    if k < 13:
        return "%s: <%s>... User unknown" % (qid, g.addr())
    if k < 14:
        return "NOQUEUE: connect from %s" % g.relay()
    if k < 15:
        return "%s: rejecting commands from %s due to pre-greeting traffic after %d seconds" % (
            qid, g.relay(forged_ok=False), g.num(0, 9))
    return "%s: collect: I/O error on connection from %s, sender=<%s>" % (qid, g.hostname(), g.addr())


SENDMAIL_MIX = [  # (weight, make); weights in percent
    (22, sm_from),
    (24, lambda g: sm_to(g, "sent")),
    (6, lambda g: sm_to(g, "deferred")),
    (3, lambda g: sm_to(g, "bounced")),
    (5, sm_done),
    (10, sm_ruleset),
    (8, sm_starttls),
    (3, sm_auth),
    (1, sm_milter),
    (18, sm_text),
]


def sendmail_line(g, body):
    return "%s %s %s[%d]: %s" % (g.stamp(), g.pick(HOSTS), g.pick(PROGRAMS), g.num(100, 99999), body)


def in_sessions(lines, seed):
    """The lines with each to= line's queue id one of the last 50 from= lines' of its host
    (random.Random of its own: the lines themselves stay those of the sendmail corpus)."""
    pick = random.Random("sessions-%d" % seed)
    recent = collections.defaultdict(lambda: collections.deque(maxlen=50))
    for line in lines:
        head, _, body = line.partition("]: ")
        qid, _, rest = body.partition(": ")
        host = head.split()[-2]
        if rest.startswith("from="):
            recent[host].append(qid)
        elif rest.startswith("to=") and recent[host]:
            line = "%s]: %s: %s" % (head, pick.choice(recent[host]), rest)
        yield line


# --- Postfix -------------------------------------------------------------------------------
# The shapes of notes/postfix.md (and tests/golden/postfix/): a message's smtpd, cleanup,
# qmgr, delivery and removed lines, the session's connect/TLS/disconnect, rejects,
# postscreen, SASL failures.

PF_PROGRAMS = {"smtpd": ["postfix/smtpd", "postfix/smtpd", "postfix/submission/smtpd"],
               "smtp": ["postfix/smtp", "postfix/smtp", "postfix/relay/smtp"],
               "local": ["postfix/local"], "cleanup": ["postfix/cleanup"], "qmgr": ["postfix/qmgr"],
               "postscreen": ["postfix/postscreen"]}
PF_DEFER = ["connect to {host}[{ip}]:25: Connection timed out",
            "host {host}[{ip}] said: 451 4.7.1 Greylisted, please try again later (in reply to RCPT TO command)",
            "connect to {host}[{ip}]:25: Connection refused",
            "host {host}[{ip}] said: 421 4.7.0 Try again later, closing connection. (in reply to end of DATA command)"]
PF_BOUNCE = ["host {host}[{ip}] said: 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown "
             "(in reply to RCPT TO command)",
             "host {host}[{ip}] said: 552 5.2.2 Mailbox full (in reply to end of DATA command)",
             "Host or domain name not found. Name service error for name={host} type=MX: Host not found"]
PF_REJECTS = ["554 5.7.1 <{rcpt}>: Relay access denied",
              "450 4.7.25 Client host rejected: cannot find your hostname, [{ip}]",
              "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in local recipient table",
              "554 5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org; "
              "https://www.spamhaus.org/query/ip/{ip}",
              "450 4.1.8 <{sender}>: Sender address rejected: Domain not found"]
PF_CIPHERS = ["TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 "
              "server-signature RSA-PSS (2048 bits) server-digest SHA256",
              "TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
              "TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) key-exchange X25519 "
              "server-signature ECDSA (P-256) server-digest SHA256"]


def pf_qid(g):
    return "%010X" % g.r.getrandbits(40)


def pf_client(g):
    if g.r.randrange(5) == 0:
        return "unknown[%s]" % g.ip()
    return "%s[%s]" % (g.hostname(), g.ip())


def pf_delays(g):
    r = g.r
    return "delay=%s, delays=%s/%s/%s/%s" % (
        r.choice(["0.32", "1.1", "5", "27", "3.4", "130"]), r.choice(["0.1", "0.02", "0.05", "2.2"]),
        r.choice(["0", "0.01", "0.02"]), r.choice(["0", "0.3", "1.2", "5"]), r.choice(["0.01", "0.4", "1.6"]))


def pf_delivery(g, status):
    r = g.r
    rcpt = g.addr()
    host, ip = "mx%d.%s" % (r.randint(1, 5), rcpt.split("@")[1]), g.ip()
    parts = ["to=<%s>" % rcpt]
    if status == "sent" and r.randrange(4) == 0:  # local delivery, aliased
        parts += ["orig_to=<%s>" % g.pick(USERS), "relay=local", pf_delays(g), "dsn=2.0.0",
                  "status=sent (delivered to mailbox)"]
        return "local", "%s: %s" % (pf_qid(g), ", ".join(parts))
    parts.append("relay=%s" % ("none" if status == "deferred" and r.randrange(2) else "%s[%s]:25" % (host, ip)))
    if r.randrange(6) == 0:
        parts.append("conn_use=%d" % g.num(2, 20))
    parts.append(pf_delays(g))
    if r.randrange(5) == 0:
        parts.append("tls=%s" % g.pick(["may", "dane", "encrypt", "may:none"]))
    if status == "sent":
        parts += ["dsn=2.0.0", "status=sent (250 2.0.0 Ok: queued as %s)" % pf_qid(g)]
    elif status == "deferred":
        parts += ["dsn=4.4.1", "status=deferred (%s)" % g.pick(PF_DEFER).format(host=host, ip=ip)]
    else:
        parts += ["dsn=5.1.1", "status=bounced (%s)" % g.pick(PF_BOUNCE).format(host=host, ip=ip, rcpt=rcpt)]
    return "smtp", "%s: %s" % (pf_qid(g), ", ".join(parts))


def pf_reject(g):
    rcpt, sender, ip = g.addr(), g.addr(), g.ip()
    return "smtpd", "NOQUEUE: reject: RCPT from %s[%s]: %s; from=<%s> to=<%s> proto=ESMTP helo=<%s>" % (
        g.hostname(), ip, g.pick(PF_REJECTS).format(rcpt=rcpt, sender=sender, ip=ip), sender, rcpt, g.hostname())


def pf_client_line(g):
    text = "%s: client=%s" % (pf_qid(g), pf_client(g))
    if g.r.randrange(4) == 0:
        text += ", sasl_method=%s, sasl_username=%s" % (g.pick(["PLAIN", "LOGIN"]), g.addr())
    return "smtpd", text


def pf_disconnect(g):
    r = g.r
    counters = ["ehlo=1", "mail=1", "rcpt=%d" % g.num(1, 3), "data=1", "quit=1"]
    if r.randrange(4) == 0:
        counters = ["ehlo=1", "auth=0/1", "rset=1", "commands=2/3"]
    else:
        counters.append("commands=%d" % (4 + int(counters[2][5:])))
    return "smtpd", "disconnect from %s %s" % (pf_client(g), " ".join(counters))


def pf_tls(g):
    if g.r.randrange(2):
        return "smtpd", "Anonymous TLS connection established from %s: %s" % (pf_client(g), g.pick(PF_CIPHERS))
    return "smtp", "Verified TLS connection established to %s[%s]:25: %s" % (g.hostname(), g.ip(), g.pick(PF_CIPHERS))


def pf_postscreen(g):
    ip, port = g.ip(), g.num(1024, 65535)
    return "postscreen", g.pick(["CONNECT from [{ip}]:{port} to [192.0.2.1]:25", "PASS OLD [{ip}]:{port}",
                                 "DNSBL rank 3 for [{ip}]:{port}", "DISCONNECT [{ip}]:{port}"]).format(ip=ip, port=port)


POSTFIX_MIX = [  # (weight, make -> (process, body)); weights in percent
    (8, lambda g: ("smtpd", "connect from %s" % pf_client(g))),
    (8, pf_disconnect),
    (8, pf_client_line),
    (8, lambda g: ("cleanup", "%s: message-id=<%d.%s@%s>" % (pf_qid(g), g.num(10**9, 2 * 10**9), g.hexid(),
                                                              g.pick(DOMAINS)))),
    (10, lambda g: ("qmgr", "%s: from=<%s>, size=%d, nrcpt=%d (queue active)" % (
        pf_qid(g), "" if g.r.randrange(20) == 0 else g.addr(), g.num(300, 2_000_000), g.num(1, 4)))),
    (18, lambda g: pf_delivery(g, "sent")),
    (5, lambda g: pf_delivery(g, "deferred")),
    (2, lambda g: pf_delivery(g, "bounced")),
    (9, lambda g: ("qmgr", "%s: removed" % pf_qid(g))),
    (8, pf_reject),
    (8, pf_tls),
    (3, lambda g: ("smtpd", "warning: %s: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=%s" % (
        pf_client(g), g.addr()))),
    (2, lambda g: ("smtpd", "lost connection after %s from %s" % (g.pick(["CONNECT", "AUTH", "DATA (0 bytes)"]),
                                                                pf_client(g)))),
    (3, pf_postscreen),
]


def postfix_line(g, made):
    process, body = made
    return "%s %s %s[%d]: %s" % (g.stamp(), g.pick(HOSTS), g.pick(PF_PROGRAMS[process]), g.num(100, 99999), body)


# --- Sun MTA -------------------------------------------------------------------------------

def sun_stamp(g):
    r = g.r
    return "%02d-%s-%d %02d:%02d:%02d.%02d" % (r.randint(1, 28), g.pick(MONTHS), r.choice((2019, 2020, 2021)),
                                               r.randint(0, 23), r.randint(0, 59), r.randint(0, 59),
                                               r.randint(0, 99))


def pad(ch, width=12):
    return ch.ljust(width) if len(ch) < width else ch + " "


def sun_pid(g):
    return "%x.%d.%d" % (g.num(0x1000, 0xffff), g.num(1, 12), g.num(1, 40))


def sun_file(g, ch, attempt="ZZ"):
    return "/opt/sun/comms/messaging64/data/queue/%s/%03d/%s%s.00" % (
        ch, g.num(0, 9), attempt, "".join(g.r.choice(ALNUM) for _ in range(14)))


def sun_msgid(g):
    return "<%d.%s@%s>" % (g.num(10**9, 2 * 10**9), g.hexid(), g.pick(DOMAINS))


def quad(g, inbound):
    lip, rip = "192.0.2.%d" % g.num(1, 9), g.ip()
    if inbound:
        return "TCP|%s|25|%s|%d" % (lip, rip, g.num(1024, 65535)), rip
    return "TCP|%s|%d|%s|25" % (lip, g.num(1024, 65535), rip), rip


def sun_enqueue(g):
    r = g.r
    code = g.pick(["E", "E", "EE", "EEC", "ES", "ESA", "EA"])
    src, dst = g.pick(["tcp_local", "tcp_intranet", "tcp_submit"]), g.pick(["ims-ms", "tcp_local", "process"])
    sender = "" if r.randrange(15) == 0 else g.addr()
    rcpt = g.addr()
    active = rcpt.split("@")[0] + "@ims-ms-daemon" if dst == "ims-ms" else rcpt
    head = sun_stamp(g)
    if r.randrange(2):
        head += " " + sun_pid(g)
    s = "%s %s%s%s %d %s rfc822;%s %s" % (head, pad(src), pad(dst), code, g.num(1, 900), sender, rcpt, active)
    opt = r.randrange(5)
    if opt >= 1:
        s += " " + sun_file(g, dst)
    if opt >= 2:
        s += " " + sun_msgid(g)
    if opt >= 3:
        s += " " + ("*" + g.addr() if "A" in code else "mailsrv")
    if opt >= 4:
        h = g.hostname()
        s += " %s (%s [%s])" % (h, h, g.ip())
    return s


def sun_dequeue(g):
    r = g.r
    code = g.pick(["D", "D", "DS", "DSA", "DEQ"])
    ch = g.pick(["tcp_local", "tcp_intranet", "ims-ms"])
    sender = "" if r.randrange(15) == 0 else g.addr()
    rcpt = g.addr()
    s = "%s %s%s %d %s rfc822;%s %s" % (sun_stamp(g), pad(ch, 26), code, g.num(1, 900), sender, rcpt, rcpt)
    if ch == "ims-ms":
        return s
    if r.randrange(2):
        s += " " + sun_file(g, ch)
    if r.randrange(2):
        s += " " + sun_msgid(g)
    host = g.hostname()
    q, _ = quad(g, False)
    s += " %s dns;%s (%s) (%s ESMTP%s) smtp;250 2.%d.0 Ok: queued as %s" % (
        host, host, q, host, g.pick(["", " Postfix", " ready"]), g.num(0, 1), g.hexid())
    return s


def sun_defer(g):
    r = g.r
    sender = g.addr()
    rcpt = g.addr()
    s = "%s %s%s %s%s %d %s rfc822;%s %s %s" % (
        sun_stamp(g), sun_pid(g) + " ", pad("tcp_local", 26), "Q", "", g.num(0, 300), sender, rcpt, rcpt,
        sun_file(g, "tcp_local", g.pick(["ZY", "ZX", "ZW"])))
    if r.randrange(2):
        host = g.hostname()
        q, _ = quad(g, False)
        return s + " %s dns;%s (%s) (%s ESMTP) smtp;451 4.7.1 Greylisted, please try again later" % (
            host, host, q, host)
    return s + " TCP active open: Failed connect() Error: %s" % g.pick(["no route to host", "connection refused"])


def sun_bounce(g):
    sender, rcpt = g.addr(), g.addr()
    return "%s %s %s%s %d %s rfc822;%s %s Remote SMTP server has rejected address " \
           "smtp;550 5.1.1 <%s>: Recipient address rejected: User unknown" % (
               sun_stamp(g), sun_pid(g), pad("tcp_local", 26), "R", g.num(1, 300), sender, rcpt, rcpt, rcpt)


def sun_reject(g):
    sender, rcpt = g.addr(), g.addr()
    return "%s %s %sJ 0 %s rfc822; %s 550 5.7.1 Relaying not permitted: %s" % (
        sun_stamp(g), sun_pid(g), pad("tcp_local", 26), sender, rcpt, rcpt)


def sun_connection(g):
    r = g.r
    code = g.pick(["O", "O", "C", "C", "X", "Y", "U"])
    inbound = code in "OCXU" and r.randrange(4) != 0
    q, _ = quad(g, inbound)
    app = "SMTP"
    if r.randrange(2):
        app = "SMTP/%s/%s" % (g.hostname(), g.hostname())
        if r.randrange(2):
            app += "/TLS-256-AES256-GCM-SHA384"
    s = "%s %s %s%s%s %s %s" % (sun_stamp(g), g.pick(HOSTS), sun_pid(g) + " ", pad("tcp_local"),
                                pad("+" if inbound else "-"), code, q)
    s += " " + app
    if code == "X":
        s += " 421 4.7.0 Too many connections from your address"
    elif code == "Y":
        s += " TCP active open: Failed connect() Error: Connection refused"
    elif code == "U":
        s += g.pick([" 235 2.7.0 PLAIN authentication successful.",
                     " 535 5.7.8 Bad username or password (Authentication failed)."])
    return s


def sun_counted(g):
    """LOG_FORMAT=3: N:value fields."""
    def c(v):
        return "%d:%s" % (len(v), v)
    sender, rcpt = g.addr(), g.addr()
    h = g.hostname()
    return "%s %s%sE %d %s %s %s %s %s %s %s" % (
        sun_stamp(g), pad("tcp_local"), pad("l"), g.num(1, 90), c(sender), c("rfc822;" + rcpt),
        c(rcpt.split("@")[0]), c(sun_file(g, "l")), c(sun_msgid(g)), c("mailsrv"),
        c("%s (%s [%s])" % (h, h, g.ip())))


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def sun_xml(g):
    r = g.r
    ts = "%d-%02d-%02dT%02d:%02d:%02d.%02d" % (r.choice((2019, 2020)), r.randint(1, 12), r.randint(1, 28),
                                             r.randint(0, 23), r.randint(0, 59), r.randint(0, 59),
                                             r.randint(0, 99))
    k = r.randrange(3)
    if k == 0:
        q, _ = quad(g, True)
        return '<co ts="%s" no="%s" pi="%s" sc="tcp_local" dr="+" ac="%s" tr="%s" ap="SMTP"/>' % (
            ts, g.pick(HOSTS), sun_pid(g), g.pick(["O", "C"]), q)
    rcpt = g.addr()
    attrs = [("ts", ts), ("no", g.pick(HOSTS)), ("pi", sun_pid(g)), ("sc", "tcp_submit"),
             ("dc", "tcp_local"), ("ac", g.pick(["EEA", "E", "DS"])), ("sz", str(g.num(1, 500))),
             ("so", g.addr()), ("od", "rfc822;" + rcpt), ("de", rcpt), ("rf", "22"),
             ("fi", sun_file(g, "tcp_local")), ("ei", "<env-%d@example.org>" % g.num(1, 99999))]
    if k == 2:
        attrs.append(("mi", sun_msgid(g)))
    return "<en %s/>" % " ".join('%s="%s"' % (a, xml_escape(v)) for a, v in attrs)


def sun_header(g):
    return "%s > %s" % (sun_stamp(g), g.pick(["Subject: Quarterly report %d" % g.num(1, 4),
                                              "Message-ID: %s" % sun_msgid(g)]))


SUN_MIX = [
    (30, sun_enqueue),
    (25, sun_dequeue),
    (6, sun_defer),
    (3, sun_bounce),
    (3, sun_reject),
    (20, sun_connection),
    (3, sun_counted),
    (8, sun_xml),
    (2, sun_header),
]


def mix_lines(g, mix, count):
    weights = [w for w, _ in mix]
    makers = [m for _, m in mix]
    for _ in range(count):
        yield g.r.choices(makers, weights)[0](g)


LENGTH_BUCKETS = (256, 512, 1024, 2048, 4096)


def length_lines(g, per_bucket):
    """One shape per format (a sendmail to= Deferred line, a Sun MTA Q entry; both shorter
    than the smallest bucket), its free text (the stat= detail, the SMTP diagnostic) padded
    with words to the bucket's length."""
    for bucket in LENGTH_BUCKETS:
        for _ in range(per_bucket):
            sm = sendmail_line(g, "%s: to=<%s@example.com>, delay=00:00:%02d, xdelay=00:00:01, mailer=esmtp, "
                                  "pri=%d, relay=mx%d.example.net. [%s], dsn=4.0.0, stat=Deferred: " % (
                                      g.qid(), g.pick(USERS), g.num(0, 59), g.num(30000, 999999), g.num(1, 9),
                                      g.ip()))
            yield "%d sendmail %s" % (bucket, fill(g, sm, bucket))
            sun = "%s %s %sQ %d %s@example.org rfc822;%s@example.net %s@example.net smtp;451 4.3.0 " % (
                sun_stamp(g), sun_pid(g), pad("tcp_local", 26), g.num(1, 300), g.pick(USERS), g.pick(USERS),
                g.pick(USERS))
            yield "%d sun_mta %s" % (bucket, fill(g, sun, bucket))


WORDS = ["temporary", "failure", "remote", "server", "said", "mailbox", "quota", "exceeded",
         "please", "retry", "later", "policy", "greylisted", "connection", "closed"]


def fill(g, line, length):
    """line with words appended up to length bytes (the last word cut to fit)."""
    words = []
    n = len(line)
    while n < length:
        w = g.pick(WORDS)
        words.append(w)
        n += len(w) + 1
    return (line + " ".join(words))[:length]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", choices=["sendmail", "sendmail_sessions", "sun_mta", "postfix", "lengths"])
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=6)
    args = ap.parse_args()
    g = Gen("%s-%d" % (args.corpus.replace("_sessions", ""), args.seed))
    out = sys.stdout
    if args.corpus.startswith("sendmail"):
        lines = (sendmail_line(g, body) for body in mix_lines(g, SENDMAIL_MIX, args.count))
        if args.corpus == "sendmail_sessions":
            lines = in_sessions(lines, args.seed)
    elif args.corpus == "sun_mta":
        lines = mix_lines(g, SUN_MIX, args.count)
    elif args.corpus == "postfix":
        lines = (postfix_line(g, made) for made in mix_lines(g, POSTFIX_MIX, args.count))
    else:
        lines = length_lines(g, args.count)
    buf = []
    for line in lines:
        buf.append(line)
        if len(buf) >= 10000:
            out.write("\n".join(buf) + "\n")
            buf = []
    if buf:
        out.write("\n".join(buf) + "\n")


if __name__ == "__main__":
    main()
