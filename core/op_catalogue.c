/* The op catalogue (see core/op_catalogue.h): names, input counts and
 * NumPy's loop signatures (numpy.<ufunc>.types of NumPy 2.4 less object,
 * datetime/timedelta and long double loops; int64 spelt 'q', uint64 'Q'). */
#include "core/op_catalogue.h"

#include <string.h>

static const nda_op_desc OPS[NDA_NOPS] = {
    [NDA_OP_COPY] = {"copy", 1, ""},
    [NDA_OP_ADD] = {"add", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_SUBTRACT] = {"subtract", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_MULTIPLY] = {"multiply", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_TRUE_DIVIDE] = {"true_divide", 2, "ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_FLOOR_DIVIDE] = {"floor_divide", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d"},
    [NDA_OP_REMAINDER] = {"remainder", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d"},
    [NDA_OP_POWER] = {"power", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_MAXIMUM] = {"maximum", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_MINIMUM] = {"minimum", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_EQUAL] = {"equal", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? qQ->\? Qq->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_NOT_EQUAL] = {"not_equal", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? qQ->\? Qq->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_LESS] = {"less", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? qQ->\? Qq->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_LESS_EQUAL] = {"less_equal", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? qQ->\? Qq->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_GREATER] = {"greater", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? qQ->\? Qq->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_GREATER_EQUAL] = {"greater_equal", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? qQ->\? Qq->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_BITWISE_AND] = {"bitwise_and", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q"},
    [NDA_OP_BITWISE_OR] = {"bitwise_or", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q"},
    [NDA_OP_BITWISE_XOR] = {"bitwise_xor", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q"},
    [NDA_OP_LEFT_SHIFT] = {"left_shift", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q"},
    [NDA_OP_RIGHT_SHIFT] = {"right_shift", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q"},
    [NDA_OP_LOGICAL_AND] = {"logical_and", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_LOGICAL_OR] = {"logical_or", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_NEGATIVE] = {"negative", 1, "b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d F->F D->D"},
    [NDA_OP_POSITIVE] = {"positive", 1, "b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d F->F D->D"},
    [NDA_OP_INVERT] = {"invert", 1, "\?->\? b->b B->B h->h H->H i->i I->I q->q Q->Q"},
    [NDA_OP_ABSOLUTE] = {"absolute", 1, "\?->\? b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d F->f D->d"},
    [NDA_OP_SQRT] = {"sqrt", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_EXP] = {"exp", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_LOG] = {"log", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_LOGICAL_NOT] = {"logical_not", 1, "\?->\? b->\? B->\? h->\? H->\? i->\? I->\? q->\? Q->\? e->\? f->\? d->\? F->\? D->\?"},
    [NDA_OP_WHERE] = {"where", 3, ""}, /* typed by nda_ufunc_resolve */
    [NDA_OP_GATHER] = {"gather", 1, ""}, /* emitted by kernels/fused.c */
    [NDA_OP_FMOD] = {"fmod", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d"},
    [NDA_OP_FLOAT_POWER] = {"float_power", 2, "dd->d DD->D"},
    [NDA_OP_RECIPROCAL] = {"reciprocal", 1, "b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d F->F D->D"},
    [NDA_OP_EXP2] = {"exp2", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_EXPM1] = {"expm1", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_LOG2] = {"log2", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_LOG10] = {"log10", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_LOG1P] = {"log1p", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_LOGADDEXP] = {"logaddexp", 2, "ee->e ff->f dd->d"},
    [NDA_OP_LOGADDEXP2] = {"logaddexp2", 2, "ee->e ff->f dd->d"},
    [NDA_OP_SIN] = {"sin", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_COS] = {"cos", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_TAN] = {"tan", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_ARCSIN] = {"arcsin", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_ARCCOS] = {"arccos", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_ARCTAN] = {"arctan", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_SINH] = {"sinh", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_COSH] = {"cosh", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_TANH] = {"tanh", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_ARCSINH] = {"arcsinh", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_ARCCOSH] = {"arccosh", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_ARCTANH] = {"arctanh", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_ARCTAN2] = {"arctan2", 2, "ee->e ff->f dd->d"},
    [NDA_OP_HYPOT] = {"hypot", 2, "ee->e ff->f dd->d"},
    [NDA_OP_DEG2RAD] = {"deg2rad", 1, "e->e f->f d->d"},
    [NDA_OP_RAD2DEG] = {"rad2deg", 1, "e->e f->f d->d"},
    [NDA_OP_FLOOR] = {"floor", 1, "\?->\? b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d"},
    [NDA_OP_CEIL] = {"ceil", 1, "\?->\? b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d"},
    [NDA_OP_TRUNC] = {"trunc", 1, "\?->\? b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d"},
    [NDA_OP_RINT] = {"rint", 1, "e->e f->f d->d F->F D->D"},
    [NDA_OP_SIGN] = {"sign", 1, "b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d F->F D->D"},
    [NDA_OP_SIGNBIT] = {"signbit", 1, "e->\? f->\? d->\?"},
    [NDA_OP_COPYSIGN] = {"copysign", 2, "ee->e ff->f dd->d"},
    [NDA_OP_NEXTAFTER] = {"nextafter", 2, "ee->e ff->f dd->d"},
    [NDA_OP_SPACING] = {"spacing", 1, "e->e f->f d->d"},
    [NDA_OP_LDEXP] = {"ldexp", 2, "ei->e fi->f eq->e fq->f di->d dq->d"},
    [NDA_OP_HEAVISIDE] = {"heaviside", 2, "ee->e ff->f dd->d"},
    [NDA_OP_GCD] = {"gcd", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q"},
    [NDA_OP_LCM] = {"lcm", 2, "bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q"},
    [NDA_OP_CBRT] = {"cbrt", 1, "e->e f->f d->d"},
    [NDA_OP_SQUARE] = {"square", 1, "b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d F->F D->D"},
    [NDA_OP_FABS] = {"fabs", 1, "e->e f->f d->d"},
    [NDA_OP_ISNAN] = {"isnan", 1, "\?->\? b->\? B->\? h->\? H->\? i->\? I->\? q->\? Q->\? e->\? f->\? d->\? F->\? D->\?"},
    [NDA_OP_ISINF] = {"isinf", 1, "\?->\? b->\? B->\? h->\? H->\? i->\? I->\? q->\? Q->\? e->\? f->\? d->\? F->\? D->\?"},
    [NDA_OP_ISFINITE] = {"isfinite", 1, "\?->\? b->\? B->\? h->\? H->\? i->\? I->\? q->\? Q->\? e->\? f->\? d->\? F->\? D->\?"},
    [NDA_OP_LOGICAL_XOR] = {"logical_xor", 2, "\?\?->\? bb->\? BB->\? hh->\? HH->\? ii->\? II->\? qq->\? QQ->\? ee->\? ff->\? dd->\? FF->\? DD->\?"},
    [NDA_OP_CONJUGATE] = {"conjugate", 1, "b->b B->B h->h H->H i->i I->I q->q Q->Q e->e f->f d->d F->F D->D"},
    [NDA_OP_FMAX] = {"fmax", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_FMIN] = {"fmin", 2, "\?\?->\? bb->b BB->B hh->h HH->H ii->i II->I qq->q QQ->Q ee->e ff->f dd->d FF->F DD->D"},
    [NDA_OP_FREXP_MANTISSA] = {"frexp_mantissa", 1, "e->e f->f d->d"},
    [NDA_OP_FREXP_EXPONENT] = {"frexp_exponent", 1, "e->i f->i d->i"},
    [NDA_OP_MODF_FRACTIONAL] = {"modf_fractional", 1, "e->e f->f d->d"},
    [NDA_OP_MODF_INTEGRAL] = {"modf_integral", 1, "e->e f->f d->d"},
};

const nda_op_desc *nda_op_describe(nda_op op)
{
    return ((int)op >= 0 && op < NDA_NOPS) ? &OPS[op] : NULL;
}

int nda_op_from_name(const char *name)
{
    if (strcmp(name, "divide") == 0) return NDA_OP_TRUE_DIVIDE;
    for (int i = 0; i < NDA_NOPS; i++)
        if (strcmp(OPS[i].name, name) == 0) return i;
    return -1;
}

/* Loop strings are fixed-width: n loops of nin + 3 characters, one space
 * apart (tests/c/op_catalogue_test.c checks the layout). */
int nda_op_loop_count(nda_op op)
{
    const nda_op_desc *d = nda_op_describe(op);
    if (!d) return 0;
    size_t len = strlen(d->loops);
    return len ? (int)((len + 1) / (size_t)(d->nin + 4)) : 0;
}

bool nda_op_loop(nda_op op, int index, nda_dtype *in, nda_dtype *out)
{
    if (index < 0 || index >= nda_op_loop_count(op)) return false;
    const nda_op_desc *d = nda_op_describe(op);
    const char *p = d->loops + (size_t)index * (size_t)(d->nin + 4);
    for (int i = 0; i < d->nin; i++) in[i] = (nda_dtype)nda_dtype_from_char(p[i]);
    *out = (nda_dtype)nda_dtype_from_char(p[d->nin + 2]);
    return true;
}
