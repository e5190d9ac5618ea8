"""Ocean-model style kernels written against an array module `np` (numpy or
ndaccel), shaped like the hot loops of Veros/PyOM: an equation of state
(~100 elementwise operations: sqrt, log, powers, Python-float constants, a
(1, 1, nz) profile broadcast onto an (nx, ny, nz) grid) and a vertical
mixing step (shifted 3-D / 4-D slices, where, minimum, maximum)."""


def make_inputs(np, nx, ny, nz, dtype="float64"):
    import numpy
    rng = numpy.random.default_rng(0)
    temp = rng.uniform(-2.0, 30.0, (nx, ny, nz)).astype(dtype)
    salt = rng.uniform(30.0, 38.0, (nx, ny, nz)).astype(dtype)
    depth = numpy.linspace(5.0, 5000.0, nz).reshape(1, 1, nz).astype(dtype)
    kappa = rng.uniform(1e-5, 1e-2, (nx, ny, nz, 3)).astype(dtype)
    return tuple(np.asarray(a) for a in (temp, salt, depth, kappa))


def eos(np, temp, salt, depth):
    """A density-like polynomial in temperature, salinity and pressure."""
    p = depth * 1.0e-1 + 1.0
    sqrt_s = np.sqrt(salt)
    t2 = temp * temp
    t3 = t2 * temp
    rho_fresh = (999.842594 + 6.793952e-2 * temp - 9.095290e-3 * t2 + 1.001685e-4 * t3
                 - 1.120083e-6 * t2 * t2 + 6.536332e-9 * t3 * t2)
    a = 8.24493e-1 - 4.0899e-3 * temp + 7.6438e-5 * t2 - 8.2467e-7 * t3 + 5.3875e-9 * t2 * t2
    b = -5.72466e-3 + 1.0227e-4 * temp - 1.6546e-6 * t2
    rho0 = rho_fresh + a * salt + b * salt * sqrt_s + 4.8314e-4 * salt * salt
    k_fresh = 19652.21 + 148.4206 * temp - 2.327105 * t2 + 1.360477e-2 * t3 - 5.155288e-5 * t2 * t2
    k_salt = salt * (54.6746 - 0.603459 * temp + 1.09987e-2 * t2 - 6.1670e-5 * t3) \
        + sqrt_s * salt * (7.944e-2 + 1.6483e-2 * temp - 5.3009e-4 * t2)
    k_p = p * (3.239908 + 1.43713e-3 * temp + 1.16092e-4 * t2 - 5.77905e-7 * t3) \
        + p * p * (8.50935e-5 - 6.12293e-6 * temp + 5.2787e-8 * t2)
    k = k_fresh + k_salt + k_p
    return rho0 / (1.0 - p / k) + np.log(1.0 + p) * 1e-3 - (salt / 35.0) ** 1.5 * 1e-2


def mixing(np, temp, kappa):
    """Flux-limited vertical diffusion with shifted slices of 3-D and 4-D
    arrays, where and minimum/maximum."""
    dz = temp[:, :, 1:] - temp[:, :, :-1]
    k = kappa[:, :, :-1, 0] + 0.5 * (kappa[:, :, 1:, 1] - kappa[:, :, :-1, 2])
    flux = np.where(dz > 0, np.minimum(k * dz, 1.0), np.maximum(k * dz, -1.0))
    upw = np.where(dz > 0, temp[:, :, :-1], temp[:, :, 1:])
    return flux * 0.25 + upw * 1e-3 - np.maximum(flux, 0.0) * np.minimum(dz, 2.0)
