"""Progress of the command line's long commands.

On a terminal: tqdm's bar when tqdm is installed (``pip install
libsourcemap[progress]``), else a one-line bar of our own. Elsewhere (a
pipe, a log file): a plain line of text at most every 10 % of the work, so
that logs stay short. Nothing at all when disabled (``--quiet``,
``--no-progress``).
"""

from __future__ import annotations

import time
from typing import Any, Optional, TextIO

__all__ = ["Progress"]


class Progress:
    """Counts `total` units of work (``what``: "maps", "traces") on
    `stream`. Use ``update(n)`` as work finishes and ``close()`` at the
    end (or a ``with`` block). `mode` is "auto" (a bar on a terminal,
    plain text elsewhere), "bar", "text" or "off"."""

    def __init__(
        self, total: int, stream: TextIO, *, what: str = "items", label: str = "",
        mode: str = "auto", use_tqdm: bool = True,
    ) -> None:
        self.total, self.stream, self.what, self.label = total, stream, what, label
        self.done = 0
        self.start = time.monotonic()
        self._next_text = 0
        self._tqdm: Any = None
        if mode == "auto":
            isatty = getattr(stream, "isatty", None)
            mode = "bar" if isatty is not None and isatty() else "text"
        self.mode = mode
        if mode == "bar" and use_tqdm:
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._tqdm = tqdm(total=total, file=stream, unit=" " + what, desc=label or None,
                                  leave=True, dynamic_ncols=True)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, n: int = 1, label: Optional[str] = None) -> None:
        """`n` more units are done (`label`: what is being worked on)."""
        self.done += n
        if self.mode == "off":
            return
        if self._tqdm is not None:
            if label:
                self._tqdm.set_postfix_str(label, refresh=False)
            self._tqdm.update(n)
        elif self.mode == "bar":
            self._draw_bar(label or "")
        elif self.mode == "text":
            self._write_text()

    def _draw_bar(self, label: str) -> None:
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        self.stream.write(
            "\r[%s%s] %d/%d %4.1fs %-40.40s"
            % ("#" * filled, "." * (width - filled), self.done, self.total,
               time.monotonic() - self.start, label)
        )
        self.stream.flush()

    def _write_text(self) -> None:
        # A line at 0 %, then each time another tenth is done, and at the end.
        if self.done < self._next_text and self.done < self.total:
            return
        self.stream.write(
            "%s%d/%d %s (%d%%, %.1fs)\n"
            % (self.label + ": " if self.label else "", self.done, self.total, self.what,
               100 * self.done // max(self.total, 1), time.monotonic() - self.start)
        )
        self.stream.flush()
        step = max(1, self.total // 10)
        self._next_text = (self.done // step + 1) * step

    def close(self) -> None:
        """Ends the bar (a newline after our own bar)."""
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
        elif self.mode == "bar":
            self.stream.write("\n")
            self.stream.flush()
        self.mode = "off"
