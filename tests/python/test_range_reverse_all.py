"""``all_generated_positions_for`` inside range mappings: when no token sits
at the asked original column, every token at the greatest column before it
that is a range reaching it answers with the position inside the range, as
``generated_position_for`` and forward lookups do
(docs/range-mappings-and-hermes.md). Checked on the proposal's cases
(tests/range/cases.json, rewritten from its text and test426)."""

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from libsourcemap import View

CASES: List[Dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent.parent / "range" / "cases.json").read_text())["cases"]
LOADING = [c for c in CASES if "error" not in c and c.get("encoding", "current") == "current"]

# Line 1: columns 1, 14, 16, 33 -> original 0, 13, 16, 36; ranges at 0 and 2.
MULTI = json.dumps({"version": 3, "names": [], "sources": ["a.js"],
                    "mappings": ";CAAA,aAAa,EAAG,iBAAoB;A", "rangeMappings": ";AC;"})


def _all(view: View, src: int, line: int, col: int,
         rule: str) -> List[Tuple[int, int, Optional[int]]]:
    return [(t.dst_line, t.dst_col, t.src_col)
            for t in view.all_generated_positions_for(src, line, col, rule=rule)]


def test_positions_inside_ranges() -> None:
    v = View.from_json(MULTI)
    for rule in ("greatest_lower_bound", "least_upper_bound"):
        # inside the range at generated 1:1 (original 0:0)
        assert _all(v, 0, 0, 5, rule) == [(1, 6, 5)]
        # inside the range at generated 1:16 (original 0:16)
        assert _all(v, 0, 0, 20, rule) == [(1, 20, 20)]
        # a token at the column: it alone, as before
        assert _all(v, 0, 0, 16, rule) == [(1, 16, 16)]
    # past the plain token at original 13: no range reaches 15
    assert _all(v, 0, 0, 15, "greatest_lower_bound") == [(1, 14, 13)]
    assert _all(v, 0, 0, 15, "least_upper_bound") == [(1, 16, 16)]
    # the range at 0:0 ends at the next token (generated 1:14): original 0:13
    # is the plain token's own, 0:12 still inside the range
    assert _all(v, 0, 0, 12, "greatest_lower_bound") == [(1, 13, 12)]


def test_whole_line_lists_tokens_as_they_are() -> None:
    v = View.from_json(MULTI)
    got = [(t.dst_line, t.dst_col) for t in v.all_generated_positions_for(0, 0)]
    assert got == [(1, 1), (1, 14), (1, 16), (1, 33)]


def test_several_ranges_at_one_column_all_answer() -> None:
    # two generated lines, each a range from original 0:0
    v = View.from_json(json.dumps({"version": 3, "names": [], "sources": ["a.js"],
                                   "mappings": "AAAA;EAAA", "rangeMappings": "A;A"}))
    assert _all(v, 0, 0, 3, "greatest_lower_bound") == [(0, 3, 3), (1, 5, 3)]
    assert _all(v, 0, 0, 3, "least_upper_bound") == [(0, 3, 3), (1, 5, 3)]
    t = v.generated_position_for(0, 0, 3)
    assert t is not None and (t.dst_line, t.dst_col) in [(0, 3), (1, 5)]


@pytest.mark.parametrize("case", LOADING, ids=[c["name"] for c in LOADING])
def test_consistent_with_forward_and_single_lookups(case: Dict[str, Any]) -> None:
    v = View.from_json(json.dumps(case["map"]))
    inside = 0
    for src in range(len(v.sources)):
        for line in range(6):
            for col in range(40):
                single = v.generated_position_for(src, line, col)
                for rule in ("greatest_lower_bound", "least_upper_bound"):
                    got = v.all_generated_positions_for(src, line, col, rule=rule)
                    moved = [t for t in got if t.src_col == col and t.src_line == line
                             and not any(u.dst_line == t.dst_line and u.dst_col == t.dst_col
                                         for u in v)]
                    if not moved:
                        continue
                    # positions inside ranges only, all of them mapping back
                    assert moved == got
                    for t in got:
                        back = v.lookup_token(t.dst_line, t.dst_col)
                        assert back is not None
                        assert (back.src_id, back.src_line, back.src_col) == (src, line, col)
                    # the single lookup's answer is one of them
                    assert single is not None
                    assert (single.dst_line, single.dst_col) in [(t.dst_line, t.dst_col)
                                                                 for t in got]
                    inside += 1
    if case["name"] in ("proposal-example-newline", "test426-simple", "test426-multiple",
                        "test426-newline", "test426-non-full-line-coverage"):
        assert inside > 0  # the check above ran on positions inside ranges
