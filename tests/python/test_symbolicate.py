"""Symbolication: artifact resolution, map discovery, caching, every reason
a frame cannot resolve, the end-to-end apps and the bundled example."""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import sys
import threading
from pathlib import Path
from typing import List

import pytest

from libsourcemap import View
from libsourcemap._native import ffi, lib
from libsourcemap.exceptions import SourceMapError
from libsourcemap.js import map_debug_id
from libsourcemap.stacktrace import Frame, parse_stacktrace
from libsourcemap.symbolicate import (
    ERRORS,
    Artifacts,
    Scopes,
    Symbolicator,
    debug_id,
    decode_data_url,
    get_original_function_name,
    normalize_debug_id,
    source_mapping_url,
    url_path_parts,
)

REPO = Path(__file__).resolve().parents[2]
E2E = REPO / "tests" / "e2e"
SHOP = E2E / "apps" / "shop"
EXAMPLE = REPO / "python" / "libsourcemap" / "data" / "example"

sys.path.insert(0, str(E2E))
import compare  # noqa: E402


def frame(url: str, line: int, col: int, function: str = "t") -> Frame:
    return Frame(function=function, filename=url, lineno=line, colno=col,
                 raw="at %s (%s:%d:%d)" % (function, url, line, col))


def position_of(js: str, marker: str):
    """1-based (line, column) of the first `marker` in `js`."""
    i = js.index(marker)
    line = js.count("\n", 0, i) + 1
    col = i - (js.rfind("\n", 0, i) + 1)
    return line, len(js[i - col:i].encode("utf-16-le")) // 2 + 1


@pytest.fixture
def shop_dist(tmp_path: Path) -> Path:
    """A copy of the shop app's builds and sources (tests may change it)."""
    shutil.copytree(SHOP / "dist", tmp_path / "app" / "dist")
    shutil.copytree(SHOP / "src", tmp_path / "app" / "src")
    return tmp_path / "app"


def esbuild_js() -> str:
    return (SHOP / "dist" / "esbuild" / "app.min.js").read_text()


# ------------------------------------------------------------ end to end


def test_e2e_every_frame_matches_the_unminified_run():
    """The acceptance check: for both apps, both bundlers (and the build
    without sourcesContent), every app frame of the minified run comes out
    at the unminified run's file and line with its function name."""
    results = compare.run_all()
    # (6 + 6 + 3 scenarios) x 3 builds (compare.VARIANTS), and the parser
    # app's 26 scenarios x 2 builds (no build without sourcesContent)
    assert len(results) == 45 + 26 * 2
    problems = ["%s/%s/%s/%s: %s" % (r.app, r.scenario, r.bundler, r.artifacts, p)
                for r in results for p in r.problems]
    assert problems == []
    assert sum(r.frames for r in results) >= 200
    assert all(r.matched == r.frames for r in results)
    for bundler in ("esbuild", "terser"):
        assert any(r.frames for r in results if r.bundler == bundler)


def test_e2e_a_large_library_named_as_v8_names_it():
    """The parser app drives acorn (6,000 lines of a real npm package)
    into throwing from many of its functions: after esbuild and terser,
    every frame through the library has V8's name from the unminified run,
    exactly where V8 prints the name the source gives (`pp$8.parseClass`),
    else up to the receiver V8 puts first (`Function.parse` for
    `Parser.parse = function parse`); anonymous functions are
    `<anonymous>`."""
    results = [r for r in compare.run_all() if r.app == "parser"]
    assert len(results) == 52
    assert all(not r.problems for r in results)
    frames = sum(r.frames for r in results)
    assert frames >= 800
    assert sum(r.matched for r in results) == frames
    lib_rows = [row for r in results for row in r.rows if "node_modules/acorn" in row]
    assert len(lib_rows) >= 600
    # distinct functions of the library the traces pass through
    assert len({row.split()[2] for row in lib_rows}) >= 80
    assert sum(r.exact for r in results) >= frames * 8 // 10


def test_e2e_terser_inlining_still_names_the_inlined_function():
    """terser inlines applyPercent into its caller (an anonymous function
    in the minified code); the original source still names it."""
    st = parse_stacktrace((SHOP / "traces" / "terser" / "discount.txt").read_text())
    assert st.frames[0].function is None  # anonymous in the minified run
    out = Symbolicator(Artifacts([SHOP / "dist"])).symbolicate(st)
    top = out.frames[0]
    assert (top.filename, top.lineno, top.function) == ("../../src/pricing.mjs", 9, "applyPercent")
    assert top.function_source == "original"


def test_bundled_example():
    """`libsourcemap symbolicate` with no arguments: every frame of ours
    shows the original file, line and enclosing function."""
    st = parse_stacktrace((EXAMPLE / "trace.txt").read_text())
    out = Symbolicator(Artifacts([EXAMPLE / "dist"])).symbolicate(st)
    ours = [(f.filename, f.lineno, f.function) for f in out.frames if f.resolved]
    assert ours == [
        ("../src/invoice.mjs", 6, "money.format"),
        ("../src/invoice.mjs", 12, "formatLine"),
        ("../src/invoice.mjs", 15, "invoice"),
        ("../src/app.mjs", 11, "main"),
        ("../src/app.mjs", 14, None),  # the module's top level
    ]
    for f in out.frames:
        if f.resolved:
            assert f.error is None and f.context_line is not None and f.in_app
            assert Path(f.abs_path).is_file()
        else:
            assert f.error in ERRORS
    assert out.frames[0].context_line.strip().startswith("throw new TypeError")


# ------------------------------------------------------------- artifacts


def test_url_path_parts():
    assert url_path_parts("http://host:8080/static/app.min.js?v=1#x") == ["static", "app.min.js"]
    assert url_path_parts("file:///C:/x/y.js") == ["C:", "x", "y.js"]
    assert url_path_parts("C:\\x\\y.js") == ["C:", "x", "y.js"]
    assert url_path_parts("webpack://app/./src/a%20b.js") == ["app", "src", "a b.js"]
    assert url_path_parts("/srv/./a/../b.js") == ["srv", "a", "b.js"]
    assert url_path_parts("") == []


def test_find_by_longest_suffix(tmp_path: Path):
    for rel in ["a/static/app.js", "b/app.js", "b/other/static/app.js", "c/vendor.js"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    arts = Artifacts([tmp_path])
    assert arts.find("http://host/static/app.js") == tmp_path / "a/static/app.js"
    assert arts.find("https://cdn/other/static/app.js?v=2") == tmp_path / "b/other/static/app.js"
    assert arts.find("file:///deploy/b/app.js") == tmp_path / "b/app.js"
    assert arts.find("C:\\deploy\\c\\vendor.js") == tmp_path / "c/vendor.js"
    assert arts.find("http://host/missing.js") is None
    assert arts.find("") is None
    # several folders: the first wins a tie
    arts2 = Artifacts([tmp_path / "b", tmp_path / "a"])
    assert arts2.find("http://x/app.js") == tmp_path / "b/app.js"


def test_map_through_comment_sibling_data_url_and_debug_id(shop_dist: Path):
    js = esbuild_js()
    line, col = position_of(js, "throw new RangeError")
    root = shop_dist / "dist"
    gen = root / "esbuild" / "app.min.js"
    mp = root / "esbuild" / "app.min.js.map"

    def resolve(arts: Artifacts):
        out = Symbolicator(arts).symbolicate_frame(frame("http://x/esbuild/app.min.js", line, col))
        ref = arts.map_for(gen)
        return out, ref

    # 1. the comment
    out, ref = resolve(Artifacts([root]))
    assert ref.how == "comment" and out.function == "applyPercent" and out.lineno == 9

    # 2. no comment: the sibling .map
    gen.write_text(js.replace("//# sourceMappingURL=app.min.js.map", ""))
    out, ref = resolve(Artifacts([root]))
    assert ref.how == "sibling" and out.lineno == 9

    # 3. a comment naming a map that is gone, the sibling still there
    gen.write_text(js.replace("app.min.js.map", "moved.map"))
    out, ref = resolve(Artifacts([root]))
    assert ref.how == "sibling" and out.resolved

    # 4. an absolute URL: found by suffix in the artifacts
    maps = root / "maps" / "esbuild"
    maps.mkdir(parents=True)
    shutil.move(str(mp), maps / "app.min.js.map")
    gen.write_text(js.replace("app.min.js.map", "https://cdn.example/maps/esbuild/app.min.js.map"))
    out, ref = resolve(Artifacts([root]))
    assert ref.how == "comment" and ref.map_path == maps / "app.min.js.map" and out.lineno == 9

    # 5. a data: URL
    data = base64.b64encode((maps / "app.min.js.map").read_bytes()).decode()
    gen.write_text(js.replace("app.min.js.map", "data:application/json;base64," + data))
    out, ref = resolve(Artifacts([root]))
    assert ref.how == "data_url" and out.function == "applyPercent"

    # 6. a debug ID, the map elsewhere under another name
    did = "85314830-023F-4CF1-A267-535F4E37BB17"
    m = json.loads((maps / "app.min.js.map").read_text())
    m["debugId"] = did.lower()
    (maps / "app.min.js.map").unlink()
    (root / "maps" / "renamed.map").write_text(json.dumps(m))
    gen.write_text(js.replace("//# sourceMappingURL=app.min.js.map", "//# debugId=" + did))
    out, ref = resolve(Artifacts([root]))
    assert ref.how == "debug_id" and ref.debug_id == did and out.function == "applyPercent"

    # 7. a debug ID nobody has: map_not_found; nothing at all: no_map_reference
    (root / "maps" / "renamed.map").unlink()
    out, ref = resolve(Artifacts([root]))
    assert out.error == "map_not_found" and "debugId" in out.error_message
    gen.write_text(js.replace("//# sourceMappingURL=app.min.js.map", ""))
    out, _ = resolve(Artifacts([root]))
    assert out.error == "no_map_reference" and not out.resolved
    # the frame keeps its own location
    assert (out.filename, out.lineno, out.colno) == ("http://x/esbuild/app.min.js", line, col)


def test_map_invalid_and_map_not_found(shop_dist: Path):
    root = shop_dist / "dist"
    js = esbuild_js()
    line, col = position_of(js, "throw new RangeError")
    (root / "esbuild" / "app.min.js.map").write_text('{"version": 3, "mappings": 7}')
    out = Symbolicator(Artifacts([root])).symbolicate_frame(
        frame("http://x/esbuild/app.min.js", line, col))
    assert out.error == "map_invalid" and "mappings" in out.error_message
    (root / "esbuild" / "app.min.js.map").unlink()
    out = Symbolicator(Artifacts([root])).symbolicate_frame(
        frame("http://x/esbuild/app.min.js", line, col))
    assert out.error == "map_not_found" and "app.min.js.map" in out.error_message


def test_every_unresolved_reason(shop_dist: Path, tmp_path: Path):
    root = shop_dist / "dist"
    js = esbuild_js()
    line, col = position_of(js, "throw new RangeError")
    (root / "broken.js").symlink_to(tmp_path / "nowhere.js")
    sym = Symbolicator(Artifacts([root]))
    cases = {
        "no_location": Frame(function="Array.map", filename="<anonymous>", raw="x"),
        "eval_code": parse_stacktrace(
            "    at eval (eval at f (http://x/esbuild/app.min.js:1:2), <anonymous>:3:4)").frames[0],
        "file_not_found": frame("http://x/nothing-like-it.js", 1, 1),
        "unreadable_file": frame("http://x/broken.js", 1, 1),
        "position_outside_map": frame("http://x/esbuild/app.min.js", 500, 1),
        "unmapped_position": frame("http://x/esbuild/app.min.js", 1, 1),
    }
    for reason, fr in cases.items():
        out = sym.symbolicate_frame(fr)
        assert out.error == reason, (reason, out)
        assert not out.resolved and out.error_message
    # no_source_contents: the map has none and the sources are not on disk
    shutil.rmtree(shop_dist / "src")
    out = Symbolicator(Artifacts([root / "esbuild-nosrc"])).symbolicate_frame(
        frame("http://x/esbuild/app.min.js", line, col))
    assert out.error == "no_source_contents"
    assert out.resolved and out.lineno == 9 and out.context_line is None
    # the generated side still names the function
    assert out.function == "applyPercent" and out.function_source == "generated"
    assert set(ERRORS) >= {"no_location", "eval_code", "file_not_found", "unreadable_file",
                           "no_map_reference", "map_not_found", "map_invalid",
                           "position_outside_map", "unmapped_position", "no_source_contents"}


def test_sources_from_disk_without_sources_content(shop_dist: Path):
    root = shop_dist / "dist"
    trace = (SHOP / "traces" / "esbuild" / "restock.txt").read_text()
    out = Symbolicator(Artifacts([root / "esbuild-nosrc"])).symbolicate(trace)
    ours = [f for f in out.frames if f.resolved]
    assert ours and all(f.error is None and f.context_line for f in ours)
    assert [f.function_source for f in ours] == ["original"] * 3 + ["anonymous"] + ["original"] * 3
    assert ours[0].abs_path == str(shop_dist / "src" / "util.mjs")
    assert [f.function for f in ours[:3]] == ["assertValid", "Warehouse.checkCount",
                                               "Warehouse.receive"]


def test_cache_files_are_used_when_fresh(shop_dist: Path):
    root = shop_dist / "dist"
    mp = root / "esbuild" / "app.min.js.map"
    View.from_path(mp).write_cache(str(mp) + ".lsmcache")
    trace = (SHOP / "traces" / "esbuild" / "discount.txt").read_text()
    arts = Artifacts([root])
    with_cache = Symbolicator(arts).symbolicate(trace)
    assert arts.map_for(root / "esbuild" / "app.min.js").from_cache
    plain = Symbolicator(Artifacts([root], use_cache_files=False)).symbolicate(trace)
    assert with_cache.to_dict() == plain.to_dict()
    # a stale cache (older than its map) is ignored
    os.utime(str(mp) + ".lsmcache", (1, 1))
    arts = Artifacts([root])
    Symbolicator(arts).symbolicate(trace)
    assert not arts.map_for(root / "esbuild" / "app.min.js").from_cache
    # a corrupt one too
    Path(str(mp) + ".lsmcache").write_bytes(b"garbage")
    arts = Artifacts([root])
    out = Symbolicator(arts).symbolicate(trace)
    assert not arts.map_for(root / "esbuild" / "app.min.js").from_cache
    assert out.to_dict() == plain.to_dict()


def test_each_map_is_loaded_once():
    arts = Artifacts([SHOP / "dist"])
    sym = Symbolicator(arts)
    for trace in sorted((SHOP / "traces").glob("*/*.txt")):
        sym.symbolicate(trace.read_text())
    # esbuild and terser maps (the original traces point at src/, no maps)
    assert arts.maps_loaded == 2


def test_threads_agree():
    trace = (SHOP / "traces" / "terser" / "restock.txt").read_text()
    sym = Symbolicator(Artifacts([SHOP / "dist"]))
    want = json.dumps(Symbolicator(Artifacts([SHOP / "dist"])).symbolicate(trace).to_dict())
    results: List[str] = []

    def work():
        for _ in range(20):
            results.append(json.dumps(sym.symbolicate(trace).to_dict()))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 80 and all(r == want for r in results)


def test_result_shape():
    out = Symbolicator(Artifacts([SHOP / "dist"])).symbolicate(
        (SHOP / "traces" / "esbuild" / "coupon.txt").read_text()).to_dict()
    assert out["message"].startswith("Error: coupon WELCOME")
    for f in out["frames"]:
        assert set(f) >= {"filename", "lineno", "colno", "function", "context_line",
                          "pre_context", "post_context", "error", "raw"}
        assert isinstance(f["pre_context"], list) and isinstance(f["post_context"], list)
        assert f["raw"].startswith("at ")
    assert out["summary"]["frames"] == len(out["frames"])
    first = out["frames"][0]
    assert (first["filename"], first["lineno"], first["colno"], first["function"]) == (
        "../../src/pricing.mjs", 17, 11, "redeemCoupon")
    assert len(first["pre_context"]) == 5 and len(first["post_context"]) == 5


def test_frame_without_column_uses_the_lines_first_mapping():
    out = Symbolicator(Artifacts([SHOP / "dist"])).symbolicate_frame(
        Frame(filename="http://x/esbuild/app.min.js", lineno=1, colno=None, raw="x"))
    # The line's first mapping is at generated column 7 (1-based; "var "
    # and "(()=>{" are unmapped), which maps to errors.mjs 3:8, the name
    # of `export class ShopError`, a class, named as its constructor.
    first = View.from_path(SHOP / "dist" / "esbuild" / "app.min.js.map")[0]
    assert (first.dst_line, first.dst_col, first.src, first.src_line, first.src_col) == (
        0, 6, "../../src/errors.mjs", 2, 7)
    assert out.resolved and out.error is None
    assert (out.filename, out.lineno, out.colno) == ("../../src/errors.mjs", 3, 8)
    assert (out.function, out.function_source) == ("new ShopError", "original")
    assert out.context_line == "export class ShopError extends Error {"
    assert out.generated["colno"] is None


def test_explain_steps():
    sym = Symbolicator(Artifacts([SHOP / "dist"]))
    js = esbuild_js()
    line, col = position_of(js, "throw new RangeError")
    out, steps = sym.explain("at b (http://x/esbuild/app.min.js:%d:%d)" % (line, col))
    assert out.function == "applyPercent"
    names = [s.step for s in steps]
    assert names[:3] == ["parse frame", "find generated file", "read generated file"]
    assert "look up" in names and "function name" in names and all(s.ok for s in steps[:3])
    out, steps = sym.explain("http://x/nope.js:1:2")
    assert out.error == "file_not_found" and not steps[-1].ok


# ------------------------------------------------------------ bad input


def test_never_raises_on_bad_input(tmp_path: Path):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "app.js").write_bytes(b"\xff\xfe\x00//# sourceMappingURL=app.js.map\n")
    (junk / "app.js.map").write_bytes(b"\x00not json")
    (junk / "b.js").write_text("x()\n//# sourceMappingURL=data:application/json;base64,!!!")
    (junk / "c.js").write_text("x()\n//# sourceMappingURL=data:text/plain,{}")
    (junk / "d.js").write_text("x()\n//# sourceMappingURL=../../../../etc/passwd")
    (junk / "e.js").write_text("x()\n//# sourceMappingURL=e.js.map")
    (junk / "e.js.map").write_text('{"version":3,"sections":[]}')
    sym = Symbolicator(Artifacts([junk, tmp_path / "missing-dir"]))
    rng = random.Random(7)
    urls = ["http://x/app.js", "b.js", "c.js", "d.js", "e.js", "", ":", "\x00", "a" * 5000,
            "http://[::1/x.js", "file:///", "C:", "\\\\server\\share\\app.js"]
    for url in urls:
        for line, col in [(1, 1), (0, 0), (2**40, 2**40), (1, None), (-5, 3)]:
            out = sym.symbolicate_frame(Frame(filename=url, lineno=line, colno=col, raw=url))
            assert out.error in ERRORS or out.resolved
    # a malformed URL is just not found (not an exception, not "map_invalid")
    out = sym.symbolicate_frame(Frame(filename="http://[::1/x.js", lineno=1, colno=1, raw=""))
    assert out.error == "file_not_found"
    assert url_path_parts("http://[::1/x.js") == ["x.js"]
    alphabet = "at @():/\\.\n 0123456789abcjsmap{}[]\"'"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        for f in sym.symbolicate(text).frames:
            assert f.error in ERRORS or f.resolved


# ------------------------------------------------------------ C helpers


def test_debug_id_index_reads_only_the_top_level(shop_dist: Path):
    """A map that has a debug ID only below its top level (here in an
    extension object) is not that map: the index once searched the raw
    bytes and picked it."""
    js = esbuild_js()
    line, col = position_of(js, "throw new RangeError")
    root = shop_dist / "dist"
    gen = root / "esbuild" / "app.min.js"
    mp = root / "esbuild" / "app.min.js.map"
    did = "85314830-023F-4CF1-A267-535F4E37BB17"
    real = json.loads(mp.read_text())
    real["debugId"] = did.lower()
    mp.unlink()
    (root / "maps").mkdir()
    decoy = {
        "version": 3,
        "sources": ["notes.md"],
        "names": [],
        "x_bundle": {"debugId": did},
        "mappings": "AAAA",
    }
    (root / "maps" / "a-decoy.map").write_text(json.dumps(decoy))
    (root / "maps" / "b-real.map").write_text(json.dumps(real))
    gen.write_text(js.replace("//# sourceMappingURL=app.min.js.map", "//# debugId=" + did))
    arts = Artifacts([root])
    out = Symbolicator(arts).symbolicate_frame(frame("http://x/esbuild/app.min.js", line, col))
    ref = arts.map_for(gen)
    assert ref.how == "debug_id"
    assert ref.map_path == root / "maps" / "b-real.map"
    assert (out.function, out.lineno, out.resolved) == ("applyPercent", 9, True)


def test_map_debug_id():
    assert map_debug_id(b'{"version":3,"debugId":"AbC-1","mappings":""}') == "AbC-1"
    assert map_debug_id('{"debug_id":"legacy"}') == "legacy"
    assert map_debug_id('{"debug_id":"old","debugId":"new"}') == "new"
    assert map_debug_id('{"x":{"debugId":"nested"},"sourcesContent":["\\"debugId\\""]}') is None
    # escapes: read by parsing the map
    assert map_debug_id(
        '{"version":3,"sources":[],"names":[],"mappings":"","debugId":"a\\u0062c"}'
    ) == "abc"
    with pytest.raises(SourceMapError) as info:
        map_debug_id(b"[1]")
    assert info.value.error_name == "LSM_ERR_NOT_AN_OBJECT"


def test_source_mapping_url_and_debug_id():
    assert source_mapping_url("x()\n//# sourceMappingURL=a.map\n") == "a.map"
    assert source_mapping_url(b"x()\n/*# sourceMappingURL=b.map */") == "b.map"
    assert source_mapping_url("//# sourceMappingURL=a.map\nx()") is None
    assert debug_id("x()\n//# debugId=ABC-def\n") == "ABC-def"
    assert debug_id("x()") is None
    assert normalize_debug_id("{85314830-023F-4CF1-A267-535F4E37BB17}") == \
        "85314830023f4cf1a267535f4e37bb17"


def test_decode_data_url():
    assert decode_data_url("data:application/json;base64,e30=") == b"{}"
    assert decode_data_url("data:application/json,%7B%7D") == b"{}"
    with pytest.raises(SourceMapError) as exc:
        decode_data_url("data:text/plain,{}")
    assert exc.value.error_name == "LSM_ERR_BAD_DATA_URL"


def test_scopes_from_python():
    s = Scopes("class A { m() { return () => 1; } }\nfunction f() {}")
    assert [sc.name for sc in s] == ["new A", "A.m", None, "f"]
    sc = s.at(0, 25)
    assert sc.name is None and s[sc.parent].name == "A.m"
    assert s.at(1, 0).name == "f" and s.at(5, 0) is None
    assert len(Scopes("const f = <T>(x: T) => x;", jsx=False)) == 1


def test_get_original_function_name_in_c():
    """The C call libsourcemap 0.8's View.get_original_function_name maps to."""
    js = esbuild_js().encode()
    view = View.from_path(SHOP / "dist" / "esbuild" / "app.min.js.map")
    line, col = position_of(esbuild_js(), "throw new RangeError")
    buf = ffi.new("char[]", 256)
    n = ffi.new("size_t *")
    err = ffi.new("lsm_error_t *")
    # `b` is applyPercent's minified name in this build
    rc = lib.lsm_view_get_original_function_name(view._get_ptr(), line - 1, col - 1, b"b", 1,
                                                 js, len(js), buf, 256, n, err)
    assert rc == 1 and ffi.unpack(buf, n[0]) == b"applyPercent"
    rc = lib.lsm_view_get_original_function_name(view._get_ptr(), line - 1, col - 1, b"zz", 2,
                                                 js, len(js), buf, 256, n, err)
    assert rc == 0


def test_get_original_function_name_helper():
    """What View.get_original_function_name (0.8's API) calls: unlike 0.8's
    token walk it knows scopes, so it also finds async functions, methods
    and functions far from the frame."""
    js = esbuild_js()
    view = View.from_path(SHOP / "dist" / "esbuild" / "app.min.js.map")
    line, col = position_of(js, "throw new RangeError")
    assert get_original_function_name(view, line - 1, col - 1, "b", js) == "applyPercent"
    assert get_original_function_name(view, line - 1, col - 1, "b", js.encode()) == "applyPercent"
    assert get_original_function_name(view, line - 1, col - 1, "nope", js) is None
    assert get_original_function_name(view, -1, col - 1, "b", js) is None
    assert get_original_function_name(view, line - 1, -1, "b", js) is None
    # a method called through a minified receiver: the last component counts
    line, col = position_of(js, "this.#t.push(new")  # Cart.add's body
    assert get_original_function_name(view, line - 1, col - 1, "t.add", js) == "add"
    # an async function (0.8 could not see past `async`)
    line, col = position_of(js, "for(let n=1;")
    assert get_original_function_name(view, line - 1, col - 1, "E", js) == "chargeWithRetry"
