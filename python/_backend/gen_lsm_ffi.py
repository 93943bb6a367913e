"""Writes ``_lsm_ffi.py``, cffi's pre-parsed type table for the header.

    python3 python/_backend/gen_lsm_ffi.py include/libsourcemap.h OUT.py

meson's ``lsm_ffi`` target runs this (the file lands next to
libsourcemap.so in the build directory, where a checkout's package finds
it) and the wheel backend calls :func:`generate` to put one inside the
wheel. The declarations come from the package's own ``_cdef`` and the
module text from its ``_prebuilt``, loaded here by path: importing the
package would load the native library. Needs cffi.
"""

from __future__ import annotations

import os
import sys
from importlib.util import module_from_spec, spec_from_file_location
from types import ModuleType
from typing import List

PACKAGE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libsourcemap")


def _package_module(name: str) -> ModuleType:
    path = os.path.join(PACKAGE_DIR, name + ".py")
    spec = spec_from_file_location("_lsm_gen_" + name, path)
    if spec is None or spec.loader is None:
        raise RuntimeError("cannot load %s" % path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(header_path: str, out_path: str) -> None:
    """Writes the module for the header at `header_path` to `out_path`
    (replacing it in one rename, so a reader never sees half a file)."""
    cdef_mod = _package_module("_cdef")
    prebuilt = _package_module("_prebuilt")
    # Read as the package reads it (universal newlines), so that the
    # digest matches the text the package digests at import.
    with open(header_path, encoding="utf-8") as f:
        header = f.read()
    text = prebuilt.module_text(cdef_mod.cdef_from_header(header), header.encode("utf-8"))
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out_path)


def main(argv: List[str]) -> int:
    if len(argv) != 3:
        print("usage: gen_lsm_ffi.py HEADER OUT.py", file=sys.stderr)
        return 2
    generate(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
