#!/bin/bash
# Config validation (rsyslogd -N1): every accepted way of writing the parameters passes,
# and each mistake fails with its own message naming the config file.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

conf="$TEST_DIR/rsyslog.conf"

# validate ACTION_PARAMETERS: writes a config with one mmmailnorm action and runs -N1.
validate() {
	conf_header >"$conf"
	echo "action(type=\"mmmailnorm\" $1)" >>"$conf"
	"$RSYSLOGD" -N1 -f "$conf" >"$TEST_DIR/validation" 2>&1
}

# accepts ACTION_PARAMETERS: -N1 must pass and say nothing but its start and end lines.
accepts() {
	validate "$1" || { cat "$TEST_DIR/validation"; fail "config rejected: $1"; }
	! grep -v "config validation run" "$TEST_DIR/validation" ||
		fail "messages for an accepted config: $1"
}

# rejects ACTION_PARAMETERS MESSAGE: -N1 must fail and print MESSAGE (and the file name).
rejects() {
	if validate "$1"; then
		cat "$TEST_DIR/validation"
		fail "config accepted: $1"
	fi
	grep -qF -- "$2" "$TEST_DIR/validation" || { cat "$TEST_DIR/validation"; fail "no '$2' for: $1"; }
	grep -qF -- "$conf" "$TEST_DIR/validation" || { cat "$TEST_DIR/validation"; fail "config file not named for: $1"; }
}

accepts ''
accepts 'container="$!mail" useRawMsg="off" formats=["sendmail"]'
accepts 'container="$!" useRawMsg="on"'
accepts 'container="$.mail"'
accepts 'container="$/mail"'
accepts 'container="$!log!mail_2.x"'
accepts 'container="!mail"'
accepts 'variable="$!text"'
accepts 'variable="rawmsg"'

rejects 'bogus="1"' "parameter 'bogus' not known -- typo in config file?"
rejects 'container="mail"' "mmmailnorm: invalid container 'mail'"
rejects 'container="$mail"' "mmmailnorm: invalid container '\$mail'"
rejects 'container="$!a!!b"' "mmmailnorm: invalid container '\$!a!!b'"
rejects 'container="$!mail!"' "mmmailnorm: invalid container '\$!mail!'"
rejects 'container="$.!mail"' "mmmailnorm: invalid container '\$.!mail'"
rejects 'container="$!!"' "mmmailnorm: invalid container '\$!!'"
rejects 'container="$!list[0]"' "mmmailnorm: invalid container '\$!list[0]'"
rejects 'container=""' "mmmailnorm: invalid container ''"
accepts 'formats=["sun_mta", "sendmail"]'
accepts 'formats=["sun_mta"] timezone="UTC"'
accepts 'timezone="local"'
accepts 'timezone="+05:30"'
accepts 'timezone="-08:00"'
rejects 'timezone="Europe/Berlin"' "mmmailnorm: invalid timezone 'Europe/Berlin'"
accepts 'correlate="on" correlation.maxEntries="10" correlation.ttl="0" statsName="mail"'
rejects 'correlation.ttl="-1"' "mmmailnorm: correlation.ttl must be 0 (no expiry) or a number of seconds, not -1"
rejects 'correlation.maxEntries="0"' "correlation.maxentries"
# a user's rulebase: read at config time, with liblognorm's file and line for an error in it
printf 'version=2\nrule=other:lost input channel from %%-:rest%%\n' >"$TEST_DIR/good.rulebase"
printf 'version=2\nrule=other:%%x:word%%\nrule=other:%%y:nosuchtype%%\n' >"$TEST_DIR/bad.rulebase"
accepts "rulebase=\"$TEST_DIR/good.rulebase\""
rejects "rulebase=\"$TEST_DIR/bad.rulebase\"" "mmmailnorm: rulebase file $TEST_DIR/bad.rulebase[3]: invalid field type 'nosuchtype'"
rejects "rulebase=\"$TEST_DIR/none.rulebase\"" "mmmailnorm: cannot read rulebase $TEST_DIR/none.rulebase"
rejects 'timezone="+25:00"' "mmmailnorm: invalid timezone '+25:00'"
rejects 'formats=["sendmail", "exim"]' "mmmailnorm: unknown format 'exim'"
rejects 'useRawMsg="on" variable="$!text"' "mmmailnorm: 'variable' and 'useRawMsg' cannot be used together"
rejects 'variable="nosuchproperty"' "invalid property 'nosuchproperty'"
rejects 'useRawMsg="maybe"' "parameter 'userawmsg' must be \"on\" or \"off\""
accepts 'output="tree"'
accepts 'output="text" container="$.json"'
rejects 'output="xml"' "mmmailnorm: invalid output 'xml': use \"tree\" (the default: JSON properties) or \"text\" (the JSON as one string in the container)"
rejects 'output="text" container="$!"' "mmmailnorm: output=\"text\" needs a named container"
accepts 'document="none"'
accepts 'document="ecs" output="text" routing="$.mail"'
accepts 'document="ecs" routing="$!route"'
rejects 'document="elastic"' "mmmailnorm: invalid document 'elastic': use \"none\" (the default: the module's fields) or \"ecs\" (completed with @timestamp, message, log.* and host.name, as doc/elasticsearch and doc/postgresql store it)"
rejects 'routing="$."' "mmmailnorm: routing needs a named variable of its own such as '\$.mail', not '\$.'"
rejects 'routing="$!mail"' "mmmailnorm: routing needs a named variable of its own such as '\$.mail', not '\$!mail' (the container is '\$!mail')"
rejects 'routing="$.a!!b"' "mmmailnorm: invalid routing '\$.a!!b'"
# the shipped rulebase is part of the installation: without it the action is refused
if MAILNORM_RULEBASE_DIR="$TEST_DIR/nowhere" validate ''; then
	fail "config accepted without the shipped rulebase"
fi
grep -qF "mmmailnorm: cannot read rulebase $TEST_DIR/nowhere/sendmail.rulebase" "$TEST_DIR/validation" ||
	{ cat "$TEST_DIR/validation"; fail "no message for the missing shipped rulebase"; }
