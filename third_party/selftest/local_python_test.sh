#!/bin/sh
# $1: @local_python//:python3 wrapper; $2: PYTHON_BIN from @local_python//:defs.bzl
set -eu
out=$("$1" -c 'import sys, numpy; print(sys.executable)')
[ "$out" = "$2" ] || { echo "wrapper ran $out, expected $2" >&2; exit 1; }
echo "local_python OK: $out"
