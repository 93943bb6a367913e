"""SymbolicatedFrame keeps a plain dataclass's behaviour while it stores
its list fields (pre_context, post_context, inlined_callers) as given until
they are read: the fields, defaults, equality, repr, to_dict, pickling and
copying are those of the dataclass it was, and a caller who mutates a list
mutates the frame's own."""

from __future__ import annotations

import copy
import copyreg
import dataclasses
import gc
import pickle
import weakref

from libsourcemap.symbolication.results import SymbolicatedFrame, SymbolicatedTrace

FIELDS = [
    "filename", "lineno", "colno", "function", "raw", "context_line", "pre_context",
    "post_context", "error", "error_message", "resolved", "abs_path", "in_app",
    "function_source", "generated", "inlined_callers", "hidden", "call_name",
]


def frame(**kw: object) -> SymbolicatedFrame:
    return SymbolicatedFrame("a.js", 3, 4, "f", "at f (a.js:3:4)", **kw)  # type: ignore[arg-type]


def test_fields_and_defaults_are_the_dataclass_ones():
    assert dataclasses.is_dataclass(SymbolicatedFrame)
    assert [f.name for f in dataclasses.fields(SymbolicatedFrame)] == FIELDS
    f = frame()
    assert (f.context_line, f.pre_context, f.post_context, f.error, f.error_message) == (
        None, [], [], None, None)
    assert (f.resolved, f.abs_path, f.in_app, f.function_source, f.generated) == (
        False, None, None, None, {})
    assert (f.inlined_callers, f.hidden, f.call_name) == ([], False, None)
    for name in ("pre_context", "post_context", "inlined_callers", "generated"):
        assert getattr(f, name) is not getattr(frame(), name)  # one of its own per frame


def test_a_tuple_given_reads_as_the_frames_own_list():
    f = frame(pre_context=("a", "b"), post_context=("c",))
    pre = f.pre_context
    assert type(pre) is list and pre == ["a", "b"]
    assert f.pre_context is pre  # made once, then kept
    pre.append("x")
    f.post_context.append("y")
    f.inlined_callers.append(frame())
    assert (f.pre_context, f.post_context, len(f.inlined_callers)) == (
        ["a", "b", "x"], ["c", "y"], 1)
    f.pre_context = ["z"]
    assert f.pre_context == ["z"]
    f.post_context = None  # type: ignore[assignment]
    assert f.post_context is None  # stored as given, as a plain field is


def test_frames_with_nothing_in_their_lists_hold_no_list_until_read():
    # Most unresolved frames: one object for the cycle collector, not four.
    f = frame()
    assert not any(gc.is_tracked(getattr(f, "_" + n))
                   for n in ("pre_context", "post_context", "inlined_callers"))
    g = frame(pre_context=["a"])
    assert g._pre_context.__class__ is list  # a list given is kept as is


def test_equality_repr_and_to_dict_whatever_the_lists_were_given_as():
    a = frame(pre_context=("a",), post_context=(), generated={"k": 1})
    b = frame(pre_context=["a"], post_context=[], generated={"k": 1})
    assert a == b
    assert repr(a) == repr(b) == (
        "SymbolicatedFrame(filename='a.js', lineno=3, colno=4, function='f', "
        "raw='at f (a.js:3:4)', context_line=None, pre_context=['a'], post_context=[], "
        "error=None, error_message=None, resolved=False, abs_path=None, in_app=None, "
        "function_source=None, generated={'k': 1}, inlined_callers=[], hidden=False)")
    assert a.to_dict() == b.to_dict()
    assert type(a.to_dict()["pre_context"]) is list
    assert a != frame(pre_context=("b",))
    assert frame(call_name="x") == frame(call_name="y")  # not compared, as before
    assert SymbolicatedTrace(None, [a]) == SymbolicatedTrace(None, [b])


def test_pickling_and_copying_keep_every_field():
    inner = frame(context_line="g", pre_context=("i",))
    f = frame(pre_context=("a",), post_context=["b"], generated={"k": 1},
              inlined_callers=(inner,), call_name="c", error="map_invalid")
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(f, protocol=proto))
        assert [getattr(back, n) for n in FIELDS] == [getattr(f, n) for n in FIELDS]
    deep = copy.deepcopy(f)
    assert deep == f and deep.pre_context is not f.pre_context
    shallow = copy.copy(f)
    assert shallow == f and shallow.generated is f.generated
    assert dataclasses.replace(f, lineno=9).lineno == 9
    assert dataclasses.asdict(f)["inlined_callers"][0]["pre_context"] == ["i"]


def test_frames_pickled_with_an_instance_dict_still_load():
    # What a frame pickled before the slots looks like: the class made
    # anew, then its instance dict as the state.
    f = frame(pre_context=("a",), call_name="c")
    state = {n: getattr(f, n) for n in FIELDS}
    for old in (state, (state, None), (None, state)):
        blob = pickle.dumps((copyreg.__newobj__, SymbolicatedFrame, old))
        cls_new, cls, st = pickle.loads(blob)
        back = cls_new(cls)
        back.__setstate__(st)
        assert [getattr(back, n) for n in FIELDS] == [getattr(f, n) for n in FIELDS]


def test_frames_take_weak_references_but_no_other_attributes():
    f = frame()
    assert weakref.ref(f)() is f
    try:
        f.extra = 1  # type: ignore[attr-defined]
    except AttributeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a frame has slots only")
