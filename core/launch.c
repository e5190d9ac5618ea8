/* Launch geometry (core/launch.h). The sizes were measured on PoCL (2
 * cores) with the Laplace benchmark at 1024^2 and 4096^2. */
#include "core/launch.h"

#include <stdlib.h>

/* A positive integer from environment variable `name`, else 0. */
static int env_positive(const char *name)
{
    const char *env = getenv(name);
    return env && atoi(env) > 0 ? atoi(env) : 0;
}

/* Halves ls until it fits the device's limit (0: no limit known). */
static size_t fit_device(const nda_device *d, size_t ls)
{
    size_t max = nda_device_info_of(d)->max_work_group_size;
    while (max && ls > max) ls /= 2;
    return ls ? ls : 1;
}

size_t nda_launch_local_size(const nda_device *d)
{
    /* Fixed per device so each kernel compiles for one work-group size
     * (PoCL recompiles per size; leaving it to the runtime picks 1 for
     * prime sizes). With row chunking (nda_row_chunk), 256 was as fast as
     * or faster than 4096. */
    static int override = -1;
    if (override < 0) override = env_positive("NDACCEL_LOCAL_SIZE");
    return fit_device(d, override ? (size_t)override : 256);
}

int nda_row_chunk(const nda_device *d)
{
    static int override = -1;
    if (override < 0) override = env_positive("NDACCEL_ROW_CHUNK");
    (void)d;
    /* 256 >= 64 >= 16 elements per work-item. */
    return override ? override : 256;
}

size_t nda_reduce_local_size(const nda_device *d) { return fit_device(d, 256); }
