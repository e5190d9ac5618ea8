/* Elementwise execution: broadcast strides, coalesce axes, choose index
 * width and layout class, fetch the kernel, launch. */
#include "core/elementwise.h"

#include <stdlib.h>
#include <string.h>

#include "core/device_internal.h"
#include "kernels/gen_elementwise.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"

#define MAXOPS 3 /* output + 2 inputs */

size_t nda_launch_local_size(nda_device *d)
{
    size_t ls = 256;
    while (d->info.max_work_group_size && ls > d->info.max_work_group_size) ls /= 2;
    return ls ? ls : 1;
}

/* The iteration space after coalescing: shape and per-operand element
 * strides, outermost first. */
typedef struct space {
    int rank;
    int64_t shape[NDA_MAXDIMS];
    int64_t st[MAXOPS][NDA_MAXDIMS];
} space;

/* Drops unit axes and merges (d, d+1) when every operand is contiguous
 * across them (NumPy's nditer coalescing). */
static void coalesce(space *s, int nops)
{
    int r = 0;
    for (int d = 0; d < s->rank; d++) {
        if (s->shape[d] == 1) continue;
        s->shape[r] = s->shape[d];
        for (int k = 0; k < nops; k++) s->st[k][r] = s->st[k][d];
        r++;
    }
    s->rank = r;
    if (r == 0) return;
    int w = 0;
    for (int d = 1; d < s->rank; d++) {
        bool merge = true;
        for (int k = 0; k < nops && merge; k++)
            merge = s->st[k][w] == s->st[k][d] * s->shape[d];
        if (merge) {
            s->shape[w] *= s->shape[d];
            for (int k = 0; k < nops; k++) s->st[k][w] = s->st[k][d];
        } else {
            w++;
            s->shape[w] = s->shape[d];
            for (int k = 0; k < nops; k++) s->st[k][w] = s->st[k][d];
        }
    }
    s->rank = w + 1;
}

static int ew_source(const void *ctx, nda_dialect dialect, nda_strbuf *src)
{
    return nda_ew_source((const nda_ew_spec *)ctx, dialect, src);
}

/* Element offset range reachable in the space from base offset `off`. */
static void reach(const space *s, int k, int64_t off, int64_t *lo, int64_t *hi)
{
    *lo = *hi = off;
    for (int d = 0; d < s->rank; d++) {
        int64_t span = (s->shape[d] - 1) * s->st[k][d];
        if (span < 0) *lo += span; else *hi += span;
    }
}

typedef struct argpack {
    nda_kernel_arg a[64 + MAXOPS * NDA_KERNEL_MAXRANK + NDA_KERNEL_MAXRANK];
    int64_t v64[64 + MAXOPS * NDA_KERNEL_MAXRANK + NDA_KERNEL_MAXRANK];
    int32_t v32[64 + MAXOPS * NDA_KERNEL_MAXRANK + NDA_KERNEL_MAXRANK];
    int n;
    bool idx64;
} argpack;

static void arg_buffer(argpack *p, void *handle)
{
    p->a[p->n] = (nda_kernel_arg){NDA_ARG_BUFFER, sizeof(void *), handle};
    p->n++;
}

static void arg_index(argpack *p, int64_t v)
{
    if (p->idx64) {
        p->v64[p->n] = v;
        p->a[p->n] = (nda_kernel_arg){NDA_ARG_SCALAR, 8, &p->v64[p->n]};
    } else {
        p->v32[p->n] = (int32_t)v;
        p->a[p->n] = (nda_kernel_arg){NDA_ARG_SCALAR, 4, &p->v32[p->n]};
    }
    p->n++;
}

static void arg_bytes(argpack *p, const void *v, size_t size)
{
    p->a[p->n] = (nda_kernel_arg){NDA_ARG_SCALAR, size, v};
    p->n++;
}

int nda_ew_execute(nda_op op, int nin, const nda_dtype *loop_in, nda_dtype loop_out,
                   const nda_ew_input *in, nda_array *out)
{
    nda_device *d = out->buffer->device;
    const nda_array *arrays[MAXOPS] = {out, NULL, NULL};
    int64_t base[MAXOPS] = {0};
    space s;
    int rc;
    int64_t n = nda_array_size(out);
    if (n == 0) return NDA_OK;
    if (!d->info.has_fp64) {
        for (int k = 0; k <= nin; k++) {
            nda_dtype t = k == 0 ? out->dtype : (in[k - 1].array ? in[k - 1].array->dtype : loop_in[k - 1]);
            nda_dtype lt = k == 0 ? loop_out : loop_in[k - 1];
            if (t == NDA_FLOAT64 || t == NDA_COMPLEX128 || lt == NDA_FLOAT64 || lt == NDA_COMPLEX128)
                return nda_error_set(NDA_ETYPE, "device %s (%s) does not support float64", d->id, d->info.name);
        }
    }

    s.rank = out->ndim;
    memcpy(s.shape, out->shape, sizeof(int64_t) * (size_t)out->ndim);
    for (int k = 0; k <= nin; k++) {
        const nda_array *a = k == 0 ? out : in[k - 1].array;
        arrays[k] = a;
        if (!a) {
            for (int dd = 0; dd < s.rank; dd++) s.st[k][dd] = 0;
            continue;
        }
        int64_t bst[NDA_MAXDIMS];
        rc = nda_broadcast_strides(a, out->ndim, out->shape, bst);
        if (rc != NDA_OK) return rc;
        int64_t isz = (int64_t)nda_dtype_itemsize(a->dtype);
        if (a->offset % (size_t)isz)
            return nda_error_set(NDA_EVALUE, "misaligned array offset");
        base[k] = (int64_t)a->offset / isz;
        for (int dd = 0; dd < s.rank; dd++) {
            if (bst[dd] % isz) return nda_error_set(NDA_EVALUE, "misaligned array strides");
            s.st[k][dd] = bst[dd] / isz;
        }
    }
    coalesce(&s, nin + 1);
    if (s.rank == 0) {
        s.rank = 1;
        s.shape[0] = 1;
        for (int k = 0; k <= nin; k++) s.st[k][0] = 0;
    }

    /* Ranks beyond what a kernel takes: loop over the outer axes here. */
    int outer = s.rank > NDA_KERNEL_MAXRANK ? s.rank - NDA_KERNEL_MAXRANK : 0;
    space inner = s;
    inner.rank = s.rank - outer;
    memmove(inner.shape, s.shape + outer, sizeof(int64_t) * (size_t)inner.rank);
    for (int k = 0; k <= nin; k++) memmove(inner.st[k], s.st[k] + outer, sizeof(int64_t) * (size_t)inner.rank);
    int64_t inner_n = 1;
    for (int dd = 0; dd < inner.rank; dd++) inner_n *= inner.shape[dd];

    nda_ew_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.op = op;
    spec.nin = nin;
    spec.loop_out = loop_out;
    spec.out_dtype = out->dtype;
    spec.rank = inner.rank;
    bool idx64 = inner_n >= INT32_MAX;
    for (int k = 0; k <= nin; k++) {
        if (k > 0) {
            spec.loop_in[k - 1] = loop_in[k - 1];
            spec.in_scalar[k - 1] = in[k - 1].array == NULL;
            spec.in_dtype[k - 1] = in[k - 1].array ? in[k - 1].array->dtype : loop_in[k - 1];
        }
        bool zero = true;
        for (int dd = 0; dd < inner.rank; dd++) zero = zero && inner.st[k][dd] == 0;
        if (zero) spec.layout[k] = NDA_LAYOUT_ZERO;
        else if (inner.rank == 1 && inner.st[k][0] == 1) spec.layout[k] = NDA_LAYOUT_CONTIG;
        else spec.layout[k] = NDA_LAYOUT_STRIDED;
        if (arrays[k]) {
            int64_t lo, hi;
            reach(&s, k, base[k], &lo, &hi);
            if (lo < INT32_MIN / 2 || hi >= INT32_MAX / 2) idx64 = true;
        }
    }
    spec.idx64 = idx64;

    char key[256];
    nda_ew_spec_key(&spec, key, sizeof key);
    void *kernel;
    rc = nda_kernel_get(d, key, ew_source, &spec, NDA_EW_KERNEL_NAME, &kernel);
    if (rc != NDA_OK) return rc;

    size_t ls = nda_launch_local_size(d);
    size_t global = ((size_t)inner_n + ls - 1) / ls * ls;
    int64_t ocount = 1;
    for (int dd = 0; dd < outer; dd++) ocount *= s.shape[dd];
    for (int64_t oi = 0; oi < ocount; oi++) {
        int64_t off[MAXOPS];
        for (int k = 0; k <= nin; k++) off[k] = base[k];
        int64_t r = oi;
        for (int dd = outer - 1; dd >= 0; dd--) {
            int64_t c = r % s.shape[dd];
            r /= s.shape[dd];
            for (int k = 0; k <= nin; k++) off[k] += c * s.st[k][dd];
        }
        argpack *p = malloc(sizeof *p);
        if (!p) return nda_error_set(NDA_ENOMEM, "out of host memory");
        p->n = 0;
        p->idx64 = idx64;
        arg_buffer(p, out->buffer->handle);
        arg_index(p, off[0]);
        for (int k = 0; k < nin; k++) {
            if (in[k].array) {
                arg_buffer(p, in[k].array->buffer->handle);
                arg_index(p, off[k + 1]);
            } else {
                arg_bytes(p, in[k].value, in[k].value_size);
            }
        }
        arg_index(p, inner_n);
        if (inner.rank > 1)
            for (int dd = 0; dd < inner.rank; dd++) arg_index(p, inner.shape[dd]);
        for (int k = 0; k <= nin; k++) {
            if (spec.layout[k] != NDA_LAYOUT_STRIDED) continue;
            for (int dd = 0; dd < inner.rank; dd++) arg_index(p, inner.st[k][dd]);
        }
        rc = d->ops->launch(d->local_index, kernel, global, ls, p->n, p->a);
        free(p);
        if (rc != NDA_OK) return rc;
    }
    return NDA_OK;
}

void nda_scalar_to_arg(const nda_scalar *s, nda_dtype as, nda_dtype t, nda_ew_input *in)
{
    unsigned char tmp[16];
    nda_scalar exact;
    nda_scalar_store(s, as, tmp);
    nda_scalar_load(as, tmp, &exact);
    in->array = NULL;
    memset(in->value, 0, sizeof in->value);
    if (t == NDA_FLOAT16) {
        uint16_t h;
        nda_scalar_store(&exact, NDA_FLOAT16, &h);
        float f = nda_half_to_float(h);
        memcpy(in->value, &f, 4);
        in->value_size = 4;
        return;
    }
    nda_scalar_store(&exact, t, in->value);
    in->value_size = nda_dtype_itemsize(t);
}
