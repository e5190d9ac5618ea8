/* The comm plugin registry (comm_registry.h). */
#define _GNU_SOURCE
#include "nda/comm_registry.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/error.h"

#define NDA_COMM_MAX_DIRS 8

typedef struct nda_comm_slot {
    const char *name;
    const nda_comm_ops *ops; /* NULL when unavailable */
    char reason[1024];
} nda_comm_slot;

/* Every plugin this core knows, in listing order. */
static nda_comm_slot g_slots[] = {{"mpi", NULL, ""}, {"nccl", NULL, ""}};
#define NDA_COMM_NSLOTS ((int)(sizeof g_slots / sizeof g_slots[0]))

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int comm_host_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nda_error_setv(code, fmt, ap);
    va_end(ap);
    return code;
}

static const nda_comm_host_api g_host = {NDA_COMM_ABI_VERSION, comm_host_error_set,
                                         nda_error_message};

/* Directory of the shared object holding this code, or "". */
static void comm_self_dir(char *buf, size_t len)
{
    Dl_info info;

    buf[0] = '\0';
    if (dladdr((void *)&comm_self_dir, &info) && info.dli_fname != NULL) {
        char *slash;
        snprintf(buf, len, "%s", info.dli_fname);
        slash = strrchr(buf, '/');
        if (slash != NULL)
            *slash = '\0';
        else
            buf[0] = '\0';
    }
}

/* $NDACCEL_PLUGIN_DIR's entries, then the core's own directory. */
static int comm_plugin_dirs(char dirs[][PATH_MAX], int max)
{
    const char *env = getenv("NDACCEL_PLUGIN_DIR");
    int n = 0;

    while (env != NULL && *env != '\0' && n < max - 1) {
        const char *end = strchr(env, ':');
        size_t len = end != NULL ? (size_t)(end - env) : strlen(env);
        if (len > 0 && len < PATH_MAX) {
            memcpy(dirs[n], env, len);
            dirs[n][len] = '\0';
            n++;
        }
        env = end != NULL ? end + 1 : NULL;
    }
    comm_self_dir(dirs[n], PATH_MAX);
    return n + 1;
}

/* dlopen()s libndaccel_comm_<name>.so from the first directory holding a
 * loadable one; NULL with the reason (the first informative dlerror). */
static void *comm_plugin_open(const char *name, char *why, size_t whylen)
{
    char dirs[NDA_COMM_MAX_DIRS][PATH_MAX];
    int ndirs = comm_plugin_dirs(dirs, NDA_COMM_MAX_DIRS);

    why[0] = '\0';
    for (int i = 0; i < ndirs; i++) {
        char path[PATH_MAX + 64];
        const char *err;
        void *h;

        if (dirs[i][0] == '\0')
            continue;
        snprintf(path, sizeof path, "%.*s/libndaccel_comm_%s.so", PATH_MAX, dirs[i], name);
        h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h != NULL)
            return h;
        err = dlerror();
        /* Keep a present-but-broken plugin's message over "not found". */
        if (why[0] == '\0' || strstr(why, "No such file") != NULL)
            snprintf(why, whylen, "%s", err != NULL ? err : "dlopen failed");
    }
    if (strstr(why, "No such file") != NULL || why[0] == '\0')
        snprintf(why, whylen, "plugin libndaccel_comm_%s.so not found (built without %s, or "
                 "not installed beside _core.so / in $NDACCEL_PLUGIN_DIR)", name,
                 strcmp(name, "nccl") == 0 ? "MPI or NCCL's header" : "MPI");
    return NULL;
}

static void comm_load(nda_comm_slot *s)
{
    nda_comm_entry_fn entry;
    const nda_comm_ops *ops;
    void *h = comm_plugin_open(s->name, s->reason, sizeof s->reason);

    if (h == NULL)
        return;
    *(void **)&entry = dlsym(h, NDA_COMM_ENTRY_SYMBOL);
    ops = entry != NULL ? entry() : NULL;
    if (ops == NULL) {
        snprintf(s->reason, sizeof s->reason, "plugin has no %s", NDA_COMM_ENTRY_SYMBOL);
        return;
    }
    if (ops->abi_version < 1 || ops->load == NULL || ops->init == NULL || ops->free == NULL ||
        ops->rank == NULL || ops->size == NULL) {
        snprintf(s->reason, sizeof s->reason, "plugin comm ABI version %d is not supported",
                 ops->abi_version);
        return;
    }
    nda_error_clear();
    if (ops->load(&g_host) != NDA_OK) {
        snprintf(s->reason, sizeof s->reason, "%s", nda_error_message());
        return;
    }
    s->ops = ops;
    s->reason[0] = '\0';
    /* The library handle stays open for the life of the process. */
}

static void comm_unload_all(void)
{
    for (int i = NDA_COMM_NSLOTS - 1; i >= 0; i--)
        if (g_slots[i].ops != NULL && g_slots[i].ops->unload != NULL)
            g_slots[i].ops->unload();
}

static void comm_init_once(void)
{
    int any = 0;

    for (int i = 0; i < NDA_COMM_NSLOTS; i++) {
        comm_load(&g_slots[i]);
        any |= g_slots[i].ops != NULL;
    }
    nda_error_clear();
    if (any)
        atexit(comm_unload_all);
}

void nda_comm_plugins_init(void) { pthread_once(&g_once, comm_init_once); }

int nda_comm_plugin_count(void) { return NDA_COMM_NSLOTS; }

const char *nda_comm_plugin_name(int i)
{
    return (i >= 0 && i < NDA_COMM_NSLOTS) ? g_slots[i].name : NULL;
}

const char *nda_comm_plugin_unavailable_reason(int i)
{
    nda_comm_plugins_init();
    if (i < 0 || i >= NDA_COMM_NSLOTS)
        return "no such plugin";
    return g_slots[i].ops != NULL ? NULL : g_slots[i].reason;
}

const nda_comm_ops *nda_comm_plugin_ops(int i)
{
    nda_comm_plugins_init();
    return (i >= 0 && i < NDA_COMM_NSLOTS) ? g_slots[i].ops : NULL;
}

int nda_comm_plugin_find(const char *name, const nda_comm_ops **ops)
{
    *ops = NULL;
    for (int i = 0; i < NDA_COMM_NSLOTS; i++) {
        if (strcmp(g_slots[i].name, name) != 0)
            continue;
        nda_comm_plugins_init();
        if (g_slots[i].ops == NULL)
            return nda_error_set(NDA_ENODEV, "comm plugin '%s' is unavailable: %s", name,
                                 g_slots[i].reason);
        *ops = g_slots[i].ops;
        return NDA_OK;
    }
    return nda_error_set(NDA_EVALUE, "unknown comm plugin '%s' (known: mpi, nccl)", name);
}
