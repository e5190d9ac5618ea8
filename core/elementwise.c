/* One elementwise operation stored into an array (an expression node run
 * by core/fused_exec.c), and scalars as kernel arguments. */
#include "core/elementwise.h"

#include <string.h>

#include "core/expr.h"
#include "nda/error.h"

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
