"""The figures the C library keeps for a view (``lsm_view_stats``), as
:class:`ViewStats`. Public as ``libsourcemap.telemetry.ViewStats`` and
``libsourcemap.ViewStats``; it lives here so that importing
:mod:`.telemetry` (which every view does, for its spans) does not import
``dataclasses``. Imports nothing of the package."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Union

__all__ = ["ViewStats"]

_PREFIX = "libsourcemap."


@dataclass(frozen=True)
class ViewStats:
    """A view's figures from the C library (``lsm_view_stats``)."""

    bytes_read: int
    tokens: int
    sources: int
    names: int
    lines: int
    parse_ns: int
    memory_bytes: int
    mapped_bytes: int
    from_cache: bool
    is_index: bool

    def attributes(self) -> Dict[str, Union[int, bool]]:
        """The figures as span attributes."""
        return {
            _PREFIX + "bytes": self.bytes_read,
            _PREFIX + "tokens": self.tokens,
            _PREFIX + "sources": self.sources,
            _PREFIX + "names": self.names,
            _PREFIX + "lines": self.lines,
            _PREFIX + "parse_ns": self.parse_ns,
            _PREFIX + "memory_bytes": self.memory_bytes,
            _PREFIX + "mapped_bytes": self.mapped_bytes,
            _PREFIX + "from_cache": self.from_cache,
            _PREFIX + "index": self.is_index,
        }


# Where it is documented and found (pickle looks it up there, and the
# module's __getattr__ answers).
ViewStats.__module__ = "libsourcemap.telemetry"
