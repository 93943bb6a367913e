"""``libsourcemap decode MAP``: a map as ECMA-426's Decoded Source Map
Record, in JSON (the form the scopes proposal's conformance tests use).

0-based positions; ``url`` is each source as written in ``sources``;
original scopes and generated ranges in the proposal's record shape; for
an index map (flattened) only the top-level ``debugId`` is kept. A source
with several top-level scopes (the array layout allows it) gets a list as
its ``scope`` (docs/scopes.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO

from . import scopes as _scopes
from ._cli_base import EXIT_OK, _print_json, _Usage
from .view import View

__all__ = ["decoded_record", "cmd_decode", "register"]


def _pos(p: Any) -> Dict[str, int]:
    return {"line": p[0], "column": p[1]}


def _scope(s: _scopes.OriginalScope) -> Dict[str, Any]:
    return {
        "start": _pos(s.start),
        "end": _pos(s.end),
        "name": s.name,
        "kind": s.kind,
        "isStackFrame": s.is_stack_frame,
        "variables": list(s.variables),
        "children": [_scope(c) for c in s.children],
    }


def _binding(b: _scopes.Binding) -> Any:
    if b is None or isinstance(b, str):
        return b
    return [{"from": _pos(sub.start), "to": _pos(sub.end), "value": sub.value} for sub in b]


def _range(r: _scopes.GeneratedRange) -> Dict[str, Any]:
    call = r.call_site
    return {
        "start": _pos(r.start),
        "end": _pos(r.end),
        "definitionIndex": r.definition_index,
        "stackFrameType": r.stack_frame_type,
        "bindings": [_binding(b) for b in r.bindings],
        "callSite": None if call is None else
        {"sourceIndex": call.source_index, "line": call.line, "column": call.column},
        "children": [_range(c) for c in r.children],
    }


def decoded_record(view: View) -> Dict[str, Any]:
    """The Decoded Source Map Record of `view` as JSON-ready data."""
    per_source = view.original_scopes
    sources: List[Dict[str, Any]] = []
    for i, url in enumerate(view.sources):
        content = view.get_source_contents(i)
        trees = per_source[i] if i < len(per_source) else []
        scope: Optional[Any] = None
        if len(trees) == 1:
            scope = _scope(trees[0])
        elif trees:
            scope = [_scope(t) for t in trees]
        sources.append({
            "url": url,
            "content": None if content is None else content.decode("utf-8", "replace"),
            "ignored": view.is_ignored(i),
            "scope": scope,
        })
    mappings = []
    for t in view:
        original = None
        if t.src_id is not None:
            original = {"sourceIndex": t.src_id, "line": t.src_line, "column": t.src_col}
        mappings.append({
            "generatedPosition": {"line": t.dst_line, "column": t.dst_col},
            "originalPosition": original,
            "name": t.name,
        })
    return {
        "file": view.file,
        "sources": sources,
        "mappings": mappings,
        "ranges": [_range(r) for r in view.generated_ranges],
        "debugId": view.debug_id,
    }


def cmd_decode(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = Path(args.map)
    if not path.is_file():
        raise _Usage("no such file: %s" % args.map)
    with View.from_json(path.read_bytes(), allow_index=True,
                        strict_scopes=args.strict_scopes) as view:
        warning = view.scopes_warning
        if warning is not None:
            err.write("warning: scopes dropped: %s: %s\n" % warning)
        _print_json(decoded_record(view), out)
    return EXIT_OK


def register(sub: Any) -> None:
    s = sub.add_parser(
        "decode", help="print a map as ECMA-426's Decoded Source Map Record (JSON)",
        description="Print MAP as ECMA-426's Decoded Source Map Record in JSON: 0-based "
        "positions, sources as written, original scopes and generated ranges.")
    s.add_argument("map", metavar="MAP", help="a source map (regular or index)")
    s.add_argument("--strict-scopes", action="store_true",
                   help="fail on bad scope data instead of dropping it with a warning")
    s.set_defaults(func=cmd_decode)
