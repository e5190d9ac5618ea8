/* The toolkit directories searched for CUDA libraries (see cuda_toolkit.h). */
#include "backends/cuda/cuda_toolkit.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(__aarch64__)
#define NDA_CUDA_TARGET_LIB "targets/sbsa-linux/lib"
#else
#define NDA_CUDA_TARGET_LIB "targets/x86_64-linux/lib"
#endif

int nda_cuda_toolkit_dir(size_t i, char *buf, size_t len)
{
    static const char *const subdirs[] = {"lib64", NDA_CUDA_TARGET_LIB, "lib"};
    const size_t nsub = sizeof subdirs / sizeof subdirs[0];
    const char *roots[4];
    size_t nroots = 0;

    roots[nroots++] = getenv("CUDA_PATH");
    roots[nroots++] = getenv("CUDA_HOME");
#ifdef NDA_CUDA_PATH
    roots[nroots++] = NDA_CUDA_PATH;
#endif
    roots[nroots++] = "/usr/local/cuda";
    for (size_t r = 0; r < nroots; r++) {
        if (roots[r] == NULL || roots[r][0] == '\0')
            continue;
        if (i < nsub) {
            snprintf(buf, len, "%s/%s", roots[r], subdirs[i]);
            return 1;
        }
        i -= nsub;
    }
    return 0;
}
