/* dlopen once under a lock, resolve a symbol table, remember why it failed
 * (see dl_library.h). */
#define _GNU_SOURCE
#include "backends/common/dl_library.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/error.h"

/* What one search found wrong so far. */
typedef struct nda_dl_search {
    char reasons[1536]; /* failures other than a missing file, "; "-joined */
    char missing[512];  /* the first missing-file error */
} nda_dl_search;

static void nda_dl_note(nda_dl_search *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void nda_dl_note(nda_dl_search *s, const char *fmt, ...)
{
    size_t at = strlen(s->reasons);
    va_list ap;

    if (at > 0 && at + 2 < sizeof s->reasons) {
        memcpy(s->reasons + at, "; ", 3);
        at += 2;
    }
    if (at + 1 >= sizeof s->reasons)
        return;
    va_start(ap, fmt);
    vsnprintf(s->reasons + at, sizeof s->reasons - at, fmt, ap);
    va_end(ap);
}

/* Opens `file` and resolves the table from it. 1 when kept (lib->handle
 * set); 0 with the failure noted. */
static int nda_dl_try(nda_dl_library *lib, const char *file, nda_dl_search *s)
{
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    char path[512], why[512];
    Dl_info info;

    if (h == NULL) {
        const char *e = dlerror();
        if (e == NULL)
            e = "dlopen failed";
        if (strstr(e, "No such file") != NULL) {
            if (s->missing[0] == '\0')
                snprintf(s->missing, sizeof s->missing, "%s", e);
        } else {
            nda_dl_note(s, "%s", e);
        }
        return 0;
    }
    memset(lib->table, 0, lib->table_size);
    snprintf(path, sizeof path, "%s", file);
    for (size_t i = 0; i < lib->nsymbols; i++) {
        void *sym = dlsym(h, lib->symbols[i].name);
        if (i == 0 && sym != NULL && dladdr(sym, &info) && info.dli_fname != NULL)
            snprintf(path, sizeof path, "%s", info.dli_fname);
        if (sym == NULL && lib->symbols[i].required) {
            nda_dl_note(s, "%s has no %s", path, lib->symbols[i].name);
            goto reject;
        }
        memcpy((char *)lib->table + lib->symbols[i].offset, &sym, sizeof sym);
    }
    why[0] = '\0';
    if (lib->accept != NULL && !lib->accept(path, lib->table, why, sizeof why)) {
        nda_dl_note(s, "%s", why[0] ? why : path);
        goto reject;
    }
    lib->handle = h;
    return 1;
reject:
    memset(lib->table, 0, lib->table_size);
    dlclose(h);
    return 0;
}

/* Searches as dl_library.h says. 1 when loaded; 0 with lib->why set. */
static int nda_dl_search_all(nda_dl_library *lib)
{
    const char *env = lib->env != NULL ? getenv(lib->env) : NULL;
    nda_dl_search s;
    char dir[1024], file[1536];

    memset(&s, 0, sizeof s);
    if (env != NULL && env[0] != '\0') {
        if (nda_dl_try(lib, env, &s))
            return 1;
    } else {
        env = NULL;
        for (size_t i = 0; lib->names[i] != NULL; i++)
            if (nda_dl_try(lib, lib->names[i], &s))
                return 1;
        for (size_t d = 0; lib->dir != NULL && lib->dir(d, dir, sizeof dir); d++)
            for (size_t i = 0; lib->names[i] != NULL; i++) {
                snprintf(file, sizeof file, "%s/%s", dir, lib->names[i]);
                if (nda_dl_try(lib, file, &s))
                    return 1;
            }
    }
    snprintf(lib->why, sizeof lib->why, "%s%s%s%s%s%s", lib->what ? lib->what : "",
             lib->what ? " not found (" : "", s.reasons[0] ? s.reasons : s.missing,
             env ? ", from " : "", env ? lib->env : "", lib->what ? ")" : "");
    return 0;
}

int nda_dl_load(nda_dl_library *lib, char *why, size_t len)
{
    int rc = NDA_OK;

    pthread_mutex_lock(&lib->lock);
    if (lib->state == 0) {
        if (nda_dl_search_all(lib))
            lib->state = 1;
        else if (lib->remember_failure)
            lib->state = -1;
    }
    if (lib->state != 1) {
        rc = NDA_ENODEV;
        if (why != NULL && len > 0)
            snprintf(why, len, "%s", lib->why);
    }
    pthread_mutex_unlock(&lib->lock);
    return rc;
}

void nda_dl_unload(nda_dl_library *lib)
{
    pthread_mutex_lock(&lib->lock);
    if (lib->state == 1) {
        dlclose(lib->handle);
        lib->handle = NULL;
        memset(lib->table, 0, lib->table_size);
        lib->state = 0;
    }
    pthread_mutex_unlock(&lib->lock);
}
