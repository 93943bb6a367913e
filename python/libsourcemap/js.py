"""JavaScript helpers on the C library: locating a generated file's source
map (``sourceMappingURL`` and ``debugId`` comments, ``data:`` URLs),
function scopes, and the namer that gives stack frames their original
function names.

Every C handle here is owned through :func:`libsourcemap._native.own`; a
namer borrows its view, so using one after its view was closed raises
:class:`ClosedViewError` (the view's memory stays valid until the namer
goes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Set, Tuple, Union

from . import _native
from ._convert import Token
from ._native import capture_err, ffi, lib
from .view import View

__all__ = [
    "source_mapping_url",
    "debug_id",
    "decode_data_url",
    "map_debug_id",
    "get_original_function_name",
    "normalize_debug_id",
    "Scope",
    "Scopes",
    "Namer",
]


def _as_bytes(text: Union[str, bytes]) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)


def source_mapping_url(generated: Union[str, bytes]) -> Optional[str]:
    """The URL of the last ``//# sourceMappingURL=`` comment among the
    trailing comments of generated JavaScript (ECMA-426's extraction
    without parsing), or None."""
    data = _as_bytes(generated)
    out = ffi.new("char **")
    n = ffi.new("size_t *")
    with capture_err() as (err, check):
        found = check(lib.lsm_js_source_mapping_url(data, len(data), out, n, err))
    if found != 1:
        return None
    return ffi.unpack(out[0], n[0]).decode("utf-8", "replace")  # type: ignore[no-any-return]


def debug_id(generated: Union[str, bytes]) -> Optional[str]:
    """The value of the last ``//# debugId=`` comment among the trailing
    comments of generated JavaScript, as written, or None."""
    data = _as_bytes(generated)
    out = ffi.new("char **")
    n = ffi.new("size_t *")
    with capture_err() as (err, check):
        found = check(lib.lsm_js_debug_id(data, len(data), out, n, err))
    if found != 1:
        return None
    return ffi.unpack(out[0], n[0]).decode("utf-8", "replace")  # type: ignore[no-any-return]


def map_debug_id(data: Union[str, bytes]) -> Optional[str]:
    """The debug ID of the source map in `data` (its top-level ``debugId``,
    or the legacy ``debug_id``), as written, or None. Read by the library
    without building a view (``lsm_json_probe``); only an ID written with
    JSON escapes is read by parsing the map. Raises :class:`SourceMapError`
    for bytes that are not a JSON object."""
    raw = _as_bytes(data)
    out = ffi.new("lsm_json_probe_t *")
    with capture_err() as (err, check):
        check(lib.lsm_json_probe(raw, len(raw), out, err))
    if out.debug_id_escaped:
        with View.from_json(raw, allow_index=True) as view:
            return view.debug_id
    if out.debug_id == ffi.NULL:
        return None
    return ffi.unpack(out.debug_id, out.debug_id_len).decode("utf-8", "replace")  # type: ignore[no-any-return]


def decode_data_url(url: Union[str, bytes]) -> bytes:
    """The bytes of a source map ``data:`` URL (base64 or percent-encoded,
    a JSON media type). Raises :class:`SourceMapError` otherwise."""
    data = _as_bytes(url)
    out = ffi.new("uint8_t **")
    n = ffi.new("size_t *")
    err = ffi.new("lsm_error_t *")
    lib.lsm_data_url_decode(data, len(data), out, n, err)
    try:
        if err.code != 0:
            raise _native.exception_from(err)
        return ffi.buffer(out[0], n[0])[:]  # type: ignore[no-any-return]
    finally:
        lib.lsm_buffer_free(out[0])


def get_original_function_name(
    view: View,
    line: int,
    col: int,
    minified_name: str,
    minified_source: Union[str, bytes],
) -> Optional[str]:
    """:meth:`View.get_original_function_name` as a function."""
    return view.get_original_function_name(line, col, minified_name, minified_source)


def normalize_debug_id(value: str) -> str:
    """A debug ID as compared: lower case, without dashes or braces."""
    return re.sub(r"[^0-9a-f]", "", value.lower())


@dataclass(frozen=True)
class Scope:
    """One function scope found by :class:`Scopes` (0-based lines and
    UTF-16 columns; ``end`` is just past its last token)."""

    index: int
    start: Tuple[int, int]
    end: Tuple[int, int]
    name: Optional[str]
    name_position: Optional[Tuple[int, int]]
    parent: Optional[int]


class Scopes:
    """The function scopes of a JavaScript (or TypeScript/JSX) text, from
    the C scanner (``lsm_js_scopes_build``)."""

    def __init__(self, text: Union[str, bytes], *, jsx: bool = True) -> None:
        data = _as_bytes(text)
        flags = lib.LSM_JS_DEFAULT if jsx else lib.LSM_JS_NO_JSX
        with capture_err() as (err, check):
            ptr = check(lib.lsm_js_scopes_build_ex(data, len(data), flags, err))
        self._own = _native.own(ptr, "lsm_js_scopes_free", what="scopes object")

    def close(self) -> None:
        """Frees the scopes now (when no call is in progress); any use
        afterwards raises :class:`ClosedViewError`."""
        self._own.close()

    def __len__(self) -> int:
        return int(lib.lsm_js_scopes_count(self._own.get()))

    @staticmethod
    def _scope(s: Any) -> Scope:
        no = _native.NO_ID
        return Scope(
            index=int(s.index),
            start=(int(s.start_line), int(s.start_col)),
            end=(int(s.end_line), int(s.end_col)),
            name=_native.to_str(s.name, s.name_len),
            name_position=None if s.name_line == no else (int(s.name_line), int(s.name_col)),
            parent=None if s.parent == no else int(s.parent),
        )

    def __getitem__(self, index: int) -> Scope:
        out = ffi.new("lsm_js_scope_t *")
        with capture_err() as (err, check):
            check(lib.lsm_js_scopes_get(self._own.get(), index, out, err))
        return self._scope(out)

    def __iter__(self) -> Iterator[Scope]:
        for i in range(len(self)):
            yield self[i]

    def at(self, line: int, col: int) -> Optional[Scope]:
        """The innermost scope containing (line, col), 0-based, or None at
        the top level."""
        out = ffi.new("lsm_js_scope_t *")
        with capture_err() as (err, check):
            found = check(lib.lsm_js_scope_at(self._own.get(), line, col, out, err))
        return self._scope(out) if found == 1 else None


class Namer:
    """``lsm_js_namer_t``: the lookup rule for stack frames and original
    function names, for one generated file whose map is `view`.

    The namer borrows the view: it holds the view's memory alive, and once
    the view is closed every call raises :class:`ClosedViewError`. The C
    namer is safe to share between threads (it builds each source's scopes
    once and publishes them atomically), so calls need no lock."""

    HOW = {0: "none", 1: "original", 2: "generated", 3: "anonymous"}

    def __init__(self, view: View, generated: Optional[bytes]) -> None:
        self.view = view
        self.given: Set[int] = set()
        self._text: Optional[bytes] = None  # what a deferred namer borrows
        data = generated if generated is not None else ffi.NULL
        length = len(generated) if generated is not None else 0
        parent = view._own
        view_ptr = parent.get()  # holds the view's memory until own() holds it
        with capture_err() as (err, check):
            ptr = check(lib.lsm_js_namer_new(view_ptr, data, length, 0, err))
        self._own = _native.own(ptr, "lsm_js_namer_free", what="namer", parent=parent)
        del view_ptr

    @classmethod
    def from_scopes(cls, view: View, scopes: Any) -> "Namer":
        """A namer over generated scopes already built by
        ``lsm_js_scopes_build`` (an ``lsm_js_scopes_t *`` the caller owns
        no more: it passes to the namer, or is freed at once on failure),
        for a scan run on another thread while the map loaded."""
        self = cls.__new__(cls)
        self.view = view
        self.given = set()
        parent = view._own
        view_ptr = parent.get()
        with capture_err() as (err, check):
            ptr = check(lib.lsm_js_namer_new_with_scopes(view_ptr, scopes, 0, err))
        self._own = _native.own(ptr, "lsm_js_namer_free", what="namer", parent=parent)
        del view_ptr
        return self

    def close(self) -> None:
        """Frees the namer now (when no call is in progress); any use
        afterwards raises :class:`ClosedViewError`."""
        self._own.close()

    def give_source(self, src_id: int, text: bytes) -> None:
        """Gives the text of source `src_id` (once; later calls for the same
        source do nothing), for a map without its ``sourcesContent``."""
        if src_id in self.given:
            return
        with capture_err() as (err, check):
            check(lib.lsm_js_namer_set_source(self._own.get(), src_id, text, len(text), err))
        self.given.add(src_id)  # after: no thread names with the text missing

    def lookup(self, line: int, col: int) -> Tuple[int, Optional[Token]]:
        """``lsm_js_namer_lookup``: (1 found / 0 nothing / 2 refused, the
        token found or refused, else None)."""
        out = ffi.new("lsm_token_t *")
        ptr = self._own.get()
        with capture_err() as (err, check):
            rc = int(check(lib.lsm_js_namer_lookup(ptr, line, col, out, err)))
        # The token's strings live in the view, which `ptr` keeps alive.
        return rc, self.view._tokens.found_or_none(out)

    def name_at(self, line: int, col: int) -> Tuple[Optional[str], str]:
        """(name, how) of the function enclosing generated (line, col); how
        is "original", "generated" or "none" (then name is None)."""
        n = ffi.new("size_t *")
        how = ffi.new("int *")
        buf = ffi.new("char[]", 512)  # per call: threads share the namer
        ptr = self._own.get()
        with capture_err() as (err, check):
            rc = check(lib.lsm_js_namer_name_at(ptr, line, col, buf, len(buf), n, how, err))
            if rc == 1 and n[0] >= len(buf):
                buf = ffi.new("char[]", n[0] + 1)
                rc = check(lib.lsm_js_namer_name_at(ptr, line, col, buf, len(buf), n, how, err))
        name = ffi.unpack(buf, n[0]).decode("utf-8", "replace") if rc == 1 else None
        return name, self.HOW.get(int(how[0]), "none")

    # ------------------------------------------- the generated scan deferred

    @classmethod
    def deferred(cls, view: View, generated: bytes, coming: bool = False) -> "Namer":
        """``lsm_js_namer_new_deferred``: a namer that scans `generated`
        only when a call first needs the generated code's functions (a
        frame at a mapped token whose original function is known needs
        none). Same answers as ``Namer(view, generated)``; the bytes are
        borrowed by C and kept alive here. With `coming`
        (``LSM_NAMES_SCOPES_COMING``) a scan runs elsewhere: calls that
        need it wait for :meth:`give_scopes`, which must follow (with
        NULL if that scan failed)."""
        self = cls.__new__(cls)
        self.view = view
        self.given = set()
        self._text = generated
        parent = view._own
        view_ptr = parent.get()
        with capture_err() as (err, check):
            flags = lib.LSM_NAMES_SCOPES_COMING if coming else 0
            ptr = check(lib.lsm_js_namer_new_deferred(view_ptr, generated, len(generated), flags,
                                                      err))
        self._own = _native.own(ptr, "lsm_js_namer_free", what="namer", parent=parent)
        del view_ptr
        return self

    def prepare(self) -> None:
        """``lsm_js_namer_prepare``: scans a deferred namer's generated
        file now (for a helper thread; waits while another thread scans)."""
        with capture_err() as (err, check):
            check(lib.lsm_js_namer_prepare(self._own.get(), err))

    def give_scopes(self, scopes: Any) -> None:
        """``lsm_js_namer_give_scopes``: hands over scopes built by
        ``lsm_js_scopes_build`` from the same text (an
        ``lsm_js_scopes_t *`` the caller owns no more: kept, or freed);
        NULL when that scan failed (the namer then scans itself)."""
        try:
            ptr = self._own.get()
        except Exception:
            if scopes != ffi.NULL:
                lib.lsm_js_scopes_free(scopes)  # the namer is gone: nobody takes them
            raise
        with capture_err() as (err, check):
            check(lib.lsm_js_namer_give_scopes(ptr, scopes, err))
