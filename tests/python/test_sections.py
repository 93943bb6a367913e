"""Index-map section offsets from C (``lsm_view_section_count`` and
``lsm_view_section_offset``): each regular map of a flattened index map at
the position ECMA-426's section rules put it, computed here from the JSON
independently, kept through cache files, and what the visualizer shows."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from libsourcemap._native import ffi, lib
from libsourcemap.exceptions import SourceMapError
from libsourcemap.view import View
from libsourcemap.visualize import page_data

ROOT = Path(__file__).resolve().parent.parent
INDEX_MAPS = sorted(ROOT.glob("spec/valid-index-*.map")) + [
    ROOT / "fixtures" / "bundlers" / "index-map" / "combined.js.map"]


def _placed(doc: Any, line: int = 0, col: int = 0) -> List[Tuple[int, int]]:
    """ECMA-426: a section's offset is in its index map's coordinates; its
    column adds to the parent's only on the parent's line 0."""
    if "sections" not in doc:
        return [(line, col)]
    out: List[Tuple[int, int]] = []
    for sec in doc["sections"]:
        off = sec["offset"]
        out += _placed(sec["map"], line + off["line"],
                       off["column"] + (col if off["line"] == 0 else 0))
    return out


def _offsets(view: View) -> List[Tuple[int, int]]:
    ptr = view._get_ptr()
    line = ffi.new("uint32_t *")
    col = ffi.new("uint32_t *")
    err = ffi.new("lsm_error_t *")
    out = []
    for i in range(lib.lsm_view_section_count(ptr)):
        assert lib.lsm_view_section_offset(ptr, i, line, col, err) == 0
        assert err.code == 0
        out.append((line[0], col[0]))
    return out


@pytest.mark.parametrize("path", INDEX_MAPS, ids=lambda p: p.name)
def test_offsets_are_the_sections_placements(path: Path) -> None:
    raw = path.read_bytes()
    want = _placed(json.loads(raw))
    with View.from_json(raw, allow_index=True) as view:
        assert view.is_index
        assert _offsets(view) == want
        data = view.dump_cache()
    flags = struct.unpack_from("<I", data, 16)[0]
    assert bool(flags & 64) == bool(want)
    with View.from_cache(data) as cached:
        assert _offsets(cached) == want
        assert cached.dump_cache() == data


def test_known_placements() -> None:
    nested = {"version": 3, "sections": [
        {"offset": {"line": 0, "column": 0},
         "map": {"version": 3, "sources": ["a"], "names": [], "mappings": "AAAA"}},
        {"offset": {"line": 2, "column": 5}, "map": {"version": 3, "sections": [
            {"offset": {"line": 0, "column": 3},
             "map": {"version": 3, "sources": ["b"], "names": [], "mappings": "AAAA"}},
            {"offset": {"line": 1, "column": 4},
             "map": {"version": 3, "sources": ["c"], "names": [], "mappings": "AAAA"}},
        ]}},
    ]}
    with View.from_json(json.dumps(nested).encode(), allow_index=True) as view:
        assert _offsets(view) == [(0, 0), (2, 8), (3, 4)]
    with View.from_json((ROOT / "spec" / "valid-index-two-sections.map").read_bytes(),
                        allow_index=True) as view:
        assert _offsets(view) == _placed(json.loads(
            (ROOT / "spec" / "valid-index-two-sections.map").read_text()))
        assert len(_offsets(view)) == 2


def test_regular_map_and_misuse() -> None:
    ptr_line = ffi.new("uint32_t *", 7)
    ptr_col = ffi.new("uint32_t *", 7)
    err = ffi.new("lsm_error_t *")
    assert lib.lsm_view_section_count(ffi.NULL) == 0
    assert lib.lsm_view_section_offset(ffi.NULL, 0, ptr_line, ptr_col, err) == -1
    assert err.code == lib.LSM_ERR_INVALID_ARGUMENT
    with View.from_json(b'{"version":3,"sources":["a"],"names":[],"mappings":"AAAA"}') as view:
        ptr = view._get_ptr()
        assert lib.lsm_view_section_count(ptr) == 0
        assert lib.lsm_view_section_offset(ptr, 0, ptr_line, ptr_col, err) == -1
        assert err.code == lib.LSM_ERR_OUT_OF_RANGE
        assert (ptr_line[0], ptr_col[0]) == (0, 0)
        assert struct.unpack_from("<I", view.dump_cache(), 16)[0] & 64 == 0


def test_visualizer_sections_from_a_cache_file(tmp_path: Path) -> None:
    path = ROOT / "fixtures" / "bundlers" / "index-map" / "combined.js.map"
    want = [[s["offset"]["line"], s["offset"]["column"]]
            for s in json.loads(path.read_text())["sections"]]
    assert page_data(path)["sections"] == want
    cache = tmp_path / "combined.js.map.lsmcache"
    with View.from_path(str(path), allow_index=True) as view:
        view.write_cache(str(cache))
    assert page_data(cache)["sections"] == want


def test_damaged_offsets_section_is_refused() -> None:
    path = ROOT / "fixtures" / "bundlers" / "index-map" / "combined.js.map"
    with View.from_json(path.read_bytes(), allow_index=True) as view:
        data = bytearray(view.dump_cache())
    count = struct.unpack_from("<I", data, 20)[0]
    last = 64 + (count - 1) * 24
    assert struct.unpack_from("<IIQQ", data, last)[0] == 35
    for size in (0, 12, 25):
        bad = bytearray(data)
        struct.pack_into("<Q", bad, last + 16, size)
        with pytest.raises(SourceMapError, match="corrupt"):
            View.from_cache(bytes(bad))
    bad = bytearray(data)
    struct.pack_into("<I", bad, 16, struct.unpack_from("<I", data, 16)[0] & ~1)
    with pytest.raises(SourceMapError, match="regular map"):
        View.from_cache(bytes(bad))
