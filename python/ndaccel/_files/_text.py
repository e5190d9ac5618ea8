"""Text files: savetxt, loadtxt, genfromtxt, NumPy's parsers and writers
with the data crossing to or from the device once. Results NumPy would
give as structured or string arrays raise TypeError (no such dtypes here)."""
import numpy

from ._common import host, no_like, to_device


def savetxt(fname, X, fmt="%.18e", delimiter=" ", newline="\n", header="", footer="",
            comments="# ", encoding=None):
    """Writes a 1-D or 2-D array to a text file (numpy.savetxt)."""
    numpy.savetxt(fname, host(X), fmt=fmt, delimiter=delimiter, newline=newline,
                  header=header, footer=footer, comments=comments, encoding=encoding)


def loadtxt(fname, dtype=float, comments="#", delimiter=None, converters=None, skiprows=0,
            usecols=None, unpack=False, ndmin=0, encoding=None, max_rows=None, *,
            quotechar=None, like=None):
    """An array from a text file, on the current device (numpy.loadtxt)."""
    no_like(like, "loadtxt")
    r = numpy.loadtxt(fname, dtype=dtype, comments=comments, delimiter=delimiter,
                      converters=converters, skiprows=skiprows, usecols=usecols,
                      unpack=unpack, ndmin=ndmin, encoding=encoding, max_rows=max_rows,
                      quotechar=quotechar)
    return _each_to_device(r)


def _each_to_device(r):
    """NumPy's result on the device: an array, or the list/tuple of arrays that unpack=True
    gives for structured dtypes."""
    if isinstance(r, (list, tuple)):
        return type(r)(to_device(x) for x in r)
    return to_device(r)


def genfromtxt(fname, dtype=float, comments="#", delimiter=None, skip_header=0, skip_footer=0,
               converters=None, missing_values=None, filling_values=None, usecols=None,
               names=None, excludelist=None,
               deletechars=" !#$%&'()*+,-./:;<=>?@[\\]^{|}~", replace_space="_",
               autostrip=False, case_sensitive=True, defaultfmt="f%i", unpack=None,
               usemask=False, loose=True, invalid_raise=True, max_rows=None, encoding=None,
               *, ndmin=0, like=None):
    """An array from a text file with missing values handled, on the current device
    (numpy.genfromtxt). usemask=True raises NotImplementedError (no masked arrays)."""
    no_like(like, "genfromtxt")
    if usemask:
        raise NotImplementedError("genfromtxt: usemask=True (masked arrays) is not supported")
    r = numpy.genfromtxt(fname, dtype=dtype, comments=comments, delimiter=delimiter,
                         skip_header=skip_header, skip_footer=skip_footer,
                         converters=converters, missing_values=missing_values,
                         filling_values=filling_values, usecols=usecols, names=names,
                         excludelist=excludelist, deletechars=deletechars,
                         replace_space=replace_space, autostrip=autostrip,
                         case_sensitive=case_sensitive, defaultfmt=defaultfmt, unpack=unpack,
                         usemask=usemask, loose=loose, invalid_raise=invalid_raise,
                         max_rows=max_rows, encoding=encoding, ndmin=ndmin)
    return _each_to_device(r)
