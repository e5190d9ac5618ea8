#include "kernels/dialect.h"

/* FP_CONTRACT OFF: no fused multiply-add where the source has a multiply
 * and an add (OpenCL C's default is ON), as CUDA's --fmad=false: NumPy
 * rounds each operation. */
static const char OPENCL_PRELUDE[] =
    "#pragma OPENCL FP_CONTRACT OFF\n"
    "#define NDA_KERNEL __kernel\n"
    "#define NDA_GLOBAL __global\n"
    "#define NDA_LOCAL __local\n"
    "#define NDA_FUNC static inline\n"
    "#define NDA_GLOBAL_ID get_global_id(0)\n"
    "#define NDA_LOCAL_ID get_local_id(0)\n"
    "#define NDA_GROUP_ID get_group_id(0)\n"
    "#define NDA_LOCAL_SIZE get_local_size(0)\n"
    "#define NDA_BARRIER barrier(CLK_LOCAL_MEM_FENCE)\n"
    "#define NDA_LOCAL_ARRAY(T, name, n) __local T name[n]\n"
    "typedef uchar nda_bool; typedef char nda_i8; typedef uchar nda_u8;\n"
    "typedef short nda_i16; typedef ushort nda_u16; typedef int nda_i32; typedef uint nda_u32;\n"
    "typedef long nda_i64; typedef ulong nda_u64; typedef ushort nda_f16s;\n"
    "typedef float2 nda_c64;\n"
    "#define NDA_C64(re, im) ((float2)((re), (im)))\n";

static const char OPENCL_FP64[] =
    "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
    "typedef double2 nda_c128;\n"
    "#define NDA_C128(re, im) ((double2)((re), (im)))\n";

static const char CUDA_PRELUDE[] =
    "#define NDA_KERNEL extern \"C\" __global__\n"
    "#define NDA_GLOBAL\n"
    "#define NDA_LOCAL __shared__\n"
    "#define NDA_FUNC static __device__ __forceinline__\n"
    "#define NDA_GLOBAL_ID ((size_t)blockIdx.x * blockDim.x + threadIdx.x)\n"
    "#define NDA_LOCAL_ID ((size_t)threadIdx.x)\n"
    "#define NDA_GROUP_ID ((size_t)blockIdx.x)\n"
    "#define NDA_LOCAL_SIZE ((size_t)blockDim.x)\n"
    "#define NDA_BARRIER __syncthreads()\n"
    "#define NDA_LOCAL_ARRAY(T, name, n) __shared__ T name[n]\n"
    "typedef unsigned char nda_bool; typedef signed char nda_i8; typedef unsigned char nda_u8;\n"
    "typedef short nda_i16; typedef unsigned short nda_u16; typedef int nda_i32;\n"
    "typedef unsigned int nda_u32; typedef long long nda_i64; typedef unsigned long long nda_u64;\n"
    "typedef unsigned short nda_f16s;\n"
    "typedef float2 nda_c64; typedef double2 nda_c128;\n"
    "#define NDA_C64(re, im) make_float2((re), (im))\n"
    "#define NDA_C128(re, im) make_double2((re), (im))\n"
    "#ifndef INFINITY\n#define INFINITY __int_as_float(0x7f800000)\n#endif\n"
    "#ifndef NAN\n#define NAN __int_as_float(0x7fc00000)\n#endif\n";

/* binary16 <-> float/double with round-to-nearest-even, integer bit
 * manipulation only (no fp16 hardware or extension needed). */
static const char HALF_FUNCS[] =
    "NDA_FUNC float nda_h2f(nda_f16s h) {\n"
    "  uint s = ((uint)h & 0x8000u) << 16, e = ((uint)h >> 10) & 0x1fu, m = (uint)h & 0x3ffu, b;\n"
    "  if (e == 0u) {\n"
    "    if (m == 0u) { b = s; } else {\n"
    "      int sh = 0; while (!(m & 0x400u)) { m <<= 1; sh++; }\n"
    "      b = s | ((uint)(113 - sh) << 23) | ((m & 0x3ffu) << 13); }\n"
    "  } else if (e == 31u) { b = s | 0x7f800000u | (m << 13); }\n"
    "  else { b = s | ((e + 112u) << 23) | (m << 13); }\n"
    "  return NDA_AS_FLOAT(b);\n"
    "}\n"
    "NDA_FUNC nda_f16s nda_f2h(float f) {\n"
    "  uint x = NDA_AS_UINT(f);\n"
    "  uint s = (x >> 16) & 0x8000u, e = (x >> 23) & 0xffu, m = x & 0x7fffffu;\n"
    "  if (e == 255u) return (nda_f16s)(s | 0x7c00u | (m ? (0x200u | (m >> 13)) : 0u));\n"
    "  int he = (int)e - 112;\n"
    "  if (he >= 31) return (nda_f16s)(s | 0x7c00u);\n"
    "  if (he <= 0) {\n"
    "    if (he < -10) return (nda_f16s)s;\n"
    "    m |= 0x800000u; uint sh = (uint)(14 - he);\n"
    "    uint h = m >> sh, rem = m & ((1u << sh) - 1u), tie = 1u << (sh - 1u);\n"
    "    if (rem > tie || (rem == tie && (h & 1u))) h++;\n"
    "    return (nda_f16s)(s | h);\n"
    "  }\n"
    "  uint h = ((uint)he << 10) | (m >> 13), rem = m & 0x1fffu;\n"
    "  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++;\n"
    "  return (nda_f16s)(s | h);\n"
    "}\n";

static const char HALF_FROM_DOUBLE[] =
    "NDA_FUNC nda_f16s nda_d2h(double d) {\n"
    "  nda_u64 x = NDA_AS_U64(d);\n"
    "  uint s = (uint)(x >> 48) & 0x8000u; nda_u64 e = (x >> 52) & 0x7ffUL, m = x & 0xfffffffffffffUL;\n"
    "  if (e == 0x7ffUL) return (nda_f16s)(s | 0x7c00u | (m ? (0x200u | (uint)(m >> 42)) : 0u));\n"
    "  long he = (long)e - 1008;\n"
    "  if (he >= 31) return (nda_f16s)(s | 0x7c00u);\n"
    "  if (he <= 0) {\n"
    "    if (he < -10) return (nda_f16s)s;\n"
    "    m |= 0x10000000000000UL; uint sh = (uint)(43 - he);\n"
    "    nda_u64 h = m >> sh, rem = m & ((1UL << sh) - 1UL), tie = 1UL << (sh - 1u);\n"
    "    if (rem > tie || (rem == tie && (h & 1UL))) h++;\n"
    "    return (nda_f16s)(s | (uint)h);\n"
    "  }\n"
    "  nda_u64 h = ((nda_u64)he << 10) | (m >> 42), rem = m & 0x3ffffffffffUL;\n"
    "  if (rem > 0x20000000000UL || (rem == 0x20000000000UL && (h & 1UL))) h++;\n"
    "  return (nda_f16s)(s | (uint)h);\n"
    "}\n";

void nda_dialect_prelude(nda_strbuf *b, nda_dialect dialect, bool fp64)
{
    if (dialect == NDA_DIALECT_CUDA) {
        nda_strbuf_puts(b, CUDA_PRELUDE);
        nda_strbuf_puts(b, "typedef unsigned int uint;\n"
                           "#define NDA_AS_FLOAT(u) __uint_as_float(u)\n"
                           "#define NDA_AS_UINT(f) __float_as_uint(f)\n"
                           "#define NDA_AS_U64(d) ((nda_u64)__double_as_longlong(d))\n"
                           "#define NDA_AS_F64(u) __longlong_as_double((long long)(u))\n");
    } else {
        nda_strbuf_puts(b, OPENCL_PRELUDE);
        if (fp64) nda_strbuf_puts(b, OPENCL_FP64);
        if (fp64) nda_strbuf_puts(b, "#define NDA_AS_F64(u) as_double(u)\n");
        nda_strbuf_puts(b, "#define NDA_AS_FLOAT(u) as_float(u)\n"
                           "#define NDA_AS_UINT(f) as_uint(f)\n"
                           "#define NDA_AS_U64(d) as_ulong(d)\n");
    }
    nda_strbuf_puts(b, HALF_FUNCS);
    if (fp64) nda_strbuf_puts(b, HALF_FROM_DOUBLE);
}
