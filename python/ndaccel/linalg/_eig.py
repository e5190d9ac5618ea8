"""eig and eigvals (numpy.linalg's, general square matrices): host
fallbacks (HostFallbackWarning) on every device. No device has an
algorithm for them here: OpenCL has none (a Hessenberg reduction and shifted
QR iteration would be needed), and the CUDA plugin binds no cuSOLVER geev
(_cusolver.py has getrf/getrs, potrf, syevd, gesvd and geqrf/orgqr only), so the
matrices go to NumPy's LAPACK geev and the results come back to the input's
device: NumPy's dtypes (real when every eigenvalue is real, else complex),
EigResult namedtuple and LinAlgError for infs/NaNs or no convergence."""
import numpy

from ._host import _run
from ._solve import _result_type

EigResult = _result_type("EigResult", ("eigenvalues", "eigenvectors"))


def eig(a):
    """numpy.linalg.eig: EigResult(eigenvalues, eigenvectors) of each square
    matrix, eigenvectors[..., :, i] normalised for eigenvalues[..., i] (on the
    host: HostFallbackWarning)."""
    return _run("eig", numpy.linalg.eig, a)


def eigvals(a):
    """numpy.linalg.eigvals: the eigenvalues of each square matrix, in no
    particular order (on the host: HostFallbackWarning)."""
    return _run("eigvals", numpy.linalg.eigvals, a)
