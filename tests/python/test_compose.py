"""Composition against @jridgewell/remapping 2.3.5 on real two-step builds.

Bundles from the fixtures (esbuild, rollup, webpack, tsc output, and the
index map's bundle), each with its map, are minified again by terser 5
(tests/reverse/compose.mjs), alone and two at a time; remapping composes
terser's map with the bundles' maps. libsourcemap.compose() must give the
same map: the same tokens at every generated position, sources, names,
contents and ignore list.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import libsourcemap
from libsourcemap import View, compose

REPO = Path(__file__).resolve().parents[2]
PEER_DIR = REPO / "tests" / "reverse"
FIX = REPO / "tests" / "fixtures" / "bundlers"

BUILDS: List[Tuple[str, ...]] = [
    ("esbuild/app.js",),
    ("esbuild/app.min.js",),
    ("rollup/app.es.js",),
    ("rollup/app.iife.js",),
    ("webpack/app.js",),
    ("tsc/greeter.js",),
    ("index-map/combined.js",),
    ("rollup/app.es.js", "tsc/greeter.js"),
]


def terser_and_remapping(files: Dict[str, Tuple[str, str]]) -> Dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (PEER_DIR / "node_modules" / "@jridgewell" / "remapping").is_dir():
        pytest.fail("run `npm ci` in tests/reverse (.ci/run's peers stage does)")
    proc = subprocess.run([node, str(PEER_DIR / "compose.mjs")],
                          input=json.dumps({"files": files}).encode(), capture_output=True,
                          cwd=PEER_DIR, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def norm(url: Any) -> Any:
    """remapping resolves source URLs (resolve-uri drops "." segments);
    compose() keeps them as the maps write them. The comparison forgives
    only that."""
    if not isinstance(url, str):
        return url
    while "/./" in url:
        url = url.replace("/./", "/")
    return url[2:] if url.startswith("./") else url


def state(view: View) -> Dict[str, Any]:
    n = len(view.sources)
    return {
        "tokens": [(t[0], t[1], norm(t[2]), *t[3:]) for t in view],
        "sources": [norm(view.get_source_url(i)) for i in range(n)],
        "contents": [view.get_source_contents(i) for i in range(n)],
        "names": view.names,
        "ignore": view.ignore_list,
    }


@pytest.mark.parametrize("build", BUILDS, ids=lambda b: "+".join(b))
def test_compose_agrees_with_remapping(build: Tuple[str, ...]) -> None:
    files = {}
    inner = {}
    for rel in build:
        name = Path(rel).name
        files[name] = ((FIX / rel).read_text(encoding="utf-8"),
                       (FIX / (rel + ".map")).read_text(encoding="utf-8"))
        inner[name] = View.from_json(files[name][1], allow_index=True)
    result = terser_and_remapping(files)
    outer = View.from_json(result["outer"])
    want = View.from_json(result["composed"])
    got = compose(outer, inner)
    assert len(want) > 50
    assert state(got) == state(want)
    # The same through a loader, and (one file) through a single View.
    assert state(compose(outer, inner.get)) == state(want)
    if len(build) == 1:
        assert state(compose(outer, next(iter(inner.values())))) == state(want)


def test_chains_compose_at_any_depth() -> None:
    # outer -> b.js -> c.js -> d.js, each step the identity at columns 0
    # and 4 (named f).
    def step(src: str) -> View:
        return View.from_json(json.dumps({"version": 3, "sources": [src], "names": ["f"],
                                          "mappings": "AAAAA,IAAIA"}))
    chain = {"b.js": step("c.js"), "c.js": step("d.js")}
    got = compose(step("b.js"), lambda url: chain.get(url))
    assert [tuple(t) for t in got] == [(0, 0, "d.js", 0, 0, 0, "f"), (0, 4, "d.js", 0, 4, 0, "f")]
    # Column 2 finds column 0 at every step: the same position and name as
    # the token before it, so it is dropped.
    flat = View.from_json(json.dumps({"version": 3, "sources": ["b.js"], "names": [],
                                      "mappings": "AAAA,EAAE"}))
    got = compose(flat, lambda url: chain.get(url))
    assert [tuple(t) for t in got] == [(0, 0, "d.js", 0, 0, 0, "f")]


def test_bad_input() -> None:
    two = View.from_json(json.dumps({"version": 3, "sources": ["a", "b"], "names": [],
                                     "mappings": "AAAA,CCAA"}))
    one = View.from_json(json.dumps({"version": 3, "sources": ["x"], "names": [],
                                     "mappings": "AAAA"}))
    with pytest.raises(ValueError, match="2 sources"):
        compose(two, one)
    with pytest.raises(TypeError):
        compose(two, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compose(two, lambda url: "not a view")  # type: ignore[arg-type, return-value]
    with pytest.raises(ValueError, match="deep"):
        compose(one, lambda url: one)
    # Sources without a map are kept.
    assert [tuple(t) for t in compose(two, {})] == [(0, 0, "a", 0, 0, 0, None), (0, 1, "b", 0, 0, 1, None)]
