"""The scan of a generated file, started on another thread while its map
loads. The namer's scan of a bundle (``lsm_js_scopes_build``) needs only
the text, and cffi releases the GIL during C calls, so the two overlap:
on a large bundle the first frame waits for the longer of the two, not
their sum. The scopes built go to the namer with
``lsm_js_namer_new_with_scopes``."""

from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from .._native import ffi, lib
from ..js import Namer
from ..view import View

__all__ = ["Prescan"]


class Prescan:
    """Reads (through `read`) and scans one generated file on a daemon
    thread. :meth:`namer` waits for it and makes the namer; scopes nobody
    takes are freed with this object (the C object goes straight to the
    namer, so it is not wrapped by ``_native.own``)."""

    def __init__(self, read: Callable[[], Optional[bytes]]) -> None:
        self._read = read
        self._scopes: Any = None
        self._failed = False
        self._thread = threading.Thread(target=self._run, name="libsourcemap-prescan", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            text = self._read()
        except OSError:
            text = None
        if text is None:
            self._failed = True
            return
        ptr = lib.lsm_js_scopes_build(text, len(text), ffi.NULL)
        if ptr == ffi.NULL:
            self._failed = True  # the namer falls back to its own call
            return
        self._scopes = ptr

    def namer(self, view: View) -> Optional[Namer]:
        """The namer of `view` over the scanned scopes (once: the scopes
        pass to it); None when the text could not be read or scanned, or
        was already taken."""
        self._thread.join()
        scopes, self._scopes = self._scopes, None
        if self._failed or scopes is None:
            return None
        return Namer.from_scopes(view, scopes)  # it owns the scopes from here

    def __del__(self) -> None:
        # Scopes nobody took (the map came from a cache, or failed). The
        # thread has ended, or still holds `self` and so cannot be here.
        scopes, self._scopes = self._scopes, None
        if scopes is not None:
            lib.lsm_js_scopes_free(scopes)
