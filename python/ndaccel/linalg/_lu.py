"""Blocked right-looking LU with partial pivoting on the device (LAPACK's
getrf), for stacks of matrices, and the blocked back substitution that
finishes a solve.

The factorisation works in place on a work array W of shape (B, n, N),
N >= n: the left n x n block is the matrix A, the N - n columns to its right
an optional right-hand side R. Every row swap is applied to whole rows and
the elimination carries through R, so afterwards W = [L\\U | L^-1 P R] and a
solve needs only U x = L^-1 P R (back_substitute). No step reads a value on
the host: pivots are chosen by device reductions and rows are swapped by a
device gather/scatter driven by the pivot index array.

Per panel of NB columns [k, kend):
  for each column j of the panel:
    p      = argmax_i |W[i, j]| over rows i >= j   (two fused reductions)
    swap rows j and j + p over all N columns       (gather + scatter)
    W[j+1:, j] /= W[j, j]                          (a zero pivot leaves the
                                                    zero column as it is)
    W[j+1:, j+1:kend] -= W[j+1:, j] W[j, j+1:kend] (rank-1, panel only)
  W[k:kend, kend:] = L11^-1 W[k:kend, kend:]       (forward substitution)
  W[kend:, kend:] -= W[kend:, k:kend] @ W[k:kend, kend:]   (matmul, BLAS-3)
"""
import numpy

from .. import _core
from .._creation._basic import empty
from .._creation._from_data import asarray
from ._kern import Work, iota, magnitude, nonempty, op
from ._matmul import matmul

NB = 32  # panel width: columns factorised one by one between two matmuls


def _matmul(a, b):
    return matmul(a, b)


class _Pivoter:
    """Pivot search and row swaps for one work array (index arrays built
    once per factorisation)."""

    def __init__(self, w):
        dev = w.W._device_id
        B, n, N = w.B, w.n, w.N
        self.w = w
        self.iota = iota(n, dev).reshape(1, n)
        # rowbase[b, 0, c] = element offset of W[b, 0, c]
        base = op("multiply", iota(B, dev), n * N).reshape(B, 1, 1)
        self.rowbase = op("add", base, iota(N, dev).reshape(1, 1, N)).copy()
        self.sel = asarray(numpy.array([0, 1], dtype=numpy.int64).reshape(1, 2, 1), device=dev)

    def search(self, j):
        """(B,) int64 device array: offset from row j of the row holding the
        largest |W[:, j:, j]| (the first one; the first NaN if any)."""
        w = self.w
        m = w.n - j
        col = _core.view(w.W, w.off + j * (w.sR + w.sC), (w.B, m), (w.sB, w.sR))
        mag = magnitude(col)
        top = _core.reduce_axes("max", mag, (1,), -1).reshape(w.B, 1)
        hit = op("logical_or", op("equal", mag, top), op("not_equal", mag, mag))
        idx = _core.view(self.iota, self.iota._offset, (1, m), (0, 8))  # iota[:, :m]
        cand = _core.ufunc("where", (hit, idx, m), None, -1, "unsafe", None)
        return _core.reduce_axes("min", cand, (1,), -1)

    def swap(self, j, p):
        """Swaps rows j and j + p[b] of every matrix b, over all N columns."""
        w = self.w
        pp = p.reshape(w.B, 1, 1)
        shift = op("multiply", pp, self.sel)                 # [0, p]
        dst = op("multiply", op("add", shift, j), w.N)       # rows [j, j+p]
        src = op("multiply", op("subtract", op("add", pp, j), shift), w.N)  # [j+p, j]
        vals = _core.gather(w.W, op("add", self.rowbase, src))
        _core.scatter(w.W, op("add", self.rowbase, dst), vals)


def lu_factor(W, want_pivots=False):
    """Factorises W (a C-contiguous (B, n, N) float/complex ndaccel array,
    N >= n) in place as described in the module docstring. Returns the
    (B, n) int64 device array of pivot offsets (row j was swapped with row
    j + piv[:, j]) when want_pivots, else None. A zero pivot (singular
    matrix) leaves U with an exact zero on its diagonal and the
    factorisation goes on, as LAPACK's; callers check the diagonal."""
    w = Work(W)
    B, n, N = w.B, w.n, w.N
    piv = None
    if want_pivots:
        piv = empty((B, n), dtype=numpy.int64, device=W._device_id)
    if B == 0 or n == 0:
        return piv
    pv = _Pivoter(w)
    for k in range(0, n, NB):
        kend = min(k + NB, n)
        for j in range(k, kend):
            if j + 1 < n:
                p = pv.search(j)
                pv.swap(j, p)
                if piv is not None:
                    _core.assign(piv[:, j], p)
            elif piv is not None:  # the last row has nothing to swap with
                _core.fill(piv[:, j], 0)
            if j + 1 < n:
                d = w.elem(j, j)
                safe = _core.ufunc("where", (op("equal", d, 0), 1, d), None, -1, "unsafe", None)
                lcol = w.col(j + 1, n, j)
                w.div_(w.block(j + 1, n, j, j + 1), safe)
                if j + 1 < kend:
                    w.sub_(w.block(j + 1, n, j + 1, kend),
                           op("multiply", lcol, w.row(j, j + 1, kend)))
        if kend < N:
            # U12 = L11^-1 A12: forward substitution, one row at a time.
            for i in range(k, kend - 1):
                w.sub_(w.block(i + 1, kend, kend, N),
                       op("multiply", w.col(i + 1, kend, i), w.row(i, kend, N)))
            if kend < n:
                w.sub_(w.block(kend, n, kend, N),
                       _matmul(w.block(kend, n, k, kend), w.block(k, kend, kend, N)))
    return piv


def back_substitute(W):
    """Solves U X = Y in place for a factorised W = [U | Y] (B, n, N): the
    upper triangle of the left n x n block is U, the right N - n columns Y;
    afterwards they hold X. Blocked: within a block of NB rows (bottom
    first) each row's solution is subtracted from the rows above it in the
    block, the block is divided by its diagonal, and the rows above the
    block are updated with one matmul. U must have no zero on its diagonal
    (the result is inf/NaN there)."""
    w = Work(W)
    B, n, N = w.B, w.n, w.N
    if not nonempty(B, n, N - n):
        return
    starts = list(range(0, n, NB))
    for k in reversed(starts):
        kend = min(k + NB, n)
        for i in range(kend - 1, k, -1):
            # x_i = Y[i] / U[i, i]; Y[k:i] -= U[k:i, i] x_i
            xi = op("true_divide", w.row(i, n, N), w.elem(i, i))
            w.sub_(w.block(k, i, n, N), op("multiply", w.col(k, i, i), xi))
        w.div_(w.block(k, kend, n, N), w.diag(k, kend))
        if k > 0:
            w.sub_(w.block(0, k, n, N),
                   _matmul(w.block(0, k, k, kend), w.block(k, kend, n, N)))


def diagonal(W):
    """U's diagonal of a factorised W as a (B, n) view."""
    w = Work(W)
    return _core.view(W, w.off, (w.B, min(w.n, w.N)), (w.sB, w.sR + w.sC))
