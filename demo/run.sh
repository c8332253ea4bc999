#!/bin/bash
# make demo: the system rsyslogd, with the built mmmailnorm, normalizes demo/sendmail.log,
# demo/postfix.log and demo/mail.log_current, and the JSON documents it writes are printed
# to stdout (one per line).
# Environment: MMMAILNORM (the built .so), RSYSLOGD, MAILNORM_RULEBASE_DIR (default: the
# tree's rulebases/, so the demo needs no make install).
set -eu

demo_dir=$(cd "$(dirname "$0")" && pwd)
: "${RSYSLOGD:=/usr/sbin/rsyslogd}"
: "${MAILNORM_RULEBASE_DIR:=$demo_dir/../rulebases}"
export MAILNORM_RULEBASE_DIR
: "${MMMAILNORM:?MMMAILNORM must name the built mmmailnorm.so}"

work=$(mktemp -d "${TMPDIR:-/tmp}/mmmailnorm-demo.XXXXXX")
rsyslogd_pid=
cleanup() {
	if [ -n "$rsyslogd_pid" ]; then
		kill "$rsyslogd_pid" 2>/dev/null || true
		wait "$rsyslogd_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

cp "$demo_dir/sendmail.log" "$work/maillog"
cp "$demo_dir/postfix.log" "$work/postfix.log"
cp "$demo_dir/mail.log_current" "$work/mail.log_current"
sed -e "s|@WORKDIR@|$work|" -e "s|@MODULE@|$MMMAILNORM|" -e "s|@MAILLOG@|$work/maillog|" \
	-e "s|@POSTFIXLOG@|$work/postfix.log|" -e "s|@SUNLOG@|$work/mail.log_current|" -e "s|@OUTPUT@|$work/output|" \
	"$demo_dir/rsyslog.conf.in" >"$work/rsyslog.conf"

"$RSYSLOGD" -n -C -i "$work/rsyslogd.pid" -f "$work/rsyslog.conf" 2>"$work/rsyslogd.err" &
rsyslogd_pid=$!

lines=$(cat "$work/maillog" "$work/postfix.log" "$work/mail.log_current" | wc -l)
deadline=$((SECONDS + 30))
while [ ! -f "$work/output" ] || [ "$(wc -l <"$work/output")" -lt "$lines" ]; do
	if ! kill -0 "$rsyslogd_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
		echo "demo: rsyslogd did not normalize the $lines lines; it said:" >&2
		cat "$work/rsyslogd.err" >&2
		exit 1
	fi
	sleep 0.1
done
kill "$rsyslogd_pid"
wait "$rsyslogd_pid"
rsyslogd_pid=

cat "$work/output"
recognised=$(grep -c '"mail":' "$work/output" || true)
per_format=
for format in sendmail postfix sun_mta; do
	per_format+="${per_format:+, }$format $(grep -c "\"module\":\"$format\"" "$work/output" || true)"
done
echo "demo: rsyslogd $("$RSYSLOGD" -v | sed -n '1s/^rsyslogd *\([^ ]*\).*/\1/p') with mmmailnorm normalized $lines lines of demo/sendmail.log, demo/postfix.log and demo/mail.log_current, recognised $recognised ($per_format; see doc/fields.md)" >&2
