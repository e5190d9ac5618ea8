#!/usr/bin/env bash
# CI's check of the Python packaging (issue 13): in fresh virtual
# environments, `pip install .` builds through tools/pep517_backend.py and
# the package imports and computes from another directory; `pip wheel .`
# makes a wheel that installs into a second environment; `pip uninstall`
# leaves no file behind. Needs network access to PyPI for NumPy (or a pip
# cache that has it).
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
src=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python=${PYTHON:-python3}

smoke() {  # $1: the environment's python
    (cd "$work" && "$1" - <<'PY'
import os, numpy, ndaccel
pkg = os.path.dirname(ndaccel.__file__)
assert "site-packages" in pkg and not pkg.startswith(os.environ.get("SRC", "/nonexistent")), pkg
plugins = sorted(f for f in os.listdir(pkg) if f.startswith("libndaccel_"))
assert "libndaccel_opencl.so" in plugins, plugins
x = ndaccel.linspace(0, 1, 1000)
h = numpy.linspace(0, 1, 1000)
assert numpy.allclose(numpy.asarray(ndaccel.sin(x) * 2 + x), numpy.sin(h) * 2 + h)
print("imported from", pkg, "with plugins", ", ".join(plugins), "on", ndaccel.get_device())
PY
    )
}

echo "== pip install . into a fresh virtual environment"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check numpy
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "$src"
SRC=$src smoke "$work/venv/bin/python"

echo "== pip uninstall ndaccel removes every file"
"$work/venv/bin/pip" uninstall --quiet --yes ndaccel
site=$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')
left=$(find "$site" -maxdepth 1 -iname 'ndaccel*')
if [ -n "$left" ]; then echo "left behind: $left" >&2; exit 1; fi

echo "== pip wheel . installs into another environment"
"$work/venv/bin/pip" wheel --quiet --disable-pip-version-check --no-deps -w "$work/wheels" "$src"
"$python" -m venv "$work/venv2"
"$work/venv2/bin/pip" install --quiet --disable-pip-version-check numpy "$work"/wheels/ndaccel-*.whl
SRC=$src smoke "$work/venv2/bin/python"
echo "pip install: ok"
