"""einsum: NumPy's subscripts evaluated as diagonals, sums and pairwise
contractions, each contraction one (batched) matmul, so float products run
on the BLAS library when the device has one; contractions with a small
product matrix (dot products, elementwise products, batches of tiny
matrices) as one fused broadcast product and sum instead.

Plan for `einsum(subscripts, *operands)`:
  1. parse: explicit `->` or implicit output (labels seen once, in ASCII
     order, after the broadcast `...` axes); `...` becomes private labels;
  2. per operand: a repeated label becomes one diagonal axis (a strided
     view), and labels no other operand or the output needs are summed;
  3. operands are combined left to right: labels in both operands and
     still needed are batch axes, labels in both and no longer needed are
     contracted (matmul's k), the rest are the rows/columns of the product;
  4. the last operand is summed over what the output lacks and transposed
     into the output's order.
`optimize` is accepted and ignored (left-to-right order)."""
import functools
import operator

import numpy

from .. import _core
from .._creation._from_data import asarray as _arr
from .._manipulation._dims import broadcast_to
from .._scalars import returns_scalar
from .._statistics._reductions import sum as asum
from .._ufunc import UFUNCS
from ._matmul import matmul

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FLOAT16 = numpy.dtype(numpy.float16)


def _sublist_to_str(sub):
    out = []
    for s in sub:
        if s is Ellipsis:
            out.append("...")
            continue
        s = operator.index(s)
        if not 0 <= s < 52:
            raise ValueError("subscript is not within the valid range [0, 52)")
        out.append(_LETTERS[s])
    return "".join(out)


def _interleaved(args):
    """einsum(op0, sublist0, op1, sublist1, ..., [sublistout]) -> string form."""
    ops, terms = [], []
    args = list(args)
    while len(args) >= 2:
        ops.append(args.pop(0))
        terms.append(_sublist_to_str(args.pop(0)))
    sub = ",".join(terms)
    if args:
        sub += "->" + _sublist_to_str(args[0])
    return sub, ops


def _split_term(term, ndim, which):
    """Labels of one input term, '...' expanded to the broadcast labels
    (returned as a count; the caller names them)."""
    if term.count("...") > 1 or "." in term.replace("...", ""):
        raise ValueError("einstein sum subscripts string contains a '.' that is not part of "
                         "an ellipsis ('...')")
    for c in term.replace("...", ""):
        if c not in _LETTERS:
            raise ValueError(f"invalid subscript '{c}' in einstein sum subscripts string, "
                             f"subscripts must be letters")
    if "..." in term:
        pre, post = term.split("...")
        nell = ndim - len(pre) - len(post)
        if nell < 0:
            raise ValueError(f"operand {which} has fewer dimensions ({ndim}) than subscripts "
                             f"in einstein sum")
        return pre, nell, post
    if len(term) != ndim:
        raise ValueError(f"operand has more dimensions than subscripts given in einstein sum, "
                         f"but no '...' ellipsis provided to broadcast the extra dimensions."
                         if ndim > len(term) else
                         f"einstein sum subscripts string contains too many subscripts for "
                         f"operand {which}")
    return term, 0, ""


def _parse(subscripts, ops):
    """([labels per operand], output labels). Ellipsis axes become labels
    '0', '1', ... (right-aligned across operands, as broadcasting)."""
    labels, out_l = _parse_ndims(subscripts, tuple(op.ndim for op in ops))
    return [list(ls) for ls in labels], list(out_l)


# A program calls einsum with the same few subscripts again and again, and
# the parse was ~1/3 of the host time of a 64k-element 'i,i,i->i'.
@functools.lru_cache(maxsize=256)
def _parse_ndims(subscripts, ndims):
    """_parse for operands of these numbers of axes, as tuples (cached;
    errors are raised again on each call, never cached)."""
    sub = subscripts.replace(" ", "")
    if "->" in sub:
        ins, out = sub.split("->", 1)
        if "->" in out or "-" in out or ">" in out:
            raise ValueError("einstein sum subscript string does not contain proper '->' "
                             "output specified")
    else:
        if "-" in sub or ">" in sub:
            raise ValueError("einstein sum subscript string does not contain proper '->' "
                             "output specified")
        ins, out = sub, None
    terms = ins.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"more operands provided to einstein sum function than specified in "
                         f"the subscripts string" if len(ndims) > len(terms) else
                         "fewer operands provided to einstein sum function than specified in "
                         "the subscripts string")
    split = [_split_term(t, nd, i) for i, (t, nd) in enumerate(zip(terms, ndims))]
    nell = max([s[1] for s in split] + [0])
    ell = [str(i) for i in range(nell)]
    labels = [list(pre) + ell[nell - k:] + list(post) for pre, k, post in split]
    if out is None:
        counts = {}
        for ls in labels:
            for c in ls:
                counts[c] = counts.get(c, 0) + 1
        out_l = ell + sorted(c for c, n in counts.items() if n == 1 and c in _LETTERS)
    else:
        if out.count("...") > 1 or "." in out.replace("...", ""):
            raise ValueError("einstein sum subscripts string contains a '.' that is not part "
                             "of an ellipsis ('...') in the output")
        if "..." in out:
            pre, post = out.split("...")
            out_l = list(pre) + ell + list(post)
        else:
            if nell:
                raise ValueError("output has more dimensions than subscripts given in einstein "
                                 "sum, but no '...' ellipsis provided to broadcast the extra "
                                 "dimensions.")
            out_l = list(out)
        seen = set()
        for c in out_l:
            if c in _LETTERS and not any(c in ls for ls in labels):
                raise ValueError(f"einstein sum subscripts string included output subscript "
                                 f"'{c}' which never appeared in an input")
            if c in seen:
                raise ValueError(f"einstein sum subscripts string includes output subscript "
                                 f"'{c}' multiple times")
            if c not in _LETTERS and not c.isdigit():
                raise ValueError(f"invalid subscript '{c}' in einstein sum subscripts string, "
                                 f"subscripts must be letters")
            seen.add(c)
    return tuple(tuple(ls) for ls in labels), tuple(out_l)


def _diagonals(x, ls):
    """Merges repeated labels of one operand into one axis (a view whose
    stride is the sum of the merged strides)."""
    if len(set(ls)) == len(ls):
        return x, ls
    shape, strides, new = [], [], []
    for i, c in enumerate(ls):
        if c in new:
            j = new.index(c)
            if shape[j] != x.shape[i]:
                raise ValueError(f"dimensions in operand for collapsing index '{c}' don't match "
                                 f"({shape[j]} != {x.shape[i]})")
            strides[j] += x.strides[i]
            continue
        new.append(c)
        shape.append(x.shape[i])
        strides.append(x.strides[i])
    return _core.view(x, x._offset, tuple(shape), tuple(strides)), new


def _sum_labels(x, ls, drop):
    """Sums the axes of labels in `drop`."""
    axes = tuple(i for i, c in enumerate(ls) if c in drop)
    if not axes:
        return x, ls
    return asum(x, axis=axes), [c for c in ls if c not in drop]


def _sizes(xs, labels):
    """Label -> size, with size-1 axes broadcasting against larger ones."""
    size = {}
    for x, ls in zip(xs, labels):
        for n, c in zip(x.shape, ls):
            m = size.get(c, n)
            if m != n and m != 1 and n != 1:
                raise ValueError("operands could not be broadcast together with remapped shapes "
                                 f"[original->remapped]: {' '.join(str(y.shape) for y in xs)}")
            size[c] = n if m == 1 else m
    return size


def _prod(vals):
    p = 1
    for v in vals:
        p *= v
    return p


# Contractions whose product matrix (rows x cols) is smaller than this run as
# a broadcast product summed over the contracted axes (one fused kernel)
# instead of a matmul: a dot product, elementwise products ('i,i->i',
# nothing contracted) and batches of tiny matrices would otherwise be many
# degenerate matmuls (4M 1x1 products took seconds).
_GEMM_MIN_OUTPUT = 64


def _product_sum(a, la, b, lb, batch, left, right, con):
    """a * b broadcast over batch + left + right + con, summed over con: labels
    batch + left + right."""
    order = batch + left + right + con
    A = a.transpose([la.index(c) for c in batch + left + con])
    A = A.reshape(A.shape[:len(batch) + len(left)] + (1,) * len(right) +
                  A.shape[len(batch) + len(left):])
    B = b.transpose([lb.index(c) for c in batch + right + con])
    B = B.reshape(B.shape[:len(batch)] + (1,) * len(left) + B.shape[len(batch):])
    if A.dtype == numpy.float16:  # NumPy's einsum multiplies and sums halves in float32
        A, B = A.astype(numpy.float32), B.astype(numpy.float32)
    prod = UFUNCS["multiply"](A, B)
    if not con:
        return prod
    axes = tuple(range(len(order) - len(con), len(order)))
    # Accumulate in the type (wrapping for integers, as NumPy's einsum); bools count
    # (einsum casts the count back to bool: any).
    return asum(prod, axis=axes, dtype=None if prod.dtype.kind == "b" else prod.dtype)


def _contract(a, la, b, lb, keep, size):
    """a (labels la) times b (labels lb), summing labels in both that are
    not in `keep`: one matmul of shape batch + (rows, k) @ batch + (k, cols)."""
    batch = [c for c in la if c in lb and c in keep]
    con = [c for c in la if c in lb and c not in keep]
    left = [c for c in la if c not in lb]
    right = [c for c in lb if c not in la]
    # A contracted axis of size 1 on one side and n on the other broadcasts.
    for x_is_a, (x, lx) in enumerate(((b, lb), (a, la))):
        if any(x.shape[lx.index(c)] != size[c] for c in con):
            shp = tuple(size[c] if c in con else x.shape[i] for i, c in enumerate(lx))
            x = broadcast_to(x, shp)
            if x_is_a:
                a = x
            else:
                b = x
    rows, cols = _prod(size[c] for c in left), _prod(size[c] for c in right)
    if not con or rows * cols < _GEMM_MIN_OUTPUT:
        return _product_sum(a, la, b, lb, batch, left, right, con), batch + left + right
    A = a.transpose([la.index(c) for c in batch + left + con])
    B = b.transpose([lb.index(c) for c in batch + con + right])
    bsh_a, bsh_b = A.shape[:len(batch)], B.shape[:len(batch)]
    K = _prod(size[c] for c in con)
    A = A.reshape(bsh_a + (_prod(size[c] for c in left), K))
    B = B.reshape(bsh_b + (K, _prod(size[c] for c in right)))
    r = matmul(A, B)
    out_l = batch + left + right
    return r.reshape(tuple(r.shape[:len(batch)]) + tuple(size[c] for c in left + right)), out_l


def _elementwise_product(ops, labels, out_l):
    """The operands' product, summed over the labels the output drops, when every
    operand has the same labels, each once, and the same shape ("i,i,i->i",
    "ij,ij->i"): one fused multiply (and reduction) instead of pairwise
    contractions. None otherwise (and for bools and halves, whose sums einsum
    counts or widens)."""
    first, shape, dt = labels[0], ops[0].shape, ops[0].dtype
    if (len(set(first)) != len(first) or any(ls != first for ls in labels[1:])
            or any(x.shape != shape for x in ops[1:]) or not set(out_l) <= set(first)
            or dt.kind == "b" or dt == _FLOAT16):
        return None
    p = ops[0]
    for x in ops[1:]:
        p = UFUNCS["multiply"](p, x)
    drop = tuple(i for i, c in enumerate(first) if c not in out_l)
    if drop:
        p = asum(p, axis=drop, dtype=p.dtype)
    kept = [c for c in first if c in out_l]
    perm = [kept.index(c) for c in out_l]
    return p.transpose(perm) if perm != list(range(len(perm))) else p


def einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    """numpy.einsum (string or interleaved sublist form)."""
    if not operands:
        raise TypeError("einsum() missing required argument: 'subscripts'")
    if isinstance(operands[0], str):
        subscripts, ops = operands[0], list(operands[1:])
    else:
        subscripts, ops = _interleaved(operands)
    ops = [_arr(x) for x in ops]
    if dtype is not None:
        dt = numpy.dtype(dtype)
        for x in ops:
            if not numpy.can_cast(x.dtype, dt, casting=casting):
                raise TypeError(f"Cannot cast array data from {x.dtype!r} to {dt!r} according "
                                f"to the rule {casting!r}")
        ops = [x.astype(dt) if x.dtype != dt else x for x in ops]
    else:
        dt = numpy.result_type(*[x.dtype for x in ops]) if ops else None
        ops = [x.astype(dt) if x.dtype != dt else x for x in ops]
    labels, out_l = _parse(subscripts, ops)
    fast = _elementwise_product(ops, labels, out_l)
    if fast is not None:
        if out is not None:
            out[...] = fast
            return out
        return fast
    ops_l = [_diagonals(x, ls) for x, ls in zip(ops, labels)]
    xs, labels = [p[0] for p in ops_l], [p[1] for p in ops_l]
    size = _sizes(xs, labels)

    def needed(j):
        """Labels needed by the output or by operands j, j+1, ..."""
        s = set(out_l)
        for ls in labels[j:]:
            s.update(ls)
        return s

    x, lx = _sum_labels(xs[0], labels[0], set(labels[0]) - needed(1))
    for j in range(1, len(xs)):
        keep = needed(j + 1)
        y, ly = _sum_labels(xs[j], labels[j], set(labels[j]) - keep - set(lx))
        x, lx = _sum_labels(x, lx, set(lx) - keep - set(ly))
        x, lx = _contract(x, lx, y, ly, keep, size)
    x, lx = _sum_labels(x, lx, set(lx) - set(out_l))
    perm = [lx.index(c) for c in out_l]
    if perm != list(range(len(perm))):
        x = x.transpose(perm)
    shp = tuple(size[c] for c in out_l)
    if x.shape != shp:  # size-1 axes of a single operand broadcast to the output
        x = broadcast_to(x, shp).copy()
    if x.dtype != dt:  # sums of bools count: einsum keeps the operands' type
        x = x.astype(dt)
    if out is not None:
        out[...] = x
        return out
    return x


# Public entry points: a single-value result is a NumPy scalar (see _scalars.py).
for _name in ('einsum',):
    globals()[_name] = returns_scalar(globals()[_name])
