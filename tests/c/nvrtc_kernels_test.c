/* Every generated CUDA kernel compiles: no GPU needed, only NVRTC.
 *
 * Generates, with the CUDA dialect, for both generators (gen_elementwise /
 * gen_reduce, and kernels/fused.h which the core launches):
 *   - the kernel of every loop signature of every operation in
 *     kernels/ops.h (rank 1 contiguous with 32-bit indices, and rank 3
 *     strided with 64-bit indices and, for operations with several inputs,
 *     a scalar last operand), plus where(bool, T, T) for every T (fused);
 *   - casts between every pair of dtypes (NDA_OP_COPY; fused also a plain
 *     store of one dtype into another);
 *   - the sum/prod/max/min reductions of every dtype with the accumulator
 *     and result dtypes core/reduce.c uses (both passes);
 * and compiles each with NVRTC for compute_90 (PTX) with the plugin's
 * options. A failure prints the kernel, the NVRTC log and the source (the
 * first MAX_FULL_REPORTS in full, later ones as one line each).
 *
 * Compiles run on a few threads (NVRTC is thread-safe).
 * Usage: nvrtc_kernels_test [-v] [substring]   (only kernels whose label
 * contains substring; -v lists every kernel). Prints "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/cuda/nvrtc_loader.h"
#include "kernels/gen_elementwise.h"
#include "kernels/gen_reduce.h"
/* kernels/fused.h repeats gen_elementwise.h's NDA_LAYOUT_* enumerators
 * (same values): rename its copies so that both headers fit in one file. */
#define NDA_LAYOUT_CONTIG NDA_FUSED_LAYOUT_CONTIG_
#define NDA_LAYOUT_STRIDED NDA_FUSED_LAYOUT_STRIDED_
#define NDA_LAYOUT_ZERO NDA_FUSED_LAYOUT_ZERO_
#include "kernels/fused.h"
#undef NDA_LAYOUT_CONTIG
#undef NDA_LAYOUT_STRIDED
#undef NDA_LAYOUT_ZERO
#include "kernels/ops.h"
#include "kernels/strbuf.h"
#include "nda/dtype.h"
#include "nda/error.h"

#define ARCH "compute_90"
#define MAX_THREADS 16
#define MAX_FULL_REPORTS 10 /* failures printed with their log and source */

/* The options the CUDA plugin compiles with (cuda_program.c). */
static const char *const k_opts[] = {"--fmad=false"};

typedef struct job {
    char label[320];
    const char *entry; /* kernel name that must appear in the PTX */
    char *source;
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

/* Takes ownership of the source in `b` (or reports a generator failure). */
static void job_add(const char *label, const char *entry, int gen_rc, nda_strbuf *b)
{
    if (g_filter != NULL && strstr(label, g_filter) == NULL) {
        nda_strbuf_free(b);
        return;
    }
    if (gen_rc != NDA_OK || b->data == NULL) {
        fprintf(stderr, "FAIL generate %s: %d %s\n", label, gen_rc, nda_error_message());
        g_gen_failed++;
        nda_strbuf_free(b);
        return;
    }
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
    j->entry = entry;
    j->source = b->data; /* strbuf memory is plain malloc'd */
    b->data = NULL;
    nda_strbuf_free(b);
}

/* ---- generation ---- */

static void ew_add(const nda_ew_spec *s, const char *what)
{
    char label[320], key[256];
    nda_strbuf b;

    nda_ew_spec_key(s, key, sizeof key);
    snprintf(label, sizeof label, "%s [%s]", what, key);
    nda_strbuf_init(&b);
    int rc = nda_ew_source(s, NDA_DIALECT_CUDA, &b);
    job_add(label, NDA_EW_KERNEL_NAME, rc, &b);
}

/* Both layouts of one loop: rank 1 contiguous (32-bit), rank 3 strided
 * (64-bit) with the second operand a scalar. */
static void ew_loop(nda_op op, int nin, const nda_dtype *in, nda_dtype out, const char *sig)
{
    const nda_op_desc *desc = nda_op_describe(op);
    char what[96];
    nda_ew_spec s;

    memset(&s, 0, sizeof s);
    s.op = op;
    s.nin = nin;
    s.loop_out = out;
    s.out_dtype = out;
    for (int k = 0; k < nin; k++) {
        s.loop_in[k] = in[k];
        s.in_dtype[k] = in[k];
    }
    s.rank = 1;
    memcpy(s.layout, "CCC", 3);
    s.idx64 = false;
    snprintf(what, sizeof what, "%s %s rank1", desc->name, sig);
    ew_add(&s, what);

    s.rank = 3;
    memcpy(s.layout, "SSS", 3);
    s.idx64 = true;
    if (nin == 2) {
        s.in_scalar[1] = true;
        s.layout[2] = NDA_LAYOUT_ZERO;
    }
    snprintf(what, sizeof what, "%s %s rank3%s", desc->name, sig, nin == 2 ? "+scalar" : "");
    ew_add(&s, what);
}

/* Every "ab->c" signature of every operation. */
static void gen_ops(void)
{
    for (int op = 0; op < NDA_NOPS; op++) {
        const nda_op_desc *desc = nda_op_describe((nda_op)op);
        if (op == NDA_OP_COPY)
            continue;
        const char *p = desc->loops;
        while (*p != '\0') {
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
            if (nin <= 2) /* gen_elementwise takes at most two inputs */
                ew_loop((nda_op)op, nin, in, (nda_dtype)out, sig);
        }
    }
}

/* NDA_OP_COPY from every dtype to every dtype (the loop type is the output
 * dtype, as core/array.c's copy_kernel uses it), plus a strided rank-3
 * same-type copy per dtype. */
static void gen_casts(void)
{
    for (int from = 0; from < NDA_NTYPES; from++) {
        for (int to = 0; to < NDA_NTYPES; to++) {
            nda_ew_spec s;
            char what[96];
            memset(&s, 0, sizeof s);
            s.op = NDA_OP_COPY;
            s.nin = 1;
            s.loop_in[0] = (nda_dtype)to;
            s.in_dtype[0] = (nda_dtype)from;
            s.loop_out = (nda_dtype)to;
            s.out_dtype = (nda_dtype)to;
            s.rank = 1;
            memcpy(s.layout, "CC", 2);
            snprintf(what, sizeof what, "cast %s->%s", nda_dtype_name((nda_dtype)from),
                     nda_dtype_name((nda_dtype)to));
            ew_add(&s, what);
            if (from == to) {
                s.rank = 3;
                memcpy(s.layout, "SS", 2);
                s.idx64 = true;
                snprintf(what, sizeof what, "copy %s rank3", nda_dtype_name((nda_dtype)to));
                ew_add(&s, what);
            }
        }
    }
}

/* core/reduce.c's sum_dtype. */
static nda_dtype sum_dtype(nda_dtype t)
{
    switch (nda_dtype_kind(t)) {
    case NDA_KIND_BOOL: case NDA_KIND_INT: return NDA_INT64;
    case NDA_KIND_UINT: return NDA_UINT64;
    default: return t;
    }
}

static void red_add(nda_op op, nda_dtype in, nda_dtype acc, nda_dtype out, int rank,
                    char layout, bool idx64)
{
    nda_reduce_spec s;
    char label[320], key[256];
    nda_strbuf b;

    memset(&s, 0, sizeof s);
    s.op = op;
    s.in_dtype = in;
    s.acc = acc;
    s.out_dtype = out;
    s.rank = rank;
    s.layout = layout;
    s.idx64 = idx64;
    s.local_size = 256;
    nda_reduce_spec_key(&s, key, sizeof key);
    snprintf(label, sizeof label, "reduce %s %s->%s->%s [%s]", nda_op_describe(op)->name,
             nda_dtype_name(in), nda_dtype_name(acc), nda_dtype_name(out), key);
    nda_strbuf_init(&b);
    int rc = nda_reduce_source(&s, NDA_DIALECT_CUDA, &b);
    job_add(label, NDA_REDUCE_KERNEL_NAME, rc, &b);
}

/* As core/reduce.c: result res = sum_dtype(t) for add/multiply (t for
 * max/min), accumulator float32 for a float16 sum/prod, else res. Pass 1
 * reads t into res (one group) or into acc partials; pass 2 folds acc
 * partials into res. */
static void gen_reductions(void)
{
    static const nda_op ops[] = {NDA_OP_ADD, NDA_OP_MULTIPLY, NDA_OP_MAXIMUM, NDA_OP_MINIMUM};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        nda_op op = ops[o];
        bool arith = op == NDA_OP_ADD || op == NDA_OP_MULTIPLY;
        for (int ti = 0; ti < NDA_NTYPES; ti++) {
            nda_dtype t = (nda_dtype)ti;
            nda_dtype res = arith ? sum_dtype(t) : t;
            nda_dtype acc = res == NDA_FLOAT16 && arith ? NDA_FLOAT32 : res;
            red_add(op, t, acc, res, 1, NDA_LAYOUT_CONTIG, false);
            red_add(op, t, acc, res, 3, NDA_LAYOUT_STRIDED, true);
            if (acc != res) {
                red_add(op, t, acc, acc, 1, NDA_LAYOUT_CONTIG, false);
                red_add(op, acc, acc, res, 1, NDA_LAYOUT_CONTIG, false);
            } else if (t != acc) {
                red_add(op, acc, acc, res, 1, NDA_LAYOUT_CONTIG, false);
            }
        }
    }
}

/* ---- fused kernels (what the core launches) ---- */

static void fused_add(const nda_fused_spec *s, const char *what)
{
    char label[320];
    nda_strbuf key, b;

    nda_strbuf_init(&key);
    nda_fused_key(s, &key);
    snprintf(label, sizeof label, "fused %s [%s]", what, key.data ? key.data : "");
    nda_strbuf_free(&key);
    nda_strbuf_init(&b);
    int rc = nda_fused_source(s, NDA_DIALECT_CUDA, &b);
    job_add(label, NDA_FUSED_KERNEL_NAME, rc, &b);
}

/* One operation over its leaves, stored: rank 1 contiguous (32-bit), and
 * rank 3 (64-bit) with strided/row leaves, row output and, for several
 * inputs, the last operand a scalar. */
static void fused_loop(nda_op op, int nin, const nda_dtype *in, nda_dtype out, const char *sig)
{
    const char *name = nda_op_describe(op)->name;
    char what[96];
    nda_fused_spec s;

    memset(&s, 0, sizeof s);
    s.nnodes = 1;
    s.node[0].op = op;
    s.node[0].nin = nin;
    s.node[0].loop_out = out;
    s.nleaves = nin;
    for (int k = 0; k < nin; k++) {
        s.node[0].loop_in[k] = in[k];
        s.node[0].arg[k] = (nda_fused_ref){NDA_REF_LEAF, (short)k};
        s.leaf_dtype[k] = in[k];
        s.leaf_layout[k] = 'C';
    }
    s.result = (nda_fused_ref){NDA_REF_NODE, 0};
    s.out_dtype = out;
    s.out_layout = 'C';
    s.rank = 1;
    snprintf(what, sizeof what, "%s %s rank1", name, sig);
    fused_add(&s, what);

    s.rank = 3;
    s.idx64 = true;
    s.out_layout = NDA_LAYOUT_ROWS;
    for (int k = 0; k < nin; k++)
        s.leaf_layout[k] = k == 0 ? 'S' : NDA_LAYOUT_ROWS;
    if (nin > 1) {
        s.nleaves = nin - 1;
        s.nscalars = 1;
        s.scalar_dtype[0] = in[nin - 1];
        s.node[0].arg[nin - 1] = (nda_fused_ref){NDA_REF_SCALAR, 0};
    }
    snprintf(what, sizeof what, "%s %s rank3%s", name, sig, nin > 1 ? "+scalar" : "");
    fused_add(&s, what);
}

static void gen_fused_ops(void)
{
    for (int op = 0; op < NDA_NOPS; op++) {
        const nda_op_desc *desc = nda_op_describe((nda_op)op);
        if (op == NDA_OP_COPY || desc->loops[0] == '\0')
            continue;
        const char *p = desc->loops;
        while (*p != '\0') {
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
            if (bad || out < 0 || arrow[3] != '\0')
                continue; /* reported by gen_ops */
            fused_loop((nda_op)op, nin, in, (nda_dtype)out, sig);
        }
    }
    /* Operations without a loop list, typed as the core resolves them. */
    for (int op = 0; op < NDA_NOPS; op++) {
        const nda_op_desc *desc = nda_op_describe((nda_op)op);
        if (op == NDA_OP_COPY || desc->loops[0] != '\0')
            continue;
        if (strcmp(desc->name, "where") != 0 || desc->nin != 3) {
            fprintf(stderr, "FAIL: operation '%s' has no loop signatures and no known typing\n",
                    desc->name);
            g_gen_failed++;
            continue;
        }
        for (int t = 0; t < NDA_NTYPES; t++) { /* where(cond, x, y): (bool, T, T) -> T */
            nda_dtype in[3] = {NDA_BOOL, (nda_dtype)t, (nda_dtype)t};
            char sig[16];
            snprintf(sig, sizeof sig, "?%c%c->%c", nda_dtype_char(in[1]), nda_dtype_char(in[1]),
                     nda_dtype_char(in[1]));
            fused_loop((nda_op)op, 3, in, (nda_dtype)t, sig);
        }
    }
}

/* Every dtype into every other: a plain store (nda_emit_store_value) and a
 * COPY node (nda_emit_convert), rank 1 contiguous. */
static void gen_fused_casts(void)
{
    for (int from = 0; from < NDA_NTYPES; from++) {
        for (int to = 0; to < NDA_NTYPES; to++) {
            nda_fused_spec s;
            char what[96];
            memset(&s, 0, sizeof s);
            s.nleaves = 1;
            s.leaf_dtype[0] = (nda_dtype)from;
            s.leaf_layout[0] = 'C';
            s.result = (nda_fused_ref){NDA_REF_LEAF, 0};
            s.out_dtype = (nda_dtype)to;
            s.out_layout = 'C';
            s.rank = 1;
            snprintf(what, sizeof what, "store %s->%s", nda_dtype_name((nda_dtype)from),
                     nda_dtype_name((nda_dtype)to));
            fused_add(&s, what);
            s.nnodes = 1;
            s.node[0].op = NDA_OP_COPY;
            s.node[0].nin = 1;
            s.node[0].loop_in[0] = (nda_dtype)to;
            s.node[0].loop_out = (nda_dtype)to;
            s.node[0].arg[0] = (nda_fused_ref){NDA_REF_LEAF, 0};
            s.result = (nda_fused_ref){NDA_REF_NODE, 0};
            snprintf(what, sizeof what, "cast %s->%s", nda_dtype_name((nda_dtype)from),
                     nda_dtype_name((nda_dtype)to));
            fused_add(&s, what);
        }
    }
}

static void fused_red(nda_op op, nda_dtype in, nda_dtype acc, nda_dtype out, int rank,
                      char layout, bool idx64, bool product)
{
    nda_fused_spec s;
    char what[128];

    memset(&s, 0, sizeof s);
    s.nleaves = product ? 2 : 1;
    for (int k = 0; k < s.nleaves; k++) {
        s.leaf_dtype[k] = in;
        s.leaf_layout[k] = layout;
    }
    s.result = (nda_fused_ref){NDA_REF_LEAF, 0};
    if (product) { /* e.g. sum(x * y): a node feeding the fold */
        s.nnodes = 1;
        s.node[0].op = NDA_OP_MULTIPLY;
        s.node[0].nin = 2;
        s.node[0].loop_in[0] = s.node[0].loop_in[1] = s.node[0].loop_out = in;
        s.node[0].arg[0] = (nda_fused_ref){NDA_REF_LEAF, 0};
        s.node[0].arg[1] = (nda_fused_ref){NDA_REF_LEAF, 1};
        s.result = (nda_fused_ref){NDA_REF_NODE, 0};
    }
    s.reduce = true;
    s.reduce_op = op;
    s.acc = acc;
    s.out_dtype = out;
    s.local_size = 256;
    s.rank = rank;
    s.idx64 = idx64;
    snprintf(what, sizeof what, "reduce %s%s %s->%s->%s rank%d", nda_op_describe(op)->name,
             product ? "(x*y)" : "", nda_dtype_name(in), nda_dtype_name(acc),
             nda_dtype_name(out), rank);
    fused_add(&s, what);
}

/* As gen_reductions, through the fused reduce sink (core/reduce.c ->
 * nda_expr_reduce). */
static void gen_fused_reductions(void)
{
    static const nda_op ops[] = {NDA_OP_ADD, NDA_OP_MULTIPLY, NDA_OP_MAXIMUM, NDA_OP_MINIMUM};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        nda_op op = ops[o];
        bool arith = op == NDA_OP_ADD || op == NDA_OP_MULTIPLY;
        for (int ti = 0; ti < NDA_NTYPES; ti++) {
            nda_dtype t = (nda_dtype)ti;
            nda_dtype res = arith ? sum_dtype(t) : t;
            nda_dtype acc = res == NDA_FLOAT16 && arith ? NDA_FLOAT32 : res;
            fused_red(op, t, acc, res, 1, 'C', false, false);
            fused_red(op, t, acc, res, 3, 'S', true, false);
            if (acc != res)
                fused_red(op, t, acc, acc, 1, 'C', false, false);
            if (t != acc)
                fused_red(op, acc, acc, res, 1, 'C', false, false);
            if (op == NDA_OP_ADD)
                fused_red(op, t, acc, res, 2, NDA_LAYOUT_ROWS, false, true);
        }
    }
}

/* ---- compilation ---- */

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&g_lock);
        int i = g_next < g_njobs ? g_next++ : -1;
        pthread_mutex_unlock(&g_lock);
        if (i < 0)
            return NULL;
        job *j = &g_jobs[i];
        nda_nvrtc_output out;
        j->rc = nda_nvrtc_compile(g_nv, j->source, "nda_kernel.cu", ARCH, 0, k_opts,
                                  (int)(sizeof k_opts / sizeof k_opts[0]), NULL, &out, j->why,
                                  sizeof j->why);
        if (j->rc == NDA_OK) {
            /* extern "C": the entry point keeps its name. */
            char entry[64];
            snprintf(entry, sizeof entry, ".entry %s(", j->entry);
            if (out.is_cubin || strstr((const char *)out.code, entry) == NULL) {
                j->rc = NDA_ECOMPILE;
                snprintf(j->why, sizeof j->why, "no '%s' in the PTX", entry);
            }
        }
        j->log = out.log;
        out.log = NULL;
        nda_nvrtc_output_free(&out);
    }
}

int main(int argc, char **argv)
{
    char why[2048];
    int passed = 0, failed = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            g_verbose = 1;
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
    gen_fused_ops();
    gen_fused_casts();
    gen_fused_reductions();
    double t1 = now_s();

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = ncpu < 1 ? 1 : ncpu > MAX_THREADS ? MAX_THREADS : (int)ncpu;
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
        free(j->source);
        free(j->log);
    }
    free(g_jobs);
    printf("info: %d kernels generated in %.2f s, compiled with NVRTC in %.2f s on %d "
           "thread(s)\n",
           passed + failed, t1 - t0, t2 - t1, started ? started : 1);
    failed += g_gen_failed;
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
