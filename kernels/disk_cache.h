/* On-disk cache of compiled kernels, shared by threads and processes.
 *
 * Layout: entries live directly in the cache directory as `<32 hex>.ndk`,
 * the hex being nda_hash_hex128(key). Each file holds (little-endian):
 *
 *   offset  size  field
 *        0     8  magic "NDAKCACH"
 *        8     4  u32 format version (1)
 *       12     4  u32 reserved (0)
 *       16     8  u64 key_len
 *       24     8  u64 payload_len
 *       32     8  u64 checksum of payload (nda_hash64, dedicated seed)
 *       40     8  u64 checksum of key     (nda_hash64, dedicated seed)
 *       48        key bytes, then payload bytes (file size is exactly
 *                 48 + key_len + payload_len)
 *
 * Writers create `<32 hex>.ndk.tmp.<pid>.<counter>.<random>` in the same
 * directory and rename() it over the final name, so a reader sees either
 * the previous file or a complete new one; concurrent writers of one key
 * leave exactly one valid entry. The cache only ever deletes `*.ndk` entries
 * and its own stale `*.ndk.tmp.*` temporaries (older than one hour); other
 * files in the directory are never touched.
 *
 * Errors follow nda/error.h: functions return NDA_OK or a negative NDA_E*
 * code with the thread's error record set. Every file-system failure is
 * NDA_EIO and is meant to be non-fatal for callers (they compile instead).
 * A handle is immutable after open and may be used from many threads. */
#ifndef NDA_KERNELS_DISK_CACHE_H
#define NDA_KERNELS_DISK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nda_disk_cache nda_disk_cache;

/* Default bound on the total size of entries when open gets max_bytes 0. */
#define NDA_DISK_CACHE_DEFAULT_MAX_BYTES (UINT64_C(1) << 30)

/* Opens (creating with mkdir -p, mode 0700) a cache in dir. max_bytes bounds
 * the total size of entries (file sizes in bytes); 0 means the default
 * (1 GiB). On success *out owns a copy of dir; release it with
 * nda_disk_cache_close. NDA_EIO (message names the dir and strerror) if the
 * directory cannot be created or is not writable; NDA_ENOMEM; NDA_EVALUE for
 * a NULL or empty dir. *out is NULL on failure. */
int nda_disk_cache_open(const char *dir, uint64_t max_bytes, nda_disk_cache **out);

/* Releases the handle (files stay on disk). NULL ok. */
void nda_disk_cache_close(nda_disk_cache *c);

/* The directory given to open; owned by the handle, valid until close. */
const char *nda_disk_cache_dir(const nda_disk_cache *c);

/* Looks up key (arbitrary bytes, the FULL cache key text). On a hit,
 * *payload is malloc'd (caller frees; non-NULL even when *payload_len is 0)
 * and *found = 1. A missing, truncated, zero-length, corrupt (checksum
 * mismatch), wrong-version or wrong-key entry is a miss (*found = 0,
 * *payload = NULL, *payload_len = 0, return NDA_OK); such a damaged or
 * foreign entry is deleted (unless it was replaced meanwhile). Touches the
 * entry's mtime on a hit (LRU). Only real errors (NDA_ENOMEM) return
 * non-OK, with the outputs as on a miss. */
int nda_disk_cache_get(nda_disk_cache *c, const void *key, size_t key_len,
                       void **payload, size_t *payload_len, int *found);

/* Stores payload under key: writes a temporary file in the same dir, then
 * rename()s it over the final name, so readers never see a partial file
 * (no fsync: a crash may lose the entry, never corrupt a hit). Then evicts
 * least-recently-used entries (oldest mtime first, never the one just
 * written) until the total is within max_bytes, and removes our temporaries
 * older than one hour. An entry larger than max_bytes on its own is not
 * stored (NDA_OK). Failure to write (disk full, read-only, directory gone)
 * returns NDA_EIO with a message naming the file and leaves no temporary
 * file behind; eviction problems are ignored. */
int nda_disk_cache_put(nda_disk_cache *c, const void *key, size_t key_len,
                       const void *payload, size_t payload_len);

/* Writes the default directory into buf (len bytes including the NUL):
 * $NDACCEL_CACHE_DIR if set and non-empty; else $XDG_CACHE_HOME/ndaccel if
 * XDG_CACHE_HOME is an absolute path (the XDG spec says to ignore relative
 * ones); else $HOME/.cache/ndaccel if HOME is non-empty; else
 * /tmp/ndaccel-<uid>. NDA_EVALUE if it does not fit len (buf then holds ""
 * when len > 0). */
int nda_disk_cache_default_dir(char *buf, size_t len);

/* False when NDACCEL_CACHE is "0", "off", "false" or "no"
 * (case-insensitive); true otherwise, including when unset. */
bool nda_disk_cache_enabled_by_env(void);

/* Counts entry files (`<32 hex>.ndk`, regular files) in dir and their total
 * size in bytes; 0/0 and NDA_OK if dir does not exist. NDA_EIO if it cannot
 * be read. */
int nda_disk_cache_usage(const char *dir, uint64_t *entries, uint64_t *bytes);

/* Removes every entry file in dir (for ndaccel.cache_clear()); other files
 * are kept. NDA_OK if dir does not exist; NDA_EIO (first failure named) if
 * it cannot be read or an entry cannot be removed. */
int nda_disk_cache_clear(const char *dir);

#endif
