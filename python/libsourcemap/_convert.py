"""Conversions between Python values and the C API's: input coercion
(JSON and cache bytes, positions, lookup rules) and the one Token builder.

Every :class:`Token` the package returns is made here by a
:class:`TokenBuilder`, whatever call filled the ``lsm_token_t`` (a lookup,
a batch of lookups, iteration, the namer): one place knows the struct's
layout and caches each source and name string once per view.
"""

from __future__ import annotations

import array
import enum
import operator
import os
import struct
import threading
from typing import Any, Dict, List, NamedTuple, Optional, Tuple, Union

from ._native import NO_ID, U32_MAX, Owned, ffi, lib, to_str

__all__ = [
    "PathArg",
    "JsonInput",
    "CacheInput",
    "Token",
    "LookupRule",
    "RuleArg",
    "TokenBuilder",
    "rule_value",
    "RULE_VALUES",
    "position",
    "json_input",
    "cache_input",
    "thread_token",
    "U32_CODE",
]

#: What a path argument may be.
PathArg = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
#: JSON input: str (encoded as UTF-8), bytes or any bytes-like object.
JsonInput = Union[str, bytes, bytearray, memoryview]
#: Cache input: bytes or any bytes-like object.
CacheInput = Union[bytes, bytearray, memoryview]


class Token(NamedTuple):
    """One mapping: a generated position and the original one it maps to.

    ``src`` is the source's name joined with ``sourceRoot`` exactly as
    libsourcemap 0.8 gave it (:meth:`View.get_source_name`; see
    docs/compatibility.md); ``src_id`` indexes the view's sources.
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


def rule_value(rule: RuleArg) -> int:
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




# Lookup rules by every spelling lookup_token takes without conversion.
RULE_VALUES: Dict[Any, int] = {}
for _r in LookupRule:
    RULE_VALUES[_r] = _r.value
    RULE_VALUES[_r.name.lower()] = _r.value
    RULE_VALUES[int(_r.value)] = _r.value

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
U32_CODE = "I" if array.array("I").itemsize == 4 else "L"


def _string_at(address: int, length: int) -> Optional[str]:
    if not address:
        return None
    return ffi.unpack(ffi.cast("char *", address), length).decode("utf-8", "replace")  # type: ignore[no-any-return]


_new_tuple = tuple.__new__
_tls = threading.local()


def thread_token() -> Any:
    """This thread's ``lsm_token_t`` for single lookups: views are shared
    between threads, so the output buffer cannot live on the view."""
    try:
        return _tls.token
    except AttributeError:
        _tls.token = token = ffi.new("lsm_token_t *")
        return token



def position(value: int) -> int:
    """A line or column as the C API's uint32_t: negative stays negative
    (the caller answers None), past 32 bits is clamped, which resolves the
    same under every rule since no token lies that far."""
    v = operator.index(value)
    return v if v < U32_MAX else U32_MAX


def json_input(buffer: JsonInput) -> Tuple[Any, int]:
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


def cache_input(buffer: CacheInput) -> Tuple[Any, int]:
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



#: A cache slot not filled yet (None is a real value: a null source).
UNSET = _UNSET = object()


class TokenBuilder:
    """Makes the :class:`Token` s of one view from filled ``lsm_token_t``
    structs. A token's strings borrow from the view, so they are decoded
    here, once per source and name id, and reused: the same few strings
    recur across lookups and decoding them is not free. The caches are
    sized on first use, so that opening a view stays O(1).

    The caller holds the view's cdata while calling (the strings it reads
    live in the view's memory)."""

    __slots__ = ("_owner", "_srcs", "_names")

    def __init__(self, owner: Owned) -> None:
        self._owner = owner
        self._srcs: Optional[List[Any]] = None
        self._names: List[Any] = []

    def _fill(self) -> List[Any]:
        ptr = self._owner.get()
        self._names = [_UNSET] * lib.lsm_view_name_count(ptr)
        srcs = self._srcs = [_UNSET] * lib.lsm_view_source_count(ptr)
        return srcs

    def caches(self) -> Tuple[List[Any], List[Any]]:
        """The lists of decoded sources and names by id (UNSET where not
        decoded yet), filled in place as lookups meet them."""
        srcs = self._srcs
        if srcs is None:
            srcs = self._fill()
        return srcs, self._names

    def string(self, kind: str, index: int) -> Optional[str]:
        """Source `index` (as Token.src has it) or name `index`, decoded and
        cached: the cold path of :meth:`from_ids`."""
        srcs = self._srcs
        if srcs is None:
            srcs = self._fill()
        table = srcs if kind == "src" else self._names
        value = table[index]
        if value is _UNSET:
            size = ffi.new("size_t *")
            ptr = self._owner.get()
            if kind == "src":
                s = lib.lsm_view_source_joined(ptr, index, size, ffi.NULL)
            else:
                s = lib.lsm_view_name(ptr, index, size, ffi.NULL)
            value = table[index] = to_str(s, size[0])
        return value  # type: ignore[no-any-return]

    def found(self, t: Any) -> Token:
        """The Token of a found ``lsm_token_t`` (one with a source)."""
        srcs = self._srcs
        if srcs is None:
            srcs = self._fill()
        src_id = t.src_id
        src = srcs[src_id]
        if src is _UNSET:
            src = srcs[src_id] = to_str(t.src, t.src_len)
        name_id = t.name_id
        if name_id == NO_ID:
            name = None
        else:
            name = self._names[name_id]
            if name is _UNSET:
                name = self._names[name_id] = to_str(t.name, t.name_len)
        # tuple.__new__ skips the namedtuple's Python-level __new__.
        return _new_tuple(Token, (t.dst_line, t.dst_col, src, t.src_line, t.src_col, src_id, name))

    def any(self, t: Any) -> Token:
        """The Token of any ``lsm_token_t``: one from a 1-field segment
        (no source) has only its generated position."""
        if t.src_id == NO_ID:
            return _new_tuple(Token, (t.dst_line, t.dst_col, None, None, None, None, None))
        return self.found(t)

    def found_or_none(self, t: Any) -> Optional[Token]:
        """:meth:`found`, or None for a struct without a source."""
        return None if t.src_id == NO_ID else self.found(t)

    def many(self, out: Any, count: int, unmapped: bool = False) -> List[Optional[Token]]:
        """Tokens from `count` filled ``lsm_token_t`` s at `out`: None
        where a struct has no source, or with `unmapped` a Token with only
        its generated position. The structs are unpacked in one pass by the
        struct module rather than field by field through cffi."""
        layout = _TOKEN_LAYOUT
        if layout is None:
            one = self.any if unmapped else self.found_or_none
            return [one(out[i]) for i in range(count)]
        srcs = self._srcs
        if srcs is None:
            srcs = self._fill()
        names = self._names
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
