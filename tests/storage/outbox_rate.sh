#!/bin/bash
# Not a test: what the outbox action of a doc/elasticsearch or doc/postgresql configuration
# costs rsyslogd, for doc/performance.md.
#   srcdir=. MMMAILNORM=... tests/storage/outbox_rate.sh CONF with|without N
# CONF with its storage action (omelasticsearch or ompgsql, to its action.resumeInterval)
# replaced by a file of one byte per line, and with or without its outbox action; N
# sendmail lines over TCP; prints lines/s and rsyslogd's CPU time per line (rate of
# common.sh). Without the store, the difference is the outbox's alone.
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
variant=$2 lines=$3
shipped="$TEST_DIR/conf/rsyslog.conf"
mkdir "$TEST_DIR/conf"
awk -v done="$TEST_DIR/done" '
BEGIN { print "template(name=\"one-byte\" type=\"string\" string=\"x\\n\")" }
/action\(type="(omelasticsearch|ompgsql)"/ { store = 1 }
store && /action.resumeInterval=/ { store = 0; print "    action(type=\"omfile\" file=\"" done "\" template=\"one-byte\")"; next }
!store { print }' "$1" >"$shipped"
[ "$variant" = with ] || sed -i '/action(type="omfile" name="mail-..-outbox"/,/dirCreateMode/d' "$shipped"
tcp_port=$(free_port tcp)
udp_port=$(free_port udp)
: >"$TEST_DIR/maillog"
: >"$TEST_DIR/mail.log_current"
shipped_conf "$shipped" 9
sendmail_from_lines "$lines" "$TEST_DIR/lines"
rate "$lines" has_lines "$TEST_DIR/done" "$lines"
if [ "$variant" = with ]; then
	echo "outbox: $(cat "$TEST_DIR"/spool/mail-outbox/* | wc -l) records, $(cat "$TEST_DIR"/spool/mail-outbox/* | wc -c) bytes"
fi
