"""Scopes from a real producer: swc (tests/fixtures/scopes/produced, made
by its gen.mjs with jsc.experimental.emitSourceMapScopes) compiled
app.src.js, node ran the output and the stack traces it printed are kept
beside it. The traces symbolicate with function names from the map's
scopes alone (Symbolicator(use_scanner=False))."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional, Tuple

from libsourcemap.scopes import OriginalScope
from libsourcemap.stacktrace import parse_stacktrace
from libsourcemap.symbolicate import Artifacts, Symbolicator
from libsourcemap.view import View

PRODUCED = Path(__file__).resolve().parent.parent / "fixtures" / "scopes" / "produced"

Row = Tuple[Optional[str], Optional[int], Optional[int], Optional[str], Optional[str]]


def _frames(name: str, use_scanner: bool) -> List[List[Row]]:
    stacks = json.loads((PRODUCED / ("app.%s.stacks.json" % name)).read_text())
    sym = Symbolicator(Artifacts([PRODUCED / ("app.%s.js" % name)]), use_scanner=use_scanner)
    out = []
    for stack in stacks:
        res = sym.symbolicate(parse_stacktrace(stack))
        out.append(
            [
                (f.filename, f.lineno, f.colno, f.function, f.function_source)
                for f in res.frames
                if f.resolved
            ]
        )
    return out


def _tree(scope: OriginalScope) -> List[object]:
    return [scope.name, scope.kind, scope.is_stack_frame, list(scope.variables),
            [_tree(c) for c in scope.children]]


def test_swc_scopes_decode() -> None:
    with View.from_json((PRODUCED / "app.plain.js.map").read_bytes(), strict_scopes=True) as view:
        assert view.scopes_warning is None
        [[top]] = view.original_scopes
        ranges = view.generated_ranges
    assert _tree(top) == [
        None, "module", False, ["outer", "run", "helper"], [
            ["outer", "function", True, ["a", "inner"], [
                ["inner", "function", True, ["b"], []]]],
            [None, "function", True, ["x", "y"], []],
            ["helper", "function", True, ["list"], [
                ["each", "function", True, ["item"], []]]],
        ]]
    assert (top.start.line, top.start.column, top.end.line, top.end.column) == (0, 0, 14, 1)
    [whole] = ranges
    # generated (0-based) positions, checked against app.plain.js by eye:
    # "function outer" .. its "}", "(x)=>{" .. "}", "function helper" .. "}"
    assert [(c.definition.name if c.definition else None, c.stack_frame_type, c.start.line,
             c.start.column, c.end.line, c.end.column) for c in whole.children] == [
        ("outer", "original", 0, 0, 5, 1),
        (None, "original", 6, 19, 9, 1),
        ("helper", "original", 10, 7, 14, 1),
    ]


def test_swc_plain_trace_names_from_scopes_alone() -> None:
    assert _frames("plain", use_scanner=False) == [
        [
            ("app.src.js", 3, 22, "inner", "scopes"),
            ("app.src.js", 5, 10, "outer", "scopes"),
            # the arrow function's scope has no name: the frame keeps V8's
            ("app.src.js", 8, 13, "Module.run", "none"),
        ],
        [
            ("app.src.js", 13, 22, "each", "scopes"),
            ("app.src.js", 12, 15, "helper", "scopes"),
        ],
    ]


def test_swc_mangled_scopes_carry_the_mangled_names() -> None:
    # swc 1.16.22 writes the mangled names into the *original* scopes when
    # it minifies, so the scopes name frames as the minified code does;
    # recorded here so that a fixed swc shows up as a changed fixture.
    with View.from_path(PRODUCED / "app.min.js.map") as view:
        [[top]] = view.original_scopes
    assert [c.name for c in top.children] == ["n", None, "helper"]
    assert _frames("min", use_scanner=False)[0][0][3:] == ("r", "scopes")


def test_scanner_switch_agrees_when_the_map_has_scopes() -> None:
    # With scopes the scanner's answer never stands, so both settings agree.
    assert _frames("plain", use_scanner=True) == _frames("plain", use_scanner=False)
