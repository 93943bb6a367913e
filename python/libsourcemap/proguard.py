"""ProGuard and R8 mapping files: :class:`ProguardView`, as in Sentry's
libsourcemap 0.8.

A mapping file (``mapping.txt``) renames the classes and methods of a Java
or Android program; a view answers which original class or method an
obfuscated one was::

    from libsourcemap import ProguardView

    with ProguardView.from_path("mapping.txt") as view:
        view.lookup("a.b")          # 'com.example.Foo'
        view.lookup("a.b:c", 42)    # 'com.example.Foo:onCreate'

The parsing and the lookup live in the C library (``lsm_proguard_*``);
``docs/compatibility.md`` lists where they differ from 0.8.
"""

from __future__ import annotations

import os
from typing import Any, Optional, Type, TypeVar, Union

from ._native import Handle, capture_err, ffi, fs_path, lib, own

__all__ = ["ProguardView"]

_P = TypeVar("_P", bound="ProguardView")

MappingInput = Union[str, bytes, bytearray, memoryview]
PathInput = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

_U32 = 1 << 32


def _line_arg(lineno: Optional[int]) -> int:
    """0.8 passed ``lineno or 0`` as a C int that its library read as an
    unsigned 32-bit number: -1 is 4294967295. Beyond 32 bits is an
    OverflowError, as it was (0.8 stopped at 2**31)."""
    if lineno is None:
        return 0
    line = int(lineno)
    if line < 0:
        line += _U32
    if not 0 <= line < _U32:
        raise OverflowError("line number %d does not fit 32 bits" % int(lineno))
    return line


class ProguardView(Handle):
    """A parsed ProGuard or R8 mapping file.

    Make one with :meth:`from_bytes` or :meth:`from_path`. A view holds
    native memory: it is freed when the view is garbage collected, or at
    once by :meth:`close` (or leaving a ``with`` block); using a closed view
    raises :class:`ClosedViewError`. A view is immutable and may be shared
    between threads.

    Lines that are neither a class, a member, a comment nor blank are
    skipped, as 0.8 did; ``strict=True`` raises
    :class:`~libsourcemap.exceptions.ProguardSyntaxError` for them instead.
    """

    __slots__ = ()

    def __init__(self) -> None:
        raise TypeError(
            "Cannot instantiate proguard views; use ProguardView.from_bytes() or "
            "ProguardView.from_path()"
        )

    @classmethod
    def _wrap(cls: Type[_P], ptr: Any) -> _P:
        rv = object.__new__(cls)
        rv._own = own(ptr, "lsm_proguard_free", what="proguard view")
        return rv

    @staticmethod
    def _flags(strict: bool) -> int:
        return int(lib.LSM_PROGUARD_STRICT if strict else lib.LSM_PROGUARD_DEFAULT)

    @classmethod
    def from_bytes(cls: Type[_P], buffer: MappingInput, *, strict: bool = False) -> _P:
        """Parses a mapping from ``bytes`` (or any bytes-like object) or
        ``str`` (encoded as UTF-8). The bytes are copied."""
        if isinstance(buffer, str):
            data: Any = buffer.encode("utf-8")
        elif isinstance(buffer, bytes):
            data = buffer
        elif isinstance(buffer, (bytearray, memoryview)):
            data = bytes(buffer)
        else:
            raise TypeError("Bytes or string expected, not %s" % type(buffer).__name__)
        with capture_err() as (err, check):
            ptr = check(lib.lsm_proguard_from_bytes(data, len(data), cls._flags(strict), err))
        return cls._wrap(ptr)

    @classmethod
    def from_path(cls: Type[_P], filename: PathInput, *, strict: bool = False) -> _P:
        """Reads and parses the mapping in the file at `filename`. A path
        with a NUL byte raises ``ValueError``."""
        path = fs_path(filename)
        with capture_err() as (err, check):
            ptr = check(lib.lsm_proguard_from_path(path, cls._flags(strict), err))
        return cls._wrap(ptr)


    @property
    def has_line_info(self) -> bool:
        """True if any method line has an obfuscated line range."""
        return bool(lib.lsm_proguard_has_line_info(self._get_ptr()))

    @property
    def class_count(self) -> int:
        """The number of class lines in the mapping."""
        return int(lib.lsm_proguard_class_count(self._get_ptr()))

    def lookup(self, dotted_path: str, lineno: Optional[int] = None) -> str:
        """Maps an obfuscated ``class`` or ``class:method`` to the original
        ``Class`` or ``Class:method``. For methods pass the obfuscated line
        number of the frame, or several methods sharing one obfuscated name
        cannot be told apart (``None`` and 0 mean no line). A class that is
        not in the mapping gives `dotted_path` back unchanged; a method that
        is not gives ``Class:method`` with the obfuscated method name."""
        ptr = self._get_ptr()
        data = dotted_path.encode("utf-8")
        line = _line_arg(lineno)
        out = ffi.new("lsm_proguard_result_t *")
        # With a live mapping and these arguments the call cannot fail, so
        # the error struct (a third of a lookup's time) is only made to
        # report the impossible.
        if lib.lsm_proguard_lookup(ptr, data, len(data), line, out, ffi.NULL) < 0:
            with capture_err() as (err, check):
                check(lib.lsm_proguard_lookup(ptr, data, len(data), line, out, err))
        cls = ffi.unpack(out.class_name, out.class_name_len).decode("utf-8", "replace")
        if out.method == ffi.NULL:
            return cls  # type: ignore[no-any-return]
        meth = ffi.unpack(out.method, out.method_len).decode("utf-8", "replace")
        return "%s:%s" % (cls, meth)

    def __repr__(self) -> str:
        ptr = self._own.ptr
        if ptr is None:
            return "<ProguardView closed>"
        return "<ProguardView classes=%d>" % lib.lsm_proguard_class_count(ptr)
