"""A host stand-in for _core.solver with the contract of nda_solver_desc
(core/include/nda/backend.h): LAPACK's getrf, getrs, potrf, syevd/heevd,
geqrf, orgqr/ungqr and gesvd on column-major matrices, computed by the
system's reference LAPACK (liblapack.so.3, called through ctypes), reading
and writing the operands' buffers exactly where the contract says
(operand X of matrix i at X's element 0 plus i * x_stride elements,
leading dimension ld_x).

tests/python/test_linalg_solver_path.py puts it in place of the device
library so that the cuSOLVER routing of numpy.linalg (linalg/_cusolver.py,
linalg/_decomp.py) runs and is checked against NumPy on machines without a
GPU. `calls` counts the calls per op."""
import collections
import ctypes
import ctypes.util

import numpy

import ndaccel
from ndaccel import _core

calls = collections.Counter()

_PREFIX = {numpy.dtype(numpy.float32): "s", numpy.dtype(numpy.float64): "d",
           numpy.dtype(numpy.complex64): "c", numpy.dtype(numpy.complex128): "z"}
_REAL = {"s": numpy.float32, "d": numpy.float64, "c": numpy.float32, "z": numpy.float64}
_lib = None


def lapack():
    """The loaded LAPACK (OSError when there is none)."""
    global _lib
    if _lib is None:
        _lib = ctypes.CDLL(ctypes.util.find_library("lapack") or "liblapack.so.3")
    return _lib


def _int(v):
    return ctypes.byref(ctypes.c_int(int(v)))


def _char(c):
    return ctypes.c_char_p(c.encode())


def _p(x):
    return x.ctypes.data_as(ctypes.c_void_p)


_LEN1 = ctypes.c_size_t(1)  # gfortran's hidden length of a character argument


class _Operand:
    """The host copy of one operand's elements [0, extent) from its array's
    element 0; matrices are read into and written from column-major
    buffers; `store` writes the copy back to the device."""

    def __init__(self, x, rows, cols, ld, stride, batch):
        self.x, self.rows, self.cols, self.ld, self.stride = x, rows, cols, ld, stride
        isz = x.itemsize
        self.extent = (batch - 1) * stride + (cols - 1) * ld + rows if rows and cols else 0
        self.flat = None
        if self.extent > 0:
            self.view = _core.view(x, x._offset, (self.extent,), (isz,))
            self.flat = self.view.get().copy()

    def matrix(self, i):
        """Matrix i as a Fortran-ordered ld x cols buffer."""
        buf = numpy.zeros(self.ld * self.cols, dtype=self.x.dtype)
        for j in range(self.cols):
            s = i * self.stride + j * self.ld
            buf[j * self.ld:j * self.ld + self.rows] = self.flat[s:s + self.rows]
        return buf

    def put(self, i, buf):
        for j in range(self.cols):
            s = i * self.stride + j * self.ld
            self.flat[s:s + self.rows] = buf[j * self.ld:j * self.ld + self.rows]

    def store(self):
        if self.flat is not None:
            _core.assign(self.view, ndaccel.asarray(self.flat, device=self.x._device_id))


def _vector(x, length, stride, batch):
    return _Operand(x, length, 1, max(length, 1), stride, batch)


def _check(info, name):
    if info.value < 0:
        raise AssertionError(f"{name}: LAPACK argument {-info.value} is wrong")
    return info.value


def solver(op, a, m, n, k, batch, flag, lda, a_stride, *, b=None, ldb=0, b_stride=0, c=None,
           ldc=0, c_stride=0, w=None, w_stride=0, ipiv=None, ipiv_stride=0, info):
    calls[op] += 1
    L = lapack()
    t = _PREFIX[numpy.dtype(a.dtype)]
    cplx = t in "cz"
    infos = numpy.zeros(batch, dtype=numpy.int32)
    rows, cols = (n, n) if op in ("getrs", "potrf", "syevd") else (m, n)
    A = _Operand(a, rows, cols, lda, a_stride, batch)
    outs = [A]
    if op == "getrf":
        P = _vector(ipiv, min(m, n), ipiv_stride, batch)
        outs.append(P)
    elif op == "getrs":
        P = _vector(ipiv, n, ipiv_stride, batch)
        B = _Operand(b, n, k, ldb, b_stride, batch)
        outs = [B]
    elif op in ("syevd", "geqrf", "orgqr", "gesvd"):
        wlen = {"syevd": n, "geqrf": min(m, n), "orgqr": k, "gesvd": n}[op]
        Wv = _vector(w, wlen, w_stride, batch)
        outs.append(Wv)
        if op == "gesvd" and flag != ord("N"):
            ucols = m if flag == ord("A") else n
            B = _Operand(b, m, ucols, ldb, b_stride, batch)
            C = _Operand(c, n, n, ldc, c_stride, batch)
            outs += [B, C]
    for i in range(batch):
        if A.flat is None and op != "getrs":
            break
        inf = ctypes.c_int(0)
        ma = A.matrix(i) if A.flat is not None else numpy.zeros(1, a.dtype)
        if op == "getrf":
            piv = numpy.zeros(max(min(m, n), 1), dtype=numpy.int32)
            getattr(L, t + "getrf_")(_int(m), _int(n), _p(ma), _int(lda), _p(piv),
                                     ctypes.byref(inf))
            P.flat[i * ipiv_stride:i * ipiv_stride + min(m, n)] = piv[:min(m, n)]
        elif op == "getrs":
            if B.flat is None:
                break
            piv = P.flat[i * ipiv_stride:i * ipiv_stride + n].astype(numpy.int32).copy()
            mb = B.matrix(i)
            getattr(L, t + "getrs_")(_char("NTC"[flag]), _int(n), _int(k), _p(ma), _int(lda),
                                     _p(piv), _p(mb), _int(ldb), ctypes.byref(inf), _LEN1)
            B.put(i, mb)
        elif op == "potrf":
            getattr(L, t + "potrf_")(_char("L"), _int(n), _p(ma), _int(lda), ctypes.byref(inf),
                                     _LEN1)
        elif op == "syevd":
            wv = numpy.zeros(n, dtype=_REAL[t])
            iw = numpy.zeros(3 + 5 * n, dtype=numpy.int32)
            job = _char("V" if flag else "N")
            if cplx:
                work = numpy.zeros(2 * n + n * n, dtype=a.dtype)
                rw = numpy.zeros(1 + 5 * n + 2 * n * n, dtype=_REAL[t])
                L[t + "heevd_"](job, _char("L"), _int(n), _p(ma), _int(lda), _p(wv), _p(work),
                                _int(work.size), _p(rw), _int(rw.size), _p(iw), _int(iw.size),
                                ctypes.byref(inf), _LEN1, _LEN1)
            else:
                work = numpy.zeros(1 + 6 * n + 2 * n * n, dtype=a.dtype)
                L[t + "syevd_"](job, _char("L"), _int(n), _p(ma), _int(lda), _p(wv), _p(work),
                                _int(work.size), _p(iw), _int(iw.size), ctypes.byref(inf),
                                _LEN1, _LEN1)
            Wv.flat[i * w_stride:i * w_stride + n] = wv
        elif op == "geqrf":
            kk = min(m, n)
            tau = numpy.zeros(max(kk, 1), dtype=a.dtype)
            work = numpy.zeros(64 * max(n, 1), dtype=a.dtype)
            L[t + "geqrf_"](_int(m), _int(n), _p(ma), _int(lda), _p(tau), _p(work),
                            _int(work.size), ctypes.byref(inf))
            Wv.flat[i * w_stride:i * w_stride + kk] = tau[:kk]
        elif op == "orgqr":
            tau = numpy.zeros(max(k, 1), dtype=a.dtype)
            tau[:k] = Wv.flat[i * w_stride:i * w_stride + k] if k else tau[:0]
            work = numpy.zeros(64 * max(n, 1), dtype=a.dtype)
            L[t + ("ungqr_" if cplx else "orgqr_")](_int(m), _int(n), _int(k), _p(ma), _int(lda),
                                                    _p(tau), _p(work), _int(work.size),
                                                    ctypes.byref(inf))
        elif op == "gesvd":
            job = chr(flag)
            s = numpy.zeros(n, dtype=_REAL[t])
            if job == "N":
                mu, lu_, mv, lv = numpy.zeros(1, a.dtype), 1, numpy.zeros(1, a.dtype), 1
            else:
                mu, lu_, mv, lv = B.matrix(i), ldb, C.matrix(i), ldc
            work = numpy.zeros(8 * (m + n) + 64, dtype=a.dtype)
            args = [_char(job), _char("N" if job == "N" else "A"), _int(m), _int(n), _p(ma),
                    _int(lda), _p(s), _p(mu), _int(lu_), _p(mv), _int(lv), _p(work),
                    _int(work.size)]
            if cplx:
                args.append(_p(numpy.zeros(5 * n + 8, dtype=_REAL[t])))
            L[t + "gesvd_"](*args, ctypes.byref(inf), _LEN1, _LEN1)
            Wv.flat[i * w_stride:i * w_stride + n] = s
            if job != "N":
                B.put(i, mu)
                C.put(i, mv)
        infos[i] = _check(inf, op)
        if op != "getrs":
            A.put(i, ma)
    for o in outs:
        o.store()
    if batch:
        _core.assign(_core.view(info, info._offset, (batch,), (4,)),
                     ndaccel.asarray(infos, device=info._device_id))
    return None
