"""Host reference for ndaccel.random: Philox4x32-10 and the distribution
transforms of kernels/gen_random.h, in NumPy with the same IEEE double
operations in the same order. A device result must equal it bit for bit."""
import numpy

M0, M1 = numpy.uint64(0xD2511F53), numpy.uint64(0xCD9E8D57)
W0, W1 = 0x9E3779B9, 0xBB67AE85
_MASK32 = numpy.uint64(0xFFFFFFFF)


def philox(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of uint32 counter arrays under a scalar key."""
    c = [numpy.asarray(v, dtype=numpy.uint64) & _MASK32 for v in (c0, c1, c2, c3)]
    k0, k1 = int(k0), int(k1)
    for _ in range(10):
        p0, p1 = M0 * c[0], M1 * c[2]
        n0 = (p1 >> numpy.uint64(32)) ^ c[1] ^ numpy.uint64(k0)
        n2 = (p0 >> numpy.uint64(32)) ^ c[3] ^ numpy.uint64(k1)
        c = [n0, p1 & _MASK32, n2, p0 & _MASK32]
        k0, k1 = (k0 + W0) & 0xFFFFFFFF, (k1 + W1) & 0xFFFFFFFF
    return [v.astype(numpy.uint32) for v in c]


def blocks(key, stream, nblocks):
    b = numpy.arange(nblocks, dtype=numpy.uint64)
    s = numpy.uint64(stream)
    return philox(b & _MASK32, b >> numpy.uint64(32), s & _MASK32, s >> numpy.uint64(32), *key)


def _words(x):
    u = lambda i: x[i].astype(numpy.uint64)  # noqa: E731
    return (u(1) << numpy.uint64(32)) | u(0), (u(3) << numpy.uint64(32)) | u(2)


def _interleave(a, b, n):
    return numpy.stack([a, b], axis=1).reshape(-1)[:n]


def _u53(w):
    return (w >> numpy.uint64(11)).astype(numpy.float64) * 1.1102230246251565e-16


def rlog(x):
    """fdlibm log for normal x > 0, as the kernel's nda_rlog."""
    x = numpy.asarray(x, dtype=numpy.float64)
    bits = x.view(numpy.uint64)
    hx = (bits >> numpy.uint64(32)).astype(numpy.int64)
    lx = bits & _MASK32
    k = (hx >> 20) - 1023
    hx = hx & 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    x = ((((hx | (i ^ 0x3FF00000)).astype(numpy.uint64)) << numpy.uint64(32)) | lx).view(numpy.float64)
    k = k + (i >> 20)
    f = x - 1.0
    dk = k.astype(numpy.float64)
    ln2_hi, ln2_lo = 6.93147180369123816490e-01, 1.90821492927058770002e-10
    small = (0x000FFFFF & (2 + hx)) < 3
    r_small = f * f * (0.5 - 0.33333333333333333 * f)
    v_small = numpy.where(f == 0.0, dk * ln2_hi + dk * ln2_lo,
                          dk * ln2_hi - ((r_small - dk * ln2_lo) - f))
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    i2 = (hx - 0x6147A) | (0x6B851 - hx)
    t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
    t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 +
              w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
    R = t2 + t1
    hfsq = 0.5 * f * f
    v_a = dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f)
    v_b = dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f)
    return numpy.where(small, v_small, numpy.where(i2 > 0, v_a, v_b))


def rsincos(k):
    """sin and cos of 2 pi k 2^-53 for 53-bit k, as the kernel's nda_rsincos."""
    k = numpy.asarray(k, dtype=numpy.uint64)
    q = (k >> numpy.uint64(51)).astype(numpy.int64)
    r = k & numpy.uint64(0x7FFFFFFFFFFFF)
    swap = r > numpy.uint64(0x4000000000000)
    r = numpy.where(swap, numpy.uint64(0x8000000000000) - r, r)
    x = r.astype(numpy.float64) * 6.975736996017264e-16
    z = x * x
    v = z * x
    rs = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * (
        2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)))
    s = x + v * (-1.66666666666666324348e-01 + z * rs)
    rc = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * (
        2.48015872894767294178e-05 + z * (-2.75573143513906633035e-07 + z * (
            2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))))
    hz = 0.5 * z
    w = 1.0 - hz
    c = w + (((1.0 - w) - hz) + z * rc)
    s, c = numpy.where(swap, c, s), numpy.where(swap, s, c)
    sn = numpy.choose(q, [s, c, -s, -c])
    cs = numpy.choose(q, [c, -s, -c, s])
    return sn, cs


def generate(key, stream, dist, dtype, n, low=0, span=0):
    """The flat output of one random_fill call (see kernels/gen_random.h)."""
    dtype = numpy.dtype(dtype)
    per = 4 if (dist == "U" and dtype == numpy.float32) else 2
    x = blocks(key, stream, -(-n // per))
    if dist == "U" and dtype == numpy.float32:
        u = [(v >> numpy.uint32(8)).astype(numpy.float32) * numpy.float32(5.9604644775390625e-08)
             for v in x]
        return numpy.stack(u, axis=1).reshape(-1)[:n]
    w0, w1 = _words(x)
    if dist == "U":
        return _interleave(_u53(w0), _u53(w1), n)
    if dist == "N":
        with numpy.errstate(all="ignore"):
            r = numpy.sqrt(-2.0 * rlog(1.0 - _u53(w0)))
        sn, cs = rsincos(w1 >> numpy.uint64(11))
        return _interleave(r * cs, r * sn, n).astype(dtype)
    if dist == "E":
        return _interleave(0.0 - rlog(1.0 - _u53(w0)), 0.0 - rlog(1.0 - _u53(w1)), n).astype(dtype)
    if dist == "B":
        return _interleave(w0, w1, n)
    if dist == "I":
        def mulhi(w):
            if span == 0:
                return w
            return numpy.array([(int(v) * span) >> 64 for v in w], dtype=numpy.uint64)
        lo = numpy.uint64(low % (1 << 64))
        vals = _interleave(lo + mulhi(w0), lo + mulhi(w1), n)
        return vals.astype(dtype) if dtype != numpy.bool_ else (vals & numpy.uint64(1)).astype(bool)
    raise ValueError(dist)
