"""Indexing, one module per kind: _views (basic indices as views; below
the ndarray class), _advanced (integer and boolean array indices as one
gather or scatter), _subscript (a[key] and a[key] = value, attached to
ndarray by _array_methods.py), _nonzero (nonzero, flatnonzero, argwhere,
where), _take (take, put and their relatives, extract, compress),
_diagonal, _index_helpers (unravel_index, ravel_multi_index, ix_, the
triangle/diagonal index builders, fill_diagonal), _select (select,
piecewise) and _overlap (shares_memory, may_share_memory). The package
itself imports nothing: ndaccel/__init__.py imports each function from its
module."""
