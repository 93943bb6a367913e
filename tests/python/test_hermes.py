"""React Native maps: Metro's function maps (x_facebook_sources) and Hermes'
function offsets, on fixtures the real producers made (tests/hermes:
metro-source-map, hermesc) against the answers of metro-symbolicate, React
Native's own consumer, recorded by tests/hermes/regenerate.js; and on
hand-written maps for the edges."""

import json
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest

from libsourcemap import View
from libsourcemap.errors import OutOfRangeError
from libsourcemap.stacktrace import parse_stacktrace
from libsourcemap.symbolication import Artifacts, Symbolicator

HERMES = Path(__file__).resolve().parents[1] / "hermes" / "out"
COMPOSED = HERMES / "index.android.bundle.composed.map"
EXPECTED: Dict[str, Any] = json.loads((HERMES / "expected.json").read_text())
FRAMES: List[Dict[str, Any]] = EXPECTED["frames"]


@pytest.fixture(scope="module")
def view() -> View:
    return View.from_path(COMPOSED)


def answer(view: View, line0: int, col0: int) -> Dict[str, Any]:
    """What we give for a generated position, in metro-symbolicate's shape
    (1-based line, 0-based column)."""
    token = view.lookup_token(line0, col0)
    if token is None:
        return {"source": None, "line": None, "column": None, "function_name": None}
    assert token.src_id is not None and token.src_line is not None
    assert token.src_col is not None
    return {
        "source": token.src,
        "line": token.src_line + 1,
        "column": token.src_col,
        "function_name": view.function_name_at(token.src_id, token.src_line, token.src_col),
    }


def test_fixture_is_what_hermes_and_metro_made(view: View) -> None:
    assert EXPECTED["producers"] == {
        "metro-source-map": "0.87.1",
        "metro-symbolicate": "0.87.1",
        "hermes-compiler": "260318099.0.8",
    }
    assert view.has_function_maps
    assert sorted(view.sources) == ["app/cart.js", "app/checkout.js", "app/index.js"]
    assert len(FRAMES) == 6


@pytest.mark.parametrize("i", range(len(FRAMES)))
def test_address_frames_match_metro_symbolicate(view: View, i: int) -> None:
    frame = FRAMES[i]
    want = {k: frame["expected"][k] for k in ("source", "line", "column", "function_name")}
    assert answer(view, frame["line"] - 1, frame["column"]) == want


@pytest.mark.parametrize("i", range(len(FRAMES)))
def test_bytecode_frames_match_metro_symbolicate(view: View, i: int) -> None:
    frame = FRAMES[i]
    pos = view.hermes_position(0, frame["function_id"], frame["bytecode_offset"])
    assert pos == (0, frame["column"])
    assert answer(view, *pos) == frame["expected_bytecode"]


def test_hermes_positions_of_unknown_functions(view: View) -> None:
    count = len(json.loads(COMPOSED.read_text())["x_hermes_function_offsets"]["0"])
    assert view.hermes_position(0, count, 0) is None
    assert view.hermes_position(1, 0, 0) is None
    assert view.hermes_position(0, -1, 0) is None
    assert view.hermes_position(0, 0, 2**32) is None
    assert view.hermes_position(0, 0, 0) == (0, 0)


def test_react_native_stack_trace_symbolicates(tmp_path: Path) -> None:
    # As an app ships it: the bytecode bundle, and its map beside it.
    shutil.copy(HERMES / "index.android.bundle.hbc", tmp_path / "index.android.bundle")
    shutil.copy(COMPOSED, tmp_path / "index.android.bundle.map")
    text = (HERMES / "stacktrace.txt").read_text()
    trace = parse_stacktrace(text)
    assert trace.message == "TypeError: no price for cake"
    out = Symbolicator(Artifacts([tmp_path])).symbolicate(trace)
    native = [parsed.is_native for parsed in trace.frames]
    js = [f for f, n in zip(out.frames, native) if not n]
    assert [f.function for f, n in zip(out.frames, native) if n] == ["reduce", "map"]
    assert len(js) == len(FRAMES)
    for got, frame in zip(js, FRAMES):
        want = frame["expected"]
        if want["source"] is None:  # Metro's prelude: nothing mapped
            assert not got.resolved
            assert got.function == "global"
            continue
        assert got.resolved
        assert got.filename == want["source"]
        assert (got.lineno, got.colno) == (want["line"], want["column"] + 1)
        assert got.function == want["function_name"]
        assert got.function_source == "function_map"
    # Original names from the function maps, where Hermes printed
    # "anonymous" or the name it inlined into.
    assert [f.function for f in js[:5]] == [
        "items.reduce$argument_0",
        "Cart#total",
        "map$argument_0",
        "module.exports.checkout.run",
        "onPress",
    ]


def test_hermes_address_frames_parse() -> None:
    trace = parse_stacktrace(
        "Error: x\n    at foo (address at /data/app/index.android.bundle:1:12345)\n"
        "    at anonymous (address at index.android.bundle:1:0)\n"
    )
    f0, f1 = trace.frames
    assert (f0.function, f0.filename, f0.lineno, f0.colno) == (
        "foo",
        "/data/app/index.android.bundle",
        1,
        12346,
    )
    assert (f1.filename, f1.lineno, f1.colno) == ("index.android.bundle", 1, 1)


# ------------------------------------------------------------- hand-written


def fb_map(**extra: Any) -> str:
    base = {"version": 3, "sources": ["a.js", "b.js"], "names": [], "mappings": "AAAA"}
    base.update(extra)
    return json.dumps(base)


def test_function_map_decoding_by_hand() -> None:
    # Entries (1-based line, column): <global> 1:0, foo 1:2, bar 2:4.
    fmap = {"names": ["<global>", "foo", "bar"], "mappings": "AAA,EC;ICC"}
    v = View.from_json(fb_map(x_facebook_sources=[[fmap], None]))
    assert v.has_function_maps
    got = [
        v.function_name_at(0, line, col)
        for line, col in [(0, 0), (0, 1), (0, 2), (0, 9), (1, 3), (1, 4), (7, 0)]
    ]
    assert got == ["<global>", "<global>", "foo", "foo", "foo", "bar", "bar"]
    assert v.function_name_at(1, 0, 0) is None  # source without a map
    assert v.function_name_at(0, -1, 0) is None
    with pytest.raises(OutOfRangeError):
        v.function_name_at(2, 0, 0)


@pytest.mark.parametrize(
    "fbs",
    [
        [[{"names": ["a"], "mappings": "AC"}]],  # name index past the names
        [[{"names": ["a"], "mappings": "A"}]],  # one field
        [[{"names": ["a"], "mappings": "AAAAA"}]],  # four fields
        [[{"names": ["a"], "mappings": "!"}]],  # not base64
        [[{"names": ["a"], "mappings": "AAD"}]],  # line 0
        [[{"names": [1], "mappings": "AAA"}]],  # a name that is not a string
        [[{"names": ["a"]}]],  # no mappings
        [[None]],
        [None, None],
        "x_facebook_sources is not an array",
        {"0": []},
    ],
)
def test_malformed_function_maps_are_left_out(fbs: Any) -> None:
    v = View.from_json(fb_map(x_facebook_sources=fbs))
    assert not v.has_function_maps
    assert v.function_name_at(0, 0, 0) is None
    assert v.lookup_token(0, 0) is not None  # the map itself is fine


def test_escaped_function_map_strings() -> None:
    text = fb_map(
        x_facebook_sources=[[{"names": ["caf\u00e9", "a\"b"], "mappings": "AAA,CC"}]]
    ).replace("AAA,CC", "\\u0041AA,CC")
    v = View.from_json(text)
    assert v.function_name_at(0, 0, 0) == "caf\u00e9"
    assert v.function_name_at(0, 0, 1) == 'a"b'


def test_index_maps_keep_function_maps_and_offsets() -> None:
    section = lambda src, name: {  # noqa: E731
        "version": 3,
        "sources": [src],
        "names": [],
        "mappings": "AAAA",
        "x_facebook_sources": [[{"names": [name], "mappings": "AAA"}]],
    }
    index = {
        "version": 3,
        "sections": [
            {"offset": {"line": 0, "column": 0}, "map": section("a.js", "fa")},
            {"offset": {"line": 1, "column": 0}, "map": section("b.js", "fb")},
        ],
        "x_hermes_function_offsets": {"0": [0, 10], "1": [3]},
    }
    v = View.from_json(json.dumps(index), allow_index=True)
    assert v.function_name_at(0, 5, 5) == "fa"
    assert v.function_name_at(1, 0, 0) == "fb"
    assert v.hermes_position(0, 1, 2) == (0, 12)
    assert v.hermes_position(1, 0, 0) == (1, 3)


def test_function_offsets_edges() -> None:
    v = View.from_json(
        fb_map(x_hermes_function_offsets={"0": [5, "x"], "2": [7], "2 ": [1], "01": [4]})
    )
    assert v.hermes_position(0, 0, 0) is None  # the segment with a string is left out
    assert v.hermes_position(2, 0, 1) == (2, 8)
    v = View.from_json(fb_map(x_hermes_function_offsets={"3": [1], "3x": [2]}))
    assert v.hermes_position(3, 0, 0) == (3, 1)
    assert not v.has_function_maps


def test_cache_files_keep_function_maps_and_offsets(view: View) -> None:
    data = view.dump_cache()
    cached = View.from_cache(data)
    assert cached.has_function_maps
    for frame in FRAMES:
        assert cached.hermes_position(0, frame["function_id"], frame["bytecode_offset"]) == (
            0,
            frame["column"],
        )
        want = {k: frame["expected"][k] for k in ("source", "line", "column", "function_name")}
        assert answer(cached, 0, frame["column"]) == want
    assert cached.dump_cache() == data  # a cache of the cache is the same file


def test_damaged_function_map_section_is_corrupt(view: View) -> None:
    from libsourcemap.errors import CacheCorruptError

    data = bytearray(view.dump_cache())
    # The last section is the function maps; its pool ends with a NUL.
    assert data[-1] == 0
    data[-1] = ord("x")
    with pytest.raises(CacheCorruptError):
        View.from_cache(bytes(data))


def test_bytecode_crash_frames_symbolicate(tmp_path: Path) -> None:
    # React Native's crash data names frames by (segment, function id,
    # bytecode offset), as metro-symbolicate's symbolicateHermesMinidumpTrace
    # reads them.
    shutil.copy(HERMES / "index.android.bundle.hbc", tmp_path / "index.android.bundle")
    shutil.copy(COMPOSED, tmp_path / "index.android.bundle.map")
    callstack = [
        {"SegmentID": 0, "FunctionID": f["function_id"], "ByteCodeOffset": f["bytecode_offset"],
         "SourceURL": "index.android.bundle"}
        for f in FRAMES
    ]
    out = Symbolicator(Artifacts([tmp_path])).symbolicate(callstack)
    assert len(out.frames) == len(FRAMES)
    for got, frame in zip(out.frames, FRAMES):
        want = frame["expected_bytecode"]
        if want["source"] is None:
            assert not got.resolved
            continue
        assert got.resolved
        assert (got.filename, got.lineno, got.colno - 1, got.function) == (
            want["source"],
            want["line"],
            want["column"],
            want["function_name"],
        )
    # A function the map does not list.
    bad = Symbolicator(Artifacts([tmp_path])).symbolicate(
        [{"SegmentID": 0, "FunctionID": 9999, "ByteCodeOffset": 0,
          "SourceURL": "index.android.bundle"}]
    )
    assert not bad.frames[0].resolved
    assert bad.frames[0].error == "position_outside_map"


def test_bytecode_frames_from_dicts() -> None:
    from libsourcemap.stacktrace import frames_from_dicts

    (f,) = frames_from_dicts(
        [{"CJSModuleOffset": 2, "FunctionID": 5, "ByteCodeOffset": 7, "SourceURL": "b.hbc"}]
    )
    assert (f.hermes, f.filename, f.lineno, f.colno) == ((2, 5, 7), "b.hbc", 3, None)
    (g,) = frames_from_dicts([{"filename": "x.js", "lineno": 1, "colno": 2}])
    assert g.hermes is None


def test_segment_maps() -> None:
    from libsourcemap import hermes

    seg1 = {
        "version": 3,
        "sources": ["seg1.js"],
        "names": [],
        "mappings": "AAAA;AACA",
        "x_facebook_sources": [[{"names": ["<global>", "lazy"], "mappings": "AAA;CCC"}]],
        "x_hermes_function_offsets": {"1": [0, 40]},
    }
    main = json.loads(fb_map())
    main["x_facebook_segments"] = {"1": seg1, "2": "not a map", "x": seg1, "7": {"version": 2}}
    v = View.from_json(json.dumps(main))
    s1 = hermes.segment_map(v, 1)
    assert s1 is not None
    assert s1.sources == ["seg1.js"]
    assert s1.hermes_position(1, 1, 3) == (1, 43)
    assert s1.function_name_at(0, 1, 0) == "<global>"
    assert s1.function_name_at(0, 1, 1) == "lazy"
    assert hermes.segment_map(v, 2) is None  # not an object: left out
    assert hermes.segment_map(v, 3) is None
    assert hermes.segment_map(v, -1) is None
    from libsourcemap.errors import UnsupportedVersionError

    with pytest.raises(UnsupportedVersionError):
        hermes.segment_map(v, 7)
    assert hermes.segment_map(View.from_json(fb_map()), 1) is None
