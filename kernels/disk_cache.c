/* On-disk kernel cache: see disk_cache.h for the file format and the
 * concurrency contract. Only POSIX calls are used (no flock): atomicity comes
 * from writing a private temporary file and rename()ing it into place. */
#define _POSIX_C_SOURCE 200809L

#include "kernels/disk_cache.h"

#include "kernels/hash.h"
#include "nda/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define HEADER_SIZE 48u
#define FORMAT_VERSION 1u
#define HEX_LEN 32u
#define ENTRY_SUFFIX ".ndk"
#define ENTRY_NAME_LEN (HEX_LEN + 4u)    /* "<32 hex>.ndk" */
#define TMP_INFIX ".tmp."                 /* "<32 hex>.ndk.tmp.<...>" */
#define STALE_TMP_SECONDS 3600
#define COMPARE_CHUNK 4096u

/* Checksum seeds, distinct from the file-name seeds in hash.c. Fixed forever
 * for format version 1. */
#define PAYLOAD_SUM_SEED UINT64_C(0x7061796C6F616431) /* "payload1" */
#define KEY_SUM_SEED UINT64_C(0x6B657973756D3031)     /* "keysum01" */

static const unsigned char MAGIC[8] = {'N', 'D', 'A', 'K', 'C', 'A', 'C', 'H'};

struct nda_disk_cache {
    char *dir;          /* owned, as given to open */
    uint64_t max_bytes; /* bound on the sum of entry file sizes */
};

/* Process-wide counter making temporary names unique between threads. */
static _Atomic uint64_t tmp_counter;

/* ---- names and paths --------------------------------------------------- */

static int is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return 0;
    }
    return 1;
}

/* True for "<32 lowercase hex>.ndk". */
static int is_entry_name(const char *name)
{
    return strlen(name) == ENTRY_NAME_LEN && is_lower_hex(name, HEX_LEN) &&
           strcmp(name + HEX_LEN, ENTRY_SUFFIX) == 0;
}

/* True for "<32 lowercase hex>.ndk.tmp.<anything non-empty>". */
static int is_tmp_name(const char *name)
{
    size_t prefix = ENTRY_NAME_LEN + strlen(TMP_INFIX);
    return strlen(name) > prefix && is_lower_hex(name, HEX_LEN) &&
           strncmp(name + HEX_LEN, ENTRY_SUFFIX TMP_INFIX, prefix - HEX_LEN) == 0;
}

/* Writes "<hex128(key)>.ndk" into name. */
static void entry_name(const void *key, size_t key_len, char name[ENTRY_NAME_LEN + 1])
{
    nda_hash_hex128(key, key_len, name);
    memcpy(name + HEX_LEN, ENTRY_SUFFIX, sizeof ENTRY_SUFFIX);
}

/* Returns malloc'd "dir/name" (caller frees), or NULL when out of memory. */
static char *join_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + 1 + nl + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* mkdir -p with mode 0700 for created components. Returns 0 or an errno
 * value (ENOMEM when the path copy cannot be allocated). */
static int mkdir_p(const char *path)
{
    size_t n = strlen(path);
    char *buf = malloc(n + 1);
    int err = 0;

    if (!buf)
        return ENOMEM;
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; err == 0; p++) {
        char saved = *p;
        if (saved != '/' && saved != '\0')
            continue;
        *p = '\0';
        /* An existing directory may report EEXIST, EACCES or EROFS
         * depending on the file system: only a non-directory is an error. */
        if (mkdir(buf, 0700) != 0 && !is_dir(buf))
            err = errno == EEXIST ? ENOTDIR : errno;
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(buf);
    return err;
}

/* ---- little-endian header ---------------------------------------------- */

static void store_le(unsigned char *p, uint64_t v, unsigned nbytes)
{
    for (unsigned i = 0; i < nbytes; i++) {
        p[i] = (unsigned char)(v & 0xFF);
        v >>= 8;
    }
}

static uint64_t load_le(const unsigned char *p, unsigned nbytes)
{
    uint64_t v = 0;
    for (unsigned i = nbytes; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

struct entry_header {
    uint32_t version;
    uint64_t key_len, payload_len, payload_sum, key_sum;
};

static void encode_header(const struct entry_header *h, unsigned char out[HEADER_SIZE])
{
    memcpy(out, MAGIC, sizeof MAGIC);
    store_le(out + 8, h->version, 4);
    store_le(out + 12, 0, 4);
    store_le(out + 16, h->key_len, 8);
    store_le(out + 24, h->payload_len, 8);
    store_le(out + 32, h->payload_sum, 8);
    store_le(out + 40, h->key_sum, 8);
}

/* Returns 0 when the magic matches (fields decoded into *h), else -1. */
static int decode_header(const unsigned char in[HEADER_SIZE], struct entry_header *h)
{
    if (memcmp(in, MAGIC, sizeof MAGIC) != 0)
        return -1;
    h->version = (uint32_t)load_le(in + 8, 4);
    h->key_len = load_le(in + 16, 8);
    h->payload_len = load_le(in + 24, 8);
    h->payload_sum = load_le(in + 32, 8);
    h->key_sum = load_le(in + 40, 8);
    return 0;
}

/* ---- raw I/O ----------------------------------------------------------- */

/* Reads exactly n bytes unless EOF comes first. Returns the number of bytes
 * read (< n only at EOF), or -1 with errno set. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *)buf + done, n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        done += (size_t)r;
    }
    return (ssize_t)done;
}

/* Writes all n bytes. Returns 0 or an errno value. */
static int write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        if (w == 0)
            return EIO;
        done += (size_t)w;
    }
    return 0;
}

/* ---- open / close ------------------------------------------------------ */

int nda_disk_cache_open(const char *dir, uint64_t max_bytes, nda_disk_cache **out)
{
    nda_disk_cache *c = NULL;
    int err;

    *out = NULL;
    if (!dir || !*dir)
        return nda_error_set(NDA_EVALUE, "kernel cache: empty directory name");
    err = mkdir_p(dir);
    if (err == ENOMEM)
        return nda_error_set(NDA_ENOMEM, "kernel cache: out of memory");
    if (err != 0)
        return nda_error_set(NDA_EIO, "kernel cache: cannot create directory '%s': %s",
                             dir, strerror(err));
    if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0)
        return nda_error_set(NDA_EIO, "kernel cache: directory '%s' is not writable: %s",
                             dir, strerror(errno));
    c = calloc(1, sizeof *c);
    if (!c)
        goto out_nomem;
    c->dir = strdup(dir);
    if (!c->dir)
        goto out_nomem;
    c->max_bytes = max_bytes ? max_bytes : NDA_DISK_CACHE_DEFAULT_MAX_BYTES;
    *out = c;
    return NDA_OK;

out_nomem:
    free(c);
    return nda_error_set(NDA_ENOMEM, "kernel cache: out of memory");
}

void nda_disk_cache_close(nda_disk_cache *c)
{
    if (!c)
        return;
    free(c->dir);
    free(c);
}

const char *nda_disk_cache_dir(const nda_disk_cache *c)
{
    return c->dir;
}

/* ---- get --------------------------------------------------------------- */

enum entry_state {
    ENTRY_VALID,      /* payload returned */
    ENTRY_DAMAGED,    /* wrong format, size, key or checksum: delete it */
    ENTRY_UNREADABLE, /* I/O error or not a regular file: miss, keep it */
};

/* Compares the next key_len bytes of fd with key without allocating.
 * Returns 1 when equal, 0 when different or short, -1 on a read error. */
static int key_matches(int fd, const unsigned char *key, size_t key_len)
{
    unsigned char chunk[COMPARE_CHUNK];
    size_t done = 0;
    while (done < key_len) {
        size_t n = key_len - done < sizeof chunk ? key_len - done : sizeof chunk;
        ssize_t r = read_full(fd, chunk, n);
        if (r < 0)
            return -1;
        if ((size_t)r != n || memcmp(chunk, key + done, n) != 0)
            return 0;
        done += n;
    }
    return 1;
}

/* Validates the entry open on fd against key. Sizes are checked against the
 * file size before anything is allocated, so a hostile header cannot cause a
 * large allocation. On ENTRY_VALID, *payload (malloc'd, at least 1 byte) and
 * *payload_len are set. Returns NDA_OK (state in *state) or NDA_ENOMEM. */
static int read_entry(int fd, const void *key, size_t key_len, enum entry_state *state,
                      void **payload, size_t *payload_len)
{
    unsigned char raw[HEADER_SIZE];
    struct entry_header h;
    struct stat st;
    unsigned char *buf = NULL;
    uint64_t avail;
    ssize_t r;
    int m;

    *state = ENTRY_UNREADABLE;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return NDA_OK;
    *state = ENTRY_DAMAGED;
    if ((uint64_t)st.st_size < HEADER_SIZE)
        return NDA_OK;
    r = read_full(fd, raw, HEADER_SIZE);
    if (r < 0)
        goto out_unreadable;
    if (r != HEADER_SIZE || decode_header(raw, &h) != 0 || h.version != FORMAT_VERSION)
        return NDA_OK;
    avail = (uint64_t)st.st_size - HEADER_SIZE;
    if (h.key_len != key_len || h.key_len > avail || h.payload_len != avail - h.key_len ||
        h.payload_len >= SIZE_MAX)
        return NDA_OK;
    if (h.key_sum != nda_hash64(key, key_len, KEY_SUM_SEED))
        return NDA_OK;
    m = key_matches(fd, key, key_len);
    if (m < 0)
        goto out_unreadable;
    if (m == 0)
        return NDA_OK;
    buf = malloc(h.payload_len ? (size_t)h.payload_len : 1u);
    if (!buf)
        return nda_error_set(NDA_ENOMEM, "kernel cache: cannot allocate %llu bytes",
                             (unsigned long long)h.payload_len);
    r = read_full(fd, buf, (size_t)h.payload_len);
    if (r < 0)
        goto out_unreadable;
    if ((uint64_t)r != h.payload_len ||
        nda_hash64(buf, (size_t)h.payload_len, PAYLOAD_SUM_SEED) != h.payload_sum)
        goto out_damaged;
    *state = ENTRY_VALID;
    *payload = buf;
    *payload_len = (size_t)h.payload_len;
    return NDA_OK;

out_unreadable:
    *state = ENTRY_UNREADABLE;
out_damaged:
    free(buf);
    return NDA_OK;
}

/* Unlinks path only if it still names the file open on fd, so an entry that
 * another writer renamed into place meanwhile survives. Best effort. */
static void unlink_if_same(const char *path, int fd)
{
    struct stat open_st, path_st;
    if (fstat(fd, &open_st) != 0 || stat(path, &path_st) != 0)
        return;
    if (open_st.st_dev == path_st.st_dev && open_st.st_ino == path_st.st_ino)
        (void)unlink(path);
}

int nda_disk_cache_get(nda_disk_cache *c, const void *key, size_t key_len,
                       void **payload, size_t *payload_len, int *found)
{
    char name[ENTRY_NAME_LEN + 1];
    enum entry_state state;
    char *path;
    int fd, rc;

    *payload = NULL;
    *payload_len = 0;
    *found = 0;
    entry_name(key, key_len, name);
    path = join_path(c->dir, name);
    if (!path)
        return nda_error_set(NDA_ENOMEM, "kernel cache: out of memory");
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        free(path);
        return NDA_OK; /* missing or inaccessible: a miss either way */
    }
    rc = read_entry(fd, key, key_len, &state, payload, payload_len);
    if (rc == NDA_OK && state == ENTRY_VALID) {
        (void)futimens(fd, NULL); /* LRU touch; failure only skews eviction */
        *found = 1;
    } else if (rc == NDA_OK && state == ENTRY_DAMAGED) {
        unlink_if_same(path, fd);
    }
    close(fd);
    free(path);
    return rc;
}

/* ---- put and eviction -------------------------------------------------- */

struct evict_item {
    char name[ENTRY_NAME_LEN + 1];
    struct timespec mtime;
    uint64_t size;
};

/* Oldest mtime first; ties broken by name so the order is deterministic. */
static int evict_item_cmp(const void *pa, const void *pb)
{
    const struct evict_item *a = pa, *b = pb;
    if (a->mtime.tv_sec != b->mtime.tv_sec)
        return a->mtime.tv_sec < b->mtime.tv_sec ? -1 : 1;
    if (a->mtime.tv_nsec != b->mtime.tv_nsec)
        return a->mtime.tv_nsec < b->mtime.tv_nsec ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Appends to a growable array; returns 0 or -1 when out of memory. */
static int evict_push(struct evict_item **items, size_t *n, size_t *cap,
                      const char *name, const struct stat *st)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct evict_item *grown = realloc(*items, ncap * sizeof *grown);
        if (!grown)
            return -1;
        *items = grown;
        *cap = ncap;
    }
    struct evict_item *it = &(*items)[(*n)++];
    memcpy(it->name, name, ENTRY_NAME_LEN + 1);
    it->mtime = st->st_mtim;
    it->size = (uint64_t)st->st_size;
    return 0;
}

/* Best effort, never sets the error record: removes our temporaries older
 * than STALE_TMP_SECONDS, then unlinks entries other than `keep`, oldest
 * mtime first, until the entries total at most c->max_bytes. */
static void evict(const nda_disk_cache *c, const char *keep)
{
    struct evict_item *items = NULL;
    size_t n = 0, cap = 0;
    uint64_t total = 0;
    time_t now = time(NULL);
    struct dirent *de;
    struct stat st;
    DIR *d = opendir(c->dir);

    if (!d)
        return;
    int dfd = dirfd(d);
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        int entry = is_entry_name(name);
        if (!entry && !is_tmp_name(name))
            continue;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (!entry) {
            if (now - st.st_mtim.tv_sec > STALE_TMP_SECONDS)
                (void)unlinkat(dfd, name, 0);
            continue;
        }
        total += (uint64_t)st.st_size;
        if (strcmp(name, keep) != 0 && evict_push(&items, &n, &cap, name, &st) != 0)
            goto out_close;
    }
    if (total > c->max_bytes && n > 0) {
        qsort(items, n, sizeof *items, evict_item_cmp);
        for (size_t i = 0; i < n && total > c->max_bytes; i++) {
            if (unlinkat(dfd, items[i].name, 0) == 0 || errno == ENOENT)
                total -= items[i].size;
        }
    }
out_close:
    free(items);
    closedir(d);
}

/* Creates and opens (write-only, O_EXCL, mode 0600) a fresh temporary for
 * entry `name` in c->dir: "<name>.tmp.<pid>.<counter>.<random hex>". On
 * NDA_OK, *fd_out is open and *tmp_out is malloc'd (caller frees). */
static int create_temp(const nda_disk_cache *c, const char *name, int *fd_out, char **tmp_out)
{
    char tname[ENTRY_NAME_LEN + 96];
    char *tmp = NULL;
    int err = 0;

    for (int attempt = 0; attempt < 16; attempt++) {
        struct {
            long pid;
            uint64_t count;
            struct timespec ts;
            const void *stack;
        } seedsrc;
        memset(&seedsrc, 0, sizeof seedsrc);
        seedsrc.pid = (long)getpid();
        seedsrc.count = atomic_fetch_add(&tmp_counter, 1);
        (void)clock_gettime(CLOCK_REALTIME, &seedsrc.ts);
        seedsrc.stack = &seedsrc;
        uint64_t rnd = nda_hash64(&seedsrc, sizeof seedsrc, (uint64_t)attempt);
        snprintf(tname, sizeof tname, "%s" TMP_INFIX "%ld.%llu.%016llx", name, seedsrc.pid,
                 (unsigned long long)seedsrc.count, (unsigned long long)rnd);
        free(tmp);
        tmp = join_path(c->dir, tname);
        if (!tmp)
            return nda_error_set(NDA_ENOMEM, "kernel cache: out of memory");
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            *fd_out = fd;
            *tmp_out = tmp;
            return NDA_OK;
        }
        err = errno;
        if (err != EEXIST && err != EINTR)
            break;
    }
    int rc = nda_error_set(NDA_EIO, "kernel cache: cannot create '%s': %s", tmp,
                           strerror(err));
    free(tmp);
    return rc;
}

/* Writes header, key and payload to fd. Returns 0 or an errno value. */
static int write_entry(int fd, const void *key, size_t key_len, const void *payload,
                       size_t payload_len)
{
    struct entry_header h = {
        .version = FORMAT_VERSION,
        .key_len = key_len,
        .payload_len = payload_len,
        .payload_sum = nda_hash64(payload, payload_len, PAYLOAD_SUM_SEED),
        .key_sum = nda_hash64(key, key_len, KEY_SUM_SEED),
    };
    unsigned char raw[HEADER_SIZE];
    int err;

    encode_header(&h, raw);
    err = write_full(fd, raw, sizeof raw);
    if (err == 0)
        err = write_full(fd, key, key_len);
    if (err == 0)
        err = write_full(fd, payload, payload_len);
    return err;
}

int nda_disk_cache_put(nda_disk_cache *c, const void *key, size_t key_len,
                       const void *payload, size_t payload_len)
{
    char name[ENTRY_NAME_LEN + 1];
    char *tmp = NULL, *final = NULL;
    int fd = -1, rc, err;

    /* Overflow-safe form of HEADER_SIZE + key_len + payload_len > max. */
    if (c->max_bytes < HEADER_SIZE || (uint64_t)key_len > c->max_bytes - HEADER_SIZE ||
        (uint64_t)payload_len > c->max_bytes - HEADER_SIZE - key_len)
        return NDA_OK; /* could never fit: not stored */
    entry_name(key, key_len, name);
    final = join_path(c->dir, name);
    if (!final)
        return nda_error_set(NDA_ENOMEM, "kernel cache: out of memory");
    rc = create_temp(c, name, &fd, &tmp);
    if (rc != NDA_OK)
        goto out_free;
    err = write_entry(fd, key, key_len, payload, payload_len);
    if (close(fd) != 0 && err == 0)
        err = errno;
    if (err != 0) {
        rc = nda_error_set(NDA_EIO, "kernel cache: cannot write '%s': %s", tmp, strerror(err));
        goto out_unlink;
    }
    if (rename(tmp, final) != 0) {
        rc = nda_error_set(NDA_EIO, "kernel cache: cannot rename '%s' to '%s': %s", tmp,
                           final, strerror(errno));
        goto out_unlink;
    }
    evict(c, name);
    rc = NDA_OK;
    goto out_free;

out_unlink:
    (void)unlink(tmp);
out_free:
    free(tmp);
    free(final);
    return rc;
}

/* ---- directory-level helpers ------------------------------------------- */

/* Checks snprintf's result n: NDA_OK if it fit len bytes, else NDA_EVALUE
 * with buf emptied. */
static int fits(char *buf, size_t len, int n)
{
    if (n >= 0 && (size_t)n < len)
        return NDA_OK;
    if (len > 0)
        buf[0] = '\0';
    return nda_error_set(NDA_EVALUE,
                         "kernel cache: default directory does not fit %zu bytes", len);
}

int nda_disk_cache_default_dir(char *buf, size_t len)
{
    const char *v = getenv("NDACCEL_CACHE_DIR");
    if (v && *v)
        return fits(buf, len, snprintf(buf, len, "%s", v));
    v = getenv("XDG_CACHE_HOME");
    if (v && v[0] == '/')
        return fits(buf, len, snprintf(buf, len, "%s/ndaccel", v));
    v = getenv("HOME");
    if (v && *v)
        return fits(buf, len, snprintf(buf, len, "%s/.cache/ndaccel", v));
    return fits(buf, len, snprintf(buf, len, "/tmp/ndaccel-%lu", (unsigned long)getuid()));
}

bool nda_disk_cache_enabled_by_env(void)
{
    static const char *const off[] = {"0", "off", "false", "no"};
    const char *v = getenv("NDACCEL_CACHE");
    if (!v)
        return true;
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++) {
        if (strcasecmp(v, off[i]) == 0)
            return false;
    }
    return true;
}

int nda_disk_cache_usage(const char *dir, uint64_t *entries, uint64_t *bytes)
{
    struct dirent *de;
    struct stat st;
    DIR *d;

    *entries = 0;
    *bytes = 0;
    d = opendir(dir);
    if (!d && errno == ENOENT)
        return NDA_OK;
    if (!d)
        return nda_error_set(NDA_EIO, "kernel cache: cannot read directory '%s': %s", dir,
                             strerror(errno));
    while ((de = readdir(d)) != NULL) {
        if (!is_entry_name(de->d_name))
            continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        (*entries)++;
        *bytes += (uint64_t)st.st_size;
    }
    closedir(d);
    return NDA_OK;
}

int nda_disk_cache_clear(const char *dir)
{
    struct dirent *de;
    int rc = NDA_OK;
    DIR *d = opendir(dir);

    if (!d && errno == ENOENT)
        return NDA_OK;
    if (!d)
        return nda_error_set(NDA_EIO, "kernel cache: cannot read directory '%s': %s", dir,
                             strerror(errno));
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (!is_entry_name(de->d_name))
            continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (unlinkat(dirfd(d), de->d_name, 0) != 0 && errno != ENOENT && rc == NDA_OK)
            rc = nda_error_set(NDA_EIO, "kernel cache: cannot remove '%s/%s': %s", dir,
                               de->d_name, strerror(errno));
    }
    closedir(d);
    return rc;
}
