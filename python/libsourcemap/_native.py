"""Finding, loading and checking the native library, and talking to it.

On import this module

1. reads the C header (the repository's ``include/libsourcemap.h`` in a
   source checkout, else the copy the wheel ships in ``_include/``) and
   takes its declarations from the type table the build generated from
   that exact header (``_lsm_ffi.py``, see :mod:`._prebuilt`: inside the
   installed package, or next to the library in a checkout's build
   directory), or, when there is none or it was made from another header,
   hands the declarations generated from the header to ``ffi.cdef``
   (which needs pycparser and costs about 0.2 s); :data:`FFI_SOURCE` says
   which;
2. opens ``libsourcemap.so`` with ``ffi.dlopen`` (ABI mode, nothing to
   compile), trying in order: ``$LIBSOURCEMAP_LIBRARY``; the copy inside
   the installed package; the meson build directory of a source checkout
   (``<repo>/build``); the system library by its soname. When none loads it
   raises one ``OSError`` that lists every place tried and why it failed;
3. refuses a library whose ``lsm_version()`` differs from the package's
   version (which comes from the repository's ``VERSION`` file).

Every C handle the package makes is owned through :func:`own`: freed once
by a destructor that holds the loaded library and whatever the handle
borrows (its input bytes, the view a namer reads), so nothing it needs can
go before it does; closing a handle that others borrow never frees memory
they still use, and using a closed handle (or one whose view was closed)
raises :class:`ClosedViewError`.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import (
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Tuple,
    TypeVar,
)

from . import _cdef, _prebuilt
from .errors import ClosedViewError, SourceMapError, error_class

__all__ = [
    "ffi",
    "lib",
    "library_path",
    "HEADER_PATH",
    "CHECKOUT_ROOT",
    "package_version",
    "library_version",
    "capture_err",
    "exception_from",
    "Owned",
    "own",
    "to_str",
    "fs_path",
    "views_alive",
    "FFI_SOURCE",
]

#: The environment variable that names a libsourcemap.so to load first.
ENV_LIBRARY = "LIBSOURCEMAP_LIBRARY"

PACKAGE_DIR = Path(__file__).resolve().parent


def _find_checkout_root() -> Optional[Path]:
    """The repository root when this package runs from a source checkout
    (``<repo>/python/libsourcemap``), else None."""
    root = PACKAGE_DIR.parent.parent
    if (
        PACKAGE_DIR == root / "python" / "libsourcemap"
        and (root / "meson.build").is_file()
        and (root / "VERSION").is_file()
        and (root / "include" / "libsourcemap.h").is_file()
    ):
        return root
    return None


#: The source checkout this package runs from, or None when installed.
CHECKOUT_ROOT = _find_checkout_root()

if CHECKOUT_ROOT is not None:
    HEADER_PATH = CHECKOUT_ROOT / "include" / "libsourcemap.h"
    VERSION_PATH = CHECKOUT_ROOT / "VERSION"
else:
    HEADER_PATH = PACKAGE_DIR / "_include" / "libsourcemap.h"
    VERSION_PATH = PACKAGE_DIR / "VERSION"


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportError(
            "libsourcemap: cannot read %s at %s (%s); the package is incomplete, "
            "reinstall it" % (what, path, exc.strerror or exc)
        ) from exc


HEADER_TEXT = _read_text(HEADER_PATH, "the C header")
# CDEF (the header's declarations for ffi.cdef) is computed on first use:
# see __getattr__ at the end of this module.


def package_version() -> str:
    """The version of this package: the ``VERSION`` file of the checkout,
    or the copy installed with the package."""
    return _read_text(VERSION_PATH, "the VERSION file").strip()


# ------------------------------------------------------------------ loading

if sys.platform == "darwin":  # pragma: no cover - meson names on macOS
    _BUNDLED_NAMES = ("libsourcemap.0.dylib", "libsourcemap.dylib")
    _BUILD_NAME = "libsourcemap.dylib"
    _SONAME = "libsourcemap.0.dylib"
else:
    _BUNDLED_NAMES = ("libsourcemap.so.0", "libsourcemap.so")
    _BUILD_NAME = "libsourcemap.so"
    _SONAME = "libsourcemap.so.0"


class Candidate(NamedTuple):
    """One place to look for the library."""

    description: str
    target: str  # a path, or a soname for the system's own search
    is_path: bool


def library_candidates(environ: Optional[Mapping[str, str]] = None) -> List[Candidate]:
    """The places to look for libsourcemap.so, in the order they are tried."""
    env = os.environ if environ is None else environ
    found: List[Candidate] = []
    override = env.get(ENV_LIBRARY, "")
    if override:
        found.append(Candidate("$%s" % ENV_LIBRARY, override, True))
    for name in _BUNDLED_NAMES:
        path = PACKAGE_DIR / name
        if path.exists() or name == _BUNDLED_NAMES[0]:
            found.append(Candidate("the copy inside the package", str(path), True))
            break
    if CHECKOUT_ROOT is not None:
        found.append(
            Candidate(
                "the meson build directory of the checkout",
                str(CHECKOUT_ROOT / "build" / _BUILD_NAME),
                True,
            )
        )
    found.append(Candidate("the system library", _SONAME, False))
    return found


def load_library(the_ffi: Any, candidates: List[Candidate]) -> Tuple[Any, str]:
    """Opens the first candidate that loads. Returns the library and where
    it came from; raises one OSError naming every candidate and its failure
    when none loads."""
    failures: List[str] = []
    for cand in candidates:
        if cand.is_path and not os.path.exists(cand.target):
            failures.append("%s (%s): no such file" % (cand.description, cand.target))
            continue
        try:
            loaded = the_ffi.dlopen(cand.target)
        except OSError as exc:
            failures.append("%s (%s): %s" % (cand.description, cand.target, exc))
            continue
        return loaded, cand.target
    raise OSError(
        "libsourcemap: cannot load the native library %s. Tried, in order:\n  - %s\n"
        "Build it (meson setup build && ninja -C build), install the package from a "
        "wheel, or set %s to the path of libsourcemap.so."
        % (_SONAME, "\n  - ".join(failures), ENV_LIBRARY)
    )


def check_version(native: str, package: str, where: str) -> None:
    """Raises ImportError unless the library's version equals the
    package's."""
    if native != package:
        raise ImportError(
            "libsourcemap: the native library %s is version %s, but this Python "
            "package is version %s; they must match. Install matching versions, "
            "rebuild the library, or set %s to a libsourcemap.so of version %s."
            % (where, native, package, ENV_LIBRARY, package)
        )


def _prebuilt_directories() -> List[str]:
    """Where a generated ``_lsm_ffi.py`` may be: the package itself (a
    wheel), then beside each library path that would be tried (a meson
    build directory, which makes one next to libsourcemap.so)."""
    dirs = [str(PACKAGE_DIR)]
    for cand in library_candidates():
        if cand.is_path:
            dirs.append(os.path.dirname(os.path.abspath(cand.target)))
    return dirs


def _make_ffi() -> Tuple[Any, str]:
    made, where, _skipped = _prebuilt.load(HEADER_TEXT.encode("utf-8"), _prebuilt_directories())
    if made is not None:
        return made, where
    import cffi  # the in-line path: cffi's parser, pycparser

    inline = cffi.FFI()
    inline.cdef(_cdef.cdef_from_header(HEADER_TEXT))
    return inline, "inline"


# Any, whether or not cffi's type stubs are installed: the declarations come
# from the header at run time, so no stub can describe the cdata anyway.
ffi: Any
#: Where the declarations came from: the path of the generated
#: ``_lsm_ffi.py`` that was used, or ``"inline"`` (the header parsed now).
FFI_SOURCE: str
ffi, FFI_SOURCE = _make_ffi()

lib: Any
#: Where the loaded library came from: a path, or the soname when the
#: system's search found it.
library_path: str
lib, library_path = load_library(ffi, library_candidates())


def library_version() -> str:
    """The version the loaded native library reports (``lsm_version()``)."""
    return ffi.string(lib.lsm_version()).decode("ascii", "replace")  # type: ignore[no-any-return]


# A declared function the library lacks raises AttributeError with the
# in-line declarations, ffi.error with the generated ones.
try:
    _native_version = library_version()
except (AttributeError, getattr(ffi, "error", AttributeError)) as _exc:  # no lsm_version()
    raise ImportError(
        "libsourcemap: %s is not libsourcemap (it has no lsm_version())" % library_path
    ) from _exc
check_version(_native_version, package_version(), library_path)
if _cdef.header_version(HEADER_TEXT) != _native_version:
    raise ImportError(
        "libsourcemap: the C header %s is version %s, but the library and the package "
        "are version %s; the package is incomplete, reinstall it"
        % (HEADER_PATH, _cdef.header_version(HEADER_TEXT), _native_version)
    )

NO_ID: int = lib.LSM_NO_ID
U32_MAX = 0xFFFFFFFF

# ------------------------------------------------------------------- errors

T = TypeVar("T")


def _location(value: int) -> Optional[int]:
    return None if value < 0 else int(value)


_error_names: Optional[Dict[int, str]] = None


def error_names() -> Dict[int, str]:
    """Error names by code, as the header defines them (read from the
    header on the first error, not at import)."""
    global _error_names
    names = _error_names
    if names is None:
        names = {code: name for name, code in _cdef.header_error_codes(HEADER_TEXT).items()}
        _error_names = names
    return names


def exception_from(err: Any) -> SourceMapError:
    """The exception for a filled ``lsm_error_t *``: the class mapped from
    its code, with the library's message and the location fields."""
    code = int(err.code)
    name = error_names().get(code)
    if name is None:
        name = ffi.string(lib.lsm_error_name(code)).decode("ascii", "replace")
    message = ffi.string(err.message).decode("utf-8", "replace")
    if not message:
        message = ffi.string(lib.lsm_error_describe(code)).decode("utf-8", "replace")
    cls = error_class(name)
    return cls(
        message,
        code,
        error_name=name,
        offset=_location(err.offset),
        line=_location(err.line),
        segment=_location(err.segment),
    )


class capture_err:  # noqa: N801 - named as the function it replaced, used as one
    """Allocates an ``lsm_error_t`` for one call and gives ``(err,
    check)``: pass ``err`` as the call's last argument, then ``check(rv)``
    returns ``rv`` when the call succeeded and raises the exception mapped
    from the error code when it failed. The library always writes ``err``,
    so ``check`` looks at the code, whatever the function returns::

        with capture_err() as (err, check):
            ptr = check(lib.lsm_view_from_json(data, len(data), err))

    A class rather than a generator under ``@contextmanager``: every call
    into the library that can fail goes through here, and the generator's
    setup and teardown cost 3.9 us a call against 0.8 us (most of the
    Python overhead of opening a small map)."""

    __slots__ = ("_err",)

    def __enter__(self) -> Tuple[Any, Callable[[T], T]]:
        err = self._err = ffi.new("lsm_error_t *")
        return err, self._check

    def __exit__(self, *exc: object) -> None:
        return None

    def _check(self, rv: T) -> T:
        err = self._err
        if err.code != 0:
            raise exception_from(err)
        return rv


# -------------------------------------------------------------- ownership

_counts_lock = threading.Lock()
_counts = [0, 0]  # views created, views freed


def views_alive() -> int:
    """How many views this process holds that are not freed yet (for
    tests: each view is freed exactly once)."""
    with _counts_lock:
        return _counts[0] - _counts[1]


class Owned:
    """One C handle owned by the package, made by :func:`own`.

    ``ptr`` is the garbage-collected cdata, or None once :meth:`close` was
    called. ``close()`` only drops this reference: the C object is freed
    when the last reference to the cdata goes, so a call in progress in
    another thread (which holds the cdata in a local) and every handle that
    borrows this one (whose destructor holds it) keep the memory valid.
    :meth:`get` is the checked access: it raises :class:`ClosedViewError`
    when this handle, or one it borrows, is closed, which is how misuse
    raises instead of reading freed memory."""

    __slots__ = ("ptr", "parent", "what")

    ptr: Any
    parent: Optional["Owned"]
    what: str

    def __init__(self, ptr: Any, parent: Optional["Owned"], what: str) -> None:
        self.ptr = ptr
        self.parent = parent
        self.what = what

    def get(self) -> Any:
        """The cdata, for one call; raises ClosedViewError when this
        handle or one it borrows (directly or not) is closed."""
        ptr = self.ptr
        if ptr is None:
            raise ClosedViewError("the %s is closed" % self.what)
        parent = self.parent
        while parent is not None:
            if parent.ptr is None:
                raise ClosedViewError(
                    "the %s this %s reads is closed" % (parent.what, self.what)
                )
            parent = parent.parent
        return ptr

    @property
    def closed(self) -> bool:
        """True once this handle, or one it borrows, is closed."""
        node: Optional[Owned] = self
        while node is not None:
            if node.ptr is None:
                return True
            node = node.parent
        return False

    def close(self) -> None:
        """Gives up this handle; harmless twice."""
        self.ptr = None


def own(
    ptr: Any,
    destructor: str,
    *,
    what: str,
    parent: Optional[Owned] = None,
    keepalive: object = None,
    size: int = 0,
) -> Owned:
    """Takes ownership of a new C object: the one place the package calls
    ``ffi.gc``, right after the NULL check of the call that made `ptr`.

    ``lib.<destructor>(ptr)`` runs once, when the returned handle's cdata
    is garbage collected. The destructor holds the library, `keepalive`
    (bytes the object reads in place) and `parent`'s cdata (the handle it
    borrows, such as the view of a namer), so none of them can be freed or
    unloaded before it. `what` names the object in ClosedViewError
    messages; objects named "view" are counted for :func:`views_alive`."""
    if ptr == ffi.NULL:
        raise SourceMapError("the library returned no %s and no error" % what)
    free_func = getattr(lib, destructor)
    parent_ptr = None if parent is None else parent.ptr
    if parent is not None and parent_ptr is None:
        # The parent was closed by another thread while `ptr` was made (the
        # caller's reference kept its memory valid until now): free `ptr`
        # at once, it must not outlive what it borrows.
        free_func(ptr)
        raise ClosedViewError("the %s this %s reads is closed" % (parent.what, what))
    counted = what == "view"

    def free(
        p: Any,
        _lib: Any = lib,
        _keep: object = keepalive,
        _parent: Any = parent_ptr,
    ) -> None:
        free_func(p)
        if counted:
            with _counts_lock:
                _counts[1] += 1

    if counted:
        with _counts_lock:
            _counts[0] += 1
    return Owned(ffi.gc(ptr, free, size), parent, what)


_H = TypeVar("_H", bound="Handle")


class Handle:
    """The lifetime every Python object over a C handle shares (views,
    ProGuard views): `_own` is its :func:`own` handle. Not instantiated
    on its own."""

    __slots__ = ("_own", "__weakref__")

    _own: Owned

    def _get_ptr(self) -> Any:
        return self._own.get()

    def close(self) -> None:
        """Frees the native memory now (or, when other threads are in a call
        on it, as soon as the last of those returns). Closing twice is
        harmless; any other use afterwards raises :class:`ClosedViewError`."""
        self._own.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._own.closed

    def __enter__(self: _H) -> _H:
        self._get_ptr()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ---------------------------------------------------------------- helpers


def to_str(ptr: Any, length: int) -> Optional[str]:
    """A borrowed (pointer, length) string as str, or None for NULL."""
    if ptr == ffi.NULL:
        return None
    return ffi.unpack(ptr, length).decode("utf-8", "replace")  # type: ignore[no-any-return]


def fs_path(path: "str | bytes | os.PathLike[str] | os.PathLike[bytes]") -> bytes:
    """A path as the NUL-terminated bytes the C functions take."""
    raw = os.fsencode(path)
    if b"\0" in raw:
        raise ValueError("embedded null byte in path")
    return raw


def __getattr__(name: str) -> Any:
    # Computed on first use rather than at import (each costs a pass of
    # Python over the whole header): CDEF, the declarations for ffi.cdef;
    # ERROR_NAMES, the old name of error_names().
    if name == "CDEF":
        return _cdef.cdef_from_header(HEADER_TEXT)
    if name == "ERROR_NAMES":
        return error_names()
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
