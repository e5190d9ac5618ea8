#include "kernels/fused.h"

#include <stdio.h>

#include "kernels/dialect.h"
#include "nda/error.h"

/* Node evaluations (leaf values v<k> already defined). */
static int emit_nodes(nda_strbuf *b, const nda_fused_spec *s, const char *ind, nda_strbuf *helpers,
                      nda_strbuf *seen, int vec);
static int emit_vector_op(const nda_fused_node *n, const char *V, int vec, const char *const *a,
                          nda_strbuf *e, nda_strbuf *helpers, nda_strbuf *seen);
static void emit_vector_fold(nda_strbuf *src, nda_op op, const char *V, const char *acc,
                             const char *v);
static void emit_vector_run(nda_strbuf *src, const nda_fused_spec *s, const char *I, const char *V,
                            const char *ix, const char *body, const char *res);
static int emit_scalar_folds(nda_strbuf *src, const nda_fused_spec *s, const char *acc,
                             const char *const *xs, int n, nda_strbuf *helpers, nda_strbuf *seen);
/* The lanes of vector accumulator va0. */
static const char *const VA0_LANES[8] = {"va0.s0", "va0.s1", "va0.s2", "va0.s3",
                                         "va0.s4", "va0.s5", "va0.s6", "va0.s7"};

/* The one float type of a vector-form spec's values: the accumulator of
 * folds, the output of stores. */
static nda_dtype vector_dtype(const nda_fused_spec *s)
{
    return s->reduce || s->axes ? s->acc : s->out_dtype;
}

/* OpenCL's vector type of vec values of vector_dtype(s) ("double8"). */
static void vector_type(const nda_fused_spec *s, int vec, char *buf, size_t len)
{
    snprintf(buf, len, "%s%d", nda_type_compute(vector_dtype(s)), vec);
}

nda_dtype nda_fused_ref_dtype(const nda_fused_spec *s, nda_fused_ref r)
{
    switch (r.kind) {
    case NDA_REF_LEAF: return s->leaf_dtype[r.index];
    case NDA_REF_SCALAR: return s->scalar_dtype[r.index];
    default: return s->node[r.index].loop_out;
    }
}

static void ref_name(nda_fused_ref r, char *buf, size_t len)
{
    snprintf(buf, len, "%c%d", r.kind == NDA_REF_LEAF ? 'v' : r.kind == NDA_REF_SCALAR ? 's' : 'n',
             r.index);
}

int nda_fused_key(const nda_fused_spec *s, nda_strbuf *b)
{
    nda_strbuf_printf(b, "fused:v1:r%d:%c:", s->rank, s->idx64 ? 'L' : 'I');
    for (int i = 0; i < s->nleaves; i++)
        nda_strbuf_printf(b, "L%c%c", nda_dtype_char(s->leaf_dtype[i]), s->leaf_layout[i]);
    nda_strbuf_puts(b, ":");
    for (int i = 0; i < s->nscalars; i++) nda_strbuf_printf(b, "S%c", nda_dtype_char(s->scalar_dtype[i]));
    for (int i = 0; i < s->nnodes; i++) {
        const nda_fused_node *n = &s->node[i];
        nda_strbuf_printf(b, ";%s(", nda_op_describe(n->op)->name);
        for (int k = 0; k < n->nin; k++)
            nda_strbuf_printf(b, "%s%c%d%c", k ? "," : "", n->arg[k].kind, n->arg[k].index,
                              nda_dtype_char(n->loop_in[k]));
        if (n->op == NDA_OP_GATHER) nda_strbuf_printf(b, "@L%d", n->gather_leaf);
        nda_strbuf_printf(b, ")%c", nda_dtype_char(n->loop_out));
    }
    nda_strbuf_printf(b, "|%c%d>", s->result.kind, s->result.index);
    if (s->axes)
        nda_strbuf_printf(b, "axes:%s:%c%c:%c:keep%d:u%d:k%d", nda_op_describe(s->reduce_op)->name,
                          nda_dtype_char(s->acc), nda_dtype_char(s->out_dtype), s->out_layout,
                          s->rank_keep, s->unroll_k, s->chunk);
    else if (s->reduce)
        nda_strbuf_printf(b, "reduce:%s:%c%c:l%d:k%d", nda_op_describe(s->reduce_op)->name,
                          nda_dtype_char(s->acc), nda_dtype_char(s->out_dtype), s->local_size,
                          s->chunk);
    else
        nda_strbuf_printf(b, "store:%c%c:k%d@%c%d", nda_dtype_char(s->out_dtype), s->out_layout,
                          s->chunk, s->out_offset.kind ? s->out_offset.kind : '-',
                          s->out_offset.index);
    if (s->vec > 0)
        nda_strbuf_printf(b, ":v%d%s", s->vec, s->axes && s->vec_rows ? "r" : "");
    if (s->vec > 0 && s->axes && s->vec_rows && s->row_const) nda_strbuf_printf(b, "c%x", s->row_const);
    return nda_strbuf_status(b);
}

static bool uses_double_type(nda_dtype t) { return t == NDA_FLOAT64 || t == NDA_COMPLEX128; }

static bool needs_fp64(const nda_fused_spec *s)
{
    for (int i = 0; i < s->nleaves; i++) if (uses_double_type(s->leaf_dtype[i])) return true;
    for (int i = 0; i < s->nscalars; i++) if (uses_double_type(s->scalar_dtype[i])) return true;
    for (int i = 0; i < s->nnodes; i++) {
        const nda_fused_node *n = &s->node[i];
        if (uses_double_type(n->loop_out)) return true;
        for (int k = 0; k < n->nin; k++) if (uses_double_type(n->loop_in[k])) return true;
        /* the vector form's float32 power computes in float64 */
        if (s->vec > 0 && n->op == NDA_OP_POWER) return true;
    }
    return uses_double_type(s->out_dtype) || (s->reduce && uses_double_type(s->acc));
}

/* Identity of the reduction in the accumulator's compute type. */
static void emit_identity(nda_strbuf *b, nda_op op, nda_dtype t)
{
    nda_kind k = nda_dtype_kind(t);
    const char *T = nda_type_compute(t);
    bool mx = op == NDA_OP_MAXIMUM, mn = op == NDA_OP_MINIMUM;
    if (k == NDA_KIND_COMPLEX) {
        const char *mk = t == NDA_COMPLEX64 ? "NDA_C64" : "NDA_C128";
        if (mx) nda_strbuf_printf(b, "%s(-INFINITY, -INFINITY)", mk);
        else if (mn) nda_strbuf_printf(b, "%s(INFINITY, INFINITY)", mk);
        else nda_strbuf_printf(b, "%s(%d, 0)", mk, op == NDA_OP_MULTIPLY);
        return;
    }
    if (mx || mn) {
        if (k == NDA_KIND_FLOAT) { nda_strbuf_printf(b, "(%s)(%sINFINITY)", T, mx ? "-" : ""); return; }
        if (k == NDA_KIND_BOOL) { nda_strbuf_printf(b, "(nda_bool)%d", mn); return; }
        int bits = (int)nda_dtype_itemsize(t) * 8;
        if (k == NDA_KIND_UINT) {
            if (mx) nda_strbuf_printf(b, "(%s)0", T);
            else nda_strbuf_printf(b, "(%s)~(%s)0", T, T);
        } else if (mx) {
            nda_strbuf_printf(b, "(%s)((nda_u64)1 << %d)", T, bits - 1);
        } else {
            nda_strbuf_printf(b, "(%s)(((nda_u64)1 << %d) - 1)", T, bits - 1);
        }
        return;
    }
    nda_strbuf_printf(b, "(%s)%d", T, op == NDA_OP_MULTIPLY);
}

/* Leaf k's coordinate c (0 <= c < extent) wrapped: (c + wk_d) mod extent,
 * with 0 <= wk_d < extent. */
static void emit_wrapped(nda_strbuf *b, int k, int d, const char *c, const char *extent)
{
    nda_strbuf_printf(b, "(%s + w%d_%d < %s ? %s + w%d_%d : %s + w%d_%d - %s)", c, k, d, extent, c, k,
                      d, c, k, d, extent);
}

/* Leaf k's offset along axis d at coordinate c: the wrapped coordinate
 * times its stride stk_d. */
static void emit_wrapped_offset(nda_strbuf *b, int k, int d, const char *c, const char *extent)
{
    emit_wrapped(b, k, d, c, extent);
    nda_strbuf_printf(b, " * st%d_%d", k, d);
}

/* Adds operand k's (-1: the output's) offset of element i, or of the
 * coordinates c0.. (rank > 1), to p. */
static void emit_offset(nda_strbuf *b, const nda_fused_spec *s, int k, char layout, const char *p,
                        const char *st, const char *ind)
{
    if (layout == NDA_LAYOUT_ZERO || layout == NDA_LAYOUT_GATHER) return;
    if (layout == NDA_LAYOUT_WRAP) {
        for (int d = 0; d < s->rank; d++) {
            char c[16], extent[16];
            snprintf(c, sizeof c, s->rank == 1 ? "i" : "c%d", d);
            snprintf(extent, sizeof extent, s->rank == 1 ? "n" : "sh%d", d);
            nda_strbuf_printf(b, "%s%s += ", ind, p);
            emit_wrapped_offset(b, k, d, c, extent);
            nda_strbuf_puts(b, ";\n");
        }
        return;
    }
    if (s->rank == 1) {
        if (layout == NDA_LAYOUT_CONTIG) nda_strbuf_printf(b, "%s%s += i;\n", ind, p);
        else nda_strbuf_printf(b, "%s%s += i * %s_0;\n", ind, p, st);
        return;
    }
    for (int d = 0; d < s->rank; d++) nda_strbuf_printf(b, "%s%s += c%d * %s_%d;\n", ind, p, d, st, d);
}

/* Emits index decomposition, leaf loads and node evaluations for element
 * i; the value is left in the variable named by s->result. */
static int emit_eval(nda_strbuf *b, const nda_fused_spec *s, const char *I, const char *ind,
                     nda_strbuf *helpers, nda_strbuf *seen)
{
    if (s->rank > 1) {
        nda_strbuf_printf(b, "%s%s r = i;\n", ind, I);
        for (int d = s->rank - 1; d >= 1; d--)
            nda_strbuf_printf(b, "%s%s c%d = r %% sh%d; r /= sh%d;\n", ind, I, d, d, d);
        nda_strbuf_printf(b, "%s%s c0 = r;\n", ind, I);
    }
    if (!s->reduce) {
        nda_strbuf_printf(b, "%s%s po = off_o;\n", ind, I);
        emit_offset(b, s, -1, s->out_layout, "po", "st_o", ind);
    }
    for (int k = 0; k < s->nleaves; k++) {
        char p[16], st[16], lv[32];
        snprintf(p, sizeof p, "p%d", k);
        snprintf(st, sizeof st, "st%d", k);
        if (s->leaf_layout[k] == NDA_LAYOUT_GATHER) continue;
        nda_strbuf_printf(b, "%s%s %s = off%d;\n", ind, I, p, k);
        emit_offset(b, s, k, s->leaf_layout[k], p, st, ind);
        snprintf(lv, sizeof lv, "in%d[p%d]", k, k);
        nda_strbuf_printf(b, "%s%s v%d = ", ind, nda_type_compute(s->leaf_dtype[k]), k);
        nda_emit_load_value(b, s->leaf_dtype[k], lv);
        nda_strbuf_puts(b, ";\n");
    }
    return emit_nodes(b, s, ind, helpers, seen, 0);
}

/* vec > 0: the values are vectors of vec elements (the vector store form,
 * whose operations nda_fused_vectorizable admitted). */
static int emit_nodes(nda_strbuf *b, const nda_fused_spec *s, const char *ind, nda_strbuf *helpers,
                      nda_strbuf *seen, int vec)
{
    for (int i = 0; i < s->nnodes; i++) {
        const nda_fused_node *n = &s->node[i];
        if (n->op == NDA_OP_GATHER) {
            char off[24], lv[96];
            ref_name(n->arg[0], off, sizeof off);
            snprintf(lv, sizeof lv, "in%d[off%d + (%s)(%s)]", n->gather_leaf, n->gather_leaf,
                     s->idx64 ? "nda_i64" : "nda_i32", off);
            nda_strbuf_printf(b, "%s%s n%d = ", ind, nda_type_compute(n->loop_out), i);
            nda_emit_load_value(b, s->leaf_dtype[n->gather_leaf], lv);
            nda_strbuf_puts(b, ";\n");
            continue;
        }
        char names[3][24];
        const char *args[3];
        nda_strbuf convs[3];
        for (int k = 0; k < n->nin; k++) {
            nda_strbuf_init(&convs[k]);
            ref_name(n->arg[k], names[k], sizeof names[k]);
            nda_emit_convert(&convs[k], nda_fused_ref_dtype(s, n->arg[k]), n->loop_in[k], names[k]);
            args[k] = convs[k].data ? convs[k].data : "";
        }
        nda_strbuf expr;
        nda_strbuf_init(&expr);
        char vtype[16] = "", mtype[16] = "";
        if (vec > 0) {
            vector_type(s, vec, vtype, sizeof vtype);
            snprintf(mtype, sizeof mtype, "%s%d", vector_dtype(s) == NDA_FLOAT64 ? "long" : "int", vec);
        }
        int rc = vec > 0 && emit_vector_op(n, vtype, vec, args, &expr, helpers, seen)
                     ? nda_strbuf_status(&expr)
                     : nda_op_emit(n->op, n->loop_in, n->loop_out, args, &expr, helpers, seen);
        /* float16 computes in float, but every operation's result is a
         * float16 (NumPy rounds each one): round before anything uses it. */
        if (rc == NDA_OK && n->loop_out == NDA_FLOAT16)
            nda_strbuf_printf(b, "%sfloat n%d = nda_h2f(nda_f2h(%s));\n", ind, i,
                              expr.data ? expr.data : "");
        else if (rc == NDA_OK && vec > 0)
            nda_strbuf_printf(b, "%s%s n%d = %s;\n", ind, n->loop_out == NDA_BOOL ? mtype : vtype, i,
                              expr.data ? expr.data : "");
        else if (rc == NDA_OK)
            nda_strbuf_printf(b, "%s%s n%d = %s;\n", ind, nda_type_compute(n->loop_out), i,
                              expr.data ? expr.data : "");
        nda_strbuf_free(&expr);
        for (int k = 0; k < n->nin; k++) nda_strbuf_free(&convs[k]);
        if (rc != NDA_OK) return rc;
    }
    return NDA_OK;
}

static bool has_strides(char layout) { return layout == NDA_LAYOUT_STRIDED || layout == NDA_LAYOUT_ROWS; }

/* Vector v<k> of rolled leaf k's vec elements from coordinate j along axis
 * d of extent `extent` (j + vec <= extent), at base + wrapped coordinate *
 * stride: one vector load unless the wrap falls inside the vector or the
 * stride is not 1, then one element per lane. */
static void emit_wrapped_vload(nda_strbuf *b, const nda_fused_spec *s, int k, int vec, const char *j,
                               const char *base, int d, const char *extent, const char *ind)
{
    const char *T = nda_type_compute(s->leaf_dtype[k]);
    nda_strbuf_printf(b, "%s%s%d v%d;\n%s{\n%s  %s jw = ", ind, T, vec, k, ind, ind,
                      s->idx64 ? "nda_i64" : "nda_i32");
    emit_wrapped(b, k, d, j, extent);
    nda_strbuf_printf(b, ";\n%s  if (jw + %d <= %s && st%d_%d == 1) v%d = vload%d(0, in%d + (%s + jw));\n",
                      ind, vec, extent, k, d, k, vec, k, base);
    nda_strbuf_printf(b, "%s  else v%d = (%s%d)(", ind, k, T, vec);
    for (int u = 0; u < vec; u++) {
        char c[24];
        snprintf(c, sizeof c, "(%s + %d)", j, u);
        nda_strbuf_printf(b, "%sin%d[%s + ", u ? ", " : "", k, base);
        emit_wrapped_offset(b, k, d, c, extent);
        nda_strbuf_puts(b, "]");
    }
    nda_strbuf_printf(b, ");\n%s}\n", ind);
}

/* The chunked form's load of leaf k at column j (u = 0) or, for the vector
 * form, the vec columns from j (u = vec). */
static void emit_row_load(nda_strbuf *b, const nda_fused_spec *s, int k, int vec)
{
    const char *T = nda_type_compute(s->leaf_dtype[k]);
    char lay = s->leaf_layout[k];
    int last = s->rank - 1;
    char sh[16];
    snprintf(sh, sizeof sh, "sh%d", last);
    if (vec > 0 && lay == NDA_LAYOUT_WRAP) {
        char base[16];
        snprintf(base, sizeof base, "p%d", k);
        emit_wrapped_vload(b, s, k, vec, "j", base, last, sh, "    ");
        return;
    }
    if (vec > 0 && lay == NDA_LAYOUT_ROWS) {
        nda_strbuf_printf(b, "    %s%d v%d = vload%d(0, in%d + (p%d + j));\n", T, vec, k, vec, k, k);
        return;
    }
    if (vec > 0 && lay != NDA_LAYOUT_STRIDED) { /* broadcast (ZERO) */
        nda_strbuf_printf(b, "    %s%d v%d = (%s%d)(in%d[p%d]);\n", T, vec, k, T, vec, k, k);
        return;
    }
    if (vec > 0) { /* any inner stride, 0 included: one element per lane */
        nda_strbuf_printf(b, "    %s%d v%d = (%s%d)(", T, vec, k, T, vec);
        for (int u = 0; u < vec; u++)
            nda_strbuf_printf(b, "%sin%d[p%d + (j + %d) * st%d_%d]", u ? ", " : "", k, k, u, k, last);
        nda_strbuf_puts(b, ");\n");
        return;
    }
    if (lay == NDA_LAYOUT_WRAP) {
        nda_strbuf lw;
        nda_strbuf_init(&lw);
        nda_strbuf_printf(&lw, "in%d[p%d + ", k, k);
        emit_wrapped_offset(&lw, k, last, "j", sh);
        nda_strbuf_puts(&lw, "]");
        nda_strbuf_printf(b, "    %s v%d = ", T, k);
        nda_emit_load_value(b, s->leaf_dtype[k], lw.data ? lw.data : "");
        nda_strbuf_puts(b, ";\n");
        nda_strbuf_free(&lw);
        return;
    }
    char lv[64];
    if (lay == NDA_LAYOUT_ROWS) snprintf(lv, sizeof lv, "in%d[p%d + j]", k, k);
    else if (lay == NDA_LAYOUT_STRIDED) snprintf(lv, sizeof lv, "in%d[p%d + j * st%d_%d]", k, k, k, last);
    else snprintf(lv, sizeof lv, "in%d[p%d]", k, k);
    nda_strbuf_printf(b, "    %s v%d = ", T, k);
    nda_emit_load_value(b, s->leaf_dtype[k], lv);
    nda_strbuf_puts(b, ";\n");
}

/* Chunked store body: decompose the row index once, then loop along the
 * innermost axis; with s->vec, whole vectors of vec columns first, then the
 * chunk's last columns one by one. */
static int emit_chunked_store(nda_strbuf *b, const nda_fused_spec *s, const char *I,
                              nda_strbuf *helpers, nda_strbuf *seen)
{
    int last = s->rank - 1;
    nda_strbuf_printf(b, "  %s g = (%s)NDA_GLOBAL_ID;\n", I, I);
    nda_strbuf_printf(b, "  %s cpr = (sh%d + %d - 1) / %d;\n", I, last, s->chunk, s->chunk);
    nda_strbuf_printf(b, "  %s row = g / cpr;\n  if (row >= n / sh%d) return;\n", I, last);
    nda_strbuf_printf(b, "  %s j0 = (g - row * cpr) * %d, j1 = j0 + %d;\n", I, s->chunk, s->chunk);
    nda_strbuf_printf(b, "  if (j1 > sh%d) j1 = sh%d;\n", last, last);
    nda_strbuf_printf(b, "  %s r = row;\n", I);
    for (int d = last - 1; d >= 1; d--)
        nda_strbuf_printf(b, "  %s c%d = r %% sh%d; r /= sh%d;\n", I, d, d, d);
    nda_strbuf_printf(b, "  %s c0 = r;\n", I);
    nda_strbuf_printf(b, "  %s po = off_o", I);
    if (has_strides(s->out_layout))
        for (int d = 0; d < last; d++) nda_strbuf_printf(b, " + c%d * st_o_%d", d, d);
    nda_strbuf_puts(b, ";\n");
    for (int k = 0; k < s->nleaves; k++) {
        if (s->leaf_layout[k] == NDA_LAYOUT_GATHER) continue;
        nda_strbuf_printf(b, "  %s p%d = off%d", I, k, k);
        if (has_strides(s->leaf_layout[k]))
            for (int d = 0; d < last; d++) nda_strbuf_printf(b, " + c%d * st%d_%d", d, k, d);
        if (s->leaf_layout[k] == NDA_LAYOUT_WRAP)
            for (int d = 0; d < last; d++) {
                char c[16], extent[16];
                snprintf(c, sizeof c, "c%d", d);
                snprintf(extent, sizeof extent, "sh%d", d);
                nda_strbuf_puts(b, " + ");
                emit_wrapped_offset(b, k, d, c, extent);
            }
        nda_strbuf_puts(b, ";\n");
    }
    char res[24];
    ref_name(s->result, res, sizeof res);
    nda_strbuf_printf(b, "  %s j = j0;\n", I);
    if (s->vec > 0) {
        nda_strbuf_printf(b, "  for (; j + %d <= j1; j += %d) {\n", s->vec, s->vec);
        for (int k = 0; k < s->nleaves; k++) emit_row_load(b, s, k, s->vec);
        int rc = emit_nodes(b, s, "    ", helpers, seen, s->vec);
        if (rc != NDA_OK) return rc;
        if (s->out_layout == NDA_LAYOUT_ROWS)
            nda_strbuf_printf(b, "    vstore%d(%s, 0, out + (po + j));\n", s->vec, res);
        else
            for (int u = 0; u < s->vec; u++)
                nda_strbuf_printf(b, "    out[po + (j + %d) * st_o_%d] = %s.s%x;\n", u, last, res, u);
        nda_strbuf_puts(b, "  }\n");
    }
    nda_strbuf_puts(b, "  for (; j < j1; j++) {\n");
    for (int k = 0; k < s->nleaves; k++)
        if (s->leaf_layout[k] != NDA_LAYOUT_GATHER) emit_row_load(b, s, k, 0);
    int rc = emit_nodes(b, s, "    ", helpers, seen, 0);
    if (rc != NDA_OK) return rc;
    if (s->out_layout == NDA_LAYOUT_ROWS) nda_strbuf_puts(b, "    out[po + j] = ");
    else if (s->out_layout == NDA_LAYOUT_STRIDED) nda_strbuf_printf(b, "    out[po + j * st_o_%d] = ", last);
    else nda_strbuf_puts(b, "    out[po] = ");
    nda_emit_store_value(b, nda_fused_ref_dtype(s, s->result), s->out_dtype, res);
    nda_strbuf_puts(b, ";\n  }\n");
    return NDA_OK;
}

/* The axes sink's vector form (s->vec, one kept axis of unit stride in
 * every strided leaf: column folds of C-ordered arrays): work-item g folds
 * a tile of NDA_AXES_TILE vectors of neighbouring outputs of its part,
 * walking the reduced elements in order, so that each step reads one run
 * of NDA_AXES_TILE * vec contiguous elements (a row of the tile) rather
 * than one vector per row. Outputs past the last whole tile: vector by
 * vector, then one by one with the scalar `body` and `fold0` (acc0's
 * fold). */
#define NDA_AXES_TILE 8
int nda_axes_tile_outputs(int vec) { return NDA_AXES_TILE * vec; }

static int emit_axes_vector(nda_strbuf *src, const nda_fused_spec *s, const char *I,
                            nda_strbuf *helpers, nda_strbuf *seen, const char *body,
                            const char *fold0)
{
    int keep = s->rank_keep, rank = s->rank, vec = s->vec, W = NDA_AXES_TILE;
    const char *A = nda_type_compute(s->acc);
    char V[16], res[24];
    vector_type(s, vec, V, sizeof V);
    ref_name(s->result, res, sizeof res);
    /* pre: reduced coordinates and offsets of element r (prologue of a
     * step); vals: one vector at +x (x an expression) through the nodes */
    nda_strbuf pre, vals;
    nda_strbuf_init(&pre);
    nda_strbuf_init(&vals);
    nda_strbuf_printf(&pre, "      %s q = r;\n", I);
    for (int d = rank - 1; d > keep; d--)
        nda_strbuf_printf(&pre, "      %s c%d = q %% sh%d; q /= sh%d;\n", I, d, d, d);
    nda_strbuf_printf(&pre, "      %s c%d = q;\n", I, keep);
    for (int k = 0; k < s->nleaves; k++) {
        if (s->leaf_layout[k] == NDA_LAYOUT_ZERO) continue;
        nda_strbuf_printf(&pre, "      %s p%d = b%d", I, k, k);
        for (int d = keep; d < rank; d++) nda_strbuf_printf(&pre, " + c%d * st%d_%d", d, k, d);
        nda_strbuf_puts(&pre, ";\n");
    }
    for (int k = 0; k < s->nleaves; k++) {
        if (s->leaf_layout[k] == NDA_LAYOUT_ZERO)
            nda_strbuf_printf(&vals, "       %s v%d = (%s)(in%d[b%d]);\n", V, k, V, k, k);
        else
            nda_strbuf_printf(&vals, "       %s v%d = vload%d(0, in%d + p%d + x);\n", V, k, vec, k, k);
    }
    int rc = emit_nodes(&vals, s, "       ", helpers, seen, vec);
    if (rc != NDA_OK) goto out;
    nda_strbuf_printf(src, "  %s g = (%s)NDA_GLOBAL_ID, T = %d, MT = (M + T - 1) / T;\n", I, I, W * vec);
    nda_strbuf_puts(src, "  if (g >= MT * S) return;\n");
    nda_strbuf_printf(src, "  %s part = g / MT, o = (g - part * MT) * T;\n", I);
    nda_strbuf_printf(src, "  %s j0 = part * Kc, je = j0 + Kc;\n  if (je > K) je = K;\n", I);
    /* tiles (width W), then single vectors (width 1) */
    for (int pass = 0; pass < 2; pass++) {
        int w = pass == 0 ? W : 1;
        if (pass == 0) nda_strbuf_puts(src, "  if (o + T <= M) {\n");
        else nda_strbuf_printf(src, "  for (; o + %d <= M; o += %d) {\n", vec, vec);
        nda_strbuf_printf(src, "    %s c0 = o;\n", I);
        for (int k = 0; k < s->nleaves; k++) {
            nda_strbuf_printf(src, "    %s b%d = off%d", I, k, k);
            if (s->leaf_layout[k] == NDA_LAYOUT_STRIDED) nda_strbuf_printf(src, " + c0 * st%d_0", k);
            nda_strbuf_puts(src, ";\n");
        }
        nda_strbuf_printf(src, "    %s va[%d];\n    for (int w = 0; w < %d; w++) va[w] = (%s)(", V, w, w, V);
        emit_identity(src, s->reduce_op, s->acc);
        nda_strbuf_printf(src, ");\n    for (%s r = j0; r < je; r++) {\n%s", I, pre.data ? pre.data : "");
        nda_strbuf_printf(src, "      for (int w = 0; w < %d; w++) {\n       %s x = w * %d;\n%s", w, I, vec,
                          vals.data ? vals.data : "");
        emit_vector_fold(src, s->reduce_op, V, "va[w]", res);
        nda_strbuf_puts(src, "      }\n    }\n");
        nda_strbuf_printf(src, "    for (int w = 0; w < %d; w++) {\n", w);
        for (int u = 0; u < vec; u++)
            nda_strbuf_printf(src, "      out[off_o + (o + w * %d + %d) * S + part] = va[w].s%x;\n", vec, u, u);
        nda_strbuf_puts(src, "    }\n");
        if (pass == 0) nda_strbuf_puts(src, "    return;\n  }\n");
        else nda_strbuf_puts(src, "  }\n");
    }
    nda_strbuf_puts(src, "  for (; o < M; o++) {\n    ");
    nda_strbuf_printf(src, "%s c0 = o;\n", I);
    for (int k = 0; k < s->nleaves; k++) {
        nda_strbuf_printf(src, "    %s b%d = off%d", I, k, k);
        if (s->leaf_layout[k] == NDA_LAYOUT_STRIDED) nda_strbuf_printf(src, " + c0 * st%d_0", k);
        nda_strbuf_puts(src, ";\n");
    }
    nda_strbuf_printf(src, "    %s acc0 = ", A);
    emit_identity(src, s->reduce_op, s->acc);
    nda_strbuf_printf(src, ";\n    for (%s j = j0; j < je; j++) {\n      %s r = j;\n%s", I, I, body);
    nda_strbuf_printf(src, "      acc0 = %s;\n    }\n", fold0);
    nda_strbuf_puts(src, "    out[off_o + o * S + part] = acc0;\n  }\n}\n");
    rc = nda_strbuf_status(src);
out:
    nda_strbuf_free(&pre);
    nda_strbuf_free(&vals);
    return rc;
}

/* The axes sink: one output (part) per work-item. */
static int emit_axes(nda_strbuf *src, const nda_fused_spec *s, const char *I, nda_strbuf *helpers,
                     nda_strbuf *seen)
{
    int keep = s->rank_keep, rank = s->rank;
    const char *A = nda_type_compute(s->acc);
    char res[24];
    ref_name(s->result, res, sizeof res);
    nda_dtype res_t = nda_fused_ref_dtype(s, s->result);
    nda_dtype lt[2] = {s->acc, s->acc};
    nda_strbuf conv, fold[4], body;
    nda_strbuf_init(&conv);
    nda_strbuf_init(&body);
    for (int u = 0; u < 4; u++) nda_strbuf_init(&fold[u]);
    nda_emit_convert(&conv, res_t, s->acc, res);
    int rc = NDA_OK;
    for (int u = 0; u < 4 && rc == NDA_OK; u++) {
        char an[8];
        snprintf(an, sizeof an, "acc%d", u);
        const char *args[2] = {an, conv.data ? conv.data : ""};
        rc = nda_op_emit(s->reduce_op, lt, s->acc, args, &fold[u], helpers, seen);
    }
    nda_strbuf c01, c23, call;
    nda_strbuf_init(&c01);
    nda_strbuf_init(&c23);
    nda_strbuf_init(&call);
    const char *x01[2] = {"acc0", "acc1"}, *x23[2] = {"acc2", "acc3"};
    if (rc == NDA_OK) rc = nda_op_emit(s->reduce_op, lt, s->acc, x01, &c01, helpers, seen);
    if (rc == NDA_OK) rc = nda_op_emit(s->reduce_op, lt, s->acc, x23, &c23, helpers, seen);
    const char *xall[2] = {c01.data ? c01.data : "", c23.data ? c23.data : ""};
    if (rc == NDA_OK) rc = nda_op_emit(s->reduce_op, lt, s->acc, xall, &call, helpers, seen);
    /* Per element: leaf offsets from the kept base plus the reduced coords
     * of r, loads, nodes. */
    if (rc == NDA_OK) {
        nda_strbuf_printf(&body, "      %s q = r;\n", I);
        for (int d = rank - 1; d > keep; d--)
            nda_strbuf_printf(&body, "      %s c%d = q %% sh%d; q /= sh%d;\n", I, d, d, d);
        nda_strbuf_printf(&body, "      %s c%d = q;\n", I, keep);
        for (int k = 0; k < s->nleaves; k++) {
            char lv[32];
            if (s->leaf_layout[k] == NDA_LAYOUT_GATHER) continue;
            nda_strbuf_printf(&body, "      %s p%d = b%d", I, k, k);
            if (s->leaf_layout[k] == NDA_LAYOUT_STRIDED || s->leaf_layout[k] == NDA_LAYOUT_ROWS)
                for (int d = keep; d < rank; d++) nda_strbuf_printf(&body, " + c%d * st%d_%d", d, k, d);
            nda_strbuf_puts(&body, ";\n");
            snprintf(lv, sizeof lv, "in%d[p%d]", k, k);
            nda_strbuf_printf(&body, "      %s v%d = ", nda_type_compute(s->leaf_dtype[k]), k);
            nda_emit_load_value(&body, s->leaf_dtype[k], lv);
            nda_strbuf_puts(&body, ";\n");
        }
        rc = emit_nodes(&body, s, "      ", helpers, seen, 0);
    }
    nda_strbuf rowvals;
    nda_strbuf_init(&rowvals);
    char V[16];
    vector_type(s, 8, V, sizeof V);
    if (rc == NDA_OK && s->vec > 0 && s->vec_rows) {
        /* the row fold's vector at reduced element x (unit stride) */
        for (int k = 0; k < s->nleaves; k++) {
            if (s->leaf_layout[k] == NDA_LAYOUT_ZERO || (s->row_const >> k & 1u))
                nda_strbuf_printf(&rowvals, "      %s v%d = (%s)(in%d[b%d]);\n", V, k, V, k, k);
            else
                nda_strbuf_printf(&rowvals, "      %s v%d = vload8(0, in%d + b%d + x);\n", V, k, k, k);
        }
        rc = emit_nodes(&rowvals, s, "      ", helpers, seen, 8);
    }
    if (rc == NDA_OK && s->vec > 0 && !s->vec_rows) {
        rc = emit_axes_vector(src, s, I, helpers, seen, body.data ? body.data : "",
                              fold[0].data ? fold[0].data : "");
    } else if (rc == NDA_OK) {
        if (s->chunk > 0) {
            /* CPU, with unroll_k (S == 1): `chunk` consecutive outputs per
             * work-item, a loop without divisions that compilers vectorise. */
            nda_strbuf_printf(src, "  %s g0 = (%s)NDA_GLOBAL_ID * %d, g1 = g0 + %d;\n", I, I,
                              s->chunk, s->chunk);
            nda_strbuf_printf(src, "  if (g1 > M) g1 = M;\n  for (%s g = g0; g < g1; g++) {\n", I);
            nda_strbuf_printf(src, "  %s o = g;\n", I);
        } else {
            nda_strbuf_printf(src, "  %s g = (%s)NDA_GLOBAL_ID;\n  if (g >= M * S) return;\n", I, I);
            /* Neighbouring work-items take neighbouring outputs (the part
             * varies slowest): on CPU devices their loads are neighbours
             * too, which the work-item loop vectorises. */
            nda_strbuf_printf(src, "  %s part = g / M, o = g - part * M;\n", I);
        }
        nda_strbuf_printf(src, "  %s q = o;\n", I);
        for (int d = keep - 1; d >= 1; d--)
            nda_strbuf_printf(src, "  %s c%d = q %% sh%d; q /= sh%d;\n", I, d, d, d);
        if (keep > 0) nda_strbuf_printf(src, "  %s c0 = q;\n", I);
        for (int k = 0; k < s->nleaves; k++) {
            if (s->leaf_layout[k] == NDA_LAYOUT_GATHER) continue;
            nda_strbuf_printf(src, "  %s b%d = off%d", I, k, k);
            if (s->leaf_layout[k] == NDA_LAYOUT_STRIDED || s->leaf_layout[k] == NDA_LAYOUT_ROWS)
                for (int d = 0; d < keep; d++) nda_strbuf_printf(src, " + c%d * st%d_%d", d, k, d);
            nda_strbuf_puts(src, ";\n");
        }
        nda_strbuf_printf(src, "  %s acc0 = ", A);
        emit_identity(src, s->reduce_op, s->acc);
        nda_strbuf_printf(src, ";\n  %s acc1 = acc0, acc2 = acc0, acc3 = acc0;\n", A);
        if (s->unroll_k > 0 && s->vec_rows) {
            /* Rows of 8 (unit stride): one vector, folded as the pairs tree
             * NumPy's pairwise sum takes for 8 elements (bit-identical
             * sums): (0+1)+(2+3), (4+5)+(6+7), then the two. */
            char V4[16], V2[16], odd[40];
            snprintf(V4, sizeof V4, "%s4", nda_type_compute(s->acc));
            snprintf(V2, sizeof V2, "%s2", nda_type_compute(s->acc));
            snprintf(odd, sizeof odd, "(%s).odd", res);
            nda_strbuf_printf(src, "  {\n      %s x = 0;\n", I);
            nda_strbuf_puts(src, rowvals.data ? rowvals.data : "");
            nda_strbuf_printf(src, "    %s h4 = (%s).even;\n", V4, res);
            emit_vector_fold(src, s->reduce_op, V4, "h4", odd);
            nda_strbuf_printf(src, "    %s h2 = h4.even;\n", V2);
            emit_vector_fold(src, s->reduce_op, V2, "h2", "h4.odd");
            /* the tree's value folded into the identity, as NumPy does
             * (a row of -0.0 sums to +0.0) */
            nda_strbuf_printf(src, "    %s t8 = h2.s0;\n", A);
            static const char *const h2_s1[1] = {"h2.s1"}, *const t8[1] = {"t8"};
            rc = emit_scalar_folds(src, s, "t8", h2_s1, 1, helpers, seen);
            if (rc == NDA_OK) rc = emit_scalar_folds(src, s, "acc0", t8, 1, helpers, seen);
            nda_strbuf_puts(src, "  }\n");
        } else if (s->unroll_k > 0) {
            /* K is a constant: straight-line code, folded in order. */
            for (int j = 0; j < s->unroll_k; j++) {
                nda_strbuf_printf(src, "  {\n      %s r = %d;\n", I, j);
                nda_strbuf_puts(src, body.data ? body.data : "");
                nda_strbuf_printf(src, "      acc0 = %s;\n  }\n", fold[0].data ? fold[0].data : "");
            }
        } else {
        nda_strbuf_printf(src, "  %s j = part * Kc, e = j + Kc;\n  if (e > K) e = K;\n", I);
        if (s->vec_rows) {
            /* two vector accumulators over whole vectors of the row, their
             * lanes folded into acc below; the rest element by element */
            nda_strbuf_printf(src, "  %s va0 = (%s)(acc0), va1 = va0;\n", V, V);
            emit_vector_run(src, s, I, V, "x", rowvals.data ? rowvals.data : "", res);
        }
        nda_strbuf_puts(src, "  for (; j + 3 < e; j += 4) {\n");
        for (int u = 0; u < 4; u++) {
            nda_strbuf_printf(src, "    {\n      %s r = j + %d;\n", I, u);
            nda_strbuf_puts(src, body.data ? body.data : "");
            nda_strbuf_printf(src, "      acc%d = %s;\n    }\n", u, fold[u].data ? fold[u].data : "");
        }
        nda_strbuf_puts(src, "  }\n  for (; j < e; j++) {\n    {\n");
        nda_strbuf_printf(src, "      %s r = j;\n", I);
        nda_strbuf_puts(src, body.data ? body.data : "");
        nda_strbuf_printf(src, "      acc0 = %s;\n    }\n  }\n", fold[0].data ? fold[0].data : "");
        }
        nda_strbuf_printf(src, "  %s acc = %s;\n", A, s->unroll_k > 0 ? "acc0" : call.data ? call.data : "");
        if (s->vec_rows && s->unroll_k == 0) rc = emit_scalar_folds(src, s, "acc", VA0_LANES, 8, helpers, seen);
        /* Output: partials are contiguous [o][part]; else out over kept axes. */
        nda_strbuf_printf(src, "  %s po = off_o", I);
        if (s->out_layout == NDA_LAYOUT_CONTIG)
            nda_strbuf_puts(src, s->chunk > 0 ? " + g" : " + o * S + part");
        else if (s->out_layout == NDA_LAYOUT_STRIDED || s->out_layout == NDA_LAYOUT_ROWS)
            for (int d = 0; d < keep; d++) nda_strbuf_printf(src, " + c%d * st_o_%d", d, d);
        nda_strbuf_puts(src, ";\n  out[po] = ");
        nda_emit_store_value(src, s->acc, s->out_dtype, "acc");
        nda_strbuf_puts(src, s->chunk > 0 ? ";\n  }\n}\n" : ";\n}\n");
    }
    nda_strbuf_free(&rowvals);
    nda_strbuf_free(&conv);
    nda_strbuf_free(&body);
    nda_strbuf_free(&c01);
    nda_strbuf_free(&c23);
    nda_strbuf_free(&call);
    for (int u = 0; u < 4; u++) nda_strbuf_free(&fold[u]);
    return rc;
}

/* Operations whose code (ops.c, ops_math.c) for a float32/float64 loop is
 * an operator or a math builtin of the same name, which OpenCL also
 * defines for vectors, and those emit_vector_op writes for vectors itself
 * (log, maximum/minimum, sign, comparisons, isnan/isinf/isfinite/signbit,
 * where, logical operations on masks). PoCL's vector builtins are within 1 ulp of NumPy's
 * results for these over the whole range; tan is not (3 ulp) and stays
 * scalar. Power is ndaccel's own (PoCL's vector pow is wrong at zeros;
 * float32's computed in float64 where the device has it). */
static bool vector_op(nda_op op)
{
    switch (op) {
    case NDA_OP_ADD: case NDA_OP_SUBTRACT: case NDA_OP_MULTIPLY: case NDA_OP_TRUE_DIVIDE:
    case NDA_OP_NEGATIVE: case NDA_OP_ABSOLUTE: case NDA_OP_FABS: case NDA_OP_RECIPROCAL:
    case NDA_OP_SQRT: case NDA_OP_EXP: case NDA_OP_EXP2: case NDA_OP_EXPM1: case NDA_OP_LOG2:
    case NDA_OP_LOG10: case NDA_OP_LOG1P: case NDA_OP_SIN: case NDA_OP_COS: case NDA_OP_LOG:
    case NDA_OP_ARCSIN: case NDA_OP_ARCCOS: case NDA_OP_ARCTAN: case NDA_OP_SINH:
    case NDA_OP_COSH: case NDA_OP_TANH: case NDA_OP_ARCSINH: case NDA_OP_ARCCOSH:
    case NDA_OP_ARCTANH: case NDA_OP_FLOOR: case NDA_OP_CEIL: case NDA_OP_TRUNC:
    case NDA_OP_RINT: case NDA_OP_CBRT: case NDA_OP_DEG2RAD: case NDA_OP_RAD2DEG:
    case NDA_OP_MAXIMUM: case NDA_OP_MINIMUM: case NDA_OP_WHERE: case NDA_OP_SQUARE:
    case NDA_OP_POSITIVE: case NDA_OP_COPY: case NDA_OP_SIGN: case NDA_OP_COPYSIGN:
    case NDA_OP_ARCTAN2: case NDA_OP_HYPOT:
        return true;
    default:
        return false;
    }
}

static bool is_comparison(nda_op op) { return op >= NDA_OP_EQUAL && op <= NDA_OP_GREATER_EQUAL; }
/* Tests of one value (masks like the comparisons'; OpenCL's vector
 * isnan/isinf/isfinite/signbit return them). */
static bool is_value_test(nda_op op)
{
    return op == NDA_OP_ISNAN || op == NDA_OP_ISINF || op == NDA_OP_ISFINITE || op == NDA_OP_SIGNBIT;
}
/* On bools: and, or, xor, not (bitwise or logical: the same on masks). */
static bool is_mask_logic(nda_op op)
{
    return op == NDA_OP_LOGICAL_AND || op == NDA_OP_LOGICAL_OR || op == NDA_OP_LOGICAL_NOT ||
           op == NDA_OP_LOGICAL_XOR || op == NDA_OP_BITWISE_AND || op == NDA_OP_BITWISE_OR ||
           op == NDA_OP_BITWISE_XOR || op == NDA_OP_INVERT;
}

bool nda_fused_vectorizable(const nda_fused_spec *s, bool fp64)
{
    if (s->axes) {
        /* The caller checked the strides: one kept axis (or, vec_rows, one
         * reduced axis) of unit stride. */
        nda_op op = s->reduce_op;
        nda_dtype t = s->acc;
        /* unroll_k: rows of exactly 8 (one vector each, summed as a tree:
         * not for products, which NumPy folds in order). */
        bool row8 = s->vec_rows && s->unroll_k == 8 && op != NDA_OP_MULTIPLY;
        if ((s->vec_rows ? s->rank != s->rank_keep + 1 : s->rank_keep != 1) ||
            (s->unroll_k > 0 && !row8) || (s->chunk > 0 && !row8) ||
            (!s->vec_rows && s->out_layout != NDA_LAYOUT_CONTIG) ||
            (t != NDA_FLOAT32 && t != NDA_FLOAT64) || s->out_dtype != t ||
            nda_fused_ref_dtype(s, s->result) != t ||
            (op != NDA_OP_ADD && op != NDA_OP_MULTIPLY && op != NDA_OP_MAXIMUM && op != NDA_OP_MINIMUM))
            return false;
        for (int k = 0; k < s->nleaves; k++)
            if (s->leaf_dtype[k] != t ||
                (s->leaf_layout[k] != NDA_LAYOUT_STRIDED && s->leaf_layout[k] != NDA_LAYOUT_ZERO))
                return false;
        if (s->nnodes == 0) return s->result.kind == NDA_REF_LEAF;
    }
    if (s->reduce) {
        /* Whole-array folds (CPU form) of a contiguous float expression, or
         * of a contiguous float array itself, computed and accumulated in
         * the same dtype. */
        nda_op op = s->reduce_op;
        nda_dtype t = s->acc;
        if (s->axes || s->rank != 1 || s->chunk == 0 || (t != NDA_FLOAT32 && t != NDA_FLOAT64) ||
            s->out_dtype != t || nda_fused_ref_dtype(s, s->result) != t ||
            (op != NDA_OP_ADD && op != NDA_OP_MULTIPLY && op != NDA_OP_MAXIMUM && op != NDA_OP_MINIMUM))
            return false;
        if (s->nnodes == 0)
            return s->nleaves == 1 && s->leaf_layout[0] == NDA_LAYOUT_CONTIG && s->leaf_dtype[0] == t;
    }
    bool fold = s->reduce || s->axes;
    nda_dtype t = vector_dtype(s);
    /* Rank 1: contiguous blocks. Rank > 1: the chunked form's rows, whose
     * leaves load a vector (unit inner stride) or one element per lane. */
    bool rows = !fold && s->rank > 1 && s->chunk > 0;
    /* a rolled leaf stored as it is (numpy.roll's own result): vectors too */
    bool rolled_copy = !fold && s->nnodes == 0 && s->result.kind == NDA_REF_LEAF &&
                       s->leaf_layout[s->result.index] == NDA_LAYOUT_WRAP;
    if ((t != NDA_FLOAT32 && t != NDA_FLOAT64) || (s->nnodes == 0 && !rolled_copy) ||
        (s->axes ? false
         : rows ? s->out_layout != NDA_LAYOUT_ROWS && s->out_layout != NDA_LAYOUT_STRIDED
                : s->rank != 1 || (!s->reduce && s->out_layout != NDA_LAYOUT_CONTIG)))
        return false;
    for (int k = 0; k < s->nleaves && !s->axes; k++) {
        char lay = s->leaf_layout[k];
        if (s->leaf_dtype[k] != t ||
            (rows ? lay != NDA_LAYOUT_ROWS && lay != NDA_LAYOUT_STRIDED && lay != NDA_LAYOUT_ZERO &&
                        lay != NDA_LAYOUT_WRAP
                  : lay != NDA_LAYOUT_CONTIG && lay != NDA_LAYOUT_ZERO &&
                        (lay != NDA_LAYOUT_WRAP || s->reduce)))
            return false;
    }
    for (int k = 0; k < s->nscalars; k++) {
        nda_kind kind = nda_dtype_kind(s->scalar_dtype[k]);
        if (kind == NDA_KIND_COMPLEX || s->scalar_dtype[k] == NDA_FLOAT16) return false;
    }
    /* Values are t, or bool masks (comparisons of t, logic of masks) that only
     * where's condition and the logic consume. */
    for (int i = 0; i < s->nnodes; i++) {
        const nda_fused_node *n = &s->node[i];
        bool mask = is_comparison(n->op) || is_value_test(n->op) || is_mask_logic(n->op);
        bool vpow = n->op == NDA_OP_POWER && (t == NDA_FLOAT64 || fp64);
        /* float64 tan only: PoCL's float32 vector tan returns wrong values in
         * the lanes beside one of a huge argument (tan(1e-30) 0.0099 next to
         * an inf) */
        bool vtan = n->op == NDA_OP_TAN && t == NDA_FLOAT64;
        if (mask ? n->loop_out != NDA_BOOL : (n->loop_out != t || !(vector_op(n->op) || vpow || vtan)))
            return false;
        for (int k = 0; k < n->nin; k++) {
            bool want_mask = is_mask_logic(n->op) || (n->op == NDA_OP_WHERE && k == 0);
            nda_dtype want = want_mask ? NDA_BOOL : t;
            if (n->loop_in[k] != want) return false;
            if (n->arg[k].kind == NDA_REF_SCALAR ? want_mask
                                                 : nda_fused_ref_dtype(s, n->arg[k]) != want)
                return false;
        }
    }
    return (s->result.kind == NDA_REF_NODE || rolled_copy) && nda_fused_ref_dtype(s, s->result) == t;
}

/* The vector form's code of the operations nda_op_emit's scalar code does not
 * fit: masks are OpenCL's vector comparison results (all bits set for
 * true), where a select on them; 0 when op is not one of those. */
static int emit_vector_op(const nda_fused_node *n, const char *V, int vec, const char *const *a,
                          nda_strbuf *e, nda_strbuf *helpers, nda_strbuf *seen)
{
    static const char *const cmp[] = {"==", "!=", "<", "<=", ">", ">="};
    if (is_comparison(n->op)) {
        nda_strbuf_printf(e, "((%s) %s (%s))", a[0], cmp[n->op - NDA_OP_EQUAL], a[1]);
    } else if (is_value_test(n->op)) {
        nda_strbuf_printf(e, "%s((%s)(%s))", nda_op_describe(n->op)->name, V, a[0]);
    } else if (is_mask_logic(n->op) && n->nin == 2) {
        char c = n->op == NDA_OP_LOGICAL_AND || n->op == NDA_OP_BITWISE_AND ? '&'
                 : n->op == NDA_OP_LOGICAL_OR || n->op == NDA_OP_BITWISE_OR ? '|' : '^';
        nda_strbuf_printf(e, "((%s) %c (%s))", a[0], c, a[1]);
    } else if (is_mask_logic(n->op)) {
        nda_strbuf_printf(e, "(~(%s))", a[0]);
    } else if (n->op == NDA_OP_WHERE) {
        nda_strbuf_printf(e, "select((%s)(%s), (%s)(%s), %s)", V, a[2], V, a[1], a[0]);
    } else if (n->op == NDA_OP_MAXIMUM || n->op == NDA_OP_MINIMUM) {
        /* NumPy's: the first operand when it compares >= (<=) or is NaN. */
        nda_strbuf_printf(e, "select((%s)(%s), (%s)(%s), ((%s) %s (%s)) | isnan((%s)(%s)))", V, a[1],
                          V, a[0], a[0], n->op == NDA_OP_MAXIMUM ? ">=" : "<=", a[1], V, a[0]);
    } else if (n->op == NDA_OP_SIGN) {
        /* As the scalar code: +-1, +0 for either zero, NaN itself. */
        nda_strbuf_printf(e, "select(select(select((%s)(%s), (%s)0, (%s) == 0), (%s)-1, (%s) < 0), (%s)1, (%s) > 0)",
                          V, a[0], V, a[0], V, a[0], V, a[0]);
    } else if (n->op == NDA_OP_POWER && n->loop_out == NDA_FLOAT32) {
        /* in float64: only on devices with it (nda_fused_vectorizable) */
        nda_op_emit_pow_fv(vec, a[0], a[1], e, helpers, seen);
    } else if (n->loop_out == NDA_FLOAT32 && nda_op_emit_math_fv(n->op, vec, a[0], e, helpers, seen)) {
        /* sin, cos, tanh: ndaccel's own (PoCL's builtins are slower than NumPy) */
    } else if (n->op == NDA_OP_POWER) {
        /* float64: the scalar helper's lanes */
        nda_op_emit_pow_d8(a[0], a[1], e, helpers, seen);
    } else if (n->op == NDA_OP_LOG) {
        /* The builtin's vector log (within 1 ulp of NumPy's, as ndaccel's
         * own scalar log that float64 uses elsewhere). */
        nda_strbuf_printf(e, "log(%s)", a[0]);
    } else {
        return 0;
    }
    return 1;
}

/* The vector form's loads and nodes for the vec elements from i8. */
static int emit_vector_eval(nda_strbuf *b, const nda_fused_spec *s, nda_strbuf *helpers,
                            nda_strbuf *seen)
{
    char V[16];
    vector_type(s, s->vec, V, sizeof V);
    for (int k = 0; k < s->nleaves; k++) {
        if (s->leaf_layout[k] == NDA_LAYOUT_ZERO) {
            nda_strbuf_printf(b, "    %s v%d = (%s)(in%d[off%d]);\n", V, k, V, k, k);
        } else if (s->leaf_layout[k] == NDA_LAYOUT_WRAP) {
            char base[16];
            snprintf(base, sizeof base, "off%d", k);
            emit_wrapped_vload(b, s, k, s->vec, "i8", base, 0, "n", "    ");
        } else {
            nda_strbuf_printf(b, "    %s v%d = vload%d(0, in%d + (off%d + i8));\n", V, k, s->vec, k, k);
        }
    }
    return emit_nodes(b, s, "    ", helpers, seen, s->vec);
}

/* `acc = op(acc, v)` on vectors of type V for the vector form's folds:
 * maximum/minimum as the scalar folds (the accumulator when it compares
 * >= / <= or is NaN, else v: NaNs propagate). */
static void emit_vector_fold(nda_strbuf *src, nda_op op, const char *V, const char *acc,
                             const char *v)
{
    if (op == NDA_OP_MAXIMUM || op == NDA_OP_MINIMUM)
        nda_strbuf_printf(src, "    %s = select((%s)(%s), %s, ((%s) %s (%s)) | isnan(%s));\n", acc, V,
                          v, acc, acc, op == NDA_OP_MAXIMUM ? ">=" : "<=", v, acc);
    else
        nda_strbuf_printf(src, "    %s = %s %c (%s);\n", acc, acc, op == NDA_OP_ADD ? '+' : '*', v);
}

/* The vector folds of a run [j, e): `for (; j + 16 <= e; j += 16)` two
 * vectors per step, vector `body` (which defines `res` from index variable
 * `ix`) at j and j + 8 folded into va0 and va1 (declared by the caller),
 * then va1 folded into va0. */
static void emit_vector_run(nda_strbuf *src, const nda_fused_spec *s, const char *I, const char *V,
                            const char *ix, const char *body, const char *res)
{
    nda_strbuf_puts(src, "  for (; j + 16 <= e; j += 16) {\n");
    for (int u = 0; u < 2; u++) {
        char va[8];
        snprintf(va, sizeof va, "va%d", u);
        nda_strbuf_printf(src, "   {\n    %s %s = j + %d;\n%s", I, ix, 8 * u, body);
        emit_vector_fold(src, s->reduce_op, V, va, res);
        nda_strbuf_puts(src, "   }\n");
    }
    nda_strbuf_puts(src, "  }\n");
    emit_vector_fold(src, s->reduce_op, V, "va0", "va1");
}

/* `acc = op(acc, x)` in the accumulator type, for each x of xs (n of them). */
static int emit_scalar_folds(nda_strbuf *src, const nda_fused_spec *s, const char *acc,
                             const char *const *xs, int n, nda_strbuf *helpers, nda_strbuf *seen)
{
    nda_dtype lt[2] = {s->acc, s->acc};
    int rc = NDA_OK;
    for (int u = 0; u < n && rc == NDA_OK; u++) {
        const char *a2[2] = {acc, xs[u]};
        nda_strbuf f;
        nda_strbuf_init(&f);
        rc = nda_op_emit(s->reduce_op, lt, s->acc, a2, &f, helpers, seen);
        nda_strbuf_printf(src, "  %s = %s;\n", acc, f.data ? f.data : "");
        nda_strbuf_free(&f);
    }
    return rc;
}

int nda_fused_source(const nda_fused_spec *s, nda_dialect dialect, nda_strbuf *src)
{
    if (s->rank < 1 || s->rank > NDA_FUSED_MAXRANK || s->nleaves > NDA_FUSED_MAX_LEAVES ||
        s->nscalars > NDA_FUSED_MAX_SCALARS || s->nnodes > NDA_FUSED_MAX_NODES)
        return nda_error_set(NDA_EVALUE, "invalid fused kernel spec");
    const char *I = s->idx64 ? "nda_i64" : "nda_i32";
    nda_strbuf helpers, seen, body, fold, fold2, fold_all, fold_u[4];
    nda_strbuf_init(&fold_all);
    for (int u = 0; u < 4; u++) nda_strbuf_init(&fold_u[u]);
    nda_strbuf_init(&helpers);
    nda_strbuf_init(&seen);
    nda_strbuf_init(&body);
    nda_strbuf_init(&fold);
    nda_strbuf_init(&fold2);
    if (s->axes) {
        if (s->reduce || s->rank_keep < 0 || s->rank_keep >= s->rank ||
            (s->chunk > 0 && s->unroll_k <= 0))
            return nda_error_set(NDA_EVALUE, "invalid axes reduction spec");
        const char *I = s->idx64 ? "nda_i64" : "nda_i32";
        nda_strbuf helpers, seen, body;
        nda_strbuf_init(&helpers);
        nda_strbuf_init(&seen);
        nda_strbuf_init(&body);
        int rc = emit_axes(&body, s, I, &helpers, &seen);
        if (rc == NDA_OK) {
            nda_dialect_prelude(src, dialect, needs_fp64(s));
            if (helpers.data) nda_strbuf_puts(src, helpers.data);
            nda_strbuf_printf(src, "NDA_KERNEL void " NDA_FUSED_KERNEL_NAME "(NDA_GLOBAL %s *out, %s off_o",
                              nda_type_storage(s->out_dtype), I);
            for (int k = 0; k < s->nleaves; k++)
                nda_strbuf_printf(src, ", NDA_GLOBAL const %s *in%d, %s off%d",
                                  nda_type_storage(s->leaf_dtype[k]), k, I, k);
            for (int k = 0; k < s->nscalars; k++)
                nda_strbuf_printf(src, ", %s s%d", nda_type_compute(s->scalar_dtype[k]), k);
            nda_strbuf_printf(src, ", %s M, %s K, %s S, %s Kc", I, I, I, I);
            for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s sh%d", I, d);
            if (has_strides(s->out_layout))
                for (int d = 0; d < s->rank_keep; d++) nda_strbuf_printf(src, ", %s st_o_%d", I, d);
            for (int k = 0; k < s->nleaves; k++)
                if (has_strides(s->leaf_layout[k]))
                    for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s st%d_%d", I, k, d);
            nda_strbuf_puts(src, ")\n{\n");
            nda_strbuf_puts(src, body.data ? body.data : "");
            rc = nda_strbuf_status(src);
        }
        nda_strbuf_free(&helpers);
        nda_strbuf_free(&seen);
        nda_strbuf_free(&body);
        return rc;
    }
    const char *ind = s->reduce ? "    " : "  ";
    char res[24];
    ref_name(s->result, res, sizeof res);
    nda_dtype res_t = nda_fused_ref_dtype(s, s->result);
    nda_strbuf vbody;
    nda_strbuf_init(&vbody);
    bool chunked = !s->reduce && s->chunk > 0 && s->rank > 1;
    int rc = chunked ? emit_chunked_store(&body, s, I, &helpers, &seen)
                     : emit_eval(&body, s, I, ind, &helpers, &seen);
    bool vector = !chunked && s->vec > 0;
    if (rc == NDA_OK && vector) rc = emit_vector_eval(&vbody, s, &helpers, &seen);
    if (rc != NDA_OK) goto out;
    if (s->reduce) {
        nda_dtype lt[2] = {s->acc, s->acc};
        nda_strbuf conv;
        nda_strbuf_init(&conv);
        nda_emit_convert(&conv, res_t, s->acc, res);
        const char *a1[2] = {"acc", conv.data ? conv.data : ""};
        const char *a2[2] = {"sdata[lid]", "sdata[lid + w]"};
        rc = nda_op_emit(s->reduce_op, lt, s->acc, a1, &fold, &helpers, &seen);
        if (rc == NDA_OK) rc = nda_op_emit(s->reduce_op, lt, s->acc, a2, &fold2, &helpers, &seen);
        for (int u = 0; u < 4 && rc == NDA_OK && s->chunk; u++) {
            char accn[8];
            snprintf(accn, sizeof accn, u ? "acc%d" : "acc", u);
            const char *au[2] = {accn, conv.data ? conv.data : ""};
            rc = nda_op_emit(s->reduce_op, lt, s->acc, au, &fold_u[u], &helpers, &seen);
        }
        if (rc == NDA_OK && s->chunk) {
            nda_strbuf p01, p23;
            nda_strbuf_init(&p01);
            nda_strbuf_init(&p23);
            const char *x01[2] = {"acc", "acc1"}, *x23[2] = {"acc2", "acc3"};
            rc = nda_op_emit(s->reduce_op, lt, s->acc, x01, &p01, &helpers, &seen);
            if (rc == NDA_OK) rc = nda_op_emit(s->reduce_op, lt, s->acc, x23, &p23, &helpers, &seen);
            const char *xall[2] = {p01.data ? p01.data : "", p23.data ? p23.data : ""};
            if (rc == NDA_OK) rc = nda_op_emit(s->reduce_op, lt, s->acc, xall, &fold_all, &helpers, &seen);
            nda_strbuf_free(&p01);
            nda_strbuf_free(&p23);
        }
        nda_strbuf_free(&conv);
        if (rc != NDA_OK) goto out;
    }

    nda_dialect_prelude(src, dialect, needs_fp64(s));
    if (helpers.data) nda_strbuf_puts(src, helpers.data);
    nda_strbuf_puts(src, "NDA_KERNEL void " NDA_FUSED_KERNEL_NAME "(");
    if (s->reduce)
        nda_strbuf_printf(src, "NDA_GLOBAL %s *out", nda_type_storage(s->out_dtype));
    else
        nda_strbuf_printf(src, "NDA_GLOBAL %s *out, %s off_o", nda_type_storage(s->out_dtype), I);
    for (int k = 0; k < s->nleaves; k++)
        nda_strbuf_printf(src, ", NDA_GLOBAL const %s *in%d, %s off%d",
                          nda_type_storage(s->leaf_dtype[k]), k, I, k);
    for (int k = 0; k < s->nscalars; k++)
        nda_strbuf_printf(src, ", %s s%d", nda_type_compute(s->scalar_dtype[k]), k);
    nda_strbuf_printf(src, ", %s n", I);
    if (s->rank > 1)
        for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s sh%d", I, d);
    if (s->reduce) nda_strbuf_printf(src, ", %s total", I);
    if (!s->reduce && has_strides(s->out_layout))
        for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s st_o_%d", I, d);
    for (int k = 0; k < s->nleaves; k++)
        if (has_strides(s->leaf_layout[k]) || s->leaf_layout[k] == NDA_LAYOUT_WRAP)
            for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s st%d_%d", I, k, d);
    for (int k = 0; k < s->nleaves; k++)
        if (s->leaf_layout[k] == NDA_LAYOUT_WRAP)
            for (int d = 0; d < s->rank; d++) nda_strbuf_printf(src, ", %s w%d_%d", I, k, d);
    nda_strbuf_puts(src, ")\n{\n");
    if (chunked) {
        nda_strbuf_puts(src, body.data ? body.data : "");
        nda_strbuf_puts(src, "}\n");
    } else if (vector && !s->reduce) {
        /* Whole blocks as vectors; the last work-item's partial block
         * element by element (the scalar form's body). */
        nda_strbuf_printf(src, "  %s i8 = (%s)NDA_GLOBAL_ID * %d;\n  if (i8 + %d <= n) {\n", I, I,
                          s->vec, s->vec);
        nda_strbuf_puts(src, vbody.data ? vbody.data : "");
        nda_strbuf_printf(src, "    vstore%d(%s, 0, out + (off_o + i8));\n    return;\n  }\n",
                          s->vec, res);
        nda_strbuf_printf(src, "  for (%s i = i8; i < n; i++) {\n", I);
        nda_strbuf_puts(src, body.data ? body.data : "");
        nda_strbuf_puts(src, "  out[po] = ");
        nda_emit_store_value(src, res_t, s->out_dtype, res);
        nda_strbuf_puts(src, ";\n  }\n}\n");
    } else if (!s->reduce) {
        nda_strbuf_printf(src, "  %s i = (%s)NDA_GLOBAL_ID;\n  if (i >= n) return;\n", I, I);
        nda_strbuf_puts(src, body.data ? body.data : "");
        if (s->out_layout == NDA_LAYOUT_GATHER) {
            char off[24];
            ref_name(s->out_offset, off, sizeof off);
            nda_strbuf_printf(src, "  po = off_o + (%s)(%s);\n", I, off);
        }
        nda_strbuf_puts(src, "  out[po] = ");
        nda_emit_store_value(src, res_t, s->out_dtype, res);
        nda_strbuf_puts(src, ";\n}\n");
    } else {
        const char *A = nda_type_compute(s->acc);
        nda_strbuf_printf(src, "  NDA_LOCAL_ARRAY(%s, sdata, %d);\n", A, s->local_size);
        nda_strbuf_printf(src, "  %s lid = (%s)NDA_LOCAL_ID;\n  %s acc = ", I, I, A);
        emit_identity(src, s->reduce_op, s->acc);
        nda_strbuf_puts(src, ";\n");
        if (s->chunk) {
            /* CPU: a contiguous range of the flattened space per work-item,
             * folded into 4 independent accumulators (a 4-way unrolled
             * loop the compiler can schedule; 28x the grid-stride form on
             * PoCL). */
            nda_strbuf_printf(src, "  %s cnt = (n + total - 1) / total;\n", I);
            nda_strbuf_puts(src, s->vec > 0 ? "  cnt = (cnt + 15) & ~15;\n" : "  cnt = (cnt + 3) & ~3;\n");
            nda_strbuf_printf(src, "  %s j = (%s)NDA_GLOBAL_ID * cnt, e = j + cnt;\n", I, I);
            nda_strbuf_puts(src, "  if (e > n) e = n;\n");
            if (s->vec > 0) {
                /* Vector form: two vector accumulators over the run's whole
                 * vectors, their lanes folded into vacc; the rest below. */
                char VT[16];
                vector_type(s, s->vec, VT, sizeof VT);
                nda_strbuf_printf(src, "  %s vacc = acc;\n  %s va0 = (%s)(acc), va1 = va0;\n", A, VT, VT);
                emit_vector_run(src, s, I, VT, "i8", vbody.data ? vbody.data : "", res);
                rc = emit_scalar_folds(src, s, "vacc", VA0_LANES, 8, &helpers, &seen);
                if (rc != NDA_OK) goto out;
            }
            for (int u = 1; u < 4; u++) {
                nda_strbuf_printf(src, "  %s acc%d = acc;\n", A, u);
            }
            nda_strbuf_puts(src, "  for (; j + 3 < e; j += 4) {\n");
            for (int u = 0; u < 4; u++) {
                char accn[8];
                snprintf(accn, sizeof accn, u ? "acc%d" : "acc", u);
                nda_strbuf_printf(src, "   {\n    %s i = j + %d;\n", I, u);
                nda_strbuf_puts(src, body.data ? body.data : "");
                nda_strbuf_printf(src, "    %s = %s;\n   }\n", accn, fold_u[u].data ? fold_u[u].data : "");
            }
            nda_strbuf_puts(src, "  }\n");
            nda_strbuf_printf(src, "  for (; j < e; j++) {\n    %s i = j;\n", I);
            nda_strbuf_puts(src, body.data ? body.data : "");
            nda_strbuf_printf(src, "    acc = %s;\n  }\n", fold.data ? fold.data : "");
            nda_strbuf_printf(src, "  acc = %s;\n", fold_all.data ? fold_all.data : "");
            if (s->vec > 0) {
                const char *vacc[1] = {"vacc"};
                rc = emit_scalar_folds(src, s, "acc", vacc, 1, &helpers, &seen);
                if (rc != NDA_OK) goto out;
            }
        } else {
            nda_strbuf_printf(src, "  for (%s i = (%s)NDA_GROUP_ID * %d + lid; i < n; i += total) {\n",
                              I, I, s->local_size);
            nda_strbuf_puts(src, body.data ? body.data : "");
            nda_strbuf_printf(src, "    acc = %s;\n  }\n", fold.data ? fold.data : "");
        }
        nda_strbuf_puts(src, "  sdata[lid] = acc;\n  NDA_BARRIER;\n");
        nda_strbuf_printf(src, "  for (%s w = %d; w > 0; w >>= 1) {\n", I, s->local_size / 2);
        nda_strbuf_printf(src, "    if (lid < w) sdata[lid] = %s;\n    NDA_BARRIER;\n  }\n",
                          fold2.data ? fold2.data : "");
        nda_strbuf_puts(src, "  if (lid == 0) out[NDA_GROUP_ID] = ");
        nda_emit_store_value(src, s->acc, s->out_dtype, "sdata[0]");
        nda_strbuf_puts(src, ";\n}\n");
    }
    rc = nda_strbuf_status(src);
    if (rc == NDA_OK) rc = nda_strbuf_status(&body);
    if (rc == NDA_OK) rc = nda_strbuf_status(&helpers);
out:
    nda_strbuf_free(&helpers);
    nda_strbuf_free(&seen);
    nda_strbuf_free(&body);
    nda_strbuf_free(&vbody);
    nda_strbuf_free(&fold);
    nda_strbuf_free(&fold2);
    nda_strbuf_free(&fold_all);
    for (int u = 0; u < 4; u++) nda_strbuf_free(&fold_u[u]);
    return rc;
}
