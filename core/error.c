/* Thread-local error record: one code and one message per thread. */
#include "nda/error.h"

#include <stdio.h>
#include <string.h>

#define NDA_ERROR_MSG_MAX 4096

static _Thread_local int tl_code = NDA_OK;
static _Thread_local char tl_msg[NDA_ERROR_MSG_MAX];

int nda_error_setv(int code, const char *fmt, va_list ap)
{
    tl_code = code;
    vsnprintf(tl_msg, sizeof tl_msg, fmt, ap);
    return code;
}

int nda_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nda_error_setv(code, fmt, ap);
    va_end(ap);
    return code;
}

void nda_error_prefix(const char *fmt, ...)
{
    char prefix[512];
    char old[NDA_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, tl_msg, sizeof old);
    snprintf(tl_msg, sizeof tl_msg, "%s: %.3500s", prefix, old);
}

int nda_error_code(void) { return tl_code; }

const char *nda_error_message(void) { return tl_msg; }

void nda_error_clear(void)
{
    tl_code = NDA_OK;
    tl_msg[0] = '\0';
}

const char *nda_error_name(int code)
{
    switch (code) {
    case NDA_OK: return "NDA_OK";
    case NDA_ENOMEM: return "NDA_ENOMEM";
    case NDA_EVALUE: return "NDA_EVALUE";
    case NDA_ETYPE: return "NDA_ETYPE";
    case NDA_EINDEX: return "NDA_EINDEX";
    case NDA_EAXIS: return "NDA_EAXIS";
    case NDA_EOVERFLOW: return "NDA_EOVERFLOW";
    case NDA_ENOTIMPL: return "NDA_ENOTIMPL";
    case NDA_EBACKEND: return "NDA_EBACKEND";
    case NDA_ECOMPILE: return "NDA_ECOMPILE";
    case NDA_ENODEV: return "NDA_ENODEV";
    case NDA_EIO: return "NDA_EIO";
    case NDA_EZERODIV: return "NDA_EZERODIV";
    default: return "NDA_E?";
    }
}
