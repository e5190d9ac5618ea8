"""Multidimensional histograms on the device (numpy.histogramdd,
numpy.histogram2d), NumPy's algorithm: per dimension the edges (linspace
over the data's range, or the given array) and a binary search of every
sample (searchsorted, 'right', with the last edge moved into the last
bin), then the flat index of the bin (outliers included) counted by
bincount and the outlier rows and columns cut off. The Python loops run
over the dimensions only."""
import operator

import numpy

from .._creation._from_data import asarray as _arr  # ndarrays pass through unchanged
from .._creation._ranges import linspace
from .._manipulation._dims import atleast_2d
from .._manipulation._join import stack
from .._math._differences import diff
from .._sorting._search import searchsorted
from .._statistics._reductions import any as _any, sum as _sum
from .._ufunc import UFUNCS
from ._histogram import _outer_edges, bincount

_range = range


def _ndim(x):
    """numpy.ndim without copying a device array to the host."""
    return x.ndim if hasattr(x, "ndim") and hasattr(x, "shape") else numpy.ndim(x)


def _sample(sample):
    """The (N, D) sample: a 2-D array as given, anything else as D coordinate sequences
    (NumPy's atleast_2d(sample).T)."""
    if hasattr(sample, "shape") and hasattr(sample, "ndim") and sample.ndim == 2:
        return _arr(sample)
    if isinstance(sample, (list, tuple)) and any(hasattr(s, "_device_id") for s in sample):
        dev = next(s._device_id for s in sample if hasattr(s, "_device_id"))
        s = stack([_arr(v, device=dev) for v in sample])
    else:
        s = _arr(sample)
    return atleast_2d(s).T


def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    """The multidimensional histogram of an (N, D) sample (or D coordinate sequences), on
    the device (numpy.histogramdd): bins as an int, one int or edge array per dimension;
    range, density, weights as NumPy. Returns (hist, list of D edge arrays); hist is
    float64 as NumPy's."""
    sample = _sample(sample)
    if sample.ndim != 2:
        raise ValueError(f"too many values to unpack (expected 2, got {sample.ndim})")
    N, D = sample.shape
    dev = sample._device_id
    edges = D * [None]
    dedges = D * [None]
    nbin = [0] * D
    if weights is not None:
        weights = _arr(weights, device=dev)
    try:
        M = len(bins)
        if M != D:
            raise ValueError(
                'The dimension of bins must be equal to the dimension of the sample x.')
    except TypeError:
        bins = D * [bins]
    if range is None:
        range = (None,) * D
    elif len(range) != D:
        raise ValueError('range argument must have one entry per dimension')
    for i in _range(D):
        if _ndim(bins[i]) == 0:
            if bins[i] < 1:
                raise ValueError(f'`bins[{i}]` must be positive, when an integer')
            smin, smax = _outer_edges(sample[:, i], range[i])
            try:
                n = operator.index(bins[i])
            except TypeError as e:
                raise TypeError(f"`bins[{i}]` must be an integer, when a scalar") from e
            edges[i] = linspace(smin, smax, n + 1, device=dev)
        elif _ndim(bins[i]) == 1:
            edges[i] = _arr(bins[i], device=dev)
            if edges[i].size > 1 and \
                    bool(_any(UFUNCS["greater"](edges[i][:-1], edges[i][1:]))):
                raise ValueError(
                    f'`bins[{i}]` must be monotonically increasing, when an array')
        else:
            raise ValueError(f'`bins[{i}]` must be a scalar or 1d array')
        nbin[i] = len(edges[i]) + 1  # an outlier bin at each end
        dedges[i] = diff(edges[i])
    # The flat bin index (C order over nbin), outliers included.
    xy = None
    stride = 1
    for i in _range(D - 1, -1, -1):
        col = sample[:, i]
        idx = searchsorted(edges[i], col, side="right")
        if len(edges[i]):
            on_edge = UFUNCS["equal"](col, edges[i][-1])
            idx = UFUNCS["subtract"](idx, on_edge.astype(numpy.int64))
        term = UFUNCS["multiply"](idx, stride) if stride != 1 else idx
        xy = term if xy is None else UFUNCS["add"](xy, term)
        stride *= nbin[i]
    total = stride
    if xy is None:
        raise ValueError("object of too small depth for desired array")  # as NumPy, D == 0
    hist = bincount(xy.astype(numpy.int64), weights, minlength=total)
    hist = hist.reshape(tuple(nbin)).astype(numpy.float64)
    hist = hist[D * (slice(1, -1),)]
    if density:
        s = _sum(hist)
        for i in _range(D):
            shape = [1] * D
            shape[i] = nbin[i] - 2
            hist = UFUNCS["true_divide"](hist, dedges[i].reshape(tuple(shape)))
        hist = UFUNCS["true_divide"](hist, s)
    return hist, edges


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):
    """The bi-dimensional histogram of the samples x and y, on the device
    (numpy.histogram2d): returns (hist, xedges, yedges), hist float64."""
    if len(x) != len(y):
        raise ValueError('x and y must have the same length.')
    try:
        N = len(bins)
    except TypeError:
        N = 1
    if N not in {1, 2}:
        xedges = yedges = _arr(bins)
        bins = [xedges, yedges]
    x = _arr(x)
    hist, edges = histogramdd([x, _arr(y, device=x._device_id)], bins, range, density,
                              weights)
    return hist, edges[0], edges[1]
