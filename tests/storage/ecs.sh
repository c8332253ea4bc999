#!/bin/bash
# Every ECS field name the module emits exists in the Elastic Common Schema with the type
# it is used with, checked against the field definitions the @elastic/ecs npm package
# ships (its EcsFlat table), installed into the test's directory:
# - every field outside sendmail.*, sun_mta.*, smtp.* and unparsed in the trees mailnorm
#   makes of all golden inputs (with and without correlation): the name exists, the JSON
#   value fits the ECS type (keyword family: string; ip: a valid address; date: RFC 3339;
#   long: integer; boolean), arrays exactly where ECS normalizes to an array, and values
#   of fields with allowed values (event.category, event.type, event.outcome) allowed;
# - every field of doc/elasticsearch/index-template.json outside those namespaces (the
#   tree's and the ones the Elasticsearch configuration adds: @timestamp, message,
#   log.syslog.*, ...) exists in ECS with exactly ECS's type and multi-fields.
# Two ECS releases: the last of ECS 8 and the newest checked (ECS_PACKAGES overrides).
# Skips only when npm cannot install the package (no npm, no registry).
. "${srcdir:-.}/tests/rsyslog/harness.sh"
. "$srcdir/tests/storage/common.sh"

: "${ECS_PACKAGES:=@elastic/ecs@8.11.5 @elastic/ecs@9.4.0}"
command -v npm >/dev/null || skip "no npm to install @elastic/ecs: install nodejs and npm (./setup.sh does)"
command -v node >/dev/null || skip "no node to read @elastic/ecs: install nodejs (./setup.sh does)"

cli_trees "$TEST_DIR/cli-trees.jsonl"
for package in $ECS_PACKAGES; do
	dir="$TEST_DIR/ecs-${package##*@}"
	if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$package" \
		>"$dir.npm.log" 2>&1; then
		skip "npm cannot install $package: $(grep -v 'Unknown user config' "$dir.npm.log" | tail -n 3)"
	fi
	# The package's EcsFlat: one entry per field (flat_name, type, normalize, allowed_values ...).
	(cd "$dir" && node -e '
		const ecs = require("@elastic/ecs");
		process.stdout.write(JSON.stringify({version: ecs.EcsVersion, fields: ecs.EcsFlat}));
	') >"$dir.json" || fail "node could not read the field definitions of $package"
	$CHECK_STORAGE ecs "$dir.json" "$MAPPING" "$TEST_DIR/cli-trees.jsonl"
done
