"""get_original_function_name: libsourcemap 0.8's heuristic."""

from __future__ import annotations

import re
from typing import Dict

import pytest

from libsourcemap import View
from lsm_testutil import FIXTURES, make_map

ESBUILD = FIXTURES / "esbuild" / "app.min.js"

# `function <minified>(` declarations in the esbuild bundle and the names
# in the original sources (tests/fixtures/app/src). `async function`s are
# not found by the heuristic (the token before the name is `async`'s), as
# in libsourcemap 0.8.
EXPECTED: Dict[str, object] = {
    "f": "grüße",
    "g": "words",
    "w": "isEmail",
    "x": "slugify",
    "y": "html",
    "$": "stats",
    "F": "checkRange",
    "I": "normalizeEntry",
    "M": "normalizeAll",
    "d": "processBatch",
    "h": "tryProcess",
    "L": "fetchItem",  # async: 0.8 found no name
    "E": "retry",  # async: 0.8 found no name
    "z": "geometryDemo",
    "b": "textDemo",
    "k": "errorDemo",
    "S": "crash",
    "v": "asyncDemo",  # async: 0.8 found no name
    "B": "run",  # async: 0.8 found no name
}


@pytest.fixture(scope="module")
def esbuild() -> "tuple[View, str]":
    return View.from_path(str(ESBUILD) + ".map"), ESBUILD.read_text("utf-8")


def test_frames_inside_functions(esbuild: "tuple[View, str]") -> None:
    view, source = esbuild
    found = {}
    for line_no, text in enumerate(source.split("\n")):
        for m in re.finditer(r"function ([\w$]+)\(", text):
            # A frame somewhere in the body: just after its opening brace,
            # in UTF-16 columns.
            body = text.index("{", m.end()) + 1
            col = len(text[:body].encode("utf-16-le")) // 2
            found[m.group(1)] = view.get_original_function_name(line_no, col, m.group(1), source)
    assert found == EXPECTED
    # The original names are the identifiers of the original declarations.
    app = FIXTURES.parent / "app" / "src"
    originals = "".join(p.read_text("utf-8") for p in sorted(app.glob("*.js")))
    for name in EXPECTED.values():
        if name is not None:
            assert re.search(r"function\*?\s+%s\s*\(" % re.escape(str(name)), originals), name


def test_like_sentrys_stacktrace_test(esbuild: "tuple[View, str]") -> None:
    view, source = esbuild
    text = source.split("\n")[0]
    col = text.index("function g(") + len("function g(") + 5
    stacktrace = [
        (0, col, "g", "words"),
        (0, col, "nonexisting", None),
        (0, col, "a.b", None),  # not an identifier
        (0, col, "", None),
        (-1, col, "g", None),
        (0, -1, "g", None),
    ]
    for line, c, minified, match in stacktrace:
        assert view.get_original_function_name(line, c, minified, source) == match
        assert view.get_original_function_name(line, c, minified, source.encode()) == match


def test_position_before_every_token() -> None:
    view = View.from_json(make_map([[[5, 0, 0, 0, 0]]], names=["orig"]))
    assert view.get_original_function_name(0, 0, "f", "     function f() {}") is None


def test_small_map() -> None:
    source = "function a(){x()}"
    # tokens: "function" at 0, "a" at 9 (name "original"), "x" at 13
    view = View.from_json(
        make_map([[[0, 0, 0, 0], [9, 0, 0, 9, 0], [13, 0, 1, 2, 1]]], names=["original", "call"])
    )
    assert view.get_original_function_name(0, 14, "a", source) == "original"
    assert view.get_original_function_name(0, 14, "x", source) is None
    # 0.8 walked back 1000 tokens at most; the enclosing scope has no horizon.
    far = View.from_json(
        make_map(
            [[[0, 0, 0, 0], [9, 0, 0, 9, 0]] + [[12 + i, 0, 1, i] for i in range(130)]],
            names=["original"],
        )
    )
    long_source = "function a(){" + "x" * 140 + "}"
    assert far.get_original_function_name(0, 12 + 125, "a", long_source) == "original"
    assert far.get_original_function_name(0, 12 + 129, "a", long_source) == "original"


def test_name_token_on_the_space_before_the_identifier() -> None:
    # UglifyJS puts the name's mapping on the space after `function`
    # (issue 10, item 1); libsourcemap 0.8.2 answers "onFailure" for both.
    source = "function e(n){throw new Error(1)}"
    for mappings in ("AAAA,QAAQA,MACN", "AAAA,SAASA,KACT"):
        view = View.from_json(
            b'{"version":3,"sources":["a.js"],"names":["onFailure"],"mappings":"%s"}'
            % mappings.encode()
        )
        assert view.get_original_function_name(0, 14, "e", source) == "onFailure"


def test_08_walk_horizon() -> None:
    # 0.8.2 walks back at most 1000 tokens from the position (measured: a
    # declaration 998 tokens back is found, 999 is not); past that the
    # enclosing scope still names the function, from the original text.
    for n, want in ((998, "original"), (999, "original")):
        view = View.from_json(
            make_map(
                [[[0, 0, 0, 0], [9, 0, 0, 9, 0]] + [[12 + i, 0, 1, i] for i in range(n)]],
                names=["original"],
            )
        )
        source = "function a(){" + "x" * (n + 10) + "}"
        assert view.get_original_function_name(0, 12 + n - 1, "a", source) == want
    # Not enclosing: a call after the function's end is named by 0.8's walk
    # within its horizon only (both answers checked on 0.8.2).
    calls = [[0, 0, 0, 0], [9, 0, 0, 9, 0], [14, 0, 1, 0]] + [[16 + 2 * i, 0, 2, i] for i in range(999)]
    view = View.from_json(make_map([calls], names=["original"]))
    source = "function a(){}" + "a;" * 1001
    assert view.get_original_function_name(0, 14 + 2 * 997, "a", source) == "original"
    assert view.get_original_function_name(0, 14 + 2 * 998, "a", source) is None
