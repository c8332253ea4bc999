#!/bin/bash
# Not a test: what the outbox action of a doc/elasticsearch or doc/postgresql configuration
# costs rsyslogd, for doc/performance.md.
#   srcdir=. MMMAILNORM=... tests/storage/outbox_rate.sh CONF with|without N
# CONF with its storage action (omelasticsearch or ompgsql, to its action.resumeInterval)
# replaced by a file of rsyslog's uuid per line, and with or without its outbox action; N
# sendmail lines over TCP; prints lines/s and rsyslogd's CPU time per line (rate of
# common.sh). Without the store, the difference is the outbox's alone. The stand-in writes
# %uuid% because the real storage action renders it (the _id, line_id) whether or not there
# is an outbox: without it the outbox would be charged with making the uuid (libuuid: four
# system calls and a srandom per message, about 9-18 µs of CPU on the 2-core test VM).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
variant=$2 lines=$3
shipped="$TEST_DIR/conf/rsyslog.conf"
mkdir "$TEST_DIR/conf"
awk -v done="$TEST_DIR/done" '
BEGIN { print "template(name=\"store-stand-in\" type=\"string\" string=\"%uuid%\\n\")" }
/action\(type="(omelasticsearch|ompgsql)"/ { store = 1 }
store && /action.resumeInterval=/ { store = 0; print "    action(type=\"omfile\" file=\"" done "\" template=\"store-stand-in\")"; next }
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
