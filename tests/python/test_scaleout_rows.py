"""A worker's results in transit made straight from the warm path and for
frames that cannot be located (_scaleout_base._encode_trace: rows, no
SymbolicatedFrame built and read back) decode to exactly what one
Symbolicator gives: every field (call_name too) with its type, the keys'
order of `generated`, repr and to_dict; over every build of the end-to-end
apps (warm frames, general ones and the caller-name fallback among them),
real traces, a map without sourcesContent and a map with scopes (inlined
callers, hidden frames)."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from pathlib import Path
from typing import Any, List

import pytest

from libsourcemap import _scaleout_base as base
from libsourcemap import scaleout
from libsourcemap.symbolicate import Artifacts, Symbolicator
from test_hotpath import BUILDS, frames_of
from test_name_fallback import trace as fallback_trace
from test_name_fallback import write_app
from test_scaleout import DIST, many_traces
from test_scopes_symbolicate import FIXTURES, GENERATED


def fields(frame: Any) -> Any:
    return [
        (f.name, type(v), [fields(c) for c in v] if f.name == "inlined_callers" else v)
        for f, v in ((f, getattr(frame, f.name)) for f in dataclasses.fields(frame))
    ] + [list(frame.generated), repr(frame), frame.to_dict()]


def through_worker(traces: List[Any], dirs: List[Path]) -> List[Any]:
    """Each trace through _run_batch, in batches of 7, decoded."""
    spec = scaleout.ArtifactSpec.of(dirs)
    items = [(i, scaleout._wire(t)) for i, t in enumerate(traces)]
    got = {}
    for batch in scaleout._cut({spec: items}, 2, 7):
        for index, data in pickle.loads(scaleout._run_batch(batch.payload("rows", 5))):
            got[index] = base._decode(data)
    return [got[i] for i in range(len(traces))]


def check(traces: List[Any], dirs: List[Path], monkeypatch: pytest.MonkeyPatch) -> int:
    """Asserts the worker's results are the symbolicator's; returns how
    many frames the warm path answered as rows."""
    rows = [0]
    frame = Symbolicator._frame

    def counting(sym: Symbolicator, f: Any, make: Any) -> Any:
        out = frame(sym, f, make)
        rows[0] += type(out) is tuple and out[base._ENCODED_FIELDS.index("resolved")]
        return out

    sym = Symbolicator(Artifacts(dirs))
    want = [sym.symbolicate(t) for t in traces]
    monkeypatch.setattr(Symbolicator, "_frame", counting)
    # While spans are reported (an SDK another test installed), workers
    # make results and encode them, as before: rows only without.
    monkeypatch.setattr(base._telemetry, "enabled", lambda: False)
    got = through_worker(traces, dirs)
    assert got == want
    for g, w in zip(got, want):
        assert g.message == w.message
        assert [fields(f) for f in g.frames] == [fields(f) for f in w.frames]
    return rows[0]


@pytest.mark.parametrize("build", BUILDS, ids=lambda p: "/".join(p.parts[-3:]))
def test_rows_of_every_build(build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frames = frames_of(build, limit=60)
    traces = [frames[i : i + 9] for i in range(0, len(frames), 9)]
    warm = check(traces, [build], monkeypatch)
    assert (warm > 0) == ("nosrc" not in str(build))


def test_rows_of_real_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check(many_traces(150, seed=3), DIST, monkeypatch) > 0


@pytest.mark.parametrize("contents", [False, True])
def test_rows_with_the_callers_name(tmp_path: Path, contents: bool,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_app(tmp_path, contents)
    check([fallback_trace()] * 3, [tmp_path], monkeypatch)


@pytest.mark.parametrize("name", ["proposal_single", "proposal_split", "hidden", "split_multi"])
def test_rows_with_scopes(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Inlined callers (one of them unnamed, so that the caller-name rule
    # runs over it), hidden helpers, names from scopes: the general path's
    # frames, encoded beside nothing else.
    (tmp_path / "out.js").write_text(GENERATED + "//# sourceMappingURL=out.js.map\n")
    shutil.copy(FIXTURES / (name + ".map"), tmp_path / "out.js.map")
    frames = ["http://h/out.js:6:4", "_z (http://h/out.js:3:3)", "helper (http://h/out.js:6:4)",
              "http://h/out.js:1:1", "x (node:internal/a.js:1:2)"]
    traces = ["Error: boom\n" + "".join("    at %s\n" % f for f in frames[i:] + frames[:i])
              for i in range(len(frames))]
    check(traces, [tmp_path], monkeypatch)


def test_a_warm_row_takes_its_callers_name() -> None:
    # No fixture makes the warm path answer with no name ("none"), which
    # the caller-name rule then replaces: a stand-in symbolicator does.
    import copy
    from functools import partial
    from types import SimpleNamespace

    from libsourcemap.symbolication.results import SymbolicatedFrame, SymbolicatedTrace
    from libsourcemap.symbolication.results import name_from_callers as _name_from_callers

    gen = {"filename": "a.js", "lineno": 1, "colno": 1, "function": "t", "file": "/a.js"}
    rows = [
        ("a.ts", 1, 2, "t", "at t (a.js:1:1)", "x", ("p",), ("q",), None, None, True, "/a.ts",
         True, "none", gen, (), False, None),
        ("a.ts", 3, 4, "s", "at s (a.js:1:9)", "y", (), (), None, None, True, "/a.ts", True,
         "original", dict(gen), (), False, "save"),
        ("b.ts", 5, 6, None, "at b.js:2:3", None, (), (), None, None, True, None, False, "none",
         dict(gen), (), False, "load"),
    ]

    class Warm:
        _answers = Symbolicator._answers
        _with_scopes = staticmethod(Symbolicator._with_scopes)

        def _frame(self, fields: Any, make: Any) -> Any:
            return make(*copy.deepcopy(fields))

    want = [SymbolicatedFrame(*copy.deepcopy(r)) for r in rows]
    _name_from_callers(want)
    assert [f.function_source for f in want] == ["caller", "original", "none"]
    memo: dict = {}
    st = SimpleNamespace(frames=rows, message="E")
    got = base._decode(base._encode_trace(Warm(), partial(base._shared_row, memo), st))
    assert got == SymbolicatedTrace("E", want)
    assert [fields(f) for f in got.frames] == [fields(f) for f in want]
