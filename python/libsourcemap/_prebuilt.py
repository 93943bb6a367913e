"""The cffi type table made from the header at build time.

Parsing the header into an ``ffi.cdef`` at import costs pycparser, about
0.2 s and ~8 MB of memory in every process. cffi's out-of-line ABI mode
does that parse once, at build time: ``ffi.set_source(name, None)`` plus
``emit_python_code`` writes a pure-Python module holding the parsed type
table, which needs only ``_cffi_backend`` to load. The library is still
opened with ``ffi.dlopen``; nothing is compiled, so the wheel stays one
pure-Python wheel for every CPython 3.

The build (meson's ``lsm_ffi`` target and the wheel backend, both through
``python/_backend/gen_lsm_ffi.py``) writes that module as ``_lsm_ffi.py``
and ends it with ``HEADER_DIGEST``, the :func:`header_digest` of the header
it was made from. :func:`load` uses a module only when that digest equals
the digest of the header the package reads at import, so a module left
behind by an older header is never used: the caller falls back to the
in-line ``cdef``.

This module imports nothing from the package (the generator loads it by
path) and nothing heavy: ``zlib`` rather than ``hashlib``, whose OpenSSL
costs more memory than everything here saves.
"""

from __future__ import annotations

import os
import zlib
from typing import Any, Iterable, List, Optional, Tuple

__all__ = ["FILE_NAME", "MODULE_NAME", "header_digest", "module_text", "load"]

#: The generated module's file name, and the name its ffi is made under.
FILE_NAME = "_lsm_ffi.py"
MODULE_NAME = "libsourcemap._lsm_ffi"


def header_digest(header: bytes) -> str:
    """Names one exact header: its length and two checksums. This is a
    staleness check, not a defence against a crafted collision."""
    return "%d-%08x-%08x" % (len(header), zlib.crc32(header), zlib.adler32(header))


def module_text(cdef: str, header: bytes) -> str:
    """The source of the generated module for the declarations `cdef`
    (made from the exact bytes `header`). Needs cffi (and so pycparser)."""
    import contextlib
    import io
    import tempfile

    import cffi

    ffi = cffi.FFI()
    ffi.cdef(cdef)
    ffi.set_source(MODULE_NAME, None)
    with tempfile.TemporaryDirectory(prefix="lsm-ffi-") as tmp:
        out = os.path.join(tmp, FILE_NAME)
        with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating <path>"
            ffi.emit_python_code(out)
        with open(out, encoding="utf-8") as f:
            text = f.read()
    trailer = "\n\n# The header this table was made from (libsourcemap._prebuilt).\nHEADER_DIGEST = %r\n"
    return text.rstrip("\n") + trailer % header_digest(header)


def _load_one(path: str) -> Any:
    # Through the import system, so that its bytecode is cached beside it
    # (the type table is a large literal), but not registered in
    # sys.modules: another directory's copy may be tried next.
    from importlib.machinery import SourceFileLoader
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location(MODULE_NAME, path, loader=SourceFileLoader(MODULE_NAME, path))
    if spec is None or spec.loader is None:  # pragma: no cover - a file path always has a spec
        raise ImportError("cannot load %s" % path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(header: bytes, directories: Iterable[str]) -> Tuple[Optional[Any], str, List[str]]:
    """The ffi of the first ``_lsm_ffi.py`` in `directories` made from
    exactly `header`: ``(ffi, its path, [])``, or ``(None, "", reasons)``
    with why each one found was passed over (made from another header,
    refused by this cffi) when none fits."""
    digest = header_digest(header)
    skipped: List[str] = []
    seen = set()
    for directory in directories:
        path = os.path.join(directory, FILE_NAME)
        if path in seen or not os.path.isfile(path):
            continue
        seen.add(path)
        try:
            module = _load_one(path)
        except Exception as exc:  # an unreadable file, a cffi too old for it
            skipped.append("%s: %s" % (path, exc))
            continue
        if getattr(module, "HEADER_DIGEST", None) != digest:
            skipped.append("%s: made from another header" % path)
            continue
        return module.ffi, path, []
    return None, "", skipped
