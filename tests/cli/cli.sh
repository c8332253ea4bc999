#!/bin/bash
# The mailnorm CLI's contract (README.md and mailnorm --help): one JSON object per input line, in order; {} and
# a note with the line number on stderr for a line it does not recognise; exit status
# non-zero only for usage (2) and I/O (1) errors.
. "${srcdir:-.}/tests/cli/common.sh"

cat >"$dir/in.log" <<'LOG'
Oct 21 23:01:58 user100 sendmail[1811]: k9LE1v98001811: from=<a@example.com>, size=6297, class=0, nrcpts=1, relay=[192.0.2.1]
this is not a mail log line

Oct 21 23:01:59 user100 sendmail[1812]: k9LE1v98001811: no rule knows this free text
LOG

"$MAILNORM" "$dir/in.log" >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc -eq 0 ] || fail "exit status $rc for a readable file"
[ "$(wc -l <"$dir/out")" -eq 4 ] || fail "expected 4 output lines, got $(wc -l <"$dir/out")"
check_json 'docs[0]["email"]["from"]["address"] == ["a@example.com"] and docs[1] == {} and docs[2] == {} and docs[3]["unparsed"] == "no rule knows this free text"' <"$dir/out" ||
	fail "outputs not aligned with inputs: $(cat "$dir/out")"
grep -q "in.log:2: not recognised" "$dir/err" || fail "no stderr note for line 2: $(cat "$dir/err")"
grep -q "in.log:3: not recognised" "$dir/err" || fail "no stderr note for the empty line 3"
grep -q "in.log:4: partially parsed" "$dir/err" || fail "no stderr note for the partial line 4"
grep -q "in.log:1:" "$dir/err" && fail "a stderr note for the parsed line 1"

# stdin, and --original
head -1 "$dir/in.log" | "$MAILNORM" --original >"$dir/out" 2>"$dir/err" || fail "stdin run failed"
check_json 'docs[0]["event"]["original"].startswith("Oct 21 23:01:58 user100 sendmail[1811]")' <"$dir/out" ||
	fail "--original did not add event.original"

# several files: line numbers are per file
"$MAILNORM" "$dir/in.log" - <"$dir/in.log" >"$dir/out" 2>"$dir/err"
[ "$(wc -l <"$dir/out")" -eq 8 ] || fail "two inputs of 4 lines gave $(wc -l <"$dir/out") lines"
grep -q "<stdin>:2: not recognised" "$dir/err" || fail "stdin line numbers: $(cat "$dir/err")"

# usage and I/O errors
"$MAILNORM" --format=nonsense </dev/null >/dev/null 2>"$dir/err"
[ $? -eq 2 ] || fail "unknown format: exit status not 2"
grep -q "unknown format 'nonsense'" "$dir/err" || fail "unknown format message: $(cat "$dir/err")"
"$MAILNORM" --no-such-option </dev/null >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: exit status not 2"
"$MAILNORM" "$dir/does-not-exist" >/dev/null 2>"$dir/err"
[ $? -eq 1 ] || fail "missing file: exit status not 1"
grep -q "does-not-exist" "$dir/err" || fail "missing file not named on stderr"
"$MAILNORM" --format=sendmail <"$dir/in.log" >"$dir/out" 2>/dev/null || fail "--format=sendmail failed"
[ "$(wc -l <"$dir/out")" -eq 4 ] || fail "--format=sendmail changed the line count"

# Sun MTA times: the local zone's offset at the entry's date (a POSIX TZ rule, no tzdata
# needed), a fixed offset, and a bad zone
printf '%s\n' '19-Jan-1998 19:16:57.64 l            tcp_local    E 1 a@example.com rfc822;b@example.com b@example.com' \
	'05-Jun-2019 10:15:02.33 l            tcp_local    E 1 a@example.com rfc822;b@example.com b@example.com' >"$dir/sun.log"
TZ='CET-1CEST,M3.5.0,M10.5.0/3' "$MAILNORM" "$dir/sun.log" >"$dir/out" 2>"$dir/err" || fail "local zone run failed"
check_json '[d["sun_mta"]["time"] for d in docs] == ["1998-01-19T19:16:57.64+01:00", "2019-06-05T10:15:02.33+02:00"]' <"$dir/out" ||
	fail "local zone offsets: $(cat "$dir/out")"
"$MAILNORM" --timezone=-05:30 "$dir/sun.log" >"$dir/out" 2>"$dir/err" || fail "--timezone=-05:30 failed"
check_json '[d["sun_mta"]["time"] for d in docs] == ["1998-01-19T19:16:57.64-05:30", "2019-06-05T10:15:02.33-05:30"]' <"$dir/out" ||
	fail "fixed offset: $(cat "$dir/out")"
"$MAILNORM" --timezone=Mars/Olympus </dev/null >/dev/null 2>"$dir/err"
[ $? -eq 2 ] || fail "bad timezone: exit status not 2"
grep -q "bad timezone 'Mars/Olympus'" "$dir/err" || fail "bad timezone message: $(cat "$dir/err")"

# --format=postfix parses Postfix lines only; --host and --program stand for what rsyslog took
# off a header-less line: the program recognises it, the host keys the correlation
pf_qmgr='4F2A1C0D3E: from=<a@example.org>, size=10, nrcpt=1 (queue active)'
pf_to='4F2A1C0D3E: to=<b@example.net>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)'
printf '%s\n' "$pf_qmgr" "$(head -1 "$dir/in.log")" | "$MAILNORM" --format=postfix >"$dir/out" 2>/dev/null ||
	fail "--format=postfix failed"
check_json 'docs[0]["event"]["module"] == "postfix" and docs[1] == {}' <"$dir/out" || fail "--format=postfix: $(cat "$dir/out")"
printf '%s\n' 'warning: dict_nis_init: NIS domain name not set' | "$MAILNORM" --program=postfix/qmgr >"$dir/out" 2>/dev/null
check_json 'docs[0]["postfix"]["process"] == "qmgr" and docs[0]["error"]["message"] == "dict_nis_init: NIS domain name not set"' <"$dir/out" ||
	fail "--program: $(cat "$dir/out")"
printf '%s\n' "Mar  1 10:00:00 mx9 postfix/qmgr[1]: $pf_qmgr" "$pf_to" | "$MAILNORM" --host=mx9 --correlate >"$dir/out" 2>/dev/null
check_json 'docs[1]["postfix"]["correlated"] is True and docs[1]["postfix"]["size"] == 10' <"$dir/out" ||
	fail "--host with --correlate: $(cat "$dir/out")"
printf '%s\n' "Mar  1 10:00:00 mx9 postfix/qmgr[1]: $pf_qmgr" "$pf_to" | "$MAILNORM" --correlate >"$dir/out" 2>/dev/null
check_json '"correlated" not in docs[1]["postfix"]' <"$dir/out" || fail "a line of no host correlated with mx9's"

# A follower (tail -f maillog | mailnorm): each line's object is written when the input
# pauses, not when the output block is full or the input ends. And --correlate: an entry
# older than --correlation-ttl is gone (the order of the cases is in tests/golden/correlate;
# time needs a live test), the 2.5 s counted from when the from= line was written out.
from='Nov  7 13:52:47 mx1 sm-mta[100]: qA7LqlqC029841: from=<alice@example.org>, size=1, class=0, nrcpts=1, relay=localhost'
to='Nov  7 13:52:48 mx1 sm-mta[101]: qA7LqlqC029841: to=<bob@example.com>, delay=00:00:01, mailer=local, pri=1, dsn=2.0.0, stat=Sent'
mkfifo "$dir/follow"
"$MAILNORM" --correlate --correlation-ttl=1 <"$dir/follow" >"$dir/out" 2>/dev/null &
exec 3>"$dir/follow"
echo "$from" >&3
waited=0
until [ "$(wc -l <"$dir/out")" -eq 1 ] || [ $waited -ge 300 ]; do
	sleep 0.1
	waited=$((waited + 1))
done
[ "$(wc -l <"$dir/out")" -eq 1 ] || fail "a line's object not written within 30 s while the input stays open"
sleep 2.5
echo "$to" >&3
exec 3>&-
wait $! || fail "mailnorm following a pipe failed"
check_json '"correlated" not in docs[1]["sendmail"]' <"$dir/out" || fail "expired entry still correlated"
{ echo "$from"; sleep 2.5; echo "$to"; } | "$MAILNORM" --correlate --correlation-ttl=60 >"$dir/out" 2>/dev/null
check_json 'docs[1]["sendmail"]["correlated"] is True' <"$dir/out" || fail "entry within its ttl not correlated"
"$MAILNORM" --correlate --correlation-max-entries=0 </dev/null >/dev/null 2>"$dir/err"
[ $? -eq 2 ] || fail "--correlation-max-entries=0: exit status not 2"

# --rulebase: a user's rule is tried before the shipped ones; a broken file is refused
# with liblognorm's file and line
cat >"$dir/user.rulebase" <<'RULES'
version=2
rule=other,success:lost input channel from %source.relay:string-to{"extradata":" to "}% to %sendmail.daemon:word% after %sendmail.phase:word%
RULES
lost='Oct 21 23:01:59 user100 sendmail[1812]: k9LE1v98001811: lost input channel from [192.0.2.1] to MTA after rcpt'
echo "$lost" | "$MAILNORM" --rulebase="$dir/user.rulebase" >"$dir/out" 2>"$dir/err" || fail "--rulebase run failed"
check_json 'docs[0]["event"]["action"] == "other" and docs[0]["event"]["outcome"] == "success" and docs[0]["sendmail"]["phase"] == "rcpt" and docs[0]["source"]["ip"] == "192.0.2.1" and "unparsed" not in docs[0]' <"$dir/out" ||
	fail "user rule did not fire: $(cat "$dir/out")"
# any JSON a user's rule yields is kept with its types (liblognorm's json parser here)
printf 'version=2\nrule=other:custom data %%sendmail.custom:json%%\n' >"$dir/json.rulebase"
echo 'Oct 21 23:01:59 h sendmail[1]: k9LE1v98001811: custom data {"n": 1.5, "t": true, "f": false, "z": null, "list": [1, "a\u00e9", {"k": -2}], "o": {"s": "x"}}' |
	"$MAILNORM" --rulebase="$dir/json.rulebase" >"$dir/out" 2>"$dir/err" || fail "--rulebase json run failed"
check_json 'docs[0]["sendmail"]["custom"] == {"n": 1.5, "t": True, "f": False, "z": None, "list": [1, "a\u00e9", {"k": -2}], "o": {"s": "x"}}' <"$dir/out" ||
	fail "JSON from a user rule not kept: $(cat "$dir/out")"
printf 'version=2\nrule=other:%%x:nosuchtype%%\n' >"$dir/bad.rulebase"
"$MAILNORM" --rulebase="$dir/bad.rulebase" </dev/null >/dev/null 2>"$dir/err"
[ $? -eq 2 ] || fail "bad rulebase: exit status not 2"
grep -q "bad.rulebase\[2\]: invalid field type 'nosuchtype'" "$dir/err" || fail "bad rulebase message: $(cat "$dir/err")"
"$MAILNORM" --rulebase="$dir/missing.rulebase" </dev/null >/dev/null 2>"$dir/err"
[ $? -eq 2 ] || fail "missing rulebase: exit status not 2"
grep -q "cannot read rulebase $dir/missing.rulebase" "$dir/err" || fail "missing rulebase message: $(cat "$dir/err")"

[ $failures -eq 0 ] && echo "PASS: mailnorm CLI"
exit $((failures > 0))
