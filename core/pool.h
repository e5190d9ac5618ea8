/* The memory layer's internal interface (core/pool.c): the out-of-memory
 * reclaim hook and the up-front size check. The allocator itself is
 * public (nda_pool_* in nda/device.h). The pool knows nothing of what the
 * layers above keep alive: a layer that can free device memory on demand
 * registers a hook. */
#ifndef NDA_POOL_H
#define NDA_POOL_H

#include <stddef.h>

#include "nda/device.h"

/* Frees what it can on device d: called by nda_pool_alloc after the device
 * (or NDACCEL_MEMORY_LIMIT) refused a block and returning the cached blocks
 * did not help. Runs on the allocating thread without the pool's lock held;
 * may allocate and free (an allocation made inside it that fails does not
 * start another reclaim). Best effort: it reports nothing as an error (the
 * pool clears the thread's error record afterwards). Returns how many
 * objects it released, for diagnostics only. */
typedef int (*nda_pool_reclaim_fn)(nda_device *d);

/* Installs fn as the process's reclaim hook, replacing any earlier one
 * (NULL: none, the initial state). Thread-safe; an allocation already in
 * its recovery may still call the previous hook. The lazy engine installs
 * its own on first use (core/lazy.c: computing pending arrays frees the
 * inputs only their expressions keep alive). */
void nda_pool_reclaim_set(nda_pool_reclaim_fn fn);

/* NDA_ENOMEM (message naming the size and the device) when one buffer of
 * `bytes` can never be had on d: more than the device's largest allocation
 * or than NDACCEL_MEMORY_LIMIT. Checked before an allocation is attempted
 * (core/array.c), so a hopeless request neither waits for the device nor
 * empties the cache. */
int nda_alloc_check(const nda_device *d, size_t bytes);

#endif
