"""Builder.set_extra_field: extra top-level fields of a built map, checked
as JSON, written after the standard fields and read back by a view; a
map's kept fields carried through a builder unchanged."""
import json

import pytest

import libsourcemap
from libsourcemap import InvalidArgumentError, MalformedJsonError
from libsourcemap.builder import Builder


def _builder():
    b = Builder(file="out.js")
    b.add_token(0, 0, "a.js", 1, 2)
    return b


def test_written_after_standard_fields_in_order():
    b = _builder()
    b.set_extra_field("x_b", '[1, {"k": "\\u00e9"}]')
    b.set_extra_field("zz", b"null")
    b.set_extra_field("x_a", "1.5e3")
    b.set_extra_field("zz", "{}")        # replaced in place
    b.set_extra_field("x_a", None)       # removed
    b.set_extra_field("never", None)     # nothing to remove
    assert b.to_json() == (
        b'{"version":3,"file":"out.js","sources":["a.js"],"names":[],"mappings":"AACE",'
        b'"x_b":[1, {"k": "\\u00e9"}],"zz":{}}')
    view = b.to_view()
    assert view.extra_fields_raw == {"x_b": '[1, {"k": "\\u00e9"}]', "zz": "{}"}
    assert view.extra_fields == {"x_b": [1, {"k": "\u00e9"}], "zz": {}}


def test_kept_fields_carried_through_a_builder():
    # Every field a parsed map keeps goes into a builder and out again
    # exactly, beside the tokens copied one by one.
    source = json.dumps({
        "version": 3, "sources": ["a.js"], "names": ["f"], "mappings": "AAAAA,EAAE",
        "x_google_linecount": 12, "x_custom": {"deep": [1, [2, [3]]], "s": "\u00e9\\"},
        "x_facebook_sources": [[{"names": ["<global>"], "mappings": "AAA"}]],
        "unknown": None,
    }).encode()
    view = libsourcemap.View.from_json(source)
    b = Builder()
    for t in view:
        b.add_token(t.dst_line, t.dst_col, t.src, t.src_line, t.src_col, t.name)
    for name, text in view.extra_fields_raw.items():
        b.set_extra_field(name, text)
    built = b.to_view()
    assert built.extra_fields_raw == view.extra_fields_raw
    assert list(built.extra_fields_raw) == ["x_google_linecount", "x_custom",
                                            "x_facebook_sources", "unknown"]
    assert json.loads(b.to_json()) == json.loads(view.to_json())


@pytest.mark.parametrize("text", ["", " ", "1 2", "[1,]", "{\"a\"}", "tru", "NaN", "'s'",
                                  "[", "{}}", "01", "\"\\x\"", "\"\x01\"", "\"\\ud800\"",
                                  "[" * 1000 + "]" * 1000])
def test_values_must_be_json(text):
    b = _builder()
    b.set_extra_field("x_v", "[2]")
    with pytest.raises(MalformedJsonError):
        b.set_extra_field("x_v", text)
    # The field keeps its value.
    assert b.to_view().extra_fields_raw == {"x_v": "[2]"}


def test_deepest_value_accepted():
    b = _builder()
    b.set_extra_field("x_v", "[" * 999 + "]" * 999)
    assert b.to_view().extra_fields_raw["x_v"] == "[" * 999 + "]" * 999


@pytest.mark.parametrize("name", ["version", "file", "sourceRoot", "sources", "sourcesContent",
                                  "names", "mappings", "ignoreList", "x_google_ignoreList",
                                  "debugId", "debug_id", "sections", "rangeMappings"])
def test_standard_names_refused(name):
    b = _builder()
    with pytest.raises(InvalidArgumentError):
        b.set_extra_field(name, "1")
    assert b.to_view().extra_fields_raw == {}


def test_types_checked():
    b = _builder()
    with pytest.raises(TypeError):
        b.set_extra_field(1, "1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        b.set_extra_field("x", 1)  # type: ignore[arg-type]
    with pytest.raises(MalformedJsonError):
        b.set_extra_field("x", b"\"\xff\"")
