#!/bin/bash
# One host cannot evict the other hosts' correlation entries (issue 12, finding 5): host
# mx2 sends a from= line, then mx1 floods the cache with ten times correlation.maxEntries
# from= lines, then mx2 sends the to= line: it must still get the from= line's sender and
# Message-ID. impstats shows the two hosts, the flooder holding all but one entry, and
# every eviction taken from the flooder.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

max=1000
{
	echo '<22>Nov 22 10:00:00 mx2 sm-mta[1]: k9LE1v98001811: from=<alice@example.org>, size=1, class=0, nrcpts=1, msgid=<quiet@example.org>, proto=ESMTP, relay=client.example.net [192.0.2.1]'
	for ((i = 0; i < 10 * max; i++)); do
		printf '<22>Nov 22 10:00:01 mx1 sm-mta[1]: f%07dq%06d: from=<flood%d@example.org>, size=1, class=0, nrcpts=1, msgid=<%d@example.org>, proto=ESMTP, relay=client.example.net [192.0.2.2]\n' \
			"$i" "$i" "$i" "$i"
	done
	echo '<22>Nov 22 10:00:02 mx2 sm-mta[1]: k9LE1v98001811: to=<bob@example.com>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=1, relay=mx.example.com. [198.51.100.7], dsn=2.0.0, stat=Sent (ok)'
} >"$TEST_DIR/input"

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
module(load="impstats" interval="1" format="json" log.syslog="off" log.file="$TEST_DIR/stats")
template(name="tree" type="string" string="%\$!mail%\n")
ruleset(name="mail") {
	action(type="mmmailnorm" correlate="on" correlation.maxEntries="$max" statsName="fairness")
	action(type="omfile" file="$TEST_DIR/output" template="tree")
}
CONF

stats_show_it() {
	$CHECK_JSON impstats "$TEST_DIR/stats" fairness cache.entries=$max cache.hosts=2 \
		cache.biggest_host=$((max - 1)) cache.evictions=$((10 * max - max + 1))
}

start_rsyslogd
send_tcp "$TEST_DIR/input"
wait_for_lines "$TEST_DIR/output" $((10 * max + 2))
wait_for "impstats to show 2 hosts, the flooder with $((max - 1)) entries (last: $(grep fairness "$TEST_DIR/stats" 2>/dev/null | tail -1))" stats_show_it
stop_rsyslogd
tail -n 1 "$TEST_DIR/output" | $PYTHON3 -c '
import json, sys
tree = json.loads(sys.stdin.read())
email = tree.get("email", {})
assert email.get("message_id") == "quiet@example.org", f"the to= line of mx2 lost its from= facts: {tree}"
assert email.get("from", {}).get("address") == ["alice@example.org"], tree
' || fail "host mx1 evicted host mx2's entry"
echo "PASS: $((10 * max)) from= lines of one host left the other host's entry in a cache of $max"
