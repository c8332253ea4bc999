# Sourced by the tests in this directory: runs the system rsyslogd with the built module
# in a private temporary directory.
#
# Environment (set by `make check`): MMMAILNORM (the built .so), RSYSLOGD, PYTHON3, srcdir.
# A test writes "$TEST_DIR/rsyslog.conf" (conf_header gives the common start), calls
# start_rsyslogd, feeds it, waits for its output with wait_for_lines, and stop_rsyslogd
# (run_over_tcp does the lot for a conf_tcp_input input).

set -eu

: "${srcdir:=.}"
: "${RSYSLOGD:=/usr/sbin/rsyslogd}"
: "${PYTHON3:=python3}"
: "${MMMAILNORM:?MMMAILNORM must name the built mmmailnorm.so (make check sets it)}"

TEST_NAME=$(basename "$0" .sh)
TEST_DATA="$srcdir/tests/rsyslog"
CHECK_JSON="$PYTHON3 $TEST_DATA/json_check.py"
# Time limit for rsyslogd to start, deliver or stop.
TIMEOUT_SECONDS=${TIMEOUT_SECONDS:-60}

if [ ! -x "$RSYSLOGD" ]; then
	echo "SKIP: no rsyslogd at $RSYSLOGD"
	exit 77
fi
case $MMMAILNORM in
/*) ;;
*) MMMAILNORM="$PWD/$MMMAILNORM" ;;
esac
[ -f "$MMMAILNORM" ] || { echo "FAIL: module $MMMAILNORM not built"; exit 1; }

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mmmailnorm-$TEST_NAME.XXXXXX")
RSYSLOGD_PID=

# On success the directory goes; on failure it stays for inspection, and what rsyslogd
# said about itself is shown.
finish() {
	local status=$?
	if [ -n "$RSYSLOGD_PID" ] && kill -0 "$RSYSLOGD_PID" 2>/dev/null; then
		kill -KILL "$RSYSLOGD_PID" 2>/dev/null || true
		wait "$RSYSLOGD_PID" 2>/dev/null || true
	fi
	if [ "$status" -eq 0 ]; then
		rm -rf "$TEST_DIR"
	else
		for f in "$TEST_DIR/rsyslogd.out" "$TEST_DIR/internal.log" "$TEST_DIR/valgrind.log"; do
			if [ -s "$f" ]; then
				echo "--- $f"
				cat "$f"
			fi
		done
		echo "$TEST_NAME: FAILED, files kept in $TEST_DIR"
	fi
	exit "$status"
}
trap finish EXIT

fail() {
	echo "FAIL: $*"
	exit 1
}

# The start of every configuration: the module, a private work directory, and rsyslogd's
# own messages into internal.log (test inputs are bound to their own rulesets, so these
# messages never reach the actions under test).
conf_header() {
	cat <<-EOF
	global(workDirectory="$TEST_DIR" processInternalMessages="on")
	module(load="$MMMAILNORM")
	action(type="omfile" file="$TEST_DIR/internal.log")
	EOF
}

# RUN_UNDER: a command to run rsyslogd with (valgrind.sh sets it); none by default.
# MAILNORM_VALGRIND=1 runs every test's rsyslogd under valgrind memcheck (make
# check-valgrind): an invalid access or a definite leak makes rsyslogd exit 99. Known leaks
# of liblognorm and rsyslog itself are in tests/valgrind.supp (their symbols are kept
# after rsyslogd unloads the modules, so the suppressions can name them).
RUN_UNDER=()
if [ -n "${MAILNORM_VALGRIND:-}" ]; then
	command -v valgrind >/dev/null || { echo "SKIP: valgrind not installed"; exit 77; }
	RUN_UNDER=(valgrind --quiet --error-exitcode=99 --leak-check=full --keep-debuginfo=yes
		--errors-for-leak-kinds=definite --suppressions="$srcdir/tests/valgrind.supp"
		--log-file="$TEST_DIR/valgrind.log")
	TIMEOUT_SECONDS=$((TIMEOUT_SECONDS * 10))
fi

start_rsyslogd() {
	"${RUN_UNDER[@]}" "$RSYSLOGD" -n -C -i "$TEST_DIR/rsyslogd.pid" -f "$TEST_DIR/rsyslog.conf" \
		>"$TEST_DIR/rsyslogd.out" 2>&1 &
	RSYSLOGD_PID=$!
	wait_for "rsyslogd to start" test -s "$TEST_DIR/rsyslogd.pid"
}

# wait_for DESCRIPTION COMMAND...: polls COMMAND until it succeeds, rsyslogd dies or the
# time limit passes.
wait_for() {
	local what=$1 deadline=$((SECONDS + TIMEOUT_SECONDS))
	shift
	until "$@"; do
		if [ -n "$RSYSLOGD_PID" ] && ! kill -0 "$RSYSLOGD_PID" 2>/dev/null; then
			fail "rsyslogd exited while waiting for $what"
		fi
		[ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $what"
		sleep 0.1
	done
}

# wait_for_count WHAT TARGET COMMAND...: waits until COMMAND prints a number >= TARGET;
# fails when that number has not grown for TIMEOUT_SECONDS (a long drain on a busy machine
# is slow, not stuck).
wait_for_count() {
	local what=$1 target=$2 count last=-1 deadline
	shift 2
	while count=$("$@"); [ "$count" -lt "$target" ]; do
		if [ -n "$RSYSLOGD_PID" ] && ! kill -0 "$RSYSLOGD_PID" 2>/dev/null; then
			fail "rsyslogd exited while waiting for $what (has $count of $target)"
		fi
		[ "$count" -eq "$last" ] || { last=$count; deadline=$((SECONDS + TIMEOUT_SECONDS)); }
		[ "$SECONDS" -lt "$deadline" ] || fail "$what: stuck at $count of $target for ${TIMEOUT_SECONDS}s"
		sleep 0.2
	done
}

line_count() {
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

has_lines() {
	[ "$(line_count "$1")" -ge "$2" ]
}

# wait_for_lines FILE N: until FILE has N complete lines.
wait_for_lines() {
	wait_for "$2 lines in $(basename "$1") (has $(line_count "$1"))" has_lines "$1" "$2"
}

# An imtcp input on loopback, on a port the system picks, bound to the ruleset "mail".
conf_tcp_input() {
	cat <<-EOF
	module(load="imtcp")
	input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="$TEST_DIR/port" ruleset="mail")
	EOF
}

# send_tcp FILE: sends FILE's lines (LF-framed syslog) to the conf_tcp_input input.
send_tcp() {
	wait_for "the imtcp port" test -s "$TEST_DIR/port"
	exec 3<>"/dev/tcp/127.0.0.1/$(cat "$TEST_DIR/port")"
	cat "$1" >&3
	exec 3>&-
}

# send_tcp_in_chunks FILE OUTPUT: sends FILE in chunks of 5,000 lines, each waited for
# until OUTPUT has a line for it: the queue's backlog, whose peak depends on how busy the
# machine is, never exceeds a chunk, so that an RSS compared after it is the module's and
# the workers', not a backlog's. OUTPUT gets one line per line sent.
send_tcp_in_chunks() {
	local file=$1 output=$2 part expected
	expected=$(line_count "$output")
	split -l 5000 -d -a 5 "$file" "$TEST_DIR/chunk."
	for part in "$TEST_DIR"/chunk.*; do
		send_tcp "$part"
		expected=$((expected + $(line_count "$part")))
		rm -f "$part"
		wait_for_lines "$output" "$expected"
	done
}

# rsyslogd's resident memory now, in KiB.
rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$RSYSLOGD_PID/status"
}

stop_rsyslogd() {
	kill -TERM "$RSYSLOGD_PID"
	local deadline=$((SECONDS + TIMEOUT_SECONDS))
	while kill -0 "$RSYSLOGD_PID" 2>/dev/null; do
		[ "$SECONDS" -lt "$deadline" ] || fail "rsyslogd did not stop on SIGTERM"
		sleep 0.1
	done
	local status=0
	wait "$RSYSLOGD_PID" || status=$?
	RSYSLOGD_PID=
	[ "$status" -eq 0 ] || fail "rsyslogd exited with status $status"
}

# run_over_tcp FILE: runs rsyslogd, sends it FILE over conf_tcp_input and stops it once
# "$TEST_DIR/output" has a line for each line of FILE.
run_over_tcp() {
	start_rsyslogd
	send_tcp "$1"
	wait_for_lines "$TEST_DIR/output" "$(line_count "$1")"
	stop_rsyslogd
}
