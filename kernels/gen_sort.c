#include "kernels/gen_sort.h"

#include <stdio.h>

#include "kernels/dialect.h"
#include "kernels/ops.h"
#include "nda/error.h"

void nda_sort_key(const nda_sort_spec *s, char *buf, size_t len)
{
    snprintf(buf, len, "sort:v1:%c:%c:%d:%c", s->mode, nda_dtype_char(s->key), s->with_index,
             s->idx64 ? 'L' : 'I');
}

/* NDA_LT(p, q): p sorts strictly before q (stored values), NumPy's order. */
static void emit_less(nda_strbuf *src, nda_dtype t)
{
    switch (nda_dtype_kind(t)) {
    case NDA_KIND_COMPLEX:
        /* npysort's complex LT: by real part, then imaginary; NaNs last in each. */
        nda_strbuf_printf(src,
                          "NDA_FUNC int nda_lt(%s a, %s b)\n{\n"
                          "  if (a.x < b.x) return a.y == a.y || b.y != b.y;\n"
                          "  if (a.x > b.x) return b.y != b.y && a.y == a.y;\n"
                          "  if (a.x == b.x || (a.x != a.x && b.x != b.x)) return a.y < b.y || (b.y != b.y && a.y == a.y);\n"
                          "  return b.x != b.x;\n}\n"
                          "#define NDA_LT(p, q) nda_lt(p, q)\n",
                          nda_type_storage(t), nda_type_storage(t));
        break;
    case NDA_KIND_FLOAT:
        if (t == NDA_FLOAT16)
            nda_strbuf_puts(src, "NDA_FUNC int nda_lt(float a, float b) { return a < b || (b != b && a == a); }\n"
                                 "#define NDA_LT(p, q) nda_lt(nda_h2f(p), nda_h2f(q))\n");
        else
            nda_strbuf_printf(src, "NDA_FUNC int nda_lt(%s a, %s b) { return a < b || (b != b && a == a); }\n"
                                   "#define NDA_LT(p, q) nda_lt(p, q)\n",
                              nda_type_storage(t), nda_type_storage(t));
        break;
    default:
        nda_strbuf_puts(src, "#define NDA_LT(p, q) ((p) < (q))\n");
    }
}

int nda_sort_source(const nda_sort_spec *s, nda_dialect dialect, nda_strbuf *src)
{
    const char *I = s->idx64 ? "nda_i64" : "nda_i32";
    const char *K = nda_type_storage(s->key);
    bool ix = s->with_index;
    nda_dialect_prelude(src, dialect, s->key == NDA_FLOAT64 || s->key == NDA_COMPLEX128);
    emit_less(src, s->key);
    if (s->mode == NDA_SORT_RUNS) {
        nda_strbuf_printf(src,
                          "NDA_KERNEL void " NDA_SORT_KERNEL_NAME "(NDA_GLOBAL %s *okey, NDA_GLOBAL nda_i64 *oidx, "
                          "NDA_GLOBAL const %s *in, %s in_off, %s M, %s K, %s R)\n{\n",
                          K, K, I, I, I, I);
        nda_strbuf_printf(src, "  %s g = (%s)NDA_GLOBAL_ID, nr = (K + R - 1) / R;\n  if (g >= M * nr) return;\n", I, I);
        nda_strbuf_printf(src, "  %s m = g / nr, r0 = (g - m * nr) * R, len = K - r0;\n  if (len > R) len = R;\n", I);
        nda_strbuf_printf(src, "  NDA_GLOBAL %s *k = okey + m * K + r0;\n", K);
        if (ix) nda_strbuf_puts(src, "  NDA_GLOBAL nda_i64 *x = oidx + m * K + r0;\n");
        nda_strbuf_printf(src, "  NDA_GLOBAL const %s *v = in + in_off + m * K + r0;\n", K);
        nda_strbuf_printf(src, "  for (%s i = 0; i < len; i++) {\n    %s key = v[i];\n    %s j = i;\n", I, K, I);
        nda_strbuf_printf(src, "    while (j > 0 && NDA_LT(key, k[j - 1])) { k[j] = k[j - 1];%s j--; }\n",
                          ix ? " x[j] = x[j - 1];" : "");
        nda_strbuf_printf(src, "    k[j] = key;%s\n  }\n}\n", ix ? " x[j] = (nda_i64)(r0 + i);" : "");
    } else {
        nda_strbuf_printf(src,
                          "NDA_KERNEL void " NDA_SORT_KERNEL_NAME "(NDA_GLOBAL %s *okey, NDA_GLOBAL nda_i64 *oidx, "
                          "NDA_GLOBAL const %s *ikey, NDA_GLOBAL const nda_i64 *iidx, %s M, %s K, %s W, %s T)\n{\n",
                          K, K, I, I, I, I);
        nda_strbuf_printf(src, "  %s g = (%s)NDA_GLOBAL_ID, nt = (K + T - 1) / T;\n  if (g >= M * nt) return;\n", I, I);
        nda_strbuf_printf(src, "  %s m = g / nt, p0 = (g - m * nt) * T, p1 = p0 + T;\n  if (p1 > K) p1 = K;\n", I);
        /* The pair of runs holding [p0, p1): A = [a0, a0 + na), B = [a0 + na, a0 + na + nb). */
        nda_strbuf_printf(src, "  %s a0 = p0 / (2 * W) * (2 * W), na = K - a0, nb;\n  if (na > W) na = W;\n", I);
        nda_strbuf_puts(src, "  nb = K - a0 - na;\n  if (nb > W) nb = W;\n");
        nda_strbuf_printf(src, "  NDA_GLOBAL const %s *A = ikey + m * K + a0, *B = A + na;\n", K);
        nda_strbuf_printf(src, "  %s d = p0 - a0, lo = d > nb ? d - nb : 0, hi = d < na ? d : na;\n", I);
        nda_strbuf_printf(src, "  while (lo < hi) {\n    %s mid = lo + (hi - lo) / 2;\n", I);
        nda_strbuf_puts(src, "    if (!NDA_LT(B[d - mid - 1], A[mid])) lo = mid + 1; else hi = mid;\n  }\n");
        nda_strbuf_printf(src, "  %s i = lo, j = d - lo;\n", I);
        if (ix) nda_strbuf_puts(src, "  NDA_GLOBAL const nda_i64 *XA = iidx + m * K + a0, *XB = XA + na;\n");
        nda_strbuf_printf(src, "  for (%s p = p0; p < p1; p++) {\n", I);
        nda_strbuf_puts(src, "    if (j >= nb || (i < na && !NDA_LT(B[j], A[i]))) {\n");
        nda_strbuf_printf(src, "      okey[m * K + p] = A[i];%s i++;\n", ix ? " oidx[m * K + p] = XA[i];" : "");
        nda_strbuf_printf(src, "    } else {\n      okey[m * K + p] = B[j];%s j++;\n    }\n  }\n}\n",
                          ix ? " oidx[m * K + p] = XB[j];" : "");
    }
    return nda_strbuf_status(src);
}
