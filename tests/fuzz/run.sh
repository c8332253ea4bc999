#!/bin/bash
# Runs the libFuzzer targets (clang, AddressSanitizer, UndefinedBehaviorSanitizer; make builds
# them into FUZZ_BUILDDIR) each for FUZZ_SECONDS (default 60), seeded with every input of the
# golden tests. Inputs that once crashed a target are kept in
# tests/fuzz/regressions/<target>/ and replayed first. A crash fails the run and leaves the input in the work directory it prints.
#
# Environment: srcdir, FUZZ_BUILDDIR (default tests/fuzz), FUZZ_SECONDS, FUZZ_TARGETS (default:
# all), PYTHON3, MAILNORM_RULEBASE_DIR (fuzz_rules loads sendmail.rulebase from there).
set -euo pipefail

srcdir=$(cd "${srcdir:-.}" && pwd) # the fuzzers run in their work directory
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_BUILDDIR:=$PWD/tests/fuzz}"
: "${PYTHON3:=python3}"
: "${MAILNORM_RULEBASE_DIR:=$srcdir/rulebases}"
export MAILNORM_RULEBASE_DIR
targets=${FUZZ_TARGETS:-sendmail sun_text sun_xml detect rules postfix}

for target in $targets; do
	if [ ! -x "$FUZZ_BUILDDIR/fuzz_$target" ]; then
		echo "SKIP: $FUZZ_BUILDDIR/fuzz_$target not built (configure found no clang; setup.sh installs it)"
		exit 77
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mailnorm-fuzz.XXXXXX")
trap 'status=$?; [ $status -eq 0 ] && rm -rf "$work"; exit $status' EXIT

# The seed corpus: every golden input, one file each.
mkdir -p "$work/seeds"
"$PYTHON3" - "$work/seeds" "$srcdir"/tests/golden/*/*.txt <<'SEEDS'
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(sys.argv[2]), "..", "..", "tools"))
import golden
n = 0
for path in sys.argv[2:]:
    for case in golden.read_cases(path)[0]:
        with open(os.path.join(sys.argv[1], f"seed{n}"), "wb") as f:
            f.write(case["input"].encode("utf-8", "surrogateescape"))
        n += 1
SEEDS

for target in $targets; do
	binary="$FUZZ_BUILDDIR/fuzz_$target"
	regressions="$srcdir/tests/fuzz/regressions/$target"
	if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
		"$binary" "$regressions"/* >"$work/$target.replay.log" 2>&1 ||
			{ cat "$work/$target.replay.log"; echo "FAIL: a regression input crashes fuzz_$target"; exit 1; }
	fi
	mkdir -p "$work/corpus-$target"
	if ! (cd "$work" && "$binary" -max_total_time="$FUZZ_SECONDS" -max_len=8192 -timeout=10 \
		-print_final_stats=1 "corpus-$target" seeds >"$target.log" 2>&1); then
		tail -40 "$work/$target.log"
		echo "FAIL: fuzz_$target found a problem; the input is in $work (crash-*, leak-*, timeout-*);"
		echo "      add it to tests/fuzz/regressions/$target/ once fixed"
		exit 1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
	echo "fuzz_$target: $runs executions in ${FUZZ_SECONDS}s, no crash"
done
