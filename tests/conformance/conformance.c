/* The backend conformance checks (see conformance.h). */
#define _POSIX_C_SOURCE 200809L
#include "tests/conformance/conformance.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/error.h"
#include "tests/c/test_util.h"
#include "tests/conformance/plugin_harness.h"

void conf_info(const nda_backend_ops *ops, const conf_backend *b)
{
    nda_device_info info;
    char tag[2048], prefix[64];
    int count = 0;

    CHECK(ops->device_count(&count) == NDA_OK);
    CHECK(count >= 1);
    CHECK(ops->device_info(0, &info) == NDA_OK);
    CHECK(info.name[0] != '\0');
    CHECK(info.vendor[0] != '\0');
    CHECK(info.platform[0] != '\0');
    CHECK(info.driver_version[0] != '\0');
    CHECK(info.global_mem_bytes > 0);
    CHECK(info.max_alloc_bytes > 0 && info.max_alloc_bytes <= info.global_mem_bytes);
    CHECK(info.max_work_group_size >= 1);
    CHECK(info.compute_units >= 1);
    printf("info: device 0: %s | %s | driver %s | %s | gpu=%d fp64=%d fp16=%d mem=%llu "
           "maxalloc=%llu wg=%zu cu=%d\n",
           info.name, info.vendor, info.driver_version, info.platform, info.is_gpu,
           info.has_fp64, info.has_fp16, (unsigned long long)info.global_mem_bytes,
           (unsigned long long)info.max_alloc_bytes, info.max_work_group_size,
           info.compute_units);

    snprintf(prefix, sizeof prefix, "%s|", b->name);
    CHECK(ops->cache_tag(0, tag, sizeof tag) == NDA_OK);
    CHECK(strncmp(tag, prefix, strlen(prefix)) == 0);
    printf("info: cache tag: %s\n", tag);
    err_clear();
    CHECK(ops->cache_tag(0, tag, 8) == NDA_EVALUE);

    err_clear();
    CHECK(ops->device_info(count, &info) == NDA_ENODEV);
    CHECK(g_err_msg[0] != '\0');
}

/* ---- first use from several threads ---- */

static const nda_backend_ops *g_thread_ops;

static void *first_use_thread(void *arg)
{
    unsigned char src[256], dst[256];
    void *buf = NULL;
    int ok;

    memset(src, (int)(uintptr_t)arg, sizeof src);
    ok = g_thread_ops->buffer_alloc(0, sizeof src, &buf) == NDA_OK &&
         g_thread_ops->copy_to_device(0, buf, 0, src, sizeof src) == NDA_OK &&
         g_thread_ops->copy_to_host(0, dst, buf, 0, sizeof dst) == NDA_OK &&
         memcmp(src, dst, sizeof src) == 0;
    if (buf != NULL)
        g_thread_ops->buffer_free(0, buf);
    return (void *)(uintptr_t)ok;
}

void conf_first_use_threads(const nda_backend_ops *ops)
{
    enum { T = 4 };
    pthread_t th[T];
    void *ok;

    g_thread_ops = ops;
    for (uintptr_t i = 0; i < T; i++)
        CHECK(pthread_create(&th[i], NULL, first_use_thread, (void *)(i + 1)) == 0);
    for (int i = 0; i < T; i++) {
        CHECK(pthread_join(th[i], &ok) == 0);
        CHECK(ok == (void *)1);
    }
}

/* ---- memory ---- */

void conf_memory(const nda_backend_ops *ops, const conf_backend *b)
{
    enum { N = 4096 };
    unsigned char *src = malloc(N), *dst = malloc(N), *ref = malloc(N);
    void *a = NULL, *bb = NULL;

    for (int i = 0; i < N; i++)
        src[i] = (unsigned char)(i * 7 + 3);
    CHECK(ops->buffer_alloc(0, N, &a) == NDA_OK && a != NULL);
    CHECK(ops->buffer_alloc(0, N, &bb) == NDA_OK && bb != NULL);

    /* to device at an offset, back from the same offset */
    CHECK(ops->copy_to_device(0, a, 100, src, 1000) == NDA_OK);
    memset(dst, 0, N);
    CHECK(ops->copy_to_host(0, dst, a, 100, 1000) == NDA_OK);
    CHECK(memcmp(dst, src, 1000) == 0);

    /* device to device with offsets */
    CHECK(ops->copy_to_device(0, bb, 0, src, N) == NDA_OK);
    CHECK(ops->copy_device(0, bb, 17, a, 100, 1000) == NDA_OK);
    CHECK(ops->copy_to_host(0, dst, bb, 0, N) == NDA_OK);
    CHECK(memcmp(dst, src, 17) == 0);
    CHECK(memcmp(dst + 17, src, 1000) == 0);
    CHECK(memcmp(dst + 1017, src + 1017, N - 1017) == 0);

    /* overlapping copies inside one buffer behave like memmove */
    for (int dir = 0; dir < 2; dir++) {
        size_t so = dir ? 10 : 0, dof = dir ? 0 : 10;
        memcpy(ref, src, N);
        memmove(ref + dof, ref + so, 2000);
        CHECK(ops->copy_to_device(0, a, 0, src, N) == NDA_OK);
        CHECK(ops->copy_device(0, a, dof, a, so, 2000) == NDA_OK);
        CHECK(ops->copy_to_host(0, dst, a, 0, N) == NDA_OK);
        CHECK(memcmp(dst, ref, N) == 0);
    }

    /* zero-byte operations are no-ops */
    CHECK(ops->copy_to_device(0, a, 0, src, 0) == NDA_OK);
    CHECK(ops->copy_to_host(0, dst, a, 0, 0) == NDA_OK);
    CHECK(ops->copy_device(0, bb, 0, a, 0, 0) == NDA_OK);

    /* out-of-range copies are errors, not crashes or silent writes */
    err_clear();
    CHECK(ops->copy_to_host(0, dst, a, N - 10, 20) == b->range_error);
    CHECK(strstr(g_err_msg, b->range_message) != NULL);
    CHECK(ops->copy_to_device(0, a, N, src, 1) == b->range_error);
    CHECK(ops->copy_device(0, a, 0, bb, 1, N) == b->range_error);
    CHECK(ops->fill(0, a, N - 2, src, 4, 4) == b->range_error);

    ops->buffer_free(0, a);
    ops->buffer_free(0, bb);
    free(src);
    free(dst);
    free(ref);
}

/* ---- fill ---- */

/* Fills [off, off+nbytes) of a buffer pre-set to 0xEE and checks every byte. */
static int fill_case(const nda_backend_ops *ops, void *buf, size_t cap, size_t off,
                     size_t psize, size_t nbytes)
{
    unsigned char pat[16], *host = malloc(cap);
    int ok = 1;

    for (size_t k = 0; k < psize; k++)
        pat[k] = (unsigned char)(0x11 * (k + 1) + psize);
    memset(host, 0xEE, cap);
    if (ops->copy_to_device(0, buf, 0, host, cap) != NDA_OK ||
        ops->fill(0, buf, off, pat, psize, nbytes) != NDA_OK ||
        ops->copy_to_host(0, host, buf, 0, cap) != NDA_OK) {
        free(host);
        return 0;
    }
    for (size_t i = 0; i < cap; i++) {
        unsigned char want = (i >= off && i < off + nbytes) ? pat[(i - off) % psize] : 0xEE;
        if (host[i] != want) {
            fprintf(stderr, "fill psize=%zu off=%zu n=%zu: byte %zu is %02x, want %02x\n",
                    psize, off, nbytes, i, host[i], want);
            ok = 0;
            break;
        }
    }
    free(host);
    return ok;
}

void conf_fill(const nda_backend_ops *ops)
{
    enum { CAP = 1024 };
    static const size_t sizes[] = {1, 2, 4, 8, 16};
    void *buf = NULL;
    unsigned char pat[32] = {0};

    CHECK(ops->buffer_alloc(0, CAP, &buf) == NDA_OK);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t ps = sizes[s];
        CHECK(fill_case(ops, buf, CAP, 0, ps, CAP));          /* whole buffer */
        CHECK(fill_case(ops, buf, CAP, 4 * ps, ps, 32 * ps)); /* aligned offset */
        CHECK(fill_case(ops, buf, CAP, 3, ps, 20 * ps));      /* unaligned offset */
        CHECK(fill_case(ops, buf, CAP, 1, ps, ps));           /* one pattern, unaligned */
        CHECK(fill_case(ops, buf, CAP, 5, ps, 37 * ps));      /* not a power of two */
    }
    CHECK(ops->fill(0, buf, 0, pat, 4, 0) == NDA_OK);
    err_clear();
    CHECK(ops->fill(0, buf, 0, pat, 3, 9) == NDA_EVALUE);
    CHECK(ops->fill(0, buf, 0, pat, 32, 64) == NDA_EVALUE);
    ops->buffer_free(0, buf);
}

/* ---- programs and launches ---- */

/* Runs kernel `k` on n floats (n not a multiple of 64) and checks
 * x[i] = x[i]*a + 1 and that nothing past n was touched. */
static int run_kernel(const nda_backend_ops *ops, void *kernel)
{
    enum { N = 1000, LOCAL = 64 };
    float host[N + 24];
    float a = 2.5f;
    uint32_t n = N;
    size_t global = (N + LOCAL - 1) / LOCAL * LOCAL;
    void *buf = NULL;
    int ok = 1;

    for (int i = 0; i < N + 24; i++)
        host[i] = (float)i;
    if (ops->buffer_alloc(0, sizeof host, &buf) != NDA_OK)
        return 0;
    nda_kernel_arg args[3] = {
        {NDA_ARG_BUFFER, sizeof(void *), buf},
        {NDA_ARG_SCALAR, sizeof a, &a},
        {NDA_ARG_SCALAR, sizeof n, &n},
    };
    ok = ops->copy_to_device(0, buf, 0, host, sizeof host) == NDA_OK &&
         ops->launch(0, kernel, global, LOCAL, 3, args) == NDA_OK &&
         ops->synchronize(0) == NDA_OK &&
         ops->copy_to_host(0, host, buf, 0, sizeof host) == NDA_OK;
    for (int i = 0; ok && i < N + 24; i++) {
        float want = i < N ? (float)i * a + 1 : (float)i;
        if (host[i] != want) {
            fprintf(stderr, "kernel: x[%d] = %g, want %g\n", i, host[i], want);
            ok = 0;
        }
    }
    ops->buffer_free(0, buf);
    return ok;
}

/* Microbenchmark: launch + synchronize of a tiny kernel, us per launch. */
static void bench_launch(const nda_backend_ops *ops, void *kernel)
{
    enum { ITERS = 2000 };
    float a = 1.0f;
    uint32_t n = 64;
    void *buf = NULL;

    if (ops->buffer_alloc(0, 64 * sizeof(float), &buf) != NDA_OK)
        return;
    nda_kernel_arg args[3] = {
        {NDA_ARG_BUFFER, sizeof(void *), buf},
        {NDA_ARG_SCALAR, sizeof a, &a},
        {NDA_ARG_SCALAR, sizeof n, &n},
    };
    int ok = ops->launch(0, kernel, 64, 64, 3, args) == NDA_OK && ops->synchronize(0) == NDA_OK;
    double t0 = now_s();
    for (int i = 0; ok && i < ITERS; i++)
        ok = ops->launch(0, kernel, 64, 64, 3, args) == NDA_OK && ops->synchronize(0) == NDA_OK;
    double t1 = now_s();
    for (int i = 0; ok && i < ITERS; i++)
        ok = ops->launch(0, kernel, 64, 64, 3, args) == NDA_OK;
    ok = ok && ops->synchronize(0) == NDA_OK;
    double t2 = now_s();
    CHECK(ok);
    printf("info: launch+synchronize: %.1f us/launch; queued launches: %.1f us/launch\n",
           (t1 - t0) * 1e6 / ITERS, (t2 - t1) * 1e6 / ITERS);
    ops->buffer_free(0, buf);
}

/* Freeing a buffer with a launch still queued on it is safe. */
static void free_while_queued(const nda_backend_ops *ops, void *kern)
{
    void *buf = NULL;
    float a = 3.0f;
    uint32_t n = 64;

    CHECK(ops->buffer_alloc(0, 64 * sizeof(float), &buf) == NDA_OK);
    nda_kernel_arg args[3] = {
        {NDA_ARG_BUFFER, sizeof(void *), buf},
        {NDA_ARG_SCALAR, sizeof a, &a},
        {NDA_ARG_SCALAR, sizeof n, &n},
    };
    CHECK(ops->launch(0, kern, 64, 64, 3, args) == NDA_OK);
    ops->buffer_free(0, buf);
    CHECK(ops->synchronize(0) == NDA_OK);
}

/* Damaged binaries are rejected with an error. */
static void damaged_binaries(const nda_backend_ops *ops, const void *bin, size_t nbin)
{
    unsigned char garbage[256];
    void *prog = NULL;

    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (unsigned char)(i * 31 + 7);
    err_clear();
    CHECK(ops->program_load(0, garbage, sizeof garbage, &prog) == NDA_ECOMPILE && !prog);
    CHECK(g_err_msg[0] != '\0');
    /* a truncated real binary too */
    err_clear();
    CHECK(ops->program_load(0, bin, nbin / 2, &prog) != NDA_OK && prog == NULL);
    CHECK(ops->program_load(0, bin, 0, &prog) == NDA_ECOMPILE && prog == NULL);
}

/* Build errors: NDA_ECOMPILE, a log, and the log in the message. */
static void build_errors(const nda_backend_ops *ops, const conf_backend *b)
{
    void *prog = NULL;
    char *log = NULL;

    err_clear();
    CHECK(ops->program_build(0, b->bad_source, NULL, &prog, &log) == NDA_ECOMPILE);
    CHECK(prog == NULL);
    CHECK(log != NULL && log[0] != '\0');
    CHECK(strstr(g_err_msg, b->build_error_prefix) == g_err_msg);
    free(log);
    log = NULL;

    /* bad options */
    err_clear();
    CHECK(ops->program_build(0, b->kernel_source, "-this-is-not-an-option", &prog, &log) ==
          NDA_ECOMPILE);
    free(log);
}

void conf_programs(const nda_backend_ops *ops, const conf_backend *b, int bench)
{
    void *prog = NULL, *prog2 = NULL, *kern = NULL, *kern2 = NULL, *bin = NULL;
    char *log = NULL;
    size_t nbin = 0;
    nda_device_info info;

    double t0 = now_s();
    CHECK(ops->program_build(0, b->kernel_source, b->build_options, &prog, &log) == NDA_OK);
    double t1 = now_s();
    free(log);
    log = NULL;
    CHECK(ops->kernel_get(0, prog, "k", &kern) == NDA_OK);
    CHECK(kern != NULL && run_kernel(ops, kern));

    /* unknown kernel name */
    err_clear();
    CHECK(ops->kernel_get(0, prog, "nope", &kern2) == NDA_EBACKEND && kern2 == NULL);
    CHECK(strstr(g_err_msg, b->unknown_kernel_error) != NULL && strstr(g_err_msg, "nope"));

    free_while_queued(ops, kern);

    /* launch errors are reported, not fatal */
    err_clear();
    CHECK(ops->launch(0, kern, 100, 64, 0, NULL) == NDA_EVALUE);
    CHECK(ops->launch(0, kern, 0, 64, 0, NULL) == NDA_OK);
    CHECK(ops->device_info(0, &info) == NDA_OK);
    CHECK(ops->launch(0, kern, 2 * info.max_work_group_size, 2 * info.max_work_group_size, 0,
                      NULL) == b->local_size_error);

    /* binary round trip */
    CHECK(ops->program_binary(0, prog, &bin, &nbin) == NDA_OK && bin != NULL && nbin > 0);
    double t2 = now_s();
    CHECK(ops->program_load(0, bin, nbin, &prog2) == NDA_OK);
    double t3 = now_s();
    CHECK(ops->kernel_get(0, prog2, "k", &kern2) == NDA_OK);
    CHECK(kern2 != NULL && run_kernel(ops, kern2));
    printf("info: program_build %.1f ms, program_load of its %zu-byte binary %.1f ms\n",
           (t1 - t0) * 1e3, nbin, (t3 - t2) * 1e3);
    if (bench)
        bench_launch(ops, kern);
    ops->kernel_free(0, kern2);
    ops->program_free(0, prog2);

    damaged_binaries(ops, bin, nbin);
    free(bin);
    build_errors(ops, b);

    ops->kernel_free(0, kern);
    ops->program_free(0, prog);
}

void conf_enomem(const nda_backend_ops *ops)
{
    nda_device_info info;
    void *buf = NULL;

    if (ops->device_info(0, &info) != NDA_OK)
        return;
    err_clear();
    int rc = ops->buffer_alloc(0, (size_t)info.max_alloc_bytes * 4 + 4096, &buf);
    CHECK(rc == NDA_ENOMEM && buf == NULL);
    CHECK(strstr(g_err_msg, "bytes") != NULL);
    printf("info: huge alloc -> %d: %s\n", rc, g_err_msg);
    if (buf != NULL)
        ops->buffer_free(0, buf);
}

void conf_reinit(const nda_backend_ops *ops)
{
    void *buf = NULL;
    int count = 0;

    ops->shutdown();
    CHECK(ops->init(&g_fake_host) == NDA_OK);
    CHECK(ops->device_count(&count) == NDA_OK && count >= 1);
    CHECK(ops->buffer_alloc(0, 64, &buf) == NDA_OK);
    CHECK(ops->synchronize(0) == NDA_OK);
    ops->buffer_free(0, buf);
}

/* abi_version >= 5: memory_kind always; buffer_map/unmap (a round trip:
 * the device's data read, the host's writes kept, a mapped range inside the
 * buffer) and buffer_wrap (a handle over another buffer's memory, freed
 * without freeing that memory) where the plugin has them. */
void conf_host_access(const nda_backend_ops *ops)
{
    enum { N = 64 };
    double host[N], back[N];
    void *buf = NULL, *wrapped = NULL, *p = NULL;
    int kind = -1;

    CHECK(ops->memory_kind != NULL && ops->memory_kind(0, &kind) == NDA_OK);
    CHECK(kind == NDA_MEMORY_DEVICE || kind == NDA_MEMORY_HOST);
    CHECK((ops->buffer_map == NULL) == (ops->buffer_unmap == NULL));
    for (int i = 0; i < N; i++)
        host[i] = i + 0.5;
    CHECK(ops->buffer_alloc(0, sizeof host, &buf) == NDA_OK);
    CHECK(ops->copy_to_device(0, buf, 0, host, sizeof host) == NDA_OK);
    if (ops->buffer_map != NULL) {
        CHECK(ops->buffer_map(0, buf, 8 * sizeof(double), 16 * sizeof(double), &p) == NDA_OK);
        CHECK(p != NULL && ((double *)p)[0] == 8.5 && ((double *)p)[15] == 23.5);
        if (p != NULL)
            ((double *)p)[1] = -1.0;
        CHECK(ops->buffer_unmap(0, buf, p) == NDA_OK);
        CHECK(ops->copy_to_host(0, back, buf, 0, sizeof back) == NDA_OK);
        CHECK(back[9] == -1.0 && back[8] == 8.5 && back[10] == 10.5);
        printf("info: memory_kind %s; buffer_map round trip ok\n",
               kind == NDA_MEMORY_HOST ? "host" : "device");
    }
    if (ops->buffer_wrap != NULL && ops->buffer_address != NULL) {
        uint64_t addr = 0;
        CHECK(ops->buffer_address(0, buf, 0, sizeof host, &addr) == NDA_OK);
        err_clear();
        CHECK(ops->buffer_wrap(0, 0, 8, &wrapped) == NDA_EVALUE && wrapped == NULL);
        CHECK(ops->buffer_wrap(0, addr + 16 * sizeof(double), 8 * sizeof(double), &wrapped) ==
              NDA_OK);
        CHECK(ops->copy_to_host(0, back, wrapped, 0, 8 * sizeof(double)) == NDA_OK);
        CHECK(back[0] == 16.5 && back[7] == 23.5);
        err_clear();
        CHECK(ops->copy_to_host(0, back, wrapped, 0, 9 * sizeof(double)) == NDA_EVALUE);
        ops->buffer_free(0, wrapped); /* the handle only: buf stays usable */
        CHECK(ops->copy_to_host(0, back, buf, 0, sizeof back) == NDA_OK && back[20] == 20.5);
        CHECK(ops->foreign_stream_wait == NULL || ops->foreign_stream_wait(0, 0) == NDA_OK);
        printf("info: buffer_wrap of a buffer's own address ok\n");
    }
    ops->buffer_free(0, buf);
}

void conf_run_all(const nda_backend_ops *ops, const conf_backend *b, int bench)
{
    conf_info(ops, b);
    conf_first_use_threads(ops);
    conf_memory(ops, b);
    conf_fill(ops);
    conf_host_access(ops);
    conf_programs(ops, b, bench);
    conf_enomem(ops);
    conf_reinit(ops);
}
