/* Status codes and the thread-local error record.
 *
 * Contract: every fallible C function returns int (NDA_OK == 0, or a negative
 * NDA_E* code) and delivers results through out-parameters. A function that
 * returns an error has set the record (code + message) for the calling thread
 * and has released everything it allocated. */
#ifndef NDA_ERROR_H
#define NDA_ERROR_H

#include <stdarg.h>

enum {
    NDA_OK = 0,
    NDA_ENOMEM = -1,      /* MemoryError: host or device allocation failed */
    NDA_EVALUE = -2,      /* ValueError: shapes, values, arguments */
    NDA_ETYPE = -3,       /* TypeError: unsupported dtype or operand type */
    NDA_EINDEX = -4,      /* IndexError: index out of range */
    NDA_EAXIS = -5,       /* numpy.exceptions.AxisError */
    NDA_EOVERFLOW = -6,   /* OverflowError: value does not fit the dtype */
    NDA_ENOTIMPL = -7,    /* NotImplementedError: feature not supported yet */
    NDA_EBACKEND = -8,    /* RuntimeError: driver/runtime call failed */
    NDA_ECOMPILE = -9,    /* RuntimeError: kernel failed to compile (message has the log) */
    NDA_ENODEV = -10,     /* RuntimeError: no such device / backend unavailable */
    NDA_EIO = -11,        /* OSError: file system (kernel cache); callers usually recover */
    NDA_EZERODIV = -12,   /* ZeroDivisionError */
};

/* Records code + printf-style message for this thread; returns code so that
 * `return nda_error_set(NDA_EVALUE, "...")` reads naturally. */
int nda_error_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int nda_error_setv(int code, const char *fmt, va_list ap);
/* Prefixes the current message with "prefix: " (context added by callers). */
void nda_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int nda_error_code(void);
/* Valid until the next nda_error_* call on this thread; never NULL. */
const char *nda_error_message(void);
void nda_error_clear(void);
const char *nda_error_name(int code);

#endif
