"""Sources under ``sourceRoot``: ``Token.src`` and ``get_source_name`` as
libsourcemap 0.8 gave them, ``get_source_url`` as ECMA-426 concatenates,
and ``resolve_source`` as the JavaScript consumers resolve (issue 10, item
2; docs/compatibility.md)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

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
