"""Building maps: the Builder reproduces real maps exactly.

Every regular map the tests hold whose sources and names are distinct
(the builder deduplicates them) is rebuilt from its tokens, added line by
line from the last generated line to the first: the built map's JSON must
equal what View.to_json() writes for the original, byte for byte, and its
view must agree on every field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest

import libsourcemap
from libsourcemap import View
from libsourcemap.builder import Builder

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = sorted(
    list((REPO / "tests" / "fixtures" / "bundlers").glob("*/*.map"))
    + list((REPO / "tests" / "e2e" / "apps").glob("*/dist/*/*.map"))
    + list((REPO / "tests" / "spec").glob("valid-*.map"))
)


def distinct(view: View) -> bool:
    srcs = [s for s in view.sources if s is not None]
    return not view.is_index and len(set(srcs)) == len(srcs) and len(set(view.names)) == len(view.names)


MAPS: List[Path] = [p for p in CANDIDATES if distinct(View.from_json(p.read_bytes(), allow_index=True))]


def rebuild(view: View) -> Builder:
    b = Builder(file=view.file, source_root=view.source_root, debug_id=view.debug_id)
    for i, name in enumerate(view.sources):
        contents = view.get_source_contents(i)
        got = b.add_source(name, None if contents is None else contents.decode("utf-8"))
        assert got == i
    for name in view.names:
        b.add_name(name)
    for i in view.ignore_list:
        b.ignore_source(i)
    by_line: dict = {}
    for t in view:
        by_line.setdefault(t.dst_line, []).append(t)
    for line in sorted(by_line, reverse=True):
        for t in by_line[line]:
            name = None if t.name is None else view.names.index(t.name)
            b.add_token(t.dst_line, t.dst_col, t.src_id, t.src_line, t.src_col, name)
    return b


def test_enough_maps() -> None:
    assert len(MAPS) > 60


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(REPO)))
def test_rebuild(path: Path) -> None:
    view = View.from_json(path.read_bytes())
    b = rebuild(view)
    if view.extra_fields:
        # The builder has no call for the top-level fields a view keeps
        # as text (test_extra_fields.py): everything else is equal.
        assert json.loads(b.to_json()) == {
            k: v for k, v in json.loads(view.to_json()).items() if k not in view.extra_fields}
    else:
        assert b.to_json() == view.to_json()
    built = b.to_view()
    assert list(built) == list(view)
    assert built.sources == view.sources and built.names == view.names
    assert built.ignore_list == view.ignore_list and built.debug_id == view.debug_id


def test_dedup_names_and_order() -> None:
    b = Builder()
    assert b.add_source("a.js") == 0
    assert b.add_source("b.js", contents="B") == 1
    assert b.add_source("a.js") == 0
    assert b.add_source(None) == 2
    assert b.add_source(None) == 3
    assert b.add_name("x") == 0 and b.add_name("y") == 1 and b.add_name("x") == 0
    b.add_token(1, 5, "c.js", 0, 0, name="z")   # names and sources added on the way
    b.add_token(0, 3, 0, 2, 1)
    b.add_token(0, 3, 1, 7, 7, name=1)          # same position: kept after the first
    b.add_token(0, 9)                           # maps to nothing
    b.ignore_source("b.js")
    b.ignore_source(1)
    assert json.loads(b.to_json()) == {
        "version": 3,
        "sources": ["a.js", "b.js", None, None, "c.js"],
        "sourcesContent": [None, "B", None, None, None],
        "names": ["x", "y", "z"],
        "mappings": "GAEC,ACKMC,M;KGPPC",
        "ignoreList": [1],
    }
    view = b.to_view()
    assert [tuple(t) for t in view][:2] == [
        (0, 3, "a.js", 2, 1, 0, None), (0, 3, "b.js", 7, 7, 1, "y")]


def test_errors() -> None:
    b = Builder()
    with pytest.raises(libsourcemap.OutOfRangeError):
        b.add_token(0, 0, 0, 0, 0)
    b.add_source("a.js")
    with pytest.raises(libsourcemap.OutOfRangeError):
        b.add_token(0, 0, 0, 0, 0, name=3)
    with pytest.raises(libsourcemap.OutOfRangeError):
        b.ignore_source(5)
    with pytest.raises(libsourcemap.OutOfRangeError):
        b.set_source_contents(9, "x")
    with pytest.raises(ValueError):
        b.add_token(-1, 0)
    with pytest.raises(ValueError):
        b.add_token(0, 0, 0)
    with pytest.raises(TypeError):
        b.add_source(3)  # type: ignore[arg-type]
    b.add_token(4_000_000_000, 0)
    with pytest.raises(libsourcemap.TooLargeError):
        b.to_json()
