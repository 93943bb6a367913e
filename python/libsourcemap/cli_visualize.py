"""``libsourcemap visualize MAP``: one self-contained HTML page showing the
generated code beside the original sources (docs/visualize.md).

The page honours an anchor ``#gen=LINE:COL`` (1-based), which ``explain``
prints for the frame it explains."""

from __future__ import annotations

import argparse
import webbrowser
from pathlib import Path
from typing import Any, Optional, TextIO

from ._cli_base import EXIT_NEGATIVE, EXIT_OK, _Usage
from .visualize import page_data, render_page

__all__ = ["cmd_visualize", "register", "page_link"]


def page_link(page: Path, line: Optional[int], col: Optional[int]) -> str:
    """A file: URL of `page` with the anchor selecting generated (line,
    col), 1-based (no anchor when the line is unknown)."""
    url = page.resolve().as_uri()
    if line is None:
        return url
    return "%s#gen=%d:%d" % (url, line, col or 1)


def default_output(map_path: str) -> Path:
    """MAP.html beside the map."""
    return Path(map_path + ".html")


def _open_in_browser(page: Path, err: TextIO) -> bool:
    """Hands `page`'s file: URL to the web browser; without one (a server,
    a container) says where the page is instead. The page is written
    either way, so this never fails the command."""
    url = page.resolve().as_uri()
    try:
        opened = bool(webbrowser.open(url))
    except (webbrowser.Error, OSError):  # a registered browser that cannot start
        opened = False
    if not opened:
        err.write("visualize: no web browser could be opened; the page is %s\n" % url)
    return opened


def cmd_visualize(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if not Path(args.map).is_file():
        raise _Usage("visualize: no such file: %s" % args.map)
    if args.generated is not None and not Path(args.generated).is_file():
        raise _Usage("visualize: no such generated file: %s" % args.generated)
    target = Path(args.output) if args.output else default_output(args.map)
    data = page_data(args.map, generated_path=args.generated)
    target.write_text(render_page(data), encoding="utf-8")
    page = target
    out.write("%s\n" % page)
    if data["error"] is not None:
        err.write("visualize: the map failed to load (the page shows where): %s\n"
                  % data["error"]["message"])
    if args.open:
        _open_in_browser(page, err)
    # A map that fails to load still gives a page (showing the error).
    return EXIT_NEGATIVE if data["error"] is not None else EXIT_OK


def register(sub: Any) -> None:
    s = sub.add_parser(
        "visualize", help="write an HTML page showing the generated code beside the sources",
        description="Writes one self-contained HTML page (no network) for MAP: the generated "
        "code coloured by original source beside the original, hover or click to see what "
        "maps where, a line:col box (1-based). Open PAGE#gen=LINE:COL to select a position.")
    s.add_argument("map", metavar="MAP", help="a source map (regular or index)")
    s.add_argument("--generated", metavar="FILE",
                   help="the generated file (default: the map's \"file\" or its name without "
                   ".map, beside it)")
    s.add_argument("-o", "--output", metavar="OUT.html", help="where to write (default MAP.html)")
    s.add_argument("--open", action="store_true", help="open the page in the web browser")
    s.set_defaults(func=cmd_visualize)
