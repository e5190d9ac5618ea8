/* Compiled kernels: memory cache per device, then the disk cache, then the
 * backend compiler.
 *
 * The memory cache is keyed by a generator's short spec key (which
 * determines the source); the disk cache by the full key: ndaccel version,
 * backend, device cache tag (device, driver, compiler versions), build
 * options and the complete source. A disk entry that is unreadable,
 * corrupt or rejected by the driver is rebuilt, never fatal. When two
 * threads compile the same kernel, the first result stored is kept. */
#ifndef NDA_KERNEL_CACHE_H
#define NDA_KERNEL_CACHE_H

#include <stdint.h>

#include "kernels/strbuf.h"
#include "nda/device.h"

/* Writes the kernel source for the spec into src (called on a miss). */
typedef int (*nda_source_fn)(const void *ctx, nda_dialect dialect, nda_strbuf *src);

/* Returns a kernel handle owned by the cache (valid for the process). */
int nda_kernel_get(nda_device *d, const char *spec_key, nda_source_fn gen, const void *ctx,
                   const char *kernel_name, void **kernel);

typedef struct nda_cache_stats {
    uint64_t memory_hits;   /* found compiled in this process */
    uint64_t disk_hits;     /* loaded from the disk cache */
    uint64_t compiles;      /* built from source */
    uint64_t disk_writes;
    uint64_t disk_errors;   /* unreadable dir, failed writes, rejected binaries */
} nda_cache_stats;

void nda_kernel_cache_stats(nda_cache_stats *out);
/* Directory of the disk cache, or "" when disabled. */
const char *nda_kernel_cache_dir(void);
/* Drops every compiled kernel of this process from memory (for tests of
 * the disk path). */
void nda_kernel_cache_clear_memory(void);

#endif
