"""libsourcemap 0.8 calling patterns, as Sentry's code and 0.8's own tests
used them, checked on the bundler fixtures (tests/fixtures/bundlers/*/):
each ``.map`` has ``.tokens`` (``dst_line dst_col src_id src_line src_col
name_id``, ``-`` when absent) and ``.meta.json`` beside it.

Only the names 0.8 had are used here: from_json, View, Index, Token, the
0.8 exceptions, and View's 0.8 methods.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

import pytest

from libsourcemap import (
    BadJson,
    CannotFlatten,
    Index,
    IndexedSourceMap,
    SourceMapError,
    Token,
    UnsupportedMemDbVersion,
    View,
    from_json,
)
from lsm_testutil import Fixture, bundler_fixtures

FIXTURES = bundler_fixtures()
REGULAR = [f for f in FIXTURES if not f.meta.get("sections")]
INDEXED = [f for f in FIXTURES if f.meta.get("sections")]
IDS = [f.name for f in REGULAR]


def test_the_fixtures_cover_both_kinds() -> None:
    assert len(REGULAR) >= 10
    assert len(INDEXED) >= 1


def load_view(fx: Fixture) -> View:
    """How 0.8 users loaded a map: View.from_json for regular maps, the
    unified from_json (which flattens) for anything."""
    if fx in INDEXED:
        rv = from_json(fx.read())
        assert isinstance(rv, View)
        return rv
    return View.from_json(fx.read())


def expected_tokens(fx: Fixture, view: View) -> List[Token]:
    sources = [view.get_source_name(i) for i in range(view.get_source_count())]
    names = json_names(fx)
    out = []
    for dst_line, dst_col, src_id, src_line, src_col, name_id in fx.tokens:
        out.append(
            Token(
                dst_line,
                dst_col,
                None if src_id is None else sources[src_id],
                src_line,
                src_col,
                src_id,
                None if name_id is None else names[name_id],
            )
        )
    return out


def json_names(fx: Fixture) -> List[str]:
    names = fx.meta["names"]
    assert isinstance(names, list)
    return names


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_tokens(fx: Fixture) -> None:
    view = load_view(fx)
    assert len(view) == len(fx.tokens)
    assert list(view) == expected_tokens(fx, view)
    for idx in (0, len(view) // 2, len(view) - 1):
        assert view[idx] == expected_tokens(fx, view)[idx]


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_sources_as_08_gave_them(fx: Fixture) -> None:
    view = load_view(fx)
    meta_sources = fx.meta["sources"]
    assert isinstance(meta_sources, list)
    root = fx.meta.get("sourceRoot") or ""
    assert isinstance(root, str)
    joined = [
        None if s is None else (root.rstrip("/") + "/" + s if root else s) for s in meta_sources
    ]
    assert view.get_source_count() == len(meta_sources)
    assert list(view.iter_sources()) == list(enumerate(joined))
    doc = json.loads(fx.read())
    contents: List[Optional[str]] = []
    if "sections" in doc:
        for section in doc["sections"]:
            m = section["map"]
            have = m.get("sourcesContent") or []
            contents += [have[i] if i < len(have) else None for i in range(len(m["sources"]))]
    else:
        have = doc.get("sourcesContent") or []
        contents = [have[i] if i < len(have) else None for i in range(len(doc["sources"]))]
    for src_id, text in enumerate(contents):
        got = view.get_source_contents(src_id)
        assert got == (None if text is None else text.encode("utf-8"))
        assert view.has_source_contents(src_id) == (text is not None)
    # Past the end: None and False, not an exception.
    assert view.get_source_contents(view.get_source_count()) is None
    assert not view.has_source_contents(view.get_source_count())
    assert view.get_source_name(view.get_source_count()) is None


def verify_token_search(view: View) -> None:
    """0.8's verify_token_search: every column from a named token up to the
    next token finds that token."""
    tokens = list(view)
    for idx, token in enumerate(tokens):
        if not token.name:
            continue
        if idx > 0 and tokens[idx - 1][:2] == token[:2]:
            continue  # several at one spot resolve to the first
        try:
            next_token = view[idx + 1]
            if next_token.dst_line != token.dst_line:
                rng: Any = range(token.dst_col, token.dst_col + 3)
            else:
                rng = range(token.dst_col, next_token.dst_col)
        except LookupError:
            rng = (token.dst_col,)
        for col in rng:
            token_match = view.lookup_token(token.dst_line, col)
            assert token_match == token, (token_match, token)


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_token_search(fx: Fixture) -> None:
    verify_token_search(load_view(fx))


def verify_names_against_sources(view: View) -> Tuple[int, int, int, int, int]:
    """0.8's verify_index: a named token's name is the identifier at its
    original position, for sources whose text the map embeds. Returns
    (named tokens, names equal to the original text there, skipped,
    without source text, different). Skipped: names starting with "#",
    lines that are not ASCII (columns count UTF-16 units), and positions
    on a quote (strings map to their quote)."""
    named = matched = skipped = no_text = different = 0
    lines_by_src: Dict[int, Optional[List[str]]] = {}
    for token in view:
        if token.name is None or token.src_id is None:
            continue
        named += 1
        if token.name.startswith("#"):
            skipped += 1
            continue
        if token.src_id not in lines_by_src:
            text = view.get_source_contents(token.src_id)
            lines_by_src[token.src_id] = None if text is None else text.decode().splitlines()
        lines = lines_by_src[token.src_id]
        if lines is None:
            no_text += 1
            continue
        assert token.src_line is not None and token.src_col is not None
        line = lines[token.src_line]
        substring = line[token.src_col : token.src_col + len(token.name)]
        if not line.isascii() or substring[:1] in "\"'`":
            skipped += 1
        elif substring == token.name:
            matched += 1
        else:
            different += 1
    return named, matched, skipped, no_text, different


#: (named, matched, skipped, without text, different) per fixture. The
#: different ones are the bundlers' own choices, each seen in the maps:
#: esbuild names a class `_Vector` where the source says `Vector`, and
#: names `async` at `export async`; rollup, terser and esbuild map a
#: private field `#x` with the name `x`, and a shorthand `{ x, y }` at its
#: brace or comma; `[`${kind}Name`]` maps `queueName` at the bracket.
#: terser/app.es.min.js.map embeds no sources; the unnamed maps have none.
NAMES_EXPECTED = {
    "esbuild/app.js.map": (0, 0, 0, 0, 0),
    "esbuild/app.min.js.map": (300, 268, 26, 0, 6),
    "index-map/combined.js.map": (988, 924, 12, 0, 52),
    "rollup/app.es.js.map": (0, 0, 0, 0, 0),
    "rollup/app.iife.js.map": (0, 0, 0, 0, 0),
    "rollup/app.iife.min.js.map": (492, 466, 5, 0, 21),
    "terser/app.es.min.js.map": (498, 0, 0, 498, 0),
    "terser/app.es.min.src.js.map": (498, 472, 5, 0, 21),
    "terser/app.esbuild.min.js.map": (496, 458, 7, 0, 31),
    "tsc/greeter.js.map": (0, 0, 0, 0, 0),
    "webpack/app.js.map": (458, 449, 9, 0, 0),
}


def test_names_cover_every_fixture() -> None:
    assert sorted(NAMES_EXPECTED) == sorted(f.name for f in FIXTURES)


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_names_match_original_identifiers(fx: Fixture) -> None:
    view = load_view(fx)
    assert verify_names_against_sources(view) == NAMES_EXPECTED[fx.name]


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_memdb(fx: Fixture) -> None:
    """0.8's memdb tests: same tokens, sources and contents after a round
    trip; dump options drop contents or names."""
    view = load_view(fx)
    mem = View.from_memdb(view.dump_memdb())
    for tok1, tok2 in zip(view, mem):
        assert tok1 == tok2, (tok1, tok2)
    assert len(mem) == len(view)
    assert list(mem.iter_sources()) == list(view.iter_sources())
    verify_token_search(mem)

    nosource = View.from_memdb(view.dump_memdb(with_source_contents=False))
    nonames = View.from_memdb(view.dump_memdb(with_names=False))
    for t1, t2, t3 in zip(mem, nosource, nonames):
        if t1.name is None:
            continue
        assert t1.name == t2.name
        assert t3.name is None
    for src_id in range(view.get_source_count()):
        assert nonames.get_source_contents(src_id) == mem.get_source_contents(src_id)
        assert nosource.get_source_contents(src_id) is None


def test_memdb_file(tmp_path: Any) -> None:
    fx = REGULAR[0]
    view = View.from_json(fx.read())
    path = tmp_path / "x.memdb"
    path.write_bytes(view.dump_memdb())
    assert list(View.from_memdb_file(str(path))) == list(view)


@pytest.mark.parametrize("fx", INDEXED, ids=[f.name for f in INDEXED])
def test_unified_index_loading(fx: Fixture) -> None:
    index_map = fx.read()
    assert isinstance(from_json(index_map), View)
    assert isinstance(from_json(index_map, auto_flatten=False, raise_for_index=False), Index)
    try:
        from_json(index_map, auto_flatten=False)
    except IndexedSourceMap as e:
        assert isinstance(e.index, Index)
    else:  # pragma: no cover
        raise RuntimeError("Expected an exception")

    idx = Index.from_json(index_map)
    assert idx.can_flatten
    view = idx.into_view()
    assert list(view) == list(from_json(index_map))


@pytest.mark.parametrize("fx", REGULAR[:3], ids=IDS[:3])
def test_unified_map_loading(fx: Fixture) -> None:
    assert isinstance(from_json(fx.read()), View)


def test_08_exceptions() -> None:
    with pytest.raises(BadJson):
        View.from_json(b"{not json")
    with pytest.raises(SourceMapError):
        View.from_json(b'{"version": 2, "mappings": ""}')
    with pytest.raises(UnsupportedMemDbVersion):
        data = bytearray(View.from_json(REGULAR[0].read()).dump_memdb())
        data[8] = 77
        View.from_memdb(bytes(data))
    url_index = json.dumps(
        {"version": 3, "sections": [{"offset": {"line": 0, "column": 0}, "url": "x.map"}]}
    )
    index = from_json(url_index, raise_for_index=False)
    assert isinstance(index, Index)
    assert not index.can_flatten
    with pytest.raises(CannotFlatten):
        index.into_view()


def test_lookup_token_underflow_is_none() -> None:
    view = View.from_json(REGULAR[0].read())
    assert view.lookup_token(-1, 0) is None
    assert view.lookup_token(0, -1) is None


def test_str_input_like_08() -> None:
    text = REGULAR[0].read().decode("utf-8")
    assert list(View.from_json(text)) == list(View.from_json(text.encode("utf-8")))
    assert isinstance(from_json(text), View)
