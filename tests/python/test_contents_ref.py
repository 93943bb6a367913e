"""sourcesContent referenced, not copied (src/contents.c): whichever way a
map is loaded (a path the library maps, bytes it borrows, a bytearray or
str it copies from), a view's contents, errors and cache are the same; many
threads reading lazily unescaped contents at once get the same texts."""

from __future__ import annotations

import gc
import json
import sys
import threading
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest

from libsourcemap import View
from libsourcemap.exceptions import SourceMapError

REPO = Path(__file__).resolve().parents[2]

# Every map file the tests hold (valid or not), the fuzz corpora included.
MAPS = sorted(
    p
    for pattern in ("*.map", "*.map.json")
    for p in (REPO / "tests").rglob(pattern)
    if "node_modules" not in p.parts
)


def contents_of(view: View) -> List[Optional[bytes]]:
    return [view.get_source_contents(i) for i in range(view.get_source_count())]


def outcome(load: Any) -> Tuple[str, Any]:
    """What loading gives: the contents and cache, or the error."""
    try:
        view = load()
    except SourceMapError as exc:
        return ("error", (type(exc).__name__, str(exc)))
    with view:
        return ("view", (contents_of(view), view.dump_cache()))


def test_fixtures_found() -> None:
    assert len(MAPS) > 250


@pytest.mark.parametrize("path", MAPS, ids=lambda p: str(p.relative_to(REPO / "tests")))
def test_from_path_equals_from_json(path: Path) -> None:
    data = path.read_bytes()
    by_path = outcome(lambda: View.from_path(path, allow_index=True))
    assert outcome(lambda: View.from_json(data, allow_index=True)) == by_path
    assert outcome(lambda: View.from_json(bytearray(data), allow_index=True)) == by_path
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # not expressible as str
    assert outcome(lambda: View.from_json(text, allow_index=True)) == by_path


def escaped_map(count: int) -> Tuple[bytes, List[str]]:
    texts = [
        "".join('var s%d = "line %d\\\\";\t// \u00e9 \U0001F600\n' % (i, k)
                for k in range(1 + (i % 5) * 30))
        for i in range(count)
    ]
    doc = {
        "version": 3,
        "sources": ["s%d.js" % i for i in range(count)],
        "sourcesContent": texts,
        "names": [],
        "mappings": ",".join("AAAA" if i == 0 else "CCAA" for i in range(count)),
    }
    return json.dumps(doc).encode("utf-8"), texts


@pytest.mark.parametrize("how", ["bytes", "bytearray", "path"])
def test_eight_threads_read_lazy_contents(how: str, tmp_path: Path) -> None:
    data, texts = escaped_map(40)
    want = [t.encode("utf-8") for t in texts]
    path = tmp_path / "threads.map"
    path.write_bytes(data)
    for _ in range(5):
        if how == "path":
            view = View.from_path(path)
        else:
            view = View.from_json(data if how == "bytes" else bytearray(data))
        barrier = threading.Barrier(8)
        results: List[List[Optional[bytes]]] = [[] for _ in range(8)]

        def read(t: int) -> None:
            barrier.wait()
            order = [(k * 7 + t * 3) % len(texts) for k in range(len(texts))]
            got: List[Optional[bytes]] = [None] * len(texts)
            for i in order:
                got[i] = view.get_source_contents(i)
            results[t] = got

        threads = [threading.Thread(target=read, args=(t,)) for t in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for got in results:
            assert got == want
        view.close()


def test_bytes_are_borrowed_and_kept_alive() -> None:
    data, texts = escaped_map(3)
    data = bytes(bytearray(data))  # a fresh object only this test holds
    before = sys.getrefcount(data)
    view = View.from_json(data)
    # The view's owner holds the bytes its contents are read from.
    assert sys.getrefcount(data) == before + 1
    del data
    gc.collect()
    junk = [bytes(4096) for _ in range(1000)]  # reuse of freed memory
    assert contents_of(view) == [t.encode("utf-8") for t in texts]
    del junk
    view.close()


def test_bytearray_is_copied() -> None:
    data, texts = escaped_map(3)
    buf = bytearray(data)
    before = sys.getrefcount(buf)
    view = View.from_json(buf)
    assert sys.getrefcount(buf) == before
    buf[:] = b"x" * len(buf)
    assert contents_of(view) == [t.encode("utf-8") for t in texts]
    view.close()
