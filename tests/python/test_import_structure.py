"""The package's import structure (python/ndaccel):

* no import cycle at module level: importing ndaccel in a fresh interpreter
  with builtins.__import__ instrumented, no ndaccel module, while it is
  being initialised, imports a module that is itself still being
  initialised (a module of the import chain that led to it, its own
  package's partly run __init__ included). Such a cycle works only because
  of the order of the statements and hides which module needs which;
* no import statement inside a function, unless its line carries a
  comment with "lazy:" or "optional" saying why (an optional dependency, a
  submodule loaded on first use such as ndaccel.testing);
* the layering: the foundation modules (FOUNDATION, bottom first) import
  only foundation modules below them, so the ndarray class, the ufunc
  objects and what they stand on never depend on the topic subpackages;
  the methods built on those are attached by ndaccel._array_methods, which
  ndaccel/__init__.py imports last and no other module imports;
* every module is imported by `import ndaccel` (no file left behind by a
  move) and has a docstring.
"""
import ast
import json
import os
import subprocess
import sys

import pytest

import ndaccel

PKG_DIR = os.path.dirname(os.path.abspath(ndaccel.__file__))

# Bottom first: each may import (at module level) only those before it, and
# the extension ndaccel._core.
FOUNDATION = [
    "ndaccel._frames",
    "ndaccel._transfer",
    "ndaccel._flags",
    "ndaccel._axes",
    "ndaccel._dtypes",
    "ndaccel._host_libraries",
    "ndaccel._scalars",
    "ndaccel._device",
    "ndaccel._runtime",
    "ndaccel._pickling",
    "ndaccel._creation._from_data",
    "ndaccel._creation._basic",
    "ndaccel._ufunc",
    "ndaccel._indexing._views",
    "ndaccel._ndarray",
]
METHODS = "ndaccel._array_methods"
# Modules `import ndaccel` does not load, on purpose.
NOT_IMPORTED = {"ndaccel.__main__", "ndaccel.testing", "ndaccel.distributed",
                "ndaccel.distributed._context", "ndaccel.distributed._darray",
                "ndaccel.distributed._reductions"}

# Run in a fresh interpreter as `python -c _PROBE package`: records, for
# each module of the package, the package's modules it imports while it is
# being initialised, and the imports whose target was itself still being
# initialised (the cycles).
_PROBE = r'''
import builtins, importlib, importlib.util, json, sys

PACKAGE = sys.argv[1]
real_import = builtins.__import__
edges, cycles = {}, []


def ours(name):
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def initialising(name):
    spec = getattr(sys.modules.get(name), "__spec__", None)
    return bool(getattr(spec, "_initializing", False))


def absolute(name, globals_, level):
    if not level:
        return name
    package = globals_.get("__package__") or globals_["__name__"].rpartition(".")[0]
    return importlib.util.resolve_name("." * level + name, package)


def recording_import(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__", "")
    module = real_import(name, globals, locals, fromlist, level)
    if not ours(importer) or not initialising(importer):
        return module
    base = absolute(name, globals, level)
    if fromlist:
        # `from P import x`: the submodule P.x when x is one, else P itself
        targets = [f"{base}.{x}" if f"{base}.{x}" in sys.modules else base for x in fromlist]
    else:
        targets = [base]
    for target in targets:
        if ours(target) and target != importer:
            edges.setdefault(importer, []).append(target)
            if initialising(target):
                cycles.append([importer, target])
    return module


builtins.__import__ = recording_import
package = importlib.import_module(PACKAGE)
builtins.__import__ = real_import
print(json.dumps({"file": package.__file__, "edges": edges, "cycles": cycles,
                  "loaded": sorted(m for m in sys.modules if ours(m))}))
'''


def _run_probe(package, parent_dir, cwd):
    """The probe's findings for `package`, imported from parent_dir."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [parent_dir] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    run = subprocess.run([sys.executable, "-c", _PROBE, package], env=env, capture_output=True,
                         text=True, cwd=str(cwd), timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    result = _run_probe("ndaccel", os.path.dirname(PKG_DIR), tmp_path_factory.mktemp("probe"))
    assert os.path.dirname(os.path.abspath(result["file"])) == PKG_DIR
    return result


def _module_files():
    """(dotted module name, path) of every .py file of the package."""
    for root, dirs, files in os.walk(PKG_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in sorted(files):
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(root, f), os.path.dirname(PKG_DIR))
                name = rel[:-3].replace(os.sep, ".")
                yield name[:-len(".__init__")] if name.endswith(".__init__") else name, \
                    os.path.join(root, f)


def test_no_module_level_import_cycle(probe):
    cycles = [f"{a} imports {b} while {b} is still being initialised"
              for a, b in probe["cycles"]]
    assert not cycles, "import cycles at module level:\n  " + "\n  ".join(cycles)


def test_foundation_imports_only_what_lies_below(probe):
    edges = probe["edges"]
    bad = []
    for i, mod in enumerate(FOUNDATION):
        assert mod in probe["loaded"], f"{mod} is not a module any more: update FOUNDATION"
        allowed = set(FOUNDATION[:i]) | {"ndaccel._core"}
        bad += [f"{mod} imports {t}" for t in edges.get(mod, []) if t not in allowed]
    assert not bad, ("foundation modules import modules above them (or above themselves "
                     "in FOUNDATION's order):\n  " + "\n  ".join(bad))


def test_methods_are_attached_last(probe):
    edges = probe["edges"]
    importers = sorted(m for m, targets in edges.items() if METHODS in targets)
    assert importers == ["ndaccel"], f"{METHODS} is imported by {importers}"
    assert edges["ndaccel"][-1] == METHODS, \
        f"ndaccel/__init__.py imports {edges['ndaccel'][-1]} after {METHODS}"


def test_every_module_is_imported(probe):
    files = {name for name, _ in _module_files()}
    missing = sorted(files - set(probe["loaded"]) - NOT_IMPORTED)
    assert not missing, ("modules that `import ndaccel` never loads (left behind?):\n  "
                         + "\n  ".join(missing))


def _function_level_imports(path):
    with open(path, encoding="utf-8") as fh:
        src = fh.read()
    lines = src.splitlines()
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                text = " ".join(lines[child.lineno - 1:child.end_lineno])
                if "lazy:" not in text and "optional" not in text:
                    found.append(f"{path}:{child.lineno}: {lines[child.lineno - 1].strip()}")
            visit(child, in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))
    visit(ast.parse(src), False)
    return found


def test_no_function_level_imports():
    found = [f for _, path in _module_files() for f in _function_level_imports(path)]
    assert not found, ("imports inside functions (move them to the top of the module, or say "
                       "why in a comment with 'lazy:' or 'optional'):\n  " + "\n  ".join(found))


def test_every_module_has_a_docstring():
    missing = []
    for name, path in _module_files():
        with open(path, encoding="utf-8") as fh:
            if not ast.get_docstring(ast.parse(fh.read())):
                missing.append(name)
    assert not missing, "modules without a docstring:\n  " + "\n  ".join(missing)


def test_the_checks_can_fail(tmp_path):
    """The probe finds a cycle hidden by import order (b reads a while a is
    still running, and its package's half-run __init__), and the
    function-level scan finds an undocumented import, not a documented
    one."""
    pkg = tmp_path / "cyclic"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""x"""\nVALUE = 1\nfrom . import a\n')
    (pkg / "a.py").write_text('"""x"""\nfrom . import b\n')
    (pkg / "b.py").write_text('"""x"""\nfrom . import a\nfrom .c import C\n')
    (pkg / "c.py").write_text('"""x"""\nfrom . import VALUE as C\n')
    found = _run_probe("cyclic", str(tmp_path), tmp_path)
    assert sorted(map(tuple, found["cycles"])) == [("cyclic.b", "cyclic.a"),
                                                   ("cyclic.c", "cyclic")]
    assert found["edges"]["cyclic.a"] == ["cyclic.b"]

    bad = tmp_path / "bad.py"
    bad.write_text('"""x"""\n\n\ndef f():\n    import json\n    return json\n\n\n'
                   'def g():\n    import csv  # lazy: only g needs it\n    return csv\n')
    found = _function_level_imports(str(bad))
    assert len(found) == 1 and "import json" in found[0]
