"""Writing views as source maps (JSON), computed by the C library.

:meth:`View.to_json <libsourcemap.View.to_json>` calls :func:`to_json`.
"""

from __future__ import annotations

from ._native import capture_err, ffi, lib
from ._view_base import ViewBase

__all__ = ["to_json"]


def to_json(view: ViewBase, *, with_contents: bool = True) -> bytes:
    """`view` as an ECMA-426 source map: UTF-8 JSON bytes that read back
    as the same tokens, sources, contents, names, ignore list, debug ID,
    file and sourceRoot. An index map is written flattened. Without
    `with_contents` there is no ``sourcesContent``."""
    flags = lib.LSM_JSON_DEFAULT if with_contents else lib.LSM_JSON_NO_CONTENTS
    ptr = view._get_ptr()
    out = ffi.new("uint8_t **")
    out_len = ffi.new("size_t *")
    with capture_err() as (err, check):
        check(lib.lsm_view_to_json(ptr, flags, out, out_len, err))
    try:
        return bytes(ffi.buffer(out[0], out_len[0]))
    finally:
        lib.lsm_buffer_free(out[0])
