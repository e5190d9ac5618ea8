"""Automatic fusion: results identical to NumPy's (no re-association, no
fast-math), kernels keyed by structure (a loop compiles a fixed number of
kernels whatever its iteration count), assignment of a pending expression
into a view, and NumPy's semantics when values are overwritten."""
import numpy
import pytest

import ndaccel

from xp_util import xp_compare


def _compiles():
    return ndaccel.cache_info()["compiles"] + ndaccel.cache_info()["disk_hits"]


def test_chain_is_lazy_and_fused():
    a = ndaccel.asarray(numpy.arange(10.0))
    b = (a * 3.0 + 1.0) / 7.0 - a
    assert b._is_lazy
    h = numpy.arange(10.0)
    assert numpy.array_equal(b.get(), (h * 3.0 + 1.0) / 7.0 - h)  # bit-identical


@pytest.mark.parametrize("n", [50, 200])
def test_scalar_loop_compiles_a_bounded_number_of_kernels(n):
    """b = b + 0.02 in a loop: the chain flushes at a fixed depth, so the
    kernels are the same whatever n (ArrayFire's JIT made ~100 binaries)."""
    ndaccel.cache_clear(disk=False)
    before = _compiles()
    b = ndaccel.zeros(1000)
    for _ in range(n):
        b = b + 0.02
    h = numpy.zeros(1000)
    for _ in range(n):
        h = h + 0.02
    assert numpy.array_equal(b.get(), h)
    assert _compiles() - before <= 3  # fill, the full-depth chain, the remainder


def test_jacobi_loop_compiles_once():
    def sweeps(n):
        u = ndaccel.zeros((64, 64))
        u[0, :] = 100
        un = u.copy()
        for _ in range(n):
            un[1:-1, 1:-1] = ((u[0:-2, 1:-1] + u[2:, 1:-1]) + (u[1:-1, 0:-2] + u[1:-1, 2:])) / 4
            u, un = un, u
        return float(ndaccel.max(un - u))
    sweeps(3)
    before = _compiles()
    sweeps(40)
    assert _compiles() == before


def test_assignment_into_view_is_one_kernel_and_correct():
    h = numpy.random.default_rng(0).random((30, 40))
    d = ndaccel.asarray(h)
    out = ndaccel.zeros((30, 40))
    out[1:-1, 1:-1] = ((d[:-2, 1:-1] + d[2:, 1:-1]) + (d[1:-1, :-2] + d[1:-1, 2:])) / 4
    ref = numpy.zeros((30, 40))
    ref[1:-1, 1:-1] = ((h[:-2, 1:-1] + h[2:, 1:-1]) + (h[1:-1, :-2] + h[1:-1, 2:])) / 4
    assert numpy.array_equal(out.get(), ref)


@pytest.mark.parametrize("case", ["shift_right", "shift_left", "reverse", "self_stencil"])
def test_overlapping_targets_follow_numpy(case):
    def body(xp):
        u = xp.asarray(numpy.arange(24.0).reshape(4, 6))
        if case == "shift_right":
            u[:, 1:] = u[:, :-1] * 2 + 1
        elif case == "shift_left":
            u[:, :-1] = u[:, 1:] - u[:, :-1]
        elif case == "reverse":
            u[...] = u[::-1, ::-1] + 0.5
        else:
            u[1:-1, 1:-1] = (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]) / 4
        return u
    xp_compare(body)


def test_pending_values_survive_writes_to_their_inputs():
    a = ndaccel.asarray(numpy.arange(6.0))
    t = a * 2          # pending, reads a
    a[...] = -1        # must not change t
    a += 5             # nor this
    assert numpy.array_equal(t.get(), numpy.arange(6.0) * 2)
    assert numpy.array_equal(a.get(), numpy.full(6, 4.0))


@pytest.mark.parametrize("case", ["interleaved", "columns", "column_from_next", "every_third"])
def test_disjoint_views_of_one_buffer_follow_numpy(case):
    """Views whose elements interleave without overlapping (the strides' lattice):
    stores read the neighbours directly, as NumPy."""
    def body(xp):
        u = xp.asarray(numpy.arange(48.0).reshape(6, 8))
        v = xp.asarray(numpy.arange(30.0))
        if case == "interleaved":
            v[::2] = v[1::2] * 2 + v[::2]
        elif case == "columns":
            for i in range(1, 8):
                u[:, i] = u[:, i] / (u[:, i - 1] + 1)
        elif case == "column_from_next":
            for i in range(6, -1, -1):
                u[:, i] = u[:, i] - 0.5 * u[:, i + 1]
        else:
            v[1::3] = v[::3] + v[2::3]
        return u, v
    xp_compare(body)


def test_store_reading_a_disjoint_column_is_one_kernel_and_keeps_pending_values(fused_kernels):
    """x[:, i] = f(x[:, i + 1]) computes straight into the column (the pending
    expression reads other elements of the buffer: nothing to compute first), and a
    pending reader of the written column still sees the old values."""
    h = numpy.random.default_rng(2).random((500, 8))
    x = ndaccel.asarray(h)
    keep = x[:, 3] * 2           # reads the column written below
    other = x[:, 5] + 1          # reads a column that is not written

    def kernel_gets():
        info = ndaccel.cache_info()
        return info["memory_hits"] + info["disk_hits"] + info["compiles"]
    gets = kernel_gets()
    x[:, 2] = x[:, 1] - x[:, 4] * 0.5
    assert kernel_gets() == gets + 1                           # one launch
    assert other._is_lazy                                      # not computed early
    x[:, 3] = 0
    assert not keep._is_lazy                                   # computed before the write
    ref = h.copy()
    ref[:, 2] = ref[:, 1] - ref[:, 4] * 0.5
    ref[:, 3] = 0
    assert numpy.array_equal(x.get(), ref)
    assert numpy.array_equal(keep.get(), h[:, 3] * 2)
    assert numpy.array_equal(other.get(), h[:, 5] + 1)


def test_reduction_of_expression_is_fused():
    h = numpy.random.default_rng(1).random(10000)
    d = ndaccel.asarray(h)
    e = d * d - 0.5
    assert e._is_lazy
    assert float(ndaccel.max(e)) == float(numpy.max(h * h - 0.5))
    assert e._is_lazy  # the reduction read the expression without computing it


def test_float16_chains_round_every_operation():
    a = numpy.array([0.1, 0.7, 3.3], numpy.float16)
    b = numpy.array([0.3, -0.9, 2.9], numpy.float16)
    xp_compare(lambda xp: xp.asarray(a) + (xp.asarray(b) - xp.asarray(a)) * 0.33)


def test_many_pending_arrays_stay_correct():
    a = ndaccel.asarray(numpy.arange(8.0))
    keep = [a * i for i in range(1500)]  # past the registry's bound
    a[...] = 0
    for i in (0, 7, 1499):
        assert numpy.array_equal(keep[i].get(), numpy.arange(8.0) * i)


# A pending array that a second pending expression also uses is computed
# once when it is worth storing (core/lazy.c shared_worth_storing: a libm
# function or two divisions, at 32768+ elements); the first consumer's copy
# of its expression becomes a read of the stored values.
SHARED_N = 100_000


def test_shared_costly_intermediate_is_stored_once():
    h = numpy.random.default_rng(2).random(SHARED_N)
    d = ndaccel.asarray(h)
    t = ndaccel.exp(d)
    a = t * 2.0
    assert t._is_lazy
    b = t + 1.0            # the second consumer: t is computed now ...
    assert not t._is_lazy
    assert a._is_lazy and b._is_lazy  # ... and its consumers stay pending
    tv = t.get()
    assert numpy.array_equal(a.get(), tv * 2.0)
    assert numpy.array_equal(b.get(), tv + 1.0)
    assert numpy.allclose(tv, numpy.exp(h), rtol=1e-15, atol=0)


def test_shared_operand_of_one_operation_stays_lazy():
    d = ndaccel.asarray(numpy.random.default_rng(3).random(SHARED_N))
    t = ndaccel.exp(d)
    s = t * t               # one consumer, two operands: one kernel
    assert t._is_lazy and s._is_lazy
    cheap = d + 1.0
    c = (cheap * 2.0, cheap - 3.0)  # one addition: computed again, not stored
    assert cheap._is_lazy and c[1]._is_lazy
    small = ndaccel.exp(d[:1000])
    k = (small * 2.0, small + 1.0)  # too small to pay for another launch
    assert small._is_lazy and k[1]._is_lazy


@pytest.mark.parametrize("write", ["iadd", "slice", "out", "copyto", "fill", "del", "input"])
def test_shared_values_survive_writes(write):
    """Once the shared array is stored, its earlier consumers read its
    buffer: every later write into it (or into the input) must leave their
    values as NumPy's."""
    h = numpy.random.default_rng(4).random(SHARED_N)
    perm = numpy.random.default_rng(5).permutation(SHARED_N)

    def body(xp):
        d = xp.array(h)  # a copy: the "input" case writes into it
        t = xp.log1p(d[xp.asarray(perm)]) / (d + 0.5)
        a = t * 2.0
        b = xp.sqrt(t) - 1.0
        if write == "iadd":
            t += 1.0
        elif write == "slice":
            t[3:SHARED_N // 2] = -7.0
        elif write == "out":
            xp.multiply(d, 3.0, out=t)
        elif write == "copyto":
            xp.copyto(t, d)
        elif write == "fill":
            t.fill(0.25)
        elif write == "del":
            del t
            t = None
        else:
            d[...] = 0.0
        c = a + b
        return [a, b, c] + ([t] if t is not None else [])
    xp_compare(body, rtol=1e-13, atol=1e-15)  # log1p: within an ulp of NumPy
