"""Range mappings (``rangeMappings``, the ECMA-426 range mappings proposal).

Every view reads the current encoding on its own, and its lookups add the
offset into a range (see :attr:`View.range_mapping_count
<libsourcemap.View.range_mapping_count>`). This module reads maps written
in the proposal's two older encodings, which cannot be told apart from the
current one by looking: ``"one_based"`` (every value a positive delta from
the previous 1-based index) and ``"bits"`` (a bit field per line)."""

from __future__ import annotations

from ._convert import JsonInput, json_input
from ._native import lib
from .view import View

__all__ = ["ENCODINGS", "from_json"]

#: The encodings of ``rangeMappings`` and the library's load flag for each.
ENCODINGS = {
    "current": 0,
    "one_based": lib.LSM_LOAD_RANGE_MAPPINGS_ONE_BASED,
    "bits": lib.LSM_LOAD_RANGE_MAPPINGS_BITS,
}


def from_json(buffer: JsonInput, *, encoding: str = "current", allow_index: bool = False) -> View:
    """Parses a source map whose ``rangeMappings`` is in `encoding`
    (``"current"``, ``"one_based"`` or ``"bits"``); otherwise as
    :meth:`View.from_json`. An unknown encoding raises ``ValueError``."""
    if encoding not in ENCODINGS:
        raise ValueError("unknown rangeMappings encoding %r (one of %s)"
                         % (encoding, ", ".join(sorted(ENCODINGS))))
    extra = ENCODINGS[encoding]
    data, length = json_input(buffer)
    return View._load(lambda flags: View._parse(data, length, flags | extra), allow_index)
