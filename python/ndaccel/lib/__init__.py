"""numpy.lib for ndaccel: stride_tricks (views with chosen strides over a
device buffer) and scimath (ndaccel.emath: complex results outside the
real domain)."""
from . import stride_tricks
from .. import emath as scimath

__all__ = ["scimath", "stride_tricks"]
