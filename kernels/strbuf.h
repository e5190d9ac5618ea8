/* A growable NUL-terminated string for generated source. On allocation
 * failure the buffer latches `failed` and later appends are ignored, so
 * generators check once at the end (nda_strbuf_status). */
#ifndef NDA_STRBUF_H
#define NDA_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct nda_strbuf {
    char *data;
    size_t len, cap;
    bool failed;
} nda_strbuf;

void nda_strbuf_init(nda_strbuf *b);
void nda_strbuf_free(nda_strbuf *b);
void nda_strbuf_puts(nda_strbuf *b, const char *s);
void nda_strbuf_printf(nda_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends tmpl with each "$X" replaced by vars[X - 'A'] (uppercase letters
 * only); "$$" is a literal '$'. */
void nda_strbuf_template(nda_strbuf *b, const char *tmpl, const char *const vars[26]);
/* NDA_OK, or NDA_ENOMEM if any append failed. */
int nda_strbuf_status(const nda_strbuf *b);

#endif
