"""The comm functions of ndaccel._core (python/ext/comm_binding.c) on N ranks.

Run by run_comm_binding_test.sh as ``mpirun -n N python3 comm_binding_test.py PLUGIN``;
every rank runs the same checks and compares with NumPy on values it can
compute for every rank. Prints "rank R: N checks passed" and exits 1 when a
check failed. Checks that bad input on one rank raises the same exception on
every rank, that pending expressions reading a received array see its old
values, and mpi4py handles when mpi4py is installed.
"""
import os
import sys

import numpy as np

import ndaccel as nd
from ndaccel import _core

PLUGIN = sys.argv[1] if len(sys.argv) > 1 else "mpi"
DEVICE = sys.argv[2] if len(sys.argv) > 2 else None
# The fake CUDA driver moves memory but runs no generated kernel: checks
# that compute on the device are left out there.
KERNELS = not (str(DEVICE).startswith("cuda") and os.environ.get("NDACCEL_CUDA_DRIVER"))
passed = 0
failed = 0


def check(cond, what):
    """Counts a check; prints what failed."""
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"rank {RANK}: FAILED: {what}", file=sys.stderr, flush=True)


def raises(exc, fn, *args, part=""):
    """Whether fn(*args) raises exc with `part` in its message."""
    try:
        fn(*args)
    except exc as e:
        if part in str(e):
            return True
        print(f"rank {RANK}: {exc.__name__} without {part!r}: {e}", file=sys.stderr)
        return False
    except Exception as e:  # a wrong class is a failure, with the reason shown
        print(f"rank {RANK}: expected {exc.__name__}, got {type(e).__name__}: {e}",
              file=sys.stderr)
        return False
    print(f"rank {RANK}: expected {exc.__name__}, nothing raised", file=sys.stderr)
    return False


def dev(x):
    """A host array on this rank's device."""
    return nd.asarray(x, device=DEVICE) if DEVICE else nd.asarray(x)


def host(a):
    """An ndaccel array back on the host."""
    return nd.asnumpy(a)


def mine(r, n=5, dtype=np.float64):
    """What rank r contributes (known to every rank)."""
    return (np.arange(n) * 3 + 100 * r).astype(dtype)


backends = {name: (why, desc) for name, why, desc in _core.comm_backends()}
comm = _core.comm_init(PLUGIN, None, DEVICE)
RANK, SIZE = comm.rank, comm.size
check(backends[PLUGIN][0] is None and backends[PLUGIN][1], "the plugin is listed as available")
check(set(backends) == {"mpi", "nccl"}, "comm_backends lists mpi and nccl")
check(comm.plugin == PLUGIN and repr(comm).startswith("<ndaccel Comm"), "Comm attributes")
check(isinstance(_core.comm_describe(comm), str), "comm_describe")
_core.comm_barrier(comm)

# allreduce: NumPy's reductions over every rank's values, out of place and in place.
for dtype, op, fn in [(np.float64, "sum", np.sum), (np.int32, "max", np.max),
                      (np.int8, "sum", np.sum), (np.float32, "min", np.min),
                      (np.complex128, "sum", np.sum), (np.uint16, "prod", np.prod)]:
    want = fn(np.stack([mine(r, dtype=dtype) for r in range(SIZE)]), axis=0).astype(dtype)
    s, r = dev(mine(RANK, dtype=dtype)), nd.zeros(5, dtype=dtype)
    _core.comm_allreduce(comm, s, r, op)
    check(np.array_equal(host(r), want) and host(r).dtype == want.dtype,
          f"allreduce {op} {np.dtype(dtype).name}: {host(r)} != {want}")
    _core.comm_allreduce(comm, s, s, op)
    check(np.array_equal(host(s), want), f"allreduce {op} {np.dtype(dtype).name} in place")
flags = dev(np.array([RANK == 0, True, False]))
_core.comm_allreduce(comm, flags, flags, "logical_or")
check(host(flags).tolist() == [True, True, False], "allreduce logical_or")
x = dev(np.array([1.0, np.nan if RANK == SIZE - 1 else 2.0]))
_core.comm_allreduce(comm, x, x, "max")
check(host(x)[0] == 1.0 and np.isnan(host(x)[1]), "allreduce max propagates NaN")
if KERNELS:  # a pending expression is computed before it is sent
    s = dev(mine(RANK)) * 2
    r = nd.empty(5)
    _core.comm_allreduce(comm, s, r, "sum")
    check(np.array_equal(host(r), 2 * sum(mine(q) for q in range(SIZE))),
          "allreduce of a lazy send")

# allgather(v), alltoall(v), bcast.
r = nd.empty((SIZE, 5))
_core.comm_allgather(comm, dev(mine(RANK)), r)
check(np.array_equal(host(r), np.stack([mine(q) for q in range(SIZE)])), "allgather")
counts = [q + 1 for q in range(SIZE)]
r = nd.empty(sum(counts), dtype=np.int64)
_core.comm_allgatherv(comm, dev(np.full(RANK + 1, RANK, dtype=np.int64)), r, counts)
check(host(r).tolist() == [q for q in range(SIZE) for _ in range(q + 1)], "allgatherv")
s = dev(np.array([100 * RANK + j for j in range(SIZE)], dtype=np.int32))
r = nd.empty(SIZE, dtype=np.int32)
_core.comm_alltoall(comm, s, r)
check(host(r).tolist() == [100 * q + RANK for q in range(SIZE)], "alltoall")
scounts = [(RANK + j) % 3 for j in range(SIZE)]
rcounts = [(q + RANK) % 3 for q in range(SIZE)]
s = dev(np.concatenate([np.full(scounts[j], 10 * RANK + j, dtype=np.float32)
                        for j in range(SIZE)]))
r = nd.empty(sum(rcounts), dtype=np.float32)
_core.comm_alltoallv(comm, s, scounts, r, rcounts)
want = np.concatenate([np.full(rcounts[q], 10 * q + RANK, dtype=np.float32) for q in range(SIZE)])
check(np.array_equal(host(r), want), "alltoallv")
# The same started: two in flight, device work between start and wait, a
# request waited twice, one collected unwaited, a Comm not freed meanwhile.
r1, r2 = nd.full(sum(rcounts), -1, dtype=np.float32), nd.empty(sum(rcounts), dtype=np.float32)
before = (r1 + 1) if KERNELS else None  # pending: must see -1, not the received values
q1 = _core.comm_ialltoallv(comm, s, scounts, r1, rcounts)
q2 = _core.comm_ialltoallv(comm, s * 2 if KERNELS else s.copy(), scounts, r2, rcounts)
check("in flight" in repr(q1), "a started request's repr")
other = dev(np.arange(6.0))  # a copy to the device, and a kernel where they run
if KERNELS:
    other += 1
check(raises(ValueError, _core.comm_free, comm, part="in flight"), "comm_free while in flight")
_core.comm_wait(q2)
_core.comm_wait(q1)
_core.comm_wait(q1)  # done already: nothing more
check(np.array_equal(host(r1), want), "ialltoallv")
check(np.array_equal(host(r2), want * (2 if KERNELS else 1)), "ialltoallv, two in flight")
if KERNELS:
    check(np.array_equal(host(before), np.zeros(sum(rcounts))),
          "a pending reader of the receive array sees its old values")
    check(np.array_equal(host(other), np.arange(6.0) + 1), "work queued between start and wait")
r3 = nd.empty(sum(rcounts), dtype=np.float32)
q3 = _core.comm_ialltoallv(comm, s, scounts, r3, rcounts)
del q3  # collected unwaited: completes the exchange
check(np.array_equal(host(r3), want), "an unwaited request completes when collected")
check(raises(TypeError, _core.comm_wait, r3, part="CommRequest"), "comm_wait of a non-request")
bad = list(rcounts)
bad[0] += 1 if RANK == SIZE - 1 else 0
check(raises(ValueError, _core.comm_ialltoallv, comm, s, scounts, nd.empty(sum(bad), dtype=np.float32),
             bad, part="rank"), "ialltoallv with a bad count on one rank")
a = dev(mine(SIZE - 1)) if RANK == SIZE - 1 else nd.zeros(5)
_core.comm_bcast(comm, a, SIZE - 1)
check(np.array_equal(host(a), mine(SIZE - 1)), "bcast")

# sendrecv around a ring; an expression reading the receive array, still
# pending, must see its values from before the receive.
r = dev(np.full(4, -1.0))
before = r + 1 if KERNELS else None
_core.comm_sendrecv(comm, dev(mine(RANK, 4)), (RANK + 1) % SIZE, r, (RANK - 1) % SIZE)
check(np.array_equal(host(r), mine((RANK - 1) % SIZE, 4)), "sendrecv ring")
if KERNELS:
    check(np.array_equal(host(before), np.zeros(4)), "a pending reader sees the old values")
r = dev(np.full(4, 7.0))
_core.comm_sendrecv(comm, dev(mine(RANK, 4)), None, r, None)
check(np.array_equal(host(r), np.full(4, 7.0)), "sendrecv with no neighbours")
if SIZE > 1 and RANK < 2:
    if RANK == 0:
        _core.comm_send(comm, dev(mine(0, 6)), 1, tag=3)
    else:
        r = nd.empty(6)
        _core.comm_recv(comm, r, 0, tag=3)
        check(np.array_equal(host(r), mine(0, 6)), "send/recv")

# Bad input on the last rank only: every rank raises the same class.
odd = RANK == SIZE - 1
who = f"rank {SIZE - 1} of {SIZE}: "
s = dev(mine(RANK))
r = nd.zeros(5, dtype=np.float32 if odd else np.float64)
check(raises(TypeError, _core.comm_allreduce, comm, s, r, "sum", part=who), "dtype on one rank")
r = nd.zeros((5, 2))[:, 0] if odd else nd.zeros(5)
check(raises(ValueError, _core.comm_allreduce, comm, s, r, "sum", part="C-contiguous"),
      "non-contiguous on one rank")
check(raises(ValueError, _core.comm_allreduce, comm, s, s, "average" if odd else "sum",
             part=who), "an unknown op on one rank")
r = nd.empty(SIZE * 5 + (1 if odd else 0))
check(raises(ValueError, _core.comm_allgather, comm, s, r, part=who), "allgather size")
if SIZE > 1:
    check(raises(ValueError, _core.comm_allreduce, comm, s, nd.zeros(5),
                 "max" if odd else "sum", part="disagree on the op"), "ops differing")
if SIZE > 1:
    ro = dev(mine(RANK))
    ro.flags.writeable = not odd
    check(raises(ValueError, _core.comm_bcast, comm, ro, 0, part=who),
          "a read-only receive array on one rank")
check(raises(IndexError, _core.comm_agree, comm, IndexError("mine") if odd else None,
             part=who + "mine"), "comm_agree")
_core.comm_agree(comm, None)
check(raises(TypeError, _core.comm_allreduce, comm, np.zeros(5), nd.zeros(5), "sum"),
      "a NumPy array is not an ndaccel array")
_core.comm_allreduce(comm, s, s, "sum")  # still usable
check(np.array_equal(host(s), sum(mine(q) for q in range(SIZE))), "usable after errors")

# mpi4py's communicators, when mpi4py is installed.
try:
    from mpi4py import MPI
except ImportError:
    MPI = None
if MPI is not None:
    sub = MPI.COMM_WORLD.Split(RANK % 2, RANK)
    c2 = _core.comm_init(PLUGIN, sub, DEVICE)
    check(c2.size == sub.Get_size() and c2.rank == sub.Get_rank(), "an mpi4py communicator")
    v = dev(np.array([float(RANK)]))
    _core.comm_allreduce(c2, v, v, "sum")
    check(host(v)[0] == sum(range(RANK % 2, SIZE, 2)), "allreduce on an mpi4py split")
    _core.comm_free(c2)
    sub.Free()
else:
    print(f"rank {RANK}: mpi4py not installed: its communicators not checked", file=sys.stderr)

_core.comm_free(comm)
check(raises(ValueError, _core.comm_barrier, comm, part="freed"), "a freed Comm")
print(f"rank {RANK}: {passed} checks passed, {failed} failed", flush=True)
sys.exit(1 if failed else 0)
