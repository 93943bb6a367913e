"""The visualizer's data and page (python/libsourcemap/visualize.py), without
a browser: the packed columns decode to exactly the view's tokens, the
embedded JSON cannot end its <script> element, a broken map gives its
error, and the command line's exit statuses. The page itself is driven in
a real browser by test_visualize_browser.py."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

from libsourcemap import View
from libsourcemap.cli import main
from libsourcemap.visualize import TEMPLATE, page_data, render_page

REPO = Path(__file__).resolve().parents[2]
BUNDLERS = REPO / "tests" / "fixtures" / "bundlers"
MAPS = sorted(BUNDLERS.rglob("*.map"))
NO_ID = 0xFFFFFFFF


def unpack(col: Dict[str, Any]) -> List[int]:
    """A packed column back to ints, absent values as NO_ID."""
    raw = base64.b64decode(col["b"])
    width = col["w"]
    none = (1 << (8 * width)) - 1
    values = [int.from_bytes(raw[i:i + width], "little") for i in range(0, len(raw), width)]
    return [NO_ID if v == none else v for v in values]


def run(*argv: str) -> "tuple[int, str, str]":
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def embedded(html: str) -> Dict[str, Any]:
    m = re.search(r'<script id="lsm-data" type="application/json">(.*?)</script>', html, re.S)
    assert m is not None
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def test_there_are_bundler_maps() -> None:
    assert len(MAPS) >= 8


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(BUNDLERS)))
def test_packed_tokens_are_the_views_tokens(path: Path) -> None:
    data = page_data(path)
    assert data["error"] is None
    with View.from_path(path, allow_index=True) as view:
        tokens = list(view)
        assert data["tokens"]["count"] == len(tokens)
        cols = {k: unpack(v) for k, v in data["tokens"]["cols"].items()}
        starts = unpack(data["lineStarts"])
        for i, t in enumerate(tokens):
            assert starts[t.dst_line] <= i < starts[t.dst_line + 1]
            assert cols["dst_col"][i] == t.dst_col
            if t.src_id is None:
                assert cols["src_id"][i] == NO_ID
            else:
                assert (cols["src_id"][i], cols["src_line"][i], cols["src_col"][i]) == \
                    (t.src_id, t.src_line, t.src_col)
                name = cols["name_id"][i]
                assert (None if name == NO_ID else data["names"][name]) == t.name
        assert [s["name"] for s in data["sources"]] == view.sources
        assert [s["ignored"] for s in data["sources"]] == \
            [view.is_ignored(i) for i in range(len(view.sources))]
        assert data["index"] == view.is_index


def test_a_cache_file_gives_the_same_page_data(tmp_path: Path) -> None:
    path = BUNDLERS / "rollup" / "app.iife.min.js.map"
    cache = tmp_path / "app.iife.min.js.map.lsmcache"
    with View.from_path(path) as view:
        view.write_cache(cache)
    from_map, from_cache = page_data(path), page_data(cache)
    assert from_cache["error"] is None
    assert from_cache["tokens"] == from_map["tokens"]
    assert from_cache["lineStarts"] == from_map["lineStarts"]
    assert from_cache["sources"] == from_map["sources"]


def test_index_map_sections_are_its_offsets() -> None:
    path = BUNDLERS / "index-map" / "combined.js.map"
    doc = json.loads(path.read_text(encoding="utf-8"))
    expected = [[s["offset"]["line"], s["offset"]["column"]] for s in doc["sections"]]
    assert len(expected) == 3
    assert page_data(path)["sections"] == expected


def test_functions_come_from_the_sources() -> None:
    data = page_data(BUNDLERS / "esbuild" / "app.min.js.map")
    fns = data["functions"]
    names = [fns["names"][i] for i in unpack(fns["cols"]["name"])]
    assert fns["count"] == len(names) > 10
    assert "Vector.scale" in names


def test_functions_come_from_the_maps_scopes_when_it_has_them() -> None:
    path = REPO / "tests" / "fixtures" / "scopes" / "proposal_single.map"
    with View.from_path(path) as view:
        (top,) = view.original_scopes[0]
        (inner,) = top.children
        assert (inner.name, inner.is_stack_frame) == ("z", True)
    fns = page_data(path)["functions"]
    cols = {k: unpack(v) for k, v in fns["cols"].items()}
    assert fns["count"] == 1
    assert [cols[k][0] for k in ("src", "sl", "sc", "el", "ec")] == \
        [0, inner.start[0], inner.start[1], inner.end[0], inner.end[1]]
    assert fns["names"][cols["name"][0]] == "z"


HOSTILE_MAP = {
    "version": 3,
    "file": "evil.js",
    "sources": ['<img src=x onerror="window.__pwned=1">.js'],
    "sourcesContent": ["</script><script>window.__pwned=1;document.title='pwned'</script>\n"
                       "<!-- \u2028 -->"],
    "names": ["</script><script>window.__pwned=2</script>"],
    "mappings": "AAAAA,EAAE",
}


def test_nothing_in_the_data_ends_the_script_element() -> None:
    html = render_page(page_data(map_bytes=json.dumps(HOSTILE_MAP).encode(),
                                 generated="</script><b>x</b>"))
    template = TEMPLATE.read_text(encoding="utf-8")
    assert html.lower().count("</script") == template.lower().count("</script")
    assert html.count("<!--") == template.count("<!--")
    assert "\u2028" not in html
    data = embedded(html)
    assert data["sources"][0]["content"] == HOSTILE_MAP["sourcesContent"][0]  # type: ignore[index]
    assert data["names"] == HOSTILE_MAP["names"]


def test_a_broken_map_gives_its_error_and_position() -> None:
    bad = b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA,B!AA"}'
    with pytest.raises(Exception) as caught:
        View.from_json(bad)
    exc: Any = caught.value
    data = page_data(map_bytes=bad)
    err = data["error"]
    assert err["message"] == str(exc)
    assert err["name"] == exc.error_name
    assert (err["offset"], err["line"], err["segment"]) == (exc.offset, exc.line, exc.segment)
    assert data["tokens"] is None


def test_a_json_syntax_error_shows_the_text_around_it() -> None:
    bad = b'{"version":3,"sources":["a.js"],"names":[] "mappings":""}'
    err = page_data(map_bytes=bad)["error"]
    assert err["offset"] is not None
    ctx = err["context"]
    assert (ctx["before"] + ctx["at"] + ctx["after"]).encode() in bad
    assert len(ctx["before"].encode()) == err["offset"]


def test_cli_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    code, stdout, _ = run("visualize", str(BUNDLERS / "esbuild" / "app.min.js.map"), "-o", str(out))
    assert code == 0 and stdout.strip() == str(out)
    data = embedded(out.read_text(encoding="utf-8"))
    assert data["generatedName"] == "app.min.js"
    assert data["generated"] == (BUNDLERS / "esbuild" / "app.min.js").read_text(encoding="utf-8")


def test_cli_broken_map_exit_status(tmp_path: Path) -> None:
    bad = tmp_path / "bad.js.map"
    bad.write_bytes(b'{"version":3,"sources":[],"names":[],"mappings":"!"}')
    code, stdout, stderr = run("visualize", str(bad))
    assert code == 1
    assert Path(stdout.strip()) == Path(str(bad) + ".html")
    assert "failed to load" in stderr
    assert embedded(Path(stdout.strip()).read_text(encoding="utf-8"))["error"] is not None
    assert run("visualize", str(tmp_path / "missing.map"))[0] == 2


def test_explain_links_to_the_page(tmp_path: Path) -> None:
    shop = REPO / "tests" / "e2e" / "apps" / "shop" / "dist"
    frame = "at t.total (file:///e2e/apps/shop/dist/terser/app.min.js:1:764)"
    code, stdout, _ = run("explain", frame, "-a", str(shop))
    assert code == 0
    assert "libsourcemap visualize" in stdout and "#gen=1:764" in stdout
    page = tmp_path / "frame.html"
    code, stdout, _ = run("explain", frame, "-a", str(shop), "--html", str(page))
    assert code == 0
    assert "see it: %s#gen=1:764" % page.resolve().as_uri() in stdout
    assert embedded(page.read_text(encoding="utf-8"))["generatedName"] == "app.min.js"
    code, stdout, _ = run("explain", frame, "-a", str(shop), "--json")
    hint = json.loads(stdout)["visualize"]
    assert hint["anchor"] == "#gen=1:764" and hint["page"] is None


class Opener:
    """Stands in for webbrowser.open: records each URL and answers as a
    browser would (True: opened; False: none; an exception: one that
    cannot start)."""

    def __init__(self, answer: Any = True) -> None:
        self.urls: List[str] = []
        self.answer = answer

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> bool:
        self.urls.append(url)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return bool(self.answer)


@pytest.fixture
def opener(monkeypatch: pytest.MonkeyPatch) -> Opener:
    import webbrowser
    fake = Opener()
    monkeypatch.setattr(webbrowser, "open", fake)
    return fake


def test_cli_open_hands_the_written_page_to_the_browser(tmp_path: Path, opener: Opener) -> None:
    out = tmp_path / "sub dir" / "page #1.html"
    out.parent.mkdir()
    code, stdout, stderr = run("visualize", str(BUNDLERS / "esbuild" / "app.min.js.map"),
                               "-o", str(out), "--open")
    assert (code, stdout, stderr) == (0, "%s\n" % out, "")
    # Exactly one URL, the written page's, escaped as a file: URI.
    assert opener.urls == [out.resolve().as_uri()]
    assert opener.urls[0].startswith("file:///") and "page%20%231.html" in opener.urls[0]
    assert embedded(out.read_text(encoding="utf-8"))["generatedName"] == "app.min.js"


def test_cli_open_shows_a_broken_maps_page_too(tmp_path: Path, opener: Opener) -> None:
    bad = tmp_path / "bad.js.map"
    bad.write_bytes(b'{"version":3,"sources":[],"names":[],"mappings":"!"}')
    code, stdout, _ = run("visualize", str(bad), "--open")
    assert code == 1
    assert opener.urls == [Path(str(bad) + ".html").resolve().as_uri()]


def test_cli_open_opens_nothing_when_the_page_cannot_be_written(tmp_path: Path,
                                                                 opener: Opener) -> None:
    out = tmp_path / "missing-dir" / "page.html"
    code, stdout, stderr = run("visualize", str(BUNDLERS / "esbuild" / "app.min.js.map"),
                               "-o", str(out), "--open")
    assert (code, stdout) == (2, "")
    assert stderr.startswith("libsourcemap: ") and "missing-dir" in stderr
    assert opener.urls == [] and not out.exists()


@pytest.mark.parametrize("answer", [False, __import__("webbrowser").Error("no runnable browser"),
                                    OSError(2, "No such file or directory")],
                         ids=["none", "webbrowser.Error", "OSError"])
def test_cli_open_without_a_browser_still_succeeds(tmp_path: Path, opener: Opener,
                                                   answer: Any) -> None:
    opener.answer = answer
    out = tmp_path / "page.html"
    code, stdout, stderr = run("visualize", str(BUNDLERS / "esbuild" / "app.min.js.map"),
                               "-o", str(out), "--open")
    uri = out.resolve().as_uri()
    assert (code, stdout) == (0, "%s\n" % out)
    assert stderr == "visualize: no web browser could be opened; the page is %s\n" % uri
    assert opener.urls == [uri]
    assert embedded(out.read_text(encoding="utf-8"))["error"] is None
