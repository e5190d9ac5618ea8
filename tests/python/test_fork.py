"""Fork safety: a process forked after ndaccel initialised its devices never hangs.

A device driver's threads and locks do not survive fork() (PoCL's workers
are gone in the child, the CUDA driver forbids use after fork), so such a
child must not reach the driver: every device use raises RuntimeError
advising multiprocessing's 'spawn' start method, frees (garbage-collected
inherited arrays) do nothing, and the exit handlers skip waiting on the
parent's queues. A child forked before any device use initialises its own
devices and works.

Every case runs a small script in a subprocess (its own session, killed
whole after 60 s), so a regression that hangs the script or its forked
children fails the test instead of the suite. The scripts inherit
os.environ (Bazel's PYTHONPATH and NDACCEL_PLUGIN_DIR) and run on the
suite's current device through NDACCEL_DEVICE."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy
import pytest

TIMEOUT_S = 60

# The message every refused use carries.
ADVICE = "spawn"

# Shared by every script: run on the given device, report one line per
# attempted use, compare with NumPy.
PRELUDE = textwrap.dedent("""\
    import gc
    import os
    import sys

    import numpy
    import ndaccel as np
    from ndaccel import _core

    def attempt(name, fn):
        '''Prints "<name> <exception class> <whether the message advises spawn>".'''
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            print(name, type(exc).__name__, "spawn" in str(exc), flush=True)
        else:
            print(name, "no-error", flush=True)

    def wait_exit_code(pid):
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)
    """)


def run_script(tmp_path, body, device, name="script.py"):
    """Runs PRELUDE + body with this interpreter on `device`; returns
    (exit code, stdout lines). Fails the test, killing the script's whole
    process group, when it does not finish within TIMEOUT_S."""
    path = tmp_path / name
    path.write_text(PRELUDE + textwrap.dedent(body))
    env = dict(os.environ, NDACCEL_DEVICE=device.id)
    proc = subprocess.Popen([sys.executable, str(path)], env=env, cwd=str(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{name} hung (killed after {TIMEOUT_S} s)\nstdout:\n{out}\nstderr:\n{err}")
    finally:
        try:  # a forked child left behind, e.g. by a failed assertion
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    assert proc.returncode == 0, f"{name} exited with {proc.returncode}\nstdout:\n{out}\nstderr:\n{err}"
    return out.splitlines(), err


def refused(lines, names):
    """Asserts each use in `names` was reported as a RuntimeError advising spawn."""
    reported = {ln.split()[0]: ln.split()[1:] for ln in lines if ln.split() and ln.split()[0] in names}
    for n in names:
        assert reported.get(n) == ["RuntimeError", "True"], f"{n}: {reported.get(n)} (all: {lines})"


# ---------------------------------------------------------------- (a)

def test_child_device_use_raises_and_parent_still_works(tmp_path, device):
    uses = ["create", "get", "arith", "pending_get", "to_numpy", "reduce", "synchronize"]
    lines, _ = run_script(tmp_path, """
        a = np.arange(6.0)
        assert (a.get() == numpy.arange(6.0)).all()
        pending = a * 3  # still lazy at the fork
        pid = os.fork()
        if pid == 0:
            assert _core.forked_after_init()
            attempt("create", lambda: np.zeros(3))
            attempt("get", lambda: a.get())
            attempt("arith", lambda: (a + 1).get())
            attempt("pending_get", lambda: pending.get())
            attempt("to_numpy", lambda: numpy.asarray(a))
            attempt("reduce", lambda: a.sum())
            attempt("synchronize", lambda: np.synchronize())
            sys.exit(7)
        print("child exit", wait_exit_code(pid), flush=True)
        assert not _core.forked_after_init()
        assert (pending.get() == numpy.arange(6.0) * 3).all()
        assert ((a + 1).get() == numpy.arange(6.0) + 1).all()
        assert (np.zeros(3).get() == 0).all()
        print("parent ok", flush=True)
        """, device)
    refused(lines, uses)
    assert "child exit 7" in lines
    assert lines[-1] == "parent ok"


# ---------------------------------------------------------------- (b)

@pytest.mark.parametrize("how", ["sys_exit", "os_exit", "collect_then_exit"])
def test_child_without_device_use_exits(tmp_path, device, how):
    lines, _ = run_script(tmp_path, f"""
        a = np.arange(1000.0)
        b = (a * 2).sum()  # computed
        pending = a + 1  # lazy at the fork
        view = a[10:20]
        how = {how!r}
        pid = os.fork()
        if pid == 0:
            if how == "os_exit":
                os._exit(4)
            if how == "collect_then_exit":
                del a, pending, view  # freed in the child: must not reach the driver
                gc.collect()
            sys.exit(5)  # runs the atexit handlers, then frees what is left
        print("child exit", wait_exit_code(pid), flush=True)
        assert float(b) == float(numpy.arange(1000.0).sum() * 2)
        assert (pending.get() == numpy.arange(1000.0) + 1).all()
        assert (view.get() == numpy.arange(10.0, 20.0)).all()
        print("parent ok", flush=True)
        """, device)
    assert lines == [f"child exit {4 if how == 'os_exit' else 5}", "parent ok"]


def test_fork_while_another_thread_uses_the_device(tmp_path, device):
    """The library lock may be held by a parent thread at fork time: the
    child still frees, refuses and exits without waiting for it."""
    lines, _ = run_script(tmp_path, """
        import threading
        import time

        stop = threading.Event()
        x = np.arange(200_000.0)

        def busy():
            while not stop.is_set():
                float((x * 2 + 1).sum())  # waits on the device holding the library lock

        t = threading.Thread(target=busy)
        t.start()
        codes = []
        for i in range(6):
            time.sleep(0.05)
            pid = os.fork()
            if pid == 0:
                try:
                    x[1:]  # needs the library lock the busy thread may have held
                except RuntimeError:
                    os._exit(3)
                os._exit(2)
            codes.append(wait_exit_code(pid))
        for i in range(3):
            time.sleep(0.05)
            pid = os.fork()
            if pid == 0:
                attempt(f"use{i}", lambda: (x + 1).get())
                del x
                gc.collect()
                sys.exit(6)
            codes.append(wait_exit_code(pid))
        stop.set()
        t.join()
        print("codes", *codes, flush=True)
        assert float((x * 2).sum()) == float((numpy.arange(200_000.0) * 2).sum())
        print("parent ok", flush=True)
        """, device)
    refused(lines, ["use0", "use1", "use2"])
    assert "codes 3 3 3 3 3 3 6 6 6" in lines
    assert lines[-1] == "parent ok"


# ---------------------------------------------------------------- (c), (d)

def test_multiprocessing_fork_worker_raises(tmp_path, device):
    lines, _ = run_script(tmp_path, """
        import multiprocessing

        def work(k):
            return (np.arange(4.0) * k).get().tolist()

        if __name__ == "__main__":
            assert (np.arange(4.0).get() == numpy.arange(4.0)).all()  # devices initialised
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(2) as pool:
                attempt("pool_apply", lambda: pool.apply(work, (2,)))
                attempt("pool_map", lambda: pool.map(work, [1, 2, 3]))
            proc = ctx.Process(target=work, args=(1,))
            proc.start()
            proc.join()
            print("process exit", proc.exitcode, flush=True)
            assert ((np.arange(4.0) * 2).get() == numpy.arange(4.0) * 2).all()
            print("parent ok", flush=True)
        """, device)
    refused(lines, ["pool_apply", "pool_map"])
    assert "process exit 1" in lines  # the worker's RuntimeError, not a hang
    assert lines[-1] == "parent ok"


def test_multiprocessing_spawn_workers_compute(tmp_path, device):
    lines, _ = run_script(tmp_path, """
        import multiprocessing

        def work(k):
            x = np.arange(12.0).reshape(3, 4)
            return ((x * k + 1).sum(axis=0)).get().tolist()

        if __name__ == "__main__":
            assert (np.arange(4.0).get() == numpy.arange(4.0)).all()  # devices initialised
            with multiprocessing.get_context("spawn").Pool(2) as pool:
                got = pool.map(work, [1, 2, 3])
            for k, row in zip([1, 2, 3], got):
                want = (numpy.arange(12.0).reshape(3, 4) * k + 1).sum(axis=0)
                assert numpy.array_equal(numpy.array(row), want), (k, row, want)
            print("spawn ok", flush=True)
        """, device)
    assert lines == ["spawn ok"]


# ---------------------------------------------------------------- (e)

def test_fork_before_any_device_use(tmp_path, device):
    lines, _ = run_script(tmp_path, """
        pid = os.fork()  # ndaccel imported, no device initialised yet
        if pid == 0:
            code = 0
            try:
                assert not _core.forked_after_init()
                x = np.arange(10.0)
                assert numpy.array_equal((x * 2 + 1).get(), numpy.arange(10.0) * 2 + 1)
                assert float(x.sum()) == 45.0
            except BaseException as exc:  # noqa: BLE001 - reported below
                print("child failed", repr(exc), flush=True)
                code = 1
            sys.stdout.flush()
            sys.exit(code)
        print("child exit", wait_exit_code(pid), flush=True)
        assert numpy.array_equal((np.arange(5.0) - 1).get(), numpy.arange(5.0) - 1)
        print("parent ok", flush=True)
        """, device)
    assert lines == ["child exit 0", "parent ok"]
