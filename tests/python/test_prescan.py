"""The generated file scanned on another thread while its map loads
(symbolication/prescan.py) names every frame as the namer that scans the
file itself, and is not started when a cache file may answer."""

import shutil
import threading
from pathlib import Path
from typing import Any, List, Optional

import pytest

from libsourcemap import Artifacts, Frame, Symbolicator, View
from libsourcemap.symbolication.prescan import Prescan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bundlers"
BUNDLES = [
    ("esbuild", "app.min.js"),
    ("esbuild", "app.js"),
    ("terser", "app.es.min.js"),
    ("terser", "app.esbuild.min.js"),
]


def frames_of(map_path: Path, name: str) -> List[Frame]:
    view = View.from_path(map_path, allow_index=True)
    try:
        return [
            Frame(function="f", filename="https://cdn.test/" + name, lineno=t.dst_line + 1,
                  colno=t.dst_col + 1, raw="at f")
            for t in view
        ]
    finally:
        view.close()


@pytest.mark.parametrize("folder,name", BUNDLES)
def test_prescanned_frames_equal_scanned_ones(folder: str, name: str, tmp_path: Path) -> None:
    shutil.copyfile(FIXTURES / folder / name, tmp_path / name)
    shutil.copyfile(FIXTURES / folder / (name + ".map"), tmp_path / (name + ".map"))
    frames = frames_of(tmp_path / (name + ".map"), name)
    assert frames

    plain = Symbolicator(Artifacts([tmp_path], use_cache_files=False))
    plain.PRESCAN_BYTES = 1 << 62  # never
    want = [plain.symbolicate_frame(f).to_dict() for f in frames]
    assert not plain._prescans

    pre = Symbolicator(Artifacts([tmp_path], use_cache_files=False))
    pre.PRESCAN_BYTES = 0  # always
    started: List[Prescan] = []
    pre._start_prescan = (  # type: ignore[method-assign]
        lambda g, orig=pre._start_prescan: (orig(g), started.extend(pre._prescans.values()))[0]
    )
    got = [pre.symbolicate_frame(f).to_dict() for f in frames]
    assert len(started) == 1  # one scan, taken by the namer
    assert not pre._prescans
    assert got == want
    assert sum(1 for d in got if d["function_source"] in ("original", "generated")) > 0


def test_no_prescan_when_a_cache_file_may_answer(tmp_path: Path) -> None:
    name = "app.min.js"
    shutil.copyfile(FIXTURES / "esbuild" / name, tmp_path / name)
    shutil.copyfile(FIXTURES / "esbuild" / (name + ".map"), tmp_path / (name + ".map"))
    view = View.from_path(tmp_path / (name + ".map"))
    view.write_cache(tmp_path / (name + ".map.lsmcache"), minified=(tmp_path / name).read_bytes())
    view.close()
    sym = Symbolicator(Artifacts([tmp_path]))
    sym.PRESCAN_BYTES = 0
    frames = frames_of(tmp_path / (name + ".map"), name)
    out = sym.symbolicate_frame(frames[0])
    assert out.resolved
    assert not sym._prescans
    assert sym.artifacts.may_load_cache_files()
    assert not Artifacts([tmp_path], use_cache_files=False).may_load_cache_files()


def test_unreadable_file_falls_back(tmp_path: Path) -> None:
    pre = Prescan(lambda: None)
    view = View.from_path(FIXTURES / "esbuild" / "app.min.js.map")
    assert pre.namer(view) is None
    ok = Prescan(lambda: (FIXTURES / "esbuild" / "app.min.js").read_bytes())
    namer = ok.namer(view)
    assert namer is not None
    assert ok.namer(view) is None  # taken once


def test_the_prescan_reads_while_the_map_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The prescan's read of the generated file does not wait for the map's
    parse, which runs under the artifacts' lock (files read have a lock of
    their own): the parse here waits until that read is done."""
    folder, name = "esbuild", "app.min.js"
    shutil.copyfile(FIXTURES / folder / name, tmp_path / name)
    shutil.copyfile(FIXTURES / folder / (name + ".map"), tmp_path / (name + ".map"))
    frames = frames_of(tmp_path / (name + ".map"), name)
    want = Symbolicator(Artifacts([tmp_path], use_cache_files=False)).symbolicate_frame(frames[0])

    arts = Artifacts([tmp_path], use_cache_files=False)
    loading = threading.Event()
    read_done = threading.Event()
    plain_read = arts.read

    def read(path: Path) -> Optional[bytes]:
        prescan = threading.current_thread().name == "libsourcemap-prescan"
        if prescan:
            loading.wait(60)  # the read starts once the parse has begun
        data = plain_read(path)
        if prescan:
            read_done.set()
        return data

    monkeypatch.setattr(arts, "read", read)
    waited: List[bool] = []
    plain_from_path = View.from_path

    def from_path(path: Any, **kw: Any) -> View:
        loading.set()
        # A guard against a deadlock, not a clock: a read that waits for
        # the parse leaves this waiting the whole minute, and False.
        waited.append(read_done.wait(60))
        return plain_from_path(path, **kw)

    monkeypatch.setattr(View, "from_path", from_path)
    sym = Symbolicator(arts)
    sym.PRESCAN_BYTES = 0  # always
    got = sym.symbolicate_frame(frames[0])
    assert waited == [True]
    assert got.to_dict() == want.to_dict()
