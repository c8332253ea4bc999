#!/bin/bash
# The golden and CLI tests again, through the CLI built with AddressSanitizer and
# UndefinedBehaviorSanitizer: any invalid access, undefined behaviour or leak fails them.
set -eu
: "${MAILNORM_SANITIZED:?make check sets MAILNORM_SANITIZED}"
srcdir=${srcdir:-.}
export MAILNORM=$MAILNORM_SANITIZED
# slow unwinding through libraries built without frame pointers, for the suppressions
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:exitcode=99:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=$srcdir/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
bash "$srcdir/tests/golden/run.sh"
bash "$srcdir/tests/cli/cli.sh"
bash "$srcdir/tests/cli/defects.sh"
"${PYTHON3:-python3}" "$srcdir/tests/bad-input.py" "$MAILNORM_SANITIZED"
