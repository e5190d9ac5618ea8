"""Rules that exist only when their libraries were found (@local_mpi, @local_cuda).

As backends/cuda/cuda.bzl does for CUDA: BUILD files cannot use top-level
`if`, so the comm plugins and their tests are declared through these
wrappers. Without MPI they declare nothing, and `bazel build //...` /
`bazel test //...` skip them; the registry (//comm:registry) is always
built and then lists the plugins as not found.
"""

load("@local_cuda//:defs.bzl", "CUDA_PATH", "HAS_CUDA", "HAS_NCCL")
load("@local_mpi//:defs.bzl", "HAS_MPI")

# The NCCL plugin needs MPI (its bootstrap) and NCCL's header (nccl.h in
# the CUDA toolkit found); libnccl itself is dlopen()ed at run time.
HAS_NCCL_PLUGIN = HAS_MPI and HAS_CUDA and HAS_NCCL

# Where the NCCL plugin looks for libnccl after the loader's path,
# $CUDA_PATH and $CUDA_HOME: the toolkit found at build time.
NCCL_DEFINES = ['NDA_CUDA_PATH=\\"%s\\"' % CUDA_PATH] if HAS_NCCL_PLUGIN else []

def mpi_cc_library(**kwargs):
    if HAS_MPI:
        native.cc_library(**kwargs)

def mpi_cc_binary(**kwargs):
    if HAS_MPI:
        native.cc_binary(**kwargs)

def mpi_sh_test(**kwargs):
    if HAS_MPI:
        native.sh_test(**kwargs)

def nccl_cc_binary(**kwargs):
    if HAS_NCCL_PLUGIN:
        native.cc_binary(**kwargs)

def nccl_sh_test(**kwargs):
    if HAS_NCCL_PLUGIN:
        native.sh_test(**kwargs)

def comm_plugins():
    """The comm plugins this build makes (labels), for data/copy lists."""
    out = []
    if HAS_MPI:
        out.append("//comm/mpi:libndaccel_comm_mpi.so")
    if HAS_NCCL_PLUGIN:
        out.append("//comm/nccl:libndaccel_comm_nccl.so")
    return out
