# common.sh - sourced by the CLI tests: the binary, a work directory, failure counting and
# a JSON check.
set -u
MAILNORM=${MAILNORM:-./mailnorm}
PYTHON3=${PYTHON3:-python3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# Reads JSON lines on stdin, evaluates a Python expression over them (list `docs`).
check_json() {
	"$PYTHON3" -c "import json,sys; docs=[json.loads(l) for l in sys.stdin]; sys.exit(0 if ($1) else 1)"
}
