"""Scopes through index maps: each section's original scopes and
generated ranges are kept when the index map is flattened, renumbered
(sources, names, definitions) and moved by the section's offset, the
column offset counting on the section's first line only (ECMA-426's rule
for sections' mappings). The same frames come out of the regular maps and
of the index map that places them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from libsourcemap.exceptions import BadScopesError
from libsourcemap.scopes import ScopeFrame
from libsourcemap.stacktrace import parse_stacktrace
from libsourcemap.symbolicate import Artifacts, Symbolicator
from libsourcemap.view import View

SCOPES = Path(__file__).resolve().parent.parent / "fixtures" / "scopes"
PRODUCED = SCOPES / "produced"

FILLER: Dict[str, Any] = {
    "version": 3, "sources": ["filler.js"], "names": ["q"], "mappings": "AAAAA",
}


def _load(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((SCOPES / name).read_text())
    return data


# (section map, offset line, offset column): a map without scopes, the
# proposal's example (an inlined call) on a line's middle, swc's maps.
PLACED: List[Tuple[Dict[str, Any], int, int]] = [
    (FILLER, 0, 0),
    (_load("proposal_single.map"), 0, 7),
    (_load("produced/app.plain.js.map"), 9, 0),
    (_load("split_multi.map"), 30, 3),
    (_load("produced/app.min.js.map"), 40, 5),
]


def _index(placed: List[Tuple[Dict[str, Any], int, int]]) -> bytes:
    return json.dumps({
        "version": 3,
        "sections": [{"offset": {"line": l, "column": c}, "map": m} for m, l, c in placed],
    }).encode()


Key = Tuple[Optional[str], bool, Optional[Tuple[Optional[str], int, int]]]


def _key(view: View, frames: List[ScopeFrame]) -> List[Key]:
    return [
        (f.name, f.hidden,
         None if f.call_site is None else
         (view.get_source_name(f.call_site.source_index), f.call_site.line, f.call_site.column))
        for f in frames
    ]


def test_index_map_frames_equal_each_sections_own() -> None:
    with View.from_json(_index(PLACED), allow_index=True, strict_scopes=True) as flat:
        assert flat.scopes_warning is None
        compared = named = 0
        tops: List[List[Tuple[Optional[str], Optional[str], int, int]]] = []
        for i, (m, at_line, at_col) in enumerate(PLACED):
            stop = (PLACED[i + 1][1], PLACED[i + 1][2]) if i + 1 < len(PLACED) else (1 << 30, 0)
            with View.from_json(json.dumps(m).encode(), strict_scopes=True) as own:
                tops += [[(t.name, t.kind, t.start.line, t.end.line) for t in trees]
                         for trees in own.original_scopes]
                for line in range(own.line_count):
                    for col in range(0, 200):
                        pos = (line + at_line, col + (at_col if line == 0 else 0))
                        if pos >= stop:  # the next section's
                            break
                        mine = _key(own, own.scope_frames(line, col))
                        there = flat.scope_frames(*pos)
                        assert _key(flat, there) == mine, (line, col)
                        compared += 1
                        named += any(k[0] for k in mine)
        # the filler's position 0:0 is before the proposal section: no ranges
        assert flat.scope_frames(0, 3) == []
        # original scopes stay in their own sources' coordinates
        assert [[(t.name, t.kind, t.start.line, t.end.line) for t in trees]
                for trees in flat.original_scopes] == tops
        assert sum(len(t) for t in tops) == 6
    assert (compared, named) == (4607, 2551)  # positions compared, named by scopes


def test_index_map_trace_symbolicates_as_the_regular_map(tmp_path: Path) -> None:
    plain = (PRODUCED / "app.plain.js").read_text()
    # app.plain.js after 9 lines of other code, the index map placing its map.
    (tmp_path / "bundle.js").write_text("\n" * 9 + plain.replace(
        "//# sourceMappingURL=app.plain.js.map", "//# sourceMappingURL=bundle.js.map"))
    (tmp_path / "bundle.js.map").write_bytes(_index(PLACED[:3]))
    stacks = json.loads((PRODUCED / "app.plain.stacks.json").read_text())

    def run(path: Path, name: str, shift: int) -> List[List[Tuple[Any, ...]]]:
        sym = Symbolicator(Artifacts([path]), use_scanner=False)
        out = []
        for stack in stacks:
            stack = stack.replace("app.plain.js", name)
            if shift:
                lines = stack.split("\n")
                stack = "\n".join(
                    l if name not in l else l.rsplit(":", 2)[0] + ":%d:%s" % (
                        int(l.rsplit(":", 2)[1]) + shift, l.rsplit(":", 2)[2])
                    for l in lines)
            res = sym.symbolicate(parse_stacktrace(stack))
            out.append([(f.filename, f.lineno, f.colno, f.function, f.function_source)
                        for f in res.frames if f.resolved])
        return out

    from_index = run(tmp_path / "bundle.js", "bundle.js", 9)
    assert from_index == run(PRODUCED / "app.plain.js", "app.plain.js", 0)
    assert [f[3] for f in from_index[0]] == ["inner", "outer", "Module.run"]


def _bad_ranges(m: Dict[str, Any]) -> Dict[str, Any]:
    bad = dict(m)
    bad["scopes"] = m["scopes"] + ",F"   # a range end without its column
    return bad


def test_bad_section_scopes_strict_and_lenient() -> None:
    placed = [PLACED[0], (_bad_ranges(PLACED[1][0]), 0, 7), PLACED[2]]
    with pytest.raises(BadScopesError) as exc:
        View.from_json(_index(placed), allow_index=True, strict_scopes=True)
    assert exc.value.error_name == "LSM_ERR_SCOPES_UNBALANCED"
    assert str(exc.value).startswith("part 1: ")
    with View.from_json(_index(placed), allow_index=True) as flat:
        warning = flat.scopes_warning
        assert warning is not None and warning.error_name == "LSM_ERR_SCOPES_UNBALANCED"
        # the bad section's ranges are gone, its scopes and the others' stay
        assert flat.scope_frames(5, 2) == []
        assert [f.name for f in flat.scope_frames(9 + 2, 20)] == ["inner"]
        assert [len(t) for t in flat.original_scopes] == [0, 1, 1]


def test_ranges_stop_where_the_next_section_starts() -> None:
    # Mappings only at 0:0, scope f and its range from 0:0 to 2:0 (VLQs
    # unsigned: "C" is 2); the next section starts at 1:4.
    early: Dict[str, Any] = {
        "version": 3, "sources": ["a.js"], "names": ["f"], "mappings": "AAAA",
        "scopes": "BFAAA,CCA,EGAA,FCA",
    }
    with View.from_json(json.dumps(early).encode(), strict_scopes=True) as own:
        [r] = own.generated_ranges
        assert (r.end.line, r.end.column) == (2, 0)
        assert [f.name for f in own.scope_frames(1, 9)] == ["f"]
    placed = [(early, 0, 0), (FILLER, 1, 4)]
    with View.from_json(_index(placed), allow_index=True, strict_scopes=True) as flat:
        [r] = flat.generated_ranges
        assert (r.start.line, r.start.column, r.end.line, r.end.column) == (0, 0, 1, 4)
        assert [f.name for f in flat.scope_frames(1, 3)] == ["f"]
        assert flat.scope_frames(1, 4) == [] and flat.scope_frames(1, 9) == []
