"""The process's runtime state: kernel cache counters and clearing, the
caching allocator's counters and release, and the exit hook that waits for
queued device work. A foundation module."""
import atexit

from . import _core
from ._device import resolve


def cache_info():
    """Kernel cache counters of this process (memory_hits, disk_hits,
    compiles, disk_writes, disk_errors) and the disk cache's dir, entries
    and bytes. A second process running the same program compiles 0."""
    return _core.cache_info()


def cache_clear(disk=True):
    """Forgets compiled kernels of this process, and the disk cache."""
    _core.cache_clear(disk)


def memory_info(device=None):
    """Caching allocator counters of a device (bytes live and cached)."""
    return _core.pool_info(resolve(device))


def free_cached_memory(device=None):
    """Returns the allocator's cached blocks to the device."""
    _core.pool_release(resolve(device))


def _finish_queued_work():
    """At exit, waits for work still queued on the devices: PoCL builds a
    kernel's work-group function in a worker thread at first launch, and
    exit() tearing down LLVM under that thread crashes (SIGSEGV in
    libLLVM, about one exit in four with a cold PoCL cache). Does nothing
    in a process forked after the devices were initialised: the queues are
    the parent's, and waiting on them there would hang."""
    if _core.forked_after_init():
        return
    try:
        for d in _core.devices():
            _core.synchronize(d["id"])
    except Exception:  # noqa: BLE001 - nothing useful to do at exit
        pass


atexit.register(_finish_queued_work)
