/* The compiled-kernel caches as a whole (in memory per process, on disk
 * shared by processes): counters and clearing, for ndaccel.cache_info() /
 * cache_clear() and `python3 -m ndaccel`. Where the disk cache lives and how
 * it is switched off: NDACCEL_CACHE_DIR, NDACCEL_CACHE (README.md). */
#ifndef NDA_CACHE_H
#define NDA_CACHE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct nda_cache_info {
    /* Kernel lookups of this process since it started. */
    uint64_t memory_hits;  /* found compiled in memory */
    uint64_t disk_hits;    /* loaded from the disk cache */
    uint64_t compiles;     /* built from source by the driver */
    uint64_t disk_writes;  /* binaries stored on disk */
    uint64_t disk_errors;  /* unusable cache dir, failed writes, binaries the driver rejected */
    /* The disk cache directory, or "" when it is disabled or unusable.
     * Static storage, unchanged for the life of the process. */
    const char *dir;
    /* Entry files in dir now and their total size in bytes; 0 when the
     * cache is disabled or dir cannot be read. */
    uint64_t disk_entries;
    uint64_t disk_bytes;
} nda_cache_info;

/* Fills *out. Never fails (the thread's error record is left clear of
 * anything this call met); opens the disk cache on first use. */
void nda_cache_info_get(nda_cache_info *out);

/* Drops every compiled kernel of this process from memory and, when `disk`
 * is true and the disk cache is enabled, removes its entry files (other
 * files in the directory are kept). Later launches load their kernels from
 * disk or compile them again. NDA_EIO
 * naming the first directory or file that could not be read or removed;
 * the memory cache is cleared even then. */
int nda_cache_clear(bool disk);

#endif
