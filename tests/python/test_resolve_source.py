"""View.resolve_source (lsm_view_resolve_source) against the real
@jridgewell/trace-mapping: for every combination of sourceRoot, source
and map URL below, the source resolved by trace-mapping's TraceMap (pinned
in tests/url/package.json, installed by `npm ci` there, which .ci/run's
url_peers stage does) and ours are compared exactly.

Ours applies the sourceRoot as ECMA-426 says (a "/" only when the root
lacks one) where trace-mapping always adds one; both then resolve the same
way. So the resolution itself is compared on maps without a root whose
sources are that concatenation, and with the roots as written, where the
only differences allowed are the documented ones (docs/compatibility.md).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from itertools import product
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

from libsourcemap import OutOfRangeError, View

URL_DIR = Path(__file__).resolve().parents[1] / "url"

ROOTS: List[Optional[str]] = [
    None, "", " ", "src", "src/", "/abs/root", "/abs/root/", "./rel", "../up", "a//b",
    "webpack:///", "webpack://", "webpack:///src", "https://h.example/", "https://cdn.example.com/assets",
    "https://cdn.example.com/assets/", "https://h/x//", "http://h:8080/a/b/",
    "https://u:p@h/x/", "https://[::1]:3000/s/", "https://h/a?q=1", "https://h/a#frag",
    "//cdn.example.com/x", "file:///home/u/proj", "file:///C:/proj/", "file:src",
]
SOURCES: List[Optional[str]] = [
    "a.js", "./a.js", "../a.js", "../../../../a.js", "/abs.js", "https://x.example/y.js",
    "HTTPS://X.example/Y.js", "//cdn/z.js", "dir/./b/../c.js", "dir//d.js", "", ".", "..",
    "dir/", "webpack:///./src/app.js", "file:///etc/x.js", "?query", "#hash", "a b/\u00fc.js",
    "C:\\win\\a.js", "data:text/plain,hi", "x:y", "a/../../b.js", None,
]
MAP_URLS: List[str] = [
    "", "https://example.com/dist/app.js.map", "https://example.com/dist/",
    "https://example.com", "https://example.com/dist/app.js.map?v=1#x",
    "http://u@h:81/a/b/c.map", "/static/js/main.js.map", "dist/app.js.map",
    "./dist/app.js.map", "../maps/app.map", "app.js.map", "file:///home/u/dist/app.js.map",
    "//cdn.example.com/js/app.map", "webpack:///dist/x.map", "https://[::1]:8080/m/a.map",
    "https://example.com?v=1", "//cdn.example.com", "http://u@h:81#x",
]


def _tm_url(url: str) -> str:
    """The map URL trace-mapping is given for ours: the same, except that a
    URL with a host but no path gets the "/" a browser reads there.
    trace-mapping cuts such a URL after its "//" ("https://example.com"
    resolves "a.js" to "https:///a.js"); ours resolves against its root
    (docs/compatibility.md)."""
    m = re.match(r"^((?:[\w+.-]+:)?//[^/?#]*)([?#].*)?$", url)
    if m is None or url.startswith("file:"):
        return url
    return m.group(1) + "/" + (m.group(2) or "")


def _view(root: Optional[str], sources: List[Optional[str]]) -> View:
    doc: Dict[str, Any] = {"version": 3, "sources": sources, "mappings": ""}
    if root is not None:
        doc["sourceRoot"] = root
    return View.from_json(json.dumps(doc))


def _concat(root: Optional[str], source: str) -> str:
    """ECMA-426's sourceRoot rule."""
    if not root:
        return source
    return root + ("" if root.endswith("/") else "/") + source


def _trace_mapping(
    cases: Sequence[Tuple[Optional[str], Sequence[Optional[str]], Optional[str]]]
) -> Any:
    node = shutil.which("node")
    if node is None or not (URL_DIR / "node_modules" / "@jridgewell" / "trace-mapping").is_dir():
        pytest.fail("node and tests/url/node_modules are needed: run `npm ci` in tests/url "
                    "(.ci/run's url_peers stage does)")
    payload = [{"sourceRoot": r, "sources": s, "mapUrl": u} for r, s, u in cases]
    proc = subprocess.run(
        [node, str(URL_DIR / "resolve.mjs")], input=json.dumps(payload).encode(),
        stdout=subprocess.PIPE, check=True, cwd=str(URL_DIR),
    )
    return json.loads(proc.stdout)


def test_resolution_matches_trace_mapping() -> None:
    """The resolution step alone: sources already concatenated, no root."""
    cases = []
    for root, url in product(ROOTS, MAP_URLS):
        cases.append((None, [_concat(root, s) for s in SOURCES if s is not None], url))
    want = _trace_mapping([(r, s, _tm_url(u)) for r, s, u in cases])
    compared = 0
    for (_, sources, url), expected in zip(cases, want):
        view = _view(None, list(sources))
        got = [view.resolve_source(i, url) for i in range(len(sources))]
        assert got == expected, (sources, url)
        compared += len(got)
    assert compared == len(ROOTS) * len(MAP_URLS) * (len(SOURCES) - 1)


def test_roots_as_written_against_trace_mapping() -> None:
    """With the roots as written: trace-mapping joins root + "/" + source,
    ECMA-426 adds the "/" only when missing. After resolution the two
    differ only where that extra "/" is read as the start of an authority
    ("webpack://" + "a.js") or kept in a path that resolve-uri does not
    collapse; null sources are None for us (trace-mapping resolves them as
    "")."""
    cases = [(root, SOURCES, url) for root, url in product(ROOTS, MAP_URLS)]
    want = _trace_mapping([(r, s, _tm_url(u)) for r, s, u in cases])
    differ = []
    for (root, sources, url), expected in zip(cases, want):
        view = _view(root, list(sources))
        for i, source in enumerate(sources):
            got = view.resolve_source(i, url)
            if source is None:
                assert got is None
                continue
            if got != expected[i]:
                differ.append((root, source, url, got, expected[i]))
    # Every difference comes from the "/" trace-mapping adds after a root
    # that already ends in one; of the roots above only "webpack://" (an
    # empty authority) is changed by it.
    assert {d[0] for d in differ} == {"webpack://"}
    for root, source, url, got, expected in differ:
        assert root is not None and root.endswith("/"), (root, source, url, got, expected)
        tm_concat = _view(None, [root + "/" + source]).resolve_source(0, url)
        assert tm_concat == expected, (root, source, url, got, expected)


def test_without_a_map_url_the_concatenation_is_returned() -> None:
    view = _view("webpack:///", ["./a.js", "/abs.js", "https://x/y.js", None])
    assert [view.resolve_source(i) for i in range(4)] == [
        "webpack:///./a.js", "webpack:////abs.js", "webpack:///https://x/y.js", None,
    ]
    assert [view.resolve_source(i) for i in range(3)] == [view.get_source_url(i) for i in range(3)]
    # An empty map URL is a base: the concatenation is normalized.
    assert view.resolve_source(0, "") == "webpack:///a.js"


def test_a_map_url_without_a_path() -> None:
    # trace-mapping gives "https:///a.js" here; browsers and mozilla
    # source-map 0.7 the URL below.
    view = _view(None, ["a.js", "/abs.js", "", "../x.js"])
    for url in ("https://example.com", "https://example.com?v=1#h", "https://example.com#h"):
        assert [view.resolve_source(i, url) for i in range(4)] == [
            "https://example.com/a.js", "https://example.com/abs.js", "https://example.com/",
            "https://example.com/x.js",
        ]
    assert view.resolve_source(0, "//cdn.example") == "//cdn.example/a.js"
    assert view.resolve_source(0, "https://u@h:81") == "https://u@h:81/a.js"
    assert _trace_mapping([(None, ["a.js"], "https://example.com")]) == [["https:///a.js"]]


def test_resolve_source_examples() -> None:
    # Exact values, worked by hand from RFC 3986 section 5.2 and resolve-uri.
    view = _view("../src/", ["a.js", "/abs.js", "https://cdn/x.js", "./b/../c.js", "//h/p.js"])
    base = "https://example.com/static/js/app.js.map"
    assert [view.resolve_source(i, base) for i in range(5)] == [
        "https://example.com/static/src/a.js",
        "https://example.com/static/src/abs.js",  # "../src//abs.js": "//" collapses
        "https://example.com/static/src/https:/cdn/x.js",
        "https://example.com/static/src/c.js",
        "https://example.com/static/src/h/p.js",
    ]
    plain = _view(None, ["a.js", "/abs.js", "https://cdn/x.js", "../../../up.js", "//h/p.js"])
    assert [plain.resolve_source(i, base) for i in range(5)] == [
        "https://example.com/static/js/a.js",
        "https://example.com/abs.js",
        "https://cdn/x.js",
        "https://example.com/up.js",
        "https://h/p.js",
    ]
    # A relative map URL keeps the result relative.
    assert [plain.resolve_source(i, "dist/app.js.map") for i in range(4)] == [
        "dist/a.js", "/abs.js", "https://cdn/x.js", "../../up.js",
    ]


def test_resolve_source_errors() -> None:
    view = _view("r", ["a.js"])
    with pytest.raises(OutOfRangeError):
        view.resolve_source(1)
    with pytest.raises(OutOfRangeError):
        view.resolve_source(-1, "https://h/")
