/* Elementwise execution: broadcast strides, coalesce axes, choose index
 * width and layout class, fetch the kernel, launch. */
#include "core/elementwise.h"

#include <stdlib.h>
#include <string.h>

#include "core/device_internal.h"
#include "core/expr.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"


size_t nda_launch_local_size(nda_device *d)
{
    /* Fixed per device so each kernel compiles for one work-group size
     * (PoCL recompiles per size; leaving it to the runtime picks 1 for
     * prime sizes). With row chunking (nda_row_chunk), 256 was as fast as
     * or faster than 4096 on PoCL (Laplace 1024^2 and 4096^2, 2 cores). */
    static size_t override = (size_t)-1;
    if (override == (size_t)-1) {
        const char *env = getenv("NDACCEL_LOCAL_SIZE");
        override = env && atoi(env) > 0 ? (size_t)atoi(env) : 0;
    }
    size_t ls = override ? override : 256;
    while (d->info.max_work_group_size && ls > d->info.max_work_group_size) ls /= 2;
    return ls ? ls : 1;
}

int nda_row_chunk(nda_device *d)
{
    static int override = -1;
    if (override < 0) {
        const char *env = getenv("NDACCEL_ROW_CHUNK");
        override = env && atoi(env) > 0 ? atoi(env) : 0;
    }
    (void)d;
    /* Measured on PoCL, Laplace 1024^2/4096^2: 256 >= 64 >= 16. */
    return override ? override : 256;
}

size_t nda_reduce_local_size(nda_device *d)
{
    size_t ls = 256;
    while (d->info.max_work_group_size && ls > d->info.max_work_group_size) ls /= 2;
    return ls ? ls : 1;
}

int nda_ew_execute(nda_op op, int nin, const nda_dtype *loop_in, nda_dtype loop_out,
                   const nda_ew_input *in, nda_array *out)
{
    nda_expr *args[2] = {NULL, NULL}, *node = NULL;
    int rc = NDA_OK;
    int nd = out->ndim;
    for (int k = 0; k < nin && rc == NDA_OK; k++) {
        if (in[k].array) rc = nda_expr_operand(in[k].array, &args[k]);
        else rc = nda_expr_scalar(loop_in[k], in[k].value, in[k].value_size, &args[k]);
    }
    if (rc == NDA_OK) rc = nda_expr_node(op, nin, loop_in, loop_out, args, nd, out->shape, &node);
    if (rc == NDA_OK) rc = nda_expr_store(node, out);
    nda_expr_decref(node);
    for (int k = 0; k < nin; k++) nda_expr_decref(args[k]);
    return rc;
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
