"""ndaccel.fft: numpy.fft on the device through the backend's FFT library
(cuFFT on CUDA, VkFFT on OpenCL), with NumPy 2's signatures, dtypes,
normalisations and errors.

Every transform is a sequence of batched 1-D complex-to-complex transforms
(_core.fft_c2c): the axis is moved last and made contiguous, the library
transforms every row, and the result is scaled (a fused elementwise
operation) and moved back.

Real transforms of even length n run through ONE complex transform of
length h = n/2 (the standard packing): the n contiguous real points are
reinterpreted, without a copy, as h complex points z[j] = x[2j] + i x[2j+1];
rfft transforms them and untangles X[k], k = 1..h-1, with one fused
elementwise expression over Z and its reversed view, and the real X[0],
X[h] with a second, tiny one (_rfft_untangle); irfft builds Z from the
Hermitian half the inverse way (_irfft_tangle), inverse-transforms it and
reads the complex result as the n interleaved real outputs; the norm
factor rides in those expressions. The twiddles e^{-+2 pi i k/n} are
computed in float64 on the host, rounded once to the working precision and
cached on the device per (n, direction, precision, device). Odd n runs on
complexified data: rfft keeps the first n//2 + 1 outputs of an n-point
complex transform; irfft extends its input to the full Hermitian spectrum,
transforms it and keeps the real part. Either way, as NumPy, irfft ignores
the imaginary parts of the DC and Nyquist terms.

Precision: float16/float32/complex64 are transformed in single precision
(complex64 results; irfft returns the input's real type), everything else
in double precision, as NumPy 2. A device without an FFT library raises
NotImplementedError naming what to install.

The transforms are in _complex.py (fft, ifft), _real.py (rfft, irfft,
hfft, ihfft: the packed real path), _nd.py (the n-d versions) and
_helper.py (shifts and frequencies); _common.py holds what they share."""
from ._complex import fft, ifft
from ._helper import fftfreq, fftshift, ifftshift, rfftfreq
from ._nd import fft2, fftn, ifft2, ifftn, irfft2, irfftn, rfft2, rfftn
from ._real import hfft, ihfft, irfft, rfft

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn", "irfftn",
           "fft2", "ifft2", "rfft2", "irfft2", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]
