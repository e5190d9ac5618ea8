"""Indexing, one module per kind: _views (basic indices as views; below
the ndarray class), _advanced (integer and boolean array indices as one
gather or scatter), _subscript (a[key] and a[key] = value, attached to
ndarray by _array_methods.py), _nonzero (nonzero, flatnonzero, argwhere,
where), _take (take, put and their relatives, extract, compress) and
_diagonal. The package itself imports nothing: ndaccel/__init__.py imports
each function from its module."""
