"""Short NumPy programs in the style of exercises and notebooks, run
unchanged with `np` bound to NumPy and to ndaccel: their printed output must
be the same, character for character. They touch what a new user meets
first: printing, single values (scalars), iteration, copies, flags, the
small helper names, and the second wave of NumPy functions (signals,
polynomials, 2-D statistics, index helpers, random distributions)."""
import contextlib
import io
import textwrap

import numpy
import pytest

import ndaccel

PROGRAMS = {
    "running_total": """
        a = np.arange(10)
        t = a[0]
        for v in a[1:]:
            t += v
        print(t, repr(t), a)
    """,
    "element_then_inplace": """
        a = np.array([1.5, 2.5, 3.5])
        x = a[1]
        x += 1
        x *= 2
        print(x, a)
        b = np.arange(6).reshape(2, 3)
        y = b[1, 2]
        y -= 10
        print(y, b)
    """,
    "loop_variable_inplace": """
        a = np.arange(4)
        for v in a:
            v *= 10
        print(a)
        m = np.arange(6).reshape(2, 3)
        for row in m:
            row *= 10
        print(m)
    """,
    "statistics_formatting": """
        data = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
        print(f"mean={data.mean():.3f} std={data.std():.3f} var={np.var(data):.2f}")
        print("median", np.median(data), "ptp", np.ptp(data))
        print(format(data.sum(), ".1f"), "{:>8.2f}".format(data.max()))
    """,
    "rounding": """
        a = np.array([1.0, 2.0, 4.0])
        m = a.sum() / 3
        print(round(m, 2), round(m), type(round(m)).__name__, round(a.max()))
        print(np.round(m, 3), repr(np.round(m, 3)))
    """,
    "scalars_as_dict_keys": """
        counts = {}
        for v in np.array([1, 2, 2, 3, 3, 3]):
            counts[v] = counts.get(v, 0) + 1
        print(counts)
        print({np.arange(3).sum(): "sum"}, hash(np.arange(3).sum()) == hash(3))
    """,
    "json_and_conversions": """
        import json
        a = np.linspace(0.0, 1.0, 5)
        print(json.dumps({"mean": float(a.mean()), "n": int(a.size), "max": a.max().item()}))
        print(float(a[1]), int(a[4]), complex(a[2]), bool(a[0]), bool(a[3]))
        import operator
        print(operator.index(np.arange(5)[3]), list(range(np.arange(5).max())))
    """,
    "comparisons_in_if": """
        a = np.arange(1, 6)
        if a.sum() > 10:
            print("big", a.sum())
        if a[0] == 1 and a[-1] >= 5:
            print("ends ok")
        while a.max() > 1:
            a = a // 2
        print(a, a.max())
    """,
    "repr_of_results": """
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        print(repr(a.sum()), repr(a[1, 1]), repr(a.max()), repr(a.argmax()))
        print(repr(np.add.reduce(np.arange(4))), repr(a.mean()), repr(np.sqrt(a.sum())))
        print(repr(a.sum(axis=0)), repr(a[0]))
    """,
    "sorted_scalars": """
        a = np.array([3.0, 1.0, 2.0])
        print(sorted([a[0], a[1], a[2]]), min(a[0], a[2]), max(list(a)))
        print(sum(v for v in a), [float(v) for v in a])
    """,
    "math_module_on_scalars": """
        import math
        a = np.array([1.0, 4.0, 9.0])
        print(math.sqrt(a.var()), math.floor(a.mean()), math.isclose(a.sum(), 14.0))
    """,
    "argmax_then_index": """
        a = np.array([4, 9, 2, 9, 1])
        i = a.argmax()
        print(i, a[i], a.argmin(), np.argmax(a.reshape(5, 1)))
    """,
    "tolist_item": """
        a = np.arange(6).reshape(2, 3)
        print(a.tolist(), a[1, 2].item(), type(a.sum().item()).__name__, a[0].tolist())
    """,
    "enumerate_rows": """
        m = np.arange(12).reshape(3, 4)
        for i, row in enumerate(m):
            print(i, row, row.sum(), row.max() - row.min())
    """,
    "copy_module": """
        import copy
        a = np.arange(4)
        b = copy.copy(a)
        c = copy.deepcopy({"x": a, "y": [a, 2]})
        b[0] = 99
        c["x"][1] = 77
        print(a, b, c["x"], c["y"][0])
    """,
    "pickle_roundtrip": """
        import pickle
        a = np.arange(6, dtype=np.float32).reshape(2, 3)[:, ::2]
        b = pickle.loads(pickle.dumps(a, protocol=5))
        print(b, b.dtype, b.shape, type(b).__name__ == type(a).__name__)
    """,
    "flags_read_only": """
        a = np.arange(3)
        print(a.flags.writeable, a.flags["C_CONTIGUOUS"], a.flags.c_contiguous)
        a.flags.writeable = False
        try:
            a[0] = 5
        except ValueError as e:
            print("ValueError:", e)
        try:
            a += 1
        except ValueError as e:
            print("ValueError:", e)
        a.setflags(write=True)
        a[0] = 5
        print(a)
    """,
    "finfo_iinfo": """
        print(np.finfo(np.float32).eps, np.finfo(np.float64).max, np.iinfo(np.int16).max)
        print(np.iinfo(np.uint8).min, np.finfo(np.float32).bits)
    """,
    "errstate": """
        r = np.array([1.0, 0.0, -1.0])
        with np.errstate(divide="ignore", invalid="ignore"):
            print(1 / r)
        old = np.seterr(all="ignore")
        print(sorted(np.geterr().items()) == sorted({k: "ignore" for k in old}.items()))
        np.seterr(**old)
    """,
    "printoptions": """
        a = np.linspace(0, 1, 4)
        with np.printoptions(precision=2):
            print(a)
        print(a)
        print(np.get_printoptions()["precision"])
    """,
    "type_helpers": """
        a = np.zeros((2, 3), dtype=np.int16)
        print(np.isscalar(3.0), np.isscalar(a), np.ndim(a), np.shape(a), np.size(a), np.size(a, 1))
        print(np.result_type(a, 1.5), np.promote_types(np.int8, np.uint8), np.can_cast(a, np.int8))
        print(np.min_scalar_type(300), np.issubdtype(a.dtype, np.integer), np.iterable(a))
        print(np.dtype(np.int_), np.double, np.single, np.uint, np.intc)
    """,
    "ndenumerate_ndindex": """
        m = np.arange(6).reshape(2, 3)
        for idx, v in np.ndenumerate(m):
            print(idx, v, end="; ")
        print()
        print(list(np.ndindex(2, 2)))
    """,
    "testing_asserts": """
        a = np.linspace(1, 2, 5)
        np.testing.assert_allclose(a, a + 1e-12)
        np.testing.assert_array_equal(np.arange(3), [0, 1, 2])
        try:
            np.testing.assert_array_equal(np.arange(3), [0, 1, 3])
        except AssertionError:
            print("assertion raised")
        print("ok")
    """,
    "moving_average_windows": """
        from numpy.lib.stride_tricks import sliding_window_view
        x = np.arange(10.0)
        w = sliding_window_view(x, 3)
        print(w.shape, w.mean(axis=-1))
    """,
    "where_one_argument": """
        a = np.array([[0, 3], [4, 0]])
        print(np.where(a > 0), np.where(a)[0].size)
        print(np.nonzero(a))
    """,
    "add_at_histogram": """
        h = np.zeros(5)
        np.add.at(h, [0, 1, 1, 4, 4, 4], 1)
        print(h)
        print(np.add.reduceat(np.arange(8), [0, 4, 5]))
    """,
    "vectorize": """
        f = np.vectorize(lambda x: x * 2 if x > 2 else 0)
        print(f(np.arange(5)))
    """,
    "unique_rows": """
        m = np.array([[1, 2], [3, 4], [1, 2], [0, 9]])
        print(np.unique(m, axis=0))
        vals, counts = np.unique(np.array([3, 1, 3, 2, 3]), return_counts=True)
        print(vals, counts)
    """,
    "cumulative_and_bool_index": """
        a = np.array([5, -2, 7, -1, 3])
        pos = a[a > 0]
        print(pos, pos.sum(), np.cumsum(a), a[np.array(True)].shape)
    """,
    "determinant_and_dot": """
        m = np.array([[2.0, 1.0], [1.0, 3.0]])
        v = np.array([1.0, 2.0])
        print(round(np.linalg.det(m), 6), v @ v, np.dot(v, v), np.trace(m), np.linalg.norm(v) ** 2)
    """,
    "emath": """
        print(np.emath.sqrt(-4.0), np.emath.sqrt(np.array([4.0, -1.0])))
    """,
    "signal_smoothing": """
        x = np.linspace(0, 2 * np.pi, 50)
        y = np.sin(x)
        k = np.hanning(7)
        k /= k.sum()
        s = np.convolve(y, k, mode="same")
        print(np.round(s[:5], 6))
        print(np.round(np.gradient(s, x)[:4], 6))
        print(round(float(np.trapezoid(y[:25], x[:25])), 6), np.round(np.interp([0.5, 1.5], x, y), 6))
        print(np.round(np.unwrap(np.array([0.0, 3.0, 6.5, 0.2])), 6))
    """,
    "polynomial_fit": """
        x = np.arange(10.0)
        y = 3 * x ** 2 - 2 * x + 1
        c = np.polyfit(x, y, 2)
        print(np.round(c, 6), np.polyval(np.round(c, 6), 2.0))
        print(np.polyder([3, -2, 1]), np.polyint([6, -2]), np.polymul([1, 1], [1, -1]))
        print(np.round(np.sort_complex(np.roots([1, 0, -4])), 6))
    """,
    "statistics_2d": """
        data = np.array([[1.0, 2, 3, 4], [2, 4, 6, 9]])
        print(np.round(np.cov(data), 6))
        print(np.round(np.corrcoef(data), 6))
        h, xe, ye = np.histogram2d([0.1, 0.5, 0.9], [0.2, 0.4, 0.8], bins=2)
        print(h, xe)
        print(np.bincount(np.array([0, 2, 2, 5]), minlength=7), np.digitize([0.2, 3.5], [0, 1, 2, 3]))
    """,
    "index_helpers": """
        i, j = np.triu_indices(3)
        print(i, j)
        a = np.zeros((3, 3), dtype=int)
        np.fill_diagonal(a, 7)
        print(a)
        print(np.unravel_index(5, (2, 3)), np.ravel_multi_index(([1], [2]), (2, 3)))
        print(np.select([np.arange(5) < 2, np.arange(5) > 3], [0, 9], default=1))
        print(np.block([[np.ones((1, 2)), np.zeros((1, 1))]]), np.vander([1, 2, 3], 3))
    """,
    "random_distributions": """
        rng = np.random.default_rng(0)
        g = rng.gamma(2.0, size=20000)
        p = rng.poisson(4.0, size=20000)
        b = rng.binomial(10, 0.3, size=20000)
        print(abs(float(g.mean()) - 2.0) < 0.05, g.shape, g.dtype)
        print(abs(float(p.mean()) - 4.0) < 0.1, p.dtype, abs(float(b.mean()) - 3.0) < 0.1)
        print(rng.dirichlet([1.0, 2.0, 3.0], size=4).shape, rng.multinomial(10, [0.5, 0.5]).sum())
    """,
}


def run_program(src, module):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(textwrap.dedent(src), {"np": module, "__name__": "__program__"})  # noqa: S102
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_prints_what_numpy_prints(name):
    src = PROGRAMS[name]
    if "stride_tricks" in src:
        src = src.replace("from numpy.lib.stride_tricks", "from np.lib.stride_tricks")
        expected = run_program(src.replace("from np.lib", "from numpy.lib"), numpy)
        got = run_program(src.replace("from np.lib", "from ndaccel.lib"), ndaccel)
    else:
        expected = run_program(src, numpy)
        got = run_program(src, ndaccel)
    assert got == expected, f"ndaccel printed:\n{got}\nNumPy printed:\n{expected}"
