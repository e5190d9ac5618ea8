#include "host_nonzero_loops.h"

#include <stdlib.h>
#include <string.h>

#include "host_reduce_loops.h"
#include "nda/host_threads.h"

/* Below this many elements one thread does all (waking a helper costs more). */
enum { NZ_PARALLEL_MIN = 262144, NZ_MAX_PIECES = 64 };

struct ndapy_nonzero {
    nda_dtype t;
    int ndim;
    int64_t shape[NDA_MAXDIMS];
    const char *data;
    size_t itemsize;
    int64_t n, npieces, step;   /* elements; pieces of `step` (the last shorter) */
    int threads;
    int64_t count[NZ_MAX_PIECES]; /* nonzero elements per piece */
    int64_t first[NZ_MAX_PIECES]; /* each piece's first output slot */
    int64_t *const *out;
};

static void count_task(void *ctx, int64_t k)
{
    ndapy_nonzero *z = ctx;
    int64_t lo = k * z->step, n = z->n - lo < z->step ? z->n - lo : z->step;
    z->count[k] = (int64_t)ndapy_count_nonzero(z->t, z->data + (size_t)lo * z->itemsize, n);
}

/* Whether element i is nonzero (bits for bool and integers, values for floats). */
static int is_nonzero(const ndapy_nonzero *z, int64_t i)
{
    const char *p = z->data + (size_t)i * z->itemsize;
    switch (z->t) {
    case NDA_FLOAT32: { float v; memcpy(&v, p, 4); return v != 0; }
    case NDA_FLOAT64: { double v; memcpy(&v, p, 8); return v != 0; }
    default: {
        uint64_t v = 0;
        memcpy(&v, p, z->itemsize);
        return v != 0;
    }
    }
}

/* One run along the last axis, elements [j0, j0 + len) of the row whose other
 * coordinates are coord[0 .. ndim - 2], starting at a: every element writes
 * its coordinates at slot k, which advances past the nonzero ones only (no
 * branch). The caller stops each piece after its last nonzero element, so
 * no write lands past the piece's slots. */
#define RUN(NAME, T)                                                                     \
    static int64_t NAME(const T *a, int64_t j0, int64_t len, int64_t k,                 \
                        const int64_t *coord, int ndim, int64_t *const *out)             \
    {                                                                                    \
        int64_t *last = out[ndim - 1];                                                   \
        if (ndim == 1) {                                                                 \
            for (int64_t i = 0; i < len; i++) {                                          \
                last[k] = j0 + i;                                                        \
                k += a[i] != 0;                                                          \
            }                                                                            \
        } else if (ndim == 2) {                                                          \
            int64_t *first = out[0], row = coord[0];                                     \
            for (int64_t i = 0; i < len; i++) {                                          \
                first[k] = row;                                                          \
                last[k] = j0 + i;                                                        \
                k += a[i] != 0;                                                          \
            }                                                                            \
        } else {                                                                         \
            for (int64_t i = 0; i < len; i++) {                                          \
                for (int d = 0; d < ndim - 1; d++) out[d][k] = coord[d];                 \
                last[k] = j0 + i;                                                        \
                k += a[i] != 0;                                                          \
            }                                                                            \
        }                                                                                \
        return k;                                                                        \
    }
RUN(run_u8, uint8_t)
RUN(run_u16, uint16_t)
RUN(run_u32, uint32_t)
RUN(run_u64, uint64_t)
RUN(run_f32, float)
RUN(run_f64, double)

static int64_t run(const ndapy_nonzero *z, int64_t at, int64_t j0, int64_t len, int64_t k,
                   const int64_t *coord)
{
    const void *a = z->data + (size_t)at * z->itemsize;
    switch (z->t) {
    case NDA_FLOAT32: return run_f32(a, j0, len, k, coord, z->ndim, z->out);
    case NDA_FLOAT64: return run_f64(a, j0, len, k, coord, z->ndim, z->out);
    default:
        switch (z->itemsize) {
        case 1: return run_u8(a, j0, len, k, coord, z->ndim, z->out);
        case 2: return run_u16(a, j0, len, k, coord, z->ndim, z->out);
        case 4: return run_u32(a, j0, len, k, coord, z->ndim, z->out);
        default: return run_u64(a, j0, len, k, coord, z->ndim, z->out);
        }
    }
}

static void fill_task(void *ctx, int64_t p)
{
    const ndapy_nonzero *z = ctx;
    int64_t lo = p * z->step, hi = z->n - lo < z->step ? z->n : lo + z->step;
    if (z->count[p] == 0)
        return;
    while (!is_nonzero(z, hi - 1)) /* stop after the piece's last nonzero */
        hi--;
    int64_t coord[NDA_MAXDIMS], k = z->first[p], inner = z->shape[z->ndim - 1];
    int64_t rest = lo;
    for (int d = z->ndim - 1; d >= 0; d--) { /* lo's coordinates */
        coord[d] = rest % z->shape[d];
        rest /= z->shape[d];
    }
    for (int64_t i = lo; i < hi;) {
        int64_t len = inner - coord[z->ndim - 1];
        if (len > hi - i)
            len = hi - i;
        k = run(z, i, coord[z->ndim - 1], len, k, coord);
        i += len;
        coord[z->ndim - 1] += len;
        for (int d = z->ndim - 1; d > 0 && coord[d] == z->shape[d]; d--) {
            coord[d] = 0;
            coord[d - 1]++;
        }
    }
}

ndapy_nonzero *ndapy_nonzero_count(nda_dtype t, int ndim, const int64_t *shape,
                                   const void *data, int threads)
{
    ndapy_nonzero *z = calloc(1, sizeof *z);
    if (z == NULL)
        return NULL;
    z->t = t;
    z->ndim = ndim;
    z->n = 1;
    for (int d = 0; d < ndim; d++) {
        z->shape[d] = shape[d];
        z->n *= shape[d];
    }
    z->data = data;
    z->itemsize = nda_dtype_itemsize(t);
    int64_t pieces = 1;
    z->threads = z->n < NZ_PARALLEL_MIN ? 1 : threads;
    if (z->threads > 1) {
        pieces = (int64_t)z->threads * 4;
        if (pieces > NZ_MAX_PIECES)
            pieces = NZ_MAX_PIECES;
    }
    int64_t line = 64 / (int64_t)z->itemsize;
    z->step = ((z->n + pieces - 1) / pieces + line - 1) / line * line;
    z->npieces = (z->n + z->step - 1) / z->step;
    nda_host_parallel_for(count_task, z, z->npieces, z->threads);
    return z;
}

void ndapy_nonzero_rebase(ndapy_nonzero *z, const void *data)
{
    z->data = data;
}

int64_t ndapy_nonzero_total(const ndapy_nonzero *z)
{
    int64_t total = 0;
    for (int64_t p = 0; p < z->npieces; p++) total += z->count[p];
    return total;
}

void ndapy_nonzero_fill(ndapy_nonzero *z, int64_t *const *out)
{
    int64_t slot = 0;
    for (int64_t p = 0; p < z->npieces; p++) {
        z->first[p] = slot;
        slot += z->count[p];
    }
    z->out = out;
    nda_host_parallel_for(fill_task, z, z->npieces, z->threads);
}

void ndapy_nonzero_free(ndapy_nonzero *z)
{
    free(z);
}
