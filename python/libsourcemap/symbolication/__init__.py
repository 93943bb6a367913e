"""Symbolicating JavaScript stack traces against a folder of built files.

::

    from libsourcemap import Artifacts, Symbolicator

    sym = Symbolicator(Artifacts(["dist/"]))
    result = sym.symbolicate(open("trace.txt").read())
    for frame in result.frames:
        print(frame.function, frame.filename, frame.lineno, frame.error)

For each frame: the generated file is found in the artifact folders by the
longest matching path suffix of the frame's URL; its source map through
the file's ``sourceMappingURL`` comment (a relative or absolute URL, or a
``data:`` URL), a ``.map`` beside it, or its ``debugId`` comment; each map
is loaded once per :class:`Artifacts` (from ``<map>.lsmcache`` when that
cache file exists beside it and is not older than the map). The position
is mapped with the same-line rule (a column before the first mapping of its
line maps to nothing, as browsers do), the function's original name comes
from the C library's scope scanner, and context lines from
``sourcesContent`` or the original file on disk.

Nothing here raises on bad input: a frame that cannot be resolved keeps
its generated location and says why in ``error`` (one of :data:`ERRORS`).
"""

from __future__ import annotations

from .artifacts import Artifacts, MapRef, url_path_parts
from .results import ERRORS, Step, SymbolicatedFrame, SymbolicatedTrace
from .symbolicator import Symbolicator

__all__ = [
    "ERRORS",
    "Artifacts",
    "MapRef",
    "Step",
    "SymbolicatedFrame",
    "SymbolicatedTrace",
    "Symbolicator",
    "url_path_parts",
]
