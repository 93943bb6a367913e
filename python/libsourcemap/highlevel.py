"""Views over source maps: loading, lookups, sources, names, cache files.

The API follows Sentry's libsourcemap 0.8 (``from_json``, ``View``,
``Index``, ``Token``, ``lookup_token``, ``dump_memdb`` ...) and adds clearer
names and a few things of its own (``View.from_path``, ``lookup_tokens``,
lookup rules, properties, ``close()``).

Threads: a view is immutable once built. Any number of threads may use one
view at the same time (lookups, iteration, reading sources); the library
releases the GIL during its calls, so lookups in several threads run in
parallel. Closing a view while other threads still use it is safe too: the
native memory is freed when the last call in progress returns, and calls
made after ``close()`` raise :class:`ClosedViewError`.
"""

from __future__ import annotations

import array
import enum
import operator
import struct
import os
import threading
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
    overload,
)

from . import _native
from ._native import NO_ID, U32_MAX, capture_err, ffi, lib, to_str
from .exceptions import (
    BadSectionsError,
    CannotFlatten,
    ClosedViewError,
    IndexedSourceMap,
    OutOfRangeError,
    SourceMapError,
)

if TYPE_CHECKING:  # pragma: no cover
    from typing import Literal

__all__ = [
    "Token",
    "LookupRule",
    "View",
    "Index",
    "from_json",
    "capture_err",
]

#: What a path argument may be.
PathArg = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
#: JSON input: str (encoded as UTF-8), bytes or any bytes-like object.
JsonInput = Union[str, bytes, bytearray, memoryview]
#: Cache input: bytes or any bytes-like object.
CacheInput = Union[bytes, bytearray, memoryview]


class Token(NamedTuple):
    """One mapping: a generated position and the original one it maps to.

    ``src`` is the source's name resolved against ``sourceRoot`` (as
    libsourcemap 0.8 gave it); ``src_id`` indexes the view's sources.
    Tokens from 1-field segments (a generated position mapped to nothing)
    appear only when iterating or indexing a view; their ``src``,
    ``src_line``, ``src_col``, ``src_id`` and ``name`` are None. Lookups
    never return such a token.
    """

    dst_line: int
    dst_col: int
    src: Optional[str]
    src_line: Optional[int]
    src_col: Optional[int]
    src_id: Optional[int]
    name: Optional[str]


class LookupRule(enum.IntEnum):
    """How a generated position that falls between tokens is resolved."""

    #: The token at or before the position, possibly on an earlier line
    #: (libsourcemap 0.8's rule; the default).
    GREATEST_LOWER_BOUND = 0
    #: The token at or before the position on the same line only; a column
    #: before the line's first token finds nothing (how browsers map stack
    #: frames).
    SAME_LINE = 1
    #: The token on the same line at or after the position.
    LEAST_UPPER_BOUND = 2


#: A lookup rule: a :class:`LookupRule`, its name as a string
#: (``"same_line"``), or the header's ``LSM_RULE_*`` number.
RuleArg = Union[LookupRule, str, int]

_V = TypeVar("_V", bound="View")


def _rule_value(rule: RuleArg) -> int:
    if isinstance(rule, str):
        key = rule.strip().upper().replace("-", "_")
        try:
            return LookupRule[key].value
        except KeyError:
            raise ValueError(
                "unknown lookup rule %r; expected one of %s"
                % (rule, ", ".join(repr(r.name.lower()) for r in LookupRule))
            ) from None
    if isinstance(rule, bool):
        raise TypeError("a lookup rule cannot be a bool")
    value = operator.index(rule)
    if not -(2**31) <= value < 2**31:
        raise ValueError("unknown lookup rule %d" % value)
    return value


_UNSET = object()
_NO_CACHE: List[Any] = []

# Lookup rules by every spelling lookup_token takes without conversion.
_RULE_VALUES: Dict[Any, int] = {}
for _r in LookupRule:
    _RULE_VALUES[_r] = _r.value
    _RULE_VALUES[_r.name.lower()] = _r.value
    _RULE_VALUES[int(_r.value)] = _r.value

_lookup_ex = lib.lsm_lookup_ex

# lsm_token_t as the struct module sees it in native layout: six uint32s,
# then (pointer, length) twice. None when that does not match cffi's idea
# of the struct, and the field-by-field path is taken instead.
_NATIVE_TOKEN = struct.Struct("@6IPNPN")
_TOKEN_LAYOUT: Optional[struct.Struct] = (
    _NATIVE_TOKEN
    if _NATIVE_TOKEN.size == ffi.sizeof("lsm_token_t")
    and ffi.offsetof("lsm_token_t", "src") == struct.calcsize("@6IP") - struct.calcsize("@P")
    else None
)
_U32 = "I" if array.array("I").itemsize == 4 else "L"


def _string_at(address: int, length: int) -> Optional[str]:
    if not address:
        return None
    return ffi.unpack(ffi.cast("char *", address), length).decode("utf-8", "replace")  # type: ignore[no-any-return]
_new_tuple = tuple.__new__
_tls = threading.local()


def _thread_token() -> Any:
    """This thread's ``lsm_token_t`` for single lookups: views are shared
    between threads, so the output buffer cannot live on the view."""
    try:
        return _tls.token
    except AttributeError:
        _tls.token = token = ffi.new("lsm_token_t *")
        return token


def _position(value: int) -> int:
    """A line or column as the C API's uint32_t: negative stays negative
    (the caller answers None), past 32 bits is clamped, which resolves the
    same under every rule since no token lies that far."""
    v = operator.index(value)
    return v if v < U32_MAX else U32_MAX


def _json_input(buffer: JsonInput) -> Tuple[Any, int]:
    """Something a ``const char *`` parameter takes, and its length; no
    copy for bytes or contiguous bytes-like objects."""
    if isinstance(buffer, str):
        data = buffer.encode("utf-8")
        return data, len(data)
    if isinstance(buffer, bytes):
        return buffer, len(buffer)
    try:
        view = memoryview(buffer)
    except TypeError:
        raise TypeError(
            "expected str, bytes or a bytes-like object, not %s" % type(buffer).__name__
        ) from None
    if not view.c_contiguous:
        data = view.tobytes()
        return data, len(data)
    return ffi.from_buffer("char[]", view), view.nbytes


def _cache_input(buffer: CacheInput) -> Tuple[Any, int]:
    """A pointer to cache bytes that stays valid and unchanged while the
    returned cdata lives: bytes and read-only buffers are borrowed, anything
    writable is copied first (the view reads the bytes in place)."""
    if isinstance(buffer, str):
        raise TypeError("a cache is bytes, not str")
    if isinstance(buffer, bytes):
        return ffi.from_buffer("char[]", buffer), len(buffer)
    try:
        view = memoryview(buffer)
    except TypeError:
        raise TypeError(
            "expected bytes or a bytes-like object, not %s" % type(buffer).__name__
        ) from None
    if not view.readonly or not view.c_contiguous:
        data = view.tobytes()
        return ffi.from_buffer("char[]", data), len(data)
    return ffi.from_buffer("char[]", view), view.nbytes


class View:
    """A parsed source map: its tokens in generated order, sources, names
    and properties.

    Make one with :meth:`from_json`, :meth:`from_path`, :meth:`from_cache`
    or :func:`from_json` (which also takes index maps). A view holds native
    memory: it is freed when the view is garbage collected, or at once by
    :meth:`close` (or leaving a ``with`` block); using a closed view raises
    :class:`ClosedViewError`.

    A view is immutable: any number of threads may use it at once, and the
    GIL is released during the library's calls.

    ``len(view)`` is the number of tokens; ``view[i]`` the token at index
    ``i`` in generated order (negative indices count from the end; slices
    give lists); iterating gives every token in generated order.
    """

    __slots__ = ("_ptr", "_srcs", "_names", "__weakref__")

    _ptr: Any
    # Decoded source and name strings by id, filled as lookups meet them:
    # a token's strings repeat across lookups, decoding them is not free.
    _srcs: List[Any]
    _names: List[Any]

    def __init__(self) -> None:
        raise TypeError(
            "Cannot instantiate views directly; use View.from_json(), View.from_path() "
            "or View.from_cache()"
        )

    # ------------------------------------------------------------ making

    @classmethod
    def _wrap(cls: Type[_V], ptr: Any, keepalive: object = None, size: int = 0) -> _V:
        rv = object.__new__(cls)
        rv._ptr = _native.own_view(ptr, keepalive, size)
        # Filled on the first lookup, so that opening stays O(1).
        rv._srcs = rv._names = _NO_CACHE
        return rv

    @classmethod
    def _parse(cls: Type[_V], data: Any, length: int, flags: int) -> _V:
        with capture_err() as (err, check):
            ptr = check(lib.lsm_view_from_json_ex(data, length, flags, err))
        return cls._wrap(ptr, size=length)

    @classmethod
    def from_json(cls: Type[_V], buffer: JsonInput, *, allow_index: bool = False) -> _V:
        """Parses a source map from JSON (``str``, ``bytes`` or any
        bytes-like object). A leading byte order mark and a ``)]}'`` line
        are skipped.

        An index map raises :class:`IndexedSourceMap` (whose ``index`` holds
        the parsed :class:`Index`), as in libsourcemap 0.8; with
        ``allow_index=True`` it is flattened into one view instead.
        :func:`from_json` decides by its own options.
        """
        data, length = _json_input(buffer)
        flags = lib.LSM_LOAD_DEFAULT if allow_index else lib.LSM_LOAD_REJECT_INDEX
        try:
            return cls._parse(data, length, flags)
        except IndexedSourceMap as exc:
            exc.index = Index._try_parse(data, length)
            raise

    @classmethod
    def from_path(cls: Type[_V], path: PathArg, *, allow_index: bool = False) -> _V:
        """Reads and parses the source map in the file at `path` (``str``,
        ``bytes`` or path-like); the library maps the file itself. A file
        that cannot be read raises :class:`SourceMapIOError` (an
        ``OSError``). Index maps are treated as by :meth:`from_json`."""
        raw = _native.fs_path(path)
        flags = lib.LSM_LOAD_DEFAULT if allow_index else lib.LSM_LOAD_REJECT_INDEX
        try:
            with capture_err() as (err, check):
                ptr = check(lib.lsm_view_from_path(raw, flags, err))
        except IndexedSourceMap as exc:
            try:
                exc.index = Index.from_path(raw)
            except SourceMapError:
                exc.index = None
            raise
        return cls._wrap(ptr)

    @classmethod
    def from_cache(cls: Type[_V], buffer: CacheInput) -> _V:
        """Opens a view over the bytes of a cache file (see
        :meth:`dump_cache`). The view reads the bytes in place and keeps
        them alive; a writable buffer is copied first so that it cannot
        change under the view. Bytes that are not a cache this library can
        read raise a :class:`CacheError`."""
        data, length = _cache_input(buffer)
        with capture_err() as (err, check):
            ptr = check(lib.lsm_view_from_cache(data, length, err))
        return cls._wrap(ptr, keepalive=data, size=length)

    @classmethod
    def from_cache_path(cls: Type[_V], path: PathArg) -> _V:
        """Opens a view over the cache file at `path`, mapped read-only by
        the library (and unmapped when the view is freed). The file must not
        be rewritten in place while the view is open; replace it by renaming
        (as :meth:`write_cache` does)."""
        raw = _native.fs_path(path)
        with capture_err() as (err, check):
            ptr = check(lib.lsm_view_from_cache_path(raw, err))
        return cls._wrap(ptr)

    @classmethod
    def from_memdb(cls: Type[_V], buffer: CacheInput) -> _V:
        """libsourcemap 0.8's name for :meth:`from_cache`."""
        return cls.from_cache(buffer)

    @classmethod
    def from_memdb_file(cls: Type[_V], path: PathArg) -> _V:
        """libsourcemap 0.8's name for :meth:`from_cache_path`."""
        return cls.from_cache_path(path)

    # ---------------------------------------------------------- lifetime

    def _get_ptr(self) -> Any:
        ptr = self._ptr
        if ptr is None:
            raise ClosedViewError("the view is closed")
        return ptr

    def close(self) -> None:
        """Frees the view's native memory now (or, when other threads are in
        a call on it, as soon as the last of those returns). Closing twice
        is harmless; any other use afterwards raises
        :class:`ClosedViewError`."""
        self._ptr = None

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._ptr is None

    def __enter__(self: _V) -> _V:
        self._get_ptr()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        ptr = self._ptr
        if ptr is None:
            return "<%s closed>" % type(self).__name__
        return "<%s tokens=%d sources=%d names=%d%s>" % (
            type(self).__name__,
            lib.lsm_view_token_count(ptr),
            lib.lsm_view_source_count(ptr),
            lib.lsm_view_name_count(ptr),
            " index" if lib.lsm_view_is_index(ptr) else "",
        )

    # ------------------------------------------------------------ tokens

    def __len__(self) -> int:
        return int(lib.lsm_view_token_count(self._get_ptr()))

    def _token_at(self, ptr: Any, index: int, out: Any, err: Any) -> Token:
        if not 0 <= index <= U32_MAX:
            raise OutOfRangeError("token index %d out of range" % index)
        if lib.lsm_view_get_token(ptr, index, out, err) < 0:
            raise _native.exception_from(err)
        if out.src_id == NO_ID:
            return _new_tuple(Token, (out.dst_line, out.dst_col, None, None, None, None, None))
        return self._make_token(out)

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> List[Token]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Token, List[Token]]:
        """The token at `index` in generated order; negative indices count
        from the end, and past the end raises IndexError
        (:class:`OutOfRangeError`). A slice gives a list."""
        ptr = self._get_ptr()
        out = ffi.new("lsm_token_t *")
        err = ffi.new("lsm_error_t *")
        count = lib.lsm_view_token_count(ptr)
        if isinstance(index, slice):
            return [self._token_at(ptr, i, out, err) for i in range(*index.indices(count))]
        i = operator.index(index)
        if i < 0:
            i += count
        if i < 0:
            raise OutOfRangeError("token index %d out of range" % index)
        return self._token_at(ptr, i, out, err)

    def __iter__(self) -> Iterator[Token]:
        """Every token, in generated order."""
        chunk = 1024
        out = ffi.new("lsm_token_t[]", chunk)
        index = 0
        while True:
            # Each chunk is one call into the library, which follows the
            # lines instead of searching them token by token. `ptr` keeps
            # the view's memory alive while the chunk's borrowed strings are
            # read, even if another thread closes the view meanwhile.
            ptr = self._get_ptr()
            n = lib.lsm_view_get_tokens(ptr, index, chunk, out, ffi.NULL)
            if n <= 0:
                return
            index += n
            for token in self._tokens_from(out, n, unmapped=True):
                if self._ptr is None:
                    raise ClosedViewError("the view is closed")
                yield token  # type: ignore[misc]

    @property
    def line_count(self) -> int:
        """The number of generated lines the mappings cover (the last mapped
        line plus one)."""
        return int(lib.lsm_view_line_count(self._get_ptr()))

    # ----------------------------------------------------------- lookups

    def lookup_token(
        self, line: int, col: int, *, rule: RuleArg = LookupRule.GREATEST_LOWER_BOUND
    ) -> Optional[Token]:
        """The token for the generated position (`line`, `col`), both
        0-based (columns in UTF-16 code units), or None when nothing maps
        there. Negative positions give None, as in libsourcemap 0.8.

        `rule` decides positions between tokens (a :class:`LookupRule`, or
        ``"greatest_lower_bound"``, ``"same_line"``,
        ``"least_upper_bound"``). Several tokens at one position resolve to
        the first of them.
        """
        # The common call (ints in range, a known rule) avoids every
        # conversion helper: this is the hot path of symbolication.
        try:
            rule_value = _RULE_VALUES[rule]
            if rule is True or rule is False:
                raise TypeError
        except (KeyError, TypeError):
            rule_value = _rule_value(rule)
        if type(line) is not int or type(col) is not int or line >= U32_MAX or col >= U32_MAX:
            line, col = _position(line), _position(col)
        if line < 0 or col < 0:
            return None
        ptr = self._ptr
        if ptr is None:
            raise ClosedViewError("the view is closed")
        out = _thread_token()
        # err is NULL on the hot path: the call fails only for an unknown
        # rule, and is then repeated to learn why.
        rv = _lookup_ex(ptr, line, col, rule_value, out, ffi.NULL)
        if rv <= 0:
            if rv < 0:
                with capture_err() as (err, check):
                    check(lib.lsm_lookup_ex(ptr, line, col, rule_value, out, err) >= 0)
            return None
        return self._make_token(out)

    def _fill_caches(self) -> None:
        ptr = self._get_ptr()
        self._names = [_UNSET] * lib.lsm_view_name_count(ptr)
        self._srcs = [_UNSET] * lib.lsm_view_source_count(ptr)

    def _make_token(self, t: Any) -> Token:
        """A Token from a found ``lsm_token_t``, its strings from the
        view's caches."""
        src_id = t.src_id
        if self._srcs is _NO_CACHE:
            self._fill_caches()
        src = self._srcs[src_id]
        if src is _UNSET:
            src = self._srcs[src_id] = to_str(t.src, t.src_len)
        name_id = t.name_id
        if name_id == NO_ID:
            name = None
        else:
            name = self._names[name_id]
            if name is _UNSET:
                name = self._names[name_id] = to_str(t.name, t.name_len)
        # tuple.__new__ skips the namedtuple's Python-level __new__.
        return _new_tuple(Token, (t.dst_line, t.dst_col, src, t.src_line, t.src_col, src_id, name))

    def lookup_tokens(
        self,
        positions: Iterable[Tuple[int, int]],
        *,
        rule: RuleArg = LookupRule.GREATEST_LOWER_BOUND,
    ) -> List[Optional[Token]]:
        """Looks up many (line, col) positions in one call into the
        library: the list of what :meth:`lookup_token` would return for
        each, in order."""
        rule_value = _rule_value(rule)
        ptr = self._get_ptr()
        pos_list = positions if isinstance(positions, list) else list(positions)
        negative: List[int] = []
        try:
            # The common input converts in C: array() refuses negatives,
            # values past 32 bits and non-integers, which take the slow
            # path below.
            lines_a = array.array(_U32, [line for line, _ in pos_list])
            cols_a = array.array(_U32, [col for _, col in pos_list])
        except (OverflowError, TypeError, IndexError, KeyError, ValueError):
            lines: List[int] = []
            cols: List[int] = []
            for i, pos in enumerate(pos_list):
                line, col = pos
                line_v, col_v = _position(line), _position(col)
                if line_v < 0 or col_v < 0:
                    negative.append(i)
                    line_v = col_v = 0
                lines.append(line_v)
                cols.append(col_v)
            lines_a = array.array(_U32, lines)
            cols_a = array.array(_U32, cols)
        count = len(lines_a)
        out = ffi.new("lsm_token_t[]", max(count, 1))
        err = ffi.new("lsm_error_t *")
        rv = lib.lsm_lookup_many(
            ptr,
            ffi.from_buffer("uint32_t[]", lines_a) if count else ffi.NULL,
            ffi.from_buffer("uint32_t[]", cols_a) if count else ffi.NULL,
            count,
            rule_value,
            out,
            err,
        )
        if rv < 0:
            raise _native.exception_from(err)
        result = self._tokens_from(out, count)
        for i in negative:
            result[i] = None
        return result

    def _tokens_from(
        self, out: Any, count: int, unmapped: bool = False
    ) -> List[Optional[Token]]:
        """Tokens (None where nothing was found, or with `unmapped` a Token
        with only its generated position) from `count` filled
        ``lsm_token_t``s. The structs are unpacked in one pass by the struct
        module rather than field by field through cffi; the strings come
        from the view's caches. The caller keeps the view alive."""
        layout = _TOKEN_LAYOUT
        if layout is None:
            make = self._make_token
            return [
                make(t)
                if t.src_id != NO_ID
                else (Token(t.dst_line, t.dst_col, None, None, None, None, None) if unmapped else None)
                for t in (out[i] for i in range(count))
            ]
        if self._srcs is _NO_CACHE:
            self._fill_caches()
        srcs, names = self._srcs, self._names
        result: List[Optional[Token]] = []
        append = result.append
        for dl, dc, sl, sc, sid, nid, sp, slen, np_, nlen in layout.iter_unpack(
            ffi.buffer(out, count * layout.size)
        ):
            if sid == NO_ID:
                append(_new_tuple(Token, (dl, dc, None, None, None, None, None)) if unmapped else None)
                continue
            src = srcs[sid]
            if src is _UNSET:
                src = srcs[sid] = _string_at(sp, slen)
            if nid == NO_ID:
                name = None
            else:
                name = names[nid]
                if name is _UNSET:
                    name = names[nid] = _string_at(np_, nlen)
            append(_new_tuple(Token, (dl, dc, src, sl, sc, sid, name)))
        return result

    def get_original_function_name(
        self,
        line: int,
        col: int,
        minified_name: str,
        minified_source: Union[str, bytes],
    ) -> Optional[str]:
        """The original name of the function whose minified name is
        `minified_name`, for a frame at generated (`line`, `col`) in
        `minified_source` (the generated file's text), or None when it
        cannot be told. Where 0.8 walked back through the generated code to
        the nearest ``function <minified_name>``, the library now finds the
        function scope that encloses the position (declarations,
        expressions, arrows, methods, accessors, constructors) and names
        it from the original source when the map carries it, else through
        the map's names; `minified_name` is used when the scope cannot be
        told."""
        from .symbolicate import get_original_function_name

        return get_original_function_name(self, line, col, minified_name, minified_source)

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
        """The name of source `src_id` resolved against ``sourceRoot``, as
        libsourcemap 0.8 and :attr:`Token.src` give it; None for a source
        that is JSON null, or an id out of range (as in 0.8).
        :attr:`sources` has the names as written."""
        return self._source_string(lib.lsm_view_source_url, src_id)[1]

    def get_source_url(self, src_id: int) -> Optional[str]:
        """The name of source `src_id` resolved against ``sourceRoot`` (a
        ``/`` added between them when needed; absolute URLs and paths are
        kept). None when the source is JSON null; an id out of range raises
        :class:`OutOfRangeError`."""
        in_range, s = self._source_string(lib.lsm_view_source_url, src_id)
        if not in_range:
            raise OutOfRangeError("source %d out of range" % operator.index(src_id))
        return s

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

    def dump_cache(self, *, with_contents: bool = True, with_names: bool = True) -> bytes:
        """The view as a cache file's bytes: :meth:`from_cache` opens them
        in microseconds whatever their size. Without contents the cache has
        no ``sourcesContent``; without names its tokens have no names."""
        ptr = self._get_ptr()
        out = ffi.new("uint8_t **")
        out_len = ffi.new("size_t *")
        err = ffi.new("lsm_error_t *")
        flags = self._cache_flags(with_contents, with_names)
        lib.lsm_view_dump_cache(ptr, flags, out, out_len, err)
        try:
            if err.code != 0:
                raise _native.exception_from(err)
            return ffi.buffer(out[0], out_len[0])[:]  # type: ignore[no-any-return]
        finally:
            lib.lsm_buffer_free(out[0])

    def dump_memdb(self, with_source_contents: bool = True, with_names: bool = True) -> bytes:
        """libsourcemap 0.8's name for :meth:`dump_cache`."""
        return self.dump_cache(with_contents=with_source_contents, with_names=with_names)

    def write_cache(
        self, path: PathArg, *, with_contents: bool = True, with_names: bool = True
    ) -> None:
        """Writes :meth:`dump_cache`'s bytes to the file at `path`, replacing
        it atomically (written beside it, then renamed), so that views open
        on the old file keep working."""
        raw = _native.fs_path(path)
        ptr = self._get_ptr()
        with capture_err() as (err, check):
            check(
                lib.lsm_view_write_cache(
                    ptr, self._cache_flags(with_contents, with_names), raw, err
                )
            )


    # ------------------------------------------- reverse lookups (reverse.py)

    def generated_position_for(
        self,
        source: Union[int, str],
        line: int,
        col: int,
        *,
        rule: RuleArg = LookupRule.GREATEST_LOWER_BOUND,
    ) -> Optional[Token]:
        """The token giving the generated position of original (`line`,
        `col`) in `source` (an index, or a name as written or resolved), or
        None: trace-mapping's ``generatedPositionFor``, 0-based. See
        :func:`libsourcemap.reverse.generated_position_for`."""
        from . import reverse

        return reverse.generated_position_for(self, source, line, col, rule=rule)

    def all_generated_positions_for(
        self,
        source: Union[int, str],
        line: int,
        col: Optional[int] = None,
        *,
        rule: RuleArg = LookupRule.LEAST_UPPER_BOUND,
    ) -> List[Token]:
        """Every token mapped to original (`line`, `col`) in `source` (the
        whole line when `col` is None): trace-mapping's
        ``allGeneratedPositionsFor``, 0-based. See
        :func:`libsourcemap.reverse.all_generated_positions_for`."""
        from . import reverse

        return reverse.all_generated_positions_for(self, source, line, col, rule=rule)


    # -------------------------------------------------- writing (encode.py)

    def to_json(self, *, with_contents: bool = True) -> bytes:
        """This view as an ECMA-426 source map (UTF-8 JSON) that reads back
        the same; an index map is written flattened. See
        :func:`libsourcemap.encode.to_json`."""
        from . import encode

        return encode.to_json(self, with_contents=with_contents)


_Loader = Callable[[], View]


class Index:
    """An index map (one with ``"sections"``), as libsourcemap 0.8 had it.

    The library flattens an index map into one view when it parses it;
    :meth:`into_view` hands that view over. An index map whose sections
    refer to their maps by ``url`` cannot be flattened: :attr:`can_flatten`
    is False and :meth:`into_view` raises :class:`CannotFlatten`.
    """

    __slots__ = ("_view", "_error", "_consumed")

    _view: Optional[View]
    _error: Optional[CannotFlatten]
    _consumed: bool

    def __init__(self) -> None:
        raise TypeError("Cannot instantiate indexes directly; use Index.from_json()")

    @classmethod
    def _make(cls, view: Optional[View], error: Optional[CannotFlatten]) -> "Index":
        rv = object.__new__(cls)
        rv._view = view
        rv._error = error
        rv._consumed = False
        return rv

    @classmethod
    def _from_result(cls, load: "_Loader") -> "Index":
        try:
            view = load()
        except CannotFlatten as exc:
            return cls._make(None, exc)
        if not view.is_index:
            view.close()
            raise BadSectionsError(
                'not an index map: "sections" is missing',
                lib.LSM_ERR_BAD_SECTIONS,
                error_name="LSM_ERR_BAD_SECTIONS",
            )
        return cls._make(view, None)

    @classmethod
    def _try_parse(cls, data: Any, length: int) -> Optional["Index"]:
        try:
            return cls._from_result(lambda: View._parse(data, length, lib.LSM_LOAD_DEFAULT))
        except SourceMapError:
            return None

    @classmethod
    def from_json(cls, buffer: JsonInput) -> "Index":
        """Parses an index map from JSON. A regular map raises
        :class:`BadSectionsError`."""
        data, length = _json_input(buffer)
        return cls._from_result(lambda: View._parse(data, length, lib.LSM_LOAD_DEFAULT))

    @classmethod
    def from_path(cls, path: PathArg) -> "Index":
        """Reads and parses the index map in the file at `path`."""
        return cls._from_result(lambda: View.from_path(path, allow_index=True))

    def _check(self) -> None:
        if self._consumed:
            raise ClosedViewError("the index is closed (or was turned into a view)")

    @property
    def can_flatten(self) -> bool:
        """True when no section refers to its map by ``url``."""
        self._check()
        return self._view is not None

    def into_view(self) -> View:
        """The flattened view. Consumes the index, as in libsourcemap 0.8:
        using it afterwards raises :class:`ClosedViewError`."""
        self._check()
        self._consumed = True
        view, error = self._view, self._error
        self._view = None
        if view is None:
            assert error is not None
            raise type(error)(
                error.message,
                error.code,
                error_name=error.error_name,
                offset=error.offset,
                line=error.line,
                segment=error.segment,
            )
        return view

    def close(self) -> None:
        """Frees the flattened view now. Harmless twice."""
        self._consumed = True
        if self._view is not None:
            self._view.close()
            self._view = None

    def __enter__(self) -> "Index":
        self._check()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._consumed:
            return "<Index closed>"
        return "<Index can_flatten=%s>" % (self._view is not None)


@overload
def from_json(
    buffer: JsonInput, auto_flatten: bool = ..., raise_for_index: "Literal[True]" = ...
) -> View: ...


@overload
def from_json(
    buffer: JsonInput, auto_flatten: bool = ..., raise_for_index: bool = ...
) -> Union[View, Index]: ...


def from_json(
    buffer: JsonInput, auto_flatten: bool = True, raise_for_index: bool = True
) -> Union[View, Index]:
    """Parses a source map, regular or index, from JSON (libsourcemap 0.8's
    entry point).

    An index map is flattened into a view when `auto_flatten` is true and
    its sections can be flattened. Otherwise it is an :class:`Index`: raised
    inside an :class:`IndexedSourceMap` error (its ``index``) when
    `raise_for_index` is true, else returned.
    """
    data, length = _json_input(buffer)
    try:
        view = View._parse(data, length, lib.LSM_LOAD_DEFAULT)
    except CannotFlatten as exc:
        index = Index._make(None, exc)
    else:
        if not view.is_index or auto_flatten:
            return view
        index = Index._make(view, None)
    if raise_for_index:
        raise IndexedSourceMap(
            "Unexpected source map index",
            lib.LSM_ERR_INDEX_MAP,
            index=index,
            error_name="LSM_ERR_INDEX_MAP",
        )
    return index

