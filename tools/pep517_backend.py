"""The PEP 517 build backend of `pip install .` and `pip wheel .`
(pyproject.toml names it, backend-path ["tools"]).

It builds with Bazel, the project's one build, in the checkout itself
(Bazel's output tree and caches make a second build incremental), and
packs a wheel by hand (a zip with the dist-info PEP 427 asks for; no
setuptools or wheel package needed, so an offline build works):

    ndaccel/**.py          python/ndaccel, less Bazel's BUILD files
    ndaccel/_core.so       the extension, built for the Python running pip
    ndaccel/libndaccel_*.so  the device and comm plugins Bazel could build
                           here (OpenCL always; CUDA where a toolkit was
                           found; MPI and NCCL where Open MPI was); _core
                           finds plugins in its own directory

The wheel is tagged for this interpreter and platform (cpXY-cpXY-linux_*):
the extension is built against this Python, and the plugins load the
system's OpenCL/CUDA/MPI libraries at run time, so the wheel installs on
another machine with the same Python and system libraries. `pip uninstall
ndaccel` removes every file the RECORD lists."""
import base64
import hashlib
import os
import re
import subprocess
import sys
import sysconfig
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "ndaccel"
PLUGINS = [
    ("//backends/opencl:libndaccel_opencl.so", "backends/opencl/libndaccel_opencl.so"),
    ("//backends/cuda:libndaccel_cuda.so", "backends/cuda/libndaccel_cuda.so"),
    ("//comm/mpi:libndaccel_comm_mpi.so", "comm/mpi/libndaccel_comm_mpi.so"),
    ("//comm/nccl:libndaccel_comm_nccl.so", "comm/nccl/libndaccel_comm_nccl.so"),
]
CORE = ("//python/ndaccel:_core.so", "python/ndaccel/_core.so")


def _version():
    with open(os.path.join(ROOT, "core", "include", "nda", "version.h")) as f:
        return re.search(r'#define NDA_VERSION "([^"]+)"', f.read()).group(1)


def _tag():
    impl = f"cp{sys.version_info.major}{sys.version_info.minor}"
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{impl}-{impl}-{plat}"


def _log(msg):
    print(f"ndaccel build: {msg}", file=sys.stderr, flush=True)


def _bazel(*args, check=True):
    return subprocess.run(["bazel", *args], cwd=ROOT, check=check,
                          stdout=subprocess.PIPE if not check else None, text=True)


def _buildable(label):
    # `bazel query` of a target that the workspace leaves out (no CUDA
    # toolkit, no MPI) fails: that plugin is then not part of the wheel.
    return _bazel("query", label, check=False).returncode == 0


def _build():
    """Builds the extension and every plugin this machine can build; returns
    [(path in the wheel, file on disk)] of the shared objects."""
    targets = [CORE] + [p for p in PLUGINS if _buildable(p[0])]
    _log(f"bazel build {' '.join(t for t, _ in targets)}")
    _bazel("build", "--noshow_progress", *[t for t, _ in targets])
    _check_python()
    out = []
    for _, rel in targets:
        path = os.path.join(ROOT, "bazel-bin", rel)
        if not os.path.isfile(path):
            raise RuntimeError(f"bazel did not produce {rel}")
        out.append((f"{NAME}/{os.path.basename(rel)}", path))
    return out


def _check_python():
    """The workspace builds the extension for the `python3` on PATH (or $PYTHON_BIN, see
    third_party/repos.bzl), with that interpreter's NumPy headers. A virtual environment
    made from it shares its ABI; any other interpreter must be named."""
    base = _bazel("info", "output_base", check=False).stdout.strip()
    with open(os.path.join(base, "external", "local_python", "defs.bzl")) as f:
        built = re.search(r'PYTHON_VERSION = "(\d+)\.(\d+)', f.read())
    here = sys.version_info[:2]
    if built and (int(built.group(1)), int(built.group(2))) != here:
        raise RuntimeError(
            f"the extension was built for Python {built.group(1)}.{built.group(2)} (the python3 "
            f"on PATH), not for this Python {here[0]}.{here[1]}: set PYTHON_BIN={sys.executable} "
            f"(with NumPy installed for it) and build again")


def _python_files():
    src = os.path.join(ROOT, "python", NAME)
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for fn in sorted(filenames):
            if fn.endswith(".py"):
                full = os.path.join(dirpath, fn)
                yield f"{NAME}/{os.path.relpath(full, src)}", full


def _metadata(version):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\n"
            f"Summary: NumPy on accelerators (CUDA and OpenCL), written in C\n"
            f"Requires-Python: >=3.9\nRequires-Dist: numpy>=2.0\n"
            f"Description-Content-Type: text/markdown\n\n{readme}")


def _record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def _dist_info(version):
    return f"{NAME}-{version}.dist-info"


def _write_dist_info(directory, version):
    info = os.path.join(directory, _dist_info(version))
    os.makedirs(info, exist_ok=True)
    files = {"METADATA": _metadata(version),
             "WHEEL": (f"Wheel-Version: 1.0\nGenerator: ndaccel pep517_backend\n"
                       f"Root-Is-Purelib: false\nTag: {_tag()}\n"),
             "top_level.txt": f"{NAME}\n"}
    for name, text in files.items():
        with open(os.path.join(info, name), "w", encoding="utf-8") as f:
            f.write(text)
    return _dist_info(version)


# ---- PEP 517 hooks ------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _write_dist_info(metadata_directory, _version())


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    members = list(_python_files()) + _build()
    info = _dist_info(version)
    wheel_name = f"{NAME}-{version}-{_tag()}.whl"
    path = os.path.join(wheel_directory, wheel_name)
    records = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        def add(arcname, data, mode):
            zi = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            zi.external_attr = (0o100000 | mode) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(zi, data)
            records.append(f"{arcname},{_record_hash(data)},{len(data)}")

        for arcname, full in members:
            with open(full, "rb") as f:
                add(arcname, f.read(), 0o755 if arcname.endswith(".so") else 0o644)
        tmp = os.path.join(wheel_directory, f".{NAME}-dist-info-tmp")
        _write_dist_info(tmp, version)
        for name in ("METADATA", "WHEEL", "top_level.txt"):
            with open(os.path.join(tmp, info, name), "rb") as f:
                add(f"{info}/{name}", f.read(), 0o644)
            os.remove(os.path.join(tmp, info, name))
        os.rmdir(os.path.join(tmp, info))
        os.rmdir(tmp)
        records.append(f"{info}/RECORD,,")
        zi = zipfile.ZipInfo(f"{info}/RECORD", date_time=(1980, 1, 1, 0, 0, 0))
        zi.external_attr = (0o100000 | 0o644) << 16
        zf.writestr(zi, "\n".join(records) + "\n")
    _log(f"wrote {wheel_name} ({len(members)} files)")
    return wheel_name


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_sdist(sdist_directory, config_settings=None):
    """A source archive of the tracked files (git archive): the checkout minus
    Bazel's outputs."""
    version = _version()
    name = f"{NAME}-{version}"
    path = os.path.join(sdist_directory, f"{name}.tar.gz")
    subprocess.run(["git", "archive", "--format=tar.gz", f"--prefix={name}/", "-o", path,
                    "HEAD"], cwd=ROOT, check=True)
    return f"{name}.tar.gz"
