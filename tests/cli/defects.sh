#!/bin/bash
# Defects of issue 13 through the mailnorm CLI, each shown by the input that exposed it:
# nothing of a line is lost when it has more items than the parsers' arrays hold, a Sun MTA
# XML time keeps its own zone, a long host name still correlates.
. "${srcdir:-.}/tests/cli/common.sh"

# Every value "vNN" of the line is somewhere in the output: as a field or in "unparsed".
all_values_kept() {
	"$PYTHON3" -c '
import json, sys
text = json.dumps([json.loads(l) for l in sys.stdin])
missing = [v for v in sys.argv[1:] if v not in text]
sys.exit("missing: " + " ".join(missing) if missing else 0)' "$@"
}

# A sendmail line with n filler pairs, a STARTTLS= pair with leftover text, then 5 more
# pairs: whatever the count, every value is kept and the line is partial when cut.
for n in 55 58 59 60 61 62 63 64 70; do
	line="Oct 21 23:01:58 h sendmail[1]: k9LE1v98001811: "
	values=()
	for ((i = 0; i < n; i++)); do
		line+="k$i=v$i, "
		values+=("v$i")
	done
	line+="STARTTLS=client leftovertext$n, "
	values+=("leftovertext$n")
	for ((i = n; i < n + 5; i++)); do
		line+="k$i=v$i, "
		values+=("v$i")
	done
	line+="last=vlast"
	values+=("vlast")
	echo "$line" | "$MAILNORM" >"$dir/out" 2>"$dir/err" || fail "sendmail $n pairs: run failed"
	all_values_kept "${values[@]}" <"$dir/out" || fail "sendmail line with $n pairs and STARTTLS= lost text"
done

# A Sun MTA XML entry with 80 attributes: the ones past the array are in "unparsed" and the
# line is partial.
xml='<en ts="2014-06-02T22:02:13.94" sc="tcp_local" ac="E" sz="1" so="a@b" od="rfc822;c@d" de="c@d"'
for ((i = 0; i < 80; i++)); do
	xml+=" x$i=\"w$i\""
done
xml+='/>'
echo "$xml" | "$MAILNORM" --timezone=UTC >"$dir/out" 2>"$dir/err" || fail "xml 80 attributes: run failed"
all_values_kept $(seq -f 'w%.0f' 0 79) <"$dir/out" || fail "Sun MTA XML entry with 80 attributes lost some"
grep -q "partially parsed" "$dir/err" || fail "Sun MTA XML entry cut at the array is not reported partial: $(cat "$dir/err")"

# Sun MTA XML times with their own zone: it wins over --timezone.
printf '%s\n' '<en ts="2014-06-02T22:02:13.94Z" sc="tcp_local" ac="E" sz="1" so="a@b" od="rfc822;c@d" de="c@d"/>' \
	'<en ts="2014-06-02T22:02:13.94+02:00" sc="tcp_local" ac="E" sz="1" so="a@b" od="rfc822;c@d" de="c@d"/>' \
	'<en ts="2014-06-02T22:02:13-05:30" sc="tcp_local" ac="E" sz="1" so="a@b" od="rfc822;c@d" de="c@d"/>' \
	'<en ts="2014-06-02T22:02:13.94" sc="tcp_local" ac="E" sz="1" so="a@b" od="rfc822;c@d" de="c@d"/>' >"$dir/zones.log"
"$MAILNORM" --timezone=+01:00 "$dir/zones.log" >"$dir/out" 2>"$dir/err" || fail "xml zones: run failed"
check_json '[d["sun_mta"].get("time") for d in docs] == ["2014-06-02T22:02:13.94+00:00", "2014-06-02T22:02:13.94+02:00", "2014-06-02T22:02:13-05:30", "2014-06-02T22:02:13.94+01:00"] and all("unparsed" not in d for d in docs)' <"$dir/out" ||
	fail "Sun MTA XML time zones: $(cat "$dir/out")"

# Correlation keys are not cut: a from= and a to= line of a host with a 330-character name.
host=$(printf 'h%.0s' $(seq 330))
printf '%s\n' "Nov  7 13:52:47 $host sm-mta[100]: qA7LqlqC029841: from=<alice@example.org>, size=1, class=0, nrcpts=1, relay=localhost" \
	"Nov  7 13:52:48 $host sm-mta[101]: qA7LqlqC029841: to=<bob@example.com>, delay=00:00:01, mailer=local, pri=1, dsn=2.0.0, stat=Sent" |
	"$MAILNORM" --correlate >"$dir/out" 2>"$dir/err" || fail "long host: run failed"
check_json 'docs[1]["sendmail"].get("correlated") is True and docs[1]["email"]["from"]["address"] == ["alice@example.org"]' <"$dir/out" ||
	fail "a host of 330 characters is not correlated"

# Doubles (from a user's rule) are written as JSON numbers, exponents too.
printf 'version=2\nrule=other:custom data %%sendmail.custom:json%%\n' >"$dir/json.rulebase"
echo 'Oct 21 23:01:59 h sendmail[1]: k9LE1v98001811: custom data {"big": 1e300, "small": -2.5e-8, "whole": 3.0, "n": 0.1}' |
	"$MAILNORM" --rulebase="$dir/json.rulebase" >"$dir/out" 2>"$dir/err" || fail "json rule run failed"
check_json 'docs[0]["sendmail"]["custom"] == {"big": 1e300, "small": -2.5e-8, "whole": 3.0, "n": 0.1}' <"$dir/out" ||
	fail "doubles are not valid JSON numbers: $(cat "$dir/out")"

# A rulebase path longer than any buffer is named whole, never cut.
long_dir=$dir/$(printf 'd%.0s' $(seq 5000))
MAILNORM_RULEBASE_DIR=$long_dir "$MAILNORM" </dev/null >/dev/null 2>"$dir/err"
[ $? -eq 2 ] || fail "a rulebase directory that does not exist: exit status not 2"
grep -qF "cannot read rulebase $long_dir/sendmail.rulebase" "$dir/err" || fail "the long rulebase path is not named whole"

[ $failures -eq 0 ] && echo "PASS: defects"
exit $((failures > 0))
