/* Error reporting from inside a backend plugin: the one place a plugin
 * hands a message to the core's error record (nda_host_api.error_set).
 *
 * init stores the host api; every failure afterwards formats its message
 * here and returns its NDA_* code, so `return nda_plugin_error_set(...)`
 * reports and fails in one statement. Before init, or with a host that has
 * no error_set, nothing is recorded and the code is still returned.
 * Messages are cut at 4095 bytes (room for a 2,000-character compile log
 * excerpt and its prefix). Hidden: a plugin exports only its entry point. */
#ifndef NDA_PLUGIN_ERROR_H
#define NDA_PLUGIN_ERROR_H

#include "backends/common/dl_library.h"
#include "nda/backend.h"

/* Remembers the host api used for error reporting (may be NULL). */
__attribute__((visibility("hidden"))) void nda_plugin_host_set(const nda_host_api *host);

/* Formats a message, hands it to host->error_set and returns `code`. */
__attribute__((visibility("hidden"))) int nda_plugin_error_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* nda_dl_load(lib), a failure reported as NDA_ENODEV with its reason: how
 * a plugin member loads the vendor library it needs on first use. */
__attribute__((visibility("hidden"))) int nda_plugin_library_load(nda_dl_library *lib);

#endif
