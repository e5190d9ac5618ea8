# Sourced by the test runners (run_pytest.sh, tests/comm/run_python_ranks.sh)
# once they know the runfiles root `root`, with `py_arg` the interpreter
# argument of the sh_test and `runner` the caller's name for messages.
# Sets `python` (the absolute path of the @local_python wrapper), puts the
# runfiles' python/ first on PYTHONPATH, and for an AddressSanitizer build of
# _core.so (bazel test --config=asan) preloads the matching libasan, which
# must be the first library loaded, with leak checks off (CPython itself
# never frees some memory). Sets asan_lib ("" without ASan).

python=""
for cand in "$py_arg" "$root/$py_arg" "${TEST_SRCDIR:-}/${py_arg#external/}" \
    "${TEST_SRCDIR:-}/local_python/python3"; do
    if [ -x "$cand" ]; then
        python="$(cd "$(dirname "$cand")" && pwd)/$(basename "$cand")"
        break
    fi
done
[ -n "$python" ] || { echo "$runner: cannot find python3 ($py_arg)" >&2; exit 1; }

export PYTHONPATH="$root/python" PYTHONDONTWRITEBYTECODE=1

asan_lib=$(ldd "$root/python/ndaccel/_core.so" 2>/dev/null | awk '/libasan\.so/ { print $3; exit }')
if [ -n "$asan_lib" ]; then
    export LD_PRELOAD="$asan_lib${LD_PRELOAD:+:$LD_PRELOAD}"
    # Last wins: .bazelrc asks for leak checks, which CPython cannot pass.
    # allocator_may_return_null: an impossible malloc (NumPy's side of the
    # absurd-size rows in test_bad_input.py) returns NULL, as without ASan,
    # and becomes a MemoryError instead of an abort.
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:abort_on_error=1:allocator_may_return_null=1"
    export PYTHONMALLOC=malloc # Python objects in ASan's allocator too
fi
