# Sourced by the comm test runners with $root (the runfiles root) set: the
# environment every rank of an mpirun under Bazel needs. Plugins and
# backends from the runfiles, the fake CUDA driver and fake libnccl when
# built, POCL_MAX_PTHREAD_COUNT=1 (2 cores here), caches in the test's
# scratch directory, and a private Open MPI session directory (removed on
# exit).
export NDACCEL_PLUGIN_DIR="$root/backends/opencl:$root/backends/cuda:$root/comm/mpi:$root/comm/nccl"
[ -f "$root/tests/fakes/libcuda_fake.so" ] &&
    export NDACCEL_CUDA_DRIVER="$root/tests/fakes/libcuda_fake.so"
[ -f "$root/tests/fakes/libnccl_fake.so" ] &&
    export NDACCEL_NCCL_LIBRARY="$root/tests/fakes/libnccl_fake.so"
export POCL_MAX_PTHREAD_COUNT=1
tmp=${TEST_TMPDIR:-$(mktemp -d)}
export NDACCEL_CACHE_DIR="$tmp/ndcache" POCL_CACHE_DIR="${POCL_CACHE_DIR:-$tmp/pocl}"
export HOME="$tmp" XDG_CACHE_HOME="$tmp"
# Open MPI keeps its session directory (and the PMIx socket, whose path
# must stay short) under $TMPDIR. Bazel's is too long, and a shared /tmp is
# not enough: sandboxed tests run in their own PID namespaces, so two
# mpiruns can have the same pid and would share a session directory.
sess=$(mktemp -d /tmp/ndcomm.XXXXXX) || exit 1
trap 'rm -rf "$sess"' EXIT
export TMPDIR="$sess"
# Likewise the shared-memory transport's segments (/dev/shm by default,
# named after the job id, which derives from the pid).
export OMPI_MCA_btl_vader_backing_directory="$sess"
unset NDACCEL_DEVICE
# Under --config=asan: Open MPI leaks on purpose at exit (much of it from
# components it has dlclose()d, which suppressions cannot name) and
# LeakSanitizer's stop-the-world crashes on its threads, so leak checks
# are off for the ranks; AddressSanitizer's and UBSan's checks stay on.
if [ -n "${ASAN_OPTIONS:-}" ]; then
    export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
fi
