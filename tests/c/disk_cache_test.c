/* Tests for kernels/disk_cache.h: round trips, every kind of damaged entry,
 * LRU eviction, I/O failures, and concurrent use from threads and processes.
 * Works under Bazel (fresh dir below $TEST_TMPDIR) or standalone (/tmp). */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE /* syscall */

#include "kernels/disk_cache.h"

#include "kernels/hash.h"
#include "nda/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

#define HEADER 48
#define PATH_LEN 4096

static char g_root[PATH_LEN]; /* fresh per run; removed at the end */

/* ---- helpers ----------------------------------------------------------- */

/* out = dir + "/" + name; exits the test on overflow (never expected). */
static void join(char out[PATH_LEN], const char *dir, const char *name)
{
    int n = snprintf(out, PATH_LEN, "%s/%s", dir, name);
    if (n < 0 || n >= PATH_LEN) {
        fprintf(stderr, "path too long: %s/%s\n", dir, name);
        exit(2);
    }
}

static void sub_path(char out[PATH_LEN], const char *name)
{
    join(out, g_root, name);
}

static void entry_path(char out[PATH_LEN], const char *dir, const char *key)
{
    char name[37];
    nda_hash_hex128(key, strlen(key), name);
    memcpy(name + 32, ".ndk", 5);
    join(out, dir, name);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void touch_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0)
        close(fd);
}

/* Sets both atime and mtime of path to now + delta seconds. */
static int set_age(const char *path, long delta)
{
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec += delta;
    ts[1] = ts[0];
    return utimensat(AT_FDCWD, path, ts, 0);
}

static int count_tmp_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL)
        n += strstr(de->d_name, ".ndk.tmp.") != NULL;
    closedir(d);
    return n;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_rf(const char *path)
{
    nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Deterministic payload for a key: 1..400 bytes derived from its hash. */
static size_t payload_for(const char *key, unsigned char *buf, size_t cap)
{
    uint64_t h = nda_hash64(key, strlen(key), 99);
    size_t n = 1 + (size_t)(h % 400);
    if (n > cap)
        n = cap;
    for (size_t i = 0; i < n; i++) {
        h = h * UINT64_C(6364136223846793005) + 1;
        buf[i] = (unsigned char)(h >> 56);
    }
    return n;
}

static int put_str(nda_disk_cache *c, const char *key, const char *payload)
{
    return nda_disk_cache_put(c, key, strlen(key), payload, strlen(payload));
}

/* Returns 1 on a hit whose payload equals expect, 0 on a miss, -1 on a hit
 * with the wrong payload, -2 on an error. */
static int get_cmp(nda_disk_cache *c, const char *key, const void *expect, size_t expect_len)
{
    void *p = NULL;
    size_t n = 0;
    int found = -1;
    int rc = nda_disk_cache_get(c, key, strlen(key), &p, &n, &found);
    int result;
    if (rc != NDA_OK)
        result = -2;
    else if (!found)
        result = p == NULL && n == 0 ? 0 : -1;
    else
        result = p != NULL && n == expect_len && memcmp(p, expect, n) == 0 ? 1 : -1;
    free(p);
    return result;
}

static int get_str(nda_disk_cache *c, const char *key, const char *expect)
{
    return get_cmp(c, key, expect, strlen(expect));
}

/* Overwrites n bytes at offset off of path. */
static void patch_file(const char *path, off_t off, const void *bytes, size_t n)
{
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(pwrite(fd, bytes, n, off) == (ssize_t)n);
    close(fd);
}

static void flip_byte(const char *path, off_t off)
{
    unsigned char b;
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(pread(fd, &b, 1, off) == 1);
    b ^= 0x5A;
    CHECK(pwrite(fd, &b, 1, off) == 1);
    close(fd);
}

static nda_disk_cache *open_sub(const char *name, uint64_t max_bytes, char dir[PATH_LEN])
{
    nda_disk_cache *c = NULL;
    sub_path(dir, name);
    int rc = nda_disk_cache_open(dir, max_bytes, &c);
    CHECK(rc == NDA_OK);
    CHECK(c != NULL);
    return c;
}

/* ---- tests ------------------------------------------------------------- */

static void test_round_trip(void)
{
    char dir[PATH_LEN];
    nda_disk_cache *c = open_sub("rt/a/b", 0, dir); /* mkdir -p */
    struct stat st;
    uint64_t entries = 0, bytes = 0;
    if (!c)
        return;
    CHECK(strcmp(nda_disk_cache_dir(c), dir) == 0);
    CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 0077) == 0); /* created 0700 */

    CHECK(put_str(c, "key one", "payload one") == NDA_OK);
    CHECK(get_str(c, "key one", "payload one") == 1);
    CHECK(get_str(c, "key two", "") == 0); /* unknown key */
    CHECK(put_str(c, "key one", "replaced") == NDA_OK);
    CHECK(get_str(c, "key one", "replaced") == 1);

    /* Zero-length payload and zero-length key. */
    CHECK(nda_disk_cache_put(c, "empty", 5, "", 0) == NDA_OK);
    void *p = NULL;
    size_t n = 99;
    int found = 0;
    CHECK(nda_disk_cache_get(c, "empty", 5, &p, &n, &found) == NDA_OK);
    CHECK(found == 1 && n == 0 && p != NULL);
    free(p);
    CHECK(nda_disk_cache_put(c, NULL, 0, "k0", 2) == NDA_OK);
    CHECK(get_cmp(c, "", "k0", 2) == 1);

    /* Binary key and payload with NUL bytes. */
    const unsigned char bkey[] = {0, 1, 2, 0, 255};
    const unsigned char bval[] = {9, 0, 0, 8};
    CHECK(nda_disk_cache_put(c, bkey, sizeof bkey, bval, sizeof bval) == NDA_OK);
    CHECK(nda_disk_cache_get(c, bkey, sizeof bkey, &p, &n, &found) == NDA_OK);
    CHECK(found == 1 && n == sizeof bval && memcmp(p, bval, n) == 0);
    free(p);

    char path[PATH_LEN];
    entry_path(path, dir, "key one");
    CHECK(file_size(path) == HEADER + 7 + 8);
    CHECK(nda_disk_cache_usage(dir, &entries, &bytes) == NDA_OK);
    CHECK(entries == 4);
    CHECK(bytes == (HEADER + 7 + 8) + (HEADER + 5) + (HEADER + 2) + (HEADER + 5 + 4));
    CHECK(count_tmp_files(dir) == 0);
    nda_disk_cache_close(c);
    nda_disk_cache_close(NULL);

    /* Reopening an existing directory sees the same entries. */
    CHECK(nda_disk_cache_open(dir, 0, &c) == NDA_OK);
    if (c) {
        CHECK(get_str(c, "key one", "replaced") == 1);
        nda_disk_cache_close(c);
    }
    CHECK(nda_disk_cache_open("", 0, &c) == NDA_EVALUE && c == NULL);
}

static void test_wrong_key(void)
{
    char dir[PATH_LEN], pa[PATH_LEN], pb[PATH_LEN], pc[PATH_LEN];
    nda_disk_cache *c = open_sub("wrongkey", 0, dir);
    if (!c)
        return;
    entry_path(pa, dir, "alpha-key-1");
    entry_path(pb, dir, "alpha-key-2");
    entry_path(pc, dir, "x");

    /* Same key length, different bytes, under A's file name. */
    CHECK(put_str(c, "alpha-key-2", "B payload") == NDA_OK);
    CHECK(rename(pb, pa) == 0);
    CHECK(get_str(c, "alpha-key-1", "B payload") == 0);
    CHECK(!exists(pa));

    /* Different key length under A's file name. */
    CHECK(put_str(c, "x", "C payload") == NDA_OK);
    CHECK(rename(pc, pa) == 0);
    CHECK(get_str(c, "alpha-key-1", "C payload") == 0);
    CHECK(!exists(pa));

    /* Same key bytes stored, but one stored key byte flipped (key checksum
     * still of the original): miss. */
    CHECK(put_str(c, "alpha-key-1", "A payload") == NDA_OK);
    flip_byte(pa, HEADER + 3);
    CHECK(get_str(c, "alpha-key-1", "A payload") == 0);
    CHECK(!exists(pa));

    /* A directory where the entry should be: miss, left alone. */
    CHECK(mkdir(pa, 0700) == 0);
    CHECK(get_str(c, "alpha-key-1", "A payload") == 0);
    CHECK(exists(pa));
    CHECK(rmdir(pa) == 0);
    nda_disk_cache_close(c);
}

static void test_truncated(void)
{
    char dir[PATH_LEN], path[PATH_LEN];
    unsigned char payload[100];
    const char *key = "trunc-key"; /* 9 bytes */
    const size_t klen = 9, full = HEADER + 9 + sizeof payload;
    const off_t lengths[] = {0, 7, HEADER - 1, HEADER, HEADER + (off_t)klen - 1,
                             HEADER + (off_t)klen, (off_t)full - 1};
    nda_disk_cache *c = open_sub("trunc", 0, dir);
    if (!c)
        return;
    memset(payload, 'p', sizeof payload);
    entry_path(path, dir, key);
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        CHECK(nda_disk_cache_put(c, key, klen, payload, sizeof payload) == NDA_OK);
        CHECK(file_size(path) == (long long)full);
        CHECK(truncate(path, lengths[i]) == 0);
        CHECK(get_cmp(c, key, payload, sizeof payload) == 0);
        CHECK(!exists(path));
    }
    /* Trailing garbage (file longer than the header says): miss. */
    CHECK(nda_disk_cache_put(c, key, klen, payload, sizeof payload) == NDA_OK);
    CHECK(truncate(path, (off_t)full + 1) == 0);
    CHECK(get_cmp(c, key, payload, sizeof payload) == 0);
    CHECK(!exists(path));
    nda_disk_cache_close(c);
}

static void test_corrupt_header_and_payload(void)
{
    char dir[PATH_LEN], path[PATH_LEN];
    const char *key = "corrupt-key", *val = "some payload bytes";
    const off_t full = HEADER + 11 + 18;
    nda_disk_cache *c = open_sub("corrupt", 0, dir);
    if (!c)
        return;
    entry_path(path, dir, key);

    struct {
        const char *what;
        off_t off;
        uint64_t value; /* written as u64 unless flip */
        int flip;
        int width; /* bytes of value written */
    } cases[] = {
        {"last payload byte", full - 1, 0, 1, 0},
        {"first payload byte", HEADER + 11, 0, 1, 0},
        {"magic", 0, 0, 1, 0},
        {"version 2", 8, 2, 0, 4},
        {"version 0", 8, 0, 0, 4},
        {"key_len huge", 16, UINT64_C(1) << 62, 0, 8},
        {"key_len max", 16, UINT64_MAX, 0, 8},
        {"payload_len huge", 24, UINT64_C(1) << 62, 0, 8},
        {"payload_len max", 24, UINT64_MAX, 0, 8},
        {"payload_len + 1", 24, 19, 0, 8},
        {"payload checksum", 32, 12345, 0, 8},
        {"key checksum", 40, 12345, 0, 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(put_str(c, key, val) == NDA_OK);
        CHECK(get_str(c, key, val) == 1);
        if (cases[i].flip) {
            flip_byte(path, cases[i].off);
        } else {
            unsigned char b[8];
            for (int k = 0; k < 8; k++)
                b[k] = (unsigned char)(cases[i].value >> (8 * k));
            patch_file(path, cases[i].off, b, (size_t)cases[i].width);
        }
        int r = get_str(c, key, val);
        if (r != 0)
            fprintf(stderr, "corrupt case '%s' gave %d\n", cases[i].what, r);
        CHECK(r == 0);
        CHECK(!exists(path));
    }
    /* The reserved field is ignored. */
    CHECK(put_str(c, key, val) == NDA_OK);
    patch_file(path, 12, "\x01\x00\x00\x00", 4);
    CHECK(get_str(c, key, val) == 1);
    nda_disk_cache_close(c);
}

static void test_eviction(void)
{
    char dir[PATH_LEN], pa[PATH_LEN], pb[PATH_LEN], pc[PATH_LEN], pd[PATH_LEN];
    char other[PATH_LEN], hexdir[PATH_LEN];
    char old_tmp[PATH_LEN], fresh_tmp[PATH_LEN], foreign_tmp[PATH_LEN];
    unsigned char payload[200];
    const uint64_t entry = HEADER + 7 + sizeof payload; /* 255 bytes */
    uint64_t entries = 0, bytes = 0;
    nda_disk_cache *c = open_sub("evict", 3 * entry + 45, dir); /* 3 fit, 4 do not */
    if (!c)
        return;
    memset(payload, 'e', sizeof payload);
    entry_path(pa, dir, "evict-A");
    entry_path(pb, dir, "evict-B");
    entry_path(pc, dir, "evict-C");
    entry_path(pd, dir, "evict-D");

    CHECK(nda_disk_cache_put(c, "evict-A", 7, payload, sizeof payload) == NDA_OK);
    CHECK(nda_disk_cache_put(c, "evict-B", 7, payload, sizeof payload) == NDA_OK);
    CHECK(nda_disk_cache_put(c, "evict-C", 7, payload, sizeof payload) == NDA_OK);
    CHECK(set_age(pa, -300) == 0);
    CHECK(set_age(pb, -200) == 0);
    CHECK(set_age(pc, -100) == 0);

    /* Files the cache must leave alone, and temporaries it may clean. */
    sub_path(other, "evict/README");
    touch_file(other);
    CHECK(set_age(other, -100000) == 0);
    join(hexdir, dir, "0123456789abcdef0123456789abcdef.ndk.bak");
    touch_file(hexdir);
    CHECK(set_age(hexdir, -100000) == 0);
    join(old_tmp, dir, "0123456789abcdef0123456789abcdef.ndk.tmp.1.2.3");
    touch_file(old_tmp);
    CHECK(set_age(old_tmp, -7200) == 0);
    join(fresh_tmp, dir, "fedcba9876543210fedcba9876543210.ndk.tmp.4.5.6");
    touch_file(fresh_tmp);
    join(foreign_tmp, dir, "notours.ndk.tmp.7");
    touch_file(foreign_tmp);
    CHECK(set_age(foreign_tmp, -7200) == 0);

    /* Touch A by reading it: it becomes the most recently used. */
    CHECK(get_cmp(c, "evict-A", payload, sizeof payload) == 1);
    CHECK(nda_disk_cache_put(c, "evict-D", 7, payload, sizeof payload) == NDA_OK);

    CHECK(exists(pa));
    CHECK(!exists(pb)); /* oldest after A's touch */
    CHECK(exists(pc));
    CHECK(exists(pd));
    CHECK(!exists(old_tmp));
    CHECK(exists(fresh_tmp));
    CHECK(exists(foreign_tmp));
    CHECK(exists(other));
    CHECK(exists(hexdir));
    CHECK(nda_disk_cache_usage(dir, &entries, &bytes) == NDA_OK);
    CHECK(entries == 3 && bytes == 3 * entry);

    /* An entry larger than max_bytes is not stored and evicts nothing. */
    unsigned char big[1000];
    memset(big, 'b', sizeof big);
    CHECK(nda_disk_cache_put(c, "evict-big", 9, big, sizeof big) == NDA_OK);
    CHECK(get_cmp(c, "evict-big", big, sizeof big) == 0);
    CHECK(nda_disk_cache_usage(dir, &entries, &bytes) == NDA_OK);
    CHECK(entries == 3);

    /* clear removes entries only. */
    CHECK(nda_disk_cache_clear(dir) == NDA_OK);
    CHECK(nda_disk_cache_usage(dir, &entries, &bytes) == NDA_OK);
    CHECK(entries == 0 && bytes == 0);
    CHECK(!exists(pa) && !exists(pc) && !exists(pd));
    CHECK(exists(other) && exists(hexdir) && exists(fresh_tmp) && exists(foreign_tmp));
    nda_disk_cache_close(c);
}

/* The permission checks on `ro`, an empty directory the caller owns with
 * mode 0700 (so the caller is not root): opening it or a directory below
 * it while it is 0500 fails with NDA_EIO naming the path; a cache opened
 * while it was writable fails to put once it is not, leaving no temporary
 * file. Leaves it 0700. */
static void unwritable_checks(const char *ro)
{
    char ro_sub[PATH_LEN];
    nda_disk_cache *c = NULL;

    join(ro_sub, ro, "sub");
    CHECK(chmod(ro, 0500) == 0);
    CHECK(nda_disk_cache_open(ro, 0, &c) == NDA_EIO);
    CHECK(strstr(nda_error_message(), ro) != NULL);
    CHECK(nda_disk_cache_open(ro_sub, 0, &c) == NDA_EIO);
    CHECK(strstr(nda_error_message(), ro_sub) != NULL);
    /* Open while writable, then lose write permission: put fails. */
    CHECK(chmod(ro, 0700) == 0);
    CHECK(nda_disk_cache_open(ro, 0, &c) == NDA_OK);
    CHECK(chmod(ro, 0500) == 0);
    if (c) {
        CHECK(put_str(c, "k", "v") == NDA_EIO);
        CHECK(count_tmp_files(ro) == 0);
        nda_disk_cache_close(c);
    }
    CHECK(chmod(ro, 0700) == 0);
}

/* Drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from every capability
 * set of the calling thread, for good: root then obeys permission bits
 * like any other user (also in a user namespace, where the sandbox maps no
 * other uid to switch to). 0 on success. */
static int drop_dac_capabilities(void)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    const unsigned int dac = CAP_TO_MASK(CAP_DAC_OVERRIDE) | CAP_TO_MASK(CAP_DAC_READ_SEARCH);

    if (syscall(SYS_capget, &hdr, data) != 0)
        return -1;
    data[0].effective &= ~dac;
    data[0].permitted &= ~dac;
    data[0].inheritable &= ~dac;
    return (int)syscall(SYS_capset, &hdr, data);
}

/* unwritable_checks for a test run as root (CI): a forked child gives up
 * the capabilities that let root ignore permission bits and runs them on
 * a directory in a fresh directory under /tmp that everyone may traverse
 * (the test's own directory may lie below directories only root's
 * capabilities let it enter). First it shows that the bits now bind it: a
 * directory cannot be created in the 0500 directory. The child's check
 * counts come back through a pipe. */
static void unwritable_as_unprivileged_root(void)
{
    char top[] = "/tmp/ndk_cache_unwritable.XXXXXX", ro[PATH_LEN], probe[PATH_LEN];
    int fds[2], counts[2] = {0, 0}, status = 0;
    pid_t pid;

    if (!mkdtemp(top)) {
        CHECKF(0, "mkdtemp(%s): %s", top, strerror(errno));
        return;
    }
    join(ro, top, "readonly");
    join(probe, ro, "probe");
    CHECK(chmod(top, 0711) == 0);
    CHECK(mkdir(ro, 0700) == 0);
    CHECK(pipe(fds) == 0);
    fflush(NULL);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        g_passed = g_failed = 0;
        CHECK(drop_dac_capabilities() == 0);
        CHECK(chmod(ro, 0500) == 0);
        CHECK(mkdir(probe, 0700) != 0 && errno == EACCES);
        CHECK(chmod(ro, 0700) == 0);
        unwritable_checks(ro);
        counts[0] = g_passed;
        counts[1] = g_failed;
        _exit(write(fds[1], counts, sizeof counts) == (ssize_t)sizeof counts ? 0 : 3);
    }
    close(fds[1]);
    if (pid > 0) {
        CHECK(read(fds[0], counts, sizeof counts) == (ssize_t)sizeof counts);
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0);
        g_passed += counts[0];
        g_failed += counts[1];
        printf("info: permission checks as root without CAP_DAC_OVERRIDE: %d passed, "
               "%d failed\n",
               counts[0], counts[1]);
    }
    close(fds[0]);
    rm_rf(top);
}

static void test_unwritable(void)
{
    char file[PATH_LEN], under_file[PATH_LEN], ro[PATH_LEN];
    nda_disk_cache *c = (nda_disk_cache *)&c; /* must be reset to NULL */

    /* A path below a regular file fails even for root. */
    sub_path(file, "plainfile");
    touch_file(file);
    join(under_file, file, "sub/deeper");
    nda_error_clear();
    CHECK(nda_disk_cache_open(under_file, 0, &c) == NDA_EIO);
    CHECK(c == NULL);
    CHECK(nda_error_code() == NDA_EIO);
    CHECK(strstr(nda_error_message(), file) != NULL);
    CHECK(strstr(nda_error_message(), strerror(ENOTDIR)) != NULL);
    CHECK(nda_disk_cache_open(file, 0, &c) == NDA_EIO); /* a file, not a dir */

    /* Permission bits bind everyone but root: as root, a child process
     * without root's override capabilities runs the same checks. */
    if (geteuid() == 0) {
        unwritable_as_unprivileged_root();
        return;
    }
    sub_path(ro, "readonly");
    CHECK(mkdir(ro, 0700) == 0);
    unwritable_checks(ro);
}

static void test_dir_removed(void)
{
    char dir[PATH_LEN];
    uint64_t entries = 7, bytes = 7;
    nda_disk_cache *c = open_sub("gone", 0, dir);
    if (!c)
        return;
    CHECK(rmdir(dir) == 0);
    nda_error_clear();
    CHECK(put_str(c, "k", "v") == NDA_EIO);
    CHECK(nda_error_code() == NDA_EIO);
    CHECK(strstr(nda_error_message(), dir) != NULL);
    CHECK(get_str(c, "k", "v") == 0);
    CHECK(nda_disk_cache_usage(dir, &entries, &bytes) == NDA_OK);
    CHECK(entries == 0 && bytes == 0);
    CHECK(nda_disk_cache_clear(dir) == NDA_OK);
    nda_disk_cache_close(c);
}

/* A write that fails halfway (file size limit, like a full disk) returns
 * NDA_EIO and leaves no temporary. Runs in a child so the limit stays there. */
static void test_write_failure(void)
{
    char dir[PATH_LEN];
    nda_disk_cache *c = open_sub("wfail", 0, dir);
    if (!c)
        return;
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        static unsigned char big[20000];
        struct rlimit rl = {1000, 1000};
        int bad = 0;
        signal(SIGXFSZ, SIG_IGN);
        bad |= setrlimit(RLIMIT_FSIZE, &rl) != 0;
        bad |= (nda_disk_cache_put(c, "big", 3, big, sizeof big) != NDA_EIO) << 1;
        bad |= (strstr(nda_error_message(), ".ndk.tmp.") == NULL) << 2;
        bad |= (count_tmp_files(dir) != 0) << 3;
        bad |= (put_str(c, "small", "fits") != NDA_OK) << 4;
        nda_disk_cache_close(c);
        exit(bad);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "write-failure child status 0x%x\n", status);
    CHECK(get_str(c, "small", "fits") == 1);
    CHECK(get_cmp(c, "big", "", 0) == 0);
    nda_disk_cache_close(c);
}

/* ---- threads ----------------------------------------------------------- */

struct worker {
    nda_disk_cache *cache;
    int id;
    int iterations;
    int hits, misses, wrong, errors;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    unsigned char buf[512];
    char key[64];

    for (int i = 0; i < w->iterations; i++) {
        if (i % 2 == 0)
            snprintf(key, sizeof key, "shared-%d", (i / 2) % 8);
        else
            snprintf(key, sizeof key, "thread-%d-%d", w->id, i % 50);
        size_t n = payload_for(key, buf, sizeof buf);
        if (nda_disk_cache_put(w->cache, key, strlen(key), buf, n) != NDA_OK)
            w->errors++;
        snprintf(key, sizeof key, "shared-%d", (i + 3) % 8);
        if (i % 3 == 0)
            snprintf(key, sizeof key, "thread-%d-%d", 1 - w->id, i % 50);
        n = payload_for(key, buf, sizeof buf);
        switch (get_cmp(w->cache, key, buf, n)) {
        case 1: w->hits++; break;
        case 0: w->misses++; break;
        case -1: w->wrong++; break;
        default: w->errors++; break;
        }
    }
    return NULL;
}

static void run_threads(const char *name, uint64_t max_bytes)
{
    char dir[PATH_LEN];
    struct worker w[2];
    pthread_t t[2];
    nda_disk_cache *c = open_sub(name, max_bytes, dir);
    if (!c)
        return;
    for (int i = 0; i < 2; i++) {
        w[i] = (struct worker){.cache = c, .id = i, .iterations = 200};
        CHECK(pthread_create(&t[i], NULL, worker_main, &w[i]) == 0);
    }
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        CHECK(w[i].wrong == 0);
        CHECK(w[i].errors == 0);
        CHECK(w[i].hits > 0);
    }
    printf("threads (%s): hits %d/%d, misses %d/%d\n", name, w[0].hits, w[1].hits,
           w[0].misses, w[1].misses);
    CHECK(count_tmp_files(dir) == 0);
    if (max_bytes == 0) { /* nothing evicted: every key is there and valid */
        unsigned char buf[512];
        char key[64];
        int all = 1;
        for (int k = 0; k < 8; k++) {
            snprintf(key, sizeof key, "shared-%d", k);
            all &= get_cmp(c, key, buf, payload_for(key, buf, sizeof buf)) == 1;
        }
        for (int id = 0; id < 2; id++) {
            for (int k = 1; k < 50; k += 2) {
                snprintf(key, sizeof key, "thread-%d-%d", id, k);
                all &= get_cmp(c, key, buf, payload_for(key, buf, sizeof buf)) == 1;
            }
        }
        CHECK(all);
    }
    nda_disk_cache_close(c);
}

static void test_threads(void)
{
    run_threads("threads", 0);
    run_threads("threads-evicting", 4096); /* constant eviction races */
}

/* ---- processes --------------------------------------------------------- */

#define PROC_SHARED 50
#define PROC_OWN 100

/* Child body: returns the number of problems seen (0 = fine). */
static int proc_fill(const char *dir, int id)
{
    nda_disk_cache *c = NULL;
    unsigned char buf[512];
    char key[64];
    int bad = 0;

    if (nda_disk_cache_open(dir, 0, &c) != NDA_OK)
        return 1;
    for (int i = 0; i < PROC_SHARED + PROC_OWN; i++) {
        if (i % 3 == 0)
            snprintf(key, sizeof key, "proc-shared-%d", (i / 3 + id * 7) % PROC_SHARED);
        else
            snprintf(key, sizeof key, "proc-%d-%d", id, i);
        size_t n = payload_for(key, buf, sizeof buf);
        bad += nda_disk_cache_put(c, key, strlen(key), buf, n) != NDA_OK;
        bad += get_cmp(c, key, buf, n) < 0; /* the other may overwrite: hit */
    }
    for (int k = 0; k < PROC_SHARED; k++) { /* fill the rest of shared */
        snprintf(key, sizeof key, "proc-shared-%d", k);
        size_t n = payload_for(key, buf, sizeof buf);
        bad += nda_disk_cache_put(c, key, strlen(key), buf, n) != NDA_OK;
    }
    nda_disk_cache_close(c);
    return bad;
}

static void test_processes(void)
{
    char dir[PATH_LEN];
    pid_t pid[2];
    uint64_t entries = 0, bytes = 0;
    sub_path(dir, "procs");
    fflush(NULL);
    for (int i = 0; i < 2; i++) {
        pid[i] = fork();
        CHECK(pid[i] >= 0);
        if (pid[i] == 0)
            exit(proc_fill(dir, i) ? 1 : 0);
    }
    for (int i = 0; i < 2; i++) {
        int status = 0;
        CHECK(waitpid(pid[i], &status, 0) == pid[i]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    nda_disk_cache *c = NULL;
    CHECK(nda_disk_cache_open(dir, 0, &c) == NDA_OK);
    if (!c)
        return;
    unsigned char buf[512];
    char key[64];
    int all = 1, expected = PROC_SHARED;
    for (int k = 0; k < PROC_SHARED; k++) {
        snprintf(key, sizeof key, "proc-shared-%d", k);
        all &= get_cmp(c, key, buf, payload_for(key, buf, sizeof buf)) == 1;
    }
    for (int id = 0; id < 2; id++) {
        for (int i = 0; i < PROC_SHARED + PROC_OWN; i++) {
            if (i % 3 == 0)
                continue;
            snprintf(key, sizeof key, "proc-%d-%d", id, i);
            all &= get_cmp(c, key, buf, payload_for(key, buf, sizeof buf)) == 1;
            expected++;
        }
    }
    CHECK(all);
    CHECK(nda_disk_cache_usage(dir, &entries, &bytes) == NDA_OK);
    CHECK(entries == (uint64_t)expected);
    CHECK(count_tmp_files(dir) == 0);
    nda_disk_cache_close(c);
}

/* ---- environment ------------------------------------------------------- */

static void test_default_dir(void)
{
    char buf[PATH_LEN], expect[PATH_LEN];

    setenv("NDACCEL_CACHE_DIR", "/explicit/dir", 1);
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    setenv("HOME", "/home/someone", 1);
    CHECK(nda_disk_cache_default_dir(buf, sizeof buf) == NDA_OK);
    CHECK(strcmp(buf, "/explicit/dir") == 0);

    setenv("NDACCEL_CACHE_DIR", "", 1); /* empty counts as unset */
    CHECK(nda_disk_cache_default_dir(buf, sizeof buf) == NDA_OK);
    CHECK(strcmp(buf, "/xdg/ndaccel") == 0);

    unsetenv("NDACCEL_CACHE_DIR");
    setenv("XDG_CACHE_HOME", "relative/xdg", 1); /* ignored per XDG spec */
    CHECK(nda_disk_cache_default_dir(buf, sizeof buf) == NDA_OK);
    CHECK(strcmp(buf, "/home/someone/.cache/ndaccel") == 0);

    unsetenv("XDG_CACHE_HOME");
    CHECK(nda_disk_cache_default_dir(buf, sizeof buf) == NDA_OK);
    CHECK(strcmp(buf, "/home/someone/.cache/ndaccel") == 0);

    unsetenv("HOME");
    snprintf(expect, sizeof expect, "/tmp/ndaccel-%lu", (unsigned long)getuid());
    CHECK(nda_disk_cache_default_dir(buf, sizeof buf) == NDA_OK);
    CHECK(strcmp(buf, expect) == 0);

    /* Buffer sizes around the exact fit. */
    setenv("NDACCEL_CACHE_DIR", "/abcd", 1);
    CHECK(nda_disk_cache_default_dir(buf, 6) == NDA_OK);
    CHECK(strcmp(buf, "/abcd") == 0);
    CHECK(nda_disk_cache_default_dir(buf, 5) == NDA_EVALUE);
    CHECK(buf[0] == '\0');
    CHECK(nda_disk_cache_default_dir(NULL, 0) == NDA_EVALUE);
    unsetenv("NDACCEL_CACHE_DIR");
}

static void test_enabled_by_env(void)
{
    const char *off[] = {"0", "off", "OFF", "Off", "false", "FALSE", "no", "No"};
    const char *on[] = {"1", "on", "yes", "true", "", "00", "nope", "off "};

    unsetenv("NDACCEL_CACHE");
    CHECK(nda_disk_cache_enabled_by_env());
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++) {
        setenv("NDACCEL_CACHE", off[i], 1);
        CHECK(!nda_disk_cache_enabled_by_env());
    }
    for (size_t i = 0; i < sizeof on / sizeof on[0]; i++) {
        setenv("NDACCEL_CACHE", on[i], 1);
        CHECK(nda_disk_cache_enabled_by_env());
    }
    unsetenv("NDACCEL_CACHE");
}

int main(void)
{
    const char *base = getenv("TEST_TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(g_root, sizeof g_root, "%s/ndk_cache_test.XXXXXX", base);
    if (!mkdtemp(g_root)) {
        fprintf(stderr, "mkdtemp(%s): %s\n", g_root, strerror(errno));
        printf("0 passed, 1 failed\n");
        return 1;
    }

    test_round_trip();
    test_wrong_key();
    test_truncated();
    test_corrupt_header_and_payload();
    test_eviction();
    test_unwritable();
    test_dir_removed();
    test_write_failure();
    test_threads();
    test_processes();
    test_default_dir();
    test_enabled_by_env();

    rm_rf(g_root);
    return test_summary();
}
