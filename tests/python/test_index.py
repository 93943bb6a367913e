"""Index maps: from_json's options, Index, IndexedSourceMap, CannotFlatten."""

from __future__ import annotations

import pathlib
from typing import Any, Dict, List

import pytest

from libsourcemap import (
    BadSectionsError,
    CannotFlatten,
    ClosedViewError,
    Index,
    IndexedSourceMap,
    Token,
    View,
    from_json,
)
from libsourcemap._native import lib
from lsm_testutil import index_map, make_map

SECTION_A: Dict[str, Any] = {
    "offset": {"line": 0, "column": 0},
    "map": {"version": 3, "sources": ["a.js"], "names": ["x"], "mappings": "AAAAA,EAAC"},
}
SECTION_B: Dict[str, Any] = {
    "offset": {"line": 1, "column": 5},
    "map": {"version": 3, "sources": ["b.js"], "names": [], "mappings": "AACA"},
}
INDEX = index_map([SECTION_A, SECTION_B], file="bundle.js")
URL_INDEX = index_map([SECTION_A, {"offset": {"line": 3, "column": 0}, "url": "other.map"}])
EXPECTED = [
    Token(0, 0, "a.js", 0, 0, 0, "x"),
    Token(0, 2, "a.js", 0, 1, 0, None),
    Token(1, 5, "b.js", 1, 0, 1, None),
]


def test_from_json_flattens_by_default() -> None:
    view = from_json(INDEX)
    assert isinstance(view, View)
    assert view.is_index
    assert list(view) == EXPECTED
    assert view.file == "bundle.js"
    assert repr(view).endswith(" index>")


def test_from_json_regular_map() -> None:
    view = from_json(make_map([[[0, 0, 0, 0]]]))
    assert isinstance(view, View)
    assert not view.is_index


def test_from_json_without_flattening_raises_with_index() -> None:
    with pytest.raises(IndexedSourceMap) as info:
        from_json(INDEX, auto_flatten=False)
    exc = info.value
    assert exc.code == lib.LSM_ERR_INDEX_MAP
    assert exc.error_name == "LSM_ERR_INDEX_MAP"
    assert isinstance(exc.index, Index)
    assert exc.index.can_flatten
    assert list(exc.index.into_view()) == EXPECTED


def test_from_json_returns_index_when_asked() -> None:
    index = from_json(INDEX, auto_flatten=False, raise_for_index=False)
    assert isinstance(index, Index)
    assert index.can_flatten
    view = index.into_view()
    assert list(view) == EXPECTED
    # into_view() consumes the index, as in libsourcemap 0.8.
    with pytest.raises(ClosedViewError):
        index.can_flatten
    with pytest.raises(ClosedViewError):
        index.into_view()
    assert repr(index) == "<Index closed>"


def test_url_sections_cannot_be_flattened() -> None:
    with pytest.raises(IndexedSourceMap) as info:
        from_json(URL_INDEX)
    index = info.value.index
    assert isinstance(index, Index)
    assert not index.can_flatten
    assert repr(index) == "<Index can_flatten=False>"
    with pytest.raises(CannotFlatten) as cf:
        index.into_view()
    assert cf.value.error_name == "LSM_ERR_SECTION_URL"
    assert cf.value.code == lib.LSM_ERR_SECTION_URL

    index2 = from_json(URL_INDEX, raise_for_index=False)
    assert isinstance(index2, Index) and not index2.can_flatten
    with pytest.raises(CannotFlatten):
        View.from_json(URL_INDEX, allow_index=True)


def test_view_from_json_rejects_index_maps() -> None:
    with pytest.raises(IndexedSourceMap) as info:
        View.from_json(INDEX)
    assert info.value.error_name == "LSM_ERR_INDEX_MAP"
    assert info.value.code == lib.LSM_ERR_INDEX_MAP
    assert isinstance(info.value.index, Index)
    assert list(info.value.index.into_view()) == EXPECTED
    assert list(View.from_json(INDEX, allow_index=True)) == EXPECTED


def test_view_from_path_rejects_index_maps(tmp_path: pathlib.Path) -> None:
    p = tmp_path / "index.map"
    p.write_bytes(INDEX)
    with pytest.raises(IndexedSourceMap) as info:
        View.from_path(p)
    assert isinstance(info.value.index, Index)
    assert list(View.from_path(p, allow_index=True)) == EXPECTED
    assert list(Index.from_path(p).into_view()) == EXPECTED
    q = tmp_path / "url.map"
    q.write_bytes(URL_INDEX)
    with pytest.raises(IndexedSourceMap) as info2:
        View.from_path(q)
    assert info2.value.index is not None and not info2.value.index.can_flatten


def test_index_from_json() -> None:
    index = Index.from_json(INDEX)
    assert index.can_flatten
    assert list(index.into_view()) == EXPECTED
    assert not Index.from_json(URL_INDEX).can_flatten
    with pytest.raises(BadSectionsError) as info:
        Index.from_json(make_map([[[0, 0, 0, 0]]]))
    assert info.value.error_name == "LSM_ERR_BAD_SECTIONS"


def test_index_close() -> None:
    with Index.from_json(INDEX) as index:
        assert index.can_flatten
    with pytest.raises(ClosedViewError):
        index.into_view()
    index.close()  # twice is fine


def test_an_index_map_is_parsed_once(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    """View.from_json/from_path used to parse an index map twice when
    refusing it (once to refuse, once more for the Index)."""
    from libsourcemap import _native

    calls: List[int] = []
    real_json, real_path = _native.lib.lsm_view_from_json_ex, _native.lib.lsm_view_from_path

    class CountingLib:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_lib, name)

        def lsm_view_from_json_ex(self, *args: Any) -> Any:
            calls.append(args[2])
            return real_json(*args)

        def lsm_view_from_path(self, *args: Any) -> Any:
            calls.append(args[1])
            return real_path(*args)

    import libsourcemap.view as view_module

    real_lib = view_module.lib
    monkeypatch.setattr(view_module, "lib", CountingLib())
    # bytes are borrowed (LSM_LOAD_BORROW): the view reads contents in place
    borrow = lib.LSM_LOAD_BORROW
    with pytest.raises(IndexedSourceMap) as info:
        View.from_json(INDEX)
    assert calls == [lib.LSM_LOAD_DEFAULT | borrow]
    assert list(info.value.index.into_view()) == EXPECTED
    p = tmp_path / "index.map"
    p.write_bytes(INDEX)
    calls.clear()
    with pytest.raises(IndexedSourceMap) as info2:
        View.from_path(p)
    assert calls == [lib.LSM_LOAD_DEFAULT]
    assert list(info2.value.index.into_view()) == EXPECTED
    # a broken map is parsed again refusing index maps, for the library's
    # own error under that flag
    calls.clear()
    with pytest.raises(IndexedSourceMap) as info3:
        View.from_json(b'{"version":3,"sections":[{"offset":{"line":0}}]}')
    assert info3.value.index is None
    assert calls == [lib.LSM_LOAD_DEFAULT | borrow, lib.LSM_LOAD_REJECT_INDEX | borrow]
