"""Devices: ids like "opencl:0" or "cuda:0"; one current device per process."""
from . import _core


class Device:
    """A compute device. Compares equal to its id string."""

    # A dict of slots gives the public one a docstring.
    __slots__ = {"id": "The device id string, e.g. 'opencl:0' or 'cuda:0'.",
                 "_info": "The backend's property dict, read on first use."}

    def __init__(self, id, info=None):
        self.id = id
        self._info = info

    @property
    def info(self):
        """The backend's properties of this device (a dict: id, name, memory, ...)."""
        if self._info is None:
            self._info = next((d for d in _core.devices() if d["id"] == self.id), {})
        return self._info

    @property
    def name(self):
        """The device's name as its driver reports it."""
        return self.info.get("name", "")

    def __eq__(self, other):
        if isinstance(other, Device):
            return self.id == other.id
        if isinstance(other, str):
            return self.id == other
        return NotImplemented

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return f"<ndaccel.Device {self.id} ({self.name})>"

    def __str__(self):
        return self.id


_current = None


def devices():
    """Every device of every available backend, in default-order."""
    return [Device(d["id"], d) for d in _core.devices()]


def get_device():
    """The current device: set_device's, else $NDACCEL_DEVICE, else the
    first CUDA device, else the first OpenCL GPU, else the first device."""
    global _current
    if _current is None:
        _current = Device(_core.default_device())
    return _current


def set_device(device):
    """Makes `device` ("opencl:0", a Device) current for new arrays."""
    global _current
    ident = device.id if isinstance(device, Device) else str(device)
    known = [d["id"] for d in _core.devices()]
    if ident not in known:
        raise ValueError(f"unknown device {ident!r} (available: {', '.join(known) or 'none'})")
    _current = Device(ident)


def resolve(device):
    """Device id string for a `device=` argument (None: current)."""
    if device is None:
        return get_device().id
    if isinstance(device, Device):
        return device.id
    if isinstance(device, str):
        if device not in _known_ids():
            raise ValueError(f"unknown device {device!r} (available: "
                             f"{', '.join(_known_ids()) or 'none'})")
        return device
    raise TypeError(f"device must be a device id string or ndaccel.Device, not {type(device).__name__}")


_KNOWN_IDS = None


def _known_ids():
    """Ids of the devices (fixed for the life of the process)."""
    global _KNOWN_IDS
    if _KNOWN_IDS is None:
        _KNOWN_IDS = tuple(d["id"] for d in _core.devices())
    return _KNOWN_IDS


def synchronize(device=None):
    """Waits for all queued work on the device."""
    _core.synchronize(resolve(device))

