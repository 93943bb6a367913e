"""Stack frames from ECMA-426 scopes: a frame inside an inlined function
gives the inlined frame plus its caller, a hidden helper frame disappears,
and names come from the scopes alone (the JavaScript scanner is not asked
when the map has generated ranges)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from libsourcemap.stacktrace import parse_stacktrace
from libsourcemap.symbolicate import Artifacts, Symbolicator

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "scopes"

# The proposal example's generated code (tests/fixtures/scopes/gen.py).
GENERATED = """var _x = 1;
function _z(_m) {
  let _y = 2;
  console.log(_m + _y);
}
console.log("Hello World2");
"""


def _dist(tmp: Path, map_name: str) -> Path:
    (tmp / "out.js").write_text(GENERATED + "//# sourceMappingURL=out.js.map\n")
    shutil.copy(FIXTURES / map_name, tmp / "out.js.map")
    return tmp


def _trace(*frames: str) -> str:
    return "Error: boom\n" + "".join("    at %s\n" % f for f in frames)


def test_inlined_function_gives_its_frame_and_its_caller(tmp_path: Path) -> None:
    dist = _dist(tmp_path, "proposal_single.map")
    out = Symbolicator(Artifacts([dist])).symbolicate(
        parse_stacktrace(_trace("http://h/out.js:6:4")))
    got = [(f.filename, f.lineno, f.colno, f.function, f.function_source) for f in out.frames]
    assert got == [
        ("file.js", 4, 3, "z", "scopes"),          # the inlined body: console.log in z
        ("file.js", 6, 1, None, "none"),           # its call site, in the global scope
    ]
    assert out.frames[1].context_line == 'z("Hello World");'
    assert out.frames[0].context_line == "  console.log(message + y);"


def test_function_frame_named_from_scopes(tmp_path: Path) -> None:
    dist = _dist(tmp_path, "proposal_split.map")
    out = Symbolicator(Artifacts([dist])).symbolicate(
        parse_stacktrace(_trace("_z (http://h/out.js:3:3)")))
    [frame] = out.frames
    assert (frame.filename, frame.lineno, frame.colno) == ("file.js", 3, 1)
    assert (frame.function, frame.function_source) == ("z", "scopes")


def test_hidden_helper_frame_disappears(tmp_path: Path) -> None:
    dist = _dist(tmp_path, "hidden.map")
    out = Symbolicator(Artifacts([dist])).symbolicate(
        parse_stacktrace(_trace("helper (http://h/out.js:6:4)", "_z (http://h/out.js:3:3)")))
    assert [(f.lineno, f.function, f.function_source) for f in out.frames] == [(3, "z", "scopes")]


def test_outside_every_range_the_scanner_is_not_asked(tmp_path: Path) -> None:
    # Ranges cover lines 0-5 only; a map with ranges never falls back to
    # scanning, so a mapped position outside them has no function name.
    m = json.loads((FIXTURES / "proposal_single.map").read_text())
    m["mappings"] += ";AACA"
    (tmp_path / "out.js").write_text(GENERATED + "function _w() {}\n//# sourceMappingURL=out.js.map\n")
    (tmp_path / "out.js.map").write_text(json.dumps(m))
    out = Symbolicator(Artifacts([tmp_path])).symbolicate(
        parse_stacktrace(_trace("_w (http://h/out.js:7:1)")))
    [frame] = out.frames
    assert frame.resolved and frame.lineno == 5
    assert (frame.function, frame.function_source) == ("_w", "none")
