#!/bin/bash
# The package test of the distro matrix, run by tests/distros/run.sh as root in a fresh root
# filesystem of a suite: package-test.sh DEB DIR
# (DIR holds tests/golden, tests/tools and tests/rsyslog/json_check.py of the tree).
#
# `apt-get install DEB`; the module is in rsyslog's module directory and an rsyslogd that
# loads it by name (module(load="mmmailnorm"), the shipped rulebase found where the
# package put it) turns the sendmail and Sun MTA lines of the golden files into their
# hand-checked trees; the files are where the package promises; `apt-get purge` then
# leaves the file system as it was before the package came (compared file by file).
set -euo pipefail

deb=$1 tests=$2
package=$(dpkg-deb -f "$deb" Package)
work=/tmp/package-test
mkdir -p "$work"

say() {
	echo "package-test: $*"
}

fail() {
	say "FAIL: $*"
	[ ! -s "$work/rsyslogd.out" ] || { echo "--- rsyslogd said:"; cat "$work/rsyslogd.out"; }
	exit 1
}

# Every file and directory but the volatile ones (logs, apt's caches, dpkg's bookkeeping
# other than the package's own files in /var/lib/dpkg/info) and this test's.
file_list() {
	{
	find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
		-o -path /var/log -o -path /var/cache -o -path /var/lib/apt -o -path /var/lib/dpkg \
		-o -path /var/spool/rsyslog -o -path /var/lib/rsyslog \) -prune -o -print
	find /var/lib/dpkg/info
	} | sort
}

apt-get update -q >"$work/apt.log"
say "installing python3 for the JSON comparison, and $package's dependencies: $(dpkg-deb -f "$deb" Depends)"
apt-get install -y -q --no-install-recommends python3 >>"$work/apt.log"
apt-get satisfy -y -q --no-install-recommends "$(dpkg-deb -f "$deb" Depends)" >>"$work/apt.log"
file_list >"$work/files.before"

say "apt-get install $deb"
apt-get install -y -q --no-install-recommends "$deb" >>"$work/apt.log"
dpkg -L "$package" >"$work/package.files"

# --- the files are where they belong ---------------------------------------------------------
moddir=$(dirname "$(dpkg -L rsyslog | grep -m1 '/rsyslog/imfile\.so$')")
[ -f "$moddir/mmmailnorm.so" ] || fail "no mmmailnorm.so in rsyslog's module directory $moddir"
for file in /usr/bin/mailnorm /usr/bin/mailnorm-replay /usr/share/man/man1/mailnorm.1.gz \
	/usr/share/rsyslog-mailnorm/rulebases/sendmail.rulebase \
	/usr/share/doc/"$package"/copyright /usr/share/doc/"$package"/README.md.gz \
	/usr/share/doc/"$package"/examples/elasticsearch/rsyslog.conf \
	/usr/share/doc/"$package"/examples/postgresql/schema.sql; do
	[ -e "$file" ] || fail "the package has no $file"
done
echo 'k9LE1v98001811: from=<a@b>, size=1' | mailnorm | grep -q '"local_id":"k9LE1v98001811"' ||
	fail "mailnorm did not normalize a sendmail line"
# the outbox's replay command runs with what the package depends on (python3): an empty outbox
mkdir "$work/outbox"
mailnorm-replay elasticsearch --url http://127.0.0.1:9 "$work/outbox" | grep -q '^records read: 0$' ||
	fail "mailnorm-replay did not run"

# --- rsyslogd loads the module by name and normalizes the golden lines ------------------------
golden=("$tests"/tests/golden/sendmail/*.txt "$tests"/tests/golden/sun_mta/*.txt)
check_json="python3 $tests/tests/rsyslog/json_check.py"
$check_json golden-lines "${golden[@]}" >"$work/maillog"
lines=$(wc -l <"$work/maillog")
cat >"$work/rsyslog.conf" <<EOF
global(workDirectory="$work")
module(load="mmmailnorm")
module(load="imfile")
input(type="imfile" file="$work/maillog" tag="maillog" addMetadata="off" ruleset="mail")
template(name="tree" type="string" string="%parsesuccess% %\$!mail%\n")
ruleset(name="mail") {
	action(type="mmmailnorm" timezone="UTC")
	action(type="omfile" file="$work/output" template="tree")
}
EOF
say "rsyslogd $(rsyslogd -v | sed -n '1s/^rsyslogd *\([^ ]*\).*/\1/p') with module(load=\"mmmailnorm\"): $lines golden lines"
rsyslogd -n -i "$work/rsyslogd.pid" -f "$work/rsyslog.conf" >"$work/rsyslogd.out" 2>&1 &
rsyslogd_pid=$!
deadline=$((SECONDS + 60))
until [ -f "$work/output" ] && [ "$(wc -l <"$work/output")" -ge "$lines" ]; do
	kill -0 "$rsyslogd_pid" 2>/dev/null || fail "rsyslogd exited"
	[ "$SECONDS" -lt "$deadline" ] || fail "rsyslogd wrote $(wc -l <"$work/output" 2>/dev/null || echo 0) of $lines lines in 60 s"
	sleep 0.2
done
kill "$rsyslogd_pid"
wait "$rsyslogd_pid" || true
$check_json golden-cee "$work/output" "${golden[@]}" || fail "the trees differ from the golden files"
say "rsyslogd normalized all $lines lines to the golden trees"

# --- purge leaves nothing behind ---------------------------------------------------------------
say "apt-get purge $package"
apt-get purge -y -q "$package" >>"$work/apt.log"
file_list >"$work/files.after"
if ! diff -u "$work/files.before" "$work/files.after" >"$work/files.diff"; then
	cat "$work/files.diff"
	fail "the file system differs after the purge from before the install"
fi
while read -r file; do
	[ -d "$file" ] || [ ! -e "$file" ] || fail "$file is still there after the purge"
done <"$work/package.files"
say "PASS: installed, used by rsyslogd, purged without a trace"
