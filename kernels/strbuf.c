#include "kernels/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nda/error.h"

void nda_strbuf_init(nda_strbuf *b) { memset(b, 0, sizeof *b); }

void nda_strbuf_free(nda_strbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static bool reserve(nda_strbuf *b, size_t extra)
{
    if (b->failed) return false;
    if (b->len + extra + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra + 1) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        b->failed = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

static void append(nda_strbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void nda_strbuf_puts(nda_strbuf *b, const char *s) { append(b, s, strlen(s)); }

void nda_strbuf_printf(nda_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void nda_strbuf_template(nda_strbuf *b, const char *tmpl, const char *const vars[26])
{
    const char *p = tmpl;
    while (*p) {
        const char *d = strchr(p, '$');
        if (!d) {
            nda_strbuf_puts(b, p);
            return;
        }
        append(b, p, (size_t)(d - p));
        if (d[1] == '$') {
            append(b, "$", 1);
        } else if (d[1] >= 'A' && d[1] <= 'Z' && vars[d[1] - 'A']) {
            nda_strbuf_puts(b, vars[d[1] - 'A']);
        } else {
            append(b, d, 2);
        }
        p = d + 2;
    }
}

int nda_strbuf_status(const nda_strbuf *b)
{
    return b->failed ? nda_error_set(NDA_ENOMEM, "out of host memory generating kernel source")
                     : NDA_OK;
}
