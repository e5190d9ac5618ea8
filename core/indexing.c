/* nda/indexing.h: gathers as lazy expression nodes, scatters as one fused
 * store at computed offsets, with the write-after-read protocol of every
 * write (pending readers of the destination first). */
#include "nda/indexing.h"

#include "core/elementwise.h"
#include "core/expr.h"
#include "nda/error.h"

static int check_inputs(const char *what, const nda_array *a, const nda_array *offsets)
{
    if (offsets->dtype != NDA_INT64) return nda_error_set(NDA_ETYPE, "%s offsets must be int64", what);
    if (offsets->device != a->device)
        return nda_error_set(NDA_EVALUE, "arrays are on different devices (%s and %s)",
                             nda_device_id(a->device), nda_device_id(offsets->device));
    return NDA_OK;
}

int nda_array_gather(const nda_array *src, const nda_array *offsets, nda_array **out)
{
    int rc = check_inputs("gather", src, offsets);
    if (rc != NDA_OK) return rc;
    nda_expr *oe = NULL, *node = NULL;
    rc = nda_expr_operand(offsets, &oe);
    if (rc == NDA_OK) rc = nda_expr_gather(src, oe, &node);
    if (rc == NDA_OK) rc = nda_lazy_array(src->device, node, out);
    nda_expr_decref(node);
    nda_expr_decref(oe);
    return rc;
}

int nda_array_roll(const nda_array *src, const int64_t *shift, nda_array **out)
{
    int64_t start[NDA_MAXDIMS];
    bool any = false;
    for (int i = 0; i < src->ndim; i++) {
        if (src->shape[i] == 0) return nda_error_set(NDA_EVALUE, "roll of an empty array");
        /* element c reads c - shift, i.e. c + start with start = -shift mod n */
        int64_t r = shift[i] % src->shape[i];
        start[i] = r > 0 ? src->shape[i] - r : -r;
        any = any || start[i] != 0;
    }
    int rc = nda_lazy_materialize(src);
    if (rc != NDA_OK) return rc;
    nda_expr *leaf = NULL;
    /* no shift: a pending copy */
    rc = any ? nda_expr_rolled_leaf(src, start, &leaf) : nda_expr_leaf(src, &leaf);
    if (rc == NDA_OK) rc = nda_lazy_array(src->device, leaf, out);
    nda_expr_decref(leaf);
    return rc;
}

/* The expression a scatter writes: the value array's (pending ones inline),
 * or the scalar rounded to dst's dtype. */
static int value_expr(const nda_array *dst, const nda_operand *value, nda_expr **out)
{
    if (value->array) return nda_expr_operand(value->array, out);
    nda_ew_input in;
    nda_scalar_to_arg(&value->scalar, dst->dtype, dst->dtype, &in);
    return nda_expr_scalar(dst->dtype, in.value, in.value_size, out);
}

/* Replaces *x by a leaf of its computed values when it reads buffer b:
 * scattered writes may land anywhere in b. */
static int detach_from(nda_device *d, const nda_buffer *b, nda_expr **x)
{
    if ((*x)->kind == NDA_EX_SCALAR || !nda_expr_reads(*x, b)) return NDA_OK;
    nda_array *tmp = NULL;
    int rc = nda_lazy_array(d, *x, &tmp);
    if (rc == NDA_OK) rc = nda_lazy_materialize(tmp);
    if (rc == NDA_OK) {
        nda_expr_decref(*x);
        *x = NULL;
        rc = nda_expr_leaf(tmp, x);
    }
    nda_array_free(tmp);
    return rc;
}

int nda_array_scatter(nda_array *dst, const nda_array *offsets, const nda_operand *value)
{
    int rc = check_inputs("scatter", dst, offsets);
    if (rc == NDA_OK && value->array && value->array->device != dst->device)
        rc = nda_error_set(NDA_EVALUE, "arrays are on different devices (%s and %s)",
                           nda_device_id(dst->device), nda_device_id(value->array->device));
    if (rc == NDA_OK) rc = nda_array_materialize(dst);
    if (rc == NDA_OK) rc = nda_array_flush_readers(dst);
    if (rc != NDA_OK) return rc;
    nda_expr *ve = NULL, *oe = NULL;
    rc = value_expr(dst, value, &ve);
    if (rc == NDA_OK) rc = nda_expr_operand(offsets, &oe);
    if (rc == NDA_OK) rc = detach_from(dst->device, dst->buffer, &ve);
    if (rc == NDA_OK) rc = detach_from(dst->device, dst->buffer, &oe);
    if (rc == NDA_OK) rc = nda_expr_scatter(ve, oe, dst);
    nda_expr_decref(ve);
    nda_expr_decref(oe);
    return rc;
}
