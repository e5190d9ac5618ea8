#!/usr/bin/env bash
# Runs tests/python with pytest against the Bazel-built ndaccel in the test's
# runfiles. Usage (from the sh_test): run_pytest.sh PYTHON3
# Exit status: pytest's; "no tests collected" (5) counts as a failure.
set -uo pipefail

py_arg=${1:?usage: run_pytest.sh PYTHON3}

# Runfiles root of this workspace ("ndaccel").
root=""
for cand in "${TEST_SRCDIR:-}/${TEST_WORKSPACE:-ndaccel}" "${TEST_SRCDIR:-}/ndaccel" "$PWD"; do
    if [ -f "$cand/python/ndaccel/__init__.py" ]; then
        root=$(cd "$cand" && pwd)
        break
    fi
done
[ -n "$root" ] || { echo "run_pytest.sh: cannot find the runfiles (python/ndaccel)" >&2; exit 1; }

# The interpreter wrapper from @local_python (external/local_python/python3).
python=""
for cand in "$py_arg" "$root/$py_arg" "${TEST_SRCDIR:-}/${py_arg#external/}" \
    "${TEST_SRCDIR:-}/local_python/python3"; do
    if [ -x "$cand" ]; then
        python="$(cd "$(dirname "$cand")" && pwd)/$(basename "$cand")"
        break
    fi
done
[ -n "$python" ] || { echo "run_pytest.sh: cannot find python3 ($py_arg)" >&2; exit 1; }

tmp=${TEST_TMPDIR:-$(mktemp -d)}
export PYTHONPATH="$root/python"
export PYTHONDONTWRITEBYTECODE=1
export NDACCEL_PLUGIN_DIR="$root/backends/opencl:$root/backends/cuda"
export NDACCEL_CACHE_DIR="$tmp/ndcache"
export POCL_CACHE_DIR="${POCL_CACHE_DIR:-$tmp/pocl}"
export HOME="$tmp"
mkdir -p "$NDACCEL_CACHE_DIR" "$POCL_CACHE_DIR"

cd "$tmp" || exit 1
"$python" -m pytest -p no:cacheprovider -q -rs "$root/tests/python"
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run_pytest.sh: pytest collected no tests" >&2
    exit 1
fi
exit "$rc"
