#!/bin/bash
# ABI smoke check: rsyslogd loads modules with RTLD_NOW, so every symbol the module leaves
# undefined must be exported by rsyslogd itself or by a shared library that rsyslogd or
# the module is linked with. A symbol that is not (one only a newer or differently built
# rsyslog has) would make the module fail to load, or worse.
# The module itself must export modInit, the only symbol rsyslogd looks up.
. "${srcdir:-.}/tests/rsyslog/harness.sh"

command -v nm >/dev/null && command -v ldd >/dev/null || { echo "SKIP: nm or ldd missing"; exit 77; }

defined_symbols() {
	nm -D --defined-only "$1" | awk 'NF == 3 { sub(/@.*/, "", $3); print $3 }'
}

shared_libraries() {
	ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
}

{
	defined_symbols "$RSYSLOGD"
	for lib in $(shared_libraries "$RSYSLOGD") $(shared_libraries "$MMMAILNORM"); do
		defined_symbols "$lib"
	done
} | sort -u >"$TEST_DIR/provided"

# Weak undefined symbols (nm type w) may stay unresolved; only strong ones (U) count.
nm -D --undefined-only "$MMMAILNORM" | awk '$1 == "U" { sub(/@.*/, "", $2); print $2 }' |
	sort -u >"$TEST_DIR/needed"

comm -23 "$TEST_DIR/needed" "$TEST_DIR/provided" >"$TEST_DIR/unresolved"
if [ -s "$TEST_DIR/unresolved" ]; then
	fail "symbols the module needs but neither rsyslogd nor its libraries provide: $(tr '\n' ' ' <"$TEST_DIR/unresolved")"
fi

defined_symbols "$MMMAILNORM" | grep -qx modInit || fail "the module does not export modInit"
