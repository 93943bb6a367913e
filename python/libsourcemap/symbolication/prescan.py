"""The scan of a generated file, started on another thread while its map
loads. The namer's scan of a bundle (``lsm_js_scopes_build``) needs only
the text, and cffi releases the GIL during C calls, so the two overlap:
on a large bundle the first frame waits for the longer of the two, not
their sum. The scopes built go to the namer with
``lsm_js_namer_new_with_scopes``; or, when the map is ready first, the
namer is made at once without them (``lsm_js_namer_new_deferred``, which
needs no scan for most frames) and the scan hands them over when done
(``lsm_js_namer_give_scopes``), so the first frame waits for neither."""

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
        self._text: Optional[bytes] = None
        self._have_text = threading.Event()  # the read has ended (text or None)
        self._lock = threading.Lock()
        self._done = False  # the scan has ended (under _lock)
        self._target: Optional[Namer] = None  # a deferred namer awaiting the scopes
        self._thread = threading.Thread(target=self._run, name="libsourcemap-prescan", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            try:
                text = self._read()
            except OSError:
                text = None
            self._text = text
        finally:
            self._have_text.set()
        ptr = lib.lsm_js_scopes_build(text, len(text), ffi.NULL) if text is not None else ffi.NULL
        with self._lock:
            self._done = True
            target, self._target = self._target, None
            if target is None:
                if ptr == ffi.NULL:
                    self._failed = True  # the namer falls back to its own call
                else:
                    self._scopes = ptr
                return
        try:
            # Always, NULL too: the namer's callers wait for this. It owns
            # the scopes from here, or frees them.
            target.give_scopes(ptr)
        except Exception:  # the namer was closed: the scopes are freed
            pass

    def namer_soon(self, view: View) -> Optional[Namer]:
        """The namer of `view` without waiting for the scan: as
        :meth:`namer` when the scan has ended; else a deferred namer over
        the text read, which the scan gives its scopes to when it ends (a
        frame that needs them sooner waits for this scan rather than
        scanning again).
        None as :meth:`namer`."""
        self._have_text.wait()
        with self._lock:
            if not self._done and self._text is not None:
                namer = Namer.deferred(view, self._text, coming=True)
                self._target = namer
                return namer
        return self.namer(view)

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
