/* The backend conformance checks: what every plugin's ops table must do,
 * driven as the core drives it, on device 0 of an initialised backend.
 *
 * Every plugin's test runs all of them (opencl_test.c on PoCL, cuda_test.c
 * on a GPU or the fake driver); where backends legitimately differ (kernel
 * language, which layer rejects an out-of-range copy, message wording) the
 * difference is data in conf_backend, never a skipped check. Checks count
 * through tests/c/test_util.h; errors are read from plugin_harness.h's
 * g_err_msg, so the backend must have been initialised with g_fake_host. */
#ifndef NDA_CONFORMANCE_H
#define NDA_CONFORMANCE_H

#include "nda/backend.h"

typedef struct conf_backend {
    const char *name; /* ops->name; cache tags start with "<name>|" */
    nda_dialect dialect;
    /* Defines kernel "k"(float *x, float a, uint32 n): x[i] = x[i] * a + 1
     * for i < n, one work item per element. */
    const char *kernel_source;
    const char *build_options; /* for kernel_source; NULL: none */
    const char *bad_source;    /* a syntax error */
    const char *build_error_prefix; /* how a failed build's message starts */
    const char *unknown_kernel_error; /* in kernel_get's message for a missing name */
    /* The status of copies and fills reaching past a buffer, and words of
     * the message of a read past the end. */
    int range_error;
    const char *range_message;
    /* The status of a launch whose local size exceeds the device's
     * max_work_group_size. */
    int local_size_error;
} conf_backend;

/* device_count, device_info (every field sensible, an unknown device is
 * NDA_ENODEV with a message) and cache_tag (starts with "<name>|", a short
 * buffer is NDA_EVALUE). */
void conf_info(const nda_backend_ops *ops, const conf_backend *b);
/* First use of the device from four threads at once (lazy context
 * creation happens once). */
void conf_first_use_threads(const nda_backend_ops *ops);
/* Copies in every direction at offsets, overlapping copies inside one
 * buffer (memmove semantics, both directions), zero-byte no-ops, and
 * out-of-range copies and fills as errors. */
void conf_memory(const nda_backend_ops *ops, const conf_backend *b);
/* fill with every pattern size at aligned, unaligned and odd offsets and
 * lengths, byte-exact, nothing outside the range touched; bad pattern
 * sizes are NDA_EVALUE. */
void conf_fill(const nda_backend_ops *ops);
void conf_host_access(const nda_backend_ops *ops);
/* Build, kernel_get, launch (results and bounds of the grid checked),
 * launch argument errors, freeing a buffer with queued work, binary round
 * trip, damaged binaries, build errors with their log. bench != 0 also
 * prints launch latency. */
void conf_programs(const nda_backend_ops *ops, const conf_backend *b, int bench);
/* An allocation past max_alloc_bytes is NDA_ENOMEM naming the size. */
void conf_enomem(const nda_backend_ops *ops);
/* shutdown then init again gives a working backend. */
void conf_reinit(const nda_backend_ops *ops);

/* All of the above in that order (reinit last). */
void conf_run_all(const nda_backend_ops *ops, const conf_backend *b, int bench);

#endif
