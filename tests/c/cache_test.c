/* Tests for nda/cache.h (core/cache.c) on the default device (PoCL under
 * Bazel), with the disk cache in the test's scratch directory: counters of
 * a compile, a memory hit and a disk hit; the directory and its entries;
 * clearing memory only, then memory and disk. */
#define _XOPEN_SOURCE 700

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/array.h"
#include "nda/cache.h"
#include "nda/device.h"
#include "nda/error.h"
#include "nda/ufunc.h"
#include "tests/c/test_util.h"

static nda_device *g_dev;

/* Computes a + a on a fresh int16 array (one elementwise kernel, the same
 * each call) and checks the values. */
static void run_kernel(void)
{
    int16_t v[] = {1, 2, 3}, got[3];
    int64_t n = 3;
    nda_array *a = NULL, *r = NULL;
    CHECK_OK(nda_array_from_host(g_dev, NDA_INT16, 1, &n, v, &a));
    if (!a) return;
    nda_operand ops[2];
    memset(ops, 0, sizeof ops);
    ops[0].array = ops[1].array = a;
    CHECK_OK(nda_ufunc_apply("add", 2, ops, NULL, -1, NDA_CAST_SAME_KIND, NULL, &r));
    if (r) {
        CHECK_OK(nda_array_to_host(r, got));
        CHECK(got[0] == 2 && got[1] == 4 && got[2] == 6);
    }
    nda_array_free(r);
    nda_array_free(a);
}

static void test_counters_and_clear(void)
{
    nda_cache_info s0, s1, s2, s3, s4;
    nda_cache_info_get(&s0);
    CHECK(nda_error_code() == NDA_OK);
    /* test_env_setup points the disk cache at <scratch>/ndcache. */
    CHECKF(strcmp(s0.dir, getenv("NDACCEL_CACHE_DIR")) == 0, "dir '%s'", s0.dir);

    run_kernel(); /* compiled (a fresh cache directory) and written to disk */
    nda_cache_info_get(&s1);
    CHECK(s1.compiles == s0.compiles + 1);
    CHECK(s1.disk_writes == s0.disk_writes + 1);
    CHECK(s1.disk_entries == s0.disk_entries + 1);
    CHECK(s1.disk_bytes > s0.disk_bytes);

    run_kernel(); /* found in memory */
    nda_cache_info_get(&s2);
    CHECK(s2.memory_hits == s1.memory_hits + 1);
    CHECK(s2.compiles == s1.compiles);

    /* Memory only: the next use loads the binary from disk. */
    CHECK_OK(nda_cache_clear(false));
    nda_cache_info_get(&s3);
    CHECK(s3.disk_entries == s2.disk_entries);
    run_kernel();
    nda_cache_info_get(&s3);
    CHECK(s3.disk_hits == s2.disk_hits + 1);
    CHECK(s3.compiles == s2.compiles);

    /* Memory and disk: no entry is left, the next use compiles again. */
    CHECK_OK(nda_cache_clear(true));
    nda_cache_info_get(&s4);
    CHECK(s4.disk_entries == 0 && s4.disk_bytes == 0);
    run_kernel();
    nda_cache_info_get(&s4);
    CHECK(s4.compiles == s3.compiles + 1);
    CHECK(s4.disk_hits == s3.disk_hits);
    CHECK(s4.disk_entries == 1);
}

int main(void)
{
    test_env_setup("ndcache");
    int rc = nda_device_default(&g_dev);
    CHECK_OK(rc);
    if (rc != NDA_OK) return test_summary();
    test_counters_and_clear();
    return test_summary();
}
