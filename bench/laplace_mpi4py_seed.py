"""The seed paper's Laplace (Jacobi) solver in its explicit mpi4py form: each
rank holds a block of rows plus one ghost row above and one below, swaps
ghost rows with its neighbours (comm.Sendrecv) before every sweep, and the
ranks agree on convergence with comm.allreduce. The array module is a
parameter: pass numpy or ndaccel as `np` (ndaccel arrays go to mpi4py as they
are). The physics and the order of operations are laplace_seed.laplace's, so
the assembled grid is the serial solver's, bit for bit."""
from mpi4py import MPI


def row_block(n, rank, size):
    """Rows [lo, hi) of an n-row grid that `rank` of `size` owns."""
    return rank * n // size, (rank + 1) * n // size


def laplace(np, comm, n, m, iters, dtype, eps=1e-6, check_every=10):
    """Up to `iters` sweeps on an n x m grid (boundary rows 100 at the top, 50 at
    the bottom, columns 75) split into row blocks over comm's ranks (n >= ranks).
    Returns (this rank's rows of the grid, sweeps)."""
    rank, size = comm.Get_rank(), comm.Get_size()
    lo, hi = row_block(n, rank, size)
    rows = hi - lo
    up = rank - 1 if rank > 0 else MPI.PROC_NULL
    down = rank + 1 if rank < size - 1 else MPI.PROC_NULL

    u = np.zeros((rows + 2, m), dtype=dtype)   # u[1:-1] are rows lo..hi-1
    if lo == 0:
        u[1, :] = 100
    if hi == n:
        u[-2, :] = 50
    u[:, 0] = 75
    u[:, -1] = 75
    u_new = u.copy()
    first = 2 if lo == 0 else 1                 # local rows the sweep updates
    last = rows if hi == n else rows + 1
    it = 0
    for it in range(1, iters + 1):
        comm.Sendrecv(u[1], dest=up, recvbuf=u[-1], source=down)
        comm.Sendrecv(u[-2], dest=down, recvbuf=u[0], source=up)
        if last > first:
            u_new[first:last, 1:-1] = ((u[first - 1:last - 1, 1:-1] + u[first + 1:last + 1, 1:-1])
                                       + (u[first:last, 0:-2] + u[first:last, 2:])) / 4
        if it % check_every == 0:
            change = float(np.max(u_new[1:-1] - u[1:-1]))
            if not (comm.allreduce(change, op=MPI.MAX) > eps):
                break
        u, u_new = u_new, u
    return u[1:-1], it
