/* Random-number kernels: Philox4x32-10 (Salmon et al., SC'11) computed on
 * the device, with distributions evaluated in IEEE double using only +, -,
 * *, /, sqrt (correctly rounded on every backend), integer bit operations
 * and no contraction into FMA. The same (key, stream) therefore gives
 * bit-identical values on every backend and device.
 *
 * Work-item b computes the Philox block of counter
 *     (c0, c1, c2, c3) = (lo32(b), hi32(b), lo32(stream), hi32(stream))
 * under key (k0, k1), i.e. the 4 words x0..x3, and writes outputs
 * PER*b .. PER*b + PER - 1 (those < n):
 *   UNIFORM  float64, PER 2: (u64 >> 11) * 2^-53, u64 = x1:x0 then x3:x2
 *            float32, PER 4: (x_j >> 8) * 2^-24
 *   NORMAL   PER 2: Box-Muller on u1 = 1 - (x1:x0 >> 11) 2^-53 in (0, 1] and
 *            t = (x3:x2 >> 11) 2^-53: r = sqrt(-2 log u1), outputs r cos(2 pi t),
 *            r sin(2 pi t) (own log, sin, cos: fdlibm's polynomials)
 *   EXPONENTIAL PER 2: -log(1 - u) for the two float64 uniforms u
 *   INTEGERS PER 2: low + mulhi64(u64, range) (range 0 means 2^64), which
 *            is within range/2^64 of uniform
 *   BITS     PER 2: the raw u64 words (uint64 output)
 * Results of NORMAL / EXPONENTIAL are computed in double and rounded once
 * to float32 for float32 output.
 *
 * Arguments: (out, out_off, n, k0, k1, stream, low, range), with out_off
 * and n in elements (int64), k0, k1 uint32, stream uint64, low int64,
 * range uint64. Launch ceil(n / nda_random_per_item) work-items (rounded up). */
#ifndef NDA_GEN_RANDOM_H
#define NDA_GEN_RANDOM_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/strbuf.h"
#include "nda/backend.h"
#include "nda/dtype.h"

#define NDA_RANDOM_KERNEL_NAME "nda_random"

typedef enum nda_random_dist {
    NDA_RANDOM_UNIFORM = 'U',
    NDA_RANDOM_NORMAL = 'N',
    NDA_RANDOM_EXPONENTIAL = 'E',
    NDA_RANDOM_INTEGERS = 'I',
    NDA_RANDOM_BITS = 'B',
} nda_random_dist;

typedef struct nda_random_spec {
    nda_random_dist dist;
    nda_dtype out_dtype; /* UNIFORM/NORMAL/EXPONENTIAL: float32/64; INTEGERS:
                            bool or an integer type; BITS: uint64 */
    int lanes;           /* 0, or 8 (OpenCL; UNIFORM, INTEGERS, BITS: nda_random_vector):
                            work-item g computes blocks 8g .. 8g + 7 as uint8
                            vectors; the same values as lanes 0 */
} nda_random_spec;

/* NDA_ETYPE when the dtype does not fit the distribution. */
int nda_random_check(const nda_random_spec *s);
/* Whether the distribution has the vector form (lanes = 8). */
bool nda_random_vector(const nda_random_spec *s);
/* Outputs per work-item (PER above, times lanes when lanes > 0). */
int nda_random_per_item(const nda_random_spec *s);
void nda_random_key(const nda_random_spec *s, char *buf, size_t len);
int nda_random_source(const nda_random_spec *s, nda_dialect dialect, nda_strbuf *src);

#endif
