#!/usr/bin/env bash
# Runs the comm conformance test (comm_test) on N ranks with mpirun, under
# a time limit, against the Bazel-built plugins in the test's runfiles.
#
#   run_comm_test.sh N [VAR=VALUE ...] PLUGIN DEVICE [MODE]
#
# Every rank gets POCL_MAX_PTHREAD_COUNT=1 (2 cores here), the plugin
# directories, the fake CUDA driver and the fake libnccl when they were
# built. Without MODE: passes when every rank passes. With MODE (abort,
# copyfail): passes when the job ends non-zero, in time, with the last
# rank's message "ndaccel: rank N-1 of N: ..." on stderr.
set -uo pipefail

n=${1:?usage: run_comm_test.sh N [VAR=VALUE ...] PLUGIN DEVICE [MODE]}
shift
while [ "$#" -gt 0 ] && [[ "$1" == *=* ]]; do
    export "${1?}"
    shift
done
plugin=${1:?plugin}
device=${2:?device}
mode=${3:-}

root=""
for cand in "${TEST_SRCDIR:-}/${TEST_WORKSPACE:-ndaccel}" "${TEST_SRCDIR:-}/ndaccel" "$PWD"; do
    if [ -x "$cand/tests/comm/comm_test" ]; then
        root=$(cd "$cand" && pwd)
        break
    fi
done
[ -n "$root" ] || { echo "run_comm_test.sh: cannot find tests/comm/comm_test" >&2; exit 1; }

. "$root/tests/comm/mpi_env.sh"

limit=${NDACCEL_COMM_TEST_TIMEOUT:-50}
out="$tmp/comm_test.$plugin.$mode.out"
start=$(date +%s)
timeout --kill-after=10 "$limit" \
    mpirun --allow-run-as-root --oversubscribe -n "$n" \
    "$root/tests/comm/comm_test" "$plugin" "$device" $mode >"$out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
cat "$out"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "run_comm_test.sh: FAIL: mpirun -n $n still running after ${limit}s (a rank hangs)" >&2
    exit 1
fi
if [ -z "$mode" ]; then
    [ "$rc" -eq 0 ] && echo "run_comm_test.sh: $n ranks passed (${took}s)"
    exit "$rc"
fi
case "$mode" in
abort) why="rank gives up on purpose" ;;
copyfail) why="injected copy failure" ;;
*) echo "run_comm_test.sh: unknown mode $mode" >&2; exit 1 ;;
esac
want="ndaccel: rank $((n - 1)) of $n: .*$why"
if [ "$rc" -eq 0 ]; then
    echo "run_comm_test.sh: FAIL: mode $mode: the job ended successfully" >&2
    exit 1
fi
if ! grep -q -- "$want" "$out"; then
    echo "run_comm_test.sh: FAIL: mode $mode: no \"$want...\" message" >&2
    exit 1
fi
echo "run_comm_test.sh: mode $mode: the job ended (status $rc, ${took}s) with the failing rank's message"
