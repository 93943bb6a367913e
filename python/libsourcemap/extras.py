"""The top-level fields a view keeps without interpreting them (unknown
keys and ``x_*`` extensions), read from the C library.

The library keeps each value as the JSON text the map had and
:meth:`View.to_json <libsourcemap.View.to_json>` writes it back unchanged;
:attr:`View.extra_fields <libsourcemap.View.extra_fields>` and
:attr:`View.extra_fields_raw <libsourcemap.View.extra_fields_raw>` call
:func:`extra_fields`. Views opened from cache files have none.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from ._native import capture_err, ffi, lib, to_str
from ._view_base import ViewBase

__all__ = ["extra_fields"]


def extra_fields(view: ViewBase, *, raw: bool = False) -> Dict[str, Any]:
    """The kept fields in the map's order, name -> value: the value parsed
    as JSON (``json.loads``), or with `raw` its JSON text exactly as the
    map had it (a str). A value Python's parser refuses stays its text."""
    ptr = view._get_ptr()
    count = int(lib.lsm_view_extra_count(ptr))
    out: Dict[str, Any] = {}
    if not count:
        return out
    name = ffi.new("const char **")
    name_len = ffi.new("size_t *")
    value = ffi.new("const char **")
    value_len = ffi.new("size_t *")
    for i in range(count):
        with capture_err() as (err, check):
            check(lib.lsm_view_extra_field(ptr, i, name, name_len, value, value_len, err))
        key = to_str(name[0], name_len[0]) or ""
        text = to_str(value[0], value_len[0]) or ""
        if raw:
            out[key] = text
            continue
        try:
            out[key] = json.loads(text)
        except ValueError:
            out[key] = text
    return out
