"""React Native's segmented bundles: a segment's own map from
``x_facebook_segments``. Function maps and Hermes offsets of a map are on
:class:`View` itself (``function_name_at``, ``hermes_position``)."""

from __future__ import annotations

from typing import Optional

from ._native import U32_MAX, capture_err, ffi, lib
from .view import View

__all__ = ["segment_map"]


def segment_map(view: View, segment: int) -> Optional[View]:
    """The map of `segment` that `view`'s ``x_facebook_segments`` holds, as
    a new :class:`View` (index maps flattened), or None when it lists no
    such segment. A malformed segment map raises its parse error."""
    if segment < 0 or segment > U32_MAX:
        return None
    with capture_err() as (err, check):
        ptr = check(lib.lsm_view_segment_map(view._get_ptr(), segment, lib.LSM_LOAD_DEFAULT, err))
    if ptr == ffi.NULL:
        return None
    return View._wrap(ptr)
