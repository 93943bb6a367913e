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

import importlib
from typing import TYPE_CHECKING, Any, List

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
from .view import Index, LookupRule, Token, View, from_json

# Eager, although light enough either way: the function has its module's
# name, and importing the submodule (libsourcemap.compose) would set the
# package's attribute to the module before __getattr__ below could answer.
from .compose import compose

__version__: str = package_version()

# The rest of the public API is imported on first use (PEP 562), so that
# `import libsourcemap` costs only what reading maps needs: symbolication
# brings concurrent.futures and the JavaScript helpers, scale-out brings
# multiprocessing. `from libsourcemap import Symbolicator` works as before.
_LAZY = {
    "Frame": "stacktrace",
    "parse_stacktrace": "stacktrace",
    "Artifacts": "symbolication",
    "Symbolicator": "symbolication",
    "ProguardView": "proguard",
    # scale-out and observability (optional extras: dask, otel, progress)
    "symbolicate_many": "scaleout",
    "ViewStats": "telemetry",
    "view_stats": "telemetry",
}

if TYPE_CHECKING:
    from .proguard import ProguardView
    from .scaleout import symbolicate_many
    from .stacktrace import Frame, parse_stacktrace
    from .symbolication import Artifacts, Symbolicator
    from .telemetry import ViewStats, view_stats


# Submodules that `import libsourcemap` used to import, so that code reading
# them as attributes of the package without importing them still works.
_SUBMODULES = frozenset(["js", "proguard", "scaleout", "stacktrace", "symbolication"])


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module("." + name, __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    value = getattr(importlib.import_module("." + module, __name__), name)
    globals()[name] = value  # once: later reads skip this function
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_LAZY))

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
