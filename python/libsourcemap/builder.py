"""Building source maps from tokens (the C library's ``lsm_builder_*``).

    >>> b = Builder(file="app.min.js")
    >>> src = b.add_source("src/app.js", contents="let answer = 42;\\n")
    >>> b.add_token(0, 0, src, 0, 4, name="answer")
    >>> b.to_json()
    b'{"version":3,"file":"app.min.js","sources":["src/app.js"],...}'
    >>> view = b.to_view()

Sources and names are deduplicated; tokens may be added in any order
(equal generated positions keep the order added). The map is checked as
the parser checks any map.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from ._native import NO_ID, capture_err, ffi, lib, own
from .view import View

__all__ = ["Builder"]


def _utf8(value: Optional[str], what: str) -> Any:
    if value is None:
        return ffi.NULL
    if not isinstance(value, str):
        raise TypeError("%s must be str or None, not %s" % (what, type(value).__name__))
    return value.encode("utf-8")


def _u32(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int" % what)
    if not 0 <= value < NO_ID:
        raise ValueError("%s must be in 0..%d, not %d" % (what, NO_ID - 1, value))
    return value


class Builder:
    """A source map under construction. Not thread-safe."""

    __slots__ = ("_own",)

    def __init__(
        self,
        *,
        file: Optional[str] = None,
        source_root: Optional[str] = None,
        debug_id: Optional[str] = None,
    ) -> None:
        with capture_err() as (err, check):
            ptr = check(lib.lsm_builder_new(err))
        self._own = own(ptr, "lsm_builder_free", what="builder")
        if file is not None:
            self.set_file(file)
        if source_root is not None:
            self.set_source_root(source_root)
        if debug_id is not None:
            self.set_debug_id(debug_id)

    def _set(self, func: Any, value: Optional[str], what: str) -> None:
        data = _utf8(value, what)
        with capture_err() as (err, check):
            check(func(self._own.get(), data, 0 if value is None else len(data), err))

    def set_file(self, file: Optional[str]) -> None:
        """Sets (None: removes) ``file``."""
        self._set(lib.lsm_builder_set_file, file, "file")

    def set_source_root(self, root: Optional[str]) -> None:
        """Sets (None: removes) ``sourceRoot``."""
        self._set(lib.lsm_builder_set_source_root, root, "source_root")

    def set_debug_id(self, debug_id: Optional[str]) -> None:
        """Sets (None: removes) ``debugId``."""
        self._set(lib.lsm_builder_set_debug_id, debug_id, "debug_id")

    def add_source(self, name: Optional[str], contents: Optional[str] = None) -> int:
        """The index of source `name` (added when new; None adds a null
        source). `contents`, when given, becomes its ``sourcesContent``."""
        data = _utf8(name, "name")
        with capture_err() as (err, check):
            index = int(check(lib.lsm_builder_add_source(
                self._own.get(), data, 0 if name is None else len(data), err)))
        if contents is not None:
            self.set_source_contents(index, contents)
        return index

    def set_source_contents(self, src_id: int, contents: Optional[str]) -> None:
        """Sets (None: removes) the contents of source `src_id`."""
        data = _utf8(contents, "contents")
        with capture_err() as (err, check):
            check(lib.lsm_builder_set_source_contents(
                self._own.get(), _u32(src_id, "src_id"), data,
                0 if contents is None else len(data), err))

    def add_name(self, name: str) -> int:
        """The index of `name` (added when new)."""
        if not isinstance(name, str):
            raise TypeError("name must be str, not %s" % type(name).__name__)
        data = name.encode("utf-8")
        with capture_err() as (err, check):
            return int(check(lib.lsm_builder_add_name(self._own.get(), data, len(data), err)))

    def ignore_source(self, src: Union[int, str]) -> None:
        """Puts a source (an index, or a name, added when new) on the
        ignore list."""
        index = self.add_source(src) if isinstance(src, str) else _u32(src, "src")
        with capture_err() as (err, check):
            check(lib.lsm_builder_ignore_source(self._own.get(), index, err))

    def add_token(
        self,
        dst_line: int,
        dst_col: int,
        src: Union[int, str, None] = None,
        src_line: Optional[int] = None,
        src_col: Optional[int] = None,
        name: Union[int, str, None] = None,
    ) -> None:
        """Maps generated (`dst_line`, `dst_col`) to (`src_line`,
        `src_col`) of `src` (an index, or a name added when new), named
        `name` (an index or a name). Without `src` the position maps to
        nothing (a 1-field segment)."""
        if src is None:
            src_id = line = col = name_id = NO_ID
        else:
            src_id = self.add_source(src) if isinstance(src, str) else _u32(src, "src")
            if src_line is None or src_col is None:
                raise ValueError("a token with a source needs src_line and src_col")
            line, col = _u32(src_line, "src_line"), _u32(src_col, "src_col")
            if name is None:
                name_id = NO_ID
            elif isinstance(name, str):
                name_id = self.add_name(name)
            else:
                name_id = _u32(name, "name")
        with capture_err() as (err, check):
            check(lib.lsm_builder_add_token(
                self._own.get(), _u32(dst_line, "dst_line"), _u32(dst_col, "dst_col"),
                src_id, line, col, name_id, err))

    def to_json(self) -> bytes:
        """The map built so far as UTF-8 JSON (the builder is unchanged)."""
        out = ffi.new("uint8_t **")
        out_len = ffi.new("size_t *")
        with capture_err() as (err, check):
            check(lib.lsm_builder_to_json(self._own.get(), out, out_len, err))
        try:
            return bytes(ffi.buffer(out[0], out_len[0]))
        finally:
            lib.lsm_buffer_free(out[0])

    def to_view(self) -> View:
        """A :class:`View` of the map built so far."""
        with capture_err() as (err, check):
            ptr = check(lib.lsm_builder_to_view(self._own.get(), err))
        return View._wrap(ptr)

    # ------------------------------------------------------ extra fields

    def set_extra_field(self, name: str, json_text: Union[str, bytes, None]) -> None:
        """Sets the top-level field `name` to the JSON value `json_text`
        (written as given), or with None removes it: how ``x_*``
        extensions, ``scopes`` or unknown fields that
        :attr:`View.extra_fields_raw` gives are carried into a built map.
        Fields are written after the standard ones in the order first
        set; setting one again replaces its value in place. A value that
        is not exactly one JSON value as a map may hold it (strict
        strings, nesting at most 999 levels) raises
        :class:`MalformedJsonError`; the names the builder writes itself
        (``sources``, ``mappings``, ``debugId``...) raise
        :class:`InvalidArgumentError` (a ``ValueError``)."""
        if not isinstance(name, str):
            raise TypeError("name must be str, not %s" % type(name).__name__)
        if json_text is not None and not isinstance(json_text, (str, bytes)):
            raise TypeError("json_text must be str, bytes or None, not %s"
                            % type(json_text).__name__)
        key = name.encode("utf-8")
        value = json_text.encode("utf-8") if isinstance(json_text, str) else json_text
        with capture_err() as (err, check):
            check(lib.lsm_builder_set_extra(
                self._own.get(), key, len(key), ffi.NULL if value is None else value,
                0 if value is None else len(value), err))
