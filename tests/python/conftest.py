"""pytest configuration: hypothesis profile, the per-device fixture, and the
kernel-cache report at the end of the session.

Comparison helpers (xp_test, xp_compare, assert_same) and test data live in
xp_util.py. Kernel compiles are the dominant cost of this suite on a cold
cache (on PoCL ~0.25 s per element-wise kernel, ~0.5 s per reduction kernel;
~0.08 s when only PoCL's own cache is warm): dtype x dtype sweeps stay on
contiguous 1-D operands and layout variety on a few dtypes; the compile count
is printed at the end of the run.
"""
import os

import pytest
from hypothesis import HealthCheck, settings

import ndaccel

# database=None: the Bazel sandbox is read-only outside $TEST_TMPDIR.
# deadline=None: the first call of a kernel compiles it (~0.2 s on PoCL).
# derandomize=True: CI runs the same examples every time (a fixed budget).
settings.register_profile(
    "ndaccel", database=None, deadline=None, max_examples=60, print_blob=True, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much])
settings.load_profile(os.environ.get("NDACCEL_HYPOTHESIS_PROFILE", "ndaccel"))


def pytest_configure(config):
    # hypothesis's explain phase imports libcst, which warns about mypy_extensions.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:libcst")
    # Small fused stores run on the host on CPU devices (nda/host_eval.h).
    # The suite tests the generated kernels unless NDACCEL_HOST_EVAL names a
    # limit: the pytest_host_eval target runs it again with a large one, so
    # the same cases test the host loops. test_host_eval.py tests both.
    if not os.environ.get("NDACCEL_HOST_EVAL"):
        ndaccel._core.host_eval_limit(0)


def pytest_report_header(config):
    info = ndaccel.cache_info()
    return [f"ndaccel {ndaccel.__version__} from {ndaccel.__file__}; "
            f"host evaluation limit {ndaccel._core.host_eval_limit()}",
            f"devices: {', '.join(d.id for d in ndaccel.devices()) or 'none'}; "
            f"kernel cache: {info['dir']}"]


# ---------------------------------------------------------------- device

def _device_ids():
    """Every device, plus one "<backend>:unavailable" entry per backend
    that has no device here (its cases are skipped with the reason)."""
    from ndaccel import _core
    try:
        ids = [d.id for d in ndaccel.devices()]
    except Exception:  # no backend at all: the tests say so by failing
        ids = []
    for name, why in _core.backends():
        if not any(i.startswith(name + ":") for i in ids):
            ids.append(f"{name}:unavailable")
    return ids


@pytest.fixture(scope="session", params=_device_ids() or ["<no device>"], autouse=True)
def device(request):
    """Runs the whole suite once per device; a backend without devices here
    (e.g. CUDA on a machine without a GPU) shows as skipped with the reason."""
    if request.param == "<no device>":
        pytest.fail("ndaccel.devices() is empty: no OpenCL/CUDA device found")
    if request.param.endswith(":unavailable"):
        from ndaccel import _core
        name = request.param.split(":")[0]
        why = dict(_core.backends()).get(name) or "no devices"
        pytest.skip(f"{name} backend unavailable: {why}")
    previous = ndaccel.get_device()
    ndaccel.set_device(request.param)
    yield ndaccel.get_device()
    ndaccel.set_device(previous)


@pytest.fixture
def reduction_kernels(monkeypatch):
    """Whole-array reductions of stored arrays in ndaccel's kernels on every
    device: on CPU devices they would otherwise call NumPy on the storage
    (_statistics/_host_reductions.py), and a file that tests the kernels
    (pytestmark = pytest.mark.usefixtures("reduction_kernels")) would test
    NumPy against itself. test_host_reductions.py tests that route."""
    from ndaccel._statistics import _host_reductions
    monkeypatch.setattr(_host_reductions, "USE", False)


@pytest.fixture
def fused_kernels():
    """Fused stores on the device's kernels, whatever the host-evaluation limit
    (for tests that count kernel launches or cache hits)."""
    from ndaccel import _core
    old = _core.host_eval_limit(0)
    yield
    _core.host_eval_limit(old)


# ---------------------------------------------------------------- shards

# Seconds a file takes with empty kernel caches where it is far from the
# suite's average of ~0.25 s per collected case (library plans and kernels,
# subprocesses, 4 GiB arrays). Only balances Bazel's shards.
_COLD_SECONDS = {"test_linalg_solve.py": 225, "test_fft.py": 140, "test_linalg_blas.py": 135,
                 "test_linalg_solver_path.py": 45,
                 "test_leaks.py": 30, "test_large.py": 30, "test_memory.py": 20}


def pytest_collection_modifyitems(config, items):
    """Bazel test sharding (shard_count in tests/python/BUILD): whole files
    go to shards, largest estimated cost first onto the least loaded shard,
    so every shard compiles mostly its own kernels."""
    total = int(os.environ.get("TEST_TOTAL_SHARDS", "1"))
    if total <= 1:
        return
    index = int(os.environ["TEST_SHARD_INDEX"])
    status = os.environ.get("TEST_SHARD_STATUS_FILE")
    if status:
        open(status, "a").close()  # tells Bazel this runner shards
    by_file = {}
    for item in items:
        by_file.setdefault(item.path.name, []).append(item)

    def cost(name):
        return _COLD_SECONDS.get(name, 0.25 * len(by_file[name]))

    loads, owner = [0.0] * total, {}
    for name in sorted(by_file, key=lambda n: (-cost(n), n)):
        shard = loads.index(min(loads))
        owner[name] = shard
        loads[shard] += cost(name)
    keep = [it for it in items if owner[it.path.name] == index]
    config.hook.pytest_deselected(items=[it for it in items if owner[it.path.name] != index])
    items[:] = keep


# ---------------------------------------------------------------- report

def pytest_terminal_summary(terminalreporter, exitstatus, config):
    try:
        info = ndaccel.cache_info()
    except Exception as exc:  # noqa: BLE001
        terminalreporter.write_line(f"ndaccel.cache_info() failed: {exc!r}")
        return
    terminalreporter.section("ndaccel kernel cache")
    terminalreporter.write_line(
        f"compiles={info['compiles']} disk_hits={info['disk_hits']} "
        f"memory_hits={info['memory_hits']} disk_writes={info['disk_writes']} "
        f"disk_errors={info['disk_errors']} dir={info['dir']} "
        f"disk_entries={info['disk_entries']}")
