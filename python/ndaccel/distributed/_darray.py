"""Global-view arrays distributed over the ranks in row blocks (axis 0).

Each rank holds rows [start, stop) of every distributed array (block_bounds:
contiguous, the first n % P ranks one row longer) as an ndaccel array on
its own device, `local`. Programs index the global array; the library
works out what each rank computes and what it needs from the others.

Evaluation. Operators and ufuncs on distributed arrays, views and scalars
build an expression (_Expr) over leaves: views of distributed arrays (a
base array, a first row `start` along axis 0 with step 1, and a basic key
for the other axes), replicated values (scalars, host or device arrays
that do not span axis 0). An expression is evaluated into a target, an
assignment `u[1:-1, 1:-1] = ...` or a new array, in the target's row
blocks: rank r computes the target rows it owns. A leaf whose rows
(shifted by its start) lie on other ranks needs those rows: one alltoallv
per base array moves exactly the missing rows of all its leaves (the halos,
each row once), no whole arrays, and leaves whose rows are local move
nothing. Each rank then computes its rows in up to three pieces: the
interior, where every leaf is a view of the local block (one fused kernel,
no copy), and the rows above and below it that use halo rows; the
exchanges are left in flight while the interior is stored (_compute).
Every rank takes part in every exchange in the same
order (the plan is a function of the global shapes only), so a program
that runs the same statements on every rank never deadlocks.

Slices along axis 0 with a step other than 1 (negative too) are views like
the others: read, their rows move once into row blocks of their own
(_take_rows: one alltoallv of exactly those rows); assigned, each value row
moves to the owner of its target row (_put_rows).

What is not implemented raises NotImplementedError naming the operation
and the distribution: advanced indexing, broadcasting along the
distributed axis, operands distributed with different numbers of
dimensions."""
import numbers
import os

import numpy

from .. import _core
from .._creation._basic import empty as _nd_empty, full as _nd_full
from .._creation._from_data import asarray as _nd_asarray
from .._manipulation._join import concatenate as _nd_concatenate
from .._ndarray import ndarray as _nd_ndarray
from .._ufunc import UFUNCS
from . import _context

_DIST_NAME = "row blocks along axis 0"


def _unsupported(what):
    return NotImplementedError(f"ndaccel.distributed: {what} is not implemented for arrays "
                               f"distributed in {_DIST_NAME}")


def _rest_shape(shape, rest):
    """The shape the basic key `rest` (for axes 1..) leaves of shape[1:]."""
    dims = tuple(shape[1:])
    if len(rest) <= len(dims) and all(type(k) is slice for k in rest):  # the usual key
        return tuple(len(range(*k.indices(d))) for k, d in zip(rest, dims)) + dims[len(rest):]
    probe = numpy.broadcast_to(numpy.empty((), numpy.int8), (1,) + dims)
    return probe[(slice(None),) + rest].shape[1:]


def _intersect(a, b):
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo < hi else (lo, lo)


class _View:
    """Rows start, start + step, ... (nrows of them) of a distributed array `base`, the
    basic key `rest` on its other axes; `drop`: the key's integer on axis 0 removed that
    axis. A view with step 1 is read in place (halos); one with another step is first
    moved into row blocks of its own (_take_rows)."""

    __slots__ = ("base", "start", "nrows", "rest", "drop", "step", "_shape")

    def __init__(self, base, start, nrows, rest, drop=False, step=1):
        self.base, self.start, self.nrows, self.rest, self.drop = base, start, nrows, rest, drop
        self.step = step
        self._shape = None

    @property
    def shape(self):
        if self._shape is None:  # a view never changes: computed once
            self._shape = (self.nrows,) + _rest_shape(self.base.shape, self.rest)
        return self._shape

    @property
    def dtype(self):
        return self.base.dtype


class _Expr:
    """A ufunc applied to operands: leaves (_View, replicated values) or _Expr."""

    __slots__ = ("ufunc", "args", "kwargs", "_shape", "_checked")

    def __init__(self, ufunc, args, kwargs=None):
        self.ufunc, self.args, self.kwargs = ufunc, args, kwargs or {}
        # Computed once (an expression never changes): its shape, and the (ndim, rows)
        # of a result its distribution was checked against (_check_distribution).
        self._shape = self._checked = None


def _leaves(x, out):
    if isinstance(x, _Expr):
        for a in x.args:
            _leaves(a, out)
    elif isinstance(x, _View):
        out.append(x)
    return out


def _leaf_shape(x):
    if isinstance(x, _View):
        return x.shape
    return numpy.shape(x)


def _expr_shape(x):
    if isinstance(x, _Expr):
        if x._shape is None:
            x._shape = numpy.broadcast_shapes(*[_expr_shape(a) for a in x.args])
        return x._shape
    return tuple(_leaf_shape(x))


def _as_operand(x):
    """x as an expression operand: distributed arrays as full views."""
    if isinstance(x, ndarray):
        return x._full_view()
    if isinstance(x, (_View, _Expr)):
        return x
    if isinstance(x, (numbers.Number, numpy.generic, _nd_ndarray)):
        return x
    if isinstance(x, (numpy.ndarray, list, tuple)):
        return _nd_asarray(x, device=_context.world().device)
    raise TypeError(f"ndaccel.distributed: unsupported operand type {type(x).__name__}")


def _check_distribution(expr, shape):
    """Every distributed leaf spans axis 0 of the result; replicated ones do not. The
    checks depend on the result's ndim and rows only, so a subexpression already checked
    against the same (an operand built by an earlier operator) is not walked again."""
    key = (len(shape), shape[0] if shape else None)
    operands = []

    def collect(x):  # left to right, as the leaves are reported
        if isinstance(x, _Expr):
            if x._checked != key:
                for a in x.args:
                    collect(a)
        else:
            operands.append(x)

    collect(expr)
    for leaf in operands:
        if not isinstance(leaf, _View):
            continue
        if len(leaf.shape) != len(shape):
            raise _unsupported(f"broadcasting a {len(leaf.shape)}-d distributed operand "
                               f"against a {len(shape)}-d result")
        if leaf.shape[0] != shape[0]:
            raise _unsupported("broadcasting along the distributed axis (axis 0)")
    for x in operands:
        if not isinstance(x, _View) and numpy.ndim(x) == len(shape) and len(shape) > 0 \
                and numpy.shape(x)[0] != 1 and shape[0] > 0:
            raise _unsupported("an operand held whole on every rank that spans the distributed "
                               "axis (make it distributed with asarray)")
    if isinstance(expr, _Expr):
        expr._checked = key


# Whether halo exchanges stay in flight while the interior is stored (_compute): None
# until first needed, then False when NDACCEL_HALO_OVERLAP=0 on any rank (agreed once:
# a rank starting an exchange that its peers run blocking would hang them), in which
# case the exchanges complete before any piece is computed; tests run both orders.
# On a GPU the rows move while it computes the interior; on PoCL, where the exchange
# is CPU work on the cores that compute, the order makes no difference that the
# noise does not cover: 2 ranks of the seed Laplace, 4096^2, 10.7 ms per sweep
# overlapped and 10.4 not (one bench/distributed.py run); 2048^2 per rank, 88.1% and
# 88.3% weak efficiency (medians of 6 alternating runs).
_halo_overlap = None


def _overlaps(comm):
    """The setting above (collective the first time: _compute's callers are)."""
    global _halo_overlap
    if _halo_overlap is None:
        mine = os.environ.get("NDACCEL_HALO_OVERLAP", "") != "0"
        flag = _nd_asarray(numpy.array([mine]), device=comm.device)
        _core.comm_allreduce(comm, flag, flag, "logical_and")
        _halo_overlap = bool(flag.get()[0])
    return _halo_overlap


class _Halo:
    """The rows of one distributed array (`base`) that this rank reads beyond its block,
    brought by one exchange: `above` (rows from above_lo on, of lower ranks) and `below`
    (from below_lo on, of higher ranks), both in base coordinates. While the exchange is
    in flight, `pending` holds (request, recv, recvs, rcounts) and above/below are not
    set yet."""

    __slots__ = ("base", "above", "above_lo", "below", "below_lo", "pending")


class _Fetched:
    """A leaf's rows for this rank: the local block's rows as views, and its base's halo
    rows. `copies` maps a row range to a copy of the local rows it reads (see _compute)."""

    __slots__ = ("leaf", "halo", "copies")

    def __init__(self, leaf, halo):
        self.leaf, self.halo, self.copies = leaf, halo, {}


def _leaf_needs(leaf, ranges):
    """Per rank q, the base rows [a, b) the leaf reads for result rows ranges[q]."""
    return [(leaf.start + lo, leaf.start + hi) if lo < hi else (0, 0) for lo, hi in ranges]


def _merged_needs(group, ranges):
    """Per rank, the base rows that the leaves of group (views of one base, differing in
    their first row) read, as one range: None when for some rank they are not
    contiguous (the leaves' shifts exceed its row count)."""
    starts = sorted({leaf.start for leaf in group})
    out = []
    for lo, hi in ranges:
        if lo >= hi:
            out.append((0, 0))
            continue
        if any(t - s > hi - lo for s, t in zip(starts, starts[1:])):
            return None
        out.append((starts[0] + lo, starts[-1] + hi))
    return out


def _exchange_start(base, need, comm, in_flight):
    """Starts the halo exchange of base (collective): every rank q needs the base rows
    need[q] = [a, b); the rows other ranks own move, in one alltoallv, left in flight
    when in_flight (_exchange_finish completes it), else done before returning. Returns
    this rank's _Halo."""
    me, p = comm.rank, comm.size
    bounds = base._bounds
    h = _Halo()
    h.base = base
    own = bounds[me]
    mine = need[me]
    h.above_lo, h.below_lo = mine[0], max(mine[0], own[1])
    h.above = h.below = h.pending = None
    sends = [_intersect(need[q], own) if q != me else (0, 0) for q in range(p)]
    recvs = [_intersect(mine, bounds[q]) if q != me else (0, 0) for q in range(p)]
    # Whether any rank moves anything (the same answer on every rank): some rank needs
    # rows outside its block, which the other blocks (a partition of the rows) hold.
    moves = any(b > a and (a < bounds[q][0] or b > bounds[q][1])
                for q, (a, b) in enumerate(need))
    if not moves:
        return h
    rowsize = 1
    for d in base.shape[1:]:
        rowsize *= d
    local = base._local
    parts = [local[lo - own[0]:hi - own[0]].reshape(-1) for lo, hi in sends if hi > lo]
    send = _nd_concatenate(parts) if len(parts) > 1 else \
        (parts[0].copy() if parts else _nd_empty((0,), dtype=base.dtype, device=comm.device))
    scounts = [(hi - lo) * rowsize for lo, hi in sends]
    rcounts = [(hi - lo) * rowsize for lo, hi in recvs]
    recv = _nd_empty((sum(rcounts),), dtype=base.dtype, device=comm.device)
    if in_flight:
        request = _core.comm_ialltoallv(comm, send, scounts, recv, rcounts)
    else:
        _core.comm_alltoallv(comm, send, scounts, recv, rcounts)
        request = None
    base._stats_halo_bytes += sum(rcounts) * base.dtype.itemsize
    h.pending = (request, recv, recvs, rcounts)
    if not in_flight:
        _exchange_finish(h)
    return h


def _exchange_finish(h):
    """Waits for h's exchange (if one is in flight) and sets its halo rows."""
    if h.pending is None:
        return
    request, recv, recvs, rcounts = h.pending
    h.pending = None
    if request is not None:
        _core.comm_wait(request)
    base = h.base
    me = base._comm.rank
    # Rows from lower ranks lie above the local block, from higher ranks below.
    pos = 0
    above, below = [], []
    for q, (lo, hi) in enumerate(recvs):
        if hi > lo:
            rows = recv[pos:pos + rcounts[q]].reshape((hi - lo,) + tuple(base.shape[1:]))
            (above if q < me else below).append((lo, rows))
            pos += rcounts[q]
    if above:
        h.above_lo = above[0][0]
        h.above = above[0][1] if len(above) == 1 else _nd_concatenate([r for _, r in above])
    if below:
        h.below_lo = below[0][0]
        h.below = below[0][1] if len(below) == 1 else _nd_concatenate([r for _, r in below])


def _exchanges_start(leaves, ranges, comm, in_flight):
    """Starts the halo exchanges of an expression's leaves (collective; left in flight
    when in_flight): one per base array, moving the rows any of its leaves reads (each
    row once), or one per leaf where those rows are not one range per rank. Returns
    ({id(leaf): _Fetched}, the _Halos in the order they were started)."""
    groups = {}
    for leaf in leaves:
        group = groups.setdefault(id(leaf.base), [])
        if all(x is not leaf for x in group):
            group.append(leaf)
    fetched, halos = {}, []
    for group in groups.values():  # first appearance: the same order on every rank
        merged = _merged_needs(group, ranges) if len(group) > 1 else None
        if merged is not None:
            halos.append(_exchange_start(group[0].base, merged, comm, in_flight))
            for leaf in group:
                fetched[id(leaf)] = _Fetched(leaf, halos[-1])
            continue
        for leaf in group:
            halos.append(_exchange_start(leaf.base, _leaf_needs(leaf, ranges), comm,
                                         in_flight))
            fetched[id(leaf)] = _Fetched(leaf, halos[-1])
    return fetched, halos


def _local_part(f, lo, hi):
    """The base rows of the local block that the leaf reads for result rows [lo, hi),
    as (first, last) in base coordinates (empty when first >= last)."""
    own = f.leaf.base._bounds[f.leaf.base._comm.rank]
    return max(f.leaf.start + lo, own[0]), min(f.leaf.start + hi, own[1])


def _rows(f, lo, hi):
    """The leaf's local array for result rows [lo, hi): views of the local block where
    they are local, halo rows elsewhere (concatenated only across the border)."""
    leaf = f.leaf
    local = leaf.base._local
    own = leaf.base._bounds[leaf.base._comm.rank]
    a, b = leaf.start + lo, leaf.start + hi
    h = f.halo
    pieces = []
    if a < min(b, own[0]):  # rows of lower ranks
        pieces.append(h.above[a - h.above_lo:min(b, own[0]) - h.above_lo])
    m0, m1 = max(a, own[0]), min(b, own[1])
    if m1 > m0:
        copy = f.copies.get((lo, hi))
        pieces.append(copy if copy is not None else local[m0 - own[0]:m1 - own[0]])
    if b > max(a, own[1]):  # rows of higher ranks
        s = max(a, own[1])
        pieces.append(h.below[s - h.below_lo:b - h.below_lo])
    if not pieces:
        rows = local[0:0]
    else:
        rows = pieces[0] if len(pieces) == 1 else _nd_concatenate(pieces)
    return rows[(slice(None),) + leaf.rest] if leaf.rest else rows


def _eval_piece(x, fetched, lo, hi):
    if isinstance(x, _Expr):
        args = [_eval_piece(a, fetched, lo, hi) for a in x.args]
        return x.ufunc(*args, **x.kwargs)
    if isinstance(x, _View):
        return _rows(fetched[id(x)], lo, hi)
    return x


def _unstep(x):
    """x with every leaf of step other than 1 replaced by a full view of its rows moved
    into row blocks of their own (_take_rows, collective)."""
    if isinstance(x, _Expr):
        return _Expr(x.ufunc, tuple(_unstep(a) for a in x.args), x.kwargs)
    if isinstance(x, _View) and x.step != 1:
        return _take_rows(x)._full_view()
    return x


def _owner_runs(rows, bounds):
    """For the base rows `rows` (an arithmetic progression, numpy int64), the runs of
    consecutive positions held by one rank: [(rank, i0, i1)] in position order."""
    if rows.size == 0:
        return []
    starts = numpy.array([b0 for b0, _ in bounds])
    owners = numpy.searchsorted(starts, rows, side="right") - 1
    cuts = numpy.flatnonzero(numpy.diff(owners)) + 1
    edges = [0, *cuts.tolist(), rows.size]
    return [(int(owners[a]), a, b) for a, b in zip(edges[:-1], edges[1:])]


def _local_rows(base, own0, rows, rest):
    """The local block's rows `rows` (an arithmetic progression inside the block, numpy
    int64), with the key `rest` on the other axes: a basic view (no copy)."""
    r0, r1, step = int(rows[0]) - own0, int(rows[-1]) - own0, 1
    if rows.size > 1:
        step = int(rows[1] - rows[0])
    stop = r1 + (1 if step > 0 else -1)
    key = slice(r0, stop if stop >= 0 else None, step)
    return base._local[(key,) + rest]


def _take_rows(view):
    """A new distributed array, in default row blocks, holding the rows of a stepped view
    (collective): one alltoallv moves each row from its owner to the rank that holds its
    position in the new array."""
    base = view.base
    comm = base._comm
    me, p = comm.rank, comm.size
    shape = view.shape
    nb = _context.block_bounds(view.nrows, p)
    own0 = base._bounds[me][0]
    rowsize = 1
    for d in shape[1:]:
        rowsize *= d

    def rows_of(t0, t1):
        return view.start + view.step * numpy.arange(t0, t1, dtype=numpy.int64)

    sends, scounts = [], [0] * p
    for q in range(p):
        for owner, a, b in _owner_runs(rows_of(*nb[q]), base._bounds):
            if owner == me:
                part = _local_rows(base, own0, rows_of(nb[q][0] + a, nb[q][0] + b), view.rest)
                sends.append(part.reshape(-1))
                scounts[q] += (b - a) * rowsize
    runs = _owner_runs(rows_of(*nb[me]), base._bounds)
    rcounts = [0] * p
    for owner, a, b in runs:
        rcounts[owner] += (b - a) * rowsize
    send = _nd_concatenate(sends) if len(sends) > 1 else \
        (sends[0].copy() if sends else _nd_empty((0,), dtype=base.dtype, device=comm.device))
    recv = _nd_empty((sum(rcounts),), dtype=base.dtype, device=comm.device)
    if p == 1:
        recv = send
    else:
        _core.comm_alltoallv(comm, send, scounts, recv, rcounts)
    # recv holds the parts by sender rank; the new rows go in position order.
    at, pos = {}, 0
    for q in range(p):
        at[q] = pos
        pos += rcounts[q]
    pieces = []
    for owner, a, b in runs:
        n = (b - a) * rowsize
        pieces.append(recv[at[owner]:at[owner] + n])
        at[owner] += n
    flat = _nd_concatenate(pieces) if len(pieces) > 1 else \
        (pieces[0] if pieces else recv[0:0])
    local = flat.reshape((nb[me][1] - nb[me][0],) + tuple(shape[1:]))
    return ndarray(shape, local if local._c_contiguous else local.copy(), comm)


def _put_rows(target, value):
    """target (a stepped _View) = value, a distributed array of the target's shape in
    default row blocks (collective): each row moves to the owner of its base row."""
    base = target.base
    comm = base._comm
    me, p = comm.rank, comm.size
    nb = value._bounds
    own0 = base._bounds[me][0]
    rowsize = 1
    for d in target.shape[1:]:
        rowsize *= d

    def rows_of(t0, t1):
        return target.start + target.step * numpy.arange(t0, t1, dtype=numpy.int64)

    mine = value._local
    sends, scounts = [], [0] * p
    # alltoallv's send buffer is by destination rank (a negative step meets the
    # owners in decreasing order).
    for owner, a, b in sorted(_owner_runs(rows_of(*nb[me]), base._bounds)):
        sends.append(mine[a:b].reshape(-1))
        scounts[owner] += (b - a) * rowsize
    rcounts, incoming = [0] * p, []
    for q in range(p):
        for owner, a, b in _owner_runs(rows_of(*nb[q]), base._bounds):
            if owner == me:
                incoming.append((q, nb[q][0] + a, nb[q][0] + b))
                rcounts[q] += (b - a) * rowsize
    send = _nd_concatenate(sends) if len(sends) > 1 else \
        (sends[0].copy() if sends else _nd_empty((0,), dtype=mine.dtype, device=comm.device))
    recv = _nd_empty((sum(rcounts),), dtype=mine.dtype, device=comm.device)
    if p == 1:
        recv = send
    else:
        _core.comm_alltoallv(comm, send, scounts, recv, rcounts)
    pos = 0
    for q, t0, t1 in incoming:  # by sender rank, each sender's rows in position order
        n = (t1 - t0) * rowsize
        rows = recv[pos:pos + n].reshape((t1 - t0,) + tuple(target.shape[1:]))
        _local_rows(base, own0, rows_of(t0, t1), target.rest)[...] = rows
        pos += n


def _compute(expr, ranges, comm, store, writes_leaves=False):
    """This rank's result rows ranges[rank] of expr, handed to store(lo, hi, value) in
    pieces (collective: every rank calls it with the same expr and ranges). store is
    called at least once, with lo == hi when the rank has no rows (value then only
    carries the dtype).

    The pieces: the interior, where every leaf is a view of the local block, and the
    border rows above and below it that read halo rows. The halo exchanges start first;
    where they overlap the interior (_overlaps), it is stored while they are in flight
    (its kernels queued, so the device computes while the rows move) and the border
    pieces follow the waits.
    writes_leaves: store writes an array some leaf reads (u[1:-1] = f(u)); the border
    pieces then read copies of the local rows they need, taken before the interior is
    stored (each is a few rows: the halo width)."""
    me = comm.rank
    expr = _unstep(expr)
    leaves = _leaves(expr, [])
    fetched, halos = _exchanges_start(leaves, ranges, comm, _overlaps(comm))
    i0, i1 = ranges[me]
    if not leaves:
        store(i0, i1, expr)
        return
    # The interior: rows where every leaf is local.
    lo, hi = i0, i1
    for leaf in leaves:
        own = leaf.base._bounds[me]
        lo, hi = max(lo, own[0] - leaf.start), min(hi, own[1] - leaf.start)
    cuts = [i0, i1] if lo >= hi else sorted({i0, lo, hi, i1})
    spans = [(a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]
    if not spans:  # no rows here: an empty result, for its dtype
        for h in halos:
            _exchange_finish(h)
        store(i0, i0, _eval_piece(expr, fetched, i0, i0))
        return
    in_flight = any(h.pending is not None for h in halos)
    if not in_flight or lo >= hi or len(spans) == 1:
        # Nothing to overlap: every piece is recorded before any is stored, so a
        # store into a leaf's array comes after every read of it.
        for h in halos:
            _exchange_finish(h)
        pieces = [(a, b, _eval_piece(expr, fetched, a, b)) for a, b in spans]
        for a, b, v in pieces:
            store(a, b, v)
        return
    border = [(a, b) for a, b in spans if (a, b) != (lo, hi)]
    if writes_leaves:
        for f in fetched.values():
            for a, b in border:
                m0, m1 = _local_part(f, a, b)
                if m1 > m0:
                    own0 = f.leaf.base._bounds[me][0]
                    f.copies[(a, b)] = f.leaf.base._local[m0 - own0:m1 - own0].copy()
    store(lo, hi, _eval_piece(expr, fetched, lo, hi))
    for h in halos:
        _exchange_finish(h)
    pieces = [(a, b, _eval_piece(expr, fetched, a, b)) for a, b in border]
    for a, b, v in pieces:
        store(a, b, v)


class ndarray:
    """A global-view array distributed over the ranks in row blocks along axis 0
    (ndaccel.distributed's ndarray): NumPy's semantics on the global index space; each
    rank's rows are `local`, an ndaccel array on the rank's device."""

    __array_ufunc__ = None  # NumPy's operators defer to ours (host + distributed)
    __array_priority__ = 200

    def __init__(self, shape, local, comm):
        # Internal: use the creation functions.
        self._shape = tuple(int(s) for s in shape)
        if not self._shape:
            raise ValueError("ndaccel.distributed arrays have at least one dimension")
        self._local = local
        self._comm = comm
        self._bounds = _context.block_bounds(self._shape[0], comm.size)
        self._stats_halo_bytes = 0

    # ---- attributes
    @property
    def shape(self):
        """The global shape."""
        return self._shape

    @property
    def dtype(self):
        """The element type."""
        return self._local.dtype

    @property
    def ndim(self):
        """The number of dimensions."""
        return len(self._shape)

    @property
    def size(self):
        """The number of elements (global)."""
        n = 1
        for s in self._shape:
            n *= s
        return n

    @property
    def local(self):
        """This rank's rows (an ndaccel array on its device; a view, writes go through)."""
        return self._local

    @property
    def bounds(self):
        """[(start, stop)]: the rows each rank holds."""
        return list(self._bounds)

    @property
    def comm(self):
        """The communicator of the ranks the array is spread over."""
        return self._comm

    @property
    def halo_bytes(self):
        """Bytes this rank received for halos of this array so far."""
        return self._stats_halo_bytes

    def __len__(self):
        return self._shape[0]

    def __getattr__(self, name):
        # Only for names the class lacks: ndaccel.ndarray's other members are not
        # implemented here (NotImplementedError naming them), the rest do not exist.
        if not name.startswith("_") and hasattr(_nd_ndarray, name):
            raise _unsupported(f"ndarray.{name}")
        raise AttributeError(f"'ndaccel.distributed.ndarray' object has no attribute {name!r}")

    # ---- views and indexing
    def _full_view(self):
        return _View(self, 0, self._shape[0], ())

    def _parse_key(self, key):
        """(start, nrows, rest, drop) of a basic key; NotImplementedError for others."""
        if not isinstance(key, tuple):
            key = (key,)
        if any(k is Ellipsis for k in key):
            i = next(j for j, k in enumerate(key) if k is Ellipsis)
            fill = self.ndim - (len(key) - 1 - sum(k is None for k in key))
            key = key[:i] + (slice(None),) * fill + key[i + 1:]
        if not key:
            key = (slice(None),)
        k0, rest = key[0], tuple(key[1:])
        for k in key:
            if not (k is None or isinstance(k, (slice, numbers.Integral))):
                raise _unsupported(f"indexing with {type(k).__name__} (advanced indexing)")
        if k0 is None:
            raise _unsupported("newaxis before the distributed axis")
        n = self._shape[0]
        if isinstance(k0, numbers.Integral):
            i = int(k0)
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for axis 0 with size {n}")
            i %= n
            start, nrows, drop, step = i, 1, True, 1
        else:
            start, stop, step = k0.indices(n)
            nrows, drop = len(range(start, stop, step)), False
            if nrows <= 1 or step == 1:
                step = 1
        _rest_shape(self._shape, rest)  # IndexError as NumPy for bad keys
        return start, nrows, rest, drop, step

    def __getitem__(self, key):
        start, nrows, rest, drop, step = self._parse_key(key)
        if drop:
            # One row: held whole by every rank (broadcast from its owner).
            row = _gather_rows(self, start, start + 1)
            return row[(0,) + rest]
        return _ViewArray(_View(self, start, nrows, rest, step=step))

    def __setitem__(self, key, value):
        start, nrows, rest, drop, step = self._parse_key(key)
        _assign(_View(self, start, nrows, rest, drop, step), value)

    # ---- arithmetic (expressions, evaluated on use)
    def _binary(self, name, other, reflected=False):
        try:
            other = _as_operand(other)
        except TypeError:
            return NotImplemented
        a, b = (other, _as_operand(self)) if reflected else (_as_operand(self), other)
        return _expr_array(_Expr(UFUNCS[name], (a, b)))

    def __add__(self, o): return self._binary("add", o)
    def __radd__(self, o): return self._binary("add", o, True)
    def __sub__(self, o): return self._binary("subtract", o)
    def __rsub__(self, o): return self._binary("subtract", o, True)
    def __mul__(self, o): return self._binary("multiply", o)
    def __rmul__(self, o): return self._binary("multiply", o, True)
    def __truediv__(self, o): return self._binary("true_divide", o)
    def __rtruediv__(self, o): return self._binary("true_divide", o, True)
    def __floordiv__(self, o): return self._binary("floor_divide", o)
    def __rfloordiv__(self, o): return self._binary("floor_divide", o, True)
    def __mod__(self, o): return self._binary("remainder", o)
    def __rmod__(self, o): return self._binary("remainder", o, True)
    def __pow__(self, o): return self._binary("power", o)
    def __rpow__(self, o): return self._binary("power", o, True)
    def __and__(self, o): return self._binary("bitwise_and", o)
    def __or__(self, o): return self._binary("bitwise_or", o)
    def __xor__(self, o): return self._binary("bitwise_xor", o)
    def __lt__(self, o): return self._binary("less", o)
    def __le__(self, o): return self._binary("less_equal", o)
    def __gt__(self, o): return self._binary("greater", o)
    def __ge__(self, o): return self._binary("greater_equal", o)
    def __eq__(self, o): return self._binary("equal", o)
    def __ne__(self, o): return self._binary("not_equal", o)
    def __neg__(self): return _expr_array(_Expr(UFUNCS["negative"], (_as_operand(self),)))
    def __pos__(self): return _expr_array(_Expr(UFUNCS["positive"], (_as_operand(self),)))
    def __abs__(self): return _expr_array(_Expr(UFUNCS["absolute"], (_as_operand(self),)))
    def __invert__(self): return _expr_array(_Expr(UFUNCS["invert"], (_as_operand(self),)))

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        raise _unsupported("a replicated matrix @ a distributed one")

    def _inplace(self, name, other):
        self[...] = _Expr(UFUNCS[name], (_as_operand(self), _as_operand(other)))
        return self

    def __iadd__(self, o): return self._inplace("add", o)
    def __isub__(self, o): return self._inplace("subtract", o)
    def __imul__(self, o): return self._inplace("multiply", o)
    def __itruediv__(self, o): return self._inplace("true_divide", o)

    __hash__ = None

    # ---- copies, conversion
    def copy(self):
        """A distributed copy (each rank copies its rows)."""
        return ndarray(self._shape, self._local.copy(), self._comm)

    def astype(self, dtype, copy=True):
        """A distributed copy cast to dtype (each rank casts its rows)."""
        if numpy.dtype(dtype) == self.dtype and not copy:
            return self
        return ndarray(self._shape, self._local.astype(dtype), self._comm)

    def get(self):
        """The whole array as a NumPy array on every rank (an allgather)."""
        return _gather_rows(self, 0, self._shape[0]).get()

    def gather(self, root=0):
        """The whole array as a NumPy array on rank `root` (None elsewhere): for arrays
        too large for every rank to hold."""
        return _gather_to_root(self, root)

    def __array__(self, dtype=None, copy=None):
        h = self.get()
        return h if dtype is None else h.astype(dtype, copy=False)

    def tolist(self):
        """The elements as nested Python lists, on every rank."""
        return self.get().tolist()

    def item(self, *args):
        """One element as a Python scalar, the same on every rank."""
        return self.get().item(*args)

    def __bool__(self):
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is "
                             "ambiguous. Use a.any() or a.all()")
        return bool(self.get().reshape(()))

    def __float__(self):
        return float(self._one("float"))

    def __int__(self):
        return int(self._one("int"))

    def _one(self, what):
        if self.size != 1:
            raise TypeError(f"only length-1 arrays can be converted to Python scalars ({what})")
        return self.get().reshape(())

    def __repr__(self):
        return repr(self.get()).replace("array(", "distributed_array(", 1)

    def __str__(self):
        return str(self.get())

    # ---- reductions (methods in _reductions.py, attached by __init__)


class _Pending(ndarray):
    """A distributed array not held in row blocks of its own yet (a view, an
    expression): the block attributes come from _materialized()."""

    def __getattr__(self, name):
        if name in ("_shape", "_local", "_comm", "_bounds", "_stats_halo_bytes"):
            return getattr(self._materialized(), name)
        return ndarray.__getattr__(self, name)


class _ViewArray(_Pending):
    """A basic-slice view of a distributed array: a distributed array whose rows are
    those of its base; reading it as a whole copies it into its own row blocks."""

    def __init__(self, view):  # noqa: D107 - internal
        self._view = view

    def _full_view(self):
        return self._view

    def _materialized(self):
        return _materialize(self._view)

    @property
    def shape(self):
        return self._view.shape

    @property
    def dtype(self):
        return self._view.dtype

    def __setitem__(self, key, value):
        v = self._view
        if not isinstance(key, tuple):
            key = (key,)
        if key in ((Ellipsis,), (slice(None),)) or key == (slice(None),) * len(v.shape):
            _assign(v, value)
            return
        raise _unsupported("assignment through an indexed view of a view (index the base "
                           "array instead)")

    def __getitem__(self, key):
        return self._materialized()[key]


class _ExprArray(_Pending):
    """A pending expression over distributed arrays: evaluated when assigned, reduced or
    read (then into new row blocks)."""

    def __init__(self, expr):  # noqa: D107 - internal
        self._expr = expr
        self._value = None

    def _full_view(self):
        return self._expr

    def _materialized(self):
        if self._value is None:
            self._value = _materialize(self._expr)
        return self._value

    @property
    def shape(self):
        return _expr_shape(self._expr)

    @property
    def dtype(self):
        return self._materialized().dtype

    def __setitem__(self, key, value):
        self._materialized()[key] = value

    def __getitem__(self, key):
        return self._materialized()[key]


def _expr_array(expr):
    """A pending expression, its shapes and distribution checked now (ValueError for
    shapes that do not broadcast, NotImplementedError for what is not implemented), on
    every rank alike: they depend on global shapes only."""
    shape = _expr_shape(expr)
    if shape:
        _check_distribution(expr, shape)
    return _ExprArray(expr)


def _ranges_for(start, nrows, bounds):
    """Per rank, the rows [lo, hi) of a view (view coordinates) that the rank owns."""
    out = []
    for b0, b1 in bounds:
        lo, hi = _intersect((start, start + nrows), (b0, b1))
        out.append((lo - start, hi - start))
    return out


def _materialize(x):
    """x (a _View or _Expr) evaluated into a new distributed array in default row blocks."""
    comm = _context.world()
    if isinstance(x, _View) and x.step != 1:
        return _take_rows(x)
    shape = _expr_shape(x)
    if not shape:
        raise _unsupported("a 0-d result of distributed operands")
    _check_distribution(x, shape)
    bounds = _context.block_bounds(shape[0], comm.size)
    lo, hi = bounds[comm.rank]
    out = []

    def store(a, b, v):
        if not out:  # the first piece gives the dtype
            dtype = v.dtype if isinstance(v, _nd_ndarray) else numpy.result_type(v)
            out.append(_nd_empty((hi - lo,) + tuple(shape[1:]), dtype=dtype,
                                 device=comm.device))
        if b > a:
            out[0][a - lo:b - lo] = v

    _compute(x, bounds, comm, store)
    return ndarray(shape, out[0], comm)


def _assign(target, value):
    """target (a _View) = value, NumPy's broadcasting of value to the view's shape."""
    if target.step != 1:
        _assign_stepped(target, value)
        return
    base = target.base
    comm = base._comm
    me = comm.rank
    own = base._bounds[me]
    ranges = _ranges_for(target.start, target.nrows, base._bounds)
    i0, i1 = ranges[me]
    tshape = target.shape  # with axis 0 even when drop (nrows == 1)

    def key_rows(a, b):  # the local block's rows of target rows [a, b), then the rest
        return (slice(target.start + a - own[0], target.start + b - own[0]),) + target.rest

    if isinstance(value, (ndarray, _View, _Expr)):
        if target.drop:
            raise _unsupported("assigning a distributed array into one row")
        expr = _as_operand(value) if isinstance(value, ndarray) else value
        shape = _expr_shape(expr)
        if tuple(shape) != tuple(tshape):
            if len(shape) == len(tshape) and shape[0] == tshape[0] and \
                    numpy.broadcast_shapes(shape, tshape) == tuple(tshape):
                pass
            else:
                raise ValueError(f"could not broadcast input array from shape {tuple(shape)} "
                                 f"into shape {tuple(tshape)}")
        _check_distribution(expr, tshape)
        def store(a, b, v):
            if b > a:
                base._local[key_rows(a, b)] = v

        _compute(expr, ranges, comm, store,
                 writes_leaves=any(leaf.base is base for leaf in _leaves(expr, [])))
        return
    # A replicated value: scalars, host arrays, ndaccel arrays held by every rank.
    vshape = numpy.shape(value)
    full = tshape[1:] if target.drop else tshape
    if numpy.broadcast_shapes(vshape, full) != tuple(full):
        raise ValueError(f"could not broadcast input array from shape {tuple(vshape)} into "
                         f"shape {tuple(full)}")
    if i1 <= i0:
        return
    if len(vshape) == len(full) and not target.drop and vshape and vshape[0] == full[0] \
            and vshape[0] != 1:
        value = value[i0:i1]  # the rows of a value that spans the rows
    elif target.drop and len(vshape):
        value = _nd_asarray(value, device=comm.device)[None] if not \
            isinstance(value, (numbers.Number, numpy.generic)) else value
    base._local[key_rows(i0, i1)] = value


def _assign_stepped(target, value):
    """target (a _View with a step other than 1) = value: the value evaluated (or
    broadcast) into row blocks of the target's shape, then each row sent to the owner of
    its base row. The value is read in full first, so it may read the target's base."""
    comm = target.base._comm
    tshape = target.shape
    if isinstance(value, (ndarray, _View, _Expr)):
        expr = _as_operand(value) if isinstance(value, ndarray) else value
        shape = _expr_shape(expr)
        if len(shape) != len(tshape) or shape[0] != tshape[0] or \
                numpy.broadcast_shapes(shape, tshape) != tuple(tshape):
            raise ValueError(f"could not broadcast input array from shape {tuple(shape)} "
                             f"into shape {tuple(tshape)}")
        val = _materialize(expr)
        if tuple(val.shape) != tuple(tshape):
            val = ndarray(tshape, val._local + _nd_full((1,) + tuple(tshape[1:]), 0,
                                                        dtype=val.dtype, device=comm.device),
                          comm)
    else:
        vshape = numpy.shape(value)
        if numpy.broadcast_shapes(vshape, tshape) != tuple(tshape):
            raise ValueError(f"could not broadcast input array from shape {tuple(vshape)} "
                             f"into shape {tuple(tshape)}")
        nb = _context.block_bounds(tshape[0], comm.size)
        lo, hi = nb[comm.rank]
        local = _nd_empty((hi - lo,) + tuple(tshape[1:]), dtype=target.dtype,
                          device=comm.device)
        if len(vshape) == len(tshape) and vshape[0] == tshape[0] and vshape[0] != 1:
            value = value[lo:hi]  # a replicated value that spans the rows
        local[...] = value
        val = ndarray(tshape, local, comm)
    _put_rows(target, val)


def _gather_rows(a, lo, hi):
    """Rows [lo, hi) of a distributed array, on every rank (an ndaccel array): an
    allgatherv of each owner's part."""
    if isinstance(a, _Pending):
        a = a._materialized()
    comm = a._comm
    rowsize = 1
    for d in a._shape[1:]:
        rowsize *= d
    parts = [_intersect((lo, hi), b) for b in a._bounds]
    counts = [(p1 - p0) * rowsize for p0, p1 in parts]
    own = a._bounds[comm.rank]
    mine = parts[comm.rank]
    send = a._local[mine[0] - own[0]:mine[1] - own[0]].reshape(-1)
    send = send if send._c_contiguous else send.copy()
    recv = _nd_empty((sum(counts),), dtype=a.dtype, device=comm.device)
    if comm.size == 1:
        recv = send.copy()
    else:
        _core.comm_allgatherv(comm, send.copy() if send.size == 0 else send, recv, counts)
    return recv.reshape((hi - lo,) + tuple(a._shape[1:]))


def _gather_to_root(a, root):
    """The whole of a as a NumPy array on rank `root`, None on the others (collective):
    one alltoallv in which every rank sends its block to root only, so only root holds
    (and receives) all the rows."""
    if isinstance(a, _Pending):
        a = a._materialized()
    comm = a._comm
    if isinstance(root, bool) or not isinstance(root, numbers.Integral):
        raise TypeError(f"gather: root must be an integer, not {type(root).__name__}")
    if not 0 <= root < comm.size:
        raise ValueError(f"gather: root {root} is not a rank of {comm.size}")
    local = a._local
    if comm.size == 1:
        return local.get()
    rowsize = a.size // a.shape[0] if a.shape[0] else 0
    send = local.reshape(-1)
    send = send.copy() if send.size == 0 or not send._c_contiguous else send
    scounts = [send.size if q == root else 0 for q in range(comm.size)]
    rcounts = [(b1 - b0) * rowsize if comm.rank == root else 0 for b0, b1 in a._bounds]
    recv = _nd_empty((sum(rcounts),), dtype=a.dtype, device=comm.device)
    _core.comm_alltoallv(comm, send, scounts, recv, rcounts)
    return recv.get().reshape(a.shape) if comm.rank == root else None


# The dtypes a host array may have (their position is the code rank 0 broadcasts).
_CODES = [numpy.dtype(t) for t in ("bool", "int8", "uint8", "int16", "uint16", "int32", "uint32",
                                   "int64", "uint64", "float16", "float32", "float64",
                                   "complex64", "complex128")]


def full(shape, fill_value, dtype=None, comm=None):
    """A distributed array of `shape` filled with fill_value, in row blocks."""
    comm = comm or _context.world()
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if not shape:
        raise ValueError("ndaccel.distributed arrays have at least one dimension")
    lo, hi = _context.block_bounds(shape[0], comm.size)[comm.rank]
    local = _nd_full((hi - lo,) + tuple(shape[1:]), fill_value, dtype=dtype, device=comm.device)
    return ndarray(shape, local, comm)


def from_host(h, comm=None):
    """A distributed array of rank 0's host array `h`, scattered (collective): rank 0
    broadcasts the shape and dtype, every rank checks that its own `h` has them (SPMD
    programs pass the same array everywhere; a mismatch raises ValueError on every rank),
    then one alltoallv sends each rank only its rows. The other ranks' values are not
    read."""
    comm = comm or _context.world()
    h = numpy.asarray(h)
    if h.ndim == 0:
        raise ValueError("ndaccel.distributed arrays have at least one dimension")
    codes = {t: i for i, t in enumerate(_CODES)}
    meta = numpy.array(list(h.shape) + [0] * (64 - h.ndim) + [h.ndim, codes.get(h.dtype, -1)],
                       dtype=numpy.int64)
    m = _nd_asarray(meta, device=comm.device)
    if comm.size > 1:
        _core.comm_bcast(comm, m, 0)
    m = m.get()
    shape, code = tuple(int(s) for s in m[:int(m[64])]), int(m[65])
    if code < 0:  # rank 0's dtype: the same answer on every rank
        raise TypeError(f"ndaccel.distributed: arrays of rank 0's dtype are not supported "
                        f"(one of {', '.join(t.name for t in _CODES)})")
    err = None
    if shape != h.shape or h.dtype != _CODES[code]:
        err = ValueError(f"asarray: rank {comm.rank}'s array has shape {h.shape} and dtype "
                         f"{h.dtype}; rank 0's is used, and must match every rank's")
    if comm.size > 1:
        _core.comm_agree(comm, err)  # every rank raises when one does
    elif err is not None:
        raise err
    bounds = _context.block_bounds(shape[0], comm.size)
    lo, hi = bounds[comm.rank]
    rowsize = h.size // shape[0] if shape[0] else 0
    if comm.size == 1:
        return ndarray(shape, _nd_asarray(numpy.ascontiguousarray(h), device=comm.device), comm)
    if comm.rank == 0:
        send = _nd_asarray(numpy.ascontiguousarray(h).reshape(-1), device=comm.device)
        scounts = [(b1 - b0) * rowsize for b0, b1 in bounds]
    else:
        send = _nd_empty((0,), dtype=h.dtype, device=comm.device)
        scounts = [0] * comm.size
    rcounts = [(hi - lo) * rowsize if q == 0 else 0 for q in range(comm.size)]
    recv = _nd_empty(((hi - lo) * rowsize,), dtype=h.dtype, device=comm.device)
    _core.comm_alltoallv(comm, send, scounts, recv, rcounts)
    return ndarray(shape, recv.reshape((hi - lo,) + shape[1:]), comm)


def matmul(a, b):
    """a @ b for a distributed a (row blocks) and b held whole by every rank (a host or
    ndaccel array, 1-d or 2-d): each rank multiplies its rows, the result keeps a's row
    blocks. A distributed b (1-d or 2-d) is first gathered whole to every rank (one
    allgatherv: memory for all of b on each rank; a product whose b does not fit wants a
    2-D distribution, which ndaccel.distributed does not have)."""
    if isinstance(a, _Pending):
        a = a._materialized()
    if not isinstance(a, ndarray):
        raise _unsupported("matmul with a replicated first operand")
    if isinstance(b, (_View, _Expr)):
        b = _materialize(b)
    if isinstance(b, ndarray):
        if a.ndim == 2 and b.shape[0] != a.shape[1]:
            raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0 "
                             f"(size {b.shape[0]} is different from {a.shape[1]})")
        b = _gather_rows(b, 0, b.shape[0])
    if a.ndim != 2:
        raise _unsupported(f"matmul of a {a.ndim}-d distributed array")
    b = _nd_asarray(b, device=a._comm.device)
    if b.ndim not in (1, 2):
        raise _unsupported(f"matmul with a {b.ndim}-d second operand")
    if b.shape[0] != a.shape[1]:
        raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0 "
                         f"(size {b.shape[0]} is different from {a.shape[1]})")
    local = a._local @ b
    return ndarray((a.shape[0],) + tuple(b.shape[1:]), local, a._comm)
