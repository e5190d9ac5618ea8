#!/usr/bin/env bash
# Runs a Python test program on N ranks with mpirun, against the
# Bazel-built package in the test's runfiles, under a time limit:
# tests/comm/comm_binding_test.py (the _core.comm_* functions) and the
# ndaccel.distributed tests (tests/distributed).
#
#   run_python_ranks.sh N PYTHON3 DEVICE SCRIPT [ARGS...]
#   DEVICE: the device every rank uses ("" for opencl:0); SCRIPT: a path
#   relative to the workspace root; ARGS go to the script.
set -uo pipefail

n=${1:?usage: run_python_ranks.sh N PYTHON3 DEVICE SCRIPT [ARGS...]}
py_arg=${2:?python3}
device=${3:-}
script=${4:?script}
shift 4

root=""
for cand in "${TEST_SRCDIR:-}/${TEST_WORKSPACE:-ndaccel}" "${TEST_SRCDIR:-}/ndaccel" "$PWD"; do
    if [ -f "$cand/python/ndaccel/__init__.py" ] && [ -f "$cand/tests/comm/mpi_env.sh" ] &&
        [ -f "$cand/tests/python/python_env.sh" ]; then
        root=$(cd "$cand" && pwd)
        break
    fi
done
[ -n "$root" ] || { echo "run_python_ranks.sh: cannot find the runfiles" >&2; exit 1; }
runner=run_python_ranks.sh
. "$root/tests/python/python_env.sh"

. "$root/tests/comm/mpi_env.sh"
# Arrays made without a device go to the one under test (the fake CUDA
# driver, when built, would otherwise make cuda:0 the default).
export NDACCEL_DEVICE="${device:-opencl:0}"

limit=${NDACCEL_COMM_TEST_TIMEOUT:-240}
timeout --kill-after=10 "$limit" \
    mpirun --allow-run-as-root --oversubscribe -n "$n" \
    "$python" "$root/$script" "$@"
rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "run_python_ranks.sh: FAIL: still running after ${limit}s (a rank hangs)" >&2
    exit 1
fi
exit "$rc"
