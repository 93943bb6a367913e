"""One frame's answer from the C library in two calls: its token and
function name (``lsm_js_frame_resolve``), and its context lines
(``lsm_view_source_context``). A view opened from a version 3 cache file
answers from what the file stores, without scanning JavaScript or
splitting sources; other views ask their namer and build each source's
line table once. The C calls are thread-safe, and each thread keeps its
own output buffers here, so frames take no lock."""

from __future__ import annotations

import struct
import threading
from typing import Any, List, Optional, Tuple

from .. import _native
from .._convert import Token
from .._native import ffi, lib
from ..js import Namer
from ..view import View

__all__ = ["FrameData", "ContextLines", "SNIP"]

#: What marks a cut in a trimmed line, as Sentry shows it.
SNIP = "{snip}"

#: (pre_context, context_line, post_context)
ContextLines = Tuple[List[str], str, List[str]]

_HOW = {0: "none", 1: "original", 2: "generated", 3: "anonymous"}
#: lsm_text_span_t in native layout: pointer, size_t, uint32_t, padding.
_SPAN = "PNI" + ("%dx" % (ffi.sizeof("lsm_text_span_t") - struct.calcsize("@PNI")))
_SPANS: "dict[int, struct.Struct]" = {}
_NAME_ROOM = 1024


class _Buffers(threading.local):
    """One thread's output structs, made once."""

    def __init__(self) -> None:
        self.tok = ffi.new("lsm_token_t *")
        self.buf = ffi.new("char[]", _NAME_ROOM)
        self.name_len = ffi.new("size_t *")
        self.how = ffi.new("int *")
        self.named = ffi.new("int *")
        self.err = ffi.new("lsm_error_t *")
        self.spans: Any = None
        self.raw: Any = None
        self.room = 0
        self.first = ffi.new("uint32_t *")
        self.count = ffi.new("uint32_t *")


class FrameData:
    """Frames of one generated file whose map is `view`. `namer` (over the
    same view) is asked for names when given; without one the view's
    stored names answer (a version 3 cache), else frames get no name."""

    def __init__(self, view: View, namer: Optional[Namer]) -> None:
        self.view = view
        self.namer = namer
        self.stored = bool(lib.lsm_view_has_frame_data(view._get_ptr()))
        #: The generated lines the map covers (fixed for a view).
        self.line_count = view.line_count
        #: Whether the map has Metro function maps / generated ranges
        #: (fixed for a view; asked once, not per frame).
        self.function_maps = view.has_function_maps
        self.ranges = int(lib.lsm_view_generated_range_count(view._get_ptr())) > 0
        self._bufs = _Buffers()

    def resolve(self, line: int, col: int) -> Tuple[int, Optional[Token], Optional[str], str]:
        """(status, token, name, how) for generated 0-based (line, col):
        status 1 found, 0 nothing mapped, 2 refused (the token found lies
        in a generated function that ends before the position); how is
        "original", "generated" or "none" (then name is None)."""
        b = self._bufs
        namer_ptr = self.namer._own.get() if self.namer is not None else ffi.NULL
        view_ptr = self.view._get_ptr()
        rc = lib.lsm_js_frame_resolve(
            view_ptr, namer_ptr, line, col, b.tok, b.buf, _NAME_ROOM, b.name_len, b.how,
            b.named, b.err,
        )
        if rc < 0:
            raise _native.exception_from(b.err)
        name: Optional[str] = None
        if b.named[0]:
            n = b.name_len[0]
            if n >= _NAME_ROOM:
                big = ffi.new("char[]", n + 1)
                rc = lib.lsm_js_frame_resolve(
                    view_ptr, namer_ptr, line, col, b.tok, big, n + 1, b.name_len, b.how,
                    b.named, b.err,
                )
                if rc < 0:
                    raise _native.exception_from(b.err)
                name = ffi.unpack(big, n).decode("utf-8", "replace")
            else:
                name = ffi.unpack(b.buf, n).decode("utf-8", "replace")
        return int(rc), self.view._tokens.found_or_none(b.tok), name, _HOW.get(b.how[0], "none")

    def context(
        self, src_id: int, line: int, col: int, n: int, trim: bool = False
    ) -> Optional[ContextLines]:
        """The context lines of source `src_id` around its 0-based `line`
        (`n` before and after), or None when the source has no contents or
        the line is past its end. With `trim`, long lines are cut around
        `col` as error trackers show them (140 columns, ``{snip}``)."""
        b = self._bufs
        room = 2 * n + 1
        if b.room < room:
            b.spans = ffi.new("lsm_text_span_t[]", room)
            b.room = room
            b.raw = ffi.buffer(b.spans)
        rc = lib.lsm_view_source_context(
            self.view._get_ptr(), src_id, line, col, n,
            lib.LSM_CONTEXT_TRIM if trim else 0, b.spans, b.room, b.first, b.count, b.err,
        )
        if rc < 0:
            raise _native.exception_from(b.err)
        if rc == 0:
            return None
        count = b.count[0]
        # The spans read in one unpack, and their bytes in one copy: the
        # lines of one source lie in order in its text.
        fields = _SPANS.get(count)
        if fields is None:
            fields = _SPANS[count] = struct.Struct("@" + _SPAN * count)
        vals = fields.unpack_from(b.raw)
        base = vals[0]
        region = ffi.unpack(b.spans[0].text, vals[-3] + vals[-2] - base)
        at = line - b.first[0]
        if (
            not trim
            and len(region) == sum(vals[1::3]) + count - 1
            and region.count(b"\n") == count - 1
            and b"\r" not in region
        ):
            # The gaps between spans are line terminators, here `count - 1`
            # single bytes, none a "\r": each is one "\n", and the region
            # holds no other "\n" (even from a damaged cache's table), so
            # one split gives exactly the spans.
            if region.isascii():
                lines = region.decode("ascii").split("\n")
            else:
                lines = [x.decode("utf-8", "replace") for x in region.split(b"\n")]
            return lines[:at], lines[at], lines[at + 1 :]
        lines = []
        # ASCII (most code): one decode, byte offsets are string offsets.
        whole: Any = region.decode("ascii") if region.isascii() else None
        for i in range(0, 3 * count, 3):
            start = vals[i] - base
            if whole is not None:
                text = whole[start : start + vals[i + 1]]
            else:
                text = region[start : start + vals[i + 1]].decode("utf-8", "replace")
            cut = vals[i + 2]
            if cut:
                if cut & 1:
                    text = SNIP + " " + text
                if cut & 2:
                    text = text + " " + SNIP
            lines.append(text)
        return lines[:at], lines[at], lines[at + 1 :]
