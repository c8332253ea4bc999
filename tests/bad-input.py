#!/usr/bin/env python3
"""Bad input through the mailnorm CLI (run by tests/sanitized.sh with the sanitized build):
every line must give exactly one output line, valid JSON in valid UTF-8, no crash, and a
line that is not mail must give {}.

  bad-input.py MAILNORM
"""
import json
import subprocess
import sys

SENDMAIL_FROM = (b"Oct 21 23:01:58 user100 sendmail[1811]: k9LE1v98001811: from=<a@example.com>, "
                 b"size=6297, class=0, nrcpts=1, msgid=<m1@example.com>, proto=ESMTP, daemon=MTA, "
                 b"relay=user200@local001 [192.0.2.222]")
SENDMAIL_TO = (b"Oct 21 23:02:02 user100 sendmail[1813]: k9LE1v98001811: to=<b@example.org>, "
               b"ctladdr=<a@example.com> (1001/100), delay=1+00:00:04, xdelay=00:00:04, mailer=esmtp, "
               b"pri=126297, relay=mx.example.org. [198.51.100.2], dsn=2.0.0, reply=250 2.0.0 ok, "
               b"stat=Sent (ok 1161439322 qp 70739)")
SENDMAIL_TEXT = (b"May 20 04:07:05 mailhost sendmail[28499]: j4K970hV028494: j4K975hV028499: DSN: "
                 b"Service unavailable")
SUN_TEXT = (b"19-Feb-1998 10:52:12.28 HOSTA 1f625.3.1 tcp_local                  DSA 1 adam@sesta.com "
            b"rfc822;bobby@hosta.sesta.com bobby@hosta.sesta.com 276 "
            b"imta/queue/tcp_local/ZZ01ITRF7BO388000FCN.00 <e1@x> <01ITRF7BDHS6000FCN@SESTA.COM> *adam "
            b"hosta.sesta.com dns;hosta.sesta.com (TCP|206.184.139.12|5901|206.184.139.70|25) "
            b"(hosta.sesta.com -- Server ESMTP [iMS V5.0 #8790]) 0 3 smtp;250 2.1.5 ok "
            b"TCP|206.184.139.12|5901|206.184.139.70|25 SMTP/hosta/hosta.sesta.com/TLS-128-RC4 12")
SUN_COUNTED = (b"19-Feb-1998 17:02:26.65 tcp_local    l            E 1 17:service@siroe.com "
               b"21:rfc822;adam@sesta.com 4:adam 35:/imta/queue/l/ZZ01ITRXZ4QW98518O.00 "
               b"30:<01ITRXZ2H8MS90N15M@siroe.com> 7:mailsrv")
SUN_XML = (b'<en ts="2014-06-02T22:02:13.94" no="n1" pi="72a9.3b4.3774" sc="tcp_local" dc="l" ac="EEA" '
           b'sz="3" so="a&amp;b@example.com" od="rfc822;c@example.com" de="c@example.com" '
           b'mi="&lt;m@x&gt;" di="250 2.1.5 &#233;&#x263A;" tr="TCP|1.2.3.4|25|5.6.7.8|999" ap="SMTP"/>')
SUN_CONNECTION = (b"19-Feb-1998 10:52:10.79 1f625.2.0 tcp_local    -            O "
                  b"TCP|206.184.139.12|5900|206.184.139.66|25 SMTP/hostb.sesta.com/mailhub.sesta.com")
FULL_LINES = [SENDMAIL_FROM, SENDMAIL_TO, SENDMAIL_TEXT, SUN_TEXT, SUN_COUNTED, SUN_XML, SUN_CONNECTION]


# Lines that are no mail log line of any format: each must give {}.
NOT_MAIL = [b"", b"   \t  ", b"x" * 65536, b"this is not a mail log line", b"\xff\xfe\x00",
            b"Oct 21 23:01:58 host kernel[1]: link up", b"<co/>", b"19-Feb-1998 not an entry"]


def cases():
    yield from NOT_MAIL
    yield b"k9LE1v98001811: to=<" + b"a" * 65536 + b">, stat=Sent"
    yield SENDMAIL_TO.replace(b"stat=", b"st\x00at=")
    yield SENDMAIL_FROM + b"\x00\x00"
    yield SENDMAIL_TO.replace(b"ok 1161439322", b"\xff\xfe\xc3\x28\xe2\x82\xf0\x9f\x92")
    yield SENDMAIL_TO.replace(b", delay", b"\r, delay")
    yield b"k9LE1v98001811: key=, =value, to=, stat="
    yield b"k9LE1v98001811: =value"
    yield b"k9LE1v98001811: " + b", ".join(b"k%d=v%d" % (i, i) for i in range(1000))
    yield b"k9LE1v98001811: to=" + b",".join(b"<r%d@example.com>" % i for i in range(10000)) + b", stat=Sent"
    for relay in (b"", b"[", b"]", b"[]", b"[[[]]]", b"(may be forged)", b"@", b"@[1.2.3.4]", b"IDENT:",
                  b"host (", b"host ()", b"'", b"''", b"[IPv6:]", b"[IPv6:zz::1]", b"a" * 5000 + b" [1.2.3.4]",
                  b"[999.1.1.1] [1.2.3.4] [5.6.7.8]", b". [1.2.3.4]", b"x (may be forged) (may be forged)"):
        yield b"k9LE1v98001811: from=<a@b>, size=1, class=0, nrcpts=1, relay=" + relay
    for delay in (b"1+", b"+00:00:01", b"99999999999999999999+00:00:00", b"00:99:00", b"::", b"-1+00:00:00"):
        yield b"k9LE1v98001811: to=<a@b>, delay=" + delay + b", stat=Sent"
    yield b'<en ts="2014-06-02T22:02:13.94 sc="tcp_local'
    yield b'<en ts="x" so="&bogus; &#; &#x; &#99999999; &#xD800; &amp" bad attr/>'
    yield b"<co " + b'a="' * 3000
    yield b"<he />"
    # Sun entries with every optional field malformed
    yield (b"19-Feb-1998 10:52:12.28 zz.zz.zz.zz tcp_local D 1 a rfc822; b 9999999999999999999999 /ZZ "
           b"<< <> *( dns; (TCP|||||||) ((( ) x y z smtp; TCP|a|b|c|d SMTP/// 99999999999999999999999")
    yield b"32-Foo-1998 25:61:61.999 tcp_local D 1 a rfc822;b c"
    yield b"19-Feb-1998 10:52:12.28 tcp_local D 1 99999:a 3:rfc822;b 1:c"
    yield b"19-Feb-1998 10:52:12.28 tcp_local    -   O TCP|1.2.3.4|x|y|z SMTP/"
    # every prefix of one line of each type (a line cut at any byte)
    for line in FULL_LINES:
        for n in range(len(line)):
            yield line[:n]


def main(binary):
    inputs = list(cases())
    data = b"".join(line.replace(b"\n", b" ") + b"\n" for line in inputs)
    proc = subprocess.run([binary, "--correlate", "--timezone=UTC"], input=data, capture_output=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"FAIL: {binary} exited {proc.returncode}\n{proc.stderr.decode(errors='replace')[-3000:]}")
    outputs = proc.stdout.split(b"\n")[:-1]
    if len(outputs) != len(inputs):
        sys.exit(f"FAIL: {len(inputs)} inputs, {len(outputs)} output lines")
    for line, out in zip(inputs, outputs):
        try:
            tree = json.loads(out.decode("utf-8", errors="strict"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            sys.exit(f"FAIL: output for {line[:80]!r} is not valid UTF-8 JSON: {e}")
        if not isinstance(tree, dict):
            sys.exit(f"FAIL: output for {line[:80]!r} is not an object")
        if line in NOT_MAIL and tree != {}:
            sys.exit(f"FAIL: {line[:80]!r} is not mail but gave {out[:200]!r}")
    print(f"PASS: {len(inputs)} bad inputs, each one valid UTF-8 JSON line, no crash; "
          f"{len(NOT_MAIL)} lines that are not mail gave {{}}")


if __name__ == "__main__":
    main(sys.argv[1])
