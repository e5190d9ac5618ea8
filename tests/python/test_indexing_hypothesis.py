"""Property-based indexing against NumPy: random shapes (1-4 dims, sides
0-5) and random index tuples mixing ints, slices (any step, negative
bounds), None, Ellipsis, integer arrays / lists (negative entries allowed)
and boolean masks covering one or more axes, read (a[key]) and written
(a[key] = scalar, a[key] = array broadcastable to a[key]'s shape).

Keys are mostly valid; a small share is made invalid on purpose (an
out-of-range integer or array entry, a mask of the wrong length, a second
Ellipsis, too many indices) so that NumPy raises and ndaccel must raise the
same builtin class (IndexError / ValueError).

Writes are compared only where no element is hit twice: NumPy's
last-write-wins for duplicate integer indices is not promised by ndaccel.
Bool-scalar and 0-d mask keys (a[True]) are not drawn: test_indexing.py and
test_where_unique_errors.py cover them.

Data are float64 and int32 only: each rank / layout of a kernel compiles
once (~0.2 s cold), so the dtype set stays small."""
import numpy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ndaccel
from xp_util import run_numpy, xp_compare

DTYPES = [numpy.dtype("float64"), numpy.dtype("int32")]


# ---------------------------------------------------------------- strategies

@st.composite
def shapes(draw):
    ndim = draw(st.integers(1, 4))
    return tuple(draw(st.integers(0, 5)) for _ in range(ndim))


@st.composite
def int_array_item(draw, n, unique, bad):
    """An integer index array for an axis of length n: ("int", values,
    container) with values a host intp array of shape 0-2-D."""
    ndim = draw(st.sampled_from([1, 1, 1, 0, 2]))
    shape = tuple(draw(st.integers(0 if n == 0 else 1, 3)) for _ in range(ndim))
    size = int(numpy.prod(shape, dtype=int))
    if n == 0:
        if size and not bad:
            shape, size = (0,) * max(ndim, 1), 0
        vals = [draw(st.integers(-2, 1)) for _ in range(size)]
    elif unique:
        size = min(size, n)
        shape = (size,) if ndim else ()
        if ndim == 0:
            size = 1
        pos = draw(st.permutations(range(n)))[:size]
        vals = [p - n if draw(st.booleans()) else p for p in pos]
    else:
        vals = [draw(st.integers(-n, n - 1)) for _ in range(size)]
    if bad and vals:
        i = draw(st.integers(0, len(vals) - 1))
        vals[i] = draw(st.sampled_from([n, n + 2, -n - 1]))
    arr = numpy.array(vals, dtype=numpy.intp).reshape(shape)
    container = draw(st.sampled_from(["list", "host", "device"]))
    if arr.ndim == 0 and container == "list":
        container = "host"
    return ("int", arr, container)


@st.composite
def bool_mask_item(draw, sides, bad):
    """A boolean mask covering len(sides) axes."""
    shape = list(sides)
    if bad:
        j = draw(st.integers(0, len(shape) - 1))
        # (not 1 -> 0: NumPy 2.4 accepts an empty mask on a length-1 axis,
        # ndaccel raises IndexError; a known difference, left out here)
        shape[j] += draw(st.sampled_from([1, -1])) if shape[j] > 1 else 1
    size = int(numpy.prod(shape, dtype=int))
    vals = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    arr = numpy.array(vals, dtype=bool).reshape(shape)
    container = draw(st.sampled_from(["list", "host", "device"] if arr.ndim == 1
                                      else ["host", "device"]))
    return ("bool", arr, container)


@st.composite
def slice_item(draw):
    bound = st.one_of(st.none(), st.integers(-8, 8))
    step = st.one_of(st.none(), st.integers(-4, 4).filter(lambda s: s != 0))
    return slice(draw(bound), draw(bound), draw(step))


@st.composite
def shape_and_key(draw, unique=False):
    """(shape, key items, bare): the key's items walk the axes left to
    right; Ellipsis (at most one when valid) stands for the axes the items
    after it do not cover."""
    shape = draw(shapes())
    bad = draw(st.integers(0, 9)) == 0  # one key in ten is invalid on purpose
    bad_kind = draw(st.sampled_from(["int", "array", "mask", "ellipsis", "too_many"])) \
        if bad else None
    n_items = draw(st.integers(1, len(shape) + 2))
    kinds = draw(st.lists(st.sampled_from(
        ["int", "slice", "slice", "none", "ellipsis", "array", "array", "mask"]),
        min_size=n_items, max_size=n_items))
    # Ellipsis: at most one (unless a second is the planned error)
    seen = False
    for i, k in enumerate(kinds):
        if k == "ellipsis":
            if seen and bad_kind != "ellipsis":
                kinds[i] = "none"
            seen = True
    ell_at = kinds.index("ellipsis") if "ellipsis" in kinds else None
    # axes the items after the Ellipsis cover are only known once drawn, so
    # items are drawn against the axes they will actually hit: draw the
    # post-Ellipsis part right-aligned.
    pre = kinds if ell_at is None else kinds[:ell_at]
    post = [] if ell_at is None else kinds[ell_at + 1:]

    def draw_items(kinds_part, start_axis, limit, max_width=2):
        out, ax = [], start_axis
        for k in kinds_part:
            if k == "none":
                out.append(None)
                continue
            if k == "ellipsis":  # a second Ellipsis: the planned error
                out.append(Ellipsis)
                continue
            if ax >= limit and bad_kind != "too_many":
                continue  # would index too many axes
            n = shape[ax] if ax < len(shape) else 1
            if k == "int":
                if n == 0 or ax >= len(shape):
                    # no valid integer: 0 is the error where one is planned
                    # (or past the last axis), else a slice keeps alignment
                    out.append(0 if bad_kind == "int" or ax >= len(shape) else slice(None))
                    ax += 1
                    continue
                if bad_kind == "int" and draw(st.booleans()):
                    out.append(draw(st.sampled_from([n, -n - 1])))
                else:
                    out.append(draw(st.integers(-n, n - 1)))
                ax += 1
            elif k == "slice":
                out.append(draw(slice_item()))
                ax += 1
            elif k == "array":
                out.append(draw(int_array_item(n, unique, bad_kind == "array"
                                               and draw(st.booleans()))))
                ax += 1
            elif k == "mask":
                width = draw(st.integers(1, max(1, min(max_width, limit - ax))))
                sides = [shape[j] if j < len(shape) else 1 for j in range(ax, ax + width)]
                out.append(draw(bool_mask_item(sides, bad_kind == "mask")))
                ax += width
        return out, ax

    items, used = draw_items(pre, 0, len(shape))
    if ell_at is not None:
        # the items after the Ellipsis hit the trailing axes: keep as many
        # axis-consuming ones as axes remain (masks cover one axis here) and
        # draw them against those axes
        room, kept = len(shape) - used, []
        for k in post:
            if k in ("int", "slice", "array", "mask"):
                if room == 0:
                    continue
                room -= 1
            kept.append(k)
        post_axes = sum(1 for k in kept if k in ("int", "slice", "array", "mask"))
        post_items, _ = draw_items(kept, len(shape) - post_axes, len(shape), max_width=1)
        items = items + [Ellipsis] + post_items
    if bad_kind == "too_many":
        items = items + [0] * draw(st.integers(1, 2))
    bare = len(items) == 1 and draw(st.booleans())
    return shape, items, bare


def materialize(items, bare, xp):
    """The key for module xp (numpy or ndaccel)."""
    out = []
    for it in items:
        if isinstance(it, tuple):
            _, arr, container = it
            if container == "list":
                out.append(arr.tolist())
            elif container == "device" and xp is ndaccel:
                out.append(ndaccel.asarray(arr))
            else:
                out.append(arr)
        else:
            out.append(it)
    if bare:
        return out[0]
    return tuple(out)


def describe(shape, items, bare, dt):
    key = []
    for it in items:
        if isinstance(it, tuple):
            key.append(f"{it[2]}:{it[1].dtype.name}{it[1].tolist()!r}")
        else:
            key.append(repr(it))
    k = key[0] if bare else "(" + ", ".join(key) + ("," if len(key) == 1 else "") + ")"
    return f"shape={shape} dtype={dt.name} key={k}"


def host_data(shape, dt):
    return (numpy.arange(int(numpy.prod(shape, dtype=int))).reshape(shape) * 3 - 7).astype(dt)


def numpy_result_shape(shape, items, bare):
    """a[key]'s shape in NumPy and whether no element is selected twice;
    None when NumPy raises."""
    idx = numpy.arange(int(numpy.prod(shape, dtype=int))).reshape(shape)
    try:
        sel = run_numpy(lambda xp: idx[materialize(items, bare, numpy)])
    except (IndexError, ValueError, TypeError):
        return None, True
    sel = numpy.asarray(sel)
    return sel.shape, numpy.unique(sel).size == sel.size


# Known difference, left out of the drawn keys (flip to see it): NumPy
# treats an Ellipsis that stands for no axes as still separating the
# advanced indices around it (their dimensions go first), ndaccel treats
# them as adjacent: a.shape (2, 3), a[None, 0, ..., [1, 2]] is (2, 1) in
# NumPy and (1, 2) in ndaccel.
DRAW_EMPTY_ELLIPSIS_BETWEEN_ADVANCED = True


def empty_ellipsis_between_advanced(shape, items):
    if Ellipsis not in items:
        return False
    consumed = sum(it[1].ndim if isinstance(it, tuple) and it[0] == "bool" else 1
                   for it in items if it is not None and it is not Ellipsis)
    if consumed != len(shape):
        return False
    any_array = any(isinstance(it, tuple) for it in items)
    at = items.index(Ellipsis)

    def advanced(it):
        return isinstance(it, tuple) or (any_array and type(it) is int)
    return any(map(advanced, items[:at])) and any(map(advanced, items[at + 1:]))


def skip_known(shape, items):
    if not DRAW_EMPTY_ELLIPSIS_BETWEEN_ADVANCED:
        assume(not empty_ellipsis_between_advanced(shape, items))


# ---------------------------------------------------------------- tests

@settings(max_examples=80, derandomize=True)
@given(case=shape_and_key(), dt=st.sampled_from(DTYPES))
def test_get(case, dt):
    shape, items, bare = case
    skip_known(shape, items)
    h = host_data(shape, dt)
    d = ndaccel.asarray(h)
    note = describe(shape, items, bare, dt)

    def fn(xp):
        a = h if xp is numpy else d
        return a[materialize(items, bare, xp)]
    try:
        xp_compare(fn)
    except AssertionError as exc:
        raise AssertionError(f"{note}: {exc}") from exc


@settings(max_examples=80, derandomize=True)
@given(case=shape_and_key(unique=True), dt=st.sampled_from(DTYPES), data=st.data())
def test_set(case, dt, data):
    shape, items, bare = case
    skip_known(shape, items)
    res_shape, unique = numpy_result_shape(shape, items, bare)
    assume(unique)
    h0 = host_data(shape, dt)
    if res_shape is None or data.draw(st.booleans()):
        value = data.draw(st.integers(-50, 50))
        value_desc = repr(value)
    else:
        # an array broadcastable to the result: drop leading axes, 1s
        drop = data.draw(st.integers(0, len(res_shape)))
        vshape = tuple(1 if data.draw(st.integers(0, 3)) == 0 else s
                       for s in res_shape[drop:])
        value = (numpy.arange(int(numpy.prod(vshape, dtype=int))).reshape(vshape) * 5 + 100
                 ).astype(dt)
        value_desc = f"array{vshape}"
    note = describe(shape, items, bare, dt) + f" value={value_desc}"

    def fn(xp):
        if xp is numpy:
            a = h0.copy()
            v = value
        else:
            a = ndaccel.asarray(h0)
            v = value if not isinstance(value, numpy.ndarray) else ndaccel.asarray(value)
        a[materialize(items, bare, xp)] = v
        return a
    try:
        xp_compare(fn)
    except AssertionError as exc:
        raise AssertionError(f"{note}: {exc}") from exc
