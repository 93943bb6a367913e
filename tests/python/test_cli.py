"""The command line: every subcommand, --help, --json and exit codes."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from libsourcemap import cli

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "tests" / "e2e" / "apps" / "shop"
ESBUILD_MAP = SHOP / "dist" / "esbuild" / "app.min.js.map"
ESBUILD_JS = SHOP / "dist" / "esbuild" / "app.min.js"


def run(*argv: str, stdin: str = "") -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = cli.main(list(argv), out=out, err=err)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


SUBCOMMANDS = ["symbolicate", "lookup", "info", "validate", "explain", "cache"]


@pytest.mark.parametrize("sub", SUBCOMMANDS + [None])
def test_help(sub, capsys):
    argv = [sub, "--help"] if sub else ["--help"]
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert "usage: libsourcemap" in text
    if sub is None:
        for s in SUBCOMMANDS:
            assert s in text


def test_usage_errors(capsys):
    assert cli.main([]) == 2
    assert cli.main(["nonsense"]) == 2
    assert run("symbolicate", "trace.txt")[0] == 2  # a trace needs --artifacts
    assert run("symbolicate", "-", "--artifacts", "/no/such/dir")[0] == 2
    assert run("symbolicate", "/no/such/trace", "--artifacts", str(SHOP / "dist"))[0] == 2
    assert run("lookup", str(ESBUILD_MAP), "1")[0] == 2
    assert run("lookup", str(ESBUILD_MAP), "0:0")[0] == 2  # 1-based
    assert run("info", "/no/such.map")[0] == 2
    assert run("validate", "/no/such.map")[0] == 2
    assert run("explain", "http://x/a.js:1:1")[0] == 2  # needs --artifacts


def test_symbolicate_bundled_example():
    code, out, err = run("symbolicate")
    assert code == 0
    assert "bundled example" in err
    assert out.startswith("TypeError: cannot format NaN as money")
    assert "at money.format (../src/invoice.mjs:6:13)" in out
    assert "at main (../src/app.mjs:11:15)" in out
    assert ">  6 |       throw new TypeError" in out


def test_symbolicate_json_follows_input_order():
    trace = (SHOP / "traces" / "esbuild" / "restock.txt").read_text()
    code, out, _ = run("symbolicate", "-", "--artifacts", str(SHOP / "dist"), "--json",
                       stdin=trace)
    assert code == 0
    data = json.loads(out)
    raws = [f["raw"] for f in data["frames"]]
    # (Node's " {" after the last frame of an error with properties is not the frame's)
    assert raws == [ln.strip().rstrip(" {") for ln in trace.splitlines()
                    if ln.startswith("    at ")]
    first = data["frames"][0]
    assert (first["filename"], first["lineno"], first["colno"], first["function"]) == (
        "../../src/util.mjs", 9, 11, "assertValid")
    assert first["error"] is None and first["context_line"].strip().startswith("throw")
    for f in data["frames"]:
        for key in ("filename", "lineno", "colno", "function", "context_line", "pre_context",
                    "post_context", "error", "raw"):
            assert key in f
    # Node's own frames are not in the artifacts: why is given
    assert {f["error"] for f in data["frames"] if not f["resolved"]} <= {
        "file_not_found", "no_location", "unmapped_position"}


def test_symbolicate_from_file_and_exit_status(tmp_path: Path):
    trace = tmp_path / "t.txt"
    trace.write_text((SHOP / "traces" / "terser" / "coupon.txt").read_text())
    code, out, _ = run("symbolicate", str(trace), "-a", str(SHOP / "dist"), "--no-context")
    assert code == 0 and "at redeemCoupon (../../src/pricing.mjs:17:11)" in out
    assert " | " not in out
    # artifacts without the maps: every frame fails for a reason of the artifacts
    bare = tmp_path / "bare" / "terser"
    bare.mkdir(parents=True)
    shutil.copy(SHOP / "dist" / "terser" / "app.min.js", bare)
    code, out, _ = run("symbolicate", str(trace), "-a", str(tmp_path / "bare"), "--json")
    assert code == 1
    assert {f["error"] for f in json.loads(out)["frames"]} >= {"map_not_found"}
    # nothing that looks like a trace
    trace.write_text("hello\n")
    assert run("symbolicate", str(trace), "-a", str(SHOP / "dist"))[0] == 2


def test_lookup():
    code, out, _ = run("lookup", str(ESBUILD_MAP), "1:900", "1:1")
    assert code == 1  # 1:1 is unmapped
    lines = out.splitlines()
    assert lines[0].startswith("1:900 -> ../../src/pricing.mjs:9:")
    assert lines[1] == "1:1 -> (unmapped)"
    code, out, _ = run("lookup", str(ESBUILD_MAP), "0:899", "--zero-based", "--json",
                       "--rule", "same_line")
    assert code == 0
    (r,) = json.loads(out)
    assert r["found"] and r["source"] == "../../src/pricing.mjs" and r["line"] == 8


def test_info(tmp_path: Path):
    code, out, _ = run("info", str(ESBUILD_MAP))
    assert code == 0 and "sources_with_contents: 7" in out and "[6] ../../src/main.mjs" in out
    code, out, _ = run("info", str(ESBUILD_MAP), "--json")
    data = json.loads(out)
    assert data["sources"] == 7 and data["tokens"] == 766 and data["index_map"] is False
    bad = tmp_path / "bad.map"
    bad.write_text("{")
    assert run("info", str(bad))[0] == 2


def test_validate(tmp_path: Path):
    code, out, _ = run("validate", str(ESBUILD_MAP), str(ESBUILD_JS))
    assert code == 0 and "valid" in out and "0 mappings outside it" in out
    # a generated file shorter than the map says
    short = tmp_path / "short.js"
    short.write_text("var x;\n")
    code, out, _ = run("validate", str(ESBUILD_MAP), str(short), "--json")
    data = json.loads(out)
    assert code == 1 and not data["valid"]
    # every mapping but the one at column 6 of line 1 (the end of "var x;"):
    # the bundle is one line of 766 mappings
    assert data["generated"]["mappings_outside"] == 765
    assert data["generated"]["lines"] == 2
    assert data["problems"][0]["error"] == "mapping_outside_generated"
    assert any("sourceMappingURL" in w for w in data["warnings"])
    # an invalid map: the library's error name and position
    bad = tmp_path / "bad.map"
    bad.write_text('{"version":3,"sources":[],"names":[],"mappings":"A!"}')
    code, out, _ = run("validate", str(bad), "--json")
    data = json.loads(out)
    assert code == 1 and data["problems"][0]["error"] == "LSM_ERR_VLQ_INVALID_DIGIT"
    assert data["problems"][0]["line"] == 0
    # a map without sourcesContent is valid, with a warning
    nosrc = SHOP / "dist" / "esbuild-nosrc" / "app.min.js.map"
    code, out, _ = run("validate", str(nosrc))
    assert code == 0 and "no sourcesContent" in out


def test_explain():
    code, out, _ = run("explain", "at t.total (file:///e2e/apps/shop/dist/terser/app.min.js:1:764)",
                       "--artifacts", str(SHOP / "dist"))
    assert code == 0
    assert "=> Cart.total (../../src/cart.mjs:44:18)" in out
    assert "[ok] sourceMappingURL" in out and "[ok] function name" in out
    code, out, _ = run("explain", "http://x/elsewhere.js:1:1", "-a", str(SHOP / "dist"), "--json")
    data = json.loads(out)
    assert code == 1 and data["frame"]["error"] == "file_not_found"
    assert data["steps"][-1]["ok"] is False


def test_cache(tmp_path: Path):
    dist = tmp_path / "dist"
    shutil.copytree(SHOP / "dist", dist)
    maps = sorted(str(p) for p in dist.glob("*/*.map"))
    code, out, err = run("cache", *maps, "--progress")
    assert code == 0 and out.count("written") == 3
    assert "3/3" in err  # the progress bar
    for m in maps:
        assert Path(m + ".lsmcache").is_file()
    code, out, _ = run("cache", *maps, "--json")
    assert code == 0 and {e["status"] for e in json.loads(out)} == {"up to date"}
    code, out, _ = run("cache", maps[0], "--force", "--no-contents", "-q")
    assert code == 0 and out == ""
    bad = tmp_path / "bad.map"
    bad.write_text("{")
    code, out, _ = run("cache", maps[0], str(bad))
    assert code == 1 and "failed" in out
    # the caches are used by symbolicate and give the same answer
    trace = (SHOP / "traces" / "esbuild" / "badItem.txt").read_text()
    with_cache = run("symbolicate", "-", "-a", str(dist), "--json", stdin=trace)[1]
    without = run("symbolicate", "-", "-a", str(dist), "--json", "--no-cache", stdin=trace)[1]
    strip = lambda s: [(f["filename"], f["lineno"], f["function"]) for f in json.loads(s)["frames"]]
    assert strip(with_cache) == strip(without)


def test_python_dash_m_and_broken_pipe():
    env = dict(os.environ)
    if os.environ.get("LIBSOURCEMAP_TEST_INSTALLED") != "1":
        env["PYTHONPATH"] = str(REPO / "python")
    proc = subprocess.run([sys.executable, "-m", "libsourcemap", "symbolicate", "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["frames"][0]["function"] == "money.format"
    # output cut short by the reader is not an error
    proc = subprocess.run(
        "%s -m libsourcemap symbolicate --json | head -c 10" % sys.executable,
        shell=True, capture_output=True, text=True, env=env, timeout=60)
    assert "Traceback" not in proc.stderr


def test_a_cache_is_told_by_its_bytes_not_its_name(tmp_path: Path):
    """The CLI asks the library (lsm_is_cache) whether a file is a cache;
    a cache named .map and a map named .lsmcache both work."""
    from libsourcemap import View

    cache_named_map = tmp_path / "looks-like.map"
    View.from_path(ESBUILD_MAP).write_cache(cache_named_map)
    map_named_cache = tmp_path / "looks-like.lsmcache"
    map_named_cache.write_bytes(ESBUILD_MAP.read_bytes())
    for path, cached in ((cache_named_map, True), (map_named_cache, False), (ESBUILD_MAP, False)):
        code, out, _ = run("info", str(path), "--json")
        assert code == 0
        data = json.loads(out)
        assert (data["sources"], data["tokens"]) == (7, 766)
        view = View.open(path)
        assert len(view) == 766
        assert view.dump_cache() == View.from_path(ESBUILD_MAP).dump_cache()
        assert (path.read_bytes()[:8] == cache_named_map.read_bytes()[:8]) == cached
