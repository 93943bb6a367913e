"""The warm path of Symbolicator.symbolicate_frame (symbolication/hotpath.py,
lsm_js_frame_query) answers exactly as the general path: the same fields
(call_name too), repr and pickle round trip, for every mapped position of
the end-to-end apps' builds and the bundled example, around them, after
the context changes, from a version 3 cache file, from several threads,
and once the map is closed."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
import threading
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from libsourcemap import View
from libsourcemap.stacktrace import Frame
from libsourcemap.symbolicate import Artifacts, Symbolicator
from libsourcemap.symbolication import hotpath
from libsourcemap.symbolication.results import SymbolicatedFrame

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "tests" / "e2e" / "apps"
EXAMPLE = REPO / "python" / "libsourcemap" / "data" / "example" / "dist"

BUILDS = sorted(p.parent for p in APPS.glob("*/dist/*/*.js.map")) + [EXAMPLE]


def general(artifacts: Artifacts, **kw: Any) -> Symbolicator:
    """A symbolicator whose frames all take the general path."""
    sym = Symbolicator(artifacts, **kw)
    sym._hot_file = lambda frame: None  # type: ignore[method-assign]
    return sym


def frames_of(build: Path, limit: int = 400) -> List[Frame]:
    """Frames at mapped tokens of every generated file of `build` (at most
    `limit` per file, spread over it), beside them, and a few odd ones."""
    out: List[Frame] = []
    for mp in sorted(build.glob("*.js.map")):
        url = "https://cdn.test/assets/" + mp.name[: -len(".map")]
        with View.from_path(mp) as view:
            tokens = [t for t in view]
        step = max(1, len(tokens) // limit)
        for i, t in enumerate(tokens[::step]):
            line, col = t.dst_line + 1, t.dst_col + 1
            fn = (None, "f", "C")[i % 3]
            for c in (col, col + 1, col + 7):
                out.append(Frame(function=fn, filename=url, lineno=line, colno=c,
                                 raw="at %s (%s:%d:%d)" % (fn, url, line, c),
                                 is_constructor=fn == "C"))
        out += [
            Frame(function="g", filename=url, lineno=1, colno=None, raw="at g"),
            Frame(function="g", filename=url, lineno=10 ** 6, colno=1, raw="at g"),
            Frame(function="g", filename=url, lineno=1, colno=2 ** 31, raw="at g"),
            Frame(function="g", filename=url, lineno=1, colno=1, raw="at g", is_eval=True),
            Frame(function="g", filename=url, lineno=1, colno=1, raw="at g", is_native=True),
        ]
    return out


def fields_of(frame: SymbolicatedFrame) -> List[Tuple[str, type, Any]]:
    """Every field (call_name too), with its value's type: the list fields
    read as lists whichever way the frame was built."""
    return [(f.name, type(getattr(frame, f.name)), getattr(frame, f.name))
            for f in dataclasses.fields(frame)]


def same(a: SymbolicatedFrame, b: SymbolicatedFrame) -> None:
    assert fields_of(a) == fields_of(b)
    assert list(a.generated) == list(b.generated)
    assert a == b and a.call_name == b.call_name
    assert a.to_dict() == b.to_dict()
    assert repr(a) == repr(b)
    assert fields_of(pickle.loads(pickle.dumps(a))) == fields_of(b)


class Counting:
    """Counts the frames HotFile.answer answers (not None)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answered = 0
        original = hotpath.HotFile.answer
        lock = threading.Lock()

        def answer(hot: hotpath.HotFile, frame: Any, context: int, *make: Any) -> Any:
            out = original(hot, frame, context, *make)
            if out is not None:
                with lock:
                    self.answered += 1
            return out

        monkeypatch.setattr(hotpath.HotFile, "answer", answer)


@pytest.mark.parametrize("build", BUILDS, ids=lambda p: "/".join(p.parts[-3:]))
def test_every_frame_as_the_general_path(build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = Counting(monkeypatch)
    frames = frames_of(build)
    hot = Symbolicator(Artifacts([build]))
    slow = general(Artifacts([build]))
    for context in (5, 0, 12, 5):
        hot.context = slow.context = context
        for f in frames:
            same(hot.symbolicate_frame(f), slow.symbolicate_frame(f))
    # Whole traces too (the caller-name fallback runs over warm frames).
    assert hot.symbolicate(frames[:60]).to_dict() == slow.symbolicate(frames[:60]).to_dict()
    has_contents = "nosrc" not in str(build)
    assert (count.answered > len(frames)) == has_contents


def test_trim_and_no_scanner_take_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    count = Counting(monkeypatch)
    build = APPS / "shop" / "dist" / "esbuild"
    frames = frames_of(build, 50)
    for kw in ({"trim": True}, {"use_scanner": False}):
        hot = Symbolicator(Artifacts([build]), **kw)  # type: ignore[arg-type]
        slow = general(Artifacts([build]), **kw)  # type: ignore[arg-type]
        for f in frames:
            same(hot.symbolicate_frame(f), slow.symbolicate_frame(f))
    assert count.answered == 0


def test_from_a_version_3_cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = Counting(monkeypatch)
    build = tmp_path / "esbuild"
    shutil.copytree(APPS / "shop" / "dist" / "esbuild", build)
    mp = build / "app.min.js.map"
    with View.from_path(mp) as view:
        view.write_cache(str(mp) + ".lsmcache", minified=(build / "app.min.js").read_bytes())
    frames = frames_of(build, 200)
    arts = Artifacts([build])
    hot = Symbolicator(arts)
    slow = general(Artifacts([build]))
    plain = general(Artifacts([build], use_cache_files=False))
    for f in frames:
        a = hot.symbolicate_frame(f)
        same(a, slow.symbolicate_frame(f))
        same(a, plain.symbolicate_frame(f))
    assert arts.map_for(build / "app.min.js").from_cache
    assert count.answered > len(frames) // 2


def test_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    count = Counting(monkeypatch)
    build = APPS / "shop" / "dist" / "terser"
    frames = frames_of(build, 200)
    want = [general(Artifacts([build])).symbolicate_frame(f).to_dict() for f in frames]
    hot = Symbolicator(Artifacts([build]))
    got: Dict[int, List[Dict[str, Any]]] = {}

    def work(k: int) -> None:
        got[k] = [hot.symbolicate_frame(f).to_dict() for f in frames]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(got[k] == want for k in range(4))
    assert count.answered > 2 * len(frames)


def test_closed_map_answers_as_the_general_path() -> None:
    build = APPS / "shop" / "dist" / "esbuild"
    frames = frames_of(build, 20)
    pairs: List[Tuple[Symbolicator, Symbolicator]] = []
    hot = Symbolicator(Artifacts([build]))
    slow = general(Artifacts([build]))
    for f in frames:
        same(hot.symbolicate_frame(f), slow.symbolicate_frame(f))
    pairs.append((hot, slow))
    for sym in (hot, slow):
        ref = sym.artifacts.map_for(build / "app.min.js")
        assert ref.view is not None
        ref.view.close()
    for f in frames:
        a, b = hot.symbolicate_frame(f), slow.symbolicate_frame(f)
        same(a, b)
        if f.colno is not None and f.lineno == 1:
            assert not a.resolved


def test_remembered_context_lines_are_never_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames at the same lines reuse the decoded lines (HotFile.lines) but
    each gets its own lists: changing one frame's context changes no
    other frame, and emptying the memo when full changes no answer."""
    count = Counting(monkeypatch)
    build = APPS / "shop" / "dist" / "esbuild"
    frames = frames_of(build, 60)
    hot = Symbolicator(Artifacts([build]))
    slow = general(Artifacts([build]))
    first = [hot.symbolicate_frame(f) for f in frames]
    hot_file = hot._hot["https://cdn.test/assets/app.min.js"]
    assert hot_file is not None and hot_file.lines
    again = [hot.symbolicate_frame(f) for f in frames]
    for a, b in zip(first, again):
        same(a, b)
        assert a.pre_context is not b.pre_context
        assert a.post_context is not b.post_context
        assert a.inlined_callers is not b.inlined_callers
        assert a.generated is not b.generated
    for a in first:
        a.pre_context.append("changed")
        a.post_context.clear()
        a.generated["lineno"] = -1
    for f in frames:
        same(hot.symbolicate_frame(f), slow.symbolicate_frame(f))
    # A memo of two entries, emptied again and again: the same answers.
    monkeypatch.setattr(hotpath, "_LINES_KEPT", 2)
    hot_file.lines.clear()
    for f in frames:
        same(hot.symbolicate_frame(f), slow.symbolicate_frame(f))
        assert len(hot_file.lines) <= 2
    assert count.answered > 3 * len(frames) // 2


def test_a_buffer_too_small_grows(monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for one byte, the first frames ask C again after growing
    the buffer, and answer as the general path."""
    count = Counting(monkeypatch)
    monkeypatch.setattr(hotpath, "_ROOM", 1)
    build = APPS / "shop" / "dist" / "esbuild"
    frames = frames_of(build, 60)
    hot = Symbolicator(Artifacts([build]), context=12)
    slow = general(Artifacts([build]), context=12)
    for f in frames:
        same(hot.symbolicate_frame(f), slow.symbolicate_frame(f))
    hot_file = hot._hot["https://cdn.test/assets/app.min.js"]
    assert hot_file is not None
    assert hot_file.local.q.room > 1
    assert count.answered > len(frames) // 2


def test_remembered_context_lines_stay_within_their_byte_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The memo of decoded lines is emptied before it holds more than
    _LINES_BYTES bytes of text, and never keeps a window larger than a
    sixteenth of that (long minified lines in sourcesContent)."""
    count = Counting(monkeypatch)
    build = APPS / "shop" / "dist" / "esbuild"
    frames = frames_of(build, 60)
    monkeypatch.setattr(hotpath, "_LINES_BYTES", 4096)
    hot = Symbolicator(Artifacts([build]), context=5)
    slow = general(Artifacts([build]), context=5)
    hot_file = None
    emptied = 0
    before = 0
    for f in frames:
        a = hot.symbolicate_frame(f)
        same(a, slow.symbolicate_frame(f))
        hot_file = hot._hot["https://cdn.test/assets/app.min.js"]
        assert hot_file is not None
        kept = sum(len("\n".join(v).encode()) for v in hot_file.lines.values())
        assert kept == hot_file.lines_bytes <= 4096
        assert all(len("\n".join(v).encode()) <= 256 for v in hot_file.lines.values())
        emptied += hot_file.lines_bytes < before
        before = hot_file.lines_bytes
    assert hot_file is not None and hot_file.lines
    assert emptied > 0
    assert count.answered > len(frames) // 2
