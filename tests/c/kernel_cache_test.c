/* Tests for kernels/kernel_cache.c through the public ufunc API: memory hits,
 * disk hits after nda_kernel_cache_clear_memory(), rebuilds after every kind
 * of damaged disk entry (flipped bytes, truncation, a binary the driver
 * rejects), a cache directory replaced by a file, and concurrent first use.
 *
 * The disk cache directory is read once per process, so NDACCEL_CACHE_DIR is
 * set (to a fresh directory) before the first kernel. */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernels/disk_cache.h"
#include "kernels/kernel_cache.h"
#include "nda/array.h"
#include "nda/device.h"
#include "nda/error.h"
#include "nda/ufunc.h"
#include "tests/c/test_util.h"

#define HEADER 48

static nda_device *g_dev;
static char g_cache[2048];

static nda_cache_stats stats(void)
{
    nda_cache_stats s;
    nda_kernel_cache_stats(&s);
    return s;
}

static void print_stats(const char *when, nda_cache_stats s)
{
    fprintf(stderr, "%-28s memory_hits %llu disk_hits %llu compiles %llu disk_writes %llu disk_errors %llu\n",
            when, (unsigned long long)s.memory_hits, (unsigned long long)s.disk_hits,
            (unsigned long long)s.compiles, (unsigned long long)s.disk_writes,
            (unsigned long long)s.disk_errors);
}

/* Runs int32 `name` on fixed data and checks the values; true when right. */
static bool run_op(const char *name)
{
    int32_t a[] = {1, 2, 3, -4, 70000}, b[] = {10, 20, 30, 40, 3}, got[5], want[5];
    for (int i = 0; i < 5; i++) {
        if (strcmp(name, "add") == 0) want[i] = a[i] + b[i];
        else if (strcmp(name, "multiply") == 0) want[i] = a[i] * b[i];
        else if (strcmp(name, "subtract") == 0) want[i] = a[i] - b[i];
        else if (strcmp(name, "bitwise_xor") == 0) want[i] = a[i] ^ b[i];
        else if (strcmp(name, "maximum") == 0) want[i] = a[i] > b[i] ? a[i] : b[i];
        else return false;
    }
    int64_t n = 5;
    nda_array *x = NULL, *y = NULL, *r = NULL;
    bool ok = nda_array_from_host(g_dev, NDA_INT32, 1, &n, a, &x) == NDA_OK &&
              nda_array_from_host(g_dev, NDA_INT32, 1, &n, b, &y) == NDA_OK;
    if (ok) {
        nda_operand ops[2];
        memset(ops, 0, sizeof ops);
        ops[0].array = x;
        ops[1].array = y;
        ok = nda_ufunc_apply(name, 2, ops, NULL, -1, NDA_CAST_SAME_KIND, NULL, &r) == NDA_OK &&
             r->dtype == NDA_INT32 && nda_array_to_host(r, got) == NDA_OK &&
             memcmp(got, want, sizeof want) == 0;
    }
    if (!ok) fprintf(stderr, "run_op(%s) failed: %s\n", name, nda_error_message());
    nda_array_free(r);
    nda_array_free(x);
    nda_array_free(y);
    return ok;
}

static bool is_entry(const char *name)
{
    size_t n = strlen(name);
    return n == 36 && strcmp(name + 32, ".ndk") == 0;
}

/* Lists up to max entry paths in the cache dir; returns the count. */
static int list_entries(char paths[][4096], int max)
{
    DIR *d = opendir(g_cache);
    int n = 0;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_entry(e->d_name)) continue;
        if (n < max) snprintf(paths[n], 4096, "%s/%.40s", g_cache, e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Flips 16 bytes at the middle of the file. */
static bool flip_middle(const char *path)
{
    int fd = open(path, O_RDWR);
    if (fd < 0) return false;
    long long size = file_size(path);
    unsigned char buf[16];
    off_t at = (off_t)(size / 2);
    bool ok = pread(fd, buf, sizeof buf, at) == (ssize_t)sizeof buf;
    for (size_t i = 0; i < sizeof buf; i++) buf[i] ^= 0x5a;
    ok = ok && pwrite(fd, buf, sizeof buf, at) == (ssize_t)sizeof buf;
    close(fd);
    return ok;
}

/* Reads the key bytes of an entry file (malloc'd) into key and len. */
static bool read_key(const char *path, char **key, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char h[HEADER];
    if (!f) return false;
    bool ok = fread(h, 1, HEADER, f) == HEADER && memcmp(h, "NDAKCACH", 8) == 0;
    uint64_t klen = 0;
    for (int i = 7; ok && i >= 0; i--) klen = (klen << 8) | h[16 + i];
    ok = ok && klen > 0 && klen < (1u << 26);
    char *k = ok ? malloc((size_t)klen) : NULL;
    ok = ok && k && fread(k, 1, (size_t)klen, f) == klen;
    fclose(f);
    if (!ok) {
        free(k);
        return false;
    }
    *key = k;
    *len = (size_t)klen;
    return true;
}

typedef struct thread_arg {
    const char *op;
    bool ok;
} thread_arg;

static void *thread_main(void *p)
{
    thread_arg *t = p;
    t->ok = run_op(t->op);
    return NULL;
}

int main(void)
{
    char sub[64];
    snprintf(sub, sizeof sub, "kcache-%ld", (long)getpid());
    test_env_setup(sub);
    snprintf(g_cache, sizeof g_cache, "%s", getenv("NDACCEL_CACHE_DIR"));
    int rc = nda_device_default(&g_dev);
    CHECK_OK(rc);
    if (rc != NDA_OK) return test_summary();
    fprintf(stderr, "device %s, cache %s\n", nda_device_id(g_dev), g_cache);

    /* 1. First run compiles and writes one disk entry. */
    nda_cache_stats s0 = stats();
    print_stats("start", s0);
    CHECK(run_op("add"));
    nda_cache_stats s1 = stats();
    print_stats("after first add", s1);
    CHECK(s1.compiles == s0.compiles + 1);
    CHECK(s1.disk_hits == s0.disk_hits);
    CHECK(s1.disk_writes == s0.disk_writes + 1);
    CHECK(s1.disk_errors == s0.disk_errors);
    CHECKF(strcmp(nda_kernel_cache_dir(), g_cache) == 0, "cache dir %s", nda_kernel_cache_dir());
    char paths[16][4096];
    CHECK(list_entries(paths, 16) == 1);

    /* 2. Same kernel again: a memory hit, nothing compiled. */
    CHECK(run_op("add"));
    nda_cache_stats s2 = stats();
    CHECK(s2.memory_hits == s1.memory_hits + 1);
    CHECK(s2.compiles == s1.compiles);

    /* 3. After clearing memory: a disk hit, still nothing compiled. */
    nda_kernel_cache_clear_memory();
    CHECK(run_op("add"));
    nda_cache_stats s3 = stats();
    print_stats("after clear + add", s3);
    CHECK(s3.disk_hits == s2.disk_hits + 1);
    CHECK(s3.compiles == s2.compiles);
    CHECK(s3.disk_errors == s2.disk_errors);

    /* A second kernel so that two entries can be damaged differently. */
    CHECK(run_op("multiply"));
    nda_cache_stats s4 = stats();
    CHECK(s4.compiles == s3.compiles + 1);
    int n = list_entries(paths, 16);
    CHECK(n == 2);

    /* 4. Damage every entry: flip bytes in the middle; truncate one to 10
     * bytes. Both kernels must be rebuilt, correctly, without a crash. */
    for (int i = 0; i < n && i < 16; i++) CHECK(flip_middle(paths[i]));
    if (n > 0) CHECK(truncate(paths[0], 10) == 0);
    nda_kernel_cache_clear_memory();
    CHECK(run_op("add"));
    CHECK(run_op("multiply"));
    nda_cache_stats s5 = stats();
    print_stats("after damage", s5);
    CHECK(s5.compiles == s4.compiles + 2);
    CHECK(s5.disk_hits == s4.disk_hits);
    CHECK(s5.disk_writes == s4.disk_writes + 2); /* rewritten */
    CHECK(list_entries(paths, 16) == 2);
    for (int i = 0; i < 2; i++) CHECK(file_size(paths[i]) > HEADER);

    /* The rewritten entries are good again. */
    nda_kernel_cache_clear_memory();
    CHECK(run_op("add"));
    CHECK(run_op("multiply"));
    nda_cache_stats s6 = stats();
    CHECK(s6.disk_hits == s5.disk_hits + 2);
    CHECK(s6.compiles == s5.compiles);

    /* 5. An entry with valid checksums whose payload the driver rejects:
     * rewrite each entry with its own key and a garbage "binary". */
    n = list_entries(paths, 16);
    nda_disk_cache *dc = NULL;
    CHECK_OK(nda_disk_cache_open(g_cache, 0, &dc));
    int rewritten = 0;
    for (int i = 0; dc && i < n && i < 16; i++) {
        char *key = NULL;
        size_t klen = 0;
        if (!read_key(paths[i], &key, &klen)) continue;
        char junk[256];
        for (size_t j = 0; j < sizeof junk; j++) junk[j] = (char)(j * 7 + 1);
        if (nda_disk_cache_put(dc, key, klen, junk, sizeof junk) == NDA_OK) rewritten++;
        free(key);
    }
    nda_disk_cache_close(dc);
    CHECK(rewritten == 2);
    nda_kernel_cache_clear_memory();
    CHECK(run_op("add"));
    CHECK(run_op("multiply"));
    nda_cache_stats s7 = stats();
    print_stats("after rejected binaries", s7);
    CHECK(s7.compiles == s6.compiles + 2);
    CHECK(s7.disk_errors == s6.disk_errors + 2); /* "rejected binaries" count as disk errors */
    CHECK(s7.disk_hits == s6.disk_hits);
    /* The rebuilt binaries replaced the rejected ones on disk (kernel_cache.h:
     * "a disk entry that is ... rejected by the driver is rebuilt"). */
    nda_kernel_cache_clear_memory();
    CHECK(run_op("add"));
    nda_cache_stats s8 = stats();
    CHECK(s8.disk_hits == s7.disk_hits + 1);
    CHECK(s8.compiles == s7.compiles);

    /* 6. Concurrent first use of one kernel from 4 threads. */
    nda_cache_stats t0 = stats();
    pthread_t th[4];
    thread_arg ta[4];
    for (int i = 0; i < 4; i++) {
        ta[i].op = "bitwise_xor";
        ta[i].ok = false;
        CHECK(pthread_create(&th[i], NULL, thread_main, &ta[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(ta[i].ok);
    }
    nda_cache_stats t1 = stats();
    CHECK(t1.compiles >= t0.compiles + 1 && t1.compiles <= t0.compiles + 4);
    CHECK(t1.compiles - t0.compiles + t1.memory_hits - t0.memory_hits + t1.disk_hits - t0.disk_hits == 4);
    CHECK(run_op("bitwise_xor"));
    CHECK(stats().memory_hits == t1.memory_hits + 1); /* one kernel kept */

    /* 7. Cache directory replaced by a regular file: lookups miss, stores
     * fail (disk_errors), results stay correct. */
    char moved[4200];
    snprintf(moved, sizeof moved, "%s.moved", g_cache);
    CHECK(rename(g_cache, moved) == 0);
    FILE *f = fopen(g_cache, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("not a directory\n", f);
        fclose(f);
    }
    nda_kernel_cache_clear_memory();
    nda_cache_stats u0 = stats();
    CHECK(run_op("add"));         /* known kernel: cannot be read back, rebuilt */
    CHECK(run_op("subtract"));    /* new kernel */
    CHECK(run_op("add"));         /* memory hit */
    nda_cache_stats u1 = stats();
    print_stats("dir replaced by a file", u1);
    CHECK(u1.compiles == u0.compiles + 2);
    CHECK(u1.disk_hits == u0.disk_hits);
    CHECK(u1.disk_writes == u0.disk_writes);
    CHECK(u1.disk_errors == u0.disk_errors + 2);
    CHECK(u1.memory_hits == u0.memory_hits + 1);
    unlink(g_cache);
    CHECK(rename(moved, g_cache) == 0);

    /* Back to normal: the old entries are still usable. */
    nda_kernel_cache_clear_memory();
    nda_cache_stats v0 = stats();
    CHECK(run_op("multiply"));
    CHECK(stats().disk_hits == v0.disk_hits + 1);
    CHECK(run_op("maximum"));
    return test_summary();
}
