/* Tests for core/op_catalogue.h: lookups by name, the loop-string layout,
 * loop signatures against NumPy's type resolution (numpy 2.4's
 * ufunc.resolve_dtypes, values in the comments), and that kernels/ emits
 * every loop the catalogue lists (nda_op_check_emitters). */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <string.h>

#include "core/op_catalogue.h"
#include "kernels/ops.h"
#include "kernels/strbuf.h"
#include "nda/dtype.h"
#include "nda/error.h"
#include "tests/c/test_util.h"

static void test_lookup(void)
{
    CHECK(nda_op_from_name("add") == NDA_OP_ADD);
    CHECK(nda_op_from_name("true_divide") == NDA_OP_TRUE_DIVIDE);
    CHECK(nda_op_from_name("divide") == NDA_OP_TRUE_DIVIDE); /* NumPy's alias */
    CHECK(nda_op_from_name("arctan2") == NDA_OP_ARCTAN2);
    CHECK(nda_op_from_name("modf_integral") == NDA_OP_MODF_INTEGRAL);
    CHECK(nda_op_from_name("where") == NDA_OP_WHERE);
    CHECK(nda_op_from_name("no_such_ufunc") == -1);
    CHECK(nda_op_from_name("") == -1);
    CHECK(nda_op_from_name("ADD") == -1); /* names are NumPy's, case-sensitive */
    CHECK(nda_op_describe(NDA_NOPS) == NULL);
    CHECK(nda_op_describe((nda_op)-1) == NULL);
    CHECK(nda_op_loop_count(NDA_NOPS) == 0);
    for (int i = 0; i < NDA_NOPS; i++) {
        const nda_op_desc *d = nda_op_describe((nda_op)i);
        CHECKF(d && d->name && d->name[0], "op %d has no entry", i);
        if (!d || !d->name) continue;
        CHECKF(nda_op_from_name(d->name) == i, "'%s' does not look up to its id %d", d->name, i);
        CHECKF(d->nin >= 1 && d->nin <= 3, "'%s' nin %d", d->name, d->nin);
    }
    const nda_op_desc *add = nda_op_describe(NDA_OP_ADD);
    CHECK(strcmp(add->name, "add") == 0 && add->nin == 2);
    CHECK(nda_op_describe(NDA_OP_WHERE)->nin == 3);
    CHECK(nda_op_describe(NDA_OP_SQRT)->nin == 1);
    /* The comparison range the resolver relies on. */
    CHECK(strcmp(nda_op_describe(NDA_OP_EQUAL)->name, "equal") == 0);
    CHECK(strcmp(nda_op_describe(NDA_OP_GREATER_EQUAL)->name, "greater_equal") == 0);
    CHECK(NDA_OP_GREATER_EQUAL - NDA_OP_EQUAL == 5);
}

/* Every loop string is fixed-width (nda_op_loop indexes it) and every
 * signature parses; nda_op_loop agrees with the string. */
static void test_layout(void)
{
    for (int i = 0; i < NDA_NOPS; i++) {
        nda_op op = (nda_op)i;
        const nda_op_desc *d = nda_op_describe(op);
        int n = nda_op_loop_count(op);
        bool untyped = op == NDA_OP_COPY || op == NDA_OP_WHERE || op == NDA_OP_GATHER;
        CHECKF(untyped ? n == 0 : n > 0, "'%s' has %d loops", d->name, n);
        size_t len = strlen(d->loops), w = (size_t)d->nin + 3;
        CHECKF(n == 0 || len == (size_t)n * (w + 1) - 1, "'%s' loop string length %zu", d->name,
               len);
        for (int k = 0; k < n; k++) {
            const char *s = d->loops + (size_t)k * (w + 1);
            CHECKF(s[d->nin] == '-' && s[d->nin + 1] == '>', "'%s' loop %d: %.*s", d->name, k,
                   (int)w, s);
            CHECKF(s[w] == (k == n - 1 ? '\0' : ' '), "'%s' loop %d not one space apart", d->name,
                   k);
            nda_dtype in[3], out;
            CHECK(nda_op_loop(op, k, in, &out));
            for (int j = 0; j < d->nin; j++) {
                CHECKF(nda_dtype_from_char(s[j]) >= 0, "'%s' loop %d input char '%c'", d->name, k,
                       s[j]);
                CHECK(in[j] == (nda_dtype)nda_dtype_from_char(s[j]));
            }
            CHECKF(nda_dtype_from_char(s[d->nin + 2]) >= 0, "'%s' loop %d output", d->name, k);
            CHECK(out == (nda_dtype)nda_dtype_from_char(s[d->nin + 2]));
        }
        nda_dtype in[3], out = NDA_NTYPES;
        CHECKF(!nda_op_loop(op, n, in, &out) && out == NDA_NTYPES, "'%s' loop past the end",
               d->name);
        CHECK(!nda_op_loop(op, -1, in, &out));
    }
}

/* NumPy's legacy resolver: the first loop every input casts to safely.
 * Writes the loop as "ab->c" into sig; "" when none fits. */
static void first_safe_loop(nda_op op, const nda_dtype *types, char *sig)
{
    int nin = nda_op_describe(op)->nin;
    nda_dtype in[3], out;
    sig[0] = '\0';
    for (int k = 0; nda_op_loop(op, k, in, &out); k++) {
        bool ok = true;
        for (int i = 0; i < nin && ok; i++) ok = nda_dtype_can_cast(types[i], in[i], NDA_CAST_SAFE);
        if (!ok) continue;
        int p = 0;
        for (int i = 0; i < nin; i++) sig[p++] = nda_dtype_char(in[i]);
        sig[p++] = '-', sig[p++] = '>', sig[p++] = nda_dtype_char(out), sig[p] = '\0';
        return;
    }
}

static void expect_loop(nda_op op, nda_dtype a, nda_dtype b, const char *want)
{
    nda_dtype types[2] = {a, b};
    char got[8];
    first_safe_loop(op, types, got);
    CHECKF(strcmp(got, want) == 0, "%s(%s%s%s): loop '%s', NumPy's '%s'",
           nda_op_describe(op)->name, nda_dtype_name(a), nda_op_describe(op)->nin > 1 ? ", " : "",
           nda_op_describe(op)->nin > 1 ? nda_dtype_name(b) : "", got, want);
}

static void test_numpy_facts(void)
{
    /* np.add.types starts with ??->? (bool add is logical or). */
    nda_dtype in[3], out;
    CHECK(nda_op_loop(NDA_OP_ADD, 0, in, &out) && in[0] == NDA_BOOL && in[1] == NDA_BOOL &&
          out == NDA_BOOL);
    CHECK(nda_op_loop_count(NDA_OP_ADD) == 14);
    /* true_divide has no integer loops (the resolver's int -> float64
     * rule supplies them); float_power only float64 and complex128. */
    CHECK(nda_op_loop(NDA_OP_TRUE_DIVIDE, 0, in, &out) && in[0] == NDA_FLOAT16);
    CHECK(strcmp(nda_op_describe(NDA_OP_FLOAT_POWER)->loops, "dd->d DD->D") == 0);
    CHECK(strcmp(nda_op_describe(NDA_OP_SIGNBIT)->loops, "e->? f->? d->?") == 0);

    /* resolve_dtypes((int8, uint8, None)) -> int16, etc. */
    expect_loop(NDA_OP_ADD, NDA_INT8, NDA_UINT8, "hh->h");
    expect_loop(NDA_OP_ADD, NDA_UINT64, NDA_INT64, "dd->d");
    expect_loop(NDA_OP_MULTIPLY, NDA_BOOL, NDA_INT8, "bb->b");
    expect_loop(NDA_OP_POWER, NDA_BOOL, NDA_BOOL, "bb->b");
    expect_loop(NDA_OP_SQRT, NDA_INT32, 0, "d->d");
    expect_loop(NDA_OP_SQRT, NDA_INT16, 0, "f->f");
    expect_loop(NDA_OP_SQRT, NDA_INT8, 0, "e->e");
    expect_loop(NDA_OP_SQRT, NDA_BOOL, 0, "e->e");
    expect_loop(NDA_OP_ARCTAN2, NDA_INT8, NDA_INT8, "ee->e");
    expect_loop(NDA_OP_FLOAT_POWER, NDA_FLOAT32, NDA_FLOAT32, "dd->d");
    expect_loop(NDA_OP_EQUAL, NDA_INT64, NDA_UINT64, "qQ->?"); /* exact, not via float64 */
    expect_loop(NDA_OP_LESS, NDA_UINT64, NDA_INT64, "Qq->?");
    expect_loop(NDA_OP_LDEXP, NDA_FLOAT32, NDA_INT64, "fq->f");
    expect_loop(NDA_OP_LDEXP, NDA_FLOAT32, NDA_INT16, "fi->f");
    expect_loop(NDA_OP_ABSOLUTE, NDA_COMPLEX64, 0, "F->f"); /* |z| is real */
    expect_loop(NDA_OP_FREXP_EXPONENT, NDA_FLOAT16, 0, "e->i");
    expect_loop(NDA_OP_FLOOR_DIVIDE, NDA_COMPLEX64, NDA_COMPLEX64, ""); /* TypeError */
    expect_loop(NDA_OP_INVERT, NDA_FLOAT32, 0, "");                      /* TypeError */
    expect_loop(NDA_OP_GCD, NDA_FLOAT64, NDA_INT8, "");                  /* TypeError */
}

/* Every catalogue loop has an emitter in kernels/, and the dispatcher
 * refuses what is not an expression. */
static void test_emitters(void)
{
    CHECK_OK(nda_op_check_emitters());
    static const char *const args[3] = {"a0", "a1", "a2"};
    nda_strbuf e, h, seen;
    nda_strbuf_init(&e);
    nda_strbuf_init(&h);
    nda_strbuf_init(&seen);
    nda_dtype in[3] = {NDA_INT64, NDA_INT64, NDA_INT64};
    CHECK_RC(nda_op_emit(NDA_OP_GATHER, in, NDA_INT64, args, &e, &h, &seen), NDA_EVALUE);
    CHECK_RC(nda_op_emit(NDA_NOPS, in, NDA_INT64, args, &e, &h, &seen), NDA_ETYPE);
    /* A type outside the catalogue's loops: the emitter says so. */
    nda_dtype c[2] = {NDA_COMPLEX128, NDA_COMPLEX128};
    CHECK_RC(nda_op_emit(NDA_OP_BITWISE_AND, c, NDA_COMPLEX128, args, &e, &h, &seen), NDA_ETYPE);
    nda_strbuf_free(&e);
    nda_strbuf_free(&h);
    nda_strbuf_free(&seen);
}

int main(void)
{
    test_lookup();
    test_layout();
    test_numpy_facts();
    test_emitters();
    return test_summary();
}
