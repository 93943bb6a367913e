"""The View API on small hand-written maps."""

from __future__ import annotations

import os
import pathlib

import pytest

import libsourcemap
from libsourcemap import (
    ClosedViewError,
    InvalidArgumentError,
    LookupRule,
    OutOfRangeError,
    SourceMapIOError,
    Token,
    View,
)
from lsm_testutil import make_map

ROOT = "https://example.com/src/"
T0 = Token(0, 0, ROOT + "a.js", 0, 0, 0, None)
T1 = Token(0, 4, ROOT + "a.js", 0, 4, 0, "foo")
T2 = Token(0, 10, None, None, None, None, None)  # 1-field segment
T3 = Token(2, 2, ROOT + "b.js", 1, 0, 1, "bar")
T4 = Token(2, 8, ROOT + "c.js", 3, 1, 3, None)
ALL = [T0, T1, T2, T3, T4]


@pytest.fixture
def view(small_map: bytes) -> View:
    return View.from_json(small_map)


def test_token_is_sentrys_namedtuple() -> None:
    assert Token._fields == ("dst_line", "dst_col", "src", "src_line", "src_col", "src_id", "name")
    assert isinstance(T0, tuple)


def test_cannot_instantiate() -> None:
    with pytest.raises(TypeError):
        View()
    with pytest.raises(TypeError):
        libsourcemap.Index()


@pytest.mark.parametrize("kind", ["bytes", "str", "bytearray", "memoryview", "noncontiguous"])
def test_from_json_input_types(small_map: bytes, kind: str) -> None:
    data: object = {
        "bytes": small_map,
        "str": small_map.decode(),
        "bytearray": bytearray(small_map),
        "memoryview": memoryview(small_map),
        "noncontiguous": memoryview(bytes(b for c in small_map for b in (c, 0)))[::2],
    }[kind]
    assert list(View.from_json(data)) == ALL  # type: ignore[arg-type]


def test_from_json_rejects_other_types() -> None:
    with pytest.raises(TypeError):
        View.from_json(42)  # type: ignore[arg-type]


def test_from_json_skips_bom_and_xssi_prefix(small_map: bytes) -> None:
    assert list(View.from_json(b"\xef\xbb\xbf" + small_map)) == ALL
    assert list(View.from_json(b")]}'\n" + small_map)) == ALL
    assert list(View.from_json("\ufeff" + small_map.decode())) == ALL


@pytest.mark.parametrize("kind", ["str", "bytes", "path"])
def test_from_path(tmp_path: pathlib.Path, small_map: bytes, kind: str) -> None:
    p = tmp_path / "m.js.map"
    p.write_bytes(small_map)
    arg = {"str": str(p), "bytes": os.fsencode(p), "path": p}[kind]
    assert list(View.from_path(arg)) == ALL


def test_from_path_errors(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nope.map"
    with pytest.raises(SourceMapIOError) as info:
        View.from_path(missing)
    assert isinstance(info.value, OSError)
    assert str(missing) in str(info.value)
    assert info.value.error_name == "LSM_ERR_IO"
    with pytest.raises(SourceMapIOError):
        View.from_path(tmp_path)  # a directory
    with pytest.raises(ValueError):
        View.from_path("a\0b")


def test_len_getitem_iter(view: View) -> None:
    assert len(view) == 5
    assert [view[i] for i in range(5)] == ALL
    assert list(view) == ALL
    assert view[-1] == T4
    assert view[-5] == T0
    assert view[1:3] == [T1, T2]
    assert view[::-2] == [T4, T2, T0]
    for bad in (5, -6, 2**40, -(2**40)):
        with pytest.raises(IndexError):
            view[bad]
    with pytest.raises(OutOfRangeError) as info:
        view[5]
    assert info.value.error_name == "LSM_ERR_OUT_OF_RANGE"
    with pytest.raises(TypeError):
        view["0"]  # type: ignore[call-overload]


def test_line_count(view: View) -> None:
    assert view.line_count == 3


def test_lookup_greatest_lower_bound(view: View) -> None:
    assert view.lookup_token(0, 0) == T0
    assert view.lookup_token(0, 3) == T0
    assert view.lookup_token(0, 4) == T1
    assert view.lookup_token(0, 9) == T1
    # From column 10 on line 0 is unmapped (a 1-field segment), and so is
    # line 1, which falls back to it.
    assert view.lookup_token(0, 10) is None
    assert view.lookup_token(1, 0) is None
    assert view.lookup_token(2, 5) == T3
    assert view.lookup_token(2, 10**6) == T4
    assert view.lookup_token(10**6, 0) == T4


def test_lookup_rules(view: View) -> None:
    assert view.lookup_token(2, 1) is None  # the 1-field token of line 0
    assert view.lookup_token(2, 1, rule="same_line") is None
    assert view.lookup_token(2, 3, rule=LookupRule.SAME_LINE) == T3
    assert view.lookup_token(2, 3, rule="least_upper_bound") == T4
    assert view.lookup_token(2, 3, rule="LEAST-UPPER-BOUND") == T4
    assert view.lookup_token(2, 9, rule=LookupRule.LEAST_UPPER_BOUND) is None
    assert view.lookup_token(0, 1, rule=2) == T1
    assert view.lookup_token(0, 1, rule=LookupRule.GREATEST_LOWER_BOUND) == T0


def test_lookup_rule_errors(view: View) -> None:
    with pytest.raises(ValueError, match="unknown lookup rule"):
        view.lookup_token(0, 0, rule="nearest")
    with pytest.raises(InvalidArgumentError) as info:
        view.lookup_token(0, 0, rule=7)
    assert isinstance(info.value, ValueError)
    assert info.value.error_name == "LSM_ERR_INVALID_ARGUMENT"
    assert "7" in str(info.value)
    with pytest.raises(InvalidArgumentError):
        view.lookup_tokens([(0, 0)], rule=-1)
    with pytest.raises(TypeError):
        view.lookup_token(0, 0, rule=True)
    with pytest.raises(ValueError):
        view.lookup_token(0, 0, rule=2**40)


def test_lookup_negative_is_none(view: View) -> None:
    assert view.lookup_token(-1, 0) is None
    assert view.lookup_token(0, -1) is None
    assert view.lookup_tokens([(-1, 4), (0, 4), (0, -5)]) == [None, T1, None]


def test_lookup_tokens_matches_lookup_token(view: View) -> None:
    positions = [(line, col) for line in range(-1, 5) for col in range(-1, 12)]
    positions.append((2**40, 2**40))
    for rule in LookupRule:
        expected = [view.lookup_token(line, col, rule=rule) for line, col in positions]
        assert view.lookup_tokens(positions, rule=rule) == expected
        assert view.lookup_tokens(iter(positions), rule=rule.name.lower()) == expected


def test_lookup_tokens_empty_and_bad_input(view: View) -> None:
    assert view.lookup_tokens([]) == []
    with pytest.raises((TypeError, ValueError)):
        view.lookup_tokens([(1, 2, 3)])  # type: ignore[list-item]


def test_sources(view: View) -> None:
    assert view.get_source_count() == 4
    assert view.sources == ["a.js", "b.js", None, "c.js"]
    urls = [ROOT + "a.js", ROOT + "b.js", None, ROOT + "c.js"]
    # 0.8.2 joins a null source as "" (root, then "/").
    names = [ROOT + "a.js", ROOT + "b.js", ROOT, ROOT + "c.js"]
    assert [view.get_source_name(i) for i in range(4)] == names
    assert [view.get_source_url(i) for i in range(4)] == urls
    assert list(view.iter_sources()) == list(enumerate(names))
    # libsourcemap 0.8: out of range answers None
    assert view.get_source_name(4) is None
    assert view.get_source_name(-1) is None
    with pytest.raises(OutOfRangeError):
        view.get_source_url(4)
    with pytest.raises(IndexError):
        view.get_source_url(-1)


def test_source_contents(view: View) -> None:
    assert view.get_source_contents(0) == b"var a = 1;\nfunction foo() {}\n"
    assert view.get_source_contents(1) is None
    assert view.get_source_contents(3) == b"c"
    assert view.get_source_contents(4) is None
    assert view.get_source_contents(-1) is None
    assert [view.has_source_contents(i) for i in range(-1, 6)] == [
        False, True, False, False, True, False, False
    ]


def test_properties(view: View) -> None:
    assert view.file == "out.js"
    assert view.source_root == "https://example.com/src"
    assert view.debug_id == "85314830-023f-4cf1-a267-535f4e37bb17"
    assert view.ignore_list == [1, 3]
    assert [view.is_ignored(i) for i in range(5)] == [False, True, False, True, False]
    assert view.is_ignored(-1) is False
    assert view.names == ["foo", "bar"]
    assert view.is_index is False
    assert view.closed is False


def test_absent_properties() -> None:
    view = View.from_json(b'{"version":3,"sources":[],"mappings":""}')
    assert len(view) == 0
    assert list(view) == []
    assert view.file is None
    assert view.source_root is None
    assert view.debug_id is None
    assert view.ignore_list == []
    assert view.names == []
    assert view.sources == []
    assert view.get_source_count() == 0
    assert view.lookup_token(0, 0) is None
    assert view.line_count == 0


def test_legacy_debug_id_and_google_ignore_list() -> None:
    data = make_map([[[0, 0, 0, 0]]], sources=["a", "b"], debug_id="abc", x_google_ignoreList=[1])
    view = View.from_json(data)
    assert view.debug_id == "abc"
    assert view.ignore_list == [1]


def test_unicode_and_nul_in_strings() -> None:
    data = make_map(
        [[[0, 0, 0, 0, 0], [3, 1, 0, 0, 1]]],
        sources=["ä/ü.js", "nul\u0000byte.js"],
        names=["grüße", "名前\u0000x"],
        sourcesContent=["😀 ok", "a\u0000b"],
    )
    view = View.from_json(data)
    assert view.sources == ["ä/ü.js", "nul\u0000byte.js"]
    assert view.names == ["grüße", "名前\u0000x"]
    assert view.get_source_contents(0) == "😀 ok".encode()
    assert view.get_source_contents(1) == b"a\0b"
    assert view.lookup_token(0, 5) == Token(0, 3, "nul\u0000byte.js", 0, 0, 1, "名前\u0000x")


def test_repr(view: View) -> None:
    assert repr(view) == "<View tokens=5 sources=4 names=2>"
    view.close()
    assert repr(view) == "<View closed>"


def test_context_manager(small_map: bytes) -> None:
    with View.from_json(small_map) as v:
        assert v.lookup_token(0, 4) == T1
    assert v.closed
    with pytest.raises(ClosedViewError):
        v.lookup_token(0, 4)
    with pytest.raises(ClosedViewError):
        with v:
            pass
