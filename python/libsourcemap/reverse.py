"""Reverse lookups: from an original position to the generated ones.

The answers are trace-mapping 0.3's ``generatedPositionFor`` and
``allGeneratedPositionsFor`` (computed by the C library, which builds a
per-source index of the view's tokens on the first call), with 0-based
lines and columns throughout. Only tokens on the asked original line are
ever answered.

    >>> from libsourcemap.reverse import generated_position_for
    >>> token = generated_position_for(view, "src/app.js", 41, 8)
    >>> token.dst_line, token.dst_col

:meth:`View.generated_position_for <libsourcemap.View.generated_position_for>`
and :meth:`View.all_generated_positions_for
<libsourcemap.View.all_generated_positions_for>` call these.
"""

from __future__ import annotations

import array
import operator
import threading
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _native
from ._convert import (
    RULE_VALUES,
    U32_CODE,
    LookupRule,
    UNSET as _UNSET,
    RuleArg,
    Token,
    rule_value,
    thread_token,
)
from ._native import NO_ID, U32_MAX, capture_err, ffi, lib
from ._view_base import ViewBase
from .errors import OutOfRangeError

_generated_position_for = lib.lsm_generated_position_for
_all_generated_positions_for = lib.lsm_all_generated_positions_for
_tls = threading.local()


def _thread_tokens(count: int) -> Tuple[Any, int]:
    """This thread's array of at least `count` ``lsm_token_t`` and its
    length, for all_generated_positions_for: views are shared between
    threads, so the output cannot live on the view."""
    have = getattr(_tls, "tokens", None)
    if have is None or have[1] < count:
        size = max(count, 16)
        have = _tls.tokens = (ffi.new("lsm_token_t[]", size), size)
    return have

__all__ = [
    "SourceArg",
    "source_index",
    "generated_position_for",
    "all_generated_positions_for",
    "make_cursor",
    "slow_path",
    "all_positions",
]

#: A source: its index in the view's sources, or its name as written in
#: ``sources`` or as resolved against ``sourceRoot``.
SourceArg = Union[int, str]


def source_index(view: ViewBase, source: SourceArg) -> int:
    """The index of `source` in `view`'s sources. A name finds the first
    source written that way, else the first that resolves to it; an unknown
    name raises :class:`~libsourcemap.NoSourceError`, an index past the
    sources :class:`~libsourcemap.OutOfRangeError`."""
    ptr = view._get_ptr()
    if isinstance(source, str):
        data = source.encode("utf-8")
        with capture_err() as (err, check):
            return int(check(lib.lsm_view_find_source(ptr, data, len(data), err)))
    if isinstance(source, bool):
        raise TypeError("a source is an index or a name, not a bool")
    try:
        index = operator.index(source)
    except TypeError:
        raise TypeError(
            "a source is an index or a name, not %s" % type(source).__name__
        ) from None
    count = int(lib.lsm_view_source_count(ptr))
    if not 0 <= index < count:
        raise OutOfRangeError("source %d of %d" % (index, count), lib.LSM_ERR_OUT_OF_RANGE,
                              error_name="LSM_ERR_OUT_OF_RANGE")
    return index


def _original(line: int, col: Optional[int]) -> "tuple[int, int]":
    """(line, col) as the C API's uint32_t; None for col is LSM_NO_ID (the
    whole line). Negative positions are refused as trace-mapping refuses
    them; positions past 32 bits are clamped, which answers the same since
    no token lies that far."""
    line_v = operator.index(line)
    if line_v < 0:
        raise ValueError("line must be >= 0, not %d" % line_v)
    if col is None:
        col_v = NO_ID
    else:
        col_v = operator.index(col)
        if col_v < 0:
            raise ValueError("column must be >= 0, not %d" % col_v)
    return min(line_v, U32_MAX - 1), (col_v if col is None else min(col_v, U32_MAX - 1))


def _rule(rule: RuleArg) -> int:
    try:
        if rule is True or rule is False:
            raise TypeError
        return RULE_VALUES[rule]
    except (KeyError, TypeError):
        return rule_value(rule)


def generated_position_for(
    view: ViewBase,
    source: SourceArg,
    line: int,
    col: int,
    *,
    rule: RuleArg = LookupRule.GREATEST_LOWER_BOUND,
) -> Optional[Token]:
    """The token giving the generated position of original (`line`, `col`)
    in `source` (0-based), or None. Under ``"greatest_lower_bound"`` (the
    default) the first token at `col`, else the last at the greatest column
    before it; under ``"least_upper_bound"`` the last token at `col`, else
    the first at the least column after it; always on `line`."""
    # The common call (an index and positions in range) converts nothing
    # and passes err as NULL; a failure is repeated to learn why.
    if type(source) is int and 0 <= source < U32_MAX:
        src_id = source
    else:
        src_id = source_index(view, source)
    if type(line) is int and type(col) is int and 0 <= line < U32_MAX and 0 <= col < U32_MAX:
        line_v, col_v = line, col
    else:
        line_v, col_v = _original(line, col)
    rule_v = _rule(rule)
    ptr = view._get_ptr()
    out = thread_token()
    rv = _generated_position_for(ptr, src_id, line_v, col_v, rule_v, out, ffi.NULL)
    if rv == 1:
        return view._tokens.found(out)
    if rv < 0:
        source_index(view, source)  # an index past the sources raises here
        with capture_err() as (err, check):
            check(lib.lsm_generated_position_for(ptr, src_id, line_v, col_v, rule_v, out, err))
    return None


def all_generated_positions_for(
    view: ViewBase,
    source: SourceArg,
    line: int,
    col: Optional[int] = None,
    *,
    rule: RuleArg = LookupRule.LEAST_UPPER_BOUND,
) -> List[Token]:
    """Every token mapped to original (`line`, `col`) in `source`: those at
    `col` if any, else those at the nearest column after it (the default
    ``"least_upper_bound"``) or before it (``"greatest_lower_bound"``), on
    `line` only; with `col` None, every token on `line`. Sorted by original
    column, then generated position."""
    # As generated_position_for: plain ints in range convert nothing, err
    # is NULL and the output array is this thread's; a failure is repeated
    # to learn why.
    if type(source) is int and 0 <= source < U32_MAX:
        src_id = source
    else:
        src_id = source_index(view, source)
    if (type(line) is int and 0 <= line < U32_MAX
            and (col is None or (type(col) is int and 0 <= col < U32_MAX))):
        line_v, col_v = line, (NO_ID if col is None else col)
    else:
        line_v, col_v = _original(line, col)
    rule_v = _rule(rule)
    ptr = view._get_ptr()
    out, cap = _thread_tokens(16)
    n = int(_all_generated_positions_for(ptr, src_id, line_v, col_v, rule_v, out, cap, ffi.NULL))
    if n > cap:
        out, cap = _thread_tokens(n)
        n = int(_all_generated_positions_for(ptr, src_id, line_v, col_v, rule_v, out, cap, ffi.NULL))
    if n < 0:
        source_index(view, source)  # an index past the sources raises here
        with capture_err() as (err, check):
            check(lib.lsm_all_generated_positions_for(
                ptr, src_id, line_v, col_v, rule_v, out, cap, err))
        return []
    return [t for t in view._tokens.many(out, n) if t is not None]


def make_cursor(view: ViewBase, rule: RuleArg) -> Tuple[Any, ...]:
    """(cursor, the array it writes to, the view's source and name caches)
    for single reverse lookups under `rule` on the calling thread:
    ``lsm_reverse_cursor_t`` takes three arguments per lookup where
    :func:`generated_position_for` passes seven, and a cffi call in ABI
    mode pays for each (see batch.make_cursor, its forward counterpart).
    The cursor borrows the view (own() keeps its memory alive) and its
    array (kept alive by the cursor's owner)."""
    value = _rule(rule)
    out = array.array(U32_CODE, bytes(24))
    parent = view._own
    view_ptr = parent.get()
    with capture_err() as (err, check):
        ptr = check(lib.lsm_reverse_cursor_new(
            view_ptr, value, ffi.from_buffer("uint32_t[]", out), err))
    owned = _native.own(ptr, "lsm_reverse_cursor_free", what="reverse cursor", parent=parent,
                        keepalive=out)
    del view_ptr
    srcs, names = view._tokens.caches()
    return (owned.ptr, out, srcs, names)


def slow_path(view: ViewBase, cursors: Dict[Any, Any], source: SourceArg, line: int, col: int,
              rule: RuleArg) -> Optional[Token]:
    """:meth:`View.generated_position_for
    <libsourcemap.View.generated_position_for>` off its fast path (the
    first call of a rule on a thread, a source by name, positions that are
    not plain ints within 32 bits, errors): :func:`generated_position_for`
    checks and converts everything and raises what it raises; then this
    thread's cursor for `rule` is made and kept in `cursors` (the view's
    per-thread dict) for the next call."""
    token = generated_position_for(view, source, line, col, rule=rule)
    try:
        known = rule in cursors
    except TypeError:  # unhashable: no cursor, always this path
        return token
    if not known:
        cursors[rule] = make_cursor(view, rule)
    return token


# ------------------------------------------- all positions, by cursor

_reverse_cursor_all = lib.lsm_reverse_cursor_all
_new_tuple = tuple.__new__


def _thread_records(count: int) -> Tuple[Any, Any, int]:
    """This thread's array of at least `count` 6-uint32 records for
    lsm_reverse_cursor_all: (the array, a pointer to it, its capacity in
    records)."""
    have = getattr(_tls, "records", None)
    if have is None or have[2] < count:
        size = max(count, 64)
        buf = array.array(U32_CODE, bytes(24 * size))
        have = _tls.records = (buf, ffi.from_buffer("uint32_t[]", buf), size)
    return have


def all_positions(view: Any, source: SourceArg, line: int, col: Optional[int],
                  rule: RuleArg) -> List[Token]:
    """:meth:`View.all_generated_positions_for
    <libsourcemap.View.all_generated_positions_for>`: with an index, ints
    in range and a rule used before on this thread, one 5-argument call
    of this thread's reverse cursor (shared with generated_position_for)
    writes plain uint32 records into a reused array, and Tokens are made
    from them with the view's source and name caches. Anything else goes
    through :func:`all_generated_positions_for`, which converts and
    raises, and the cursor is made for the next call."""
    cursors = view._rcursors.__dict__
    try:
        cursor, _ids, srcs, names = cursors[rule]
        if type(source) is not int or (col is not None and col >= U32_MAX):
            raise TypeError
        buf, ptr, cap = _tls.records
        line_col = line << 32 | (NO_ID if col is None else col)
        n = _reverse_cursor_all(cursor, source, line_col, ptr, cap)
        if n > cap:
            buf, ptr, cap = _thread_records(n)
            n = _reverse_cursor_all(cursor, source, line_col, ptr, cap)
    except (KeyError, TypeError, OverflowError, AttributeError):
        n = -1
    if n < 0:
        tokens = all_generated_positions_for(view, source, line, col, rule=rule)
        _thread_records(0)
        try:
            known = rule in cursors
        except TypeError:  # unhashable: no cursor, always this path
            return tokens
        if not known:
            cursors[rule] = make_cursor(view, rule)
        return tokens
    # Most calls find one token: slicing the array for it is cheaper than
    # a memoryview and struct, or a range.
    records = (buf[:6],) if n == 1 else [buf[i:i + 6] for i in range(0, 6 * n, 6)]
    result: List[Token] = []
    for dl, dc, sl, sc, sid, nid in records:
        src = srcs[sid]
        if src is _UNSET:
            src = view._tokens.string("src", sid)
        if nid == NO_ID:
            name = None
        else:
            name = names[nid]
            if name is _UNSET:
                name = view._tokens.string("name", nid)
        result.append(_new_tuple(Token, (dl, dc, src, sl, sc, sid, name)))
    return result
