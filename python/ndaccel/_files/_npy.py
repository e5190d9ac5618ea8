"""NumPy's binary formats: save/load of .npy, savez/savez_compressed of
.npz, and the lazy NpzFile mapping that load returns for an archive. The
files are NumPy's own (numpy.save/numpy.load write and read them)."""
from collections.abc import Mapping

import numpy

from ._common import host, to_device


def save(file, arr, allow_pickle=True):
    """Writes arr to a .npy file in NumPy's format (numpy.save)."""
    numpy.save(file, host(arr), allow_pickle=allow_pickle)


def savez(file, *args, allow_pickle=True, **kwds):
    """Writes arrays into an uncompressed .npz archive (numpy.savez)."""
    numpy.savez(file, *[host(a) for a in args], allow_pickle=allow_pickle,
                **{k: host(v) for k, v in kwds.items()})


def savez_compressed(file, *args, allow_pickle=True, **kwds):
    """Writes arrays into a compressed .npz archive (numpy.savez_compressed)."""
    numpy.savez_compressed(file, *[host(a) for a in args], allow_pickle=allow_pickle,
                           **{k: host(v) for k, v in kwds.items()})


def load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding="ASCII", *,
         max_header_size=10000):
    """An array from a .npy file, or an NpzFile for a .npz archive, on the current device
    (numpy.load). With mmap_mode the file is mapped on the host and copied to the device
    (device memory cannot map a file); object arrays raise TypeError (ndaccel has no object
    dtype)."""
    r = numpy.load(file, mmap_mode=mmap_mode, allow_pickle=allow_pickle,
                   fix_imports=fix_imports, encoding=encoding, max_header_size=max_header_size)
    if isinstance(r, numpy.lib.npyio.NpzFile):
        return NpzFile(r)
    if isinstance(r, numpy.ndarray):
        return to_device(r)
    return r  # a pickled object other than an array, as NumPy returns it


class NpzFile(Mapping):
    """The arrays of an .npz archive, each read and copied to the device when looked up
    (numpy.lib.npyio.NpzFile). Close it, or use it as a context manager."""

    def __init__(self, npz):
        self._npz = npz

    @property
    def files(self):
        """The names of the arrays in the archive."""
        return self._npz.files

    def __getitem__(self, key):
        return to_device(self._npz[key])

    def __iter__(self):
        return iter(self._npz)

    def __len__(self):
        return len(self._npz)

    def __contains__(self, key):
        return key in self._npz

    def close(self):
        """Closes the archive's file."""
        self._npz.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<ndaccel NpzFile of {self._npz.fid!r} with keys: {', '.join(self.files)}>"
