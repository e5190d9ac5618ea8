"""The seed program: a Jacobi solver for Laplace's equation, written for
NumPy, run unmodified with `import ndaccel as np` and compared with NumPy."""
import time

import numpy
import pytest

import ndaccel


def laplace(np, n, m, iters, dtype):
    u = np.zeros((n, m), dtype=dtype)
    u[0, :] = 100; u[-1, :] = 50; u[:, 0] = 75; u[:, -1] = 75   # boundary rows 100/75/50
    u_new = u.copy()
    eps = 1e-6
    for it in range(iters):
        u_new[1:-1, 1:-1] = ((u[0:-2, 1:-1] + u[2:, 1:-1]) + (u[1:-1, 0:-2] + u[1:-1, 2:])) / 4
        if it % 10 == 0 and not (np.max(u_new - u) > eps):
            break
        u, u_new = u_new, u
    return u


def run_both(n, m, iters, dtype):
    expected = laplace(numpy, n, m, iters, dtype)
    t = time.perf_counter()
    got = laplace(ndaccel, n, m, iters, dtype)
    assert isinstance(got, ndaccel.ndarray)
    h = got.get()
    elapsed = time.perf_counter() - t
    assert h.shape == expected.shape == (n, m)
    assert h.dtype == expected.dtype == numpy.dtype(dtype)
    return h, expected, elapsed


@pytest.mark.parametrize("n, m, iters", [(64, 64, 400), (200, 300, 300)])
def test_laplace_float64(n, m, iters):
    h, expected, _ = run_both(n, m, iters, numpy.float64)
    assert numpy.max(numpy.abs(h - expected)) <= 1e-12
    # the solution moved away from the initial state (the test means something)
    assert 1.0 < expected[n // 2, 1] < 100.0
    assert expected[0, 5] == 100 and expected[-1, 5] == 50 and expected[5, 0] == 75


@pytest.mark.parametrize("n, m, iters", [(64, 64, 400), (200, 300, 300)])
def test_laplace_float32(n, m, iters):
    h, expected, _ = run_both(n, m, iters, numpy.float32)
    assert numpy.max(numpy.abs(h - expected)) <= 1e-5 * numpy.max(numpy.abs(expected))


def test_laplace_converges_and_stops_early():
    """Small grid: the eps test ends the loop; both stop at the same step
    (same result)."""
    h, expected, _ = run_both(8, 8, 5000, numpy.float64)
    assert numpy.max(numpy.abs(h - expected)) <= 1e-12
    nxt = laplace(numpy, 8, 8, 5001, numpy.float64)
    numpy.testing.assert_array_equal(nxt, expected)  # converged: more iterations change nothing


def test_laplace_is_not_pathologically_slow():
    """A loose bound (kernels are compiled before timing): a regression
    guard, not a benchmark."""
    laplace(ndaccel, 200, 300, 20, numpy.float64)
    _, _, elapsed = run_both(200, 300, 100, numpy.float64)
    assert elapsed < 30.0
