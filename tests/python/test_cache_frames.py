"""Version 3 cache files and the frame path (lsm_js_frame_resolve,
lsm_view_source_context): the same trace symbolicated from the map, from
a version 3, a version 2 and a version 1 cache gives the same frames, over
every bundler fixture and the end-to-end apps; damaged frame sections give
a specific error or a frame marked unresolved with the reason; context
lines equal the one line splitter's and trim as Sentry's trim_line does."""

from __future__ import annotations

import random
import shutil
import struct
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from libsourcemap import Artifacts, Frame, Symbolicator, View
from libsourcemap._text import split_lines
from libsourcemap.errors import CacheError, CacheFramesError
from libsourcemap.js import Namer
from libsourcemap.symbolication.artifacts import cache_path
from libsourcemap.symbolication.frames import FrameData
from libsourcemap.symbolication.results import ERRORS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "bundlers"
APPS = REPO / "tests" / "e2e" / "apps"


def _pairs() -> List[Tuple[Path, Path]]:
    """(generated file, its map) of every fixture whose map has sources."""
    out = []
    for m in sorted(list(FIXTURES.rglob("*.map")) + list(APPS.rglob("*.map"))):
        js = m.with_name(m.name[:-4])
        if js.is_file() and View.from_path(m, allow_index=True).get_source_count():
            out.append((js, m))
    return out


PAIRS = _pairs()


def downgrade(cache: bytes, version: int) -> bytes:
    """A version 3 cache rewritten as an older version by the documented
    layout (docs/cache-format.md): the header and the first 11 (version
    2) or 10 (version 1) sections, then (version 2) the optional ones
    (ids above 31), which version 1 has none of."""
    count = struct.unpack_from("<I", cache, 20)[0]
    assert struct.unpack_from("<I", cache, 8)[0] == 3 and count >= 17
    keep = 11 if version == 2 else 10
    ids = list(range(1, keep + 1))
    if version == 2:
        ids += [struct.unpack_from("<I", cache, 64 + 24 * i)[0] for i in range(17, count)]
    sections = []
    for sid in ids:
        i = sid - 1 if sid <= keep else 17 + ids.index(sid) - keep
        _id, _zero, off, size = struct.unpack_from("<IIQQ", cache, 64 + 24 * i)
        assert _id == sid
        sections.append(cache[off : off + size])
    out = bytearray(cache[:64])
    struct.pack_into("<I", out, 8, version)
    struct.pack_into("<I", out, 20, len(ids))
    if version == 1:  # no optional sections: their flags (8 and up) go
        struct.pack_into("<I", out, 16, struct.unpack_from("<I", out, 16)[0] & 7)
    out += bytes(24 * len(ids))
    for i, (sid, data) in enumerate(zip(ids, sections)):
        out += bytes(-len(out) % 8)
        struct.pack_into("<IIQQ", out, 64 + 24 * i, sid, 0, len(out), len(data))
        out += data
    struct.pack_into("<Q", out, 24, len(out))
    return bytes(out)


def section(cache: bytes, sid: int) -> Tuple[int, int]:
    """(offset, size) of section `sid`."""
    _id, _zero, off, size = struct.unpack_from("<IIQQ", cache, 64 + 24 * (sid - 1))
    assert _id == sid
    return off, size


def frames_of(js: Path, view: View, n: int = 120, seed: int = 13) -> List[Frame]:
    """Frames at token positions, one column past them, and random
    columns, 1-based, named by the generated file."""
    rng = random.Random(seed)
    tokens = list(view)
    picks = rng.sample(tokens, min(n, len(tokens)))
    out = []
    for t in picks:
        for dcol in (0, 1, rng.randrange(0, 40)):
            line, col = t.dst_line + 1, t.dst_col + 1 + dcol
            out.append(Frame(function="f", filename="https://x.test/" + js.name, lineno=line,
                             colno=col, raw="at f (%s:%d:%d)" % (js.name, line, col)))
    return out


def symbolicate(folder: Path, frames: List[Frame], use_cache: bool) -> List[Dict[str, object]]:
    sym = Symbolicator(Artifacts([folder], use_cache_files=use_cache), context=3)
    return [f.to_dict() for f in sym.symbolicate(frames).frames]


@pytest.mark.parametrize("js,map_path", PAIRS, ids=[p[1].name for p in PAIRS])
def test_json_and_every_cache_version_give_the_same_frames(
    js: Path, map_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dist"
    folder.mkdir()
    shutil.copy(js, folder / js.name)
    shutil.copy(map_path, folder / map_path.name)
    for src in ("src", "ts"):  # sources on disk beside some fixtures
        if (map_path.parent / src).is_dir():
            shutil.copytree(map_path.parent / src, folder / src)
    m = folder / map_path.name
    view = View.from_path(m, allow_index=True)
    frames = frames_of(js, view)
    expected = symbolicate(folder, frames, use_cache=False)
    assert any(f["resolved"] for f in expected)

    v3 = view.dump_cache(minified=js.read_bytes())
    assert v3[8] == 3
    assert View.from_cache(v3).dump_cache() == view.dump_cache()  # sections 1-11 unchanged
    caches = {3: v3, 2: downgrade(v3, 2), 1: downgrade(v3, 1)}
    assert caches[2] == view.dump_cache()  # what version 2 writers wrote
    for version, data in caches.items():
        cache_path(m).write_bytes(data)
        got = symbolicate(folder, frames, use_cache=True)
        assert got == expected, "version %d" % version


@pytest.mark.parametrize("js,map_path", PAIRS[:4], ids=[p[1].name for p in PAIRS[:4]])
def test_frame_data_answers_every_position_alike(js: Path, map_path: Path) -> None:
    view = View.from_path(map_path, allow_index=True)
    text = js.read_bytes()
    live = FrameData(view, Namer(view, text))
    stored = FrameData(View.from_cache(view.dump_cache(minified=text)), None)
    assert stored.stored and not live.stored
    lines = text.split(b"\n")
    for line in range(len(lines)):
        for col in range(0, len(lines[line]) + 2, 3):
            assert stored.resolve(line, col) == live.resolve(line, col), (line, col)


def test_cache_without_the_generated_file_names_from_sources_content() -> None:
    js, m = PAIRS[0]
    view = View.from_path(m, allow_index=True)
    live = FrameData(view, Namer(view, None))
    stored = FrameData(View.from_cache(view.dump_cache(frames=True)), None)
    for t in list(view)[:300]:
        assert stored.resolve(t.dst_line, t.dst_col) == live.resolve(t.dst_line, t.dst_col)


def test_context_lines_are_the_line_splitters() -> None:
    for js, m in PAIRS:
        view = View.from_path(m, allow_index=True)
        json_fd = FrameData(view, None)
        cache_fd = FrameData(View.from_cache(view.dump_cache(frames=True)), None)
        for s in range(view.get_source_count()):
            contents = view.get_source_contents(s)
            for fd in (json_fd, cache_fd):
                if contents is None:
                    assert fd.context(s, 0, 0, 2) is None
                    continue
                lines = split_lines(contents.decode("utf-8", "replace"))
                for i in range(0, len(lines), 7):
                    assert fd.context(s, i, 0, 2) == (
                        lines[max(0, i - 2) : i], lines[i], lines[i + 1 : i + 3]
                    )
                assert fd.context(s, len(lines), 0, 2) is None


def sentry_trim(line: str, column: int = 0) -> str:
    """Sentry's trim_line as its documentation describes it: lines over
    150 characters keep 140, starting 60 before the column, snapped to an
    edge within 5 of it."""
    ll = len(line)
    if ll <= 150:
        return line
    column = min(column, ll)
    start = max(column - 60, 0)
    if start < 5:
        start = 0
    end = min(start + 140, ll)
    if end > ll - 5:
        end = ll
    if end == ll:
        start = max(end - 140, 0)
    out = line[start:end]
    if end < ll:
        out += " {snip}"
    if start > 0:
        out = "{snip} " + out
    return out


def test_trimmed_context_lines_match_sentry() -> None:
    rng = random.Random(5)
    lines = []
    for n in (10, 150, 151, 200, 400, 1000):
        lines.append("".join(rng.choice("abcdé€x ") for _ in range(n)))
    src = "\n".join(lines)
    import json as _json

    view = View.from_json(_json.dumps({
        "version": 3, "sources": ["a.js"], "sourcesContent": [src], "names": [],
        "mappings": "AAAA",
    }).encode())
    fd = FrameData(view, None)
    for i, line in enumerate(lines):
        for col in (0, 3, 64, 70, 140, 300, 900, 2000):
            pre, got, post = fd.context(0, i, col, 1, trim=True)  # type: ignore[misc]
            assert got == sentry_trim(line, col), (i, col)
            assert pre == [sentry_trim(x) for x in lines[max(0, i - 1) : i]]
            assert post == [sentry_trim(x) for x in lines[i + 1 : i + 2]]


def _damaged_outcomes(cache: bytes, frames: List[Frame], folder: Path, m: Path) -> List[str]:
    """Symbolicates `frames` with `cache` beside the map: the error codes."""
    cache_path(m).write_bytes(cache)
    sym = Symbolicator(Artifacts([folder]), context=2)
    out = []
    for f in sym.symbolicate(frames).frames:
        if f.error:
            assert f.error in ERRORS and f.error_message
        out.append(f.error or "ok")
    return out


def test_damaged_frame_sections_give_an_error_or_an_unresolved_frame(tmp_path: Path) -> None:
    js, m0 = PAIRS[0]
    folder = tmp_path / "dist"
    folder.mkdir()
    shutil.copy(js, folder / js.name)
    m = folder / m0.name
    shutil.copy(m0, m)
    view = View.from_path(m, allow_index=True)
    good = view.dump_cache(minified=js.read_bytes())
    frames = frames_of(js, view, n=15)
    for sid in range(12, 18):
        off, size = section(good, sid)
        # Truncated inside the section: refused at open, the map is used.
        with pytest.raises(CacheError):
            View.from_cache(good[: off + size // 2])
        if size == 0:
            continue
        for at in sorted({off, off + size // 3, off + size // 2, off + size - 1}):
            for value in (0x00, 0xFF, 0x7F):
                bad = bytearray(good)
                bad[at] = value
                try:
                    View.from_cache(bytes(bad))
                except CacheError:
                    continue
                _damaged_outcomes(bytes(bad), frames, folder, m)
    # A whole section of 0xFF: names and line tables out of range are
    # reported, specifically, on the frames that read them.
    for sid in (14, 16):
        off, size = section(good, sid)
        bad = bytearray(good)
        bad[off : off + size] = b"\xff" * size
        damaged = View.from_cache(bytes(bad))
        fd = FrameData(damaged, None)
        with pytest.raises(CacheFramesError):
            for t in damaged:
                fd.resolve(t.dst_line, t.dst_col)
                if t.src_id is not None:
                    fd.context(t.src_id, t.src_line or 0, 0, 1)
        codes = _damaged_outcomes(bytes(bad), frames, folder, m)
        assert "cache_corrupt" in codes


def test_the_tail_read_finds_what_the_whole_file_gives(tmp_path: Path) -> None:
    from libsourcemap.js import source_mapping_url
    from libsourcemap.symbolication.artifacts import TAIL_BYTES

    body = b"var a = 1;\n" * (TAIL_BYTES // 8)
    cases = {
        "plain.js": body + b"//# sourceMappingURL=plain.js.map\n",
        "code-after.js": body + b"//# sourceMappingURL=x.map\nvar b;\n",
        # the comment far before the tail, only comments and blanks after it
        "early.js": b"//# sourceMappingURL=early.js.map\n" + b"// c\n\n" * (TAIL_BYTES // 4),
        "early-code.js": body[:100] + b"//# sourceMappingURL=e.map\n" + b"// c\n" * TAIL_BYTES
        + b"x\n",
        "cr-only.js": body.replace(b"\n", b"\r") + b"//# sourceMappingURL=cr.js.map",
        "block.js": body + b"/*\n//# sourceMappingURL=inside.map\n*/\n",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    arts = Artifacts([tmp_path])
    for name, data in cases.items():
        ref = arts.map_for(tmp_path / name)
        assert ref.reference == source_mapping_url(data), name


def test_threads_share_one_symbolicator(tmp_path: Path) -> None:
    import threading

    js, m0 = PAIRS[0]
    folder = tmp_path / "dist"
    folder.mkdir()
    shutil.copy(js, folder / js.name)
    shutil.copy(m0, folder / m0.name)
    view = View.from_path(folder / m0.name, allow_index=True)
    frames = frames_of(js, view, n=60)
    expected = symbolicate(folder, frames, use_cache=False)
    view.write_cache(cache_path(folder / m0.name), minified=js.read_bytes())
    for use_cache in (False, True):
        sym = Symbolicator(Artifacts([folder], use_cache_files=use_cache), context=3)
        results: Dict[int, List[Dict[str, object]]] = {}

        def work(k: int) -> None:
            results[k] = [sym.symbolicate_frame(f).to_dict() for f in frames]

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(results[k] == expected for k in range(4)), use_cache


def test_cli_cache_writes_version_3_with_the_generated_file(tmp_path: Path) -> None:
    import io
    import json as _json

    from libsourcemap.cli import main

    js, m0 = PAIRS[0]
    shutil.copy(js, tmp_path / js.name)
    shutil.copy(m0, tmp_path / m0.name)
    lonely = tmp_path / "lonely.js.map"  # no generated file beside it
    shutil.copy(m0, lonely)
    out = io.StringIO()
    assert main(["cache", str(tmp_path / m0.name), str(lonely), "--json"], out, io.StringIO()) == 0
    entries = _json.loads(out.getvalue())
    assert [e["minified"] for e in entries] == [str(tmp_path / js.name), None]
    view = View.from_path(tmp_path / m0.name, allow_index=True)
    written = cache_path(tmp_path / m0.name).read_bytes()
    assert written == view.dump_cache(minified=js.read_bytes())
    assert cache_path(lonely).read_bytes() == view.dump_cache(frames=True)
