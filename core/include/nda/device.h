/* Devices: backends loaded from plugins, each exposing devices "name:N". */
#ifndef NDA_DEVICE_H
#define NDA_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "nda/backend.h"

typedef struct nda_device nda_device;

/* Loads every backend plugin once (thread-safe, idempotent). A plugin that
 * is missing or whose driver is absent is recorded as unavailable with the
 * reason; this never fails. Plugins are searched in $NDACCEL_PLUGIN_DIR,
 * then beside the shared object that holds the core. */
void nda_devices_init(void);
/* Waits for every initialised device's queue, once per process (later calls
 * and calls before initialisation do nothing). Registered with atexit by
 * nda_devices_init; an embedding runtime with an earlier end-of-process hook
 * (Python's Py_AtExit) should call it there: see core/device.c. */
void nda_devices_drain(void);

int nda_device_count(void);
nda_device *nda_device_at(int i);
/* Finds "opencl:0" / "cuda:1"; NDA_ENODEV with the list of known ids. */
int nda_device_find(const char *id, nda_device **out);
/* $NDACCEL_DEVICE if set, else the first CUDA device, else the first OpenCL
 * GPU, else the first device. NDA_ENODEV if there is none. */
int nda_device_default(nda_device **out);

const char *nda_device_id(const nda_device *d);
const nda_device_info *nda_device_info_of(const nda_device *d);
const nda_backend_ops *nda_device_ops(const nda_device *d);
int nda_device_local_index(const nda_device *d);
/* Backend cache tag (device, driver, compiler versions). */
const char *nda_device_cache_tag(const nda_device *d);
int nda_device_synchronize(nda_device *d);
/* Vendor libraries (backend ABI >= 2, see backend.h). NDA_ENODEV or
 * NDA_ENOTIMPL (message set) when the device has no library for the call:
 * the caller then uses generated kernels. Buffers are pool handles. */
int nda_device_gemm(nda_device *d, const nda_gemm_desc *g);
int nda_device_fft(nda_device *d, const nda_fft_desc *f);
/* Dense solvers (backend ABI >= 3, nda_solver_desc in backend.h).
 * NDA_ENOTIMPL "<id>: the <name> backend has no dense solver library" when
 * the plugin predates ABI 3 or has no solver member; the member's own
 * NDA_ENODEV / NDA_ENOTIMPL when its library is missing or lacks the type.
 * The caller then uses its own kernels. Buffers are pool handles. */
int nda_device_solver(nda_device *d, const nda_solver_desc *s);

/* Threads. The library keeps process-wide state (the registry of pending
 * lazy arrays, kernel caches, device pools) and backends may require their
 * calls to be serialised (backend.h), so the API is NOT safe to enter from
 * two threads at once. A multithreaded caller holds this one process-wide
 * lock around every call, array frees included (the Python extension takes
 * it in every _core function and array deallocation, and releases the GIL,
 * not this lock, while it waits on a device). Not recursive: a caller that
 * may nest keeps its own per-thread depth. trylock returns 1 when taken. */
void nda_library_lock(void);
int nda_library_trylock(void);
void nda_library_unlock(void);

/* Fork safety (core/fork.c). In a process forked after nda_devices_init
 * ran in its parent, the drivers are unusable (their threads and locks did
 * not survive fork) and the library never calls them: device lookups,
 * allocations, copies, launches and waits fail with NDA_EBACKEND and a
 * message advising multiprocessing's 'spawn' start method; frees do
 * nothing (the child leaks, never hangs). A child forked before the
 * parent's first nda_devices_init initialises its own devices normally.
 * nda_forked_after_init: 1 in such a child, else 0. nda_fork_check:
 * NDA_OK, or NDA_EBACKEND with that message set. */
int nda_forked_after_init(void);
int nda_fork_check(void);

/* Backends seen at init, available or not (for `python -m ndaccel`). */
int nda_backend_count(void);
const char *nda_backend_name(int i);
/* NULL when available, else why not. */
const char *nda_backend_unavailable_reason(int i);

/* Caching device allocator (core/pool.c). A buffer handle from the pool is
 * at least nbytes long. Freed blocks are kept per size class and reused
 * without a device call; reuse is safe because every backend executes one
 * device's work in order. When the device (or NDACCEL_MEMORY_LIMIT, bytes
 * of live blocks per device) refuses a block: the cached blocks are
 * returned and the allocation retried; then the device's pending lazy
 * arrays are computed, the device synchronised, the cache returned again
 * and the allocation retried once more; then NDA_ENOMEM with a message
 * naming the bytes asked for and the device id. */
int nda_pool_alloc(nda_device *d, size_t nbytes, void **handle, size_t *capacity);
void nda_pool_free(nda_device *d, void *handle, size_t capacity);
/* Returns every cached block to the backend. */
void nda_pool_release(nda_device *d);
typedef struct nda_pool_stats {
    uint64_t live_bytes, cached_bytes, allocs, reuses, device_allocs;
} nda_pool_stats;
void nda_pool_stats_get(nda_device *d, nda_pool_stats *out);

#endif
