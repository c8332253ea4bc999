#!/bin/bash
# The correlation cache under pressure: ten times correlation.maxEntries distinct messages.
# impstats must show the cache full and every other entry evicted, and rsyslogd's RSS
# must not grow between the fifth and the tenth multiple (the cache's memory is bounded).
. "${srcdir:-.}/tests/rsyslog/harness.sh"

max=5000
for ((i = 0; i < 10 * max; i++)); do
	printf '<22>Nov 22 10:00:00 mx1 sm-mta[1]: p%07dq%06d: from=<sender%d@example.org>, size=%d, class=0, nrcpts=1, msgid=<%0200d@example.org>, proto=ESMTP, relay=client%d.example.net [192.0.2.%d]\n' \
		"$i" "$i" "$i" "$i" "$i" "$i" $((i % 250 + 1))
done >"$TEST_DIR/input"
head -n $((5 * max)) "$TEST_DIR/input" >"$TEST_DIR/first"
tail -n +$((5 * max + 1)) "$TEST_DIR/input" >"$TEST_DIR/second"

{ conf_header; conf_tcp_input; } >"$TEST_DIR/rsyslog.conf"
cat >>"$TEST_DIR/rsyslog.conf" <<CONF
module(load="impstats" interval="1" format="json" log.syslog="off" log.file="$TEST_DIR/stats")
template(name="qid" type="string" string="%\$!mail!email!local_id%\n")
ruleset(name="mail") {
	action(type="mmmailnorm" correlate="on" correlation.maxEntries="$max" statsName="pressure")
	action(type="omfile" file="$TEST_DIR/output" template="qid")
}
CONF

cache_full() {
	$CHECK_JSON impstats "$TEST_DIR/stats" pressure cache.entries=$max cache.evictions=$((9 * max))
}

start_rsyslogd
send_tcp_in_chunks "$TEST_DIR/first" "$TEST_DIR/output"
rss_half=$(rss_kib)
send_tcp_in_chunks "$TEST_DIR/second" "$TEST_DIR/output"
rss_end=$(rss_kib)
wait_for "impstats to show $max entries and $((9 * max)) evictions (last: $(grep pressure "$TEST_DIR/stats" 2>/dev/null | tail -1))" cache_full
stop_rsyslogd
echo "cache: $((10 * max)) messages through a cache of $max: RSS ${rss_half} KiB at half, ${rss_end} KiB at the end"
# (under valgrind the RSS is memcheck's own; valgrind checks the leaks itself then)
[ -n "${MAILNORM_VALGRIND:-}" ] || [ $((rss_end - rss_half)) -le 4096 ] ||
	fail "RSS grew by $((rss_end - rss_half)) KiB with a full cache"
echo "PASS: correlation cache under pressure"
