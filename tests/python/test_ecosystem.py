"""Libraries that accept "any array" through the Array API, run on ndaccel
arrays the way the README shows: scikit-learn (array_api_dispatch) and
SciPy (SCIPY_ARRAY_API=1), compared with the same calls on NumPy arrays.
Each runs in a fresh interpreter: SciPy reads SCIPY_ARRAY_API at import.
Skipped, saying so, where scikit-learn or SciPy is not installed."""
import importlib.util
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("sklearn", "scipy")),
    reason="scikit-learn and SciPy are not installed")

SCRIPT = textwrap.dedent("""
    import os
    os.environ["SCIPY_ARRAY_API"] = "1"  # before SciPy (and scikit-learn) are imported
    import warnings
    import numpy
    import scipy.special
    import sklearn
    from sklearn.decomposition import PCA
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    import ndaccel

    rng = numpy.random.default_rng(0)
    Xh = rng.normal(size=(400, 6))
    yh = (Xh[:, 0] + Xh[:, 1] > 0).astype(numpy.int64)
    X, y = ndaccel.asarray(Xh), ndaccel.asarray(yh)
    warnings.simplefilter("ignore", ndaccel.linalg.HostFallbackWarning)  # svd off CUDA
    with sklearn.config_context(array_api_dispatch=True):
        for est in (PCA(n_components=3, svd_solver="full"), LinearDiscriminantAnalysis()):
            got = est.fit(X, y).transform(X)
            want = type(est)(**est.get_params()).fit(Xh, yh).transform(Xh)
            assert isinstance(got, ndaccel.ndarray), type(got)
            # components are defined up to sign
            assert numpy.allclose(numpy.abs(got.get()), numpy.abs(want), atol=1e-10)
        lda = LinearDiscriminantAnalysis().fit(X, y)
        pred = lda.predict(X)
        assert isinstance(pred, ndaccel.ndarray)
        assert (pred.get() == LinearDiscriminantAnalysis().fit(Xh, yh).predict(Xh)).all()
    s = scipy.special.logsumexp(X, axis=1)
    assert isinstance(s, ndaccel.ndarray)
    assert numpy.allclose(s.get(), scipy.special.logsumexp(Xh, axis=1), rtol=1e-14)
    print("ok")
""")


def test_scikit_learn_and_scipy_through_the_array_api():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout + r.stderr
