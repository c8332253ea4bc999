# Sourced by tests/storage/*.sh after tests/rsyslog/harness.sh.

STORAGE_DIR="$srcdir/tests/storage"
CHECK_STORAGE="$PYTHON3 $STORAGE_DIR/storage_check.py"
MAPPING="$srcdir/doc/elasticsearch/index-template.json"
: "${MAILNORM:=$PWD/mailnorm}"

skip() {
	echo "SKIP: $*"
	trap - EXIT
	rm -rf "$TEST_DIR"
	exit 77
}

# free_port tcp|udp: a port on 127.0.0.1 nobody listens on now.
free_port() {
	$PYTHON3 -c '
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}

# cli_trees OUT: every golden input through mailnorm (with the file's #!options), once
# as it is and once with --correlate: the trees the module can emit, one per line.
cli_trees() {
	local f options
	: >"$1"
	for f in "$srcdir"/tests/golden/*/*.txt; do
		options=$(sed -n 's/^#!options //p' "$f" | head -n 1)
		$CHECK_JSON golden-lines "$f" >"$TEST_DIR/golden-input"
		# shellcheck disable=SC2086 # the options are words
		"$MAILNORM" $options "$TEST_DIR/golden-input" >>"$1" 2>/dev/null
		# shellcheck disable=SC2086
		"$MAILNORM" --correlate $options "$TEST_DIR/golden-input" >>"$1" 2>/dev/null
	done
	[ -s "$1" ] || fail "mailnorm produced no trees"
}

# sendmail_from_lines N FILE: N syslog lines of sendmail from= lines, queue ids
# qD0000000000 on.
sendmail_from_lines() {
	$PYTHON3 - "$1" "$2" <<'EOF'
import sys
with open(sys.argv[2], "w") as f:
    for n in range(int(sys.argv[1])):
        f.write(f"<22>Dec  5 03:00:00 mx1.example.net sm-mta[4242]: qD{n:010d}: from=<a@example.org>, "
                f"size=1, class=0, nrcpts=1, msgid=<{n}@example.org>, proto=ESMTP, daemon=MTA, "
                f"relay=client.example.net [192.0.2.10]\n")
EOF
}

# maillog_from_lines N FILE: N sendmail from= lines as a maillog file has them (for imfile),
# queue ids qM0000000000 on.
maillog_from_lines() {
	sendmail_from_lines "$1" "$2.syslog"
	sed -e 's/^<22>//' -e 's/qD/qM/' "$2.syslog" >"$2"
	rm "$2.syslog"
}

# stop_during_outage N QUEUE: for the *-shutdown.sh tests, with the store down: sends N
# sendmail lines (qD...) over TCP to a new rsyslogd, which queues them for the action whose
# queue files are $TEST_DIR/spool/QUEUE*, stops it 5 s later and fails unless it saved
# that queue. Sets batch to the shipped queue.dequeueBatchSize.
stop_during_outage() {
	batch=$(sed -n 's/.*queue.dequeueBatchSize="\([0-9]*\)".*/\1/p' "$shipped" | tail -n 1)
	[ -n "$batch" ] || fail "no queue.dequeueBatchSize in $shipped"
	sendmail_from_lines "$1" "$TEST_DIR/lines"
	start_rsyslogd
	send_tcp_port "$tcp_port" "$TEST_DIR/lines"
	sleep 5
	stop_rsyslogd
	ls "$TEST_DIR/spool/$2"* >/dev/null 2>&1 || fail "rsyslogd saved no queue on shutdown"
}

# stop_while_parsing N COUNT: for the *-shutdown.sh tests, with the store up: appends N
# maillog lines (qM...) to the file imfile reads, stops rsyslogd once COUNT (a command
# printing how many of them are stored) is above 0, starts it again and waits until COUNT
# stops growing. Sets early to the count at the stop.
stop_while_parsing() {
	local count=$2
	maillog_from_lines "$1" "$TEST_DIR/file-lines"
	start_rsyslogd
	cat "$TEST_DIR/file-lines" >>"$TEST_DIR/maillog"
	wait_for "the first of the file's lines stored" positive "$count"
	stop_rsyslogd
	early=$($count)
	start_rsyslogd
	wait_until_still "$count"
	stop_rsyslogd
}

# positive COMMAND: whether COMMAND prints a number above 0.
positive() {
	[ "$("$1")" -gt 0 ]
}

# wait_until_still COMMAND: until COMMAND prints the same twice, 5 s apart.
wait_until_still() {
	local previous=
	until [ "$("$1")" = "$previous" ]; do
		previous=$("$1")
		sleep 5
	done
}

# send_udp PORT FILE: each line of FILE as one datagram to 127.0.0.1:PORT.
send_udp() {
	$PYTHON3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
with open(sys.argv[2], "rb") as f:
    for line in f:
        s.sendto(line.rstrip(b"\n"), ("127.0.0.1", int(sys.argv[1])))
        time.sleep(0.002)' "$1" "$2"
}

# send_tcp_port PORT FILE: FILE's lines (LF-framed syslog) to 127.0.0.1:PORT.
send_tcp_port() {
	exec 3<>"/dev/tcp/127.0.0.1/$1"
	cat "$2" >&3
	exec 3>&-
}

# shipped_conf SHIPPED COUNT [SED_EXPRESSION...]: SHIPPED as the test runs it, in
# $TEST_DIR/rsyslog.conf: the built module, the test's work directory ($TEST_DIR/spool),
# input files ($TEST_DIR/maillog, $TEST_DIR/mail.log_current), the outbox
# ($TEST_DIR/spool/mail-outbox/), the file of cut lines
# ($TEST_DIR/cut-lines.log) and ports ($tcp_port,
# $udp_port), and what the sed expressions substitute. Fails unless exactly COUNT lines
# changed (the shipped file changed: the test must follow) and none of the shipped file's
# hosts, ports and paths is left.
shipped_conf() {
	local shipped=$1 count=$2 changed
	shift 2
	mkdir -p "$TEST_DIR/spool"
	sed -e "s|module(load=\"mmmailnorm\")|module(load=\"$MMMAILNORM\")|" \
		-e "s|\"/var/spool/rsyslog\"|\"$TEST_DIR/spool\"|g" \
		-e "s|file=\"/var/log/mail.log\"|file=\"$TEST_DIR/maillog\"|" \
		-e "s|/var/spool/rsyslog/mail-outbox/|$TEST_DIR/spool/mail-outbox/|" \
		-e "s|file=\"/var/log/mail-cut-lines.log\"|file=\"$TEST_DIR/cut-lines.log\"|" \
		-e "s|file=\"/opt/sun/comms/messaging64/log/mail.log_current\"|file=\"$TEST_DIR/mail.log_current\"|" \
		-e "/type=\"imtcp\"/s|port=\"514\"|port=\"$tcp_port\"|" \
		-e "/type=\"imudp\"/s|port=\"514\"|port=\"$udp_port\"|" \
		"$@" "$shipped" >"$TEST_DIR/rsyslog.conf"
	changed=$(diff "$shipped" "$TEST_DIR/rsyslog.conf" | grep -c '^>' || true)
	[ "$changed" -eq "$count" ] || fail "expected $count substituted lines in $shipped, got $changed"
	# the test's own paths (a clone under /opt or /var/tmp, say) are not the shipped ones
	sed -e 's/#.*//' -e "s|$MMMAILNORM|MODULE|g" -e "s|$TEST_DIR|TEST_DIR|g" "$TEST_DIR/rsyslog.conf" |
		grep -nE '/var/|/etc/|/opt/|"514"|"9200"|"5432"|"localhost"|load="mmmailnorm"' | grep -v 'port="5432"' &&
		fail "a host, port or path of $shipped was not substituted"
	"$RSYSLOGD" -N1 -f "$TEST_DIR/rsyslog.conf" >"$TEST_DIR/validate.out" 2>&1 ||
		fail "rsyslogd -N1 rejects the configuration: $(cat "$TEST_DIR/validate.out")"
}

# rate N CONDITION...: for the *_rate.sh scripts: starts rsyslogd, sends $TEST_DIR/lines
# (N lines) to $tcp_port, waits until CONDITION holds and prints lines/s and rsyslogd's CPU
# time (user + system, all threads) per line; then the same by kind of thread (names as
# rsyslog gives them: in:* the inputs, *:Reg a ruleset's queue worker, other rs:* an action's
# queue or omfile's writer) and, with the tests' PostgreSQL ($pg_dir), the server's CPU
# (postmaster and its processes) per row: what bounds a rate that rsyslogd does not.
rate() {
	local n=$1 t0 t1 cpu
	shift
	start_rsyslogd
	sleep 1
	t0=$(date +%s.%N)
	send_tcp_port "$tcp_port" "$TEST_DIR/lines"
	TIMEOUT_SECONDS=600 wait_for "$n lines stored" "$@"
	t1=$(date +%s.%N)
	cpu=$(awk '{ print $14 + $15 }' "/proc/$RSYSLOGD_PID/stat")
	thread_cpu "$n" >"$TEST_DIR/thread-cpu"
	stop_rsyslogd
	echo "RATE $shipped: $n lines in $(echo "$t1 - $t0" | bc) s: $(echo "$n / ($t1 - $t0)" | bc)/s," \
		"rsyslogd CPU $(per_line "$cpu" "$n") µs per line"
	cat "$TEST_DIR/thread-cpu"
}

# per_line TICKS N: clock ticks as µs per line, one decimal.
per_line() {
	echo "scale=1; $1 * 1000000 / $(getconf CLK_TCK) / $2" | bc
}

# stat_ticks STAT: user + system clock ticks of a /proc stat file (its name, which may
# hold spaces, cut off first), with its ended children's when CHILDREN is given; 0 when the
# process has gone.
stat_ticks() {
	{ sed 's/^.*) //' "$1" 2>/dev/null || true; } |
		awk -v children="${2:-}" '{ t = $12 + $13; if (children) t += $14 + $15 } END { print t + 0 }'
}

# thread_cpu N: for rate, rsyslogd's CPU per line by kind of thread, and the tests'
# PostgreSQL server's per row.
thread_cpu() {
	local task kind pm server=0 proc
	local -A ticks=([input]=0 [ruleset]=0 [actions]=0 [other]=0)
	for task in /proc/"$RSYSLOGD_PID"/task/*; do
		case $(cat "$task/comm") in
		in:*) kind=input ;;
		*:Reg) kind=ruleset ;;
		rs:*) kind=actions ;;
		*) kind=other ;;
		esac
		ticks[$kind]=$((ticks[$kind] + $(stat_ticks "$task/stat")))
	done
	echo "rsyslogd CPU by thread: inputs $(per_line "${ticks[input]}" "$1"), parsing ruleset" \
		"$(per_line "${ticks[ruleset]}" "$1"), actions $(per_line "${ticks[actions]}" "$1")," \
		"other $(per_line "${ticks[other]}" "$1") µs per line"
	if [ -z "${pg_dir:-}" ] || [ ! -s "$pg_dir/data/postmaster.pid" ]; then
		return 0
	fi
	pm=$(head -n 1 "$pg_dir/data/postmaster.pid")
	server=$(stat_ticks "/proc/$pm/stat" children)
	for proc in /proc/[0-9]*; do
		if [ "$(awk '{ print $4 }' "$proc/stat" 2>/dev/null)" = "$pm" ]; then
			server=$((server + $(stat_ticks "$proc/stat")))
		fi
	done
	echo "PostgreSQL server CPU $(per_line "$server" "$1") µs per row"
}

# replay ARGS...: src/mailnorm-replay ARGS (the outbox sent again); its output in
# $TEST_DIR/replay.out, its exit status in replay_status.
replay() {
	replay_status=0
	"$PYTHON3" "$srcdir/src/mailnorm-replay" "$@" >"$TEST_DIR/replay.out" 2>&1 || replay_status=$?
}

# expect_replay READ ALREADY STORED FAILED: the counts the last replay printed (records
# read, already stored, stored now, failed), and its exit status 1 exactly when one failed.
expect_replay() {
	local got want="$1 $2 $3 $4 "
	got=$(sed -n -e 's/^records read: //p' -e 's/^already stored: //p' -e 's/^stored now: //p' \
		-e 's/^failed: //p' "$TEST_DIR/replay.out" | tr '\n' ' ')
	[ "$got" = "$want" ] ||
		fail "the replay counted (read, already stored, stored now, failed) $got, expected $want: $(cat "$TEST_DIR/replay.out")"
	[ "$replay_status" -eq $(($4 > 0 ? 1 : 0)) ] || fail "the replay exited with $replay_status: $(cat "$TEST_DIR/replay.out")"
}

# replay_outbox_all_stored REPLAY N: REPLAY (a function running replay over the outbox)
# reads N records and finds every one stored already.
replay_outbox_all_stored() {
	"$1" "$outbox"
	expect_replay "$2" "$2" 0 0
	echo "PASS: nothing lost: the replay of the outbox found all $2 stored already"
}

# replay_hostile_outbox KIND REPLAY COUNT READ FAILED: the outbox of hostile_outbox.py KIND
# (es or pg), the file of 2026-01-01 00h, replayed by REPLAY: outside the hours asked for,
# nothing read; within, READ records, FAILED of them failed, one stored (COUNT, a command
# printing how many documents or rows are stored, grows by one).
replay_hostile_outbox() {
	local before
	mkdir "$TEST_DIR/hostile-outbox"
	"$PYTHON3" "$STORAGE_DIR/hostile_outbox.py" "$1" "$TEST_DIR/hostile-outbox/$1-2026-01-01-00.jsonl"
	before=$($3)
	"$2" --since 2026-01-01-01 "$TEST_DIR/hostile-outbox"
	expect_replay 0 0 0 0
	"$2" --since 2025-12-31-23 --until 2026-01-01-00 "$TEST_DIR/hostile-outbox"
	expect_replay "$4" 0 1 "$5"
	[ "$($3)" -eq $((before + 1)) ] || fail "the hostile outbox: $(($($3) - before)) stored, expected 1"
}
