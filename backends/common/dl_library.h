/* Optional shared libraries reached with dlopen: how a plugin uses a
 * driver, a compiler or a vendor library it does not link (the CUDA
 * driver, NVRTC, cuBLAS, cuFFT, cuSOLVER, CLBlast).
 *
 * One library is one static nda_dl_library: the name used in messages, the
 * candidate files, and a table of {symbol name, offset of the function
 * pointer member} resolved into a struct the caller owns. nda_dl_load()
 * loads it at most once under the library's own lock; once loaded, the
 * table is read without locking and stays valid until nda_dl_unload().
 * Nothing here touches the host's error record: callers report the reason
 * they are handed.
 *
 * Search: the file named by the environment variable `env` when that is
 * set and not empty, and nothing else; otherwise each candidate name on the
 * dynamic loader's path, then each directory that `dir` yields with each
 * candidate name. The first file that opens, has every required symbol
 * and passes `accept` is kept; every other file opened is closed again.
 *
 * Failure reason: "<what> not found (<reasons>)", or just the reasons when
 * `what` is NULL, where the reasons are every failure other than a missing
 * file ("<file>: invalid ELF header", "<file> has no <symbol>", what
 * `accept` said), joined by "; ", or else the first missing-file error;
 * ", from <env>" ends them when the variable named the file.
 *
 * Everything here is hidden: a plugin exports only its entry point. */
#ifndef NDA_DL_LIBRARY_H
#define NDA_DL_LIBRARY_H

#include <pthread.h>
#include <stddef.h>

#define NDA_DL_HIDDEN __attribute__((visibility("hidden")))

/* One entry point: `name` goes to the function pointer at `offset` in the
 * table struct; an optional one (required == 0) stays NULL when absent. */
typedef struct nda_dl_symbol {
    const char *name;
    size_t offset;
    int required;
} nda_dl_symbol;

/* The entry for member `member` of table type `type`. */
#define NDA_DL_SYM(type, member, name, required) {(name), offsetof(type, member), (required)}

typedef struct nda_dl_library {
    /* ---- what to load: constant after static initialisation ---- */
    const char *what;          /* "cuBLAS"; NULL: reasons without a prefix */
    const char *env;           /* NULL, or a variable naming the one file to load */
    const char *const *names;  /* candidate file names, NULL-terminated */
    /* Optional: writes the i-th directory to search (i = 0, 1, ...) into
     * buf[len] and returns 1; 0 when there are no more. */
    int (*dir)(size_t i, char *buf, size_t len);
    const nda_dl_symbol *symbols; /* symbols[0] names the file in messages */
    size_t nsymbols;
    void *table;               /* receives the pointers; all zero unless loaded */
    size_t table_size;
    /* Optional last check of a file whose symbols resolved (`path`: the
     * file defining symbols[0]); 0 with a reason in why[len] rejects it.
     * May fill more of the table (a version, the path). Runs under the
     * lock. */
    int (*accept)(const char *path, void *table, char *why, size_t len);
    int remember_failure;      /* 1: a failed load is final; 0: the next call searches again */
    /* ---- state: zero-initialised except lock, guarded by lock ---- */
    pthread_mutex_t lock;      /* PTHREAD_MUTEX_INITIALIZER */
    int state;                 /* 0: not loaded, 1: loaded, -1: failed for good */
    void *handle;              /* while loaded */
    char why[2048];            /* the last failure's reason */
} nda_dl_library;

/* Initialisers for the table and symbol fields from arrays and objects. */
#define NDA_DL_TABLE(object) .table = &(object), .table_size = sizeof(object)
#define NDA_DL_SYMBOLS(array) .symbols = (array), .nsymbols = sizeof(array) / sizeof((array)[0])

/* Loads `lib` unless it is loaded. NDA_OK with lib->table filled, or
 * NDA_ENODEV with the reason copied into why[len] (why may be NULL).
 * Thread-safe; cheap once loaded, and once failed for good. */
NDA_DL_HIDDEN int nda_dl_load(nda_dl_library *lib, char *why, size_t len);

/* Closes a loaded library and forgets it (its table is zeroed), so that
 * the next nda_dl_load searches again. Only for a library nothing uses:
 * no pointer from its table may be called afterwards. */
NDA_DL_HIDDEN void nda_dl_unload(nda_dl_library *lib);

#endif
