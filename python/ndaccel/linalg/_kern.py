"""Building blocks of the dense solvers: block views of a work array and
in-place fused updates, issued straight to the C core (no argument parsing:
these run once per column of a factorisation).

A work array W is a C-contiguous (B, n, N) ndaccel array: B stacked
matrices of n rows and N columns. Row and column indices below are 0-based
within one matrix; every view covers the same rows/columns of all B
matrices. Views share W's buffer; writes through them change W."""
import numpy

from .. import _core
from .._creation._ranges import arange

_uf = _core.ufunc


def op(name, *operands, out=None):
    """One elementwise ufunc (lazy; fuses with its lazy inputs)."""
    return _uf(name, operands, out, -1, "same_kind", None)


class Work:
    """Strided views of a contiguous (B, n, N) work array."""

    __slots__ = ("W", "B", "n", "N", "sB", "sR", "sC", "off", "complex")

    def __init__(self, W):
        self.W = W
        self.B, self.n, self.N = W.shape
        isz = W.itemsize
        self.sC = isz
        self.sR = self.N * isz
        self.sB = self.n * self.N * isz
        self.off = W._offset
        self.complex = W.dtype.kind == "c"

    def block(self, r0, r1, c0, c1):
        """W[:, r0:r1, c0:c1] as a (B, r1-r0, c1-c0) view."""
        return _core.view(self.W, self.off + r0 * self.sR + c0 * self.sC,
                          (self.B, r1 - r0, c1 - c0), (self.sB, self.sR, self.sC))

    def block_t(self, r0, r1, c0, c1):
        """The transpose of W[:, r0:r1, c0:c1]: a (B, c1-c0, r1-r0) view."""
        return _core.view(self.W, self.off + r0 * self.sR + c0 * self.sC,
                          (self.B, c1 - c0, r1 - r0), (self.sB, self.sC, self.sR))

    def col(self, r0, r1, c):
        """W[:, r0:r1, c] as a (B, r1-r0, 1) view (a column, broadcastable
        along columns)."""
        return _core.view(self.W, self.off + r0 * self.sR + c * self.sC,
                          (self.B, r1 - r0, 1), (self.sB, self.sR, 0))

    def col_t(self, r0, r1, c):
        """W[:, r0:r1, c] laid out as a (B, 1, r1-r0) row view."""
        return _core.view(self.W, self.off + r0 * self.sR + c * self.sC,
                          (self.B, 1, r1 - r0), (self.sB, 0, self.sR))

    def row(self, r, c0, c1):
        """W[:, r, c0:c1] as a (B, 1, c1-c0) view (a row, broadcastable
        along rows)."""
        return _core.view(self.W, self.off + r * self.sR + c0 * self.sC,
                          (self.B, 1, c1 - c0), (self.sB, 0, self.sC))

    def elem(self, r, c):
        """W[:, r, c] as a (B, 1, 1) view."""
        return _core.view(self.W, self.off + r * self.sR + c * self.sC,
                          (self.B, 1, 1), (self.sB, 0, 0))

    def diag(self, r0, r1):
        """The diagonal W[:, i, i] for r0 <= i < r1 as a (B, r1-r0, 1) view."""
        return _core.view(self.W, self.off + r0 * (self.sR + self.sC),
                          (self.B, r1 - r0, 1), (self.sB, self.sR + self.sC, 0))

    def sub_(self, target, value):
        """target -= value, in place (target: a view of W)."""
        _uf("subtract", (target, value), target, -1, "same_kind", None)

    def div_(self, target, value):
        """target /= value, in place."""
        _uf("true_divide", (target, value), target, -1, "same_kind", None)

    def conj(self, x):
        return _uf("conjugate", (x,), None, -1, "same_kind", None) if self.complex else x


def magnitude(x):
    """|re| + |im| for complex x (LAPACK's pivot measure, cabs1), |x| else."""
    if x.dtype.kind != "c":
        return op("absolute", x)
    return op("add", op("absolute", x.real), op("absolute", x.imag))


def nonempty(*dims):
    for d in dims:
        if d <= 0:
            return False
    return True


def iota(n, device):
    """int64 [0, n) on the device."""
    return arange(n, dtype=numpy.int64, device=device)
