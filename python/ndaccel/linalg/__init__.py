"""ndaccel.linalg: numpy.linalg's namespace, on the device.

Products come from _matmul.py (matmul: the device's BLAS library, or
generated kernels) and _products.py; numpy.linalg's own versions of outer,
cross, diagonal, trace and the chained products from _variants.py; norms
from _norms.py; the solvers (solve, inv, det, slogdet, cholesky) from
_solve.py, over the blocked LU and Cholesky of _lu.py and _chol.py or the
device's dense solver library (_cusolver.py); the decompositions (qr, svd,
eigh, eigvalsh, lstsq, pinv) from _host.py, through the solver library
(_decomp.py) where the device has one, else on the host; svdvals and
matrix_rank from _rank.py; eig and eigvals (host fallbacks everywhere)
from _eig.py; cond from _cond.py; tensorinv and tensorsolve from
_tensor_solve.py."""
from numpy.linalg import LinAlgError  # noqa: F401

from .._manipulation._transpose import matrix_transpose  # noqa: F401

from ._cond import cond  # noqa: F401
from ._eig import eig, eigvals  # noqa: F401
from ._host import HostFallbackWarning, eigh, eigvalsh, lstsq, pinv, qr, svd  # noqa: F401
from ._matmul import matmul  # noqa: F401
from ._norms import matrix_norm, norm, vector_norm  # noqa: F401
from ._products import tensordot, vecdot  # noqa: F401
from ._rank import matrix_rank, svdvals  # noqa: F401
from ._solve import SlogdetResult, cholesky, det, inv, slogdet, solve  # noqa: F401
from ._tensor_solve import tensorinv, tensorsolve  # noqa: F401
from ._variants import (linalg_cross as cross, linalg_diagonal as diagonal,  # noqa: F401
                        linalg_outer as outer, linalg_trace as trace, matrix_power,
                        multi_dot)
