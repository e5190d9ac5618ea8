/* Backend registry: loads plugins with dlopen and lists their devices. */
#define _GNU_SOURCE
#include "device_internal.h"
#include "nda/error.h"

#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDA_MAX_BACKENDS 8
#define NDA_MAX_DEVICES 64

typedef struct backend_slot {
    char name[32];
    const nda_backend_ops *ops; /* NULL when unavailable */
    char reason[512];
} backend_slot;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static backend_slot g_backends[NDA_MAX_BACKENDS];
static int g_nbackends;
static nda_device g_devices[NDA_MAX_DEVICES];
static int g_ndevices;
/* Set when init_once starts: a child forked from then on must not reach
 * a driver (fork.c). */
static volatile sig_atomic_t g_init_started;

/* Plugins in default-order priority: CUDA devices come first. */
static const char *const PLUGINS[] = {"cuda", "opencl"};

static int host_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nda_error_setv(code, fmt, ap);
    va_end(ap);
    return code;
}

static const nda_host_api HOST_API = {NDA_BACKEND_ABI_VERSION, host_error_set};

/* Directory of the shared object that holds this code (the installed
 * package dir), or "" when unknown. */
static void self_dir(char *buf, size_t len)
{
    Dl_info info;
    buf[0] = '\0';
    if (dladdr((void *)&self_dir, &info) && info.dli_fname) {
        snprintf(buf, len, "%s", info.dli_fname);
        char *slash = strrchr(buf, '/');
        if (slash) *slash = '\0'; else buf[0] = '\0';
    }
}

#define NDA_MAX_PLUGIN_DIRS 8

/* $NDACCEL_PLUGIN_DIR (a ':'-separated list), then the core's own dir. */
static int plugin_dirs(char dirs[][PATH_MAX], int max)
{
    int n = 0;
    const char *env = getenv("NDACCEL_PLUGIN_DIR");
    while (env && *env && n < max - 1) {
        const char *end = strchr(env, ':');
        size_t len = end ? (size_t)(end - env) : strlen(env);
        if (len > 0 && len < PATH_MAX) {
            memcpy(dirs[n], env, len);
            dirs[n][len] = '\0';
            n++;
        }
        env = end ? end + 1 : NULL;
    }
    self_dir(dirs[n], PATH_MAX);
    return n + 1;
}

static void *plugin_open(const char *name, char *why, size_t whylen)
{
    char dirs[NDA_MAX_PLUGIN_DIRS][PATH_MAX];
    int ndirs = plugin_dirs(dirs, NDA_MAX_PLUGIN_DIRS);
    why[0] = '\0';
    for (int i = 0; i < ndirs; i++) {
        if (!dirs[i][0]) continue;
        char path[PATH_MAX + 64];
        if (strlen(dirs[i]) > PATH_MAX) continue;
        snprintf(path, sizeof path, "%s/libndaccel_%s.so", dirs[i], name);
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h) return h;
        const char *err = dlerror();
        /* Keep the first informative message (a present-but-broken plugin). */
        if (!why[0] || strstr(why, "No such file"))
            snprintf(why, whylen, "%s", err ? err : "dlopen failed");
    }
    if (!why[0]) snprintf(why, whylen, "plugin libndaccel_%s.so not found", name);
    return NULL;
}

static void add_devices(backend_slot *b)
{
    int count = 0;
    if (b->ops->device_count(&count) != NDA_OK) {
        snprintf(b->reason, sizeof b->reason, "%s", nda_error_message());
        b->ops = NULL;
        return;
    }
    for (int i = 0; i < count && g_ndevices < NDA_MAX_DEVICES; i++) {
        nda_device *d = &g_devices[g_ndevices];
        memset(d, 0, sizeof *d);
        d->ops = b->ops;
        d->local_index = i;
        snprintf(d->id, sizeof d->id, "%s:%d", b->name, i);
        if (b->ops->device_info(i, &d->info) != NDA_OK) continue;
        if (b->ops->cache_tag(i, d->cache_tag, sizeof d->cache_tag) != NDA_OK) {
            char tag[sizeof d->cache_tag];
            snprintf(tag, sizeof tag, "%s|%.200s", d->id, d->info.name);
            memcpy(d->cache_tag, tag, sizeof tag);
        }
        pthread_mutex_init(&d->lock, NULL);
        pthread_mutex_init(&d->pool_lock, NULL);
        const char *lim = getenv("NDACCEL_MEMORY_LIMIT");
        d->memory_limit = lim ? strtoull(lim, NULL, 10) : 0;
        g_ndevices++;
    }
}

static void load_backend(const char *name)
{
    backend_slot *b = &g_backends[g_nbackends++];
    snprintf(b->name, sizeof b->name, "%s", name);
    void *h = plugin_open(name, b->reason, sizeof b->reason);
    if (!h) return;
    nda_backend_entry_fn entry = (nda_backend_entry_fn)dlsym(h, NDA_BACKEND_ENTRY_SYMBOL);
    const nda_backend_ops *ops = entry ? entry() : NULL;
    if (!ops) {
        snprintf(b->reason, sizeof b->reason, "plugin has no %s", NDA_BACKEND_ENTRY_SYMBOL);
        return;
    }
    if (ops->abi_version < 1 || !ops->init || !ops->device_count || !ops->device_info) {
        snprintf(b->reason, sizeof b->reason, "plugin ABI version %d is not supported", ops->abi_version);
        return;
    }
    nda_error_clear();
    if (ops->init(&HOST_API) != NDA_OK) {
        snprintf(b->reason, sizeof b->reason, "%s", nda_error_message());
        return;
    }
    b->ops = ops;
    b->reason[0] = '\0';
    add_devices(b);
    /* The library handle stays open for the life of the process. */
}

/* Set once init_once has filled g_devices (release), read by the drain
 * (acquire): a drain that races a first initialisation does nothing. */
static atomic_int g_init_done;
/* Set by the first drain: later ones do nothing. */
static atomic_flag g_drained = ATOMIC_FLAG_INIT;

/* Waits once for every device's queue at the end of the process: a driver
 * still compiling or running queued work while the process tears its
 * libraries down can crash (seen with PoCL: LLVM destroyed under its worker
 * thread). Python calls it from Py_FinalizeEx (Py_AtExit), before exit()
 * runs the main thread's thread_local destructors: a driver called after
 * them can write into its own freed per-thread state (seen with oclgrind:
 * clFinish pushes onto a destroyed thread_local std::stack, a heap
 * corruption that aborted at exit). The atexit registration covers C
 * programs, which have no earlier hook. */
void nda_devices_drain(void)
{
    if (!atomic_load_explicit(&g_init_done, memory_order_acquire)) return;
    if (atomic_flag_test_and_set(&g_drained)) return;
    if (nda_forked_after_init()) return; /* the queues are the parent's */
    for (int i = 0; i < g_ndevices; i++) (void)g_devices[i].ops->synchronize(g_devices[i].local_index);
}

static void init_once(void)
{
    g_init_started = 1;
    for (size_t i = 0; i < sizeof PLUGINS / sizeof PLUGINS[0]; i++) load_backend(PLUGINS[i]);
    nda_error_clear();
    if (g_ndevices > 0) atexit(nda_devices_drain);
    atomic_store_explicit(&g_init_done, 1, memory_order_release);
}

void nda_devices_init(void)
{
    /* In a forked child the parent's initialisation stands (or, cut short
     * by the fork, never completes): never run or wait for it here. */
    if (nda_forked_after_init()) return;
    pthread_once(&g_once, init_once);
}

int nda_device_count(void)
{
    nda_devices_init();
    return g_ndevices;
}

nda_device *nda_device_at(int i)
{
    nda_devices_init();
    return (i >= 0 && i < g_ndevices) ? &g_devices[i] : NULL;
}

int nda_device_find(const char *id, nda_device **out)
{
    int rc = nda_fork_check();
    if (rc != NDA_OK) return rc;
    nda_devices_init();
    for (int i = 0; i < g_ndevices; i++) {
        if (strcmp(g_devices[i].id, id) == 0) {
            *out = &g_devices[i];
            return NDA_OK;
        }
    }
    char known[512] = "";
    size_t at = 0;
    for (int i = 0; i < g_ndevices && at < sizeof known; i++)
        at += (size_t)snprintf(known + at, sizeof known - at, "%s%s", i ? ", " : "", g_devices[i].id);
    return nda_error_set(NDA_ENODEV, "unknown device '%s' (available: %s)", id,
                         g_ndevices ? known : "none");
}

int nda_device_default(nda_device **out)
{
    int rc = nda_fork_check();
    if (rc != NDA_OK) return rc;
    nda_devices_init();
    const char *env = getenv("NDACCEL_DEVICE");
    if (env && env[0]) return nda_device_find(env, out);
    if (g_ndevices == 0) {
        char why[1024] = "";
        size_t at = 0;
        for (int i = 0; i < g_nbackends && at < sizeof why; i++)
            at += (size_t)snprintf(why + at, sizeof why - at, "%s%s: %s", i ? "; " : "",
                                   g_backends[i].name,
                                   g_backends[i].reason[0] ? g_backends[i].reason : "no devices");
        return nda_error_set(NDA_ENODEV, "no device available (%s)", why);
    }
    for (int i = 0; i < g_ndevices; i++)
        if (strncmp(g_devices[i].id, "cuda:", 5) == 0) { *out = &g_devices[i]; return NDA_OK; }
    for (int i = 0; i < g_ndevices; i++)
        if (g_devices[i].info.is_gpu) { *out = &g_devices[i]; return NDA_OK; }
    *out = &g_devices[0];
    return NDA_OK;
}

const char *nda_device_id(const nda_device *d) { return d->id; }
const nda_device_info *nda_device_info_of(const nda_device *d) { return &d->info; }
const nda_backend_ops *nda_device_ops(const nda_device *d) { return d->ops; }
int nda_device_local_index(const nda_device *d) { return d->local_index; }
const char *nda_device_cache_tag(const nda_device *d) { return d->cache_tag; }

int nda_device_synchronize(nda_device *d)
{
    int rc = nda_fork_check();
    if (rc != NDA_OK) return rc;
    rc = d->ops->synchronize(d->local_index);
    if (rc == NDA_OK) nda_device_waited(d);
    return rc;
}

int nda_device_gemm(nda_device *d, const nda_gemm_desc *g)
{
    if (d->ops->abi_version < 2 || d->ops->gemm == NULL)
        return nda_error_set(NDA_ENODEV, "%s: the %s backend has no BLAS library", d->id,
                             d->ops->name);
    return d->ops->gemm(d->local_index, g);
}

int nda_device_fft(nda_device *d, const nda_fft_desc *f)
{
    if (d->ops->abi_version < 2 || d->ops->fft == NULL)
        return nda_error_set(NDA_ENODEV, "%s: the %s backend has no FFT library", d->id,
                             d->ops->name);
    return d->ops->fft(d->local_index, f);
}

int nda_device_solver(nda_device *d, const nda_solver_desc *s)
{
    /* An ABI 1 or 2 plugin's table ends before `solver`: never read it. */
    if (d->ops->abi_version < 3 || d->ops->solver == NULL)
        return nda_error_set(NDA_ENOTIMPL, "%s: the %s backend has no dense solver library",
                             d->id, d->ops->name);
    return d->ops->solver(d->local_index, s);
}

/* The library lock (nda/device.h): an error-checking mutex would cost
 * more on every call; a plain one is enough for the documented use. */
static pthread_mutex_t g_library_lock = PTHREAD_MUTEX_INITIALIZER;
/* Its holder, written only by the holder: read by the fork child handler. */
static int g_library_held;
static pthread_t g_library_owner;

void nda_library_lock(void)
{
    pthread_mutex_lock(&g_library_lock);
    g_library_owner = pthread_self();
    g_library_held = 1;
}

int nda_library_trylock(void)
{
    if (pthread_mutex_trylock(&g_library_lock) != 0) return 0;
    g_library_owner = pthread_self();
    g_library_held = 1;
    return 1;
}

void nda_library_unlock(void)
{
    g_library_held = 0;
    pthread_mutex_unlock(&g_library_lock);
}

/* ---- fork (fork.c) ---- */

static nda_backend_ops g_fork_stub_ops[NDA_MAX_DEVICES];

/* pthread_atfork child handler; only the forking thread lives on. A
 * library lock held by another thread would never be released: it is
 * made free again (the child may still free arrays, which does nothing).
 * After initialisation, every device gets fork.c's refusing ops. */
static void after_fork_child(void)
{
    if (g_library_held && !pthread_equal(g_library_owner, pthread_self())) {
        pthread_mutex_init(&g_library_lock, NULL);
        g_library_held = 0;
    }
    if (!g_init_started) return;
    nda_fork_mark_child();
    for (int i = 0; i < g_ndevices; i++)
        g_devices[i].ops = nda_fork_stub_ops(&g_fork_stub_ops[i], g_devices[i].ops);
}

/* Registered when the core is loaded, so that every fork() is seen. */
__attribute__((constructor)) static void register_fork_handler(void)
{
    pthread_atfork(NULL, NULL, after_fork_child);
}

int nda_backend_count(void)
{
    nda_devices_init();
    return g_nbackends;
}

const char *nda_backend_name(int i)
{
    nda_devices_init();
    return (i >= 0 && i < g_nbackends) ? g_backends[i].name : NULL;
}

const char *nda_backend_unavailable_reason(int i)
{
    nda_devices_init();
    if (i < 0 || i >= g_nbackends) return "no such backend";
    return g_backends[i].ops ? NULL : g_backends[i].reason;
}
