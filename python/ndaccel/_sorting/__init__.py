"""Sorting, searching and sets on the device, one module per kind:
_rows (rows to sort, the order), _sort (sort, argsort, lexsort, partition,
argpartition), _search (argmax, argmin and nan versions, searchsorted),
_unique (unique) and _sets (isin, intersect1d, union1d, setdiff1d,
setxor1d). The package itself imports nothing: ndaccel/__init__.py
imports each function from its module."""
