/* Per-device caching allocator. Size classes: 4 per power of two above
 * 512 bytes (at most 25% slack). Blocks are reused in LIFO order. */
#include "core/pool.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/device_internal.h"
#include "nda/error.h"

#define POOL_MIN_SHIFT 9 /* 512 bytes */

/* Class index and the class's byte size for a request of n bytes. */
static int size_class(size_t n, size_t *class_bytes)
{
    if (n <= ((size_t)1 << POOL_MIN_SHIFT)) {
        *class_bytes = (size_t)1 << POOL_MIN_SHIFT;
        return 0;
    }
    int msb = 63 - __builtin_clzll((unsigned long long)(n - 1)); /* n-1 >= 512 */
    size_t base = (size_t)1 << msb;
    size_t quarter = base / 4;
    size_t steps = (n - base + quarter - 1) / quarter; /* 1..4 */
    *class_bytes = base + steps * quarter;
    int idx = (msb - POOL_MIN_SHIFT) * 4 + (int)steps;
    return idx < NDA_POOL_BINS ? idx : -1;
}

static void pool_release_locked(nda_device *d)
{
    for (int b = 0; b < NDA_POOL_BINS; b++) {
        nda_pool_bin *bin = &d->bins[b];
        for (int i = 0; i < bin->count; i++) d->ops->buffer_free(d->local_index, bin->handles[i]);
        bin->count = 0;
    }
    d->pool_stats.cached_bytes = 0;
}

void nda_pool_release(nda_device *d)
{
    if (nda_forked_after_init()) return; /* the blocks are the parent's */
    pthread_mutex_lock(&d->pool_lock);
    pool_release_locked(d);
    pthread_mutex_unlock(&d->pool_lock);
}

static int device_alloc(nda_device *d, size_t bytes, void **handle)
{
    int rc = d->ops->buffer_alloc(d->local_index, bytes, handle);
    if (rc == NDA_OK) d->pool_stats.device_allocs++;
    return rc;
}

int nda_alloc_check(const nda_device *d, size_t bytes)
{
    if (d->info.max_alloc_bytes && bytes > d->info.max_alloc_bytes)
        return nda_error_set(NDA_ENOMEM,
                             "Unable to allocate %zu bytes on %s: the device's largest allocation is %llu bytes",
                             bytes, d->id, (unsigned long long)d->info.max_alloc_bytes);
    if (d->memory_limit && bytes > d->memory_limit)
        return nda_error_set(NDA_ENOMEM,
                             "Unable to allocate %zu bytes on %s: more than NDACCEL_MEMORY_LIMIT=%llu bytes",
                             bytes, d->id, (unsigned long long)d->memory_limit);
    return NDA_OK;
}

/* A new device block of class size `bytes` within the memory limit, with
 * pool_lock held; NDA_ENOMEM (message set) when the limit or the device
 * refuses. Cached blocks are returned first when the limit needs room. */
static int fresh_block_locked(nda_device *d, size_t nbytes, size_t bytes, void **handle)
{
    if (d->memory_limit &&
        d->pool_stats.live_bytes + d->pool_stats.cached_bytes + bytes > d->memory_limit)
        pool_release_locked(d);
    if (d->memory_limit && d->pool_stats.live_bytes + bytes > d->memory_limit)
        return nda_error_set(NDA_ENOMEM,
                             "Out of memory allocating %zu bytes on %s (NDACCEL_MEMORY_LIMIT=%llu, "
                             "%llu bytes in use)",
                             nbytes, d->id, (unsigned long long)d->memory_limit,
                             (unsigned long long)d->pool_stats.live_bytes);
    int rc = device_alloc(d, bytes, handle);
    if (rc != NDA_OK) {
        /* Cached blocks of other sizes may be what the device lacks. */
        pool_release_locked(d);
        rc = device_alloc(d, bytes, handle);
    }
    if (rc != NDA_OK) {
        char why[512]; /* the driver's message; the record is rewritten below */
        snprintf(why, sizeof why, "%s", nda_error_message());
        return nda_error_set(NDA_ENOMEM, "Out of memory allocating %zu bytes on %s (%s)", nbytes,
                             d->id, why);
    }
    return NDA_OK;
}

static _Atomic(nda_pool_reclaim_fn) g_reclaim;

void nda_pool_reclaim_set(nda_pool_reclaim_fn fn) { atomic_store(&g_reclaim, fn); }

/* Set while this thread recovers from an allocation failure: allocations
 * made by the recovery itself (the reclaim hook) do not start another
 * one. */
static _Thread_local int tl_recovering;

/* Makes room on d after an allocation failed: runs the reclaim hook (the
 * lazy engine computes pending arrays, whose expressions may hold the only
 * reference to input buffers), waits for queued work (a driver may free
 * released memory only once the work using it is done), then returns
 * every cached block to the device. */
static void recover_memory(nda_device *d)
{
    nda_pool_reclaim_fn reclaim = atomic_load(&g_reclaim);
    if (reclaim && !tl_recovering) {
        tl_recovering = 1;
        (void)reclaim(d);
        tl_recovering = 0;
    }
    (void)nda_device_synchronize(d);
    nda_error_clear();
    nda_pool_release(d);
}

int nda_pool_alloc(nda_device *d, size_t nbytes, void **handle, size_t *capacity)
{
    size_t bytes;
    int idx = size_class(nbytes ? nbytes : 1, &bytes);
    if (idx < 0) bytes = nbytes;
    int rc = nda_fork_check(); /* before the lock: its holder may be gone */
    if (rc != NDA_OK) return rc;
    pthread_mutex_lock(&d->pool_lock);
    d->pool_stats.allocs++;
    if (idx >= 0 && d->bins[idx].count > 0) {
        *handle = d->bins[idx].handles[--d->bins[idx].count];
        d->pool_stats.cached_bytes -= bytes;
        d->pool_stats.live_bytes += bytes;
        d->pool_stats.reuses++;
        *capacity = bytes;
        goto out_unlock;
    }
    rc = fresh_block_locked(d, nbytes, bytes, handle);
    if (rc == NDA_ENOMEM) {
        pthread_mutex_unlock(&d->pool_lock);
        recover_memory(d);
        pthread_mutex_lock(&d->pool_lock);
        rc = fresh_block_locked(d, nbytes, bytes, handle);
    }
    if (rc != NDA_OK) goto out_unlock;
    d->pool_stats.live_bytes += bytes;
    *capacity = bytes;
out_unlock:
    pthread_mutex_unlock(&d->pool_lock);
    return rc;
}

void nda_pool_free(nda_device *d, void *handle, size_t capacity)
{
    size_t bytes;
    int idx = size_class(capacity, &bytes);
    if (nda_forked_after_init()) return; /* leaked: the parent's block */
    pthread_mutex_lock(&d->pool_lock);
    d->pool_stats.live_bytes -= capacity;
    nda_pool_bin *bin = idx >= 0 && bytes == capacity ? &d->bins[idx] : NULL;
    if (bin && bin->count == bin->cap) {
        int cap = bin->cap ? bin->cap * 2 : 8;
        void **h = realloc(bin->handles, (size_t)cap * sizeof *h);
        if (h) {
            bin->handles = h;
            bin->cap = cap;
        }
    }
    if (bin && bin->count < bin->cap) {
        bin->handles[bin->count++] = handle;
        d->pool_stats.cached_bytes += capacity;
    } else {
        d->ops->buffer_free(d->local_index, handle);
    }
    pthread_mutex_unlock(&d->pool_lock);
}

void nda_pool_stats_get(nda_device *d, nda_pool_stats *out)
{
    pthread_mutex_lock(&d->pool_lock);
    *out = d->pool_stats;
    pthread_mutex_unlock(&d->pool_lock);
}
