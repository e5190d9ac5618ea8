/* Host evaluation of fused stores (internal; policy in nda/host_eval.h). */
#ifndef NDA_CORE_HOST_EVAL_H
#define NDA_CORE_HOST_EVAL_H

#include <stdbool.h>

#include "kernels/fused.h"
#include "nda/array.h"

#define NDA_SPACE_MAXOPS (NDA_FUSED_MAX_LEAVES + 1)

/* A coalesced iteration space: shape, and per operand (0: the store's
 * destination, k + 1: leaf k) its strides and base offset, in elements,
 * and (rolled leaves, layout 'W') its wrap: coordinate c reads the
 * operand's coordinate (c + wrap) mod shape along that axis (0 elsewhere). */
typedef struct nda_space {
    int rank;
    int64_t shape[NDA_MAXDIMS];
    int64_t st[NDA_SPACE_MAXOPS][NDA_MAXDIMS];
    int64_t base[NDA_SPACE_MAXOPS];
    int64_t wrap[NDA_SPACE_MAXOPS][NDA_MAXDIMS];
} nda_space;

/* Whether a store of spec s (linearised, no gather or scatter; callers
 * decline rolled leaves, whose wraps the host loops do not read) or its
 * whole-array fold (s->reduce; sum, prod, max, min: core/host_fold.h) over
 * space sp's n elements runs on the host on device d (sp's innermost
 * strides weigh strided operands): the policy is on, d's buffers
 * are host memory on the host's cores, the host loops cover every
 * operation and dtype, and the work fits the limit (nda/host_eval.h) or is
 * mostly registered SIMD math (any size). */
bool nda_host_eval_accepts(const nda_device *d, const nda_fused_spec *s, const nda_space *sp,
                           int64_t n);

/* Whether a copy or fill of n elements should run on the host of device d:
 * the policy is on, d's memory is host memory, 2 work units per element
 * fit the limit, and nothing is queued (a driver command would then cost a
 * queue round trip that the host loop does not; behind queued work the
 * driver's command pipelines, and a host loop would wait for the queue). */
bool nda_host_eval_small_copy(const nda_device *d, int64_t n);

/* Runs spec s over space sp (operand 0: dst, k + 1: leaves[k]; scalar
 * values scalars[k] in the compute type of s->scalar_dtype[k]), only after
 * nda_host_eval_accepts: a store writes dst's elements; a fold (s->reduce)
 * writes one value into dst's first element (dst->dtype = s->out_dtype, at
 * offset 0), as the kernels' one-group reduction does. Maps every buffer
 * first, which waits for the device's queue: every earlier command's
 * writes are visible and no later one starts before this returns (the
 * library lock is held). */
int nda_host_eval_run(nda_device *d, const nda_fused_spec *s, const nda_array *const *leaves,
                      const void *const *scalars, const nda_space *sp, nda_array *dst);

#endif
