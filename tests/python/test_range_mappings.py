"""Range mappings (``rangeMappings``) from Python: lookups inside a range,
both ways, through cache files, the older encodings, and the errors. The
positions are those of the proposal's text and of its conformance cases
(test426), rewritten here."""

import json
from typing import Any, Optional, Tuple

import pytest

from libsourcemap import View
from libsourcemap import range_mappings
from libsourcemap.errors import BadFieldError, BadRangeMappingsError, BadVlqError


def rmap(mappings: str, ranges: Any, sources: Any = ("a.js",)) -> str:
    return json.dumps(
        {"version": 3, "names": [], "sources": list(sources), "mappings": mappings,
         "rangeMappings": ranges}
    )


def orig(view: View, line: int, col: int, rule: str = "greatest_lower_bound") -> Optional[Tuple[int, int]]:
    t = view.lookup_token(line, col, rule=rule)
    if t is None:
        return None
    assert t.src_line is not None and t.src_col is not None
    return (t.src_line, t.src_col)


# Line 1: columns 1, 14, 16, 33 -> original 0, 13, 16, 36; ranges at 0 and 2.
MULTI = rmap(";CAAA,aAAa,EAAG,iBAAoB;A", ";AC;")


def test_lookups_inside_ranges() -> None:
    v = View.from_json(MULTI)
    assert v.range_mapping_count == 2
    assert [v.is_range_mapping(i) for i in range(5)] == [True, False, True, False, False]
    assert v.is_range_mapping(-1) is False
    # test426's rangeMappingsMultipleMappings.
    assert [orig(v, 1, c) for c in (1, 2, 16, 18, 35)] == [(0, 0), (0, 1), (0, 16), (0, 18), (0, 36)]
    assert orig(v, 1, 15) == (0, 13)  # a plain token adds nothing
    assert orig(v, 1, 20, "same_line") == (0, 20)
    assert orig(v, 1, 2, "least_upper_bound") == (0, 13)
    # The token keeps its own generated position.
    t = v.lookup_token(1, 5)
    assert t is not None and (t.dst_line, t.dst_col, t.src_col) == (1, 1, 4)
    got = v.lookup_tokens([(1, 2), (1, 15), (1, 18)])
    assert [(t.src_line, t.src_col) for t in got if t is not None] == [(0, 1), (0, 13), (0, 18)]


def test_ranges_run_through_newlines() -> None:
    # test426's rangeMappingsNewline.
    v = View.from_json(rmap("CAAA;GACG", "A;"))
    assert [orig(v, 0, 1), orig(v, 0, 7), orig(v, 1, 0), orig(v, 1, 2)] == [
        (0, 0), (0, 6), (1, 0), (1, 2)
    ]
    assert orig(v, 1, 3) == (1, 3)
    assert orig(v, 1, 2, "same_line") is None


def test_reverse_lookups_inside_ranges() -> None:
    v = View.from_json(MULTI)
    t = v.generated_position_for(0, 0, 5)
    assert t is not None and (t.dst_line, t.dst_col, t.src_col) == (1, 6, 5)
    t = v.generated_position_for(0, 0, 20)
    assert t is not None and t.dst_col == 20
    t = v.generated_position_for(0, 0, 15)
    assert t is not None and t.dst_col == 14


def test_cache_files_keep_ranges() -> None:
    v = View.from_json(MULTI)
    data = v.dump_cache()
    c = View.from_cache(data)
    assert c.range_mapping_count == 2
    assert orig(c, 1, 18) == (0, 18)
    assert c.dump_cache() == data
    plain = View.from_json(rmap("AAAA", None))
    assert plain.range_mapping_count == 0
    assert View.from_cache(plain.dump_cache()).range_mapping_count == 0


def test_older_encodings() -> None:
    one = rmap(";CAAA,aAAa,EAAG,iBAAoB", ";BC")
    v = range_mappings.from_json(one, encoding="one_based")
    assert [v.is_range_mapping(i) for i in range(4)] == [True, False, True, False]
    assert [range_mappings.from_json(one).is_range_mapping(i) for i in range(4)] == [
        False, True, False, True
    ]
    # The first draft's example: "AAB" marks the 13th mapping.
    thirteen = ",".join(["AAAA"] + ["CAAC"] * 12)
    v = range_mappings.from_json(rmap(thirteen, "AAB"), encoding="bits")
    assert [i for i in range(13) if v.is_range_mapping(i)] == [12]
    with pytest.raises(ValueError):
        range_mappings.from_json(one, encoding="zero_based")
    with pytest.raises(BadRangeMappingsError):
        range_mappings.from_json(rmap("AAAA,CAAC", "A"), encoding="one_based")


@pytest.mark.parametrize(
    "mappings,ranges,cls,code,line,segment",
    [
        ("AAAA", ["A"], BadFieldError, "LSM_ERR_BAD_RANGE_MAPPINGS", None, None),
        ("AAAA", 3, BadFieldError, "LSM_ERR_BAD_RANGE_MAPPINGS", None, None),
        ("AAAA", "B", BadRangeMappingsError, "LSM_ERR_RANGE_OUT_OF_RANGE", 0, 1),
        ("AAAA", "A;A", BadRangeMappingsError, "LSM_ERR_RANGE_OUT_OF_RANGE", 1, None),
        ("AAAA,CAAC", "AA", BadRangeMappingsError, "LSM_ERR_RANGE_NOT_INCREASING", 0, 0),
        (";A,EAAE", ";A", BadRangeMappingsError, "LSM_ERR_RANGE_NO_ORIGINAL", 1, 0),
        ("AAAA", "!", BadVlqError, "LSM_ERR_VLQ_INVALID_DIGIT", 0, None),
        ("AAAA", "g", BadVlqError, "LSM_ERR_VLQ_UNTERMINATED", 0, None),
    ],
)
def test_errors(mappings: str, ranges: Any, cls: type, code: str, line: Any, segment: Any) -> None:
    with pytest.raises(cls) as info:
        View.from_json(rmap(mappings, ranges))
    exc: Any = info.value
    assert exc.error_name == code
    if line is not None:
        assert exc.line == line
        assert exc.segment == segment


def test_valid_edges() -> None:
    for ranges in ("", None, ";;;;"):
        assert View.from_json(rmap("AAAA", ranges)).range_mapping_count == 0
    # test426's extra-lines case: empty lines past "mappings" are fine.
    assert View.from_json(rmap(";AAAA,EAAE;", ";A;;;")).range_mapping_count == 1
