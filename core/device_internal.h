/* The device record, private to core/ (not a public header): kernels/ and
 * the extension use the accessors of nda/device.h. */
#ifndef NDA_DEVICE_INTERNAL_H
#define NDA_DEVICE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "nda/device.h"

#define NDA_POOL_BINS 256

typedef struct nda_pool_bin {
    void **handles;
    int count, cap;
} nda_pool_bin;

struct nda_device {
    const nda_backend_ops *ops;
    int local_index;               /* index within the backend */
    char id[48];                   /* "opencl:0" */
    nda_device_info info;
    char cache_tag[1024];
    /* Serialises backend calls that mutate queue state on this device. */
    pthread_mutex_t lock;
    /* Pool (pool.c), guarded by pool_lock. */
    pthread_mutex_t pool_lock;
    nda_pool_bin bins[NDA_POOL_BINS];
    nda_pool_stats pool_stats;
    uint64_t memory_limit;         /* 0 = none */
    /* The largest command enqueued since the library last waited for the
     * queue, in elements (an estimate; 0: the queue is idle), for host
     * evaluation's policy (core/host_eval.c): waiting for a queue of small
     * commands is cheap (they pipeline, and are mostly done), waiting
     * behind a big one is not. Raised where kernels and driver commands
     * are enqueued, reset where the queue is waited for, under the library
     * lock; a wrong value only moves a small store between host and
     * kernel, never changes its values (host evaluation maps the buffers,
     * which waits for the queue). */
    int64_t queued_largest;
};

/* units: the elements the command processes (at least 1 is counted). */
static inline void nda_device_enqueued(nda_device *d, int64_t units)
{
    if (units < 1) units = 1;
    if (units > d->queued_largest) d->queued_largest = units;
}
static inline void nda_device_waited(nda_device *d) { d->queued_largest = 0; }

/* Fork safety (core/fork.c), used by device.c's pthread_atfork child
 * handler: marks this process as forked after the devices were
 * initialised, and fills *storage with an ops table (name, dialect and
 * abi_version of real) whose members reach no driver: each fails as
 * nda_fork_check does, frees do nothing. Returns storage. */
void nda_fork_mark_child(void);
const nda_backend_ops *nda_fork_stub_ops(nda_backend_ops *storage, const nda_backend_ops *real);

#endif
