"""ECMA-426 scopes: maps written from the proposal's text (both layouts,
tests/fixtures/scopes/gen.py) decode to the records written by hand from
the same text; malformed variants give the documented result, dropped
with a warning by default and the specific error under strict_scopes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from libsourcemap import View
from libsourcemap.cli import main
from libsourcemap.cli_decode import decoded_record
from libsourcemap.errors import BadScopesError
from libsourcemap.scopes import OriginalPosition, ScopeFrame

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "scopes"
EXPECTED = json.loads((FIXTURES / "proposal.expected.json").read_text())


@pytest.mark.parametrize("name", ["proposal_single.map", "proposal_split.map"])
def test_proposal_example_decodes_to_the_record(name: str) -> None:
    with View.from_path(FIXTURES / name) as view:
        assert view.scopes_warning is None
        assert decoded_record(view) == EXPECTED


def test_decode_verb_prints_the_record() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["decode", str(FIXTURES / "proposal_single.map")], out=out, err=err) == 0
    assert json.loads(out.getvalue()) == EXPECTED
    assert err.getvalue() == ""


def test_split_layout_restarts_per_source_and_skips_vendor_items() -> None:
    with View.from_path(FIXTURES / "split_multi.map") as view:
        per_source = view.original_scopes
        assert [len(t) for t in per_source] == [1, 2, 0]
        a, b = per_source[1]
        assert (a.name, a.start, a.end, a.is_stack_frame) == ("x", (2, 4), (3, 0), True)
        assert (b.name, b.start, b.end, b.is_stack_frame) == ("z", (4, 2), (4, 5), False)
        assert (a.index, b.index) == (2, 3)
        # The ranges still name source 0's scopes by pre-order index.
        definition = view.generated_ranges[0].children[0].definition
        assert definition is not None
        assert (definition.index, definition.name) == (1, "z")


def test_inlined_frame_and_its_caller() -> None:
    with View.from_path(FIXTURES / "proposal_single.map") as view:
        assert view.scope_frames(5, 3) == [
            ScopeFrame("z", 1, 2, None, False),
            ScopeFrame(None, None, 0, OriginalPosition(0, 5, 0), False),
        ]
        assert view.scope_frames(2, 2) == [ScopeFrame("z", 1, 1, None, False)]
        assert view.scope_frames(6, 0) == []


def test_hidden_helper_frame_is_marked() -> None:
    with View.from_path(FIXTURES / "hidden.map") as view:
        assert view.scope_frames(5, 3) == [ScopeFrame(None, None, 2, None, True)]
        assert view.generated_ranges[0].children[1].stack_frame_type == "hidden"


# ------------------------------------------------------------- malformed

def _map(scopes: Any, ranges: Optional[str] = None, sources: int = 1) -> bytes:
    m: Dict[str, Any] = {"version": 3, "sources": ["a.js"] * sources, "names": ["f", "v"],
                         "mappings": "AAAA", "scopes": scopes}
    if ranges is not None:
        m["ranges"] = ranges
    return json.dumps(m).encode()


# (description, scopes, ranges, error name, original scopes kept, ranges kept)
MALFORMED: List[Any] = [
    ("bad base64 digit", "BAAA!", None, "LSM_ERR_SCOPES_VLQ", 0, 0),
    ("unterminated VLQ", "BAAg", None, "LSM_ERR_SCOPES_VLQ", 0, 0),
    ("VLQ beyond 32 bits", "BA///////B", None, "LSM_ERR_SCOPES_VLQ", 0, 0),
    ("end without start", "CAA", None, "LSM_ERR_SCOPES_UNBALANCED", 0, 0),
    ("scope never ended", "BAAA", None, "LSM_ERR_SCOPES_UNBALANCED", 0, 0),
    ("range never ended", "BAAA,CAA,EAA", None, "LSM_ERR_SCOPES_UNBALANCED", 1, 0),
    ("scope end with 3 fields", "BAAA,CAAA", None, "LSM_ERR_SCOPES_ITEM", 0, 0),
    ("scope start lacks name", "BBAA,CAA", None, "LSM_ERR_SCOPES_ITEM", 0, 0),
    ("empty tag A inside a scope", "BAAA,A,CAA", None, "LSM_ERR_SCOPES_ITEM", 0, 0),
    ("empty tag A with fields", "AA", None, "LSM_ERR_SCOPES_ITEM", 0, 0),
    ("empty tag A among ranges", "EAA,FA,A", None, "LSM_ERR_SCOPES_ITEM", 0, 0),
    ("sub-range variable past", "BAAA,DC,CAA,ECAA,HBBAA,FB", None, "LSM_ERR_SCOPES_DEFINITION", 1, 0),
    ("sub-range twice", "BAAA,DC,CAA,ECAA,HABAA,HACAA,FCA", None, "LSM_ERR_SCOPES_ITEM", 1, 0),
    ("two trees, one source", "BAAA,CAA,BAAA,CAA", None, "LSM_ERR_SCOPES_SOURCE", 0, 0),
    ("name past names", "BBAAE,CAA", None, "LSM_ERR_SCOPES_NAME", 0, 0),
    ("negative name", "BBAAD,CAA", None, "LSM_ERR_SCOPES_NAME", 0, 0),
    ("variable past names", "BAAA,DG,CAA", None, "LSM_ERR_SCOPES_NAME", 0, 0),
    ("definition past scopes", "BAAA,CAA,ECAC,FA", None, "LSM_ERR_SCOPES_DEFINITION", 1, 0),
    ("bindings count", "BAAA,DC,CAA,ECAA,GBB,FA", None, "LSM_ERR_SCOPES_DEFINITION", 1, 0),
    ("bindings, no definition", "EAA,GB,FA", None, "LSM_ERR_SCOPES_DEFINITION", 0, 0),
    ("binding past names", "BAAA,DA,CAA,ECAA,GD,FA", None, "LSM_ERR_SCOPES_NAME", 1, 0),
    ("call site past sources", "EAA,IBAA,FA", None, "LSM_ERR_SCOPES_SOURCE", 0, 0),
    ("scope item among ranges", "EAA,FA,BAAA,CAA", None, "LSM_ERR_SCOPES_ITEM", 0, 0),
    ("wrong type", 5, None, "LSM_ERR_BAD_SCOPES", 0, 0),
    ("array: entry past sources", ["BAAA,CAA", "BAAA,CAA"], None, "LSM_ERR_SCOPES_SOURCE", 0, 0),
    ("array: range item in scopes", ["EAA,FA"], None, "LSM_ERR_SCOPES_ITEM", 0, 0),
    ("array: bad ranges kept scopes", ["BAAA,CAA"], "EAA", "LSM_ERR_SCOPES_UNBALANCED", 1, 0),
    ("array: entry not a string", [7], None, "LSM_ERR_BAD_SCOPES", 0, 0),
]


@pytest.mark.parametrize("case", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_lenient_and_strict(case: Any) -> None:
    _, scopes, ranges, error, kept_scopes, kept_ranges = case
    data = _map(scopes, ranges)
    with View.from_json(data) as view:
        warning = view.scopes_warning
        assert warning is not None and warning.error_name == error
        assert sum(len(t) for t in view.original_scopes) == kept_scopes
        assert len(view.generated_ranges) == kept_ranges
    with pytest.raises(BadScopesError) as info:
        View.from_json(data, strict_scopes=True)
    assert info.value.error_name == error


@pytest.mark.parametrize("scopes", [
    "", ",", "A", "BAAA,CAA,ZZZ", "BAAA,UAgB,CAA", "BAAA,CAA,EAA,FA,Q",
    None, [None], [""], ["BAAA,CAA"],
])
def test_well_formed_variants_load_strictly(scopes: Any) -> None:
    with View.from_json(_map(scopes), strict_scopes=True) as view:
        assert view.scopes_warning is None


def test_empty_items_skip_a_source() -> None:
    # "A" (tag 0) and an empty item both stand for a source without scopes.
    for scopes in ("A,BAAA,CAA", ",BAAA,CAA"):
        with View.from_json(_map(scopes, sources=2), strict_scopes=True) as view:
            assert [len(t) for t in view.original_scopes] == [0, 1]


def test_unknown_items_are_skipped() -> None:
    with View.from_json(_map("BAAA,UAgB,CAA,EAA,QCD,FB"), strict_scopes=True) as view:
        [[scope]] = view.original_scopes
        assert (scope.start, scope.end) == ((0, 0), (0, 0))
        [rng] = view.generated_ranges
        assert (rng.start, rng.end) == ((0, 0), (0, 1))


def test_subrange_bindings() -> None:
    # Scope with variable v (names[1]); range 0:0-2:0 binding f (1-based 1),
    # from 1:4 on unavailable (0), from 1:9 on v (2). Sub-range triples are
    # (line, column, binding), the variable index absolute, as Chrome
    # DevTools' codec has them.
    scopes = "BAAA,DC,CAA,ECAA,GB,HABEAAFC,FCA"
    with View.from_json(_map(scopes), strict_scopes=True) as view:
        [rng] = view.generated_ranges
        assert rng.end == (2, 0)
        [binding] = rng.bindings
        assert isinstance(binding, list)
        assert [(b.start, b.end, b.value) for b in binding] == [
            ((0, 0), (1, 4), "f"), ((1, 4), (1, 9), None), ((1, 9), (2, 0), "v")]


def test_maps_without_scopes_have_none() -> None:
    with View.from_json(b'{"version":3,"sources":["a"],"names":[],"mappings":"AAAA"}') as view:
        assert view.original_scopes == [[]]
        assert view.generated_ranges == []
        assert view.scopes_warning is None
        assert view.scope_frames(0, 0) == []


def test_decode_index_map_keeps_only_the_top_level_debug_id() -> None:
    section = {"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA",
               "debugId": "inner"}
    for top, want in (("outer", "outer"), (None, None)):
        m: Dict[str, Any] = {"version": 3, "sections": [
            {"offset": {"line": 0, "column": 0}, "map": section}]}
        if top:
            m["debugId"] = top
        with View.from_json(json.dumps(m), allow_index=True) as view:
            record = decoded_record(view)
        assert record["debugId"] == want
        assert record["sources"] == [
            {"url": "a.js", "content": None, "ignored": False, "scope": None}]
        assert record["ranges"] == []


def test_decode_verb_lenient_warns_and_strict_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.map"
    bad.write_bytes(_map("BAAA"))
    out, err = io.StringIO(), io.StringIO()
    assert main(["decode", str(bad)], out=out, err=err) == 0
    assert json.loads(out.getvalue())["sources"][0]["scope"] is None
    assert err.getvalue() == (
        "warning: scopes dropped: LSM_ERR_SCOPES_UNBALANCED: scopes item 0: a scope never ended\n")
    out, err = io.StringIO(), io.StringIO()
    assert main(["decode", "--strict-scopes", str(bad)], out=out, err=err) == 2
    assert out.getvalue() == ""
    assert "a scope never ended" in err.getvalue()


def test_decode_lists_several_top_level_scopes() -> None:
    with View.from_path(FIXTURES / "split_multi.map") as view:
        sources = decoded_record(view)["sources"]
    assert [type(s["scope"]).__name__ for s in sources] == ["dict", "list", "NoneType"]
    assert [s["name"] for s in sources[1]["scope"]] == ["x", "z"]


def test_range_at_walks_to_the_innermost_range() -> None:
    from libsourcemap.scopes import range_at

    with View.from_path(FIXTURES / "proposal_single.map") as view:
        inner = range_at(view, 5, 27)
        assert inner is not None and inner.index == 2 and inner.call_site is not None
        assert inner.parent is not None and inner.parent.index == 0
        outer = range_at(view, 1, 15)
        assert outer is not None and outer.index == 0
        assert range_at(view, 1, 16) is not None and range_at(view, 1, 16).index == 1  # type: ignore[union-attr]
        assert range_at(view, 4, 1) is not None and range_at(view, 4, 1).index == 0  # type: ignore[union-attr]
        assert range_at(view, 5, 28) is None
