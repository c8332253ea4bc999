#!/bin/sh
# Golden-file tests of the parser library through the mailnorm CLI (tests/golden/*/*.txt).
srcdir=${srcdir:-.}
MAILNORM=${MAILNORM:-./mailnorm}
exec "${PYTHON3:-python3}" "$srcdir/tests/tools/golden.py" "$MAILNORM" "$srcdir"/tests/golden/*/*.txt
