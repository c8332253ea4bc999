#!/bin/bash
# Not a test: what the outbox action of a doc/elasticsearch or doc/postgresql configuration
# costs rsyslogd, for doc/performance.md.
#   srcdir=. MMMAILNORM=... tests/storage/outbox_rate.sh CONF with|without N
# CONF with its storage action (omelasticsearch or ompgsql, to its action.resumeInterval)
# replaced by a file of the line's id per line, and with or without its outbox action; N
# sendmail lines over TCP; prints lines/s and rsyslogd's CPU time per line (rate of
# common.sh). Without the store, the difference is the outbox's alone. The stand-in writes
# the id the real storage action renders (the _id, line_id: %$.mail!id%, the module's)
# whether or not there is an outbox, so that the outbox is never charged with the store's
# share (when the id was rsyslog's %uuid%, made on its first use, the outbox was charged
# with libuuid's 9-18 µs a line).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"
variant=$2 lines=$3
shipped="$TEST_DIR/conf/rsyslog.conf"
mkdir "$TEST_DIR/conf"
awk -v done="$TEST_DIR/done" '
BEGIN { print "template(name=\"store-stand-in\" type=\"string\" string=\"%$.mail!id%\\n\")" }
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
