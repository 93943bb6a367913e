"""The range mapping cases of tests/range/cases.json: maps from the
proposal's text and its conformance suite, each with the lookups, range
tokens or error it must give (see the file's "about")."""

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from libsourcemap import range_mappings
from libsourcemap.errors import SourceMapError

CASES: List[Dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[1] / "range" / "cases.json").read_text()
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: Dict[str, Any]) -> None:
    text = json.dumps(case["map"])
    encoding = case.get("encoding", "current")
    if "error" in case:
        with pytest.raises(SourceMapError) as info:
            range_mappings.from_json(text, encoding=encoding)
        assert info.value.error_name == case["error"]
        return
    view = range_mappings.from_json(text, encoding=encoding)
    if "ranges" in case:
        got = [i for i in range(len(view)) if view.is_range_mapping(i)]
        assert got == case["ranges"]
        assert view.range_mapping_count == len(case["ranges"])
    for line, col, src_line, src_col in case.get("lookups", []):
        token = view.lookup_token(line, col)
        assert token is not None, (line, col)
        assert (token.src_line, token.src_col) == (src_line, src_col), (line, col)


def test_every_case_checks_something() -> None:
    assert len(CASES) >= 20
    for case in CASES:
        assert {"lookups", "ranges", "error"} & set(case), case["name"]
