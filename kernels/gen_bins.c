#include "kernels/gen_bins.h"

#include <stdio.h>

#include "kernels/dialect.h"
#include "kernels/ops.h"
#include "nda/error.h"

void nda_bins_key(const nda_bins_spec *s, char *buf, size_t len)
{
    if (s->mode == NDA_BINS_COUNT)
        snprintf(buf, len, "bins:v1:C:%d%d:%c", s->weighted, s->strided, s->idx64 ? 'L' : 'I');
    else
        snprintf(buf, len, "bins:v1:S:%c:%d:%c", nda_dtype_char(s->key), s->right, s->idx64 ? 'L' : 'I');
}

static int count_source(const nda_bins_spec *s, const char *I, nda_strbuf *src)
{
    const char *A = s->weighted ? "double" : "nda_i64";
    nda_strbuf_printf(src,
                      "NDA_KERNEL void " NDA_BINS_KERNEL_NAME "(NDA_GLOBAL %s *part, NDA_GLOBAL const nda_i64 *idx, "
                      "%s idx_off, NDA_GLOBAL const %s *w, %s w_off, %s n, %s nbins, %s C, %s P)\n{\n",
                      A, I, A, I, I, I, I, I);
    nda_strbuf_printf(src, "  %s g = (%s)NDA_GLOBAL_ID;\n  if (g >= P) return;\n", I, I);
    nda_strbuf_printf(src, "  NDA_GLOBAL %s *h = part + g * nbins;\n", A);
    nda_strbuf_printf(src, "  for (%s b = 0; b < nbins; b++) h[b] = 0;\n", I);
    if (s->strided)
        nda_strbuf_printf(src, "  for (%s q = g; q < n; q += P) {\n", I);
    else
        nda_strbuf_printf(src, "  %s e = g * C + C;\n  if (e > n) e = n;\n  for (%s q = g * C; q < e; q++) {\n", I, I);
    nda_strbuf_puts(src, "    nda_i64 b = idx[idx_off + q];\n");
    nda_strbuf_printf(src, "    if (b >= 0 && b < (nda_i64)nbins) h[b] += %s;\n  }\n}\n",
                      s->weighted ? "w[w_off + q]" : "1");
    return NDA_OK;
}

static int search_source(const nda_bins_spec *s, const char *I, nda_strbuf *src)
{
    nda_kind k = nda_dtype_kind(s->key);
    if (k != NDA_KIND_INT && k != NDA_KIND_UINT && k != NDA_KIND_FLOAT)
        return nda_error_set(NDA_ETYPE, "searchsorted kernel: no key of dtype %s", nda_dtype_name(s->key));
    const char *T = nda_type_compute(s->key);
    nda_strbuf la, lv;
    nda_strbuf_init(&la);
    nda_strbuf_init(&lv);
    nda_emit_load_value(&la, s->key, "a[a_off + mid]");
    nda_emit_load_value(&lv, s->key, "v[v_off + j]");
    int rc = nda_strbuf_status(&la);
    if (rc == NDA_OK) rc = nda_strbuf_status(&lv);
    if (rc != NDA_OK) {
        nda_strbuf_free(&la);
        nda_strbuf_free(&lv);
        return rc;
    }
    /* NumPy's sort order: a NaN compares after every number. */
    if (k == NDA_KIND_FLOAT)
        nda_strbuf_puts(src, "#define NDA_LT(p, q) ((p) < (q) || ((q) != (q) && (p) == (p)))\n");
    else
        nda_strbuf_puts(src, "#define NDA_LT(p, q) ((p) < (q))\n");
    nda_strbuf_printf(src,
                      "NDA_KERNEL void " NDA_BINS_KERNEL_NAME "(NDA_GLOBAL nda_i64 *out, NDA_GLOBAL const %s *a, "
                      "%s a_off, NDA_GLOBAL const %s *v, %s v_off, %s n, %s m)\n{\n",
                      nda_type_storage(s->key), I, nda_type_storage(s->key), I, I, I);
    nda_strbuf_printf(src, "  %s j = (%s)NDA_GLOBAL_ID;\n  if (j >= m) return;\n", I, I);
    nda_strbuf_printf(src, "  %s x = %s;\n  %s lo = 0, hi = n;\n", T, lv.data ? lv.data : "", I);
    nda_strbuf_printf(src, "  while (lo < hi) {\n    %s mid = lo + (hi - lo) / 2;\n    %s y = %s;\n", I, T,
                      la.data ? la.data : "");
    nda_strbuf_printf(src, "    if (%s) lo = mid + 1; else hi = mid;\n  }\n  out[j] = (nda_i64)lo;\n}\n",
                      s->right ? "!NDA_LT(x, y)" : "NDA_LT(y, x)");
    nda_strbuf_free(&la);
    nda_strbuf_free(&lv);
    return NDA_OK;
}

int nda_bins_source(const nda_bins_spec *s, nda_dialect dialect, nda_strbuf *src)
{
    const char *I = s->idx64 ? "nda_i64" : "nda_i32";
    bool fp64 = s->mode == NDA_BINS_COUNT ? s->weighted : s->key == NDA_FLOAT64;
    nda_dialect_prelude(src, dialect, fp64);
    int rc = s->mode == NDA_BINS_COUNT ? count_source(s, I, src) : search_source(s, I, src);
    return rc != NDA_OK ? rc : nda_strbuf_status(src);
}
