"""The exceptions libsourcemap raises.

Every error the C library reports carries a code (one of the header's
``LSM_ERR_*`` numbers) and maps to one class below; the class says what
kind of problem it is, ``code`` and ``error_name`` say exactly which, and
the message is the library's own one-line description. Where it applies,
``offset`` is the byte offset in the input, and ``line`` / ``segment`` the
generated line and segment of a bad mapping; otherwise they are None.

The hierarchy is rooted at :class:`SourceMapError`. Classes for errors that
are also a standard kind of Python error derive from that kind too, so
``except OSError`` catches :class:`SourceMapIOError` and ``except
IndexError`` catches :class:`OutOfRangeError`.

Misuse of the Python objects themselves (calling a closed view) raises
:class:`ClosedViewError`, a ``ValueError`` outside this hierarchy: it is a
bug in the caller, not a problem with the data.

The names of libsourcemap 0.8 are kept as aliases: ``BadJson``,
``IndexedSourceMap``, ``CannotFlatten`` and ``UnsupportedMemDbVersion``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Type

__all__ = [
    "SourceMapError",
    "SourceMapMemoryError",
    "InvalidArgumentError",
    "OutOfRangeError",
    "SourceMapIOError",
    "TooLargeError",
    "MalformedJsonError",
    "BadJson",
    "UnsupportedVersionError",
    "BadFieldError",
    "MissingFieldError",
    "BadMappingsError",
    "BadVlqError",
    "BadIndexError",
    "BadSectionsError",
    "CannotFlatten",
    "IndexedSourceMap",
    "CacheError",
    "CacheMagicError",
    "CacheVersionError",
    "UnsupportedMemDbVersion",
    "CacheTruncatedError",
    "CacheCorruptError",
    "CacheFramesError",
    "NoSourceError",
    "BadDataUrlError",
    "ProguardError",
    "ProguardSyntaxError",
    "BadScopesError",
    "ClosedViewError",
    "BadRangeMappingsError",
    "ERROR_CLASSES",
    "error_class",
]


class SourceMapError(Exception):
    """Something went wrong reading or using a source map.

    ``str(exc)`` and ``exc.message`` are the library's message; ``code`` is
    the ``LSM_ERR_*`` number (None for errors made in Python without one)
    and ``error_name`` its symbolic name; ``offset``, ``line`` and
    ``segment`` locate the problem where they apply, else they are None.
    """

    message: str
    code: Optional[int]
    error_name: Optional[str]
    offset: Optional[int]
    line: Optional[int]
    segment: Optional[int]

    def __init__(
        self,
        message: str,
        code: Optional[int] = None,
        *,
        error_name: Optional[str] = None,
        offset: Optional[int] = None,
        line: Optional[int] = None,
        segment: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.error_name = error_name
        self.offset = offset
        self.line = line
        self.segment = segment

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return "%s(%r, code=%r)" % (type(self).__name__, self.message, self.code)


# ------------------------------------------------- misuse and environment


class SourceMapMemoryError(SourceMapError, MemoryError):
    """The library ran out of memory (LSM_ERR_NOMEM)."""


class InvalidArgumentError(SourceMapError, ValueError):
    """An argument the library does not accept, such as an unknown lookup
    rule or flag (LSM_ERR_INVALID_ARGUMENT)."""


class OutOfRangeError(SourceMapError, IndexError):
    """A token, source or name index past the end (LSM_ERR_OUT_OF_RANGE)."""


class SourceMapIOError(SourceMapError, OSError):
    """A file could not be opened, read or mapped (LSM_ERR_IO). The message
    holds the path and the system's reason."""


class TooLargeError(SourceMapError, OverflowError):
    """A count or position does not fit 32 bits (LSM_ERR_TOO_LARGE)."""


# ------------------------------------------------------------------- JSON


class MalformedJsonError(SourceMapError):
    """The input is not JSON the library can read: malformed, nested too
    deeply, not UTF-8, or not an object at the top (LSM_ERR_JSON,
    LSM_ERR_JSON_DEPTH, LSM_ERR_INVALID_UTF8, LSM_ERR_NOT_AN_OBJECT)."""


#: libsourcemap 0.8's name.
BadJson = MalformedJsonError


# --------------------------------------------------------- source map fields


class UnsupportedVersionError(SourceMapError):
    """``"version"`` is not the number 3 (LSM_ERR_UNSUPPORTED_VERSION)."""


class BadFieldError(SourceMapError):
    """A field of the source map has the wrong type or is missing:
    ``file``, ``sourceRoot``, ``sources``, ``sourcesContent``, ``names``,
    ``ignoreList``, ``mappings``, ``debugId``."""


class MissingFieldError(BadFieldError):
    """A required field is missing: ``version`` or ``mappings``
    (LSM_ERR_MISSING_VERSION, LSM_ERR_MISSING_MAPPINGS,
    LSM_ERR_MISSING_SOURCES)."""


class BadIndexError(SourceMapError):
    """An index in the map points past its table: a source or name index
    in the mappings, or an ignore list entry past the sources
    (LSM_ERR_SOURCE_OUT_OF_RANGE, LSM_ERR_NAME_OUT_OF_RANGE,
    LSM_ERR_IGNORE_LIST_OUT_OF_RANGE)."""


# --------------------------------------------------------------- mappings


class BadMappingsError(SourceMapError):
    """The ``mappings`` string is malformed; ``line`` and ``segment`` say
    where (LSM_ERR_NEGATIVE_VALUE, LSM_ERR_SEGMENT_LENGTH and the VLQ
    errors)."""


class BadVlqError(BadMappingsError):
    """A base64 VLQ value is malformed: a bad digit, unterminated, or beyond
    32 bits (LSM_ERR_VLQ_INVALID_DIGIT, LSM_ERR_VLQ_UNTERMINATED,
    LSM_ERR_VLQ_OVERFLOW)."""


# -------------------------------------------------------------- index maps


class BadSectionsError(SourceMapError):
    """An index map's ``sections`` are malformed, out of order or nested
    (LSM_ERR_BAD_SECTIONS, LSM_ERR_BAD_OFFSET, LSM_ERR_SECTION_ORDER,
    LSM_ERR_NESTED_INDEX, LSM_ERR_INDEX_AND_MAPPINGS)."""


class CannotFlatten(SourceMapError):
    """An index map has a section that refers to its map by ``url``, so it
    cannot be flattened into one view (LSM_ERR_SECTION_URL)."""


class IndexedSourceMap(SourceMapError):
    """An index map was given where a regular one was required
    (LSM_ERR_INDEX_MAP). ``index`` holds the parsed :class:`Index` when it
    could be built, else None."""

    # An Index (libsourcemap.view). Typed Any: this module is the package's
    # bottom layer and imports nothing of it, not even for type checking.
    index: Optional[Any]

    def __init__(
        self,
        message: str,
        code: Optional[int] = None,
        *,
        index: Optional[Any] = None,
        error_name: Optional[str] = None,
        offset: Optional[int] = None,
        line: Optional[int] = None,
        segment: Optional[int] = None,
    ) -> None:
        super().__init__(
            message, code, error_name=error_name, offset=offset, line=line, segment=segment
        )
        self.index = index


# ------------------------------------------------------------- cache files


class CacheError(SourceMapError):
    """Bytes or a file that are not a cache this library can read."""


class CacheMagicError(CacheError):
    """Not a libsourcemap cache file (LSM_ERR_CACHE_MAGIC)."""


class CacheVersionError(CacheError):
    """A cache format this library cannot read (LSM_ERR_CACHE_VERSION)."""


#: libsourcemap 0.8's name.
UnsupportedMemDbVersion = CacheVersionError


class CacheTruncatedError(CacheError):
    """A cache shorter than its header says (LSM_ERR_CACHE_TRUNCATED)."""


class CacheCorruptError(CacheError):
    """A cache with inconsistent offsets, counts or contents
    (LSM_ERR_CACHE_CORRUPT)."""


class CacheFramesError(CacheCorruptError):
    """A version 3 cache whose stored function names, scopes or line
    tables are inconsistent, found when a frame reads them
    (LSM_ERR_CACHE_FRAMES)."""


# ------------------------------------------------------------- source code


class NoSourceError(SourceMapError, LookupError):
    """A source was asked for by a name no source has: reverse lookups
    (:meth:`View.generated_position_for` and friends) given a name
    (LSM_ERR_NO_SOURCE). Also a ``LookupError``."""


# -------------------------------------------------------------- JavaScript


class BadDataUrlError(SourceMapError, ValueError):
    """A ``sourceMappingURL`` that is not a usable ``data:`` URL: not one,
    bad base64, or not JSON (LSM_ERR_BAD_DATA_URL)."""


# ------------------------------------------------------------------ ProGuard


class ProguardError(SourceMapError):
    """A ProGuard or R8 mapping file that cannot be read: a line number
    beyond 32 bits, a line that is not UTF-8, or no class line at all
    (LSM_ERR_PROGUARD_NUMBER, LSM_ERR_PROGUARD_UTF8,
    LSM_ERR_PROGUARD_NO_CLASSES). ``line`` is the 0-based line."""


class ProguardSyntaxError(ProguardError):
    """With ``strict=True``: a line that is neither a class, a member, a
    comment nor blank (LSM_ERR_PROGUARD_SYNTAX)."""


# ------------------------------------------------------------------ scopes


class BadScopesError(SourceMapError):
    """With ``strict_scopes=True``: the map's ECMA-426 ``"scopes"`` or
    ``"ranges"`` cannot be decoded (LSM_ERR_BAD_SCOPES and
    LSM_ERR_SCOPES_*; ``error_name`` says which). Without it such data is
    dropped and :attr:`View.scopes_warning` tells why."""


# ------------------------------------------------------------------ misuse


class ClosedViewError(ValueError):
    """A view or index was used after ``close()`` (or an index after
    ``into_view()``). A bug in the calling code, not bad data, so it is not
    a :class:`SourceMapError`."""


#: The class of every ``LSM_ERR_*`` code in the header, by name. A test
#: checks that every code the header defines is here.
ERROR_CLASSES: Dict[str, Type[SourceMapError]] = {
    "LSM_ERR_NOMEM": SourceMapMemoryError,
    "LSM_ERR_INVALID_ARGUMENT": InvalidArgumentError,
    "LSM_ERR_OUT_OF_RANGE": OutOfRangeError,
    "LSM_ERR_IO": SourceMapIOError,
    "LSM_ERR_TOO_LARGE": TooLargeError,
    "LSM_ERR_JSON": MalformedJsonError,
    "LSM_ERR_JSON_DEPTH": MalformedJsonError,
    "LSM_ERR_INVALID_UTF8": MalformedJsonError,
    "LSM_ERR_NOT_AN_OBJECT": MalformedJsonError,
    "LSM_ERR_MISSING_VERSION": MissingFieldError,
    "LSM_ERR_UNSUPPORTED_VERSION": UnsupportedVersionError,
    "LSM_ERR_BAD_FILE": BadFieldError,
    "LSM_ERR_BAD_SOURCE_ROOT": BadFieldError,
    "LSM_ERR_BAD_SOURCES": BadFieldError,
    "LSM_ERR_BAD_SOURCES_CONTENT": BadFieldError,
    "LSM_ERR_BAD_NAMES": BadFieldError,
    "LSM_ERR_BAD_IGNORE_LIST": BadFieldError,
    "LSM_ERR_IGNORE_LIST_OUT_OF_RANGE": BadIndexError,
    "LSM_ERR_MISSING_MAPPINGS": MissingFieldError,
    "LSM_ERR_MISSING_SOURCES": MissingFieldError,
    "LSM_ERR_BAD_MAPPINGS": BadFieldError,
    "LSM_ERR_BAD_DEBUG_ID": BadFieldError,
    "LSM_ERR_VLQ_INVALID_DIGIT": BadVlqError,
    "LSM_ERR_VLQ_UNTERMINATED": BadVlqError,
    "LSM_ERR_VLQ_OVERFLOW": BadVlqError,
    "LSM_ERR_NEGATIVE_VALUE": BadMappingsError,
    "LSM_ERR_SEGMENT_LENGTH": BadMappingsError,
    "LSM_ERR_SOURCE_OUT_OF_RANGE": BadIndexError,
    "LSM_ERR_NAME_OUT_OF_RANGE": BadIndexError,
    "LSM_ERR_BAD_SECTIONS": BadSectionsError,
    "LSM_ERR_BAD_OFFSET": BadSectionsError,
    "LSM_ERR_SECTION_ORDER": BadSectionsError,
    "LSM_ERR_SECTION_URL": CannotFlatten,
    "LSM_ERR_NESTED_INDEX": BadSectionsError,
    "LSM_ERR_INDEX_AND_MAPPINGS": BadSectionsError,
    "LSM_ERR_INDEX_MAP": IndexedSourceMap,
    "LSM_ERR_CACHE_MAGIC": CacheMagicError,
    "LSM_ERR_CACHE_VERSION": CacheVersionError,
    "LSM_ERR_CACHE_TRUNCATED": CacheTruncatedError,
    "LSM_ERR_CACHE_CORRUPT": CacheCorruptError,
    "LSM_ERR_CACHE_FRAMES": CacheFramesError,
    "LSM_ERR_NO_SOURCE": NoSourceError,
    "LSM_ERR_BAD_DATA_URL": BadDataUrlError,
    "LSM_ERR_PROGUARD_SYNTAX": ProguardSyntaxError,
    "LSM_ERR_PROGUARD_NUMBER": ProguardError,
    "LSM_ERR_PROGUARD_UTF8": ProguardError,
    "LSM_ERR_PROGUARD_NO_CLASSES": ProguardError,
    "LSM_ERR_BAD_SCOPES": BadScopesError,
    "LSM_ERR_SCOPES_VLQ": BadScopesError,
    "LSM_ERR_SCOPES_ITEM": BadScopesError,
    "LSM_ERR_SCOPES_UNBALANCED": BadScopesError,
    "LSM_ERR_SCOPES_SOURCE": BadScopesError,
    "LSM_ERR_SCOPES_NAME": BadScopesError,
    "LSM_ERR_SCOPES_DEFINITION": BadScopesError,
}


# --------------------------------------------------------- range mappings


class BadRangeMappingsError(BadMappingsError):
    """``rangeMappings`` marks a segment that is not there, marks one twice
    (indices not increasing), or marks one without an original position;
    ``line`` is the generated line, ``segment`` the index when known
    (LSM_ERR_RANGE_OUT_OF_RANGE, LSM_ERR_RANGE_NOT_INCREASING,
    LSM_ERR_RANGE_NO_ORIGINAL). A ``rangeMappings`` that is not a string is
    a :class:`BadFieldError` (LSM_ERR_BAD_RANGE_MAPPINGS); its bad VLQs are
    :class:`BadVlqError`."""


ERROR_CLASSES.update(
    {
        "LSM_ERR_BAD_RANGE_MAPPINGS": BadFieldError,
        "LSM_ERR_RANGE_OUT_OF_RANGE": BadRangeMappingsError,
        "LSM_ERR_RANGE_NOT_INCREASING": BadRangeMappingsError,
        "LSM_ERR_RANGE_NO_ORIGINAL": BadRangeMappingsError,
    }
)


def error_class(error_name: str) -> Type[SourceMapError]:
    """The class for the code named `error_name` (``"LSM_ERR_JSON"``);
    :class:`SourceMapError` itself for a name this package does not know,
    such as a code added by a newer library."""
    return ERROR_CLASSES.get(error_name, SourceMapError)
