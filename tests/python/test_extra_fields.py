"""Top-level fields the view keeps as JSON text (unknown keys and ``x_*``
extensions) survive decode -> encode -> decode.

Python's own ``json`` module is the reference for what the fields are:
for every map the tests hold (the same list as test_encode.py), the view's
``extra_fields`` must equal the top-level members json.loads finds that are
not standard fields. Each map is also written again with extra fields of
every kind injected (nested containers, long strings the reader takes in
place, escapes, numbers, literals, a repeated key), and must round-trip
with the same tokens, sources, contents, names, ignore list, debug ID and
fields, byte for byte on the second write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

from libsourcemap import View
from test_encode import MAPS, REPO, load, state

# The members a view interprets (ECMA-426's, the legacy and x_google
# spellings it reads, an index map's "sections").
STANDARD = {
    "version", "file", "sourceRoot", "sources", "sourcesContent", "names", "mappings",
    "ignoreList", "x_google_ignoreList", "debugId", "debug_id", "sections",
    # Read, and written back by the encoder from the view's own records.
    "rangeMappings",
}

LONG = "long " * 40  # past the reader's long-string threshold
INJECTED = (
    '"x_lsm_obj" : {"a": [1, 2.5e-3, "%s"], "b": null, "c": {}} ,'
    '"x_lsm_str":"%s\\" \\\\ \\u2028 \\ud83d\\ude00",'
    '"custom": true, "x_lsm_num": -0.0e+1, "x_lsm_dup": 1, "x_lsm_null": null,'
    '"x_lsm_dup": [2],' % (LONG, LONG)
)


def json_text(raw: bytes) -> str:
    """The JSON of a map file without a BOM or an XSSI ")]}'" line."""
    text = raw.decode("utf-8").lstrip("\ufeff")
    if text.startswith(")]}"):
        text = text.split("\n", 1)[1]
    return text


def expected_extras(raw: bytes) -> Dict[str, Any]:
    doc = json.loads(json_text(raw))
    return {k: v for k, v in doc.items() if k not in STANDARD}


def round_trip(first: View) -> View:
    written = first.to_json()
    second = View.from_json(written)
    index = first.is_index
    assert state(second, index=index) == state(first, index=index)
    assert second.extra_fields_raw == first.extra_fields_raw
    assert second.extra_fields == first.extra_fields
    assert second.to_json() == written
    return second


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(REPO)))
def test_fields_as_json_loads_finds_them(path: Path) -> None:
    view = load(path)
    want = expected_extras(path.read_bytes())
    assert view.extra_fields == want
    assert list(view.extra_fields) == list(want)
    round_trip(view)


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(REPO)))
def test_injected_fields_round_trip(path: Path) -> None:
    text = json_text(path.read_bytes())
    brace = text.index("{")
    augmented = (text[:brace + 1] + INJECTED + text[brace + 1:]).encode("utf-8")
    want = expected_extras(augmented)
    view = View.from_json(augmented, allow_index=True)
    assert view.extra_fields == want
    # A repeated key keeps its first place and its last value.
    assert list(view.extra_fields)[:6] == [
        "x_lsm_obj", "x_lsm_str", "custom", "x_lsm_num", "x_lsm_dup", "x_lsm_null"]
    assert view.extra_fields["x_lsm_dup"] == [2]
    raw = view.extra_fields_raw
    assert raw["x_lsm_obj"] == '{"a": [1, 2.5e-3, "%s"], "b": null, "c": {}}' % LONG
    assert raw["x_lsm_num"] == "-0.0e+1"
    second = round_trip(view)
    written = json.loads(second.to_json())
    assert {k: written[k] for k in want} == want


def test_the_interesting_cases_are_covered() -> None:
    with_fields = [p for p in MAPS if load(p).extra_fields]
    assert any(load(p).is_index for p in with_fields)
    assert any("x_facebook_sources" in load(p).extra_fields for p in with_fields)


def test_cache_files_do_not_keep_them() -> None:
    view = View.from_json(b'{"version":3,"sources":[],"names":[],"mappings":"","x_a":{"b":1}}')
    assert view.extra_fields == {"x_a": {"b": 1}}
    cached = View.from_cache(view.dump_cache())
    assert cached.extra_fields == {}
    assert cached.to_json() == b'{"version":3,"sources":[],"names":[],"mappings":""}'


def test_exact_output_and_raw_text() -> None:
    view = View.from_json(
        b'{"version":3,"x_b" :\n [1,\n 2],"sources":["a.js"],"names":[],"mappings":"AAAA",'
        b'"k\\u00e9y":"v\\u00e9","debugId":"85314830-023f-4cf1-a267-535f4e37bb17"}')
    assert view.extra_fields == {"x_b": [1, 2], "k\u00e9y": "v\u00e9"}
    assert view.extra_fields_raw == {"x_b": "[1,\n 2]", "k\u00e9y": '"v\\u00e9"'}
    assert view.to_json() == (
        b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA",'
        b'"debugId":"85314830-023f-4cf1-a267-535f4e37bb17",'
        b'"x_b":[1,\n 2],"k\xc3\xa9y":"v\\u00e9"}')
