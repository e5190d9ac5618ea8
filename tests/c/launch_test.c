/* Tests for core/launch.c: work-group sizes fitted to a device's limit,
 * and the environment override of the row chunk. Fake devices (only
 * their properties are read); no plugin is loaded. */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>

#include "core/device_internal.h"
#include "core/launch.h"
#include "nda/error.h"
#include "tests/c/test_util.h"

static void test_local_sizes(void)
{
    /* max_work_group_size -> 1-D launch size (256 halved to fit; 0: no limit known). */
    static const size_t cases[][2] = {{0, 256}, {1024, 256}, {256, 256}, {255, 128},
                                      {100, 64}, {3, 2}, {1, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static nda_device d;
        d.info.max_work_group_size = cases[i][0];
        CHECKF(nda_launch_local_size(&d) == cases[i][1], "max %zu: %zu", cases[i][0],
               nda_launch_local_size(&d));
        CHECKF(nda_reduce_local_size(&d) == cases[i][1], "max %zu: %zu", cases[i][0],
               nda_reduce_local_size(&d));
    }
}

static void test_row_chunk_override(void)
{
    static nda_device d;
    setenv("NDACCEL_ROW_CHUNK", "16", 1); /* read once, at the first call */
    CHECK(nda_row_chunk(&d) == 16);
    setenv("NDACCEL_ROW_CHUNK", "64", 1);
    CHECK(nda_row_chunk(&d) == 16);
}

int main(void)
{
    unsetenv("NDACCEL_LOCAL_SIZE");
    test_local_sizes();
    test_row_chunk_override();
    return test_summary();
}
