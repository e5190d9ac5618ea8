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
 * (IEEE arithmetic, comparisons, casts); for the math functions the loops
 * registered with nda_host_eval_use_loop (NumPy's own: NumPy's values),
 * else the C library's (<= 1 ulp, as NumPy's).
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
#include "nda/dtype.h"

/* Work units of the default limit: elements x (operations + operands),
 * where a libm function counts 96 operations, a division 8 and an operand
 * strided along the innermost axis 1 per 4 bytes of stride, from 8 to 32
 * (host_eval.c): a + b up to 32k
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
/* A strided loop in NumPy's inner-loop form (PyUFuncGenericFunction):
 * dims[0] elements; args[0 .. nin) the inputs and args[nin] the output,
 * each advanced by steps[k] bytes per element (0: one value). */
typedef void (*nda_host_strided_loop)(char **args, const intptr_t *dims, const intptr_t *steps,
                                      void *data);

/* Makes (fn, data) the host evaluator's loop for ufunc `name` on dtype t
 * (inputs and output all t) in place of the C library's: python/ext
 * registers NumPy's own SIMD loops, so the host gives NumPy's bits at
 * NumPy's speed. fn must be callable from any thread, without the GIL,
 * concurrently with itself. Only the math functions (exp .. cbrt, power,
 * float_power, arctan2, hypot) on float32 and float64; NDA_EVALUE for
 * other names and dtypes.
 * Call before any evaluation (module import); the registration lasts for
 * the process. */
int nda_host_eval_use_loop(const char *name, nda_dtype t, nda_host_strided_loop fn, void *data);

/* The weight (work units per element) of the loop registered for ufunc
 * `name` on t, measured now if not yet; 0 when none is registered. */
int nda_host_eval_loop_weight(const char *name, nda_dtype t);
/* Expressions at least half of whose work is registered loops of at most
 * this weight run on the host at any size (on devices with several
 * threads). */
int nda_host_eval_any_size_weight(void);

/* Stores evaluated on the host since the process started (for tests). */
uint64_t nda_host_eval_count(void);

#endif
