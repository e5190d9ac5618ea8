#!/usr/bin/env python3
"""Generates docs/coverage.md: which of NumPy's top-level functions and
ufuncs, ufunc methods (reduce, accumulate, reduceat, outer, at, ...),
ndarray methods/attributes, functions of numpy.linalg, numpy.fft and
numpy.random, and numpy.random.Generator methods ndaccel has, and for each
function present which of NumPy's parameters ndaccel's accepts.

    python3 tools/coverage.py            # writes docs/coverage.md
    python3 tools/coverage.py --stdout   # prints the page

Everything on the page comes from introspection (standard library + numpy):

* NumPy's functions: public names of `numpy` that are ufuncs or routines
  (modules, classes, constants and objects such as `numpy.test` are left
  out), less deprecated aliases (a function whose docstring carries
  `.. deprecated::` before its Parameters section, or whose body warns
  DeprecationWarning unconditionally).
* Out of scope: the names in ndaccel._scope.OUT_OF_SCOPE (datetime,
  matrix, ...) are listed apart with their reason and not counted.
* ndaccel has a name when getattr(ndaccel, name) succeeds (its module
  __getattr__ raises AttributeError for names it does not implement; a
  NotImplementedError on access counts as missing too).
* Parameters: inspect.signature of the NumPy function. A parameter is
  accepted by ndaccel when its signature has one of the same name (or, for
  NumPy's positional-only parameters, a positional one at that position or
  *args; or **kwargs). An accepted parameter is "not implemented" when the
  ndaccel function's own source raises NotImplementedError with a message
  that names it in quotes ('signature', 'like', ...). ndaccel's ufuncs are
  instances of ndaccel.ufunc: their signature is that of ufunc.__call__.
* ufunc methods: the callables of numpy.ufunc against ndaccel.ufunc's
  methods; NumPy's parameters come from the signature line of the method's
  docstring (inspect.signature shows reduce's keepdims/initial/where only
  as **kwargs).
"""
import argparse
import ast
import inspect
import os
import re
import sys
import textwrap
import types
import warnings

import numpy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "docs", "coverage.md")


# ---------------------------------------------------------------- numpy side

def _is_function(obj):
    return (isinstance(obj, numpy.ufunc) or inspect.isroutine(obj)
            or type(obj).__name__ == "_ArrayFunctionDispatcher")


def _source_tree(func):
    try:
        src = textwrap.dedent(inspect.getsource(inspect.unwrap(func)))
        return ast.parse(src)
    except (OSError, TypeError, SyntaxError, ValueError):
        return None


def _is_deprecated(obj):
    if isinstance(obj, numpy.ufunc):
        return False
    doc = obj.__doc__ or ""
    dep = doc.find(".. deprecated::")
    params = doc.find("Parameters")
    if dep >= 0 and (params < 0 or dep < params):
        return True
    tree = _source_tree(obj)
    if tree is None or not tree.body or not isinstance(tree.body[0], ast.FunctionDef):
        return False
    for stmt in tree.body[0].body:  # unconditional statements only
        if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                and any(isinstance(n, ast.Name) and n.id == "DeprecationWarning"
                        for n in ast.walk(stmt.value))):
            return True
    return False


def numpy_functions(module=numpy):
    """(name, object) of the module's public functions and ufuncs."""
    out = []
    names = getattr(module, "__all__", None) if module is not numpy else None
    for name in sorted(names or dir(module)):
        if name.startswith("_"):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                obj = getattr(module, name)
            except Exception:  # noqa: BLE001 - a deprecated or lazy name
                continue
        if isinstance(obj, types.ModuleType) or not _is_function(obj):
            continue
        if _is_deprecated(obj):
            continue
        out.append((name, obj))
    return out


def _signature(obj):
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def _param_label(p):
    if p.kind is p.VAR_POSITIONAL:
        return "*" + p.name
    if p.kind is p.VAR_KEYWORD:
        return "**" + p.name
    return p.name


# ---------------------------------------------------------------- ndaccel side

def lookup(module, name):
    """module.name, or None when the module does not provide it."""
    try:
        return getattr(module, name)
    except (AttributeError, NotImplementedError):
        return None


def _callable_for_inspection(obj, ufunc_type):
    if ufunc_type is not None and isinstance(obj, ufunc_type):
        return type(obj).__call__
    return obj


def _not_implemented_params(func):
    """Parameter names quoted in messages of NotImplementedError raised in
    func's own source."""
    tree = _source_tree(func)
    names = set()
    if tree is None:
        return names
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        exc = node.exc
        target = exc.func if isinstance(exc, ast.Call) else exc
        if not (isinstance(target, ast.Name) and target.id == "NotImplementedError"):
            continue
        for sub in ast.walk(exc):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                names.update(re.findall(r"'(\w+)'", sub.value))
    return names


def compare_params(np_sig, nd_func):
    """(supported, not_implemented, missing) lists of NumPy's parameter
    labels."""
    nd_sig = _signature(nd_func)
    if np_sig is None or nd_sig is None:
        return None
    nd_params = [p for p in nd_sig.parameters.values() if p.name != "self"]
    by_name = {p.name: p for p in nd_params}
    positional = [p for p in nd_params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var_pos = any(p.kind is p.VAR_POSITIONAL for p in nd_params)
    var_kw = any(p.kind is p.VAR_KEYWORD for p in nd_params)
    nyi = _not_implemented_params(nd_func)
    supported, not_impl, missing = [], [], []
    for i, p in enumerate(np_sig.parameters.values()):
        label = _param_label(p)
        if p.kind is p.VAR_POSITIONAL:
            ok = var_pos
        elif p.kind is p.VAR_KEYWORD:
            ok = var_kw
        elif p.kind is p.POSITIONAL_ONLY:
            ok = var_pos or i < len(positional) or p.name in by_name
        else:
            ok = p.name in by_name or var_kw
        if not ok:
            missing.append(label)
        elif p.name in nyi:
            not_impl.append(label)
        else:
            supported.append(label)
    return supported, not_impl, missing


# ---------------------------------------------------------------- page

def _cell(items):
    return ", ".join(f"`{x}`" for x in items) if items else "—"


def _function_rows(entries, nd, ufunc_type):
    rows, have = [], 0
    for name, obj in entries:
        nd_obj = lookup(nd, name)
        np_sig = _signature(obj)
        if nd_obj is None:
            all_params = [_param_label(p) for p in np_sig.parameters.values()] if np_sig else []
            rows.append(f"| `{name}` | no | — | — | {_cell(all_params)} |")
            continue
        have += 1
        cmp = compare_params(np_sig, _callable_for_inspection(nd_obj, ufunc_type))
        if cmp is None:
            rows.append(f"| `{name}` | yes | (signature not available) | — | — |")
            continue
        supported, not_impl, missing = cmp
        rows.append(f"| `{name}` | yes | {_cell(supported)} | {_cell(not_impl)} | "
                    f"{_cell(missing)} |")
    return rows, have


def _ndarray_rows(nd):
    rows, have, total = [], 0, 0
    nd_cls = lookup(nd, "ndarray")
    for name in sorted(dir(numpy.ndarray)):
        if name.startswith("_"):
            continue
        total += 1
        attr = inspect.getattr_static(numpy.ndarray, name)
        kind = "method" if callable(attr) and not isinstance(attr, (property, type)) \
            and not inspect.isdatadescriptor(attr) else "attribute"
        present = nd_cls is not None and hasattr(nd_cls, name)
        have += present
        rows.append(f"| `{name}` | {kind} | {'yes' if present else 'no'} |")
    return rows, have, total


def _doc_signature(method):
    """The signature on the first line of a numpy.ufunc method's docstring
    (names and kinds only), or inspect.signature when it does not parse."""
    line = (method.__doc__ or "").strip().splitlines()[0] if method.__doc__ else ""
    try:
        args = ast.parse(f"def {line.replace('<no value>', 'None')}: pass").body[0].args
    except (SyntaxError, IndexError, AttributeError):
        return _signature(method)
    P = inspect.Parameter
    params = [P(a.arg, P.POSITIONAL_ONLY) for a in args.posonlyargs]
    params += [P(a.arg, P.POSITIONAL_OR_KEYWORD) for a in args.args]
    if args.vararg:
        params.append(P(args.vararg.arg, P.VAR_POSITIONAL))
    params += [P(a.arg, P.KEYWORD_ONLY) for a in args.kwonlyargs]
    if args.kwarg:
        params.append(P(args.kwarg.arg, P.VAR_KEYWORD))
    return inspect.Signature(params)


def _ufunc_method_rows(nd, header, rule):
    """Lines for numpy.ufunc's methods and the (have, total) counts."""
    nd_ufunc = lookup(nd, "ufunc")
    methods = [(n, getattr(numpy.ufunc, n)) for n in sorted(dir(numpy.ufunc))
               if not n.startswith("_") and callable(getattr(numpy.ufunc, n))]
    rows, have = [], 0
    for name, obj in methods:
        np_sig = _doc_signature(obj)
        nd_obj = lookup(nd_ufunc, name) if nd_ufunc is not None else None
        if nd_obj is None:
            all_params = [_param_label(p) for p in np_sig.parameters.values()] if np_sig else []
            rows.append(f"| `ufunc.{name}` | no | — | — | {_cell(all_params)} |")
            continue
        have += 1
        cmp = compare_params(np_sig, nd_obj)
        if cmp is None:
            rows.append(f"| `ufunc.{name}` | yes | (signature not available) | — | — |")
            continue
        supported, not_impl, missing = ([p for p in part if p != "self"] for part in cmp)
        rows.append(f"| `ufunc.{name}` | yes | {_cell(supported)} | {_cell(not_impl)} | "
                    f"{_cell(missing)} |")
    lines = [f"## ufunc methods ({have} of {len(methods)})", "",
             header.replace("| function |", "| method |"), rule, *rows, ""]
    return lines, have, len(methods)


SUBMODULES = ("linalg", "fft", "random")


def _submodule_sections(nd, ufunc_type, header, rule):
    """Lines for numpy.<sub> functions and numpy.random.Generator methods,
    and the (have, total) counts for the summary."""
    lines, counts = [], []
    for sub in SUBMODULES:
        np_mod = getattr(numpy, sub)
        nd_mod = lookup(nd, sub)
        entries = numpy_functions(np_mod)
        rows, have = _function_rows(entries, nd_mod, ufunc_type)
        counts.append((f"numpy.{sub}", have, len(entries)))
        lines += [f"## numpy.{sub} ({have} of {len(entries)})", "", header, rule, *rows, ""]
    gen_np = numpy.random.Generator
    nd_gen = lookup(lookup(nd, "random"), "Generator")
    methods = [(n, getattr(gen_np, n)) for n in sorted(dir(gen_np))
               if not n.startswith("_") and callable(getattr(gen_np, n))]
    rows, have = [], 0
    for name, obj in methods:
        nd_obj = lookup(nd_gen, name) if nd_gen is not None else None
        if nd_obj is None:
            rows.append(f"| `{name}` | no | — | — | — |")
            continue
        have += 1
        cmp = compare_params(_signature(obj), nd_obj)
        if cmp is None:
            rows.append(f"| `{name}` | yes | (signature not available) | — | — |")
            continue
        supported, not_impl, missing = ([p for p in part if p != "self"] for part in cmp)
        rows.append(f"| `{name}` | yes | {_cell(supported)} | {_cell(not_impl)} | "
                    f"{_cell(missing)} |")
    counts.append(("numpy.random.Generator methods", have, len(methods)))
    lines += [f"## numpy.random.Generator methods ({have} of {len(methods)})", "",
              header.replace("| function |", "| method |"), rule, *rows, ""]
    return lines, counts


def generate(nd=None):
    """The page's markdown text."""
    if nd is None:
        import ndaccel as nd
    ufunc_type = lookup(nd, "ufunc")
    scope = lookup(nd, "_scope")
    excluded = dict(getattr(scope, "OUT_OF_SCOPE", {}))
    all_entries = numpy_functions()
    entries = [(n, o) for n, o in all_entries if n not in excluded]
    excluded_funcs = sorted(n for n, _ in all_entries if n in excluded)
    excluded_rows = [f"| `{n}` | {excluded[n]} |" for n in excluded_funcs]
    ufuncs = [(n, o) for n, o in entries if isinstance(o, numpy.ufunc)]
    funcs = [(n, o) for n, o in entries if not isinstance(o, numpy.ufunc)]
    u_rows, u_have = _function_rows(ufuncs, nd, ufunc_type)
    f_rows, f_have = _function_rows(funcs, nd, ufunc_type)
    a_rows, a_have, a_total = _ndarray_rows(nd)
    header = "| function | in ndaccel | parameters supported | accepted, NotImplementedError | missing |"
    rule = "|---|---|---|---|---|"
    m_lines, m_have, m_total = _ufunc_method_rows(nd, header, rule)
    sub_lines, sub_counts = _submodule_sections(nd, ufunc_type, header, rule)
    sub_summary = "; ".join(f"**{h} of {t}** in `{name}`" for name, h, t in sub_counts)
    lines = [
        "# NumPy API coverage of ndaccel",
        "",
        "<!-- Generated by tools/coverage.py: do not edit by hand; run "
        "`python3 tools/coverage.py` to regenerate. -->",
        "",
        f"NumPy version: {numpy.__version__}",
        "",
        f"**{u_have + f_have} of {len(entries)} functions** of NumPy's top-level namespace "
        f"({100.0 * (u_have + f_have) / max(len(entries), 1):.1f}%; "
        f"{u_have} of {len(ufuncs)} ufuncs, {f_have} of {len(funcs)} other functions; "
        f"{len(excluded_funcs)} more are out of scope, listed at the end); "
        f"**{m_have} of {m_total}** `ufunc` methods; "
        f"**{a_have} of {a_total}** public `ndarray` methods and attributes; {sub_summary}.",
        "",
        "Functions are NumPy's public top-level ufuncs and routines, less deprecated "
        "aliases. Parameters are NumPy's (`inspect.signature`); \"accepted, "
        "NotImplementedError\" are parameters ndaccel's signature takes but its code "
        "rejects with NotImplementedError (found in the function's own source); "
        "for functions ndaccel lacks, the missing column lists all of NumPy's parameters.",
        "",
        f"## Ufuncs ({u_have} of {len(ufuncs)})",
        "",
        header, rule, *u_rows,
        "",
        *m_lines,
        f"## Other functions ({f_have} of {len(funcs)})",
        "",
        header, rule, *f_rows,
        "",
        f"## ndarray methods and attributes ({a_have} of {a_total})",
        "",
        "| name | kind | in ndaccel |", "|---|---|---|", *a_rows,
        "",
        *sub_lines,
        f"## Out of scope ({len(excluded_funcs)})",
        "",
        "NumPy functions ndaccel leaves out on purpose (`python/ndaccel/_scope.py`; "
        "`ndaccel.<name>` raises AttributeError with the reason), not counted above.",
        "",
        "| function | reason |", "|---|---|", *excluded_rows,
        "",
    ]
    return "\n".join(lines)


def recorded_numpy_version(text):
    m = re.search(r"^NumPy version: (\S+)$", text, re.M)
    return m.group(1) if m else None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stdout", action="store_true", help="print instead of writing")
    ap.add_argument("-o", "--output", default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    text = generate()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
