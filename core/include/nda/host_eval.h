/* Host evaluation of small elementwise work on host-memory devices.
 *
 * On a device whose buffers are host memory and which runs on the host's
 * own cores (PoCL's CPU device: backend memory_kind NDA_MEMORY_HOST, not a
 * GPU), a kernel launch costs ~20 us of thread hand-offs before any
 * element is computed, while NumPy computes 1000 additions in 1 us. A fused
 * store whose work (elements x operations, see host_eval.c) is at most the
 * limit is therefore computed on the host, in the buffers' storage, after
 * the device's queue has drained, by the calling thread (and, from 2^16
 * work units, by helper threads up to the device's compute units:
 * nda/host_threads.h): the same values as the kernel for exact operations
 * (IEEE arithmetic, comparisons, casts); the C library's math functions
 * (<= 1 ulp, as NumPy's) for the others.
 * Expressions with an operation or dtype the host loops do not cover
 * (float16, complex, gathers, scatters, reductions) keep the kernels.
 *
 * The limit starts from the environment: NDACCEL_HOST_EVAL=<work units>
 * (0 turns host evaluation off; NDACCEL_HOST_LIBRARIES=0 turns it off too),
 * else the default below. */
#ifndef NDA_HOST_EVAL_H
#define NDA_HOST_EVAL_H

#include <stdint.h>

#include "nda/device.h"

/* Work units of the default limit: elements x (operations + operands),
 * where a libm function counts 96 operations, a division 8 and an operand
 * strided along the innermost axis 32 (host_eval.c): a + b up to 32k
 * elements, a five-operation expression with a division up to ~8k. Folds,
 * and stores while nothing is queued on the device, take the idle factor
 * times the limit (nda_host_eval_idle_factor: a kernel whose result is
 * waited for costs a whole queue round trip, and the host loops split
 * over the device's threads); contiguous fills and copies of up to
 * limit / 2 elements are host loops too while nothing is queued, not
 * driver commands. */
#define NDA_HOST_EVAL_DEFAULT_LIMIT ((int64_t)1 << 17)

/* The current limit (0: off). */
int64_t nda_host_eval_limit(void);
/* Sets the limit (clamped at 0); returns the previous one. Takes the
 * library lock's caller's word that no evaluation runs concurrently. */
int64_t nda_host_eval_set_limit(int64_t limit);
/* The factor of the limit for folds and for stores while nothing is
 * queued on d: 4, times 4 per thread where d has several (its compute
 * units, up to 16). */
int64_t nda_host_eval_idle_factor(const nda_device *d);
/* Stores evaluated on the host since the process started (for tests). */
uint64_t nda_host_eval_count(void);

#endif
