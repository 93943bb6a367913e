"""Debug-ID injection (``python -m libsourcemap inject``) and the other
writing verbs (compose, flatten, lookup --reverse).

The end-to-end check: bundles of the e2e apps are injected (with the
registration snippet, which shifts their maps by a line), still run in
Node, and their traces, symbolicated through the debug ID alone (the
sourceMappingURL comment removed, the map renamed elsewhere), give the same
frames as the traces of the untouched bundles symbolicated as usual.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from libsourcemap import View
from libsourcemap.cli import main
from libsourcemap.cli_write import debug_id_from_bytes
from libsourcemap.symbolicate import Artifacts, Symbolicator

REPO = Path(__file__).resolve().parents[2]
APPS = REPO / "tests" / "e2e" / "apps"
FIX = REPO / "tests" / "fixtures" / "bundlers"


def run_cli(*argv: str) -> Tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = main(list(argv), out, err)
    return rc, out.getvalue() + err.getvalue()


def node_trace(js: Path, scenario: str) -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (.ci/run's peers stage installs it)")
    proc = subprocess.run([node, str(js), scenario], capture_output=True, cwd=js.parent,
                          check=False, timeout=60)
    assert proc.returncode != 0, "the scenario should fail"
    return proc.stderr.decode("utf-8", "replace")


def frames(trace: str, artifacts: Path) -> List[Tuple[Any, ...]]:
    out = Symbolicator(Artifacts([artifacts])).symbolicate(trace)
    return [(f.filename, f.lineno, f.colno, f.function, f.resolved) for f in out.frames]


CASES = [(app, build, scenario)
         for app in ("shop", "pipeline")
         for build in ("esbuild", "terser")
         for scenario in [s for s in (APPS / app / "scenarios.txt").read_text().split("\n")
                          if s and not s.startswith("#")][:3]]


@pytest.mark.parametrize("app,build,scenario", CASES, ids=lambda c: str(c))
def test_injected_bundle_runs_and_symbolicates_by_debug_id(
        tmp_path: Path, app: str, build: str, scenario: str) -> None:
    dist = APPS / app / "dist" / build
    orig, inj = tmp_path / "orig", tmp_path / "inj"
    for d in (orig, inj):
        d.mkdir()
        for f in ("app.min.js", "app.min.js.map"):
            shutil.copy(dist / f, d / f)
    rc, text = run_cli("inject", str(inj), "--snippet")
    assert rc == 0, text
    js = (inj / "app.min.js").read_text()
    assert js.startswith(";(function(){") and "\n//# debugId=" in js

    want = frames(node_trace(orig / "app.min.js", scenario), orig)
    trace = node_trace(inj / "app.min.js", scenario)
    # Only the debug ID leads to the map.
    art = tmp_path / "art"
    (art / "js").mkdir(parents=True)
    (art / "elsewhere").mkdir()
    (art / "js" / "app.min.js").write_text(
        "\n".join(l for l in js.split("\n") if "sourceMappingURL" not in l))
    shutil.copy(inj / "app.min.js.map", art / "elsewhere" / "renamed.json.map")
    got = frames(trace.replace(str(inj), str(art / "js")), art)
    assert any(f[4] for f in want)
    # Frames that do not map (Node's own, the bundle's unmapped wrapper)
    # keep their generated position, one line lower after the snippet.
    def key(f: Tuple[Any, ...]) -> Tuple[Any, ...]:
        return f[1:] if f[4] else (f[3], False)
    assert [key(f) for f in got] == [key(f) for f in want]
    ref = Artifacts([art]).map_for(art / "js" / "app.min.js")
    assert ref.how == "debug_id"


def test_idempotent_and_dry_run(tmp_path: Path) -> None:
    for f in ("app.min.js", "app.min.js.map"):
        shutil.copy(APPS / "shop" / "dist" / "esbuild" / f, tmp_path / f)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    rc, text = run_cli("inject", str(tmp_path), "--snippet", "--dry-run")
    assert rc == 0 and "would inject" in text
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    run_cli("inject", str(tmp_path), "--snippet")
    once = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    rc, text = run_cli("inject", str(tmp_path), "--snippet")
    assert rc == 0 and "already injected" in text
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == once
    did = debug_id_from_bytes(before["app.min.js"])
    assert View.from_json(once["app.min.js.map"]).debug_id == did
    assert ("//# debugId=%s\n//# sourceMappingURL=app.min.js.map" % did) in once["app.min.js"].decode()


@pytest.mark.parametrize("first_line,at", [("", 0), ("#!/usr/bin/env node", 1),
                                            ('"use strict";', 1)])
def test_shift_keeps_every_position(tmp_path: Path, first_line: str, at: int) -> None:
    """Regular and index maps: after the snippet line, every token is one
    generated line lower from `at` on, and maps to the same place."""
    for name in ("esbuild/app.min.js", "index-map/combined.js"):
        src = FIX / name
        js = src.read_text()
        if first_line:
            js = first_line + "\n" + js
        (tmp_path / "a.js").write_text(js)
        doc = json.loads((FIX / (name + ".map")).read_text())
        if first_line:  # the original map, adjusted for the added line
            if "sections" in doc:
                for s in doc["sections"]:
                    s["offset"]["line"] += 1
            else:
                doc["mappings"] = ";" + doc["mappings"]
        (tmp_path / "a.js.map").write_text(json.dumps(doc))
        before = View.from_json(json.dumps(doc), allow_index=True)
        rc, text = run_cli("inject", str(tmp_path / "a.js"), "--snippet")
        assert rc == 0, text
        after = View.from_json((tmp_path / "a.js.map").read_bytes(), allow_index=True)
        assert after.is_index == before.is_index
        assert [(t.dst_line + (t.dst_line >= at), *t[1:]) for t in before] == list(after)
        lines = (tmp_path / "a.js").read_text().split("\n")
        assert lines[at].startswith(";(function(){try{")
        if first_line:
            assert lines[0] == first_line


def test_skips_files_without_maps(tmp_path: Path) -> None:
    (tmp_path / "x.js").write_text("console.log(1)\n")
    rc, text = run_cli("inject", str(tmp_path))
    assert rc == 1 and "skipped" in text
    assert (tmp_path / "x.js").read_text() == "console.log(1)\n"
    rc, text = run_cli("inject", str(tmp_path / "missing"))
    assert rc == 2


def test_flatten_compose_and_reverse_lookup(tmp_path: Path) -> None:
    out = tmp_path / "flat.map"
    rc, _ = run_cli("flatten", str(FIX / "index-map" / "combined.js.map"), "-o", str(out))
    assert rc == 0
    index = View.from_path(FIX / "index-map" / "combined.js.map", allow_index=True)
    assert list(View.from_path(out)) == list(index)

    # compose: a map of a.js shifted one line (intermediate), then the
    # fixture's map of a.js.
    outer = tmp_path / "out.js.map"
    outer.write_text(json.dumps({"version": 3, "sources": ["app.min.js"], "names": [],
                                 "mappings": ";AAAA,UAAU"}))
    rc, text = run_cli("compose", str(outer), str(FIX / "esbuild" / "app.min.js.map"))
    assert rc == 0, text
    composed = View.from_json(text)
    inner = View.from_path(FIX / "esbuild" / "app.min.js.map")
    want = [inner.lookup_token(0, c, rule="same_line") for c in (0, 10)]
    assert [tuple(t)[2:] for t in composed] == [tuple(t)[2:] for t in want if t is not None]

    rc, text = run_cli("lookup", str(FIX / "esbuild" / "app.min.js.map"), "--reverse", "0",
                       "4", "4:3", "--json")
    assert rc == 0, text
    res = json.loads(text)
    view = inner
    assert res[0]["generated"] == [{"line": t.dst_line + 1, "column": t.dst_col + 1,
                                    "name": t.name}
                                   for t in view.all_generated_positions_for(0, 3)]
    assert res[1]["generated"] == [{"line": t.dst_line + 1, "column": t.dst_col + 1,
                                    "name": t.name}
                                   for t in view.all_generated_positions_for(0, 3, 2)]
    rc, text = run_cli("lookup", str(FIX / "esbuild" / "app.min.js.map"), "--reverse",
                       "nope.js", "1")
    assert rc == 2 and "nope.js" in text


def test_xssi_prefixed_map_and_non_utf8_file(tmp_path: Path) -> None:
    src = FIX / "esbuild" / "app.min.js"
    shutil.copy(src, tmp_path / "app.min.js")
    (tmp_path / "app.min.js.map").write_bytes(
        b"\xef\xbb\xbf)]}'\n" + (FIX / "esbuild" / "app.min.js.map").read_bytes())
    (tmp_path / "latin1.js").write_bytes(b"var s = '\xe9';\n")
    (tmp_path / "latin1.js.map").write_bytes((FIX / "esbuild" / "app.min.js.map").read_bytes())
    rc, text = run_cli("inject", str(tmp_path))
    assert rc == 0, text
    assert "latin1.js: skipped, not UTF-8" in text
    after = View.from_path(tmp_path / "app.min.js.map")
    assert after.debug_id == debug_id_from_bytes(src.read_bytes())
    assert list(after) == list(View.from_path(FIX / "esbuild" / "app.min.js.map"))
