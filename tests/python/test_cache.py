"""The on-disk kernel cache, across processes: a second process running the
same program compiles nothing; corrupted entries are detected and rebuilt
(results stay right); NDACCEL_CACHE=0 turns the disk cache off."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

import ndaccel

PROGRAM = r"""
import json, numpy, ndaccel
a = ndaccel.asarray(numpy.arange(12, dtype=numpy.float64).reshape(3, 4))
b = ndaccel.asarray(numpy.arange(4, dtype=numpy.int32))
r1 = ((a * 2 + b) / 3)[::-1].get()
r2 = float(ndaccel.sum(a[:, 1:] - 1))
r3 = (ndaccel.asarray(numpy.array([3, -7, 100], dtype=numpy.int8)) // 2).get()
info = ndaccel.cache_info()
print(json.dumps({"r1": r1.tolist(), "r2": r2, "r3": r3.tolist(), "info": info}))
"""


def expected_results():
    import numpy
    a = numpy.arange(12, dtype=numpy.float64).reshape(3, 4)
    b = numpy.arange(4, dtype=numpy.int32)
    return {"r1": ((a * 2 + b) / 3)[::-1].tolist(), "r2": float(numpy.sum(a[:, 1:] - 1)),
            "r3": (numpy.array([3, -7, 100], dtype=numpy.int8) // 2).tolist()}


def run_program(env_extra, device):
    env = dict(os.environ)
    env.pop("NDACCEL_CACHE", None)
    env["NDACCEL_DEVICE"] = device.id
    env["NDACCEL_HOST_EVAL"] = "0"  # the program's small stores and folds launch kernels
    env.update(env_extra)
    proc = subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True,
                          text=True, timeout=300, cwd=env_extra.get("HOME", None))
    assert proc.returncode == 0, \
        f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    for key, value in expected_results().items():
        assert out[key] == value, (key, out[key], value)
    return out["info"]


def ndk_files(cache_dir):
    return sorted(pathlib.Path(cache_dir).rglob("*.ndk"))


def test_second_process_compiles_nothing(tmp_path, device):
    cache = tmp_path / "ndcache"
    first = run_program({"NDACCEL_CACHE_DIR": str(cache)}, device)
    assert first["dir"] is not None and pathlib.Path(first["dir"]) == cache
    assert first["compiles"] > 0
    assert first["disk_writes"] == first["compiles"]
    assert first["disk_hits"] == 0
    assert len(ndk_files(cache)) >= first["compiles"]

    second = run_program({"NDACCEL_CACHE_DIR": str(cache)}, device)
    assert second["compiles"] == 0
    assert second["disk_hits"] > 0
    assert second["disk_hits"] == first["compiles"]
    assert second["disk_errors"] == 0
    assert second["disk_entries"] == first["disk_entries"]


def test_corrupted_cache_entries_are_rebuilt(tmp_path, device):
    cache = tmp_path / "ndcache"
    first = run_program({"NDACCEL_CACHE_DIR": str(cache)}, device)
    files = ndk_files(cache)
    assert files
    for f in files:  # flip bytes in the payload (past any header): checksums must see it
        data = bytearray(f.read_bytes())
        for pos in (len(data) // 2, len(data) - 1):
            data[pos] ^= 0xFF
        f.write_bytes(bytes(data))
    third = run_program({"NDACCEL_CACHE_DIR": str(cache)}, device)
    assert third["disk_hits"] == 0  # no corrupted entry was used
    assert third["compiles"] == first["compiles"]
    # and the rebuilt entries are good again
    fourth = run_program({"NDACCEL_CACHE_DIR": str(cache)}, device)
    assert fourth["compiles"] == 0 and fourth["disk_hits"] == first["compiles"]


def test_truncated_and_foreign_files(tmp_path, device):
    cache = tmp_path / "ndcache"
    run_program({"NDACCEL_CACHE_DIR": str(cache)}, device)
    files = ndk_files(cache)
    files[0].write_bytes(b"")
    if len(files) > 1:
        files[1].write_bytes(files[1].read_bytes()[:17])
    (cache / "README.txt").write_text("not a kernel")
    info = run_program({"NDACCEL_CACHE_DIR": str(cache)}, device)
    assert info["compiles"] == min(len(files), 2)


def test_cache_disabled(tmp_path, device):
    cache = tmp_path / "ndcache"
    info = run_program({"NDACCEL_CACHE_DIR": str(cache), "NDACCEL_CACHE": "0"}, device)
    assert info["dir"] is None
    assert info["compiles"] > 0 and info["disk_hits"] == 0 and info["disk_writes"] == 0
    assert not ndk_files(cache)


def test_unusable_cache_dir(tmp_path, device):
    """A cache dir that cannot be created: the disk cache is off, results are
    still right."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    info = run_program({"NDACCEL_CACHE_DIR": str(blocker / "sub")}, device)
    assert info["dir"] is None or info["disk_writes"] == 0 or info["disk_errors"] > 0


def test_cache_info_in_this_process(fused_kernels):
    info = ndaccel.cache_info()
    for key in ("memory_hits", "disk_hits", "compiles", "disk_writes", "disk_errors",
                "disk_entries", "disk_bytes"):
        assert isinstance(info[key], int) and info[key] >= 0
    before = info["memory_hits"]
    a = ndaccel.ones(5)
    (a + a).get()
    (a + a).get()
    assert ndaccel.cache_info()["memory_hits"] > before


def test_cache_dir_defaults_to_xdg(tmp_path, device):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "NDACCEL_CACHE_DIR": ""}
    info = run_program(env, device)
    if info["dir"] is not None:
        assert pathlib.Path(info["dir"]) == tmp_path / "xdg" / "ndaccel"
    else:
        pytest.fail("an empty NDACCEL_CACHE_DIR should fall back to $XDG_CACHE_HOME/ndaccel")
