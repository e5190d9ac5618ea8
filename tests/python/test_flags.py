"""ndarray.flags, setflags and read-only arrays against NumPy: the same
sequence of operations runs on numpy and on ndaccel arrays, and the flags,
which writes raise (exception class, and NumPy's message where ndaccel
matches it) and the values left behind must agree."""
import numpy
import pytest

import ndaccel
from xp_util import xp_compare

H = numpy.arange(24.0).reshape(4, 6)

FLAG_ATTRS = ("c_contiguous", "f_contiguous", "contiguous", "fortran", "owndata", "writeable",
              "aligned", "writebackifcopy", "fnc", "forc", "behaved", "carray", "farray", "num")
FLAG_KEYS = ("C_CONTIGUOUS", "C", "CONTIGUOUS", "F_CONTIGUOUS", "F", "FORTRAN", "OWNDATA", "O",
             "WRITEABLE", "W", "ALIGNED", "A", "WRITEBACKIFCOPY", "X", "FNC", "FORC", "BEHAVED",
             "B", "CARRAY", "CA", "FARRAY", "FA")

# Arrays in several layouts, made the same way from a NumPy owner and an
# ndaccel owner: (name, fn(owner, xp) -> array).
LAYOUTS = [
    ("owner", lambda a, xp: a),
    ("reshaped", lambda a, xp: a.reshape(6, 4)),
    ("transposed", lambda a, xp: a.T),
    ("row", lambda a, xp: a[1]),
    ("column", lambda a, xp: a[:, 2]),
    ("strided", lambda a, xp: a[::2, 1::3]),
    ("reversed", lambda a, xp: a[::-1]),
    ("zero-d", lambda a, xp: a[1, 2, ...]),
    ("size-1", lambda a, xp: a[1:2, 2:3]),
    ("empty", lambda a, xp: a[2:2]),
    ("empty owner", lambda a, xp: xp.zeros((0, 3))),
    ("copy of transposed", lambda a, xp: a.T.copy()),
    ("fresh result", lambda a, xp: a + 1),
    ("broadcast_to", lambda a, xp: xp.broadcast_to(a[0], (3, 6))),
    ("imag of real", lambda a, xp: a.imag),
]


def _pair(make):
    """make(owner, xp) on a NumPy owner and on an ndaccel owner."""
    return make(H.copy(), numpy), make(ndaccel.asarray(H), ndaccel)


@pytest.mark.parametrize("name,make", LAYOUTS, ids=[n for n, _ in LAYOUTS])
def test_flags_match_numpy(name, make):
    h, d = _pair(make)
    hf, df = h.flags, d.flags
    for attr in FLAG_ATTRS:
        assert getattr(df, attr) == getattr(hf, attr), f"{name}: flags.{attr}"
    for key in FLAG_KEYS:
        assert df[key] == hf[key], f"{name}: flags[{key!r}]"
    assert repr(df) == repr(hf) and str(df) == str(hf)
    assert (d.base is None) == (h.base is None)


def test_flags_object_protocol_matches_numpy():
    h, d = H.copy(), ndaccel.asarray(H)
    for flags in (h.flags, d.flags):
        for bad in ("U", "c", "fnc", "UPDATEIFCOPY", 3):
            with pytest.raises(KeyError, match="Unknown flag"):
                flags[bad]
        for bad in ("C", "OWNDATA", "FNC"):
            with pytest.raises(KeyError, match="Unknown flag"):
                flags[bad] = True
        with pytest.raises(AttributeError):
            flags.c_contiguous = False
        with pytest.raises(AttributeError, match="Cannot delete flags writeable attribute"):
            del flags.writeable
        with pytest.raises(TypeError, match="unhashable"):
            hash(flags)
        assert flags[b"C"] is True
    assert d.flags == d.flags and not (d.flags != d.flags)
    assert d.flags != d.T.flags


def test_flags_object_is_a_snapshot_like_numpy():
    for a in (H.copy(), ndaccel.asarray(H)):
        f = a.flags
        f.writeable = False          # sets the array's flag ...
        assert f.writeable is True   # ... the object keeps what it saw (NumPy's)
        assert a.flags.writeable is False
        f["W"] = True
        assert a.flags["WRITEABLE"] is True


def _outcome(fn):
    """("ok", None) or (builtin exception class, message) of fn()."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the outcome is the point
        cls = next(t for t in type(exc).__mro__ if t.__module__ == "builtins")
        return cls, str(exc)
    return "ok", None


# Writes into a read-only array `a` (float64, shape (4, 6)). The flag says
# whether ndaccel gives NumPy's message too (all give NumPy's class); the
# functions with out= that store through `out[...] = r` say "assignment
# destination is read-only" where NumPy says "output array is read-only".
WRITES = [
    ("a[...] = v", lambda a, xp: a.__setitem__(Ellipsis, 1.0), True),
    ("a[i] = v", lambda a, xp: a.__setitem__(1, 1.0), True),
    ("a[i, j] = v", lambda a, xp: a.__setitem__((1, 2), 5.0), True),
    ("a[slice] = array", lambda a, xp: a.__setitem__(slice(0, 2), xp.ones(6)), True),
    ("a[int array] = v", lambda a, xp: a.__setitem__(xp.asarray([0, 2]), 1.0), True),
    ("a[mask] = v", lambda a, xp: a.__setitem__(a > 10, 1.0), True),
    ("a[empty mask] = v", lambda a, xp: a.__setitem__(a > 1e9, 1.0), True),
    ("a.fill", lambda a, xp: a.fill(3.0), True),
    ("a += 1", lambda a, xp: a.__iadd__(1), True),
    ("a *= array", lambda a, xp: a.__imul__(xp.ones(6)), True),
    ("a **= 2", lambda a, xp: a.__ipow__(2), True),
    ("ufunc out=", lambda a, xp: xp.add(a, 1, out=a), True),
    ("ufunc out= where=", lambda a, xp: xp.multiply(a, 2, out=a, where=a > 3), True),
    ("unary ufunc out=", lambda a, xp: xp.sqrt(xp.ones((4, 6)), out=a), True),
    ("sort", lambda a, xp: a.sort(), True),
    ("ndarray.put", lambda a, xp: a.put([0, 3], 1.0), True),
    ("put", lambda a, xp: xp.put(a, [0], 1.0), True),
    ("putmask", lambda a, xp: xp.putmask(a, a > 3, 0.0), True),
    ("place", lambda a, xp: xp.place(a, a > 3, [0.0]), False),
    ("put_along_axis", lambda a, xp: xp.put_along_axis(a, xp.zeros((4, 1), dtype=xp.int64),
                                                       1.0, axis=1), True),
    ("a.flat[i] = v", lambda a, xp: a.flat.__setitem__(3, 1.0), True),
    ("a.real = v", lambda a, xp: setattr(a, "real", 2.0), True),
    ("view of a, written", lambda a, xp: a[1:3].__setitem__(Ellipsis, 0.0), True),
    ("transpose of a, written", lambda a, xp: a.T.__setitem__(0, 0.0), True),
    ("reshape of a, written", lambda a, xp: a.reshape(-1).__setitem__(0, 0.0), True),
    ("clip out=", lambda a, xp: xp.clip(xp.ones((4, 6)), 0, 1, out=a), True),
    ("round out=", lambda a, xp: xp.round(xp.ones((4, 6)), out=a), True),
    ("sum out=", lambda a, xp: xp.sum(xp.ones((3, 6)), axis=0, out=a[0]), False),
    ("add.reduce out=", lambda a, xp: xp.add.reduce(xp.ones((3, 6)), axis=0, out=a[0]), False),
    ("cumsum out=", lambda a, xp: xp.cumsum(xp.ones((4, 6)), axis=1, out=a), False),
    ("matmul out=", lambda a, xp: xp.matmul(xp.ones((4, 2)), xp.ones((2, 6)), out=a), False),
    ("random out=", lambda a, xp: xp.random.default_rng(1).random(out=a), True),
    ("standard_normal out=", lambda a, xp: xp.random.default_rng(1).standard_normal(out=a),
     True),
]


@pytest.mark.parametrize("what,write,same_message", WRITES, ids=[w for w, _, _ in WRITES])
def test_writes_into_read_only_array_raise_like_numpy(what, write, same_message):
    results = []
    for xp, a in ((numpy, H.copy()), (ndaccel, ndaccel.asarray(H))):
        a.flags.writeable = False
        results.append((_outcome(lambda: write(a, xp)), a))
    (h_out, h), (d_out, d) = results
    assert h_out[0] is ValueError, f"NumPy: {h_out}"
    assert d_out[0] is h_out[0], f"{what}: ndaccel {d_out} where NumPy raised {h_out}"
    if same_message:
        assert d_out[1] == h_out[1], what
    else:
        assert "read-only" in d_out[1], d_out
    numpy.testing.assert_array_equal(d.get(), H)  # nothing was written


def test_setflags_write_false_then_true_reenables_writes():
    def body(xp):
        a = xp.asarray(H.copy())
        a.setflags(write=False)
        ro = _outcome(lambda: a.__setitem__(0, -1.0))
        a.setflags(write=True)
        a[0] = -1.0
        a += 1
        xp.multiply(a, 2, out=a)
        a.flags.writeable = False
        a.flags["WRITEABLE"] = True
        a.fill(7.0)
        a[1] = -2.0
        assert ro[0] is ValueError
        return a
    xp_compare(body)


def test_views_inherit_read_only_only_after_the_flag_is_cleared():
    def body(xp):
        a = xp.asarray(H.copy())
        before = a[1]            # taken while writeable: stays writeable (NumPy)
        a.flags.writeable = False
        after = a[2]
        assert before.flags.writeable and not after.flags.writeable
        assert not a.T.flags.writeable and not a[...].flags.writeable
        before[...] = -5.0       # writes a's memory, as in NumPy
        assert _outcome(lambda: after.__setitem__(0, 1.0))[0] is ValueError
        return a
    xp_compare(body)


def test_writeable_true_on_view_of_read_only_base_is_refused():
    results = []
    for xp in (numpy, ndaccel):
        a = xp.asarray(H.copy())
        a.flags.writeable = False
        v = a[1:3]
        r1 = _outcome(lambda: setattr(v.flags, "writeable", True))
        r2 = _outcome(lambda: v.setflags(write=True))
        r3 = _outcome(lambda: v.flags.__setitem__("W", True))
        still = v.flags.writeable
        a.flags.writeable = True          # the owner may be made writeable again ...
        v.flags.writeable = True          # ... and then its views
        v[0, 0] = 99.0
        results.append((r1, r2, r3, still, a[1, 0].item()))
    assert results[0][0] == (ValueError, "cannot set WRITEABLE flag to True of this array")
    assert results[1] == results[0]


def test_view_of_view_writeable_follows_the_owner_as_numpy():
    """NumPy collapses a view's base to the owner: a view of a read-only
    view of a writeable owner may be made writeable."""
    results = []
    for xp in (numpy, ndaccel):
        owner = xp.asarray(H.copy())
        mid = owner.reshape(6, 4)
        mid.flags.writeable = False
        leaf = mid[1:]
        outcome = _outcome(lambda: setattr(leaf.flags, "writeable", True))
        results.append((leaf.base is owner, outcome, leaf.flags.writeable, mid.flags.writeable))
    assert results[1] == results[0]


def test_setflags_errors_and_alignment_match_numpy():
    results = []
    for xp in (numpy, ndaccel):
        a = xp.asarray(H.copy())
        r = [_outcome(lambda: a.setflags(uic=True))]
        a.setflags(write=False, align=False)
        r.append((a.flags.writeable, a.flags.aligned, a.flags.behaved, a.flags.carray, a.flags.num))
        r.append(a[1:].flags.aligned)  # a new view is aligned again (NumPy recomputes)
        a.setflags(align=True, uic=False)
        r.append((a.flags.aligned, a.flags.writeable))
        v = a[1:]
        # A refused write=True leaves align unchanged too (NumPy restores all flags).
        r.append(_outcome(lambda: v.setflags(write=True, align=False)))
        r.append((v.flags.aligned, v.flags.writeable))
        a.setflags(write=True, uic=False)
        r.append(a.flags.writeable)
        results.append(r)
    assert results[1] == results[0]


def test_read_only_array_still_reads_and_copies():
    def body(xp):
        a = xp.asarray(H.copy())
        a.flags.writeable = False
        c = a.copy()
        c[0] = 1.0                      # copies are writeable
        assert c.flags.writeable and c.flags.owndata
        return (a + 1, a.sum(axis=0), a[::2].T, c, xp.sort(a[:, ::-1], axis=1))
    xp_compare(body)


def test_broadcast_to_and_imag_of_real_are_read_only():
    def body(xp):
        b = xp.broadcast_to(xp.arange(3.0), (2, 3))
        i = xp.arange(3.0).imag
        outs = [_outcome(lambda: b.__setitem__(0, 1.0)), _outcome(lambda: i.fill(1.0))]
        assert [o[0] for o in outs] == [ValueError, ValueError]
        assert not b.flags.writeable and not b.flags.owndata and not i.flags.writeable
        return b
    xp_compare(body)


def test_base_is_the_owner_like_numpy():
    d = ndaccel.asarray(H)
    assert d.base is None and d.flags.owndata
    v = d[1:]
    assert v.base is d and v[1:].T.base is d and not v.flags.owndata
    assert (d + 1).base is None
    c = v.copy()
    assert c.base is None and c.flags.owndata
