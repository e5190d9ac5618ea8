"""python3 -m ndaccel: version, backends and devices, comm plugins (for
ndaccel.distributed), kernel cache."""
import sys

import ndaccel
from ndaccel import _core


def main():
    print(f"ndaccel {ndaccel.__version__}")
    print("backends:")
    devs = _core.devices()
    for name, why in _core.backends():
        if why is None:
            print(f"  {name}: available")
            for d in devs:
                if d["id"].startswith(name + ":"):
                    kind = "GPU" if d["is_gpu"] else "device"
                    fp64 = "fp64" if d["has_fp64"] else "no fp64"
                    print(f"    {d['id']}: {d['name']} ({kind}, {d['platform']}, "
                          f"{d['global_mem'] / 2**30:.1f} GiB, {fp64})")
        else:
            print(f"  {name}: unavailable ({why})")
    print("comm plugins (ndaccel.distributed, under mpirun):")
    for name, why, desc in _core.comm_backends():
        print(f"  {name}: available ({desc})" if why is None else f"  {name}: unavailable ({why})")
    try:
        print(f"default device: {_core.default_device()}")
    except RuntimeError as exc:
        print(f"default device: none ({exc})")
    info = _core.cache_info()
    if info["dir"]:
        print(f"kernel cache: {info['dir']} ({info['disk_entries']} kernels, "
              f"{info['disk_bytes'] / 2**20:.1f} MiB)")
    else:
        print("kernel cache: disabled (NDACCEL_CACHE=0 or directory unusable)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
