"""Cache files: dump_cache / from_cache / from_cache_path and the 0.8
memdb names."""

from __future__ import annotations

import gc
import mmap
import os
import pathlib
from typing import Any, List

import pytest

from libsourcemap import (
    CacheCorruptError,
    CacheError,
    CacheMagicError,
    CacheTruncatedError,
    CacheVersionError,
    SourceMapIOError,
    View,
    from_json,
)
from libsourcemap._native import views_alive
from lsm_testutil import bundler_fixtures

FIXTURES = bundler_fixtures()


def summary(view: View) -> List[Any]:
    return [
        list(view),
        view.sources,
        [view.get_source_url(i) for i in range(view.get_source_count())],
        [view.get_source_contents(i) for i in range(view.get_source_count())],
        view.names,
        view.file,
        view.source_root,
        view.debug_id,
        view.ignore_list,
        view.is_index,
        view.line_count,
    ]


def test_roundtrip(small_map: bytes) -> None:
    view = View.from_json(small_map)
    data = view.dump_cache()
    assert isinstance(data, bytes)
    assert data[:8] == b"\x89LSMC\r\n\x1a"
    cached = View.from_cache(data)
    assert summary(cached) == summary(view)
    positions = [(line, col) for line in range(4) for col in range(12)]
    assert cached.lookup_tokens(positions) == view.lookup_tokens(positions)


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_roundtrip_fixtures(fx: Any) -> None:
    view = from_json(fx.read())
    cached = View.from_cache(view.dump_cache())
    assert summary(cached) == summary(view)


def test_without_contents_or_names(small_map: bytes) -> None:
    view = View.from_json(small_map)
    no_contents = View.from_cache(view.dump_cache(with_contents=False))
    assert [no_contents.get_source_contents(i) for i in range(4)] == [None] * 4
    assert not any(no_contents.has_source_contents(i) for i in range(4))
    assert [t.name for t in no_contents] == [t.name for t in view]
    no_names = View.from_cache(view.dump_cache(with_names=False))
    assert [t.name for t in no_names] == [None] * len(view)
    assert no_names.get_source_contents(0) == view.get_source_contents(0)
    assert [t[:6] for t in no_names] == [t[:6] for t in view]


def test_memdb_names(small_map: bytes) -> None:
    view = View.from_json(small_map)
    assert view.dump_memdb() == view.dump_cache()
    assert view.dump_memdb(False, True) == view.dump_cache(with_contents=False)
    assert view.dump_memdb(with_names=False) == view.dump_cache(with_names=False)
    assert list(View.from_memdb(view.dump_memdb())) == list(view)


def test_view_keeps_the_bytes_alive(small_map: bytes) -> None:
    def make() -> View:
        data = View.from_json(small_map).dump_cache()
        return View.from_cache(bytes(bytearray(data)))  # the only reference

    cached = make()
    gc.collect()
    junk = [os.urandom(4096) for _ in range(200)]  # reuse freed memory
    assert len(junk) == 200
    assert list(cached) == list(View.from_json(small_map))
    assert cached.get_source_contents(0) == b"var a = 1;\nfunction foo() {}\n"


def test_writable_buffers_are_copied(small_map: bytes) -> None:
    view = View.from_json(small_map)
    buf = bytearray(view.dump_cache())
    cached = View.from_cache(buf)
    buf[:] = b"\0" * len(buf)  # the view must not see this
    assert list(cached) == list(view)
    mv = memoryview(view.dump_cache())  # read-only: borrowed
    assert list(View.from_cache(mv)) == list(view)


def test_read_only_mmap(tmp_path: pathlib.Path, small_map: bytes) -> None:
    view = View.from_json(small_map)
    path = tmp_path / "c.lsmc"
    path.write_bytes(view.dump_cache())
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    cached = View.from_cache(mapped)
    assert list(cached) == list(view)
    # The view holds the buffer: the mmap cannot be closed under it.
    with pytest.raises(BufferError):
        mapped.close()
    del cached
    gc.collect()
    mapped.close()


def test_from_cache_rejects_str() -> None:
    with pytest.raises(TypeError):
        View.from_cache("not bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        View.from_cache(12)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["str", "bytes", "path"])
def test_write_cache_and_open_path(tmp_path: pathlib.Path, small_map: bytes, kind: str) -> None:
    view = View.from_json(small_map)
    path = tmp_path / "out.lsmc"
    arg = {"str": str(path), "bytes": os.fsencode(path), "path": path}[kind]
    view.write_cache(arg)
    assert path.read_bytes() == view.dump_cache()
    assert summary(View.from_cache_path(arg)) == summary(view)
    assert summary(View.from_memdb_file(arg)) == summary(view)
    view.write_cache(path, with_contents=False, with_names=False)
    assert path.read_bytes() == view.dump_cache(with_contents=False, with_names=False)


def test_replacing_an_open_cache_file(tmp_path: pathlib.Path, small_map: bytes) -> None:
    view = View.from_json(small_map)
    path = tmp_path / "out.lsmc"
    view.write_cache(path)
    opened = View.from_cache_path(path)
    other = View.from_json(b'{"version":3,"sources":["z"],"mappings":"AAAA"}')
    other.write_cache(path)  # atomic replace: the open view keeps the old file
    assert list(opened) == list(view)
    assert list(View.from_cache_path(path)) == list(other)


def test_cache_errors(small_map: bytes, tmp_path: pathlib.Path) -> None:
    good = View.from_json(small_map).dump_cache()
    with pytest.raises(CacheMagicError):
        View.from_cache(b"")
    with pytest.raises(CacheMagicError):
        View.from_cache(small_map)  # JSON is not a cache
    for bad_version in (0, 4, 255):
        version = bytearray(good)
        version[8] = bad_version
        with pytest.raises(CacheVersionError) as info:
            View.from_cache(bytes(version))
        assert info.value.error_name == "LSM_ERR_CACHE_VERSION"
    with pytest.raises(CacheTruncatedError):
        View.from_cache(good[:-1])
    corrupt = bytearray(good)
    corrupt[12] = 65  # header size
    with pytest.raises(CacheCorruptError):
        View.from_cache(bytes(corrupt))
    for exc_type in (CacheMagicError, CacheVersionError, CacheTruncatedError, CacheCorruptError):
        assert issubclass(exc_type, CacheError)
    with pytest.raises(SourceMapIOError):
        View.from_cache_path(tmp_path / "missing.lsmc")
    with pytest.raises(SourceMapIOError):
        View.from_memdb_file(tmp_path / "missing.lsmc")


def test_failed_opens_leak_no_views(small_map: bytes) -> None:
    before = views_alive()
    for _ in range(50):
        with pytest.raises(CacheError):
            View.from_cache(b"\x89LSMC\r\n\x1a" + b"\0" * 60)
    assert views_alive() == before


def _as_version_1(cache: bytes) -> bytes:
    """A version 2 cache file rewritten as version 1, following
    docs/cache-format.md: the same header and first ten sections, without
    section 11 (the joined sources)."""
    import struct

    count = struct.unpack_from("<I", cache, 20)[0]
    assert struct.unpack_from("<I", cache, 8)[0] == 2 and count == 11
    sections = []
    for i in range(count):
        sid, zero, off, size = struct.unpack_from("<IIQQ", cache, 64 + 24 * i)
        assert sid == i + 1 and zero == 0
        sections.append(cache[off : off + size])
    out = bytearray(cache[:64])
    struct.pack_into("<I", out, 8, 1)
    struct.pack_into("<I", out, 20, 10)
    out += bytes(24 * 10)
    for i, data in enumerate(sections[:10]):
        out += bytes(-len(out) % 8)
        struct.pack_into("<IIQQ", out, 64 + 24 * i, i + 1, 0, len(out), len(data))
        out += data
    struct.pack_into("<Q", out, 24, len(out))
    return bytes(out)


def test_joined_sources_survive_the_cache() -> None:
    # 0.8's join, which tokens carry, is a table of its own (version 2).
    view = View.from_json(
        b'{"version":3,"sourceRoot":"webpack:///","sources":["./a.js","/abs.js",null],'
        b'"mappings":"AAAA,CCAA,CCAA"}'
    )
    joined = ["webpack:/./a.js", "/abs.js", "webpack:/"]
    urls = ["webpack:///./a.js", "webpack:////abs.js", None]
    cache = view.dump_cache()
    assert cache[8] == 2
    cached = View.from_cache(cache)
    for v in (view, cached):
        assert [t.src for t in v] == joined
        assert [v.get_source_name(i) for i in range(3)] == joined
        assert [v.get_source_url(i) for i in range(3)] == urls
    assert View.from_cache(cached.dump_cache()).dump_cache() == cache


def test_version_1_cache_files_stay_readable() -> None:
    # Version 1 had no joined sources: tokens then carry the ECMA-426
    # concatenation, as they did when the file was written.
    view = View.from_json(
        b'{"version":3,"sourceRoot":"webpack:///","sources":["./a.js","/abs.js"],'
        b'"names":["x"],"mappings":"AAAAA,CCAA"}'
    )
    old = View.from_cache(_as_version_1(view.dump_cache()))
    urls = ["webpack:///./a.js", "webpack:////abs.js"]
    assert [t.src for t in old] == urls
    assert [old.get_source_name(i) for i in range(2)] == urls
    assert [old.get_source_url(i) for i in range(2)] == urls
    assert [t[:2] + t[3:] for t in old] == [t[:2] + t[3:] for t in view]
    # Dumping it again writes version 2, the URLs as the joined table.
    again = View.from_cache(old.dump_cache())
    assert [t.src for t in again] == urls


def test_version_and_section_count_must_agree(small_map: bytes) -> None:
    good = View.from_json(small_map).dump_cache()
    as_v1 = bytearray(good)
    as_v1[8] = 1  # 11 sections under version 1
    with pytest.raises(CacheCorruptError):
        View.from_cache(bytes(as_v1))
    old = bytearray(_as_version_1(good))
    old[8] = 2  # 10 sections under version 2
    with pytest.raises(CacheCorruptError):
        View.from_cache(bytes(old))
