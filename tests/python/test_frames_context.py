"""FrameData.context: the one-split fast path (lines ended by single
"\\n") gives exactly what the span-by-span path gives for other
terminators and for non-ASCII text."""

import json

from libsourcemap import View
from libsourcemap.symbolication.frames import FrameData

MAP = {
    "version": 3,
    "sources": ["mixed.js", "utf8.js", "plain.js"],
    "sourcesContent": [
        "a\nb\r\nc\u2028d\ne\n\nf",
        "\u00e9\n\u00fc\nx\n",
        "one\ntwo\nthree\nfour",
    ],
    "names": [],
    "mappings": "AAAA,CCAA,CCAA",
}


def frame_data() -> FrameData:
    view = View.from_json(json.dumps(MAP).encode())
    return FrameData(view, None)


def test_single_newlines_split_once() -> None:
    fd = frame_data()
    assert fd.context(2, 1, 0, 1) == (["one"], "two", ["three"])
    assert fd.context(2, 0, 0, 5) == ([], "one", ["two", "three", "four"])
    assert fd.context(2, 3, 0, 0) == ([], "four", [])
    assert fd.context(2, 4, 0, 1) is None


def test_other_terminators_keep_their_spans() -> None:
    fd = frame_data()
    assert fd.context(0, 1, 0, 1) == (["a"], "b", ["c"])
    assert fd.context(0, 3, 0, 1) == (["c"], "d", ["e"])
    assert fd.context(0, 5, 0, 1) == (["e"], "", ["f"])
    assert fd.context(0, 3, 0, 9) == (["a", "b", "c"], "d", ["e", "", "f"])


def test_non_ascii_lines() -> None:
    fd = frame_data()
    assert fd.context(1, 1, 0, 1) == (["\u00e9"], "\u00fc", ["x"])
    assert fd.context(1, 3, 0, 1) == (["x"], "", [])


def test_trimmed_long_line() -> None:
    view = View.from_json(json.dumps({
        "version": 3, "sources": ["long.js"], "names": [], "mappings": "AAAA",
        "sourcesContent": ["short\n" + "x" * 300 + "\nend"],
    }).encode())
    fd = FrameData(view, None)
    pre, line, post = fd.context(0, 1, 200, 1, trim=True)
    assert pre == ["short"] and post == ["end"]
    assert line == "{snip} " + "x" * 140 + " {snip}"
    assert fd.context(0, 1, 200, 1) == (["short"], "x" * 300, ["end"])
