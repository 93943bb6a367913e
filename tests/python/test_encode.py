"""Writing maps: View.to_json() round trips exactly.

Every map the tests hold (the bundler fixtures, the end-to-end apps, the
index map, the valid ECMA-426 conformance cases, the bundled example) is
read, written and read again: the two views must agree on every token,
source (as written and resolved), content, name, ignore-list entry, debug
ID, file and sourceRoot, and writing the second gives the same bytes. The
written "mappings" are also decoded by @jridgewell/trace-mapping (see
tests/reverse/decode.mjs), which must find our tokens.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

import libsourcemap
from libsourcemap import View

REPO = Path(__file__).resolve().parents[2]
PEER_DIR = REPO / "tests" / "reverse"

MAPS = sorted(
    list((REPO / "tests" / "fixtures" / "bundlers").glob("*/*.map"))
    + list((REPO / "tests" / "e2e" / "apps").glob("*/dist/*/*.map"))
    + list((REPO / "tests" / "spec").glob("valid-*.map"))
    + list((REPO / "python" / "libsourcemap" / "data").glob("**/*.map"))
)


def state(view: View, *, index: bool) -> Dict[str, Any]:
    n = len(view.sources)
    s: Dict[str, Any] = {
        "tokens": list(view),
        "urls": [view.get_source_url(i) for i in range(n)],
        "contents": [view.get_source_contents(i) for i in range(n)],
        "names": view.names,
        "ignore": view.ignore_list,
        "debug_id": view.debug_id,
        "file": view.file,
        "lines": view.line_count,
    }
    if not index:
        s["sources"] = view.sources
        s["root"] = view.source_root
    return s


def load(path: Path) -> View:
    return View.from_json(path.read_bytes(), allow_index=True)


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(REPO)))
def test_round_trip(path: Path) -> None:
    first = load(path)
    written = first.to_json()
    json.loads(written)
    second = View.from_json(written)
    assert not second.is_index
    assert state(second, index=first.is_index) == state(first, index=first.is_index)
    assert second.to_json() == written
    # A view opened from a cache file writes the same, less the top-level
    # fields kept as text, which caches do not store (test_extra_fields.py).
    from_cache = View.from_cache(first.dump_cache()).to_json()
    if not first.extra_fields:
        assert from_cache == written
    else:
        assert json.loads(from_cache) == {k: v for k, v in json.loads(written).items()
                                          if k not in first.extra_fields}


def test_round_trips_cover_the_interesting_cases() -> None:
    views = [load(p) for p in MAPS]
    assert len(views) > 90
    assert any(v.is_index for v in views)
    assert any(v.ignore_list for v in views)
    assert any(v.debug_id for v in views)
    assert any(v.source_root for v in views)
    assert any(None in v.sources for v in views)
    assert any(any(t.src_id is None for t in v) for v in views)


def test_without_contents_and_exact_output() -> None:
    view = View.from_json(json.dumps({
        "version": 3, "file": "out.js", "sourceRoot": "src/",
        "sources": ["a.js", None], "sourcesContent": ["x\u0000\"\n\u2028", None],
        "names": ["n"], "mappings": "A,CAAAA;;EACC", "x_google_ignoreList": [1],
        "debug_id": "85314830-023f-4cf1-a267-535f4e37bb17",
    }))
    assert view.to_json() == (
        b'{"version":3,"file":"out.js","sourceRoot":"src/","sources":["a.js",null],'
        b'"sourcesContent":["x\\u0000\\"\\n\xe2\x80\xa8",null],"names":["n"],'
        b'"mappings":"A,CAAAA;;EACC","ignoreList":[1],'
        b'"debugId":"85314830-023f-4cf1-a267-535f4e37bb17"}'
    )
    assert b"sourcesContent" not in view.to_json(with_contents=False)


def test_trace_mapping_decodes_what_we_write() -> None:
    node = shutil.which("node")
    if node is None or not (PEER_DIR / "node_modules" / "@jridgewell" / "trace-mapping").is_dir():
        pytest.fail("run `npm ci` in tests/reverse (.ci/run's peers stage does)")
    views = [load(p) for p in MAPS]
    texts = [v.to_json().decode("utf-8") for v in views]
    proc = subprocess.run([node, str(PEER_DIR / "decode.mjs")], input=json.dumps(texts).encode(),
                          capture_output=True, cwd=PEER_DIR, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    decoded: List[List[List[List[int]]]] = json.loads(proc.stdout)
    for path, view, lines in zip(MAPS, views, decoded):
        names = view.names
        got = []
        for line, segs in enumerate(lines):
            for seg in segs:
                if len(seg) == 1:
                    got.append((line, seg[0]))
                else:
                    got.append((line, *seg[:4], names[seg[4]] if len(seg) == 5 else None))
        want = [
            (t.dst_line, t.dst_col)
            if t.src_id is None
            else (t.dst_line, t.dst_col, t.src_id, t.src_line, t.src_col, t.name)
            for t in view
        ]
        assert got == want, path
