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

import operator
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
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
    overload,
)

from . import _native
from . import telemetry as _telemetry
from ._convert import (
    CacheInput,
    JsonInput,
    LookupRule,
    PathArg,
    RuleArg,
    Token,
    TokenBuilder,
    UNSET as _UNSET,
    cache_input,
    json_input,
    position,
    rule_value as _rule_value,
)
from . import batch as _batch
from . import reverse as _reverse
from ._native import NO_ID, U32_MAX, capture_err, ffi, lib
from ._view_readers import ViewReaders
from .errors import (
    BadScopesError,
    BadSectionsError,
    CannotFlatten,
    ClosedViewError,
    IndexedSourceMap,
    MalformedJsonError,
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
]

_V = TypeVar("_V", bound="View")

_lookup_ex = lib.lsm_lookup_ex
_cursor_find = lib.lsm_cursor_find
_reverse_lookup = lib.lsm_reverse_cursor_lookup
_new_tuple = tuple.__new__

#: The message of the IndexedSourceMap raised for an index map where a
#: regular one was asked for (the library's own, for LSM_LOAD_REJECT_INDEX).
_INDEX_MAP_MESSAGE = "expected a regular source map, not an index map"

#: How much of a file View.open() reads for lsm_is_cache (more than any
#: cache magic).
_CACHE_PROBE_BYTES = 64


class View(ViewReaders):
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

    __slots__ = ("_tokens", "_origin", "_cursors", "_rcursors")
    # How to open the view again when unpickled: ("path", path, allow_index)
    # or ("cache_path", path) for a view opened from a file, else None (it
    # then travels as its cache bytes).
    _origin: Optional[Tuple[Any, ...]]
    _cursors: threading.local
    _rcursors: threading.local

    def __init__(self) -> None:
        raise TypeError(
            "Cannot instantiate views directly; use View.from_json(), View.from_path() "
            "or View.from_cache()"
        )

    # ------------------------------------------------------------ making

    @classmethod
    def _wrap(cls: Type[_V], ptr: Any, keepalive: object = None, size: int = 0) -> _V:
        rv = object.__new__(cls)
        rv._own = _native.own(ptr, "lsm_view_free", what="view", keepalive=keepalive, size=size)
        rv._tokens = TokenBuilder(rv._own)
        rv._origin = None
        # This thread's lookup cursors by rule as given (lsm_cursor_t:
        # lookup_token passes one argument per call, see _cursor).
        rv._cursors = threading.local()
        # And its reverse lookup cursors (lsm_reverse_cursor_t), by rule.
        rv._rcursors = threading.local()
        return rv

    def _cursor(self, rule: RuleArg) -> Tuple[Any, ...]:
        """This thread's lookup cursor for `rule` (see batch.make_cursor)."""
        entry = _batch.make_cursor(self, rule)
        cursors: Dict[Any, Any] = self._cursors.__dict__
        cursors[rule] = entry
        return entry

    def close(self) -> None:
        """Frees the view's native memory now (or, when other threads are in
        a call on it, as soon as the last of those returns). Closing twice
        is harmless; any other use afterwards raises
        :class:`ClosedViewError`."""
        super().close()
        # Forget the cursors, so that the next lookup makes one and finds
        # the view closed (a cursor holds the view's memory, never stale).
        self._cursors = threading.local()
        self._rcursors = threading.local()

    @classmethod
    def _parse(cls: Type[_V], data: Any, length: int, flags: int) -> _V:
        # bytes cannot change and the view keeps them alive: the library
        # reads "sourcesContent" in place rather than copying it.
        borrow = type(data) is bytes
        if borrow:
            flags |= lib.LSM_LOAD_BORROW
        with _telemetry.span("libsourcemap.parse") as span:
            with capture_err() as (err, check):
                ptr = check(lib.lsm_view_from_json_ex(data, length, flags, err))
            rv = cls._wrap(ptr, keepalive=data if borrow else None, size=length)
            span.view(ptr)
        return rv

    @classmethod
    def _load(cls: Type[_V], load: Callable[[int], _V], allow_index: bool) -> _V:
        """Parses once with `load(flags)`, flattening index maps; when
        `allow_index` is false an index map raises IndexedSourceMap with its
        Index made from that one parse. Only a map that fails past its JSON
        (a broken index map among them) is parsed again, rejecting index
        maps, so that its error is the one the library gives when index maps
        are refused."""
        if allow_index:
            return load(lib.LSM_LOAD_DEFAULT)
        try:
            view = load(lib.LSM_LOAD_DEFAULT)
        except CannotFlatten as exc:
            raise _index_map_error(Index._make(None, exc)) from None
        except (MalformedJsonError, BadScopesError):
            raise  # the JSON itself, or scopes (only regular maps have them)
        except SourceMapError:
            load(lib.LSM_LOAD_REJECT_INDEX).close()  # raises that error
            raise  # pragma: no cover - the second parse fails as the first
        if view.is_index:
            raise _index_map_error(Index._make(view, None))
        return view

    @classmethod
    def from_json(
        cls: Type[_V], buffer: JsonInput, *, allow_index: bool = False, strict_scopes: bool = False
    ) -> _V:
        """Parses a source map from JSON (``str``, ``bytes`` or any
        bytes-like object). A leading byte order mark and a ``)]}'`` line
        are skipped. ``bytes`` are read in place and kept alive by the view
        (``sourcesContent`` is not copied); other inputs are copied from.

        An index map raises :class:`IndexedSourceMap` (whose ``index`` holds
        the parsed :class:`Index`), as in libsourcemap 0.8; with
        ``allow_index=True`` it is flattened into one view instead.
        :func:`from_json` decides by its own options.

        Bad ECMA-426 scope data is dropped (see :attr:`scopes_warning`);
        with ``strict_scopes=True`` it raises :class:`BadScopesError`.
        """
        data, length = json_input(buffer)
        extra = lib.LSM_LOAD_STRICT_SCOPES if strict_scopes else 0
        return cls._load(lambda flags: cls._parse(data, length, flags | extra), allow_index)

    @classmethod
    def from_path(cls: Type[_V], path: PathArg, *, allow_index: bool = False) -> _V:
        """Reads and parses the source map in the file at `path` (``str``,
        ``bytes`` or path-like); the library maps the file itself. A file
        that cannot be read raises :class:`SourceMapIOError` (an
        ``OSError``). Index maps are treated as by :meth:`from_json`."""
        raw = _native.fs_path(path)

        def load(flags: int) -> _V:
            with _telemetry.span("libsourcemap.parse", path=os.fsdecode(raw)) as span:
                with capture_err() as (err, check):
                    ptr = check(lib.lsm_view_from_path(raw, flags, err))
                rv = cls._wrap(ptr)
                span.view(ptr)
            return rv

        view = cls._load(load, allow_index)
        view._origin = ("path", os.path.abspath(raw), allow_index)
        return view

    @classmethod
    def from_cache(cls: Type[_V], buffer: CacheInput) -> _V:
        """Opens a view over the bytes of a cache file (see
        :meth:`dump_cache`). The view reads the bytes in place and keeps
        them alive; a writable buffer is copied first so that it cannot
        change under the view. Bytes that are not a cache this library can
        read raise a :class:`CacheError`."""
        data, length = cache_input(buffer)
        with _telemetry.span("libsourcemap.cache.open") as span:
            with capture_err() as (err, check):
                ptr = check(lib.lsm_view_from_cache(data, length, err))
            rv = cls._wrap(ptr, keepalive=data, size=length)
            span.view(ptr)
        return rv

    @classmethod
    def from_cache_path(cls: Type[_V], path: PathArg) -> _V:
        """Opens a view over the cache file at `path`, mapped read-only by
        the library (and unmapped when the view is freed). The file must not
        be rewritten in place while the view is open; replace it by renaming
        (as :meth:`write_cache` does)."""
        raw = _native.fs_path(path)
        with _telemetry.span("libsourcemap.cache.open", path=os.fsdecode(raw)) as span:
            with capture_err() as (err, check):
                ptr = check(lib.lsm_view_from_cache_path(raw, err))
            rv = cls._wrap(ptr)
            span.view(ptr)
        rv._origin = ("cache_path", os.path.abspath(raw))
        return rv

    @classmethod
    def open(cls: Type[_V], path: PathArg) -> _V:
        """Opens the file at `path` whatever it holds: a cache file (told
        by the library, ``lsm_is_cache``, from its first bytes, whatever
        its name) as by :meth:`from_cache_path`, else a source map, regular
        or index, as by ``from_path(path, allow_index=True)``."""
        raw = _native.fs_path(path)
        try:
            with open(raw, "rb") as f:
                head = f.read(_CACHE_PROBE_BYTES)
        except OSError:
            head = b""  # from_path reports why the file cannot be read
        if lib.lsm_is_cache(head, len(head)):
            return cls.from_cache_path(raw)
        return cls.from_path(raw, allow_index=True)

    @classmethod
    def from_memdb(cls: Type[_V], buffer: CacheInput) -> _V:
        """libsourcemap 0.8's name for :meth:`from_cache`."""
        return cls.from_cache(buffer)

    @classmethod
    def from_memdb_file(cls: Type[_V], path: PathArg) -> _V:
        """libsourcemap 0.8's name for :meth:`from_cache_path`."""
        return cls.from_cache_path(path)

    # ------------------------------------------------------------ tokens

    def __len__(self) -> int:
        return int(lib.lsm_view_token_count(self._get_ptr()))

    def _token_at(self, ptr: Any, index: int, out: Any, err: Any) -> Token:
        if not 0 <= index <= U32_MAX:
            raise OutOfRangeError("token index %d out of range" % index)
        if lib.lsm_view_get_token(ptr, index, out, err) < 0:
            raise _native.exception_from(err)
        return self._tokens.any(out)

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
            for token in self._tokens.many(out, n, unmapped=True):
                if self._own.ptr is None:
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
        ``"least_upper_bound"``). Where several tokens share a position,
        each rule picks among them as libsourcemap 0.8 (the default) and
        trace-mapping (the others) do; see the header's LSM_RULE_*.
        """
        # The common call (ints in range, a rule used before on this
        # thread) is one dict lookup, a three-argument call and the array's
        # six numbers: this is the hot path of symbolication. Anything
        # else (a first call, other types, positions out of range: cffi
        # raises OverflowError for those, TypeError for non-ints) raises
        # on the way and takes the slow path. Line and column go as two
        # uint32_t: cffi converts CPython's single-digit ints on a fast
        # path, which a packed 64-bit position would miss.
        try:
            cursor, numbers, srcs, names = self._cursors.__dict__[rule]  # type: ignore[index]
            found = _cursor_find(cursor, line, col)
        except (KeyError, TypeError, OverflowError):
            return self._lookup_slow(line, col, rule)
        if not found:
            return None
        dl, dc, sl, sc, sid, nid = numbers()
        src = srcs[sid]
        if src is _UNSET:
            src = self._tokens.string("src", sid)
        name = None if nid == NO_ID else names[nid]
        if name is _UNSET:
            name = self._tokens.string("name", nid)
        return _new_tuple(Token, (dl, dc, src, sl, sc, sid, name))

    def _lookup_slow(self, line: int, col: int, rule: RuleArg) -> Optional[Token]:
        """lookup_token() for a first call on this thread and rule, or
        positions that are not plain ints within 32 bits."""
        line, col = position(line), position(col)  # negative, or clamped to 32 bits
        if line < 0 or col < 0:
            return None
        try:
            hash(rule)
        except TypeError:
            _rule_value(rule)  # raises for an unhashable rule
        cursors: Dict[Any, Any] = self._cursors.__dict__
        if rule not in cursors:
            self._cursor(rule)  # raises when the view is closed or the rule unknown
        return self.lookup_token(line, col, rule=rule)

    def lookup_tokens(
        self,
        positions: Iterable[Tuple[int, int]],
        *,
        rule: RuleArg = LookupRule.GREATEST_LOWER_BOUND,
    ) -> List[Optional[Token]]:
        """Looks up many (line, col) positions in one call into the
        library: the list of what :meth:`lookup_token` would return for
        each, in order."""
        return _batch.lookup_tokens(self, positions, rule=rule)

    def lookup_columns(
        self,
        lines: "_batch.Positions",
        cols: "_batch.Positions",
        *,
        rule: RuleArg = LookupRule.GREATEST_LOWER_BOUND,
    ) -> "_batch.LookupColumns":
        """Looks up the positions (``lines[i]``, ``cols[i]``) in one call
        into C, which runs without the GIL, answering in six uint32 arrays
        (``dst_line``, ``dst_col``, ``src_line``, ``src_col``, ``src_id``,
        ``name_id``; 0xFFFFFFFF where nothing maps) instead of Tokens.
        `lines` and `cols` are buffers of uint32 (``array.array("I")``,
        numpy ``uint32``; used in place) or iterables of ints. See
        :func:`libsourcemap.batch.lookup_columns`."""
        return _batch.lookup_columns(self, lines, cols, rule=rule)

    # --------------------------------------------------- reverse lookups

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
        # As lookup_token: an index and ints in range, with a rule used
        # before on this thread, cost a dict lookup and a 3-argument call.
        cursors = self._rcursors.__dict__
        try:
            cursor, ids, srcs, names = cursors[rule]  # type: ignore[index]
            if type(source) is not int or col >= U32_MAX:
                raise TypeError
            found = _reverse_lookup(cursor, source, line << 32 | col)
        except (KeyError, TypeError, OverflowError):
            found = -1
        if found != 1:
            if found < 0:  # converts, raises, or makes the cursor
                return _reverse.slow_path(self, cursors, source, line, col, rule)
            return None
        dl, dc, sl, sc, sid, nid = ids
        src = srcs[sid]
        if src is _UNSET:
            src = self._tokens.string("src", sid)
        name = None if nid == NO_ID else names[nid]
        if name is _UNSET:
            name = self._tokens.string("name", nid)
        return _new_tuple(Token, (dl, dc, src, sl, sc, sid, name))


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
    def from_json(cls, buffer: JsonInput) -> "Index":
        """Parses an index map from JSON. A regular map raises
        :class:`BadSectionsError`."""
        data, length = json_input(buffer)
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
    data, length = json_input(buffer)
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


def _index_map_error(index: Index) -> IndexedSourceMap:
    """The error for an index map where a regular one was asked for, as
    the library reports it under LSM_LOAD_REJECT_INDEX."""
    return IndexedSourceMap(
        _INDEX_MAP_MESSAGE, lib.LSM_ERR_INDEX_MAP, index=index, error_name="LSM_ERR_INDEX_MAP"
    )

