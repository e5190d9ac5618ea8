"""Statistics on the device, one module per kind: _reductions (sum, prod,
max, min, mean, var, std, any, all, ptp, average, count_nonzero and the
nan versions: fused reduction kernels), _order (median, percentile,
quantile: a device sort and gather), _histogram (digitize, bincount,
histogram), _histogramdd (histogramdd, histogram2d) and _correlation
(cov, corrcoef). The package itself imports nothing: ndaccel/__init__.py
imports each function from its module."""
