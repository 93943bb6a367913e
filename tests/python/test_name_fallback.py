"""The order in which a symbolicated frame gets its function name
(docs/function-names.md): the enclosing function (original, then
generated), `<anonymous>`, the caller's call-site name, the minified name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from libsourcemap import Artifacts, Symbolicator
from libsourcemap.symbolication.results import SymbolicatedFrame
from libsourcemap.symbolication.results import name_from_callers as _name_from_callers
from lsm_testutil import encode_mappings

GEN = 'function c(f){f()}c(function(){throw new Error("x")});'
ORIG = ("function run(onDone) {\n"
        "  onDone();\n"
        "}\n"
        "run(function () {\n"
        "  throw new Error(\"x\");\n"
        "});\n")


def col(marker: str) -> int:
    return GEN.index(marker)


def write_app(root: Path, contents: bool) -> None:
    """The minified file and its map; the original only as sourcesContent
    (when `contents`), never on disk."""
    lines = [[
        [0, 0, 0, 0],
        [col("f()"), 0, 1, 2, 0],          # the call site: onDone
        [col("c(function"), 0, 3, 0, 1],   # run(
        [col("function(){"), 0, 3, 4],
        [col("throw"), 0, 4, 2],
    ]]
    doc = {"version": 3, "sources": ["src/app.js"], "names": ["onDone", "run"],
           "mappings": encode_mappings(lines)}
    if contents:
        doc["sourcesContent"] = [ORIG]
    (root / "app.min.js").write_text(GEN + "\n//# sourceMappingURL=app.min.js.map\n")
    (root / "app.min.js.map").write_text(json.dumps(doc))


def trace() -> str:
    return ("Error: x\n"
            "    at http://x/app.min.js:1:%d\n"
            "    at c (http://x/app.min.js:1:%d)\n"
            "    at http://x/app.min.js:1:%d\n"
            % (col("throw") + 1, col("f()") + 1, col("c(function") + 1))


def test_without_the_original_the_caller_names_the_callee(tmp_path: Path):
    write_app(tmp_path, contents=False)
    frames = Symbolicator(Artifacts([tmp_path])).symbolicate(trace()).frames
    got = [(f.function, f.function_source) for f in frames]
    # the throwing function is anonymous in the minified code and its
    # original is not known: its caller called it `onDone`
    assert got == [("onDone", "caller"), ("c", "generated"), (None, "none")]


def test_with_the_original_an_anonymous_function_is_anonymous(tmp_path: Path):
    write_app(tmp_path, contents=True)
    frames = Symbolicator(Artifacts([tmp_path])).symbolicate(trace()).frames
    got = [(f.function, f.function_source) for f in frames]
    assert got == [("<anonymous>", "anonymous"), ("run", "original"), (None, "original")]


def frame(function: Optional[str], source: str, call_name: Optional[str] = None,
          resolved: bool = True) -> SymbolicatedFrame:
    return SymbolicatedFrame(filename="a.js", lineno=1, colno=1, function=function, raw="",
                             resolved=resolved, function_source=source, call_name=call_name)


def test_only_unnamed_frames_take_the_callers_name():
    frames = [
        frame("t", "none"),                      # takes "save"
        frame("e", "none", call_name="save"),    # its caller is not resolved: keeps "e"
        frame("n", "none", call_name="x", resolved=False),
        frame("<anonymous>", "anonymous"),       # anonymous is an answer
        frame("Cart.total", "original", call_name="reduce"),
        frame(None, "original", call_name="total"),
    ]
    _name_from_callers(frames)
    assert [(f.function, f.function_source) for f in frames] == [
        ("save", "caller"), ("e", "none"), ("n", "none"), ("<anonymous>", "anonymous"),
        ("Cart.total", "original"), (None, "original")]
    # the caller's own name does not matter, only what it called
    frames = [frame("t", "none"), frame(None, "original", call_name="load")]
    _name_from_callers(frames)
    assert (frames[0].function, frames[0].function_source) == ("load", "caller")
