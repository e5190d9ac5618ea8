/* Dtypes, NumPy 2 promotion (NEP 50) and casting rules. */
#ifndef NDA_DTYPE_H
#define NDA_DTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Order is the promotion-lattice order used by the tables in dtype.c. */
typedef enum nda_dtype {
    NDA_BOOL = 0,
    NDA_INT8, NDA_UINT8, NDA_INT16, NDA_UINT16,
    NDA_INT32, NDA_UINT32, NDA_INT64, NDA_UINT64,
    NDA_FLOAT16, NDA_FLOAT32, NDA_FLOAT64,
    NDA_COMPLEX64, NDA_COMPLEX128,
    NDA_NTYPES
} nda_dtype;

typedef enum nda_kind { NDA_KIND_BOOL, NDA_KIND_UINT, NDA_KIND_INT, NDA_KIND_FLOAT, NDA_KIND_COMPLEX } nda_kind;

typedef enum nda_casting {
    NDA_CAST_NO, NDA_CAST_EQUIV, NDA_CAST_SAFE, NDA_CAST_SAME_KIND, NDA_CAST_UNSAFE
} nda_casting;

size_t nda_dtype_itemsize(nda_dtype t);
nda_kind nda_dtype_kind(nda_dtype t);
/* NumPy name ("float32") and type character ("f"); NULL/0 for invalid t. */
const char *nda_dtype_name(nda_dtype t);
char nda_dtype_char(nda_dtype t);
/* Parses a NumPy type character ('?bBhHiIlLqQefdFD'); -1 if unknown. */
int nda_dtype_from_char(char c);
bool nda_dtype_valid(int t);

bool nda_dtype_can_cast(nda_dtype from, nda_dtype to, nda_casting casting);
/* numpy.promote_types for two strong dtypes. Returns NDA_ETYPE if none
 * (never happens for the numeric dtypes we support). */
int nda_dtype_promote(nda_dtype a, nda_dtype b, nda_dtype *out);

/* A Python scalar taking part in promotion as a NEP 50 "weak" operand. */
typedef enum nda_scalar_kind {
    NDA_SCALAR_BOOL, NDA_SCALAR_INT, NDA_SCALAR_FLOAT, NDA_SCALAR_COMPLEX
} nda_scalar_kind;

typedef struct nda_scalar {
    nda_scalar_kind kind;
    bool int_is_unsigned;  /* INT only: value is in u (>= 2**63) */
    bool int_overflows;    /* INT only: magnitude exceeds 64 bits; f holds it */
    int64_t i;
    uint64_t u;
    double f;              /* FLOAT (and huge INT) value; COMPLEX real part */
    double imag;           /* COMPLEX imaginary part */
} nda_scalar;

/* The dtype a weak scalar takes next to strong operands whose common dtype
 * is `strong` (pass -1 when every operand is a scalar: NumPy's defaults). */
nda_dtype nda_scalar_weak_dtype(const nda_scalar *s, int strong);
/* Whether an INT scalar's value is representable in integer dtype t. */
bool nda_scalar_fits(const nda_scalar *s, nda_dtype t);
/* Stores s converted to dtype t (C conversion semantics, like NumPy's
 * unsafe cast) into dst (itemsize(t) bytes). float16 is IEEE binary16. */
void nda_scalar_store(const nda_scalar *s, nda_dtype t, void *dst);

/* Reads one value of dtype t from src (itemsize(t) bytes) exactly. */
void nda_scalar_load(nda_dtype t, const void *src, nda_scalar *out);

/* IEEE binary16 conversions, round to nearest even (NumPy's npy_half). */
uint16_t nda_half_from_float(float f);
uint16_t nda_half_from_double(double d);
float nda_half_to_float(uint16_t h);

#endif
