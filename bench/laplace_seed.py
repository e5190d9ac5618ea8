"""The seed paper's vectorised Laplace (Jacobi) solver, unmodified except that
the array module is a parameter: pass numpy or ndaccel as `np`."""


def laplace(np, n, m, iters, dtype, eps=1e-6, check_every=10):
    """Runs up to `iters` Jacobi sweeps on an n x m grid with boundary rows
    100 (top), 50 (bottom) and columns 75; stops early when the largest
    update is <= eps (tested every `check_every` sweeps). Returns (u, sweeps)."""
    u = np.zeros((n, m), dtype=dtype)
    u[0, :] = 100
    u[-1, :] = 50
    u[:, 0] = 75
    u[:, -1] = 75
    u_new = u.copy()
    it = 0
    for it in range(1, iters + 1):
        u_new[1:-1, 1:-1] = ((u[0:-2, 1:-1] + u[2:, 1:-1]) + (u[1:-1, 0:-2] + u[1:-1, 2:])) / 4
        if it % check_every == 0 and not (np.max(u_new - u) > eps):
            break
        u, u_new = u_new, u
    return u, it
