/* The neutral kernel dialect. Generated source uses only these names; a
 * short prelude per backend maps them to OpenCL C or CUDA C++:
 *   NDA_KERNEL, NDA_GLOBAL, NDA_LOCAL, NDA_FUNC (helper function qualifier),
 *   NDA_GLOBAL_ID, NDA_LOCAL_ID, NDA_GROUP_ID, NDA_LOCAL_SIZE, NDA_BARRIER,
 *   NDA_LOCAL_ARRAY(type, name, n),
 *   integer types nda_bool nda_i8 nda_u8 nda_i16 nda_u16 nda_i32 nda_u32
 *   nda_i64 nda_u64, nda_f16s (binary16 storage bits), float, double,
 *   nda_c64 / nda_c128 (.x real, .y imaginary) built with NDA_C64(re, im) /
 *   NDA_C128(re, im), binary16 conversions nda_h2f / nda_f2h / nda_d2h,
 *   and the C math functions (sqrt, exp, log, floor, fmod, pow, fabs,
 *   isnan, isinf, hypot, atan2, copysign, sin, cos). */
#ifndef NDA_DIALECT_H
#define NDA_DIALECT_H

#include <stdbool.h>

#include "kernels/strbuf.h"
#include "nda/backend.h"

/* Appends the prelude. fp64: the kernel uses double (OpenCL enables
 * cl_khr_fp64). */
void nda_dialect_prelude(nda_strbuf *b, nda_dialect dialect, bool fp64);

#endif
