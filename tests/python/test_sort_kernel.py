"""The device merge sort (nda/sort.h) behind sort, argsort, unique and the
functions built on them, and the host sort of CPU devices, against NumPy's
stable sort: lengths around the run
(32) and tile (512) sizes and the merge passes' pair boundaries, several rows,
every dtype with its special values and many ties (argsort checks stability),
other axes, views, empty and 1-element rows."""
import numpy
import pytest

import ndaccel
from ndaccel import _host_libraries
from xp_util import ALL_DTYPES, dtype_id, special_values, xp_compare

LENGTHS = [1, 2, 31, 32, 33, 64, 511, 512, 513, 1000, 4097]


@pytest.fixture(autouse=True, params=["device-sort", "host-libraries"])
def sort_path(request, monkeypatch):
    """Every test twice: the device's merge sort, and NumPy's sort on CPU
    devices (the host-libraries policy; GPUs ignore it)."""
    monkeypatch.setattr(_host_libraries, "USE", request.param == "host-libraries")
    return request.param


def _data(dt, n, rows=1, seed=0):
    """rows x n values of dt drawn from its special values (many ties)."""
    sv = special_values(dt)
    return numpy.random.default_rng(seed).choice(sv, size=(rows, n))


@pytest.mark.parametrize("n", LENGTHS)
def test_sort_and_argsort_lengths(n):
    x = _data(numpy.float64, n, rows=3, seed=n)
    xp_compare(lambda xp: xp.sort(xp.asarray(x), axis=1))
    xp_compare(lambda xp: xp.argsort(xp.asarray(x), axis=1, kind="stable"))


@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_every_dtype_in_numpys_order(dt):
    x = _data(dt, 700, rows=2, seed=1)
    xp_compare(lambda xp: xp.sort(xp.asarray(x), axis=-1))
    xp_compare(lambda xp: xp.argsort(xp.asarray(x), axis=-1, stable=True))


def test_axes_views_flattened_and_descending():
    x = numpy.random.default_rng(2).integers(-50, 50, (40, 37)).astype(numpy.int32)
    xp_compare(lambda xp: xp.sort(xp.asarray(x), axis=0))
    xp_compare(lambda xp: xp.argsort(xp.asarray(x)[::2, 1::3], axis=0, kind="stable"))
    xp_compare(lambda xp: xp.sort(xp.asarray(x), axis=None))
    xp_compare(lambda xp: xp.argsort(xp.asarray(x), axis=None, kind="stable"))
    xp_compare(lambda xp: xp.sort(xp.asarray(x), axis=1, descending=True)
               if xp is ndaccel else -numpy.sort(-x, axis=1))


def test_empty_rows_and_derived_functions():
    x = numpy.random.default_rng(3).normal(size=5000)
    x[::37] = numpy.nan
    xp_compare(lambda xp: xp.sort(xp.asarray(x[:0])))
    xp_compare(lambda xp: xp.sort(xp.asarray(x).reshape(50, 100)[:, :0], axis=1))
    xp_compare(lambda xp: xp.unique(xp.asarray(numpy.round(x, 1)), return_counts=True))
    xp_compare(lambda xp: xp.median(xp.asarray(x[~numpy.isnan(x)])))
    xp_compare(lambda xp: xp.percentile(xp.asarray(x.reshape(50, 100)), [5, 50, 95], axis=1),
               rtol=1e-12)
