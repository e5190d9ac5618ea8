/* nda/cache.h over the kernel cache (kernels/kernel_cache.h) and the disk
 * cache's directory functions (kernels/disk_cache.h). */
#include "nda/cache.h"

#include "kernels/disk_cache.h"
#include "kernels/kernel_cache.h"
#include "nda/error.h"

void nda_cache_info_get(nda_cache_info *out)
{
    nda_cache_stats s;
    nda_kernel_cache_stats(&s);
    out->memory_hits = s.memory_hits;
    out->disk_hits = s.disk_hits;
    out->compiles = s.compiles;
    out->disk_writes = s.disk_writes;
    out->disk_errors = s.disk_errors;
    out->dir = nda_kernel_cache_dir();
    out->disk_entries = 0;
    out->disk_bytes = 0;
    /* An unreadable directory counts as empty (usage zeroes both). */
    if (out->dir[0] && nda_disk_cache_usage(out->dir, &out->disk_entries, &out->disk_bytes) != NDA_OK)
        nda_error_clear();
}

int nda_cache_clear(bool disk)
{
    nda_kernel_cache_clear_memory();
    const char *dir = nda_kernel_cache_dir();
    return disk && dir[0] ? nda_disk_cache_clear(dir) : NDA_OK;
}
