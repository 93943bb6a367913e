"""Cache files carry the decoded ECMA-426 scopes (optional section 34,
docs/cache-format.md): a view opened from a cache answers every scopes
question as the JSON view does, symbolication through a cache file names
the same frames, and a damaged section is refused as corrupt."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from libsourcemap.exceptions import SourceMapError
from libsourcemap.scopes import GeneratedRange, OriginalScope
from libsourcemap.stacktrace import parse_stacktrace
from libsourcemap.symbolicate import Artifacts, Symbolicator
from libsourcemap.view import View

SCOPES = Path(__file__).resolve().parent.parent / "fixtures" / "scopes"
PRODUCED = SCOPES / "produced"

FILES = [
    "hidden.map",
    "proposal_single.map",
    "proposal_split.map",
    "split_multi.map",
    "produced/app.plain.js.map",
    "produced/app.min.js.map",
]

HEADER = 64
ENTRY = 24
FLAG_SCOPES = 32


def _load(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((SCOPES / name).read_text())
    return data


def _index_map() -> bytes:
    filler = {"version": 3, "sources": ["filler.js"], "names": ["q"], "mappings": "AAAAA"}
    placed = [(filler, 0, 0), (_load("proposal_single.map"), 0, 7),
              (_load("produced/app.plain.js.map"), 9, 0), (_load("split_multi.map"), 30, 3)]
    return json.dumps({"version": 3, "sections": [
        {"offset": {"line": line, "column": col}, "map": m} for m, line, col in placed
    ]}).encode()


def _bad_ranges() -> bytes:
    m = _load("proposal_single.map")
    m["scopes"] += ",F"  # a range end without its column: the ranges are dropped
    return json.dumps(m).encode()


def _open(name: str) -> View:
    if name == "index":
        return View.from_json(_index_map(), allow_index=True)
    if name == "bad_ranges":
        return View.from_json(_bad_ranges())
    return View.from_json((SCOPES / name).read_bytes())


def _scope_key(s: OriginalScope) -> Tuple[Any, ...]:
    return (s.index, s.source_index, tuple(s.start), tuple(s.end), s.name, s.kind,
            s.is_stack_frame, s.variables, s.parent.index if s.parent else None,
            [_scope_key(c) for c in s.children])


def _range_key(r: GeneratedRange) -> Tuple[Any, ...]:
    return (r.index, tuple(r.start), tuple(r.end), r.definition_index,
            r.definition.index if r.definition else None, r.stack_frame_type, r.bindings,
            r.call_site, r.parent.index if r.parent else None, [_range_key(c) for c in r.children])


def _everything(view: View) -> Tuple[Any, ...]:
    scopes = [[_scope_key(s) for s in trees] for trees in view.original_scopes]
    ranges = [_range_key(r) for r in view.generated_ranges]
    frames = []
    for tok in view:
        frames.append(view.scope_frames(tok.dst_line, tok.dst_col))
        frames.append(view.scope_frames(tok.dst_line, tok.dst_col + 1))
    for line in range(12):  # and a grid, for maps with few tokens
        for col in range(40):
            frames.append(view.scope_frames(line, col))
    return scopes, ranges, frames, view.scopes_warning


@pytest.mark.parametrize("name", FILES + ["index", "bad_ranges"])
def test_cache_answers_scopes_as_the_json(name: str) -> None:
    with _open(name) as js:
        want = _everything(js)
        data = js.dump_cache()
        data3 = js.dump_cache(frames=True)
    assert want[0] and (any(want[2]) or name == "bad_ranges")
    for blob in (data, data3):
        with View.from_cache(blob) as cached:
            assert _everything(cached) == want
            # a cache of the cache is the same file
            assert cached.dump_cache(frames=blob is data3) == blob


def test_counts_of_each_fixture() -> None:
    got = {}
    for name in FILES + ["index", "bad_ranges"]:
        with _open(name) as js, View.from_cache(js.dump_cache()) as cached:
            scopes, ranges, frames, warning = _everything(cached)
            got[name] = (sum(len(t) for t in scopes), len(ranges),
                         sum(1 for f in frames if f), warning is not None)
    # the same numbers the JSON views give (checked equal above)
    with _open("bad_ranges") as js:
        assert js.scopes_warning is not None and js.generated_ranges == []
    assert got["bad_ranges"][1:] == (0, 0, True)
    assert got["proposal_single.map"][3] is False


def test_cache_without_names_keeps_no_scopes() -> None:
    # scopes are mostly names: a cache without names keeps none of them
    with _open("proposal_single.map") as js:
        data = js.dump_cache(with_names=False)
    assert struct.unpack_from("<I", data, 16)[0] & FLAG_SCOPES == 0
    with View.from_cache(data) as cached:
        assert cached.original_scopes == [[]]
        assert cached.generated_ranges == []
        assert cached.scope_frames(5, 4) == []


def test_map_without_scopes_writes_no_section() -> None:
    m = _load("proposal_single.map")
    del m["scopes"]
    with View.from_json(json.dumps(m).encode()) as js:
        data = js.dump_cache()
    assert struct.unpack_from("<I", data, 16)[0] & FLAG_SCOPES == 0


# ------------------------------------------------------------ damaged files


def _section(data: bytes, want: int) -> Tuple[int, int]:
    count = struct.unpack_from("<I", data, 20)[0]
    for i in range(count):
        sid, _, off, size = struct.unpack_from("<IIQQ", data, HEADER + i * ENTRY)
        if sid == want:
            return off, size
    raise AssertionError("no section %d" % want)


def _patched(data: bytes, at: int, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into("<I", out, at, value)
    return bytes(out)


def _refused(data: bytes) -> str:
    with pytest.raises(SourceMapError) as info:
        View.from_cache(data)
    assert "corrupt" in str(info.value)
    return str(info.value)


def test_damaged_scopes_section_is_refused() -> None:
    with _open("produced/app.plain.js.map") as js:
        data = js.dump_cache()
    flags = struct.unpack_from("<I", data, 16)[0]
    assert flags & FLAG_SCOPES
    off, size = _section(data, 34)
    counts = struct.unpack_from("<8I", data, off)
    sources, nscopes, nranges, nvars, nbinds, nsubs = counts[:6]
    assert nscopes > 2 and nranges > 2
    scopes_at = off + 56 + 4 * sources
    ranges_at = scopes_at + 4 * 13 * nscopes
    vars_at = ranges_at + 4 * 14 * nranges
    no = 0xFFFFFFFF

    # every count that disagrees with the section's size
    assert "source count" in _refused(_patched(data, off, sources + 1))
    for k in range(1, 6):
        assert "size disagrees" in _refused(_patched(data, off + 4 * k, counts[k] + 1))
    # the flag without the section, and the section without its flag
    assert "section count" in _refused(_patched(data, 16, flags & ~FLAG_SCOPES))
    assert "unknown flags" in _refused(_patched(data, 16, flags | 128))
    count = struct.unpack_from("<I", data, 20)[0]
    last = HEADER + (count - 1) * ENTRY
    assert struct.unpack_from("<I", data, last)[0] == 34
    assert "unknown optional section" in _refused(_patched(data, last, 35))
    bad = {
        "source": (scopes_at, sources),
        "name": (scopes_at + 4 * 5, 10 ** 6),
        "var span": (scopes_at + 4 * 8, nvars + 1),
        "parent after": (scopes_at + 13 * 4 + 4 * 9, 1),
        "sibling before": (scopes_at + 13 * 4 * 2 + 4 * 10, 1),
        "subtree end": (scopes_at + 4 * 11, nscopes + 1),
        "frame flag": (scopes_at + 4 * 12, 2),
        "definition": (ranges_at + 4 * 4, nscopes),
        "call source": (ranges_at + 4 * 5, sources),
        "binding span": (ranges_at + 4 * 8, nbinds + 1),
        "range subtree": (ranges_at + 4 * 12, 0),
        "frame type": (ranges_at + 4 * 13, 3),
        "variable": (vars_at, no - 1) if nvars else (ranges_at + 4 * 11, 0),
        "warning": (off + 4 * 7, 3),
    }
    for what, (at, value) in bad.items():
        assert "scopes section" in _refused(_patched(data, at, value)), what
    # every truncation of the section (and so of the file) is refused
    for cut in (1, 4, size // 2, size):
        trimmed = data[:off + size - cut]
        with pytest.raises(SourceMapError):
            View.from_cache(trimmed)


# ------------------------------------------------------------ symbolication


def test_symbolicator_gives_the_same_frames_through_a_cache_file(tmp_path: Path) -> None:
    stacks = json.loads((PRODUCED / "app.min.stacks.json").read_text())
    stacks += json.loads((PRODUCED / "app.plain.stacks.json").read_text())
    plain = tmp_path / "plain"
    cached = tmp_path / "cached"
    for d in (plain, cached):
        d.mkdir()
        for name in ("app.min.js", "app.min.js.map", "app.plain.js", "app.plain.js.map"):
            shutil.copy(PRODUCED / name, d / name)
    for name in ("app.min.js.map", "app.plain.js.map"):
        with View.from_path(str(cached / name)) as v:
            v.write_cache(str(cached / (name + ".lsmcache")))

    def run(folder: Path) -> List[List[Tuple[Any, ...]]]:
        sym = Symbolicator(Artifacts([folder]), use_scanner=False)
        out = []
        for stack in stacks:
            res = sym.symbolicate(parse_stacktrace(stack))
            out.append([(f.filename, f.lineno, f.colno, f.function, f.function_source)
                        for f in res.frames])
        return out

    want = run(plain)
    assert sum(1 for s in want for f in s if f[4] == "scopes") > 4
    assert run(cached) == want
