"""Rules that exist only when the CUDA toolkit was found (@local_cuda).

BUILD files cannot use top-level `if`, so CUDA-only targets are declared
through these wrappers: without CUDA they declare nothing, and `bazel build
//...` / `bazel test //...` simply skip them.
"""

load("@local_cuda//:defs.bzl", "CUDA_PATH", "HAS_CUDA")

# The toolkit found at build time: a last-resort place to look for NVRTC,
# cuBLAS and cuFFT at run time (after the library path, $CUDA_PATH and
# $CUDA_HOME), and where tests find the toolkit's stub libcuda.
CUDA_DEFINES = ['NDA_CUDA_PATH=\\"%s\\"' % CUDA_PATH] if HAS_CUDA else []

def cuda_cc_library(**kwargs):
    if HAS_CUDA:
        native.cc_library(**kwargs)

def cuda_cc_binary(**kwargs):
    if HAS_CUDA:
        native.cc_binary(**kwargs)

def cuda_cc_test(**kwargs):
    if HAS_CUDA:
        native.cc_test(**kwargs)
