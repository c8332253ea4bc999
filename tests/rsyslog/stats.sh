#!/bin/bash
# impstats counters of an mmmailnorm action after a known input: recognised per format
# (sendmail, Postfix, Sun MTA),
# partial (lines cut at the parsers' arrays too), failed, correlated, cache entries and evictions.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

# the last sendmail and Sun MTA lines have more items than the parsers' arrays: the rest is
# kept in "unparsed" and each counts as partial
xml='<en ts="2014-06-02T22:02:13.94" sc="tcp_local" ac="E" sz="1" so="a@b" od="rfc822;c@d" de="c@d"'
pairs=''
for ((i = 0; i < 80; i++)); do
	xml+=" x$i=\"w$i\""
	pairs+="k$i=v$i, "
done
cat >"$TEST_DIR/input" <<LINES
<22>Nov  7 13:52:47 mx1 sm-mta[100]: qA7LqlqC000001: from=<a@example.org>, size=1, class=0, nrcpts=1, relay=localhost
<22>Nov  7 13:52:47 mx1 sm-mta[100]: qA7LqlqC000002: from=<b@example.org>, size=1, class=0, nrcpts=1, relay=localhost
<22>Nov  7 13:52:47 mx1 sm-mta[100]: qA7LqlqC000003: from=<c@example.org>, size=1, class=0, nrcpts=1, relay=localhost
<22>Nov  7 13:52:48 mx1 sm-mta[101]: qA7LqlqC000003: to=<d@example.com>, delay=00:00:01, mailer=local, pri=1, dsn=2.0.0, stat=Sent
<22>Nov  7 13:52:48 mx1 sm-mta[101]: qA7LqlqC000003: no rule knows this free text
<20>Nov  7 13:52:49 mx1 imta: 19-Feb-1998 17:02:08.70 tcp_local    +            O TCP|206.184.139.12|25|192.160.253.66|1244 SMTP
<20>Nov  7 13:52:49 mx1 imta: 19-Feb-1998 17:02:27.05 tcp_local    +            C TCP|206.184.139.12|25|192.160.253.66|1244 SMTP
<22>Nov  7 13:52:49 mx2 postfix/smtpd[200]: connect from unknown[192.0.2.1]
<22>Nov  7 13:52:49 mx2 postfix/smtpd[200]: disconnect from unknown[192.0.2.1] commands=0/0
<22>Nov  7 13:52:49 mx2 postfix/smtpd[200]: no rule knows this free text
<13>Nov  7 13:52:50 mx1 kernel: eth0: link up
<13>Nov  7 13:52:50 mx1 cron[5]: (root) CMD (true)
<22>Nov  7 13:52:51 mx1 sm-mta[102]: qA7LqlqC000004: ${pairs}last=1
<20>Nov  7 13:52:52 mx1 imta: $xml/>
LINES

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
module(load="impstats" interval="1" format="json" log.syslog="off" log.file="$TEST_DIR/stats")
ruleset(name="mail") {
	action(type="mmmailnorm" correlate="on" correlation.maxEntries="2" statsName="mailstats")
	action(type="omfile" file="$TEST_DIR/output" template="RSYSLOG_FileFormat")
}
CONF

expected=(recognised.sendmail=6 recognised.postfix=3 recognised.sun_mta=3 partial=4 failed=2 correlated=1
	cache.entries=2 cache.evictions=1 cache.expired=0)

# The latest mailstats line has the expected counters (impstats writes one per interval).
stats_match() {
	$CHECK_JSON impstats "$TEST_DIR/stats" mailstats "${expected[@]}"
}

start_rsyslogd
send_tcp "$TEST_DIR/input"
wait_for_lines "$TEST_DIR/output" 14
wait_for "impstats to report ${expected[*]} (last: $(grep mailstats "$TEST_DIR/stats" 2>/dev/null | tail -1))" stats_match
stop_rsyslogd
echo "PASS: impstats counters"
