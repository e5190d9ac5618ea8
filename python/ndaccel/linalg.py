"""ndaccel.linalg: numpy.linalg's namespace.

A thin file of imports: products and norms come from _linalg_basic.py,
factorisations and solvers from their own modules (each adds its import
line here). Functions that need a factorisation look it up in this
namespace at call time and raise NotImplementedError naming it while it is
absent."""
from numpy.linalg import LinAlgError  # noqa: F401

from ._linalg_basic import (linalg_cross as cross, linalg_diagonal as diagonal,  # noqa: F401
                            linalg_outer as outer, linalg_trace as trace, matmul,
                            matrix_norm, matrix_power, matrix_transpose, multi_dot, norm,
                            tensordot, vecdot, vector_norm)
from ._linalg_solve import SlogdetResult, cholesky, det, inv, slogdet, solve  # noqa: F401,E402
from ._linalg_host import (HostFallbackWarning, eigh, eigvalsh, lstsq, pinv, qr,  # noqa: F401,E402
                           svd)
