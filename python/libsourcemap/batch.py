"""Batch lookups: many generated positions in one C call, answered as a
list of Tokens (:func:`lookup_tokens`) or as six arrays of uint32
(:func:`lookup_columns`, no Python object per position).

:meth:`View.lookup_tokens <libsourcemap.View.lookup_tokens>` and
:meth:`View.lookup_columns <libsourcemap.View.lookup_columns>` call them.
"""

from __future__ import annotations

import array
import sys
from typing import Any, Iterable, List, Optional, Tuple, Union

from . import _native
from ._convert import RULE_VALUES, U32_CODE, LookupRule, RuleArg, Token, position, rule_value
from ._native import NO_ID, U32_MAX, capture_err, ffi, lib
from ._view_base import ViewBase

__all__ = ["LookupColumns", "lookup_columns", "lookup_tokens", "make_cursor", "NOT_FOUND"]

#: The value of every column where nothing maps (``LSM_NO_ID``).
NOT_FOUND: int = NO_ID

#: Anything :func:`lookup_columns` takes as lines or columns: a buffer of
#: uint32 (``array.array("I")``, a numpy ``uint32`` array, ...) or any
#: iterable of ints.
Positions = Union["array.array[int]", memoryview, bytes, Iterable[int]]


class LookupColumns:
    """The answers of :func:`lookup_columns`, one entry per position asked,
    in the order asked. Each attribute is an ``array.array("I")`` (uint32,
    supporting the buffer protocol: ``numpy.frombuffer`` or
    ``numpy.asarray`` take it without a copy); :data:`NOT_FOUND`
    (0xFFFFFFFF) where nothing maps, and in ``name_id`` where the token has
    no name. ``found`` counts the positions that map."""

    __slots__ = ("dst_line", "dst_col", "src_line", "src_col", "src_id", "name_id", "found")

    def __init__(self, count: int) -> None:
        zeros = bytes(4 * count)
        self.dst_line = array.array(U32_CODE, zeros)
        self.dst_col = array.array(U32_CODE, zeros)
        self.src_line = array.array(U32_CODE, zeros)
        self.src_col = array.array(U32_CODE, zeros)
        self.src_id = array.array(U32_CODE, zeros)
        self.name_id = array.array(U32_CODE, zeros)
        self.found = 0

    def __len__(self) -> int:
        return len(self.dst_line)

    def __repr__(self) -> str:
        return "<LookupColumns positions=%d found=%d>" % (len(self), self.found)


def _u32_buffer(values: Positions, what: str) -> Tuple[Any, int, object]:
    """(cdata of uint32s, count, what keeps them alive): buffers of 4-byte
    unsigned ints are used in place, anything else is converted (and
    checked to be in 0..2^32-1)."""
    if not isinstance(values, (str, bytes)):
        try:
            view = memoryview(values)  # type: ignore[arg-type]
        except TypeError:
            view = None
        native = ("I", "L", "@I", "@L", "=I", "=L") + (
            ("<I", "<L") if sys.byteorder == "little" else (">I", ">L")
        )
        if view is not None and view.itemsize == 4 and view.format in native and view.c_contiguous:
            return ffi.from_buffer("uint32_t[]", view), view.nbytes // 4, view
    try:
        converted = array.array(U32_CODE, values)
    except OverflowError:
        raise ValueError("%s must be in 0..%d" % (what, U32_MAX)) from None
    except TypeError:
        raise TypeError("%s must be a buffer of uint32 or an iterable of ints" % what) from None
    return ffi.from_buffer("uint32_t[]", converted), len(converted), converted


def lookup_columns(
    view: ViewBase,
    lines: Positions,
    cols: Positions,
    *,
    rule: RuleArg = LookupRule.GREATEST_LOWER_BOUND,
) -> LookupColumns:
    """Looks up the generated positions (``lines[i]``, ``cols[i]``), 0-based,
    in one call into C, which runs without the GIL. `lines` and `cols` are
    buffers of uint32 (used in place) or iterables of ints, of one length.
    `rule` is as for :meth:`View.lookup_token`."""
    line_buf, n_lines, keep_lines = _u32_buffer(lines, "lines")
    col_buf, n_cols, keep_cols = _u32_buffer(cols, "cols")
    if n_lines != n_cols:
        raise ValueError("lines and cols differ in length (%d and %d)" % (n_lines, n_cols))
    result = LookupColumns(n_lines)
    if n_lines == 0:
        return result
    outs = [
        ffi.from_buffer("uint32_t[]", a)
        for a in (result.dst_line, result.dst_col, result.src_line, result.src_col,
                  result.src_id, result.name_id)
    ]
    ptr = view._get_ptr()
    with capture_err() as (err, check):
        found = check(
            lib.lsm_lookup_columns(
                ptr, line_buf, col_buf, n_lines, rule_value(rule), *outs, err
            )
        )
    del keep_lines, keep_cols
    result.found = int(found)
    return result


def lookup_tokens(
    view: ViewBase,
    positions: Iterable[Tuple[int, int]],
    *,
    rule: RuleArg = LookupRule.GREATEST_LOWER_BOUND,
) -> List[Optional[Token]]:
    """Looks up many (line, col) positions in one call into the library:
    the list of what :meth:`View.lookup_token` would return for each, in
    order."""
    value = rule_value(rule)
    ptr = view._get_ptr()
    pos_list = positions if isinstance(positions, list) else list(positions)
    negative: List[int] = []
    try:
        # The common input converts in C: array() refuses negatives,
        # values past 32 bits and non-integers, which take the slow
        # path below.
        lines_a = array.array(U32_CODE, [line for line, _ in pos_list])
        cols_a = array.array(U32_CODE, [col for _, col in pos_list])
    except (OverflowError, TypeError, IndexError, KeyError, ValueError):
        lines: List[int] = []
        cols: List[int] = []
        for i, pos in enumerate(pos_list):
            line, col = pos
            line_v, col_v = position(line), position(col)
            if line_v < 0 or col_v < 0:
                negative.append(i)
                line_v = col_v = 0
            lines.append(line_v)
            cols.append(col_v)
        lines_a = array.array(U32_CODE, lines)
        cols_a = array.array(U32_CODE, cols)
    count = len(lines_a)
    out = ffi.new("lsm_token_t[]", max(count, 1))
    err = ffi.new("lsm_error_t *")
    rv = lib.lsm_lookup_many(
        ptr,
        ffi.from_buffer("uint32_t[]", lines_a) if count else ffi.NULL,
        ffi.from_buffer("uint32_t[]", cols_a) if count else ffi.NULL,
        count,
        value,
        out,
        err,
    )
    if rv < 0:
        raise _native.exception_from(err)
    result = view._tokens.many(out, count)
    for i in negative:
        result[i] = None
    return result


def make_cursor(view: ViewBase, rule: RuleArg) -> Tuple[Any, ...]:
    """(cursor, a function giving the six numbers it last wrote as a list,
    the view's source and name caches) for single lookups under `rule` on
    the calling thread: lsm_cursor_t takes only the position per lookup,
    where a cffi call in ABI mode pays for each argument. The cursor
    borrows the view (own() keeps its memory alive) and its array (kept
    alive by the cursor's owner). The array's bound ``tolist`` reads the
    six numbers faster than unpacking the array itself (measured with
    bench/py/lookup_token_vs_08.py)."""
    value = RULE_VALUES.get(rule) if not isinstance(rule, bool) else None
    if value is None:
        value = rule_value(rule)
    out = array.array(U32_CODE, bytes(24))
    parent = view._own
    view_ptr = parent.get()
    with capture_err() as (err, check):
        ptr = check(lib.lsm_cursor_new(view_ptr, value, ffi.from_buffer("uint32_t[]", out), err))
    owned = _native.own(ptr, "lsm_cursor_free", what="cursor", parent=parent, keepalive=out)
    del view_ptr
    srcs, names = view._tokens.caches()
    return (owned.ptr, out.tolist, srcs, names)
