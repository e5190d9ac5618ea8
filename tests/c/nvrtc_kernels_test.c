/* Every generated CUDA kernel compiles: no GPU needed, only NVRTC.
 *
 * Generates, CUDA dialect, with kernels/fused.h (what core/fused_exec.c
 * launches):
 *   - one node per loop signature of every operation of core/op_catalogue.h, store
 *     sink: rank 1 contiguous with 32-bit indices; rank 3 strided with 64-bit
 *     indices and, for several inputs, the last operand a scalar; and for a
 *     subset of loop types a rank-2 row-chunked ('R', chunk 256) variant.
 *     where(cond, x, y) is typed (bool, T, T) -> T for every T;
 *   - every dtype into every dtype: a COPY node (loop type = output dtype,
 *     nda_emit_convert) and a plain store of the leaf (nda_emit_store_value);
 *   - the sum/prod/max/min reductions of every dtype with core/reduce.c's
 *     accumulator and result dtypes (both passes), in the GPU (chunk 0) and
 *     CPU (chunk 4) forms, plus sum(x*y) and max(a - b) over small DAGs;
 *   - sum/max along axes of every dtype: looped and unrolled short-K forms,
 *     one or ROW_CHUNK outputs per work-item;
 *   - rolled leaves ('W') of every dtype in a heat step, ranks 1 to 3 and rows;
 *   - multi-node DAGs: a Laplace-like stencil into 'R', expressions mixing
 *     dtypes and casts, a scalar fill, shared subexpressions, and a spec at
 *     the leaf/scalar/node limits;
 * with kernels/gen_scan.h: every mode, op and dtype, 32- and 64-bit indices;
 * with kernels/gen_random.h: every distribution and output dtype;
 * with kernels/gen_bins.h: counting and searching kernels;
 * with kernels/gen_argext.h: arg-extreme parts and combining, every real dtype;
 * with kernels/gen_sort.h: run and merge kernels of every key dtype;
 * and compiles each with NVRTC for compute_90 (PTX) with the plugin's
 * options. Specs with equal keys must give equal sources (nda_fused_key is
 * the kernel cache key); such duplicates compile once. A failure prints
 * the kernel (operation and types, then the spec key), the NVRTC log and
 * the source (the first MAX_FULL_REPORTS in full, later ones as one line).
 *
 * Compiles run on a few threads (NVRTC is thread-safe), up to 24 kernels
 * per NVRTC program (see compile_batch; a failing batch recompiles its
 * kernels one by one for the report).
 * Usage: nvrtc_kernels_test [-v] [-1] [substring]   (only kernels whose
 * label contains substring; -v lists every kernel; -1 compiles each kernel
 * as its own program). Prints "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/cuda/nvrtc_loader.h"
#include "kernels/dialect.h"
#include "kernels/fused.h"
#include "kernels/gen_argext.h"
#include "kernels/gen_bins.h"
#include "kernels/gen_random.h"
#include "kernels/gen_scan.h"
#include "kernels/gen_sort.h"
#include "kernels/ops.h"
#include "kernels/strbuf.h"
#include "nda/dtype.h"
#include "nda/error.h"

#define ARCH "compute_90"
#define MAX_THREADS 16
#define MAX_FULL_REPORTS 10 /* failures printed with their log and source */
#define ROW_CHUNK 256       /* core/launch.c nda_row_chunk */
#define CPU_RED_CHUNK 4     /* core/fused_exec.c, non-GPU reductions */
#define LOCAL_SIZE 256      /* core/launch.c nda_reduce_local_size */

/* The options the CUDA plugin compiles with (cuda_program.c). */
static const char *const k_opts[] = {"--fmad=false"};

typedef struct job {
    char label[320];
    char *key;    /* nda_fused_key */
    char *source;
    const char *entry; /* kernel name; batched only when NDA_FUSED_KERNEL_NAME */
    int dup;      /* same key and source as an earlier job: not compiled */
    int rc;
    char why[4200];
    char *log;
} job;

static job *g_jobs;
static int g_njobs, g_cap, g_gen_failed, g_verbose;
static const char *g_filter;
static const nda_nvrtc *g_nv;
static int g_next;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *dn(nda_dtype t) { return nda_dtype_name(t); }

/* ---- spec building ---- */

static void spec_store(nda_fused_spec *s, int rank, bool idx64, nda_dtype out, char layout,
                       int chunk)
{
    memset(s, 0, sizeof *s);
    s->rank = rank;
    s->idx64 = idx64;
    s->out_dtype = out;
    s->out_layout = layout;
    s->chunk = chunk;
}

static void spec_reduce(nda_fused_spec *s, int rank, bool idx64, nda_op op, nda_dtype acc,
                        nda_dtype out, int chunk)
{
    memset(s, 0, sizeof *s);
    s->rank = rank;
    s->idx64 = idx64;
    s->reduce = true;
    s->reduce_op = op;
    s->acc = acc;
    s->out_dtype = out;
    s->local_size = LOCAL_SIZE;
    s->chunk = chunk;
}

static nda_fused_ref leaf(nda_fused_spec *s, nda_dtype t, char layout)
{
    s->leaf_dtype[s->nleaves] = t;
    s->leaf_layout[s->nleaves] = layout;
    return (nda_fused_ref){NDA_REF_LEAF, (short)s->nleaves++};
}

static nda_fused_ref scalar(nda_fused_spec *s, nda_dtype t)
{
    s->scalar_dtype[s->nscalars] = t;
    return (nda_fused_ref){NDA_REF_SCALAR, (short)s->nscalars++};
}

/* A node in loop types in[0..nin) -> out; also becomes the result. */
static nda_fused_ref node(nda_fused_spec *s, nda_op op, int nin, const nda_dtype *in,
                          nda_dtype out, const nda_fused_ref *args)
{
    nda_fused_node *n = &s->node[s->nnodes];
    n->op = op;
    n->nin = nin;
    n->loop_out = out;
    for (int k = 0; k < nin; k++) {
        n->loop_in[k] = in[k];
        n->arg[k] = args[k];
    }
    s->result = (nda_fused_ref){NDA_REF_NODE, (short)s->nnodes++};
    return s->result;
}

static nda_fused_ref n1(nda_fused_spec *s, nda_op op, nda_dtype t, nda_dtype out, nda_fused_ref a)
{
    return node(s, op, 1, &t, out, &a);
}

static nda_fused_ref n2(nda_fused_spec *s, nda_op op, nda_dtype t0, nda_dtype t1, nda_dtype out,
                        nda_fused_ref a, nda_fused_ref b)
{
    nda_dtype in[2] = {t0, t1};
    nda_fused_ref args[2] = {a, b};
    return node(s, op, 2, in, out, args);
}

/* COPY: the loop type is the target dtype (the conversion is on the way in). */
static nda_fused_ref cast(nda_fused_spec *s, nda_dtype to, nda_fused_ref a)
{
    return n1(s, NDA_OP_COPY, to, to, a);
}

/* ---- jobs ---- */

/* Queues one compile job; takes ownership of the malloc'd key and source. */
static void add_job(const char *label, const char *entry, char *key, char *source)
{
    if (g_njobs == g_cap) {
        g_cap = g_cap ? 2 * g_cap : 1024;
        g_jobs = realloc(g_jobs, (size_t)g_cap * sizeof *g_jobs);
        if (g_jobs == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    job *j = &g_jobs[g_njobs++];
    memset(j, 0, sizeof *j);
    snprintf(j->label, sizeof j->label, "%s", label);
    j->key = key;
    j->source = source;
    j->entry = entry;
    j->rc = NDA_ECOMPILE; /* until compiled */
    snprintf(j->why, sizeof j->why, "not compiled");
}

/* Generates the source of `s`; `what` names the operation and types. */
static void add(const nda_fused_spec *s, const char *what)
{
    nda_strbuf key, b;

    nda_strbuf_init(&key);
    int rc = nda_fused_key(s, &key);
    char label[320];
    snprintf(label, sizeof label, "%s [%s]", what, key.data ? key.data : "");
    if (g_filter != NULL && strstr(label, g_filter) == NULL) {
        nda_strbuf_free(&key);
        return;
    }
    nda_strbuf_init(&b);
    if (rc == NDA_OK)
        rc = nda_fused_source(s, NDA_DIALECT_CUDA, &b);
    if (rc != NDA_OK || b.data == NULL || key.data == NULL) {
        fprintf(stderr, "FAIL generate %s: %d %s\n", label, rc, nda_error_message());
        g_gen_failed++;
        nda_strbuf_free(&key);
        nda_strbuf_free(&b);
        return;
    }
    add_job(label, NDA_FUSED_KERNEL_NAME, key.data, b.data); /* strbuf memory is plain malloc'd */
}

/* A job from a generator with a fixed-size key (scan, random). */
static void add_other(const char *key, const char *entry, int rc, nda_strbuf *b)
{
    if (g_filter != NULL && strstr(key, g_filter) == NULL) {
        nda_strbuf_free(b);
        return;
    }
    if (rc != NDA_OK || b->data == NULL) {
        fprintf(stderr, "FAIL generate %s: %d %s\n", key, rc, nda_error_message());
        g_gen_failed++;
        nda_strbuf_free(b);
        return;
    }
    add_job(key, entry, strdup(key), b->data);
}

/* ---- one operation per kernel ---- */

/* One kernel per layout variant of one loop: rank 1 contiguous (32-bit);
 * rank 3 strided (64-bit) with, for several inputs, the last one a scalar
 * (and where's x a broadcast element); and, when `rows`, rank 2 rows
 * chunked as on CPU devices (leaves rows, strided, broadcast). */
static void op_loop(nda_op op, int nin, const nda_dtype *in, nda_dtype out, const char *sig,
                    bool rows_variant)
{
    const char *name = nda_op_describe(op)->name;
    char what[128];
    nda_fused_spec s;
    nda_fused_ref a[3] = {{0, 0}, {0, 0}, {0, 0}};

    spec_store(&s, 1, false, out, NDA_LAYOUT_CONTIG, 0);
    for (int k = 0; k < nin; k++)
        a[k] = leaf(&s, in[k], NDA_LAYOUT_CONTIG);
    node(&s, op, nin, in, out, a);
    snprintf(what, sizeof what, "%s %s rank1", name, sig);
    add(&s, what);

    static const char rank3[3] = {NDA_LAYOUT_STRIDED, NDA_LAYOUT_ZERO, NDA_LAYOUT_STRIDED};
    spec_store(&s, 3, true, out, NDA_LAYOUT_STRIDED, 0);
    for (int k = 0; k < nin; k++)
        a[k] = nin > 1 && k == nin - 1 ? scalar(&s, in[k]) : leaf(&s, in[k], rank3[k]);
    node(&s, op, nin, in, out, a);
    snprintf(what, sizeof what, "%s %s rank3%s", name, sig, nin > 1 ? "+scalar" : "");
    add(&s, what);

    if (!rows_variant)
        return;
    static const char rows[3] = {NDA_LAYOUT_ROWS, NDA_LAYOUT_STRIDED, NDA_LAYOUT_ZERO};
    spec_store(&s, 2, false, out, NDA_LAYOUT_ROWS, ROW_CHUNK);
    for (int k = 0; k < nin; k++)
        a[k] = leaf(&s, in[k], rows[k]);
    node(&s, op, nin, in, out, a);
    snprintf(what, sizeof what, "%s %s rank2 rows chunk%d", name, sig, ROW_CHUNK);
    add(&s, what);
}

/* Every "ab->c" signature of every operation; where as (bool, T, T) -> T.
 * The chunked rows variant: an operation's first loop and its float16 and
 * complex64 loops (chunking changes the indexing, not the operation). */
static void gen_ops(void)
{
    for (int op = 0; op < NDA_NOPS; op++) {
        const nda_op_desc *desc = nda_op_describe((nda_op)op);
        if (op == NDA_OP_COPY)
            continue; /* gen_casts */
        if (op == NDA_OP_WHERE) {
            if (desc->nin != 3 || desc->loops[0] != '\0') {
                fprintf(stderr, "FAIL: where: expected 3 inputs and no loop list\n");
                g_gen_failed++;
            }
            for (int t = 0; t < NDA_NTYPES; t++) {
                nda_dtype in[3] = {NDA_BOOL, (nda_dtype)t, (nda_dtype)t};
                char sig[16];
                char c = nda_dtype_char((nda_dtype)t);
                snprintf(sig, sizeof sig, "?%c%c->%c", c, c, c);
                op_loop((nda_op)op, 3, in, (nda_dtype)t, sig,
                        t == 0 || t == NDA_FLOAT16 || t == NDA_COMPLEX64);
            }
            continue;
        }
        if (op == NDA_OP_GATHER)
            continue; /* gen_gathers */
        if (desc->loops[0] == '\0') {
            fprintf(stderr, "FAIL: operation '%s' has no loop signatures and no known typing\n",
                    desc->name);
            g_gen_failed++;
            continue;
        }
        const char *p = desc->loops;
        for (int first = 1; *p != '\0'; first = 0) {
            while (*p == ' ')
                p++;
            size_t n = strcspn(p, " ");
            char sig[16];
            if (n == 0)
                break;
            snprintf(sig, sizeof sig, "%.*s", (int)n, p);
            p += n;
            const char *arrow = strstr(sig, "->");
            nda_dtype in[3];
            int nin = arrow ? (int)(arrow - sig) : -1, bad = nin != desc->nin || nin > 3;
            for (int k = 0; !bad && k < nin; k++) {
                int t = nda_dtype_from_char(sig[k]);
                bad = t < 0;
                in[k] = (nda_dtype)t;
            }
            int out = bad ? -1 : nda_dtype_from_char(arrow[2]);
            if (bad || out < 0 || arrow[3] != '\0') {
                fprintf(stderr, "FAIL parse: %s loop '%s'\n", desc->name, sig);
                g_gen_failed++;
                continue;
            }
            bool rows = first;
            for (int k = 0; k < nin; k++)
                rows = rows || in[k] == NDA_FLOAT16 || in[k] == NDA_COMPLEX64;
            op_loop((nda_op)op, nin, in, (nda_dtype)out, sig, rows);
        }
    }
}

/* Every dtype into every dtype: a COPY node whose loop type is the output
 * dtype (as core/array.c's copies), rank 1; and the leaf stored as is into
 * the other dtype, rank 3 strided. */
static void gen_casts(void)
{
    for (int from = 0; from < NDA_NTYPES; from++) {
        for (int to = 0; to < NDA_NTYPES; to++) {
            nda_fused_spec s;
            char what[96];
            spec_store(&s, 1, false, (nda_dtype)to, NDA_LAYOUT_CONTIG, 0);
            cast(&s, (nda_dtype)to, leaf(&s, (nda_dtype)from, NDA_LAYOUT_CONTIG));
            snprintf(what, sizeof what, "cast %s->%s rank1", dn((nda_dtype)from), dn((nda_dtype)to));
            add(&s, what);

            spec_store(&s, 3, true, (nda_dtype)to, NDA_LAYOUT_STRIDED, 0);
            s.result = leaf(&s, (nda_dtype)from, NDA_LAYOUT_STRIDED);
            snprintf(what, sizeof what, "store %s->%s rank3", dn((nda_dtype)from), dn((nda_dtype)to));
            add(&s, what);
        }
    }
}

/* ---- reductions ---- */

/* core/reduce.c's sum_dtype. */
static nda_dtype sum_dtype(nda_dtype t)
{
    switch (nda_dtype_kind(t)) {
    case NDA_KIND_BOOL: case NDA_KIND_INT: return NDA_INT64;
    case NDA_KIND_UINT: return NDA_UINT64;
    default: return t;
    }
}

static const char *red_name(nda_op op)
{
    switch (op) {
    case NDA_OP_ADD: return "sum";
    case NDA_OP_MULTIPLY: return "prod";
    case NDA_OP_MAXIMUM: return "max";
    default: return "min";
    }
}

/* Folds one leaf of dtype `in`. */
static void red_leaf(nda_op op, nda_dtype in, nda_dtype acc, nda_dtype out, int rank,
                     char layout, bool idx64, int chunk)
{
    nda_fused_spec s;
    char what[160];
    spec_reduce(&s, rank, idx64, op, acc, out, chunk);
    s.result = leaf(&s, in, layout);
    snprintf(what, sizeof what, "%s %s->%s->%s rank%d %c chunk%d", red_name(op), dn(in), dn(acc),
             dn(out), rank, layout, chunk);
    add(&s, what);
}

/* Reductions along axes (core/fused_exec.c nda_expr_reduce_axes): sum and
 * max over every dtype, kept axes then reduced ones, looped (any K) and
 * unrolled for a short K, one output per work-item (GPU) and, unrolled,
 * `ROW_CHUNK` outputs per work-item (CPU); contiguous and strided output. */
static void gen_axes(void)
{
    static const nda_op ops[] = {NDA_OP_ADD, NDA_OP_MAXIMUM};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (int ti = 0; ti < NDA_NTYPES; ti++)
            for (int v = 0; v < 3; v++) {
                nda_dtype t = (nda_dtype)ti;
                nda_dtype res = ops[o] == NDA_OP_ADD ? sum_dtype(t) : t;
                nda_dtype acc = res == NDA_FLOAT16 && ops[o] == NDA_OP_ADD ? NDA_FLOAT32 : res;
                nda_fused_spec s;
                memset(&s, 0, sizeof s);
                s.axes = true;
                s.rank = 3;
                s.rank_keep = v == 0 ? 2 : 1;
                s.idx64 = v == 1;
                s.reduce_op = ops[o];
                s.acc = acc;
                s.out_dtype = res;
                s.out_layout = v == 0 ? NDA_LAYOUT_STRIDED : NDA_LAYOUT_CONTIG;
                s.unroll_k = v == 0 ? 0 : 3;
                s.chunk = v == 2 ? ROW_CHUNK : 0;
                s.result = leaf(&s, t, NDA_LAYOUT_STRIDED);
                char what[160];
                snprintf(what, sizeof what, "axes %s %s->%s->%s keep%d unroll%d chunk%d",
                         red_name(ops[o]), dn(t), dn(acc), dn(res), s.rank_keep, s.unroll_k,
                         s.chunk);
                add(&s, what);
            }
}

/* Every random distribution and output dtype (kernels/gen_random.h). */
static void gen_random(void)
{
    static const nda_random_dist dists[] = {NDA_RANDOM_UNIFORM, NDA_RANDOM_NORMAL,
                                            NDA_RANDOM_EXPONENTIAL, NDA_RANDOM_INTEGERS,
                                            NDA_RANDOM_BITS};
    for (size_t d = 0; d < sizeof dists / sizeof dists[0]; d++)
        for (int ti = 0; ti < NDA_NTYPES; ti++) {
            nda_random_spec s = {dists[d], (nda_dtype)ti};
            if (nda_random_check(&s) != NDA_OK) continue;
            char key[96];
            nda_random_key(&s, key, sizeof key);
            nda_strbuf b;
            nda_strbuf_init(&b);
            add_other(key, NDA_RANDOM_KERNEL_NAME, nda_random_source(&s, NDA_DIALECT_CUDA, &b), &b);
        }
}

/* Binning kernels (kernels/gen_bins.h): counting (weighted or not, chunked
 * or strided) and searching (every integer and float key, both sides),
 * 32- and 64-bit indices. */
static void gen_bins(void)
{
    for (int w = 0; w < 2; w++)
        for (int st = 0; st < 2; st++)
            for (int i64 = 0; i64 < 2; i64++) {
                nda_bins_spec s = {.mode = NDA_BINS_COUNT, .weighted = w, .strided = st, .idx64 = i64};
                char key[96];
                nda_bins_key(&s, key, sizeof key);
                nda_strbuf b;
                nda_strbuf_init(&b);
                add_other(key, NDA_BINS_KERNEL_NAME, nda_bins_source(&s, NDA_DIALECT_CUDA, &b), &b);
            }
    for (int ti = 0; ti < NDA_NTYPES; ti++) {
        nda_kind k = nda_dtype_kind((nda_dtype)ti);
        if (k == NDA_KIND_BOOL || k == NDA_KIND_COMPLEX) continue;
        for (int right = 0; right < 2; right++) {
            nda_bins_spec s = {.mode = NDA_BINS_SEARCH, .key = (nda_dtype)ti, .right = right,
                               .idx64 = right};
            char key[96];
            nda_bins_key(&s, key, sizeof key);
            nda_strbuf b;
            nda_strbuf_init(&b);
            add_other(key, NDA_BINS_KERNEL_NAME, nda_bins_source(&s, NDA_DIALECT_CUDA, &b), &b);
        }
    }
}

/* Arg-extreme kernels (kernels/gen_argext.h): parts and combining passes,
 * argmax and argmin, every non-complex key, 32- and 64-bit indices (the
 * eight-lane form is OpenCL's only). */
static void gen_argext(void)
{
    static const nda_argext_mode modes[] = {NDA_ARGEXT_PARTS, NDA_ARGEXT_COMBINE};
    for (int m = 0; m < 2; m++)
        for (int ti = 0; ti < NDA_NTYPES; ti++) {
            if (nda_dtype_kind((nda_dtype)ti) == NDA_KIND_COMPLEX) continue;
            for (int mx = 0; mx < 2; mx++) {
                nda_argext_spec s = {.mode = modes[m], .key = (nda_dtype)ti, .max = mx, .idx64 = mx};
                char key[96];
                nda_argext_key(&s, key, sizeof key);
                nda_strbuf b;
                nda_strbuf_init(&b);
                add_other(key, NDA_ARGEXT_KERNEL_NAME, nda_argext_source(&s, NDA_DIALECT_CUDA, &b), &b);
            }
        }
}

/* Sort kernels (kernels/gen_sort.h): both modes, every key dtype, with and
 * without indices, 32- and 64-bit indices. */
static void gen_sorts(void)
{
    static const nda_sort_mode modes[] = {NDA_SORT_RUNS, NDA_SORT_MERGE};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        for (int ti = 0; ti < NDA_NTYPES; ti++)
            for (int ix = 0; ix < 2; ix++) {
                nda_sort_spec s = {.mode = modes[m], .key = (nda_dtype)ti, .with_index = ix,
                                   .idx64 = ti % 2 == 0};
                char key[96];
                nda_sort_key(&s, key, sizeof key);
                nda_strbuf b;
                nda_strbuf_init(&b);
                add_other(key, NDA_SORT_KERNEL_NAME, nda_sort_source(&s, NDA_DIALECT_CUDA, &b), &b);
            }
}

/* Scan kernels (kernels/gen_scan.h): each mode, both ops, every dtype's
 * accumulator, 32- and 64-bit indices. */
static void gen_scans(void)
{
    static const nda_scan_mode modes[] = {NDA_SCAN_FOLD, NDA_SCAN_ROWS, NDA_SCAN_CHUNKS};
    static const nda_op ops[] = {NDA_OP_ADD, NDA_OP_MULTIPLY};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
            for (int ti = 0; ti < NDA_NTYPES; ti++)
                for (int w = 0; w < 2; w++) {
                    nda_dtype t = (nda_dtype)ti, acc = sum_dtype(t);
                    nda_scan_spec s = {modes[m], ops[o], modes[m] == NDA_SCAN_ROWS ? acc : t, acc,
                                       modes[m] == NDA_SCAN_CHUNKS ? sum_dtype(t) : acc,
                                       modes[m] == NDA_SCAN_CHUNKS && ti % 2 == 0, false, w == 1};
                    char key[128];
                    nda_scan_key(&s, key, sizeof key);
                    nda_strbuf b;
                    nda_strbuf_init(&b);
                    add_other(key, NDA_SCAN_KERNEL_NAME, nda_scan_source(&s, NDA_DIALECT_CUDA, &b), &b);
                }
}

/* As core/reduce.c: result res = sum_dtype(t) for sum/prod (t for max/min),
 * accumulator float32 for a float16 sum/prod, else res. Pass 1 folds t into
 * res (one group) or into acc partials; pass 2 folds acc partials into res.
 * GPU form (chunk 0) and CPU form (chunk 4), each at rank 1 contiguous
 * (32-bit) and at rank 3 strided or rank 2 rows (64-bit). */
static void gen_reductions(void)
{
    static const nda_op ops[] = {NDA_OP_ADD, NDA_OP_MULTIPLY, NDA_OP_MAXIMUM, NDA_OP_MINIMUM};
    static const int chunks[] = {0, CPU_RED_CHUNK};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        nda_op op = ops[o];
        bool arith = op == NDA_OP_ADD || op == NDA_OP_MULTIPLY;
        for (int ti = 0; ti < NDA_NTYPES; ti++) {
            nda_dtype t = (nda_dtype)ti;
            nda_dtype res = arith ? sum_dtype(t) : t;
            nda_dtype acc = res == NDA_FLOAT16 && arith ? NDA_FLOAT32 : res;
            for (int c = 0; c < 2; c++) {
                int chunk = chunks[c];
                red_leaf(op, t, acc, res, 1, NDA_LAYOUT_CONTIG, false, chunk);
                if (chunk == 0)
                    red_leaf(op, t, acc, res, 3, NDA_LAYOUT_STRIDED, true, chunk);
                else
                    red_leaf(op, t, acc, res, 2, NDA_LAYOUT_ROWS, true, chunk);
                if (acc != res) /* pass 1 into partials */
                    red_leaf(op, t, acc, acc, 1, NDA_LAYOUT_CONTIG, false, chunk);
                if (t != acc) /* pass 2 */
                    red_leaf(op, acc, acc, res, 1, NDA_LAYOUT_CONTIG, false, chunk);
            }
        }
    }
}

/* sum(x * y) for every dtype (a node feeding the fold), rank 2 rows. */
static void gen_sum_of_products(void)
{
    for (int ti = 0; ti < NDA_NTYPES; ti++) {
        nda_dtype t = (nda_dtype)ti;
        nda_dtype res = sum_dtype(t);
        nda_dtype acc = res == NDA_FLOAT16 ? NDA_FLOAT32 : res;
        for (int chunk = 0; chunk <= CPU_RED_CHUNK; chunk += CPU_RED_CHUNK) {
            nda_fused_spec s;
            char what[128];
            spec_reduce(&s, 2, false, NDA_OP_ADD, acc, res, chunk);
            nda_fused_ref x = leaf(&s, t, NDA_LAYOUT_ROWS), y = leaf(&s, t, NDA_LAYOUT_ROWS);
            n2(&s, NDA_OP_MULTIPLY, t, t, t, x, y);
            snprintf(what, sizeof what, "sum(x*y) %s->%s->%s rank2 chunk%d", dn(t), dn(acc),
                     dn(res), chunk);
            add(&s, what);
        }
    }
}

/* max(a - b), b cast to a's dtype first: a 2-node DAG feeding the fold. */
static void gen_max_of_differences(void)
{
    static const nda_dtype pairs[][2] = {
        {NDA_FLOAT32, NDA_INT32},   {NDA_FLOAT64, NDA_FLOAT32}, {NDA_FLOAT16, NDA_UINT8},
        {NDA_INT64, NDA_UINT8},     {NDA_INT16, NDA_INT8},      {NDA_UINT32, NDA_UINT16},
        {NDA_UINT64, NDA_BOOL},     {NDA_INT8, NDA_BOOL},       {NDA_COMPLEX64, NDA_FLOAT32},
        {NDA_COMPLEX128, NDA_INT64},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        nda_dtype a = pairs[i][0], b = pairs[i][1];
        for (int chunk = 0; chunk <= CPU_RED_CHUNK; chunk += CPU_RED_CHUNK) {
            nda_fused_spec s;
            char what[128];
            /* GPU: rank 1 contiguous; CPU: rank 3 strided minus a broadcast. */
            spec_reduce(&s, chunk ? 3 : 1, chunk != 0, NDA_OP_MAXIMUM, a, a, chunk);
            nda_fused_ref la = leaf(&s, a, chunk ? NDA_LAYOUT_STRIDED : NDA_LAYOUT_CONTIG);
            nda_fused_ref lb = leaf(&s, b, chunk ? NDA_LAYOUT_ZERO : NDA_LAYOUT_CONTIG);
            n2(&s, NDA_OP_SUBTRACT, a, a, a, la, cast(&s, a, lb));
            snprintf(what, sizeof what, "max(a-b) a %s b %s chunk%d", dn(a), dn(b), chunk);
            add(&s, what);
        }
    }
}

/* ---- multi-node expressions (store sink) ---- */

/* (n + s + w + e) * c stored into rows: the bench's Laplace step. */
static void laplace(nda_dtype t, bool idx64, int chunk, char out_layout)
{
    nda_fused_spec s;
    char what[128];
    spec_store(&s, 2, idx64, t, out_layout, chunk);
    nda_fused_ref v[4];
    for (int k = 0; k < 4; k++)
        v[k] = leaf(&s, t, NDA_LAYOUT_ROWS);
    nda_fused_ref sum = n2(&s, NDA_OP_ADD, t, t, t, v[0], v[1]);
    sum = n2(&s, NDA_OP_ADD, t, t, t, sum, v[2]);
    sum = n2(&s, NDA_OP_ADD, t, t, t, sum, v[3]);
    n2(&s, NDA_OP_MULTIPLY, t, t, t, sum, scalar(&s, t));
    snprintf(what, sizeof what, "laplace %s out %c chunk%d%s", dn(t), out_layout, chunk,
             idx64 ? " idx64" : "");
    add(&s, what);
}

/* float16 * int32 + uint8 (as float32) in float64, compared with a scalar,
 * masked by a bool, selected, through complex64 and back to a magnitude,
 * divided by int32 // int64, stored into float16. */
static void mixed(int rank, bool idx64, int chunk, const char *layouts, char out_layout)
{
    const nda_dtype d = NDA_FLOAT64, q = NDA_INT64, B = NDA_BOOL;
    nda_fused_spec s;
    char what[128];
    spec_store(&s, rank, idx64, NDA_FLOAT16, out_layout, chunk);
    nda_fused_ref x = leaf(&s, NDA_FLOAT16, layouts[0]), y = leaf(&s, NDA_INT32, layouts[1]);
    nda_fused_ref z = leaf(&s, NDA_UINT8, layouts[2]), w = leaf(&s, NDA_BOOL, layouts[3]);
    nda_fused_ref s0 = scalar(&s, NDA_FLOAT64), s1 = scalar(&s, NDA_INT64);
    nda_fused_ref xy = n2(&s, NDA_OP_MULTIPLY, d, d, d, x, y);
    nda_fused_ref sum = n2(&s, NDA_OP_ADD, d, d, d, xy, cast(&s, NDA_FLOAT32, z));
    nda_fused_ref gt = n2(&s, NDA_OP_GREATER, d, d, B, sum, s0);
    nda_fused_ref mask = n2(&s, NDA_OP_LOGICAL_AND, B, B, B, gt, w);
    nda_dtype win[3] = {B, d, d};
    nda_fused_ref wargs[3] = {mask, sum, s0};
    nda_fused_ref sel = node(&s, NDA_OP_WHERE, 3, win, d, wargs);
    nda_fused_ref mag = n1(&s, NDA_OP_ABSOLUTE, NDA_COMPLEX64, NDA_FLOAT32,
                           cast(&s, NDA_COMPLEX64, sel));
    nda_fused_ref fd = n2(&s, NDA_OP_FLOOR_DIVIDE, q, q, q, y, s1);
    n2(&s, NDA_OP_TRUE_DIVIDE, d, d, d, mag, fd);
    snprintf(what, sizeof what, "mixed f16*i32+u8 rank%d %.4s->%c chunk%d", rank, layouts,
             out_layout, chunk);
    add(&s, what);
}

/* Integer and bit operations across signedness, stored into int32. */
static void intbits(int rank, bool idx64, const char *layouts, char out_layout)
{
    const nda_dtype q = NDA_INT64, Q = NDA_UINT64, B = NDA_BOOL;
    nda_fused_spec s;
    char what[128];
    spec_store(&s, rank, idx64, NDA_INT32, out_layout, 0);
    nda_fused_ref a = leaf(&s, NDA_INT8, layouts[0]), b = leaf(&s, NDA_UINT64, layouts[1]);
    nda_fused_ref c = leaf(&s, NDA_UINT16, layouts[2]), s0 = scalar(&s, NDA_INT32);
    nda_fused_ref sh = n2(&s, NDA_OP_LEFT_SHIFT, q, q, q, a, s0);
    nda_fused_ref lt = n2(&s, NDA_OP_LESS, q, Q, B, sh, b); /* qQ->? */
    nda_fused_ref inv = n1(&s, NDA_OP_INVERT, Q, Q, n2(&s, NDA_OP_RIGHT_SHIFT, Q, Q, Q, b, c));
    nda_dtype win[3] = {B, Q, Q};
    nda_fused_ref wargs[3] = {lt, sh, inv};
    nda_fused_ref sel = node(&s, NDA_OP_WHERE, 3, win, Q, wargs);
    nda_fused_ref rem = n2(&s, NDA_OP_REMAINDER, Q, Q, Q, sel, c);
    nda_fused_ref x = n2(&s, NDA_OP_BITWISE_XOR, NDA_UINT16, NDA_UINT16, NDA_UINT16, c, a);
    nda_fused_ref ne = n2(&s, NDA_OP_NOT_EQUAL, B, B, B, n1(&s, NDA_OP_LOGICAL_NOT, Q, B, rem), lt);
    nda_fused_ref p = n2(&s, NDA_OP_POWER, NDA_INT16, NDA_INT16, NDA_INT16, x, ne);
    n2(&s, NDA_OP_MAXIMUM, q, q, q, p, n1(&s, NDA_OP_NEGATIVE, q, q, rem));
    snprintf(what, sizeof what, "intbits i8/u64/u16 rank%d %.3s->%c", rank, layouts, out_layout);
    add(&s, what);
}

/* complex128 * float32 (cast) ** complex64 scalar, sqrt/exp/log/negative,
 * stored into `out` (complex64, float32 or int16: complex narrowing). */
static void complex_chain(nda_dtype out, int rank, bool idx64, int chunk, const char *layouts,
                          char out_layout)
{
    const nda_dtype D = NDA_COMPLEX128;
    nda_fused_spec s;
    char what[128];
    spec_store(&s, rank, idx64, out, out_layout, chunk);
    nda_fused_ref z = leaf(&s, D, layouts[0]), f = leaf(&s, NDA_FLOAT32, layouts[1]);
    nda_fused_ref p = n2(&s, NDA_OP_POWER, D, D, D, n2(&s, NDA_OP_MULTIPLY, D, D, D, z, cast(&s, D, f)),
                         scalar(&s, NDA_COMPLEX64));
    nda_fused_ref e = n1(&s, NDA_OP_LOG, D, D, n1(&s, NDA_OP_EXP, D, D, n1(&s, NDA_OP_SQRT, D, D, p)));
    nda_fused_ref eq = n2(&s, NDA_OP_EQUAL, D, D, NDA_BOOL, e, z);
    nda_fused_ref m = n2(&s, NDA_OP_MAXIMUM, D, D, D, n1(&s, NDA_OP_NEGATIVE, D, D, e), eq);
    n2(&s, NDA_OP_TRUE_DIVIDE, D, D, D, m, n1(&s, NDA_OP_ABSOLUTE, D, NDA_FLOAT64, z));
    snprintf(what, sizeof what, "complex c128*f32 -> %s rank%d %.2s->%c chunk%d", dn(out), rank,
             layouts, out_layout, chunk);
    add(&s, what);
}

/* float16 math chain in its loop type 'e' (computes in float). */
static void half_chain(int rank, int chunk, char layout)
{
    const nda_dtype e = NDA_FLOAT16;
    nda_fused_spec s;
    char what[96];
    spec_store(&s, rank, false, e, layout, chunk);
    nda_fused_ref h = leaf(&s, e, layout), s0 = scalar(&s, e);
    nda_fused_ref l = n1(&s, NDA_OP_LOG, e, e, n1(&s, NDA_OP_EXP, e, e, n1(&s, NDA_OP_SQRT, e, e, h)));
    nda_fused_ref p = n2(&s, NDA_OP_POWER, e, e, e, l, h);
    nda_fused_ref r = n2(&s, NDA_OP_REMAINDER, e, e, e, p, s0);
    nda_fused_ref fd = n2(&s, NDA_OP_FLOOR_DIVIDE, e, e, e, r, h);
    n2(&s, NDA_OP_TRUE_DIVIDE, e, e, e, n2(&s, NDA_OP_MINIMUM, e, e, e, fd, p), s0);
    snprintf(what, sizeof what, "half chain rank%d %c chunk%d", rank, layout, chunk);
    add(&s, what);
}

/* The limits: NDA_FUSED_MAX_LEAVES leaves of every dtype, MAX_SCALARS
 * scalars, MAX_NODES nodes, rank MAXRANK, in float64; store or reduce. */
static void at_limits(bool reduce)
{
    const nda_dtype d = NDA_FLOAT64;
    static const char lays[3] = {NDA_LAYOUT_STRIDED, NDA_LAYOUT_ROWS, NDA_LAYOUT_ZERO};
    nda_fused_spec s;
    if (reduce)
        spec_reduce(&s, NDA_FUSED_MAXRANK, true, NDA_OP_ADD, d, d, CPU_RED_CHUNK);
    else
        spec_store(&s, NDA_FUSED_MAXRANK, true, NDA_FLOAT32, NDA_LAYOUT_ROWS, ROW_CHUNK);
    nda_fused_ref v = cast(&s, d, leaf(&s, NDA_BOOL, lays[0]));
    for (int k = 1; k < NDA_FUSED_MAX_LEAVES; k++)
        v = n2(&s, NDA_OP_ADD, d, d, d, v, leaf(&s, (nda_dtype)(k % NDA_NTYPES), lays[k % 3]));
    for (int k = 0; k < NDA_FUSED_MAX_SCALARS; k++)
        v = n2(&s, k % 2 ? NDA_OP_MULTIPLY : NDA_OP_SUBTRACT, d, d, d, v,
               scalar(&s, (nda_dtype)(k % NDA_NTYPES)));
    nda_fused_ref prev = (nda_fused_ref){NDA_REF_NODE, (short)(s.nnodes - 2)};
    while (s.nnodes < NDA_FUSED_MAX_NODES) {
        nda_fused_ref cur = v;
        v = n2(&s, s.nnodes % 2 ? NDA_OP_MAXIMUM : NDA_OP_ADD, d, d, d, v, prev);
        prev = cur;
    }
    add(&s, reduce ? "limits: 16 leaves, 32 scalars, 96 nodes, rank 8, sum"
                   : "limits: 16 leaves, 32 scalars, 96 nodes, rank 8, store chunk256");
}

/* Gather nodes (src[off + idx]) for every dtype, fused with arithmetic and
 * in a reduction, and scatter stores (out[off_o + idx] = value). */
static void gen_gathers(void)
{
    for (int t = 0; t < NDA_NTYPES; t++) {
        for (int v = 0; v < 3; v++) {
            nda_fused_spec s;
            bool idx64 = v == 1;
            if (v < 2) spec_store(&s, v == 0 ? 1 : 3, idx64, (nda_dtype)t, v == 0 ? NDA_LAYOUT_CONTIG : NDA_LAYOUT_STRIDED, 0);
            else spec_reduce(&s, 1, false, NDA_OP_MAXIMUM, (nda_dtype)t, (nda_dtype)t, 4);
            nda_fused_ref idx = leaf(&s, NDA_INT64, v == 0 ? NDA_LAYOUT_CONTIG : NDA_LAYOUT_STRIDED);
            nda_fused_ref src = leaf(&s, (nda_dtype)t, NDA_LAYOUT_GATHER);
            nda_fused_ref g = n1(&s, NDA_OP_GATHER, NDA_INT64, (nda_dtype)t, idx);
            s.node[g.index].gather_leaf = src.index;
            char what[96];
            snprintf(what, sizeof what, "gather %s %s", dn((nda_dtype)t), v == 2 ? "max" : "store");
            add(&s, what);
        }
        /* scatter: out[off_o + idx] = value (+ a gathered operand) */
        nda_fused_spec s;
        spec_store(&s, 2, t % 2 == 0, (nda_dtype)t, NDA_LAYOUT_GATHER, 0);
        nda_fused_ref idx = leaf(&s, NDA_INT64, NDA_LAYOUT_STRIDED);
        nda_fused_ref val = leaf(&s, (nda_dtype)t, NDA_LAYOUT_ZERO);
        s.out_offset = idx;
        s.result = val;
        char what[96];
        snprintf(what, sizeof what, "scatter %s", dn((nda_dtype)t));
        add(&s, what);
    }
}

/* Rolled leaves (layout 'W', wrapped coordinates: numpy.roll fused) of
 * every dtype, in the heat step u + c * (n + s + w + e - 4u) of ranks 1 to
 * 3 (GPU form), 64-bit indices on rank 3, and the row-chunked form. */
static void gen_rolls(void)
{
    for (int t = 0; t < NDA_NTYPES; t++) {
        for (int v = 0; v < 4; v++) {
            nda_dtype d = (nda_dtype)t;
            int rank = v < 3 ? v + 1 : 2;
            nda_fused_spec s;
            spec_store(&s, rank, rank == 3, d, rank == 1 ? NDA_LAYOUT_CONTIG : NDA_LAYOUT_ROWS,
                       v == 3 ? ROW_CHUNK : 0);
            nda_fused_ref u = leaf(&s, d, rank == 1 ? NDA_LAYOUT_CONTIG : NDA_LAYOUT_ROWS);
            nda_fused_ref sum = leaf(&s, d, NDA_LAYOUT_WRAP);
            for (int k = 0; k < 3; k++) sum = n2(&s, NDA_OP_ADD, d, d, d, sum, leaf(&s, d, NDA_LAYOUT_WRAP));
            nda_fused_ref c = scalar(&s, d);
            sum = n2(&s, NDA_OP_SUBTRACT, d, d, d, sum, n2(&s, NDA_OP_MULTIPLY, d, d, d, u, c));
            n2(&s, NDA_OP_ADD, d, d, d, u, n2(&s, NDA_OP_MULTIPLY, d, d, d, sum, c));
            char what[96];
            snprintf(what, sizeof what, "roll heat %s rank%d%s", dn(d), rank, v == 3 ? " chunk256" : "");
            add(&s, what);
        }
    }
}

static void gen_dags(void)
{
    gen_rolls();

    laplace(NDA_FLOAT32, false, 0, NDA_LAYOUT_ROWS);
    laplace(NDA_FLOAT32, false, ROW_CHUNK, NDA_LAYOUT_ROWS);
    laplace(NDA_FLOAT32, true, ROW_CHUNK, NDA_LAYOUT_STRIDED);
    laplace(NDA_FLOAT64, true, 0, NDA_LAYOUT_ROWS);
    laplace(NDA_FLOAT64, false, ROW_CHUNK, NDA_LAYOUT_ROWS);
    laplace(NDA_FLOAT16, false, ROW_CHUNK, NDA_LAYOUT_ROWS);

    mixed(1, false, 0, "CCCC", NDA_LAYOUT_CONTIG);
    mixed(1, true, 0, "SZCS", NDA_LAYOUT_STRIDED);
    mixed(3, true, 0, "SZRS", NDA_LAYOUT_ROWS);
    mixed(2, false, ROW_CHUNK, "RSZR", NDA_LAYOUT_STRIDED);

    intbits(1, false, "CCZ", NDA_LAYOUT_CONTIG);
    intbits(3, true, "RSZ", NDA_LAYOUT_STRIDED);

    complex_chain(NDA_COMPLEX64, 1, false, 0, "CC", NDA_LAYOUT_CONTIG);
    complex_chain(NDA_FLOAT32, 2, true, 0, "RZ", NDA_LAYOUT_ROWS);
    complex_chain(NDA_INT16, 2, false, ROW_CHUNK, "SR", NDA_LAYOUT_ROWS);

    half_chain(1, 0, NDA_LAYOUT_CONTIG);
    half_chain(2, ROW_CHUNK, NDA_LAYOUT_ROWS);

    /* Shared subexpressions: d = x - y; d*d + d (x strided, y broadcast). */
    for (int rank = 1; rank <= 2; rank++) {
        nda_fused_spec s;
        const nda_dtype d = NDA_FLOAT64;
        spec_store(&s, rank, rank == 2, d, NDA_LAYOUT_STRIDED, rank == 2 ? ROW_CHUNK : 0);
        nda_fused_ref x = leaf(&s, d, NDA_LAYOUT_STRIDED), y = leaf(&s, d, NDA_LAYOUT_ZERO);
        nda_fused_ref df = n2(&s, NDA_OP_SUBTRACT, d, d, d, x, y);
        n2(&s, NDA_OP_ADD, d, d, d, n2(&s, NDA_OP_MULTIPLY, d, d, d, df, df), df);
        add(&s, rank == 1 ? "shared (x-y)^2+(x-y) rank1" : "shared (x-y)^2+(x-y) rank2 chunk256");
    }

    /* Fill: a scalar stored (and converted) with no leaf. */
    {
        nda_fused_spec s;
        spec_store(&s, 3, true, NDA_BOOL, NDA_LAYOUT_STRIDED, 0);
        s.result = scalar(&s, NDA_COMPLEX128);
        add(&s, "fill complex128 scalar -> bool rank3");
        spec_store(&s, 2, false, NDA_FLOAT16, NDA_LAYOUT_ROWS, ROW_CHUNK);
        s.result = scalar(&s, NDA_UINT64);
        add(&s, "fill uint64 scalar -> float16 rank2 chunk256");
        spec_store(&s, 1, false, NDA_INT8, NDA_LAYOUT_CONTIG, 0);
        s.result = scalar(&s, NDA_FLOAT16);
        add(&s, "fill float16 scalar -> int8 rank1");
    }

    /* Chunked copy between dtypes (no node): float16 rows -> float64 strided. */
    {
        nda_fused_spec s;
        spec_store(&s, 2, false, NDA_FLOAT64, NDA_LAYOUT_STRIDED, ROW_CHUNK);
        s.result = leaf(&s, NDA_FLOAT16, NDA_LAYOUT_ROWS);
        add(&s, "store float16 rows -> float64 strided chunk256");
    }

    at_limits(false);
    at_limits(true);
}

/* ---- compilation ---- */

static int cmp_key(const void *a, const void *b)
{
    const job *x = &g_jobs[*(const int *)a], *y = &g_jobs[*(const int *)b];
    int c = strcmp(x->key, y->key);
    return c ? c : (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* Equal keys must mean equal sources (the key is the kernel cache key);
 * a repeated spec compiles once. Returns the number of collisions. */
static int check_keys(int *ndup)
{
    int *ix = malloc((size_t)(g_njobs ? g_njobs : 1) * sizeof *ix), bad = 0;
    if (ix == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    for (int i = 0; i < g_njobs; i++)
        ix[i] = i;
    qsort(ix, (size_t)g_njobs, sizeof *ix, cmp_key);
    *ndup = 0;
    for (int i = 1; i < g_njobs; i++) {
        job *p = &g_jobs[ix[i - 1]], *j = &g_jobs[ix[i]];
        if (strcmp(p->key, j->key) != 0)
            continue;
        if (strcmp(p->source, j->source) != 0) {
            fprintf(stderr, "FAIL key collision: '%s' and '%s' share key %s with different "
                            "sources\n", p->label, j->label, j->key);
            bad++;
        }
        j->dup = 1;
        ++*ndup;
    }
    free(ix);
    return bad;
}

/* Batches: kernels with the same prelude compile as one NVRTC program,
 * each kernel's helpers and entry point inside its own namespace with the
 * entry renamed nda_fused_<k> (NVRTC's fixed cost per program is most of a
 * small kernel's compile time). A batch that fails compiles each of its
 * kernels alone, so failures report the exact standalone source and log.
 * Kernels whose source does not start with a known prelude or that contain
 * preprocessor lines after it always compile alone. */
typedef struct batch {
    int first, n; /* into g_order */
    int prelude;  /* index into g_prelude; -1: compile alone */
} batch;

static int *g_order;
static batch *g_batches;
static int g_nbatches, g_single, g_batch_max = 24;
static nda_strbuf g_prelude[2]; /* fp64 false, true */

/* Which prelude `src` starts with (the fp64 one extends the other). */
static int prelude_of(const char *src)
{
    for (int p = 1; p >= 0; p--) {
        size_t len = g_prelude[p].len;
        if (g_prelude[p].data && strncmp(src, g_prelude[p].data, len) == 0 &&
            strchr(src + len, '#') == NULL)
            return p;
    }
    return -1;
}

static void make_batches(int nthreads)
{
    g_order = malloc((size_t)(g_njobs ? g_njobs : 1) * sizeof *g_order);
    g_batches = malloc((size_t)(g_njobs ? g_njobs : 1) * sizeof *g_batches);
    if (g_order == NULL || g_batches == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    /* Small runs: keep every thread busy. */
    int per = g_njobs / (4 * nthreads);
    int bmax = g_single ? 1 : per < 1 ? 1 : per < g_batch_max ? per : g_batch_max;
    int no = 0;
    for (int p = -1; p <= 1; p++) {
        for (int i = 0; i < g_njobs; i++) {
            int jp = strcmp(g_jobs[i].entry, NDA_FUSED_KERNEL_NAME) == 0
                         ? prelude_of(g_jobs[i].source) : -1;
            if (g_jobs[i].dup || jp != p)
                continue;
            batch *b = g_nbatches ? &g_batches[g_nbatches - 1] : NULL;
            if (b == NULL || p < 0 || b->prelude != p || b->n == bmax) {
                b = &g_batches[g_nbatches++];
                b->first = no;
                b->n = 0;
                b->prelude = p;
            }
            g_order[no++] = i;
            b->n++;
        }
    }
}

/* Compiles src; on success *ptx is the PTX (malloc'd), else NULL. */
static int nv_compile(const char *src, char **ptx, char *why, size_t len, char **log)
{
    nda_nvrtc_output out;
    int rc = nda_nvrtc_compile(g_nv, src, "nda_kernel.cu", ARCH, 0, k_opts,
                               (int)(sizeof k_opts / sizeof k_opts[0]), NULL, &out, why, len);
    *ptx = NULL;
    if (rc == NDA_OK && out.is_cubin) {
        rc = NDA_ECOMPILE;
        snprintf(why, len, "CUBIN where PTX was asked for");
    } else if (rc == NDA_OK) {
        *ptx = out.code;
        out.code = NULL;
    }
    if (log != NULL) {
        *log = out.log;
        out.log = NULL;
    }
    nda_nvrtc_output_free(&out);
    return rc;
}

/* Whether the PTX defines entry point `name` (extern "C": names are kept). */
static bool has_entry(const char *ptx, const char *name)
{
    char entry[96];
    snprintf(entry, sizeof entry, ".entry %.80s(", name);
    return ptx != NULL && strstr(ptx, entry) != NULL;
}

static void compile_alone(job *j)
{
    char *ptx = NULL;
    j->rc = nv_compile(j->source, &ptx, j->why, sizeof j->why, &j->log);
    if (j->rc == NDA_OK && !has_entry(ptx, j->entry)) {
        j->rc = NDA_ECOMPILE;
        snprintf(j->why, sizeof j->why, "no '.entry %s(' in the PTX", j->entry);
    }
    free(ptx);
}

static void compile_batch(const batch *b)
{
    if (b->n == 1 || b->prelude < 0) {
        for (int k = 0; k < b->n; k++)
            compile_alone(&g_jobs[g_order[b->first + k]]);
        return;
    }
    const nda_strbuf *pre = &g_prelude[b->prelude];
    nda_strbuf src;
    nda_strbuf_init(&src);
    nda_strbuf_puts(&src, pre->data);
    for (int k = 0; k < b->n; k++)
        nda_strbuf_printf(&src, "namespace nda_batch_%d {\n#define %s %s_%d\n%s#undef %s\n}\n", k,
                          NDA_FUSED_KERNEL_NAME, NDA_FUSED_KERNEL_NAME, k,
                          g_jobs[g_order[b->first + k]].source + pre->len, NDA_FUSED_KERNEL_NAME);
    char why[4200], *ptx = NULL, *log = NULL;
    int rc = nda_strbuf_status(&src);
    if (rc == NDA_OK)
        rc = nv_compile(src.data, &ptx, why, sizeof why, &log);
    for (int k = 0; rc == NDA_OK && k < b->n; k++) {
        char name[64];
        snprintf(name, sizeof name, "%s_%d", NDA_FUSED_KERNEL_NAME, k);
        if (!has_entry(ptx, name)) {
            rc = NDA_ECOMPILE;
            snprintf(why, sizeof why, "no '.entry %s(' in the PTX", name);
        }
    }
    if (rc == NDA_OK) {
        for (int k = 0; k < b->n; k++)
            g_jobs[g_order[b->first + k]].rc = NDA_OK;
    } else {
        int bad = 0;
        for (int k = 0; k < b->n; k++) {
            job *j = &g_jobs[g_order[b->first + k]];
            compile_alone(j);
            bad += j->rc != NDA_OK;
        }
        if (bad == 0) { /* the batching, not a kernel: say so, fail nothing */
            const char *nl = strchr(why, '\n');
            fprintf(stderr, "warning: a batch of %d kernels failed (%.*s) but each compiled "
                            "alone (first: %s)\n", b->n, nl ? (int)(nl - why) : (int)strlen(why),
                    why, g_jobs[g_order[b->first]].label);
        }
    }
    free(ptx);
    free(log);
    nda_strbuf_free(&src);
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&g_lock);
        int i = g_next < g_nbatches ? g_next++ : -1;
        pthread_mutex_unlock(&g_lock);
        if (i < 0)
            return NULL;
        compile_batch(&g_batches[i]);
    }
}

int main(int argc, char **argv)
{
    char why[2048];
    int passed = 0, failed = 0, ndup = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            g_verbose = 1;
        else if (strcmp(argv[i], "-1") == 0)
            g_single = 1;
        else
            g_filter = argv[i];
    }
    g_nv = nda_nvrtc_load(why, sizeof why);
    if (g_nv == NULL) {
        fprintf(stderr, "FAIL: %s\n0 passed, 1 failed\n", why);
        return 1;
    }
    printf("info: NVRTC %d.%d from %s, --gpu-architecture=%s\n", g_nv->major, g_nv->minor,
           g_nv->path, ARCH);

    double t0 = now_s();
    gen_ops();
    gen_casts();
    gen_reductions();
    gen_sum_of_products();
    gen_max_of_differences();
    gen_dags();
    gen_axes();
    gen_random();
    gen_bins();
    gen_argext();
    gen_sorts();
    gen_scans();
    gen_gathers();
    g_gen_failed += check_keys(&ndup);
    double t1 = now_s();

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = ncpu < 1 ? 1 : ncpu > MAX_THREADS ? MAX_THREADS : (int)ncpu;
    for (int p = 0; p < 2; p++) {
        nda_strbuf_init(&g_prelude[p]);
        nda_dialect_prelude(&g_prelude[p], NDA_DIALECT_CUDA, p == 1);
    }
    make_batches(nthreads);
    pthread_t th[MAX_THREADS];
    int started = 0;
    for (int i = 0; i < nthreads; i++)
        if (pthread_create(&th[started], NULL, worker, NULL) == 0)
            started++;
    if (started == 0)
        worker(NULL);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    double t2 = now_s();

    for (int i = 0; i < g_njobs; i++) {
        job *j = &g_jobs[i];
        if (j->dup) {
            if (g_verbose)
                printf("dup  %s\n", j->label);
        } else {
            if (g_verbose)
                printf("%s %s\n", j->rc == NDA_OK ? "ok  " : "FAIL", j->label);
            if (j->rc == NDA_OK) {
                passed++;
            } else if (++failed <= MAX_FULL_REPORTS) {
                fprintf(stderr,
                        "FAIL compile %s: %s\n---- NVRTC log ----\n%s\n---- source ----\n%s"
                        "---- end ----\n",
                        j->label, j->why, j->log ? j->log : "(none)", j->source);
            } else {
                /* Later failures: one line each (the first ones show the source). */
                const char *nl = strchr(j->why, '\n');
                fprintf(stderr, "FAIL compile %s: %.*s\n", j->label,
                        nl ? (int)(nl - j->why) : (int)strlen(j->why), j->why);
            }
        }
        free(j->key);
        free(j->source);
        free(j->log);
    }
    free(g_jobs);
    free(g_order);
    free(g_batches);
    for (int p = 0; p < 2; p++)
        nda_strbuf_free(&g_prelude[p]);
    printf("info: %d kernels generated (%d repeated specs compiled once) in %.2f s, compiled "
           "with NVRTC in %.2f s as %d programs on %d thread(s)\n",
           passed + failed, ndup, t1 - t0, t2 - t1, g_nbatches, started ? started : 1);
    failed += g_gen_failed;
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
