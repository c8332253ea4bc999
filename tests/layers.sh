#!/bin/bash
# lib/ forms layers (no file calls into a file that calls it back): checked on the built objects of
# the library, one per source file of lib/.
set -eu
srcdir=${srcdir:-.}
objects=()
for source in "$srcdir"/lib/*.c; do
	name=$(basename "$source" .c)
	object=lib/.libs/libmailnorm_la-$name.o
	[ -f "$object" ] || { echo "FAIL: $object not built"; exit 1; }
	objects+=("$object")
done
exec "${PYTHON3:-python3}" "$srcdir/tests/layers.py" "${objects[@]}"
