"""Progress of long commands: tqdm's bar, our own bar, plain lines, and
nothing with --quiet; through the command line's cache and symbolicate."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Tuple

import pytest

from libsourcemap import cli
from libsourcemap.progress import Progress
from lsm_testutil import REPO

SHOP = REPO / "tests" / "e2e" / "apps" / "shop"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*argv: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    with Progress(20, stream, what="maps", label="cache") as p:
        for _ in range(20):
            p.update(1)
    lines = stream.getvalue().splitlines()
    # The first unit, then each further tenth, then nothing more.
    assert [l.split(" (")[0] for l in lines] == ["cache: 1/20 maps"] + [
        "cache: %d/20 maps" % n for n in range(2, 21, 2)
    ]
    assert lines[-1].startswith("cache: 20/20 maps (100%, ")


def test_own_bar_on_a_terminal_without_tqdm():
    stream = Terminal()
    with Progress(4, stream, mode="auto", use_tqdm=False) as p:
        for name in "abcd":
            p.update(1, name)
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n")
    assert "\r[" + "#" * 30 + "] 4/4 " in text
    assert "\r[" + "#" * 7 + "." * 23 + "] 1/4 " in text


def test_tqdm_bar_on_a_terminal():
    pytest.importorskip("tqdm")
    stream = Terminal()
    with Progress(3, stream, what="maps", label="cache") as p:
        assert p._tqdm is not None
        for _ in range(3):
            p.update(1, "x.map")
    text = stream.getvalue()
    assert "cache: 100%" in text and "3/3" in text


def test_off_writes_nothing():
    stream = Terminal()
    with Progress(3, stream, mode="off") as p:
        p.update(3)
    assert stream.getvalue() == "" and p.done == 3


def test_cache_command_progress(tmp_path: Path):
    dist = tmp_path / "dist"
    shutil.copytree(SHOP / "dist", dist)
    maps = sorted(str(p) for p in dist.glob("*/*.map"))
    code, out, err = run("cache", *maps)  # not a terminal: plain lines
    assert code == 0
    assert [l.split(" (")[0] for l in err.splitlines()] == [
        "cache: 1/3 maps", "cache: 2/3 maps", "cache: 3/3 maps"
    ]
    code, out, err = run("cache", *maps, "--force", "--quiet")
    assert code == 0 and err == "" and out == ""
    code, out, err = run("cache", *maps, "--no-progress")
    assert code == 0 and err == ""


def test_symbolicate_many_traces_command(tmp_path: Path):
    traces = SHOP / "traces" / "esbuild"
    files = sorted(traces.glob("*.txt"))
    code, out, err = run("symbolicate", str(traces), "-a", str(SHOP / "dist"), "--json",
                         "--workers", "2")
    data = json.loads(out)
    assert [t["trace"] for t in data["traces"]] == [str(f) for f in files]
    # Each equals the single-trace command's answer.
    for f, t in zip(files, data["traces"]):
        one = json.loads(run("symbolicate", str(f), "-a", str(SHOP / "dist"), "--json")[1])
        assert {k: v for k, v in t.items() if k != "trace"} == one
    assert data["summary"]["traces"] == len(files)
    assert data["summary"]["frames"] == sum(t["summary"]["frames"] for t in data["traces"])
    assert [l.split(" (")[0] for l in err.splitlines()][-1] == "symbolicate: %d/%d traces" % (
        len(files), len(files))
    code2, out2, err2 = run("symbolicate", *map(str, files), "-a", str(SHOP / "dist"), "-q")
    assert err2 == "" and [l[3:] for l in out2.splitlines() if l.startswith("== /")] == [
        str(f) for f in files
    ]
    assert code2 == code


def test_scheduler_needs_dask(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    code, _, err = run("symbolicate", str(SHOP / "traces" / "esbuild"), "-a",
                       str(SHOP / "dist"), "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and "libsourcemap[dask]" in err
