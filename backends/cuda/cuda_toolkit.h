/* Where the CUDA toolkit's libraries (NVRTC, cuBLAS, cuFFT, cuSOLVER) are
 * looked for after the dynamic loader's path. Hidden: nothing here is
 * exported from the plugin. */
#ifndef NDA_CUDA_TOOLKIT_H
#define NDA_CUDA_TOOLKIT_H

#include <stddef.h>

/* The `dir` member of an nda_dl_library (dl_library.h): writes the i-th
 * directory into buf[len] and returns 1, or returns 0 past the last. The
 * directories are lib64, targets/<arch>/lib and lib under $CUDA_PATH,
 * $CUDA_HOME, the toolkit found at build time (NDA_CUDA_PATH) and
 * /usr/local/cuda, in that order; unset or empty variables are skipped. */
__attribute__((visibility("hidden"))) int nda_cuda_toolkit_dir(size_t i, char *buf, size_t len);

#endif
