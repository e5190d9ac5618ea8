"""NumPy's top-level names ndaccel leaves out on purpose, and why.

OUT_OF_SCOPE maps each name to its family's reason. `ndaccel.<name>` raises
AttributeError with that reason (AttributeError, so that hasattr() and
feature probes such as `getattr(np, "isnat", None)` see "not provided", as
they would for any missing name); tools/coverage.py lists these names apart
and leaves them out of the coverage count. The README's "Differences from
NumPy" section says the same in prose: keep the two in step.

Dtypes of these families (datetime64, timedelta64, structured, string,
object) are refused where arrays are made, with a TypeError naming the
dtype (_dtypes.py)."""

_DATETIME = ("datetime64/timedelta64 dtypes are out of scope for ndaccel "
             "(see the README, 'Differences from NumPy')")
_MATRIX = ("numpy.matrix is out of scope for ndaccel (NumPy discourages it; use 2-D arrays "
           "and @)")
_STRUCTURED = ("numpy.fromregex returns structured arrays (its dtype must be structured), and "
               "structured dtypes are out of scope for ndaccel")
_NDITER = ("NumPy's nditer iteration protocol walks host memory element by element; "
           "ndaccel arrays live on a device and have no nditer (use vectorised operations)")
_C_API = ("ndaccel arrays are not NumPy C objects: there are no NumPy C-API headers to "
          "compile against (ndaccel's own C API is core/include/nda)")

OUT_OF_SCOPE = {
    "isnat": _DATETIME,
    "datetime_as_string": _DATETIME,
    "datetime_data": _DATETIME,
    "busday_count": _DATETIME,
    "busday_offset": _DATETIME,
    "is_busday": _DATETIME,
    "asmatrix": _MATRIX,
    "bmat": _MATRIX,
    "fromregex": _STRUCTURED,
    "nested_iters": _NDITER,
    "get_include": _C_API,
    # modules and classes of the same families (not counted as functions)
    "busdaycalendar": _DATETIME,
    "matrix": _MATRIX,
    "nditer": _NDITER,
    "ma": "numpy.ma (masked arrays) is out of scope for ndaccel: use where= and nan* functions",
    "char": "numpy.char (string arrays) is out of scope for ndaccel: no string dtypes",
    "strings": "numpy.strings (string arrays) is out of scope for ndaccel: no string dtypes",
    "rec": "numpy.rec (record arrays) is out of scope for ndaccel: no structured dtypes",
    "recarray": "numpy.recarray is out of scope for ndaccel: no structured dtypes",
}


def out_of_scope_error(name):
    """The AttributeError for `ndaccel.<name>` when `name` is out of scope, else None."""
    reason = OUT_OF_SCOPE.get(name)
    if reason is None:
        return None
    return AttributeError(f"ndaccel does not provide numpy.{name}: {reason}")
