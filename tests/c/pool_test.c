/* Tests for core/pool.c's out-of-memory path against a fake backend whose
 * device memory is a byte counter: a device that refuses an allocation
 * makes the pool release its cached blocks, wait for queued work
 * (synchronize: the fake frees "released" memory only then, as OpenCL
 * drivers do) and retry, before NDA_ENOMEM naming the size and the device.
 * The same path serves NDACCEL_MEMORY_LIMIT, and the reclaim hook (what
 * the lazy engine registers) runs in it. No plugin is loaded. */
#define _XOPEN_SOURCE 700

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device_internal.h"
#include "core/pool.h"
#include "nda/error.h"
#include "tests/c/test_util.h"

/* ---- the fake device: `capacity` bytes; frees take effect at once, or at
 * the next synchronize when `deferred_free` is set. */
static size_t g_capacity, g_used, g_deferred;
static int g_deferred_free, g_syncs, g_alloc_calls, g_live_handles;

static int fake_alloc(int dev, size_t n, void **buf)
{
    (void)dev;
    g_alloc_calls++;
    if (g_used + g_deferred + n > g_capacity)
        return nda_error_set(NDA_EBACKEND, "fakeAlloc failed: out of device memory");
    size_t *h = malloc(sizeof *h);
    if (!h) return nda_error_set(NDA_ENOMEM, "out of host memory");
    *h = n;
    g_used += n;
    g_live_handles++;
    *buf = h;
    return NDA_OK;
}

static void fake_free(int dev, void *buf)
{
    (void)dev;
    size_t *h = buf;
    g_used -= *h;
    if (g_deferred_free) g_deferred += *h;
    g_live_handles--;
    free(h);
}

static int fake_sync(int dev)
{
    (void)dev;
    g_syncs++;
    g_deferred = 0;
    return NDA_OK;
}

static const nda_backend_ops g_fake_ops = {
    .abi_version = NDA_BACKEND_ABI_VERSION,
    .name = "fake",
    .buffer_alloc = fake_alloc,
    .buffer_free = fake_free,
    .synchronize = fake_sync,
};

static nda_device g_dev;

static void fake_reset(size_t capacity, int deferred_free, uint64_t memory_limit)
{
    nda_pool_release(&g_dev);
    g_capacity = capacity;
    g_deferred = 0;
    g_deferred_free = deferred_free;
    g_syncs = g_alloc_calls = 0;
    g_dev.memory_limit = memory_limit;
    memset(&g_dev.pool_stats, 0, sizeof g_dev.pool_stats);
}

static void device_init(void)
{
    g_dev.ops = &g_fake_ops;
    g_dev.local_index = 0;
    snprintf(g_dev.id, sizeof g_dev.id, "fake:0");
    pthread_mutex_init(&g_dev.lock, NULL);
    pthread_mutex_init(&g_dev.pool_lock, NULL);
}

#define KB ((size_t)1024)

/* One request larger than the device: NDA_ENOMEM naming size and device,
 * after the release + synchronize + retry; nothing leaks. */
static void test_single_too_large(void)
{
    fake_reset(64 * KB, 0, 0);
    void *h = NULL;
    size_t cap = 0;
    CHECK_RC(nda_pool_alloc(&g_dev, 100 * KB, &h, &cap), NDA_ENOMEM);
    CHECKF(strstr(nda_error_message(), "102400 bytes on fake:0") != NULL, "%s", nda_error_message());
    CHECKF(strstr(nda_error_message(), "fakeAlloc failed") != NULL, "%s", nda_error_message());
    CHECK(g_syncs == 1);
    CHECK(g_alloc_calls == 4); /* try, release + try, recover + try, release + try */
    CHECK(g_live_handles == 0);
    CHECK(g_dev.pool_stats.live_bytes == 0);
    /* and the pool still works */
    CHECK_OK(nda_pool_alloc(&g_dev, 10 * KB, &h, &cap));
    nda_pool_free(&g_dev, h, cap);
}

/* Blocks of one size class fill the device and are freed into the cache: a
 * request of another class succeeds once the cache is returned. */
static void test_cache_released_for_another_size(void)
{
    fake_reset(64 * KB, 0, 0);
    void *h[8];
    size_t cap[8];
    for (int i = 0; i < 8; i++) CHECK_OK(nda_pool_alloc(&g_dev, 8 * KB, &h[i], &cap[i]));
    for (int i = 0; i < 8; i++) nda_pool_free(&g_dev, h[i], cap[i]);
    CHECK(g_dev.pool_stats.cached_bytes == 64 * KB);
    void *big;
    size_t bigcap;
    CHECK_OK(nda_pool_alloc(&g_dev, 40 * KB, &big, &bigcap));
    CHECK(g_dev.pool_stats.cached_bytes == 0);
    CHECK(g_syncs == 0); /* the cheap step was enough */
    nda_pool_free(&g_dev, big, bigcap);
}

/* Many live blocks exhaust the device; freeing them makes room again. */
static void test_exhaust_then_free(void)
{
    fake_reset(64 * KB, 0, 0);
    void *h[32];
    size_t cap[32];
    int n = 0;
    while (n < 32 && nda_pool_alloc(&g_dev, 4 * KB, &h[n], &cap[n]) == NDA_OK) n++;
    CHECK(n == 16);
    CHECK(nda_error_code() == NDA_ENOMEM);
    CHECKF(strstr(nda_error_message(), "4096 bytes on fake:0") != NULL, "%s", nda_error_message());
    for (int i = 0; i < n; i++) nda_pool_free(&g_dev, h[i], cap[i]);
    CHECK(g_dev.pool_stats.live_bytes == 0);
    int m = 0;
    while (m < 32 && nda_pool_alloc(&g_dev, 4 * KB, &h[m], &cap[m]) == NDA_OK) m++;
    CHECK(m == 16);
    for (int i = 0; i < m; i++) nda_pool_free(&g_dev, h[i], cap[i]);
}

/* Memory released while work is queued comes back only after synchronize:
 * the retry after the recovery's synchronize succeeds. */
static void test_deferred_release_needs_sync(void)
{
    fake_reset(64 * KB, 1, 0);
    void *a, *b;
    size_t ca, cb;
    CHECK_OK(nda_pool_alloc(&g_dev, 48 * KB, &a, &ca));
    nda_pool_free(&g_dev, a, ca);
    nda_pool_release(&g_dev); /* freed, but the fake device holds it until a sync */
    CHECK(g_deferred == 48 * KB);
    CHECK_OK(nda_pool_alloc(&g_dev, 40 * KB, &b, &cb));
    CHECK(g_syncs == 1);
    nda_pool_free(&g_dev, b, cb);
}

/* NDACCEL_MEMORY_LIMIT: the cap counts live bytes; over it, NDA_ENOMEM
 * naming the limit; cached blocks do not count against a new request. */
static void test_memory_limit(void)
{
    fake_reset(1024 * KB, 0, 64 * KB);
    void *h[4];
    size_t cap[4];
    CHECK_OK(nda_pool_alloc(&g_dev, 32 * KB, &h[0], &cap[0]));
    CHECK_OK(nda_pool_alloc(&g_dev, 32 * KB, &h[1], &cap[1]));
    CHECK_RC(nda_pool_alloc(&g_dev, 1 * KB, &h[2], &cap[2]), NDA_ENOMEM);
    CHECKF(strstr(nda_error_message(), "1024 bytes on fake:0") != NULL &&
               strstr(nda_error_message(), "NDACCEL_MEMORY_LIMIT=65536") != NULL,
           "%s", nda_error_message());
    CHECK(g_syncs == 1);
    nda_pool_free(&g_dev, h[0], cap[0]);
    nda_pool_free(&g_dev, h[1], cap[1]);
    CHECK(g_dev.pool_stats.cached_bytes == 64 * KB);
    CHECK_OK(nda_pool_alloc(&g_dev, 48 * KB, &h[3], &cap[3])); /* cache returned */
    CHECK(g_dev.pool_stats.cached_bytes == 0);
    nda_pool_free(&g_dev, h[3], cap[3]);
    /* A request over the cap fails before asking the pool (pool.h). */
    CHECK_RC(nda_alloc_check(&g_dev, 65 * KB), NDA_ENOMEM);
    CHECKF(strstr(nda_error_message(), "66560 bytes on fake:0") != NULL, "%s", nda_error_message());
    CHECK_OK(nda_alloc_check(&g_dev, 64 * KB));
}

/* The reclaim hook: it frees a block only it knows of (as the lazy engine
 * computes pending arrays whose expressions hold input buffers). */
static void *g_held;
static size_t g_held_cap;
static int g_reclaims, g_nested_rc;

static int reclaim_held(nda_device *d)
{
    g_reclaims++;
    CHECK(d == &g_dev);
    /* An allocation inside the hook that fails starts no second reclaim. */
    void *h = NULL;
    size_t cap = 0;
    g_nested_rc = nda_pool_alloc(d, 1024 * KB, &h, &cap);
    if (!g_held) return 0;
    nda_pool_free(d, g_held, g_held_cap);
    g_held = NULL;
    return 1;
}

static void test_reclaim_hook(void)
{
    fake_reset(64 * KB, 0, 0);
    nda_pool_reclaim_set(reclaim_held);
    CHECK_OK(nda_pool_alloc(&g_dev, 48 * KB, &g_held, &g_held_cap));
    void *h = NULL;
    size_t cap = 0;
    CHECK_OK(nda_pool_alloc(&g_dev, 40 * KB, &h, &cap)); /* room made by the hook */
    CHECK(g_reclaims == 1);
    CHECK(g_nested_rc == NDA_ENOMEM);
    CHECK(g_held == NULL);
    CHECK(g_dev.pool_stats.live_bytes == cap);
    CHECK(nda_error_code() == NDA_OK); /* the hook's failed allocation is not reported */
    nda_pool_free(&g_dev, h, cap);
    /* Removed: a failing allocation no longer calls it. */
    nda_pool_reclaim_set(NULL);
    CHECK_RC(nda_pool_alloc(&g_dev, 100 * KB, &h, &cap), NDA_ENOMEM);
    CHECK(g_reclaims == 1);
}

int main(void)
{
    device_init();
    test_single_too_large();
    test_cache_released_for_another_size();
    test_exhaust_then_free();
    test_deferred_release_needs_sync();
    test_memory_limit();
    test_reclaim_hook();
    nda_pool_release(&g_dev);
    CHECK(g_live_handles == 0);
    for (int b = 0; b < NDA_POOL_BINS; b++) free(g_dev.bins[b].handles);
    return test_summary();
}
