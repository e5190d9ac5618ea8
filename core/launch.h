/* Launch geometry of generated kernels (internal): work-group sizes and
 * the row chunk of CPU store kernels, per device. Each value is fixed for a
 * device during the process, so a kernel specialised on it compiles once. */
#ifndef NDA_LAUNCH_H
#define NDA_LAUNCH_H

#include <stddef.h>

#include "nda/device.h"

/* Work-group size of every 1-D launch on d, in work-items: 256, or
 * $NDACCEL_LOCAL_SIZE when set to a positive integer (for measurements; read
 * once per process), halved until it fits d's max_work_group_size. >= 1. */
size_t nda_launch_local_size(const nda_device *d);

/* Elements one work-item walks along the innermost axis in chunked (CPU)
 * store kernels: 256, or $NDACCEL_ROW_CHUNK when set to a positive integer
 * (read once per process). >= 1; the same for every device. */
int nda_row_chunk(const nda_device *d);

/* Work-group size of reduction kernels, in work-items: a power of two,
 * 256 halved until it fits d's max_work_group_size. >= 1. */
size_t nda_reduce_local_size(const nda_device *d);

#endif
