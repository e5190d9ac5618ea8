#define _POSIX_C_SOURCE 200809L
#include "kernels/kernel_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/disk_cache.h"
#include "kernels/hash.h"
#include "nda/error.h"
#include "nda/version.h"

typedef struct kc_entry {
    char *spec;
    uint64_t hash;
    void *program;
    void *kernel;
    nda_device *device;
    struct kc_entry *next;
} kc_entry;

#define KC_BUCKETS 1024

/* One table for all devices: entries compare device and spec. */
static kc_entry *g_table[KC_BUCKETS];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static nda_cache_stats g_stats;

static pthread_once_t g_disk_once = PTHREAD_ONCE_INIT;
static nda_disk_cache *g_disk; /* NULL when disabled or unusable */
static char g_disk_dir[4096];

static void disk_open_once(void)
{
    if (!nda_disk_cache_enabled_by_env()) return;
    char dir[4096];
    if (nda_disk_cache_default_dir(dir, sizeof dir) != NDA_OK) return;
    if (nda_disk_cache_open(dir, 0, &g_disk) != NDA_OK) {
        g_disk = NULL;
        g_stats.disk_errors++;
        nda_error_clear();
        return;
    }
    snprintf(g_disk_dir, sizeof g_disk_dir, "%s", dir);
}

const char *nda_kernel_cache_dir(void)
{
    pthread_once(&g_disk_once, disk_open_once);
    return g_disk_dir;
}

void nda_kernel_cache_stats(nda_cache_stats *out)
{
    pthread_mutex_lock(&g_lock);
    *out = g_stats;
    pthread_mutex_unlock(&g_lock);
}

/* Returns a compiled kernel and its program to the backend. */
static void kernel_release(nda_device *d, void *program, void *kernel)
{
    const nda_backend_ops *ops = nda_device_ops(d);
    int dev = nda_device_local_index(d);
    ops->kernel_free(dev, kernel);
    ops->program_free(dev, program);
}

static kc_entry *find_locked(nda_device *d, const char *spec, uint64_t h)
{
    for (kc_entry *e = g_table[h % KC_BUCKETS]; e; e = e->next)
        if (e->hash == h && e->device == d && strcmp(e->spec, spec) == 0) return e;
    return NULL;
}

void nda_kernel_cache_clear_memory(void)
{
    pthread_mutex_lock(&g_lock);
    for (int b = 0; b < KC_BUCKETS; b++) {
        kc_entry *e = g_table[b];
        while (e) {
            kc_entry *next = e->next;
            kernel_release(e->device, e->program, e->kernel);
            free(e->spec);
            free(e);
            e = next;
        }
        g_table[b] = NULL;
    }
    pthread_mutex_unlock(&g_lock);
}

/* Full disk key: everything that changes the binary. */
static int full_key(nda_device *d, const char *options, const char *source, nda_strbuf *key)
{
    const nda_backend_ops *ops = nda_device_ops(d);
    nda_strbuf_printf(key, "ndaccel %s\nbackend %s abi %d\ndevice %s\noptions %s\nsource\n%s",
                      NDA_VERSION, ops->name, ops->abi_version, nda_device_cache_tag(d), options,
                      source);
    return nda_strbuf_status(key);
}

/* Loads from disk; returns NDA_OK with *program NULL on a miss. */
static void disk_load(nda_device *d, const nda_strbuf *key, void **program)
{
    void *bin = NULL;
    size_t len = 0;
    int found = 0;
    *program = NULL;
    if (!g_disk) return;
    if (nda_disk_cache_get(g_disk, key->data, key->len, &bin, &len, &found) != NDA_OK || !found) {
        nda_error_clear();
        return;
    }
    if (nda_device_ops(d)->program_load(nda_device_local_index(d), bin, len, program) != NDA_OK) {
        *program = NULL;
        pthread_mutex_lock(&g_lock);
        g_stats.disk_errors++;
        pthread_mutex_unlock(&g_lock);
        nda_error_clear();
    }
    free(bin);
}

static void disk_store(nda_device *d, const nda_strbuf *key, void *program)
{
    void *bin = NULL;
    size_t len = 0;
    const nda_backend_ops *ops = nda_device_ops(d);
    if (!g_disk || !ops->program_binary) return;
    int ok = ops->program_binary(nda_device_local_index(d), program, &bin, &len) == NDA_OK &&
             nda_disk_cache_put(g_disk, key->data, key->len, bin, len) == NDA_OK;
    pthread_mutex_lock(&g_lock);
    if (ok) g_stats.disk_writes++; else g_stats.disk_errors++;
    pthread_mutex_unlock(&g_lock);
    if (!ok) nda_error_clear();
    free(bin);
}

static int build(nda_device *d, const char *spec, nda_source_fn gen, const void *ctx,
                 const char *kname, void **program_out, void **kernel_out)
{
    nda_strbuf src, key;
    nda_strbuf_init(&src);
    nda_strbuf_init(&key);
    void *program = NULL, *kernel = NULL;
    char *log = NULL;
    const char *options = "";
    const nda_backend_ops *ops = nda_device_ops(d);
    int dev = nda_device_local_index(d);
    int rc = gen(ctx, ops->dialect, &src);
    if (rc != NDA_OK) goto out;
    if (getenv("NDACCEL_DEBUG_KERNELS")) fprintf(stderr, "ndaccel kernel %s:\n%s\n", spec, src.data);
    rc = full_key(d, options, src.data, &key);
    if (rc != NDA_OK) goto out;
    disk_load(d, &key, &program);
    if (program) {
        pthread_mutex_lock(&g_lock);
        g_stats.disk_hits++;
        pthread_mutex_unlock(&g_lock);
    } else {
        rc = ops->program_build(dev, src.data, options, &program, &log);
        if (rc != NDA_OK) {
            nda_error_prefix("kernel %s", spec);
            goto out;
        }
        pthread_mutex_lock(&g_lock);
        g_stats.compiles++;
        pthread_mutex_unlock(&g_lock);
        disk_store(d, &key, program);
    }
    rc = ops->kernel_get(dev, program, kname, &kernel);
    if (rc != NDA_OK) goto out;
    *program_out = program;
    *kernel_out = kernel;
    program = NULL;
out:
    if (program) ops->program_free(dev, program);
    free(log);
    nda_strbuf_free(&src);
    nda_strbuf_free(&key);
    return rc;
}

int nda_kernel_get(nda_device *d, const char *spec_key, nda_source_fn gen, const void *ctx,
                   const char *kernel_name, void **kernel)
{
    uint64_t h = nda_hash64(spec_key, strlen(spec_key), 0x6e6461636b63ULL);
    pthread_mutex_lock(&g_lock);
    kc_entry *e = find_locked(d, spec_key, h);
    if (e) {
        g_stats.memory_hits++;
        *kernel = e->kernel;
        pthread_mutex_unlock(&g_lock);
        return NDA_OK;
    }
    pthread_mutex_unlock(&g_lock);
    pthread_once(&g_disk_once, disk_open_once);

    void *program = NULL, *k = NULL;
    int rc = build(d, spec_key, gen, ctx, kernel_name, &program, &k);
    if (rc != NDA_OK) return rc;

    kc_entry *ne = calloc(1, sizeof *ne);
    char *spec = strdup(spec_key);
    if (!ne || !spec) {
        free(ne);
        free(spec);
        kernel_release(d, program, k);
        return nda_error_set(NDA_ENOMEM, "out of host memory caching a kernel");
    }
    pthread_mutex_lock(&g_lock);
    e = find_locked(d, spec_key, h);
    if (e) { /* another thread finished first: keep its result */
        *kernel = e->kernel;
        pthread_mutex_unlock(&g_lock);
        free(ne);
        free(spec);
        kernel_release(d, program, k);
        return NDA_OK;
    }
    ne->spec = spec;
    ne->hash = h;
    ne->program = program;
    ne->kernel = k;
    ne->device = d;
    ne->next = g_table[h % KC_BUCKETS];
    g_table[h % KC_BUCKETS] = ne;
    *kernel = k;
    pthread_mutex_unlock(&g_lock);
    return NDA_OK;
}
