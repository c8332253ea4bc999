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
# input files ($TEST_DIR/maillog, $TEST_DIR/mail.log_current), the file of cut lines
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
		-e "s|file=\"/var/log/mail-cut-lines.log\"|file=\"$TEST_DIR/cut-lines.log\"|" \
		-e "s|file=\"/opt/sun/comms/messaging64/log/mail.log_current\"|file=\"$TEST_DIR/mail.log_current\"|" \
		-e "/type=\"imtcp\"/s|port=\"514\"|port=\"$tcp_port\"|" \
		-e "/type=\"imudp\"/s|port=\"514\"|port=\"$udp_port\"|" \
		"$@" "$shipped" >"$TEST_DIR/rsyslog.conf"
	changed=$(diff "$shipped" "$TEST_DIR/rsyslog.conf" | grep -c '^>' || true)
	[ "$changed" -eq "$count" ] || fail "expected $count substituted lines in $shipped, got $changed"
	sed 's/#.*//' "$TEST_DIR/rsyslog.conf" |
		grep -nE '/var/|/etc/|/opt/|"514"|"9200"|"5432"|"localhost"|load="mmmailnorm"' | grep -v 'port="5432"' &&
		fail "a host, port or path of $shipped was not substituted"
	"$RSYSLOGD" -N1 -f "$TEST_DIR/rsyslog.conf" >"$TEST_DIR/validate.out" 2>&1 ||
		fail "rsyslogd -N1 rejects the configuration: $(cat "$TEST_DIR/validate.out")"
}
