"""The job: one communicator over MPI_COMM_WORLD's ranks, opened on first
use, and each rank's device.

Rank -> device: $NDACCEL_DEVICE when set; else cuda:<local rank> when the
node has several CUDA devices (local rank from Open MPI's or MPICH's
environment); else the default device. The plugin is $NDACCEL_COMM ("mpi"
by default; "nccl" for CUDA devices). The communicator lives until the
process exits.

Faults: once the communicator spans several ranks, an exception that no
rank-local code catches ends the whole job (_abort_on_uncaught): the
traceback is printed with the rank, then comm_abort (MPI_Abort). Without
it the failing rank would wait at exit (MPI_Finalize) for peers that wait
in a collective for it, and the job would hang."""
import os
import sys

from .. import _core, _device

_world = None


def _local_rank():
    for var in ("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID",
                "PMI_LOCAL_RANK"):
        if var in os.environ:
            return int(os.environ[var])
    return 0


def rank_device():
    """The device id this rank works on (see the module's docstring)."""
    if os.environ.get("NDACCEL_DEVICE"):
        return os.environ["NDACCEL_DEVICE"]
    cuda = [d.id for d in _device.devices() if d.id.startswith("cuda:")]
    if len(cuda) > 1:
        return cuda[_local_rank() % len(cuda)]
    return _device.get_device().id


def world():
    """The communicator of every rank (collective on first call)."""
    global _world
    if _world is None:
        name = os.environ.get("NDACCEL_COMM", "mpi")
        available = {n: why for n, why, _ in _core.comm_backends()}
        if name not in available:
            raise RuntimeError(f"ndaccel.distributed: no comm plugin {name!r} (known: "
                               f"{', '.join(available) or 'none'})")
        if available[name] is not None:
            raise RuntimeError(f"ndaccel.distributed: the {name!r} comm plugin is unavailable: "
                               f"{available[name]}")
        dev = rank_device()
        _device.set_device(dev)
        _world = _core.comm_init(name, None, dev)
        if _world.size > 1:
            _abort_on_uncaught(_world)
    return _world


def _abort_on_uncaught(comm):
    """Wraps sys.excepthook: the previous hook prints the traceback (after a line naming
    this rank), then comm_abort ends the job with "rank R of N: uncaught <type>: <message>"
    (the plugin's prefix) so mpirun stops every rank. SystemExit never reaches the hook."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        try:
            print(f"ndaccel.distributed: rank {comm.rank} of {comm.size}: uncaught exception, "
                  f"ending the job", file=sys.stderr, flush=True)
            previous(exc_type, exc, tb)
            sys.stderr.flush()
        finally:
            text = str(exc).splitlines()[0] if str(exc) else ""
            _core.comm_abort(comm, f"uncaught {exc_type.__name__}: {text}"[:400])

    hook.previous = previous
    sys.excepthook = hook


def rank():
    """This process's rank in the job."""
    return world().rank


def size():
    """The number of ranks."""
    return world().size


def block_bounds(n, p):
    """[(start, stop)] of n rows over p ranks: contiguous blocks, the first n % p ranks one
    row longer (numpy.array_split's sizes)."""
    base, extra = divmod(n, p)
    out, start = [], 0
    for r in range(p):
        stop = start + base + (1 if r < extra else 0)
        out.append((start, stop))
        start = stop
    return out
