/* Fork safety: a process forked after the devices were initialised never
 * reaches a driver.
 *
 * A driver's threads and locks do not survive fork(): PoCL's worker threads
 * are gone in the child, so its first wait (clFinish) blocks forever, and
 * the CUDA driver forbids any use after fork. The child handler in
 * device.c marks such a child (nda_fork_mark_child) and swaps every
 * device's ops table for the stubs below, which touch nothing and fail
 * with the message of nda_fork_check; the core's entry points (device
 * lookup, allocation, materialisation, synchronisation) check first, so
 * they fail before taking a lock a vanished parent thread may have held,
 * and frees in the child do nothing (the memory belongs to the parent's
 * driver state; leaking it in the child is harmless). A child forked
 * before the devices were initialised initialises its own, normally. */
#include <signal.h>

#include "device_internal.h"
#include "nda/error.h"

static volatile sig_atomic_t g_forked_after_init;

void nda_fork_mark_child(void) { g_forked_after_init = 1; }

int nda_forked_after_init(void) { return g_forked_after_init != 0; }

int nda_fork_check(void)
{
    if (!g_forked_after_init) return NDA_OK;
    return nda_error_set(NDA_EBACKEND,
                         "ndaccel's devices cannot be used in a process forked after they were "
                         "initialised (the device driver does not survive fork()); start worker "
                         "processes with multiprocessing's 'spawn' or 'forkserver' start method, "
                         "e.g. multiprocessing.get_context(\"spawn\"), or fork before the first "
                         "use of ndaccel");
}

/* ---- the child's ops: every member refuses, frees do nothing ---- */

static int stub_init(const nda_host_api *h) { (void)h; return nda_fork_check(); }
static void stub_shutdown(void) {}
static int stub_device_count(int *n) { *n = 0; return nda_fork_check(); }
static int stub_device_info(int dev, nda_device_info *i) { (void)dev; (void)i; return nda_fork_check(); }
static int stub_buffer_alloc(int dev, size_t n, void **buf)
{
    (void)dev; (void)n;
    *buf = NULL;
    return nda_fork_check();
}
static void stub_buffer_free(int dev, void *buf) { (void)dev; (void)buf; }
static int stub_copy_to_device(int dev, void *dst, size_t off, const void *src, size_t n)
{
    (void)dev; (void)dst; (void)off; (void)src; (void)n;
    return nda_fork_check();
}
static int stub_copy_to_host(int dev, void *dst, const void *src, size_t off, size_t n)
{
    (void)dev; (void)dst; (void)src; (void)off; (void)n;
    return nda_fork_check();
}
static int stub_copy_device(int dev, void *dst, size_t doff, const void *src, size_t soff, size_t n)
{
    (void)dev; (void)dst; (void)doff; (void)src; (void)soff; (void)n;
    return nda_fork_check();
}
static int stub_fill(int dev, void *buf, size_t off, const void *pat, size_t psize, size_t n)
{
    (void)dev; (void)buf; (void)off; (void)pat; (void)psize; (void)n;
    return nda_fork_check();
}
static int stub_program_build(int dev, const char *src, const char *opts, void **program, char **log)
{
    (void)dev; (void)src; (void)opts;
    *program = NULL;
    *log = NULL;
    return nda_fork_check();
}
static int stub_program_binary(int dev, void *program, void **bin, size_t *n)
{
    (void)dev; (void)program;
    *bin = NULL;
    *n = 0;
    return nda_fork_check();
}
static int stub_program_load(int dev, const void *bin, size_t n, void **program)
{
    (void)dev; (void)bin; (void)n;
    *program = NULL;
    return nda_fork_check();
}
static void stub_program_free(int dev, void *program) { (void)dev; (void)program; }
static int stub_kernel_get(int dev, void *program, const char *name, void **kernel)
{
    (void)dev; (void)program; (void)name;
    *kernel = NULL;
    return nda_fork_check();
}
static void stub_kernel_free(int dev, void *kernel) { (void)dev; (void)kernel; }
static int stub_launch(int dev, void *kernel, size_t global, size_t local, int nargs,
                       const nda_kernel_arg *args)
{
    (void)dev; (void)kernel; (void)global; (void)local; (void)nargs; (void)args;
    return nda_fork_check();
}
static int stub_synchronize(int dev) { (void)dev; return nda_fork_check(); }
static int stub_cache_tag(int dev, char *buf, size_t len)
{
    (void)dev;
    if (len) buf[0] = '\0';
    return nda_fork_check();
}
static int stub_gemm(int dev, const nda_gemm_desc *g) { (void)dev; (void)g; return nda_fork_check(); }
static int stub_fft(int dev, const nda_fft_desc *f) { (void)dev; (void)f; return nda_fork_check(); }
static int stub_solver(int dev, const nda_solver_desc *s) { (void)dev; (void)s; return nda_fork_check(); }

const nda_backend_ops *nda_fork_stub_ops(nda_backend_ops *storage, const nda_backend_ops *real)
{
    /* Only the leading plain fields are read from `real`: an older
     * plugin's table ends before the members its ABI lacks. */
    *storage = (nda_backend_ops){
        .abi_version = real->abi_version,
        .name = real->name,
        .dialect = real->dialect,
        .init = stub_init,
        .shutdown = stub_shutdown,
        .device_count = stub_device_count,
        .device_info = stub_device_info,
        .buffer_alloc = stub_buffer_alloc,
        .buffer_free = stub_buffer_free,
        .copy_to_device = stub_copy_to_device,
        .copy_to_host = stub_copy_to_host,
        .copy_device = stub_copy_device,
        .fill = stub_fill,
        .program_build = stub_program_build,
        .program_binary = stub_program_binary,
        .program_load = stub_program_load,
        .program_free = stub_program_free,
        .kernel_get = stub_kernel_get,
        .kernel_free = stub_kernel_free,
        .launch = stub_launch,
        .synchronize = stub_synchronize,
        .cache_tag = stub_cache_tag,
        .gemm = stub_gemm,
        .fft = stub_fft,
        .solver = stub_solver,
    };
    return storage;
}
