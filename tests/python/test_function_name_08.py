"""get_original_function_name against Sentry's libsourcemap 0.8.2 at every
column of the small bundler fixtures.

tests/fixtures/function_names_08.json holds 0.8.2's answers, recorded by
tests/tools/record_function_names_08.py with the real 0.8.2 (which also
defines the positions and the minified name asked at each). Wherever 0.8.2
found a name, ours must be the same. Where ours finds one and 0.8.2 did
not, the case must fall in one of the classes docs/compatibility.md
explains under "Function names".
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

import libsourcemap
from libsourcemap import View
from libsourcemap.symbolicate import Scopes
from lsm_testutil import REPO

RECORDED = json.loads((REPO / "tests" / "fixtures" / "function_names_08.json").read_text("utf-8"))
_spec = importlib.util.spec_from_file_location(
    "record_function_names_08", REPO / "tests" / "tools" / "record_function_names_08.py"
)
assert _spec is not None and _spec.loader is not None
recorder: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(recorder)

FIXTURES = [f for f in RECORDED["fixtures"] if "found" in f]

# The classes of docs/compatibility.md, "Function names".
HEAD = "position before the name"
NOT_FUNCTION = "not declared `function <name>`"
NO_MAP_NAME = "no name in the map on the name"
TOKEN_BEFORE = "mapping before the name not on `function`"


def test_the_recording_covers_the_fixtures() -> None:
    assert RECORDED["peer"] == "libsourcemap 0.8.2"
    files = [f["file"] for f in RECORDED["fixtures"]]
    assert files == [p.relative_to(REPO).as_posix() for p in recorder.fixtures()]
    assert len(FIXTURES) == 19
    # 0.8.2 crashes on the one index map (see docs/compatibility.md).
    assert [f["file"] for f in RECORDED["fixtures"] if "skipped" in f] == [
        "tests/fixtures/bundlers/index-map/combined.js"
    ]
    assert sum(f["asked"] for f in FIXTURES) == 60354
    assert sum(len(f["found"]) for f in FIXTURES) == 2558


def load(fixture: Dict[str, Any]) -> Tuple[View, str]:
    generated = REPO / fixture["file"]
    view = recorder.load_view(libsourcemap, generated.with_name(generated.name + ".map").read_bytes())
    return view, generated.read_text("utf-8")


def answers(view: View, text: str) -> Iterator[Tuple[int, int, str, Optional[str]]]:
    source = text.encode("utf-8")
    for line, col, name in recorder.positions(text):
        yield line, col, name, view.get_original_function_name(line, col, name, source)


def index16(text: str, col: int) -> int:
    """The index in `text` of UTF-16 column `col`."""
    units = 0
    for i, ch in enumerate(text):
        if units >= col:
            return i
        units += 2 if ord(ch) >= 0x10000 else 1
    return len(text)


def classify(view: View, scopes: Scopes, lines: List[str], line: int, col: int, name: str) -> str:
    """Why 0.8.2 found nothing where we found a name (see the module
    docstring); "unexplained" when no documented class fits."""
    scope = scopes.at(line, col)
    while scope is not None:
        parts = scope.name.replace(" ", ".").split(".") if scope.name else []
        if name in parts:
            break
        scope = scopes[scope.parent] if scope.parent is not None else None
    if scope is None or scope.name_position is None:
        return "unexplained"
    if scope.name != name:
        return NOT_FUNCTION  # a part of "C.m", "C.get x", "new C"
    nline, ncol = scope.name_position
    text = lines[nline]
    at = index16(text, ncol)
    if text[at : at + len(name)] != name:
        return "unexplained"
    if (line, col) < (nline, ncol):
        return HEAD
    head = text[:at].rstrip()
    if not head.endswith("function"):
        return NOT_FUNCTION  # class, arrow or function expression assigned, function*
    tok = view.lookup_token(nline, ncol)
    if tok is None or (tok.dst_line, tok.dst_col) != (nline, ncol) or tok.name is None:
        return NO_MAP_NAME
    keyword = len(head[: -len("function")].encode("utf-16-le")) // 2
    before = view.lookup_token(nline, ncol - 1)
    if before is None or (before.dst_line, before.dst_col) != (nline, keyword):
        return TOKEN_BEFORE
    return "unexplained"


_RESULTS: Dict[str, Tuple[List[Tuple[int, int, str, Any, Any]], Counter[str], int]] = {}


def compare(fixture: Dict[str, Any]) -> Tuple[List[Tuple[int, int, str, Any, Any]], Counter[str], int]:
    """(where ours differs from a name 0.8.2 found, the classes of names
    only ours finds, positions asked) for one fixture, computed once."""
    if fixture["file"] in _RESULTS:
        return _RESULTS[fixture["file"]]
    view, text = load(fixture)
    theirs = {(line, col): (name, got) for line, col, name, got in fixture["found"]}
    asked = 0
    differ: List[Tuple[int, int, str, Any, Any]] = []
    ours_only: Counter[str] = Counter()
    scopes = Scopes(text)
    lines = text.split("\n")
    for line, col, name, got in answers(view, text):
        asked += 1
        want = theirs.pop((line, col), None)
        if want is not None:
            if want != (name, got):
                differ.append((line, col, name, want, got))
        elif got is not None:
            ours_only[classify(view, scopes, lines, line, col, name)] += 1
    differ += [(line, col, name, want, "never asked") for (line, col), want in theirs.items()]
    _RESULTS[fixture["file"]] = (differ, ours_only, asked)
    return _RESULTS[fixture["file"]]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f["file"] for f in FIXTURES])
def test_same_answers_as_08(fixture: Dict[str, Any]) -> None:
    differ, ours_only, asked = compare(fixture)
    assert asked == fixture["asked"]
    assert differ == []
    assert "unexplained" not in ours_only, ours_only


def test_classes_of_names_only_we_find() -> None:
    """The totals docs/compatibility.md gives for each class."""
    totals: Counter[str] = Counter()
    for fixture in FIXTURES:
        totals.update(compare(fixture)[1])
    assert dict(totals) == {
        NOT_FUNCTION: 2233,
        NO_MAP_NAME: 461,
        HEAD: 193,
        TOKEN_BEFORE: 24,
    }
