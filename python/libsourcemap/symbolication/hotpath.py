"""The warm path of :meth:`Symbolicator.symbolicate_frame`: a frame of a
generated file already seen, answered by one C call
(``lsm_js_frame_query``: token, function name and context lines in one
struct and one buffer) and a few reads of what this module remembers per
generated file and per source (file name, in-app flag, path on disk).

It answers only the plain case: a mapped position whose source has
contents in the map, no Hermes offsets, function maps or scopes, no
trimming. Anything else (a refusal, an error, a frame that needs the
disk) returns None and the general path answers, with the same result it
always gave; the warm path builds exactly the frame the general path
would."""

from __future__ import annotations

import struct
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

from .._native import Owned, ffi, lib
from .results import PAST_THE_MAP, SymbolicatedFrame

__all__ = ["HotFile"]

#: lsm_frame_answer_t: sixteen 4-byte fields.
_ANSWER = struct.Struct("=iiiIIIIIIIiIIIiI")
_NO_ID = 0xFFFFFFFF
_HOW = {0: "none", 1: "original", 2: "generated", 3: "anonymous"}
_ROOM = 8192
_LINES_KEPT = 4096
_LINES_BYTES = 4 << 20

#: (file name, in app, normalized path on disk) of one source.
SourceInfo = Tuple[Optional[str], bool, Optional[str]]

#: The fields the warm path reads (status, dst_line and dst_col skipped).
_PICK = struct.Struct("=4xiiI8xIIIIiIIIiI")
_query_frame = lib.lsm_js_frame_query
_NULL = ffi.NULL

if _ANSWER.size != ffi.sizeof("lsm_frame_answer_t"):  # pragma: no cover - header drift
    raise ImportError("lsm_frame_answer_t is not sixteen 4-byte fields")
_AT = ffi.offsetof("lsm_frame_query_t", "answer")


class _Query:
    """One thread's lsm_frame_query_t over a view (and namer), with its
    byte buffer (a bytearray C writes into; the answer decodes slices of
    it)."""

    __slots__ = ("q", "raw", "data", "ptr", "room", "context", "keep")

    def __init__(self, view_ptr: Any, namer_ptr: Any, context: int, room: int) -> None:
        self.q = ffi.new("lsm_frame_query_t *")
        self.raw = ffi.buffer(self.q)
        self.keep = (view_ptr, namer_ptr)  # the query borrows them
        self.q.view = view_ptr
        self.q.namer = namer_ptr
        self.q.context = self.context = context
        self.room = 0
        self.data = bytearray()
        self.grow(room)

    def grow(self, room: int) -> None:
        self.data = bytearray(room)
        self.ptr = ffi.from_buffer(self.data)  # kept: the query borrows it
        self.q.buf = self.ptr
        self.q.size = self.room = room


class HotFile:
    """What every frame of one generated file shares: the view and namer
    handles, the generated-side strings, and per source id its file name,
    in-app flag and path (`source_info(src_id)` computes one, once), and
    the map's names decoded once per name id."""

    __slots__ = ("view_own", "namer_own", "owners", "local", "line_count", "file_str",
                 "map_str", "sources", "source_info", "names", "lines", "lines_bytes")

    def __init__(
        self,
        view_own: Owned,
        namer_own: Optional[Owned],
        line_count: int,
        file_str: str,
        map_str: str,
        source_count: int,
        source_info: Callable[[int], SourceInfo],
    ) -> None:
        self.view_own = view_own
        self.namer_own = namer_own
        #: Every handle the query borrows, directly or not (a handle's
        #: parents are fixed when it is made): one closed, and the general
        #: path answers (it raises ClosedViewError as always).
        owners: List[Owned] = []
        node: Optional[Owned] = namer_own if namer_own is not None else view_own
        while node is not None:
            owners.append(node)
            node = node.parent
        if view_own not in owners:
            owners.append(view_own)
        self.owners = tuple(owners)
        self.local = threading.local()
        self.line_count = line_count
        self.file_str = file_str
        self.map_str = map_str
        #: Per source id: its source_info(), asked once.
        self.sources: List[Optional[SourceInfo]] = [None] * source_count
        self.source_info = source_info
        self.names: Dict[int, str] = {}
        #: (source id, first line, line count) -> the context lines decoded,
        #: a tuple (frames get slices, which their lists are made from when
        #: read: see SymbolicatedFrame), for frames at the same
        #: lines (a trace's frames, the same error again). Emptied when it
        #: would pass _LINES_KEPT entries or _LINES_BYTES bytes of text
        #: (lines_bytes, the UTF-8 bytes kept); a window of more than a
        #: sixteenth of that is never kept.
        self.lines: Dict[Tuple[int, int, int], Tuple[str, ...]] = {}
        self.lines_bytes = 0

    def _query(self, context: int) -> _Query:
        """This thread's query, made on its first frame."""
        view_ptr = self.view_own.get()
        namer_ptr = self.namer_own.get() if self.namer_own is not None else ffi.NULL
        qq = self.local.q = _Query(view_ptr, namer_ptr, context, _ROOM)
        return qq

    def answer(
        self, frame: Any, context: int, make: Callable[..., Any] = SymbolicatedFrame
    ) -> Any:
        """The symbolicated `frame` (a :class:`Frame` of this file), or
        None when the general path must answer. The answer is `make`
        called with the frame's fields in SymbolicatedFrame's order: the
        frame itself, or for symbolicate_many's workers its row in transit
        (made straight from the fields, no frame built and then read)."""
        lineno = frame.lineno
        colno = frame.colno
        if (
            frame.is_eval
            or frame.is_native
            or frame.hermes is not None
            or lineno is None
            or lineno < 1
            or (colno is not None and colno < 1)
        ):
            return None
        owners = self.owners
        if owners[0].ptr is None or owners[-1].ptr is None:  # closed
            return None
        if len(owners) > 2:
            for own in owners:
                if own.ptr is None:
                    return None
        if lineno > self.line_count:  # whatever the column: the general path's order
            return self._past(frame, make)
        if colno is None or colno > _NO_ID:
            return None
        try:
            qq: _Query = self.local.q
        except AttributeError:
            if not 0 <= context <= 1000:
                return None
            qq = self._query(context)
        if qq.context != context:
            if not 0 <= context <= 1000:
                return None
            qq.q.context = qq.context = context
        if _query_frame(qq.q, lineno - 1, colno - 1, _NULL) != 1:
            return None
        (how, named, name_len, src_line, src_col, src_id, name_id, has_context,
         first, count, text_len, token_named, token_len) = _PICK.unpack_from(qq.raw, _AT)
        if not has_context or src_id == _NO_ID:
            return None
        text_at = name_len + token_len
        total = text_at + text_len
        if total >= qq.room:
            qq.grow(total + _ROOM)
            if _query_frame(qq.q, lineno - 1, colno - 1, _NULL) != 1:
                return None
            (how, named, name_len, src_line, src_col, src_id, name_id, has_context,
             first, count, text_len, token_named, token_len) = _PICK.unpack_from(qq.raw, _AT)
            text_at = name_len + token_len
            total = text_at + text_len
            if not has_context or src_id == _NO_ID or total >= qq.room:
                return None
        data = qq.data
        key = (src_id, first, count)
        lines = self.lines.get(key)
        if lines is None:
            lines = tuple(data[text_at:total].decode("utf-8", "replace").split("\n"))
            if len(lines) != count:  # a line holding "\n": only from a damaged table
                return None
            if text_len <= _LINES_BYTES >> 4:  # lines of minified code: not kept
                if len(self.lines) >= _LINES_KEPT or self.lines_bytes + text_len > _LINES_BYTES:
                    self.lines.clear()
                    self.lines_bytes = 0
                self.lines[key] = lines
                self.lines_bytes += text_len
        source = self.sources[src_id]
        if source is None:
            source = self.sources[src_id] = self.source_info(src_id)
        function = frame.function
        if function is not None and frame.is_constructor:
            function = "new " + function
        # The keys in the order the general path writes them (repr shows it).
        generated = {"filename": frame.filename, "lineno": lineno, "colno": colno,
                     "function": function, "file": self.file_str, "map": self.map_str}
        kind = _HOW.get(how, "none")
        if kind == "anonymous":
            function = "<anonymous>"
        elif kind != "none":
            function = data[:name_len].decode("utf-8", "replace") if named else None
        call_name = None
        if token_named:
            call_name = self.names.get(name_id)
            if call_name is None:
                call_name = self.names[name_id] = data[name_len:text_at].decode("utf-8", "replace")
        at = src_line - first
        name, in_app, path = source
        return make(name, src_line + 1, src_col + 1, function, frame.raw, lines[at], lines[:at],
                    lines[at + 1 :], None, None, True, path, in_app, kind, generated, (), False,
                    call_name)

    def _past(self, frame: Any, make: Callable[..., Any]) -> Any:
        """The general path's answer to a frame whose line the map does
        not reach (a third of real frames: Node's loader lines in a
        one-line bundle), `make` called with its fields."""
        function = frame.display_function
        generated = {"filename": frame.filename, "lineno": frame.lineno, "colno": frame.colno,
                     "function": function, "file": self.file_str, "map": self.map_str}
        return make(frame.filename, frame.lineno, frame.colno, function, frame.raw, None, (), (),
                    "position_outside_map", PAST_THE_MAP % (frame.lineno, self.line_count),
                    False, None, None, None, generated, (), False, None)


#: Per Symbolicator: generated URL -> its HotFile, or None when its frames
#: always take the general path.
HotFiles = Dict[str, Optional[HotFile]]
