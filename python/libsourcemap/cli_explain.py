"""``libsourcemap explain FRAME --artifacts DIR...``: why one frame does or
does not resolve, step by step, with a link to the visualizer page at the
frame's generated position (``--html PAGE`` writes the page)."""

from __future__ import annotations

import argparse
import shlex
from typing import Any, Dict, Optional, TextIO

from ._cli_base import EXIT_NEGATIVE, EXIT_OK, _print_json, _Usage
from .cli_visualize import page_link
from .symbolication import Artifacts, SymbolicatedFrame, Symbolicator
from .visualize import write_page

__all__ = ["cmd_explain", "register", "visualize_hint"]


def visualize_hint(frame: SymbolicatedFrame, html: Optional[str]) -> Optional[Dict[str, Any]]:
    """How to see the frame in the visualizer: the command, the anchor and,
    when `html` is given, the page written there and its link. None when
    the frame's map was not found or is not a file."""
    gen = frame.generated
    map_path = gen.get("map")
    line, col = gen.get("lineno"), gen.get("colno")
    if not map_path or map_path == "data: URL" or line is None:
        return None
    anchor = "#gen=%d:%d" % (line, col or 1)
    default_page = map_path + ".html"
    command = ["libsourcemap", "visualize", map_path]
    if gen.get("file"):
        command += ["--generated", gen["file"]]
    command += ["-o", html or default_page]
    hint: Dict[str, Any] = {"command": shlex.join(command), "anchor": anchor, "page": None}
    if html is not None:
        page = write_page(html, map_path, generated_path=gen.get("file"))
        hint["page"] = page_link(page, line, col)
    return hint


def cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if not args.artifacts:
        raise _Usage("explain: give --artifacts DIR")
    sym = Symbolicator(Artifacts(args.artifacts, use_cache_files=not args.no_cache), context=2)
    frame, steps = sym.explain(args.frame)
    hint = visualize_hint(frame, args.html)
    if args.json:
        _print_json({"frame": frame.to_dict(), "steps": [s.to_dict() for s in steps],
                     "visualize": hint}, out)
    else:
        for i, s in enumerate(steps, 1):
            out.write("%2d. [%s] %s: %s\n" % (i, "ok" if s.ok else "--", s.step, s.detail))
        if frame.resolved:
            out.write("=> %s (%s:%s:%s)%s\n" % (frame.function or "<anonymous>", frame.filename,
                                                frame.lineno, frame.colno,
                                                "  [%s]" % frame.error if frame.error else ""))
        else:
            out.write("=> not resolved: %s (%s)\n" % (frame.error, frame.error_message))
        if hint is not None and hint["page"] is not None:
            out.write("see it: %s\n" % hint["page"])
        elif hint is not None:
            out.write("see it: %s, then open the page at %s\n" % (hint["command"], hint["anchor"]))
    return EXIT_OK if frame.resolved else EXIT_NEGATIVE


def register(sub: Any) -> None:
    s = sub.add_parser(
        "explain",
        help="why one frame does or does not resolve",
        description="Symbolicates one frame step by step: the file found, the map found and "
        "how, the lookup, the source and the function name; then how to see the position in "
        "the visualizer page (--html PAGE writes it and prints its link).",
    )
    s.add_argument("frame", metavar="FRAME",
                   help="a line of a trace ('at f (http://x/app.js:1:2)') or URL:LINE:COL")
    s.add_argument("--artifacts", "-a", nargs="+", metavar="DIR", default=[])
    s.add_argument("--no-cache", action="store_true", help="ignore <map>.lsmcache files")
    s.add_argument("--html", metavar="PAGE",
                   help="write the visualizer page of the frame's map to PAGE and print its "
                   "link, anchored at the frame (PAGE#gen=LINE:COL)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_explain)

