#!/usr/bin/env bash
# Runs tests/python with pytest against the Bazel-built ndaccel in the test's
# runfiles. Usage (from the sh_test): run_pytest.sh PYTHON3 [PYTEST OPTIONS...]
# Runs every file of tests/python, or only the files named in
# $NDACCEL_PYTEST_FILES (comma-separated, relative to tests/python: the
# --config=asan subset, run_oclgrind.sh's). Prints the devices first.
# When _core.so was built with AddressSanitizer
# (bazel test --config=asan), the interpreter runs with the matching libasan
# preloaded and leak checks off (CPython itself never frees some memory).
# Exit status: pytest's; "no tests collected" (5) counts as a failure.
set -uo pipefail

py_arg=${1:?usage: run_pytest.sh PYTHON3 [PYTEST OPTIONS...]}
shift

# Runfiles root of this workspace ("ndaccel").
root=""
for cand in "${TEST_SRCDIR:-}/${TEST_WORKSPACE:-ndaccel}" "${TEST_SRCDIR:-}/ndaccel" "$PWD"; do
    if [ -f "$cand/python/ndaccel/__init__.py" ]; then
        root=$(cd "$cand" && pwd)
        break
    fi
done
[ -n "$root" ] || { echo "run_pytest.sh: cannot find the runfiles (python/ndaccel)" >&2; exit 1; }

runner=run_pytest.sh
. "$root/tests/python/python_env.sh"

tmp=${TEST_TMPDIR:-$(mktemp -d)}
export NDACCEL_PLUGIN_DIR="$root/backends/opencl:$root/backends/cuda"
export NDACCEL_CACHE_DIR="$tmp/ndcache"
export POCL_CACHE_DIR="${POCL_CACHE_DIR:-$tmp/pocl}"
export HOME="$tmp"
mkdir -p "$NDACCEL_CACHE_DIR" "$POCL_CACHE_DIR"

[ -z "$asan_lib" ] || echo "run_pytest.sh: AddressSanitizer build, preloading $asan_lib"

if [ -n "${NDACCEL_PYTEST_FILES:-}" ]; then
    IFS=, read -r -a files <<<"$NDACCEL_PYTEST_FILES"
    for f in "${files[@]}"; do set -- "$@" "$root/tests/python/$f"; done
else
    set -- "$@" "$root/tests/python"
fi
# Files left out (comma-separated names), e.g. by the ASan configuration.
if [ -n "${NDACCEL_PYTEST_IGNORE:-}" ]; then
    IFS=, read -r -a files <<<"$NDACCEL_PYTEST_IGNORE"
    for f in "${files[@]}"; do set -- "$@" "--ignore=$root/tests/python/$f"; done
fi

cd "$tmp" || exit 1
"$python" -c 'import os
from ndaccel import _core
print("devices:", ", ".join(d["id"] + " (" + d["name"] + ")" for d in _core.devices()) or "none")
print("host evaluation of small stores:", os.environ.get("NDACCEL_HOST_EVAL") or "off (conftest.py)")'
"$python" -m pytest -p no:cacheprovider -q -rs "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run_pytest.sh: pytest collected no tests" >&2
    exit 1
fi
exit "$rc"
