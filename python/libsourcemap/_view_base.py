"""The part of :class:`libsourcemap.View` that reads what a parsed view
holds besides its tokens: its lifetime, sources, names, properties and
cache files. :mod:`libsourcemap.view` adds making views, tokens and
lookups on top; users only ever see ``View``."""

from __future__ import annotations

import operator
import os
from typing import Any, Iterator, List, Optional, Tuple, Union

from . import _native
from . import telemetry as _telemetry
from ._convert import PathArg, TokenBuilder
from ._native import U32_MAX, capture_err, ffi, lib, to_str
from .errors import OutOfRangeError

__all__ = ["ViewBase"]



class ViewBase(_native.Handle):
    """A view's native handle and the getters that only read it. Not
    instantiated on its own."""

    __slots__ = ()

    # Made by view.py's constructors (a slot of View): the one builder of
    # this view's Tokens.
    _tokens: TokenBuilder

    def __repr__(self) -> str:
        ptr = self._own.ptr
        if ptr is None:
            return "<%s closed>" % type(self).__name__
        return "<%s tokens=%d sources=%d names=%d%s>" % (
            type(self).__name__,
            lib.lsm_view_token_count(ptr),
            lib.lsm_view_source_count(ptr),
            lib.lsm_view_name_count(ptr),
            " index" if lib.lsm_view_is_index(ptr) else "",
        )


    # ----------------------------------------------------------- sources

    def get_source_count(self) -> int:
        """The number of sources."""
        return int(lib.lsm_view_source_count(self._get_ptr()))

    def _source_string(self, func: Any, index: int) -> Tuple[bool, Optional[str]]:
        """(in range, string) for a per-source string getter."""
        ptr = self._get_ptr()
        i = operator.index(index)
        if not 0 <= i < lib.lsm_view_source_count(ptr):
            return False, None
        size = ffi.new("size_t *")
        with capture_err() as (err, check):
            s = check(func(ptr, i, size, err))
        return True, to_str(s, size[0])

    def get_source_name(self, src_id: int) -> Optional[str]:
        """The name of source `src_id` joined with ``sourceRoot`` as
        libsourcemap 0.8 and :attr:`Token.src` give it: the root without
        its trailing ``/``, a ``/``, then the source, except that sources
        starting with ``/``, ``http:`` or ``https:`` are kept as written; a
        JSON null source counts as ``""``. None for an id out of range (as
        in 0.8). :attr:`sources` has the names as written."""
        return self._source_string(lib.lsm_view_source_joined, src_id)[1]

    def get_source_url(self, src_id: int) -> Optional[str]:
        """The name of source `src_id` with ``sourceRoot`` prefixed as
        ECMA-426 says (a ``/`` added between them when the root lacks one,
        absolute sources included; :meth:`resolve_source` also resolves it
        against the map's URL). None when the source is JSON null; an id out
        of range raises :class:`OutOfRangeError`."""
        in_range, s = self._source_string(lib.lsm_view_source_url, src_id)
        if not in_range:
            raise OutOfRangeError("source %d out of range" % operator.index(src_id))
        return s

    def resolve_source(self, src_id: int, map_url: Optional[str] = None) -> Optional[str]:
        """Source `src_id` resolved as browsers, mozilla source-map and
        @jridgewell/trace-mapping resolve it: :meth:`get_source_url`'s
        concatenation, then, when `map_url` (the URL or path the map was
        loaded from, possibly relative) is given, that resolved against it
        with ``.`` and ``..`` segments removed. None when the source is
        JSON null; an id out of range raises :class:`OutOfRangeError`."""
        ptr = self._get_ptr()
        i = operator.index(src_id)
        if not 0 <= i <= U32_MAX:
            raise OutOfRangeError("source %d out of range" % i)
        base = ffi.NULL if map_url is None else map_url.encode("utf-8")
        out = ffi.new("char **")
        size = ffi.new("size_t *")
        with capture_err() as (err, check):
            rv = check(
                lib.lsm_view_resolve_source(
                    ptr, i, base, 0 if map_url is None else len(base), out, size, err
                )
            )
        if rv <= 0:
            return None
        try:
            return to_str(out[0], size[0])
        finally:
            lib.lsm_buffer_free(out[0])

    def iter_sources(self) -> Iterator[Tuple[int, Optional[str]]]:
        """``(src_id, name)`` for every source, names as
        :meth:`get_source_name` gives them."""
        for src_id in range(self.get_source_count()):
            yield src_id, self.get_source_name(src_id)

    @property
    def sources(self) -> List[Optional[str]]:
        """The sources as written in ``"sources"`` (None for a JSON null)."""
        ptr = self._get_ptr()
        return [
            self._source_string(lib.lsm_view_source_name, i)[1]
            for i in range(lib.lsm_view_source_count(ptr))
        ]

    def get_source_contents(self, src_id: int) -> Optional[bytes]:
        """The contents of source `src_id` from ``sourcesContent`` as UTF-8
        bytes, or None when the map has none for it (or the id is out of
        range, as in libsourcemap 0.8)."""
        ptr = self._get_ptr()
        i = operator.index(src_id)
        if not 0 <= i < lib.lsm_view_source_count(ptr):
            return None
        size = ffi.new("size_t *")
        with capture_err() as (err, check):
            s = check(lib.lsm_view_source_contents(ptr, i, size, err))
        if s == ffi.NULL:
            return None
        return ffi.unpack(s, size[0])  # type: ignore[no-any-return]

    def has_source_contents(self, src_id: int) -> bool:
        """Whether source `src_id` has contents (False for an id out of
        range)."""
        ptr = self._get_ptr()
        i = operator.index(src_id)
        if not 0 <= i < lib.lsm_view_source_count(ptr):
            return False
        with capture_err() as (err, check):
            return bool(check(lib.lsm_view_has_source_contents(ptr, i, err)))

    def is_ignored(self, src_id: int) -> bool:
        """Whether source `src_id` is on the ignore list."""
        i = operator.index(src_id)
        ptr = self._get_ptr()
        if not 0 <= i <= U32_MAX:
            return False
        return bool(lib.lsm_view_is_ignored(ptr, i))

    # ------------------------------------------------------------- names

    @property
    def names(self) -> List[str]:
        """The map's ``"names"``."""
        ptr = self._get_ptr()
        size = ffi.new("size_t *")
        result: List[str] = []
        for i in range(lib.lsm_view_name_count(ptr)):
            with capture_err() as (err, check):
                s = check(lib.lsm_view_name(ptr, i, size, err))
            result.append(to_str(s, size[0]) or "")
        return result

    # -------------------------------------------------------- properties

    def _meta(self, func: Any) -> Optional[str]:
        ptr = self._get_ptr()
        size = ffi.new("size_t *")
        return to_str(func(ptr, size), size[0])

    @property
    def file(self) -> Optional[str]:
        """``"file"``, or None when absent."""
        return self._meta(lib.lsm_view_file)

    @property
    def source_root(self) -> Optional[str]:
        """``"sourceRoot"``, or None when absent."""
        return self._meta(lib.lsm_view_source_root)

    @property
    def debug_id(self) -> Optional[str]:
        """``"debugId"`` (or the legacy ``"debug_id"``), or None."""
        return self._meta(lib.lsm_view_debug_id)

    @property
    def ignore_list(self) -> List[int]:
        """The source ids on the ignore list (``"ignoreList"``, or
        ``"x_google_ignoreList"`` when that is absent)."""
        ptr = self._get_ptr()
        count = ffi.new("uint32_t *")
        ids = lib.lsm_view_ignore_list(ptr, count)
        if ids == ffi.NULL:
            return []
        return [int(v) for v in ffi.unpack(ids, count[0])]

    @property
    def is_index(self) -> bool:
        """True when the view was flattened from an index map."""
        return bool(lib.lsm_view_is_index(self._get_ptr()))

    # ------------------------------------------------------- cache files

    @staticmethod
    def _cache_flags(with_contents: bool, with_names: bool) -> int:
        flags = 0
        if with_contents:
            flags |= lib.LSM_CACHE_WITH_CONTENTS
        if with_names:
            flags |= lib.LSM_CACHE_WITH_NAMES
        return int(flags)

    def dump_cache(
        self,
        *,
        with_contents: bool = True,
        with_names: bool = True,
        minified: Union[str, bytes, None] = None,
        frames: bool = False,
    ) -> bytes:
        """The view as a cache file's bytes: :meth:`from_cache` opens them
        in microseconds whatever their size. Without contents the cache has
        no ``sourcesContent``; without names its tokens have no names.
        With `minified` (the generated file's text) or `frames`, the file is
        format version 3: it also stores every frame's function name and
        the sources' line tables, so symbolicating from it scans no
        JavaScript (docs/cache-format.md)."""
        ptr = self._get_ptr()
        out = ffi.new("uint8_t **")
        out_len = ffi.new("size_t *")
        err = ffi.new("lsm_error_t *")
        flags = self._cache_flags(with_contents, with_names)
        with _telemetry.span("libsourcemap.cache.write") as span:
            if minified is not None or frames:
                text = _minified_arg(minified)
                lib.lsm_view_dump_cache_ex(
                    ptr, text if text is not None else ffi.NULL, len(text or b""), flags,
                    out, out_len, err,
                )
            else:
                lib.lsm_view_dump_cache(ptr, flags, out, out_len, err)
            try:
                if err.code != 0:
                    raise _native.exception_from(err)
                span.set("bytes", int(out_len[0]))
                return ffi.buffer(out[0], out_len[0])[:]  # type: ignore[no-any-return]
            finally:
                lib.lsm_buffer_free(out[0])

    def dump_memdb(self, with_source_contents: bool = True, with_names: bool = True) -> bytes:
        """libsourcemap 0.8's name for :meth:`dump_cache`."""
        return self.dump_cache(with_contents=with_source_contents, with_names=with_names)

    def write_cache(
        self,
        path: PathArg,
        *,
        with_contents: bool = True,
        with_names: bool = True,
        minified: Union[str, bytes, None] = None,
        frames: bool = False,
    ) -> None:
        """Writes :meth:`dump_cache`'s bytes to the file at `path`, replacing
        it atomically (written beside it, then renamed), so that views open
        on the old file keep working. `minified` and `frames` as for
        :meth:`dump_cache`."""
        raw = _native.fs_path(path)
        ptr = self._get_ptr()
        with _telemetry.span("libsourcemap.cache.write", path=os.fsdecode(raw)):
            with capture_err() as (err, check):
                if minified is not None or frames:
                    text = _minified_arg(minified)
                    check(
                        lib.lsm_view_write_cache_ex(
                            ptr, text if text is not None else ffi.NULL, len(text or b""),
                            self._cache_flags(with_contents, with_names), raw, err,
                        )
                    )
                    return
                check(
                    lib.lsm_view_write_cache(
                        ptr, self._cache_flags(with_contents, with_names), raw, err
                    )
                )

    def get_original_function_name(
        self,
        line: int,
        col: int,
        minified_name: str,
        minified_source: Union[str, bytes],
    ) -> Optional[str]:
        """libsourcemap 0.8's lookup of a function's original name, for a
        frame at generated (`line`, `col`), 0-based, in `minified_source`
        (the generated file's text). Wherever libsourcemap 0.8.2 found a
        name this gives the same one: walking back from the position to the
        nearest ``function <minified_name>``, the map's name for that
        token. Otherwise it names the enclosing function scope whose name
        token is `minified_name` (its last dotted component, so
        ``"t.total"`` and ``"new t"`` work; declarations, expressions,
        arrows, methods, accessors, constructors) from the original source
        when the map carries it, else through the map's names.
        docs/compatibility.md ("Function names") lists where the two
        differ. None when neither finds a name or a position is negative;
        there is no fallback to `minified_name`."""
        if line < 0 or col < 0 or line > U32_MAX or col > U32_MAX:
            return None
        src = minified_source.encode("utf-8") if isinstance(minified_source, str) else bytes(minified_source)
        name = minified_name.encode("utf-8")
        n = ffi.new("size_t *")
        buf = ffi.new("char[]", 256)
        for _ in range(2):
            with capture_err() as (err, check):
                rc = check(
                    lib.lsm_view_get_original_function_name(
                        self._get_ptr(), line, col, name, len(name), src, len(src), buf,
                        len(buf), n, err,
                    )
                )
            if rc != 1:
                return None
            if n[0] < len(buf):
                return ffi.unpack(buf, n[0]).decode("utf-8", "replace")  # type: ignore[no-any-return]
            buf = ffi.new("char[]", n[0] + 1)
        return None  # pragma: no cover - the second call always fits

    # --------------------------- range mappings, React Native's extensions

    @property
    def range_mapping_count(self) -> int:
        """How many tokens are range mappings (``rangeMappings``); lookups
        inside a range add the offset into it."""
        return int(lib.lsm_view_range_mapping_count(self._get_ptr()))

    def is_range_mapping(self, index: int) -> bool:
        """Whether token `index` is a range mapping (False past the end)."""
        if index < 0 or index > U32_MAX:
            return False
        return bool(lib.lsm_view_token_is_range(self._get_ptr(), index))

    @property
    def has_function_maps(self) -> bool:
        """Whether the map has Metro function maps (``x_facebook_sources``)."""
        return bool(lib.lsm_view_has_function_maps(self._get_ptr()))

    def function_name_at(self, src_id: int, line: int, col: int) -> Optional[str]:
        """The function name Metro's function map of source `src_id` gives
        at the original (`line`, `col`), both 0-based; None when it has
        none there (or a position is negative). A `src_id` past the
        sources raises :class:`OutOfRangeError`."""
        if line < 0 or col < 0 or src_id < 0:
            return None
        ptr = self._get_ptr()
        n = ffi.new("size_t *")
        with capture_err() as (err, check):
            p = check(
                lib.lsm_view_function_name_at(
                    ptr, min(src_id, U32_MAX), min(line, U32_MAX), min(col, U32_MAX), n, err
                )
            )
        return to_str(p, n[0])

    def hermes_position(
        self, segment: int, function_id: int, offset: int
    ) -> Optional[Tuple[int, int]]:
        """The generated (line, column), 0-based, of a Hermes bytecode frame
        (`segment`, `function_id`, `offset` into the function) from
        ``x_hermes_function_offsets``; None when the map does not list that
        function."""
        if min(segment, function_id, offset) < 0 or max(segment, function_id, offset) > U32_MAX:
            return None
        line = ffi.new("uint32_t *")
        col = ffi.new("uint32_t *")
        with capture_err() as (err, check):
            found = check(
                lib.lsm_view_hermes_position(
                    self._get_ptr(), segment, function_id, offset, line, col, err
                )
            )
        return (int(line[0]), int(col[0])) if found == 1 else None

    # ---------------------------------------------------------- pickling
    # A view travels (to another process, a Dask worker) as the file it was
    # opened from, opened again there, or else as its cache bytes. `_origin`
    # is set by the constructors of view.py.

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        self._get_ptr()
        origin = getattr(self, "_origin", None)
        if origin is None:
            origin = ("cache", self.dump_cache())
        return (_restore_view, (type(self),) + tuple(origin))


def _restore_view(cls: Any, kind: str, data: Any, allow_index: bool = False) -> Any:
    """Opens a pickled view again (see ViewBase.__reduce__)."""
    if kind == "path":
        return cls.from_path(data, allow_index=allow_index)
    if kind == "cache_path":
        return cls.from_cache_path(data)
    return cls.from_cache(data)


def _minified_arg(minified: Union[str, bytes, None]) -> Optional[bytes]:
    """The generated file's text for a version 3 cache, as bytes."""
    if minified is None:
        return None
    return minified.encode("utf-8") if isinstance(minified, str) else bytes(minified)
