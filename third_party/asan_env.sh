#!/bin/sh
# --run_under wrapper for --config=asan: points LeakSanitizer at lsan.supp
# (found next to this script's real path) and runs the test.
here=$(dirname "$(readlink -f "$0")")
LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
exec "$@"
