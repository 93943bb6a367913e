"""libsourcemap: read ECMA-426 source maps and map generated positions back
to original ones.

A pure-Python binding (cffi, ABI mode) to the C library ``libsourcemap.so``,
with the API of Sentry's libsourcemap 0.8::

    from libsourcemap import from_json

    view = from_json(open("app.min.js.map", "rb").read())
    token = view.lookup_token(0, 1234)
    if token is not None:
        print(token.src, token.src_line, token.src_col, token.name)

Views are immutable and safe to share between threads. See
:class:`View` for everything a view answers, :mod:`libsourcemap.errors`
for the errors, :class:`Symbolicator` for stack traces.
"""

from __future__ import annotations

from ._native import library_path, library_version, package_version
from .errors import (
    BadDataUrlError,
    BadScopesError,
    BadFieldError,
    BadIndexError,
    BadJson,
    BadMappingsError,
    BadSectionsError,
    BadVlqError,
    CacheCorruptError,
    CacheFramesError,
    CacheError,
    CacheMagicError,
    CacheTruncatedError,
    CacheVersionError,
    CannotFlatten,
    ClosedViewError,
    IndexedSourceMap,
    InvalidArgumentError,
    MalformedJsonError,
    MissingFieldError,
    NoSourceError,
    OutOfRangeError,
    SourceMapError,
    SourceMapIOError,
    SourceMapMemoryError,
    TooLargeError,
    UnsupportedMemDbVersion,
    UnsupportedVersionError,
)
from .stacktrace import Frame, parse_stacktrace
from .symbolication import Artifacts, Symbolicator
from .view import Index, LookupRule, Token, View, from_json
from .proguard import ProguardView

# Scale-out and observability (optional extras: dask, otel, progress).
from .scaleout import symbolicate_many
from .telemetry import ViewStats, view_stats
from .compose import compose

__version__: str = package_version()

__all__ = [
    # libsourcemap 0.8
    "View",
    "Index",
    "Token",
    "from_json",
    "ProguardView",
    "SourceMapError",
    "IndexedSourceMap",
    "BadJson",
    "CannotFlatten",
    "UnsupportedMemDbVersion",
    # ours
    "LookupRule",
    "Artifacts",
    "Symbolicator",
    "Frame",
    "parse_stacktrace",
    "compose",
    "library_path",
    "library_version",
    "BadDataUrlError",
    "BadScopesError",
    "BadFieldError",
    "BadIndexError",
    "BadMappingsError",
    "BadSectionsError",
    "BadVlqError",
    "CacheCorruptError",
    "CacheFramesError",
    "CacheError",
    "CacheMagicError",
    "CacheTruncatedError",
    "CacheVersionError",
    "ClosedViewError",
    "InvalidArgumentError",
    "MalformedJsonError",
    "MissingFieldError",
    "NoSourceError",
    "OutOfRangeError",
    "SourceMapIOError",
    "SourceMapMemoryError",
    "TooLargeError",
    "UnsupportedVersionError",
    "__version__",
    # scale-out and observability
    "symbolicate_many",
    "view_stats",
    "ViewStats",
]
