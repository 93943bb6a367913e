"""Helpers for the Python tests: writing source maps by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[2]

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def vlq(value: int) -> str:
    """One base64 VLQ value."""
    v = (-value << 1) | 1 if value < 0 else value << 1
    out = ""
    while True:
        digit = v & 31
        v >>= 5
        if v:
            digit |= 32
        out += _B64[digit]
        if not v:
            return out


def encode_mappings(lines: Sequence[Sequence[Sequence[int]]]) -> str:
    """A "mappings" string from absolute segments per generated line: each
    segment is [col] or [col, src, src_line, src_col] or [..., name]."""
    prev = [0, 0, 0, 0]  # src, src_line, src_col, name: relative across lines
    out: List[str] = []
    for segments in lines:
        col = 0
        parts = []
        for seg in segments:
            text = vlq(seg[0] - col)
            col = seg[0]
            for i, value in enumerate(seg[1:]):
                text += vlq(value - prev[i])
                prev[i] = value
            parts.append(text)
        out.append(",".join(parts))
    return ";".join(out)


def make_map(
    lines: Sequence[Sequence[Sequence[int]]],
    sources: Sequence[Optional[str]] = ("a.js",),
    names: Sequence[str] = (),
    **fields: object,
) -> bytes:
    doc = {"version": 3, "sources": list(sources), "names": list(names)}
    doc.update(fields)
    doc["mappings"] = encode_mappings(lines)
    return json.dumps(doc).encode("utf-8")


#: line 0: col 0 -> a.js 0:0; col 4 -> a.js 0:4 "foo"; col 10 unmapped.
#: line 1: nothing.
#: line 2: col 2 -> b.js 1:0 "bar"; col 8 -> c.js 3:1.
SMALL_LINES = [
    [[0, 0, 0, 0], [4, 0, 0, 4, 0], [10]],
    [],
    [[2, 1, 1, 0, 1], [8, 3, 3, 1]],
]

SMALL_MAP = make_map(
    SMALL_LINES,
    sources=["a.js", "b.js", None, "c.js"],
    names=["foo", "bar"],
    file="out.js",
    sourceRoot="https://example.com/src",
    sourcesContent=["var a = 1;\nfunction foo() {}\n", None, None, "c"],
    ignoreList=[1, 3],
    debugId="85314830-023f-4cf1-a267-535f4e37bb17",
)


def index_map(sections: Sequence[dict], **fields: object) -> bytes:
    doc = {"version": 3, "sections": list(sections)}
    doc.update(fields)
    return json.dumps(doc).encode("utf-8")


FIXTURES = REPO / "tests" / "fixtures" / "bundlers"
SPEC = REPO / "tests" / "spec"


class Fixture(NamedTuple):
    """A bundler fixture: the map, its expected tokens and metadata."""

    name: str
    map_path: Path
    tokens: List[Tuple[int, int, Optional[int], Optional[int], Optional[int], Optional[int]]]
    meta: Dict[str, object]

    @property
    def generated_path(self) -> Path:
        return self.map_path.with_suffix("")

    def read(self) -> bytes:
        return self.map_path.read_bytes()


def _field(text: str) -> Optional[int]:
    return None if text == "-" else int(text)


def read_tokens(path: Path) -> List[Tuple[int, int, Optional[int], Optional[int], Optional[int], Optional[int]]]:
    """A ``.tokens`` file: ``dst_line dst_col src_id src_line src_col
    name_id`` per line, ``-`` for an absent field."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        a, b, c, d, e, f = line.split()
        rows.append((int(a), int(b), _field(c), _field(d), _field(e), _field(f)))
    return rows


def bundler_fixtures() -> List[Fixture]:
    out = []
    for map_path in sorted(FIXTURES.glob("*/*.map")):
        out.append(
            Fixture(
                name="%s/%s" % (map_path.parent.name, map_path.name),
                map_path=map_path,
                tokens=read_tokens(map_path.with_name(map_path.name + ".tokens")),
                meta=json.loads(map_path.with_name(map_path.name + ".meta.json").read_text("utf-8")),
            )
        )
    return out


class SpecCase(NamedTuple):
    file: str
    expected: str  # "ok" or an LSM_ERR_* name
    description: str

    @property
    def path(self) -> Path:
        return SPEC / self.file


def spec_cases() -> List[SpecCase]:
    cases = []
    for line in (SPEC / "cases.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        parts = line.split("\t")
        cases.append(SpecCase(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return cases
