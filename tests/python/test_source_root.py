"""Sources under ``sourceRoot``: ``Token.src`` and ``get_source_name`` as
libsourcemap 0.8 gave them, ``get_source_url`` as ECMA-426 concatenates,
and ``resolve_source`` as the JavaScript consumers resolve (issue 10, item
2; docs/compatibility.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from libsourcemap import View


def _view(root: Optional[str], sources: List[Optional[str]]) -> View:
    doc: Dict[str, Any] = {"version": 3, "sources": sources, "names": []}
    if root is not None:
        doc["sourceRoot"] = root
    doc["mappings"] = ",".join(["AAAA"] + ["CCAA"] * (len(sources) - 1)) if sources else ""
    return View.from_json(json.dumps(doc))


def test_absolute_sources_keep_their_name_under_a_root() -> None:
    # The regression of issue 10, item 2: 0.8.2 gives these unchanged.
    view = _view("webpack:///", ["/abs.js", "https://x/y.js"])
    assert [t.src for t in view] == ["/abs.js", "https://x/y.js"]
    assert [view.get_source_name(i) for i in range(2)] == ["/abs.js", "https://x/y.js"]
    # The ECMA-426 concatenation stays available.
    assert view.get_source_url(0) == "webpack:////abs.js"
    assert view.get_source_url(1) == "webpack:///https://x/y.js"


_RECORDED = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "sources-08.json").read_text("utf-8")
)


@pytest.mark.parametrize(
    "case", _RECORDED["regular"], ids=lambda c: "%r/%d" % (c["sourceRoot"], len(c["sources"]))
)
def test_sources_as_08_2_gave_them(case: Dict[str, Any]) -> None:
    # Recorded from 0.8.2 itself by tests/tools/record_08_sources.py.
    view = _view(case["sourceRoot"], case["sources"])
    assert [t.src for t in view] == case["token_src"]
    count = view.get_source_count()
    assert [view.get_source_name(i) for i in range(count)] == case["source_names"]
    assert [list(p) for p in view.iter_sources()] == case["iter_sources"]
    assert view.get_source_name(count) == case["source_name_past_end"]
    # Lookups give the same tokens; the cache keeps them.
    assert [view.lookup_token(0, i).src for i in range(count)] == case["token_src"]  # type: ignore[union-attr]
    assert [t.src for t in View.from_cache(view.dump_cache())] == case["token_src"]


@pytest.mark.parametrize("case", _RECORDED["index"], ids=lambda c: str(len(c["tokens"])))
def test_index_map_sources_as_08_2_gave_them(case: Dict[str, Any]) -> None:
    # Each section's own sourceRoot applies to its sources; the outer one
    # to none. (0.8.2 numbers an index map's sources differently: only
    # the tokens' names are compared.)
    view = View.from_json(json.dumps(case["map"]), allow_index=True)
    assert [[t.dst_line, t.dst_col, t.src] for t in view] == case["tokens"]
