#!/usr/bin/env bash
# Runs tests/distributed/fault_ranks.py on N ranks with mpirun, under a time
# limit: one rank fails on its own while the others wait in a collective.
# Passes when the job ends in time, non-zero, with the failing (last)
# rank's traceback line and its comm_abort message on the output.
#
#   run_fault_test.sh N PYTHON3 DEVICE MODE
#   MODE: raise (a RuntimeError), shape (a replicated operand's shape
#   differs on the last rank: a ValueError).
set -uo pipefail

n=${1:?usage: run_fault_test.sh N PYTHON3 DEVICE MODE}
py_arg=${2:?python3}
device=${3:-}
mode=${4:?mode}

root=""
for cand in "${TEST_SRCDIR:-}/${TEST_WORKSPACE:-ndaccel}" "${TEST_SRCDIR:-}/ndaccel" "$PWD"; do
    if [ -f "$cand/python/ndaccel/__init__.py" ] && [ -f "$cand/tests/comm/mpi_env.sh" ] &&
        [ -f "$cand/tests/python/python_env.sh" ]; then
        root=$(cd "$cand" && pwd)
        break
    fi
done
[ -n "$root" ] || { echo "run_fault_test.sh: cannot find the runfiles" >&2; exit 1; }
runner=run_fault_test.sh
. "$root/tests/python/python_env.sh"

. "$root/tests/comm/mpi_env.sh"
export NDACCEL_DEVICE="${device:-opencl:0}"

case "$mode" in
raise) why="uncaught RuntimeError: rank gives up on purpose" ;;
shape) why="uncaught ValueError: " ;;
*) echo "run_fault_test.sh: unknown mode $mode" >&2; exit 1 ;;
esac

limit=${NDACCEL_COMM_TEST_TIMEOUT:-60}
out="$tmp/fault.$mode.out"
start=$(date +%s)
timeout --kill-after=10 "$limit" \
    mpirun --allow-run-as-root --oversubscribe -n "$n" \
    "$python" "$root/tests/distributed/fault_ranks.py" "$mode" >"$out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
cat "$out"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "run_fault_test.sh: FAIL: mpirun -n $n still running after ${limit}s (a rank hangs)" >&2
    exit 1
fi
if [ "$rc" -eq 0 ]; then
    echo "run_fault_test.sh: FAIL: mode $mode: the job ended successfully" >&2
    exit 1
fi
last="rank $((n - 1)) of $n"
for want in "ndaccel.distributed: $last: uncaught exception" "ndaccel: $last: $why"; do
    if ! grep -qF -- "$want" "$out"; then
        echo "run_fault_test.sh: FAIL: mode $mode: no \"$want\" line" >&2
        exit 1
    fi
done
echo "run_fault_test.sh: mode $mode: the job ended (status $rc, ${took}s) with rank $((n - 1))'s message"
