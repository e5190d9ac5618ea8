/* The plugin's error reporting (see plugin_error.h). */
#include "backends/common/plugin_error.h"

#include <stdarg.h>
#include <stdio.h>

#include "nda/error.h"

#define NDA_PLUGIN_MSG_MAX 4096

static const nda_host_api *nda_plugin_host;

void nda_plugin_host_set(const nda_host_api *host) { nda_plugin_host = host; }

int nda_plugin_error_set(int code, const char *fmt, ...)
{
    char msg[NDA_PLUGIN_MSG_MAX];
    va_list ap;

    if (nda_plugin_host == NULL || nda_plugin_host->error_set == NULL)
        return code;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nda_plugin_host->error_set(code, "%s", msg);
    return code;
}

int nda_plugin_library_load(nda_dl_library *lib)
{
    char why[sizeof lib->why];

    if (nda_dl_load(lib, why, sizeof why) != NDA_OK)
        return nda_plugin_error_set(NDA_ENODEV, "%s", why);
    return NDA_OK;
}
