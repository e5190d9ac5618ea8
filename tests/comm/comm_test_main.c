/* The comm conformance test's entry point and helpers (comm_test.h).
 *
 * Usage (one process per rank, under mpirun: see run_comm_test.sh):
 *     comm_test PLUGIN DEVICE [MODE]
 * PLUGIN: "mpi" or "nccl"; DEVICE: a device id ("opencl:0", "cuda:0");
 * MODE: none (every check), "abort" or "copyfail" (fault behaviour: the
 * job must end with the failing rank's message; see comm_test_faults.c).
 * Plugins and backends are found through $NDACCEL_PLUGIN_DIR. Messages
 * are split in 4096-byte pieces ($NDACCEL_COMM_CHUNK_BYTES, unless set)
 * so that splitting is exercised with small buffers. Each rank prints
 * "rank R: N passed, M failed" and exits non-zero on a failure. */
#define _XOPEN_SOURCE 700
#include "tests/comm/comm_test.h"

#include <dlfcn.h>

#include "nda/comm_registry.h"
#include "nda/device.h"

static tctx *g_t;

static void comm_test_context(FILE *out)
{
    fprintf(out, "  (rank %d of %d, plugin %s) last error: %s\n", g_t ? g_t->rank : -1,
            g_t ? g_t->size : 0, g_t ? g_t->plugin : "?", nda_error_message());
}

static void die(const char *what)
{
    fprintf(stderr, "comm_test: %s: %s\n", what, nda_error_message());
    exit(2);
}

void *dev_alloc(tctx *t, size_t n)
{
    unsigned char *fill = malloc(n ? n : 1);
    void *h = NULL;

    if (fill == NULL || t->q.ops->buffer_alloc(t->q.dev, n ? n : 1, &h) != NDA_OK)
        die("buffer_alloc");
    memset(fill, GUARD, n ? n : 1);
    dev_put(t, h, 0, fill, n ? n : 1);
    free(fill);
    return h;
}

void dev_free(tctx *t, void *h)
{
    if (h != NULL)
        t->q.ops->buffer_free(t->q.dev, h);
}

void dev_put(tctx *t, void *h, size_t off, const void *src, size_t n)
{
    if (n > 0 && t->q.ops->copy_to_device(t->q.dev, h, off, src, n) != NDA_OK)
        die("copy_to_device");
}

void dev_get(tctx *t, void *h, size_t off, void *dst, size_t n)
{
    if (n > 0 && t->q.ops->copy_to_host(t->q.dev, dst, h, off, n) != NDA_OK)
        die("copy_to_host");
}

unsigned char pat(int r, int m, size_t i)
{
    return (unsigned char)((r * 73 + m * 29 + i * 7 + (i >> 8) * 13) & 0xff);
}

int same_pat(const char *label, const unsigned char *got, size_t n, int r, int m)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != pat(r, m, i)) {
            fprintf(stderr, "%s: byte %zu is %d, want %d (rank %d's message %d)\n", label, i,
                    got[i], pat(r, m, i), r, m);
            return 0;
        }
    return 1;
}

int all_guard(const char *label, const unsigned char *got, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != GUARD) {
            fprintf(stderr, "%s: byte %zu was overwritten (%d)\n", label, i, got[i]);
            return 0;
        }
    return 1;
}

int msg_has(const char *part)
{
    if (strstr(nda_error_message(), part) != NULL)
        return 1;
    fprintf(stderr, "message \"%s\" lacks \"%s\"\n", nda_error_message(), part);
    return 0;
}

long fake_nccl_calls(tctx *t)
{
    const char *path = getenv("NDACCEL_NCCL_LIBRARY");
    void (*state)(long *, long *);
    long calls = -1, comms = 0;
    void *h;

    if (!t->nccl || path == NULL)
        return -1;
    h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (h == NULL)
        return -1;
    *(void **)&state = dlsym(h, "nda_fake_nccl_state");
    if (state != NULL)
        state(&calls, &comms);
    dlclose(h);
    return calls;
}

/* Hands the fake libnccl the fake driver's checks (live allocations, a
 * current context), so that every NCCL call of the plugin is checked. */
static void fake_nccl_attach(void)
{
    const char *drv = getenv("NDACCEL_CUDA_DRIVER"), *nccl = getenv("NDACCEL_NCCL_LIBRARY");
    void (*attach)(int (*)(unsigned long long, size_t), void (*)(long *, long *, int *));
    int (*range)(unsigned long long, size_t);
    void (*state)(long *, long *, int *);
    void *hd, *hn;

    if (drv == NULL || nccl == NULL)
        return;
    hd = dlopen(drv, RTLD_NOW | RTLD_NOLOAD);
    hn = dlopen(nccl, RTLD_NOW | RTLD_NOLOAD);
    if (hd == NULL || hn == NULL) {
        fprintf(stderr, "comm_test: the fake driver or libnccl is not loaded\n");
        exit(2);
    }
    *(void **)&range = dlsym(hd, "nda_fake_cuda_range");
    *(void **)&state = dlsym(hd, "nda_fake_cuda_state");
    *(void **)&attach = dlsym(hn, "nda_fake_nccl_attach");
    CHECK(range != NULL && state != NULL && attach != NULL);
    if (range != NULL && state != NULL && attach != NULL)
        attach(range, state);
}

int main(int argc, char **argv)
{
    nda_device *d;
    tctx t;
    char desc[512];
    const char *env;

    if (argc < 3) {
        fprintf(stderr, "usage: comm_test PLUGIN DEVICE [abort|copyfail]\n");
        return 2;
    }
    setenv("NDACCEL_COMM_CHUNK_BYTES", "4096", 0);
    memset(&t, 0, sizeof t);
    g_t = &t;
    g_check_context = comm_test_context;
    t.plugin = argv[1];
    t.nccl = strcmp(argv[1], "nccl") == 0;
    if (nda_device_find(argv[2], &d) != NDA_OK)
        die(argv[2]);
    t.q.ops = nda_device_ops(d);
    t.q.dev = nda_device_local_index(d);
    if (nda_comm_plugin_find(argv[1], &t.ops) != NDA_OK)
        die(argv[1]);
    if (t.nccl)
        fake_nccl_attach();
    if (t.ops->init(NDA_COMM_WORLD, &t.q, &t.comm) != NDA_OK)
        die("init");
    CHECK_OK(t.ops->rank(t.comm, &t.rank));
    CHECK_OK(t.ops->size(t.comm, &t.size));
    if ((env = getenv("OMPI_COMM_WORLD_RANK")) != NULL)
        CHECK(t.rank == atoi(env));
    if ((env = getenv("OMPI_COMM_WORLD_SIZE")) != NULL)
        CHECK(t.size == atoi(env));
    CHECK_OK(t.ops->describe(t.comm, desc, sizeof desc));
    CHECK(desc[0] != '\0');
    CHECK_OK(t.ops->describe(NULL, desc, sizeof desc));
    if (t.rank == 0)
        printf("comm_test: plugin %s (%s) on %s, %d ranks\n", t.plugin, desc, argv[2], t.size);

    if (argc > 3)
        return run_fault_mode(&t, argv[3]);

    CHECK_OK(t.ops->barrier(t.comm));
    test_p2p(&t);
    test_collectives(&t);
    test_allreduce(&t);
    test_agreement(&t);
    test_subcomm(&t);
    CHECK_OK(t.ops->barrier(t.comm));
    t.ops->free(t.comm);
    t.ops->free(NULL);
    printf("rank %d: ", t.rank);
    return test_summary();
}
