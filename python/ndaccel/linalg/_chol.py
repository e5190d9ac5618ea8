"""Blocked right-looking Cholesky on the device (LAPACK's potrf, lower),
for stacks of matrices.

Works in place on a C-contiguous (B, n, n) work array W and reads only its
lower triangle. Per panel of NB columns [k, kend):
  for each column j of the panel:
    W[j, j]  = sqrt(re W[j, j]), or -1 if <= 0   (imaginary part dropped)
    W[j+1:, j] /= W[j, j]
    W[j+1:, j+1:kend] -= W[j+1:, j] W[j+1:kend, j]^H   (rank-1, panel only)
  W[kend:, kend:] -= W[kend:, k:kend] @ W[kend:, k:kend]^H   (matmul, BLAS-3)
Afterwards the lower triangle holds L (a = L L^H); the strict upper
triangle holds garbage the caller masks off. A pivot that is not positive
does not stop the loop: it is stored as -1 and what follows is garbage;
the caller checks the diagonal once (a -1 there: not positive definite). A
NaN pivot propagates NaN without an error, as LAPACK's (OpenBLAS's)
potrf, whose test `ajj <= 0` is false for NaN."""
from .. import _core
from ._kern import Work, op
from ._matmul import matmul

NB = 32


def cholesky_factor(W):
    """Factorises W in place (see the module docstring)."""
    w = Work(W)
    B, n = w.B, w.n
    if B == 0 or n == 0:
        return
    for k in range(0, n, NB):
        kend = min(k + NB, n)
        for j in range(k, kend):
            d = w.elem(j, j)
            dr = d.real if w.complex else d
            # a pivot <= 0 is marked -1 (never changed again: the caller's
            # not-positive-definite flag); NaN stays NaN, as in LAPACK
            _core.assign(d, _core.ufunc("where", (op("less_equal", dr, 0), -1, op("sqrt", dr)),
                                        None, -1, "unsafe", None))
            if j + 1 < n:
                w.div_(w.block(j + 1, n, j, j + 1), d)
                if j + 1 < kend:
                    w.sub_(w.block(j + 1, n, j + 1, kend),
                           op("multiply", w.col(j + 1, n, j), w.conj(w.col_t(j + 1, kend, j))))
        if kend < n:
            L21 = w.block(kend, n, k, kend)
            w.sub_(w.block(kend, n, kend, n), matmul(L21, w.conj(w.block_t(kend, n, k, kend))))
