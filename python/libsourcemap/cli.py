"""The ``libsourcemap`` command line (also ``python -m libsourcemap``).

Subcommands::

    symbolicate [TRACE|-] --artifacts DIR...   map a stack trace back to the sources
    lookup MAP LINE:COL...                      original positions of generated ones
    info MAP                                    what a source map holds
    validate MAP [GENERATED_JS]                 check a map (and its fit to its file)
    explain FRAME --artifacts DIR...            why one frame does or does not resolve
    cache MAP...                                write <map>.lsmcache cache files
    lookup MAP --reverse SOURCE LINE[:COL]...   generated positions of original ones
    inject PATH... [--snippet] [--dry-run]      give bundles and maps a debug ID
    compose OUTER INNER... [-o OUT]             compose maps (as @jridgewell/remapping)
    flatten MAP [-o OUT]                        write an index map as a regular map
    visualize MAP [-o OUT.html]                 the map as an HTML page, code beside sources

Lines and columns on the command line and in the output are 1-based, as
stack traces print them.

Exit status: 0 on success; 1 when the answer is negative (a position
unmapped, a map invalid, a cache not written; for symbolicate: no frame
resolved, or a frame failed because a map is missing, invalid or does not
cover it); 2 on a usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple

from ._text import split_lines
from .errors import SourceMapError
from .js import source_mapping_url
from .stacktrace import parse_stacktrace
from .symbolication import ERRORS, Artifacts, Symbolicator
from .symbolication.artifacts import cache_is_fresh, cache_path, generated_beside
from .view import LookupRule, View

from ._cli_base import EXIT_NEGATIVE, EXIT_OK, EXIT_USAGE, _load_view, _print_json, _Usage
from .cli_decode import register as register_decode_verb
from .cli_write import cmd_lookup_reverse, register as register_write_verbs
from .cli_explain import register as register_explain_verb
from .cli_visualize import register as register_visualize_verb

# Scale-out and progress (see the "many traces" section below).
from .progress import Progress
from .scaleout import ERRORS as BATCH_ERRORS, symbolicate_many

__all__ = ["main", "EXAMPLE_DIR"]

#: The bundled example: a small app, its esbuild build and a Node trace.
EXAMPLE_DIR = Path(__file__).resolve().parent / "data" / "example"


# ------------------------------------------------------------- symbolicate


def _format_frame(f: Dict[str, Any], context: bool) -> List[str]:
    name = f["function"] or "<anonymous>"
    if f["lineno"] is None:
        loc = f["filename"] or "native"
    else:
        loc = "%s:%s" % (f["filename"], f["lineno"])
        if f["colno"] is not None:
            loc += ":%s" % f["colno"]
    lines = ["  at %s (%s)" % (name, loc)]
    if f["error"]:
        lines[0] += "  [%s]" % f["error"]
        # Why, for frames of files that were found (the ones that matter).
        if f["generated"] and (not f["resolved"] or f["error"] == "no_source_contents"):
            lines.append("      %s" % (f["error_message"] or ERRORS.get(f["error"], "")))
    if context and f["context_line"] is not None:
        first = f["lineno"] - len(f["pre_context"])
        width = len(str(f["lineno"] + len(f["post_context"])))
        for i, text in enumerate(f["pre_context"] + [f["context_line"]] + f["post_context"]):
            no = first + i
            mark = ">" if no == f["lineno"] else " "
            lines.append("    %s %*d | %s" % (mark, width, no, text.rstrip()))
    return lines


#: Reasons that say the artifacts are wrong or incomplete (rather than that
#: a frame is the engine's, or in code the bundler left unmapped).
ARTIFACT_ERRORS = frozenset(
    ["unreadable_file", "no_map_reference", "map_not_found", "map_invalid", "position_outside_map"]
)


def symbolicate_status(frames: List[Dict[str, Any]]) -> int:
    """0 when some frame resolved and no frame failed for a reason in
    ARTIFACT_ERRORS; 1 otherwise. Frames of files that are not in the
    artifacts (the engine's own), native frames and positions the map
    leaves unmapped do not make it fail."""
    if not any(f["resolved"] for f in frames):
        return EXIT_NEGATIVE
    if any(f["error"] in ARTIFACT_ERRORS for f in frames):
        return EXIT_NEGATIVE
    return EXIT_OK


def cmd_symbolicate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.workers is not None or args.scheduler or len(args.trace) > 1 or any(
        os.path.isdir(t) for t in args.trace
    ):
        return cmd_symbolicate_many(args, out, err)
    args.trace = args.trace[0] if args.trace else None
    example = args.trace is None and not args.artifacts
    if example:
        trace_text = (EXAMPLE_DIR / "trace.txt").read_text(encoding="utf-8")
        dirs = [EXAMPLE_DIR / "dist"]
        if not args.json:
            err.write(
                "No trace and no --artifacts given: symbolicating the bundled example\n"
                "  trace:     %s\n  artifacts: %s\n  sources:   %s\n\n"
                % (EXAMPLE_DIR / "trace.txt", EXAMPLE_DIR / "dist", EXAMPLE_DIR / "src")
            )
    else:
        if not args.artifacts:
            raise _Usage("symbolicate: give --artifacts DIR (the built files and their maps)")
        dirs = [Path(d) for d in args.artifacts]
        for d in dirs:
            if not d.exists():
                raise _Usage("symbolicate: no such artifact folder: %s" % d)
        if args.trace in (None, "-"):
            trace_text = sys.stdin.read()
        else:
            try:
                trace_text = Path(args.trace).read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                raise _Usage("symbolicate: cannot read %s: %s" % (args.trace, exc.strerror))
    trace = parse_stacktrace(trace_text)
    if not trace.frames:
        if args.json:
            _print_json({"message": trace.message, "frames": [], "summary": {"frames": 0}}, out)
        err.write("symbolicate: no stack frames found in the input\n")
        return EXIT_USAGE
    sym = Symbolicator(
        Artifacts(dirs, use_cache_files=not args.no_cache), context=args.context
    )
    result = sym.symbolicate(trace).to_dict()
    if args.json:
        _print_json(result, out)
    else:
        if result["message"]:
            out.write(result["message"] + "\n")
        for f in result["frames"]:
            out.write("\n".join(_format_frame(f, not args.no_context)) + "\n")
        s = result["summary"]
        err.write(
            "\n%d of %d frames resolved%s\n"
            % (
                s["resolved"],
                s["frames"],
                "; " + ", ".join("%d %s" % (n, k) for k, n in sorted(s["errors"].items()))
                if s["errors"]
                else "",
            )
        )
    return symbolicate_status(result["frames"])


# -------------------------------------------------------------- many traces


def _trace_files(paths: List[str]) -> List[Path]:
    """The trace files named, folders walked (files not starting with '.'),
    in a stable order."""
    files: List[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(
                sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith("."))
            )
        elif path.is_file():
            files.append(path)
        else:
            raise _Usage("symbolicate: no such trace file or folder: %s" % p)
    return files


def _dask_client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise _Usage(
            "symbolicate: --scheduler needs Dask's distributed package "
            "(pip install 'libsourcemap[dask]')"
        ) from None
    return Client(address)


def cmd_symbolicate_many(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """symbolicate over several traces (files or folders), on --workers
    local processes or the Dask cluster at --scheduler."""
    if not args.artifacts:
        raise _Usage("symbolicate: give --artifacts DIR (the built files and their maps)")
    if args.workers is not None and args.workers < 1:
        raise _Usage("symbolicate: --workers must be at least 1")
    if args.trace in ([], ["-"]):
        names, texts = ["-"], [sys.stdin.read()]
    else:
        files = _trace_files(args.trace)
        names = [str(f) for f in files]
        texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    for d in args.artifacts:
        if not Path(d).exists():
            raise _Usage("symbolicate: no such artifact folder: %s" % d)
    artifacts = Artifacts(args.artifacts, use_cache_files=not args.no_cache)
    client = _dask_client(args.scheduler) if args.scheduler else None
    mode = "off" if args.quiet or args.progress is False else ("bar" if args.progress else "auto")
    try:
        with Progress(len(texts), err, what="traces", label="symbolicate", mode=mode) as bar:
            results = symbolicate_many(
                texts, artifacts, client=client, workers=args.workers, context=args.context,
                progress=bar.update,
            )
    finally:
        if client is not None:
            client.close()
    dicts = [r.to_dict() for r in results]
    status = max(symbolicate_status(d["frames"]) for d in dicts) if dicts else EXIT_USAGE
    frames = sum(d["summary"]["frames"] for d in dicts)
    resolved = sum(d["summary"]["resolved"] for d in dicts)
    if args.json:
        _print_json(
            {"traces": [dict(d, trace=n) for n, d in zip(names, dicts)],
             "summary": {"traces": len(dicts), "frames": frames, "resolved": resolved}},
            out,
        )
    else:
        for name, d in zip(names, dicts):
            out.write("== %s\n" % name)
            if d["message"]:
                out.write(d["message"] + "\n")
            for f in d["frames"]:
                lines = _format_frame(f, not args.no_context)
                if f["error"] in BATCH_ERRORS and f["error"] not in ERRORS:
                    lines.append("      %s" % (f["error_message"] or BATCH_ERRORS[f["error"]]))
                out.write("\n".join(lines) + "\n")
        if not args.quiet:
            err.write("\n%d traces: %d of %d frames resolved\n" % (len(dicts), resolved, frames))
    return status


# ------------------------------------------------------------------ lookup


def _position(text: str, zero_based: bool) -> Tuple[int, int]:
    parts = text.replace(",", ":").split(":")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise _Usage("lookup: expected LINE:COL, got %r" % text)
    line, col = int(parts[0]), int(parts[1])
    if not zero_based:
        if line < 1 or col < 1:
            raise _Usage("lookup: lines and columns are 1-based (use --zero-based for 0-based)")
        line, col = line - 1, col - 1
    return line, col


def cmd_lookup(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.reverse is not None:
        return cmd_lookup_reverse(args, out, err)
    positions = [_position(p, args.zero_based) for p in args.positions]
    view = _load_view(args.map)
    base = 0 if args.zero_based else 1
    results = []
    missing = 0
    for (line, col), text in zip(positions, args.positions):
        tok = view.lookup_token(line, col, rule=args.rule or "greatest_lower_bound")
        if tok is None:
            missing += 1
            results.append({"query": text, "found": False})
            continue
        results.append(
            {
                "query": text,
                "found": True,
                "generated": {"line": tok.dst_line + base, "column": tok.dst_col + base},
                "source": tok.src,
                "line": (tok.src_line or 0) + base,
                "column": (tok.src_col or 0) + base,
                "name": tok.name,
            }
        )
    if args.json:
        _print_json(results, out)
    else:
        for r in results:
            if not r["found"]:
                out.write("%s -> (unmapped)\n" % r["query"])
            else:
                out.write(
                    "%s -> %s:%d:%d%s\n"
                    % (r["query"], r["source"], r["line"], r["column"],
                       "  name=%s" % r["name"] if r["name"] else "")
                )
    return EXIT_NEGATIVE if missing else EXIT_OK


# -------------------------------------------------------------------- info


def _map_info(view: View) -> Dict[str, Any]:
    sources = view.sources
    with_contents = sum(1 for i in range(len(sources)) if view.has_source_contents(i))
    return {
        "file": view.file,
        "source_root": view.source_root,
        "debug_id": view.debug_id,
        "index_map": view.is_index,
        "tokens": len(view),
        "generated_lines": view.line_count,
        "sources": len(sources),
        "sources_with_contents": with_contents,
        "names": len(view.names),
        "ignore_list": view.ignore_list,
        "source_names": sources,
    }


def cmd_info(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    view = _load_view(args.map)
    info = _map_info(view)
    info["path"] = args.map
    if args.json:
        _print_json(info, out)
        return EXIT_OK
    for key in ("path", "file", "source_root", "debug_id", "index_map", "tokens",
                "generated_lines", "sources", "sources_with_contents", "names"):
        out.write("%-22s %s\n" % (key + ":", info[key]))
    if info["ignore_list"]:
        out.write("%-22s %s\n" % ("ignore_list:", info["ignore_list"]))
    limit = None if args.all else 20
    shown = info["source_names"][:limit]
    out.write("sources:\n")
    for i, s in enumerate(shown):
        out.write("  [%d] %s%s\n" % (i, s, "" if view.has_source_contents(i) else "  (no contents)"))
    if limit is not None and len(info["source_names"]) > limit:
        out.write("  ... %d more (--all)\n" % (len(info["source_names"]) - limit))
    return EXIT_OK


# ---------------------------------------------------------------- validate


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report: Dict[str, Any] = {"map": args.map, "valid": True, "problems": [], "warnings": []}
    if not Path(args.map).is_file():
        raise _Usage("validate: no such file: %s" % args.map)
    try:
        view = View.from_path(args.map, allow_index=True)
    except SourceMapError as exc:
        report["valid"] = False
        report["problems"].append(
            {
                "error": getattr(exc, "error_name", type(exc).__name__),
                "message": str(exc),
                "offset": getattr(exc, "offset", None),
                "line": getattr(exc, "line", None),
                "segment": getattr(exc, "segment", None),
            }
        )
        view = None
    if view is not None:
        report["info"] = {k: v for k, v in _map_info(view).items() if k != "source_names"}
        missing = [i for i, s in enumerate(view.sources) if not view.has_source_contents(i)]
        if missing:
            report["warnings"].append(
                "%d of %d sources have no sourcesContent" % (len(missing), len(view.sources))
            )
    if view is not None and args.generated:
        try:
            gen = Path(args.generated).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise _Usage("validate: cannot read %s: %s" % (args.generated, exc.strerror))

        lines = split_lines(gen)
        widths = [_utf16_len(l) for l in lines]
        outside = []
        for tok in view:
            if tok.dst_line >= len(lines):
                outside.append((tok, "line %d is past the file's %d lines" % (tok.dst_line + 1, len(lines))))
            elif tok.dst_col > widths[tok.dst_line]:
                outside.append(
                    (tok, "column %d is past the end of line %d (%d columns)"
                     % (tok.dst_col + 1, tok.dst_line + 1, widths[tok.dst_line]))
                )
        report["generated"] = {
            "path": args.generated,
            "lines": len(lines),
            "mappings_outside": len(outside),
            "source_mapping_url": source_mapping_url(gen),
        }
        for tok, why in outside[: args.max_problems]:
            report["problems"].append({"error": "mapping_outside_generated", "message": why,
                                       "generated_line": tok.dst_line + 1,
                                       "generated_column": tok.dst_col + 1})
        if outside:
            report["valid"] = False
        url = report["generated"]["source_mapping_url"]
        if url is None:
            report["warnings"].append("the generated file has no sourceMappingURL comment")
        elif not url.startswith("data:") and Path(url.split("?")[0]).name != Path(args.map).name:
            report["warnings"].append(
                "the generated file's sourceMappingURL %r does not name this map" % url
            )
    if args.json:
        _print_json(report, out)
    else:
        out.write("%s: %s\n" % (args.map, "valid" if report["valid"] else "INVALID"))
        for p in report["problems"]:
            out.write("  error: %s: %s\n" % (p["error"], p["message"]))
        if args.generated and view is not None:
            g = report["generated"]
            out.write("  %s: %d lines, %d mappings outside it\n"
                      % (g["path"], g["lines"], g["mappings_outside"]))
        for w in report["warnings"]:
            out.write("  warning: %s\n" % w)
    return EXIT_OK if report["valid"] else EXIT_NEGATIVE


# ------------------------------------------------------------------- cache


def cmd_cache(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    maps = [Path(m) for m in args.maps]
    # A bar on a terminal, plain lines elsewhere; none for one map, -q or
    # --no-progress; --progress: a bar wherever.
    if args.progress:
        mode = "bar"
    elif args.progress is False or args.quiet or len(maps) < 2:
        mode = "off"
    else:
        mode = "auto"
    bar = Progress(len(maps), err, what="maps", label="cache", mode=mode)
    failed = 0
    results = []
    for i, m in enumerate(maps):
        target = cache_path(m)
        entry: Dict[str, Any] = {"map": str(m), "cache": str(target)}
        try:
            if not args.force and cache_is_fresh(m, target):
                entry["status"] = "up to date"
            else:
                view = View.from_path(m, allow_index=True)
                minified = generated_beside(m, view.file)
                view.write_cache(
                    target,
                    with_contents=not args.no_contents,
                    with_names=not args.no_names,
                    minified=minified[1] if minified else None,
                    frames=True,
                )
                entry["status"] = "written"
                entry["minified"] = str(minified[0]) if minified else None
                entry["bytes"] = target.stat().st_size
        except (SourceMapError, OSError) as exc:
            failed += 1
            entry["status"] = "failed"
            entry["error"] = str(exc)
        results.append(entry)
        bar.update(1, m.name)
    bar.close()
    if args.json:
        _print_json(results, out)
    else:
        for e in results:
            if e["status"] == "failed":
                out.write("failed   %s: %s\n" % (e["map"], e["error"]))
            elif not args.quiet:
                out.write("%-8s %s%s\n" % (e["status"], e["cache"],
                                           " (%d bytes)" % e["bytes"] if "bytes" in e else ""))
    return EXIT_NEGATIVE if failed else EXIT_OK


# -------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="libsourcemap",
        description="Source maps from the command line: symbolicate JavaScript stack traces, "
        "look up positions, inspect, validate and cache maps. Lines and columns are 1-based.",
        epilog="Exit status: 0 success, 1 a negative answer (symbolicate: no frame resolved, "
        "or a map missing, invalid or too short for a frame; lookup: a position unmapped; "
        "validate: an invalid map; cache: a cache not written), 2 usage error. Run "
        "`libsourcemap symbolicate` with no arguments to see it work on a bundled example.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser(
        "symbolicate",
        help="map a stack trace back to the original sources",
        description="Symbolicates a stack trace (V8, SpiderMonkey, JavaScriptCore text, or "
        "JSON frames) against folders of built files and source maps. With no trace and no "
        "--artifacts, runs on the bundled example.",
    )
    s.add_argument("trace", nargs="*", metavar="TRACE",
                   help="the trace file; '-' or omitted with --artifacts: standard input. "
                   "Several files or folders (every file in them): each trace is "
                   "symbolicated, on --workers processes")
    s.add_argument("--artifacts", "-a", nargs="+", metavar="DIR", default=[],
                   help="folders holding the generated files and their maps")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--context", type=int, default=5, metavar="N",
                   help="context lines before and after (default 5)")
    s.add_argument("--no-context", action="store_true", help="do not print context lines")
    s.add_argument("--no-cache", action="store_true", help="ignore <map>.lsmcache files")
    s.add_argument("--workers", "-j", type=int, metavar="N",
                   help="symbolicate on N local processes (default with several traces: "
                   "one per CPU)")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="symbolicate on the Dask cluster of this scheduler "
                   "(tcp://host:8786; needs libsourcemap[dask]); the artifact folders must "
                   "be at the same paths on its workers")
    s.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="always show a progress bar for several traces (default: on a "
                   "terminal; plain lines elsewhere)")
    s.add_argument("--no-progress", dest="progress", action="store_false")
    s.add_argument("--quiet", "-q", action="store_true",
                   help="no progress and no summary line")
    s.set_defaults(func=cmd_symbolicate)

    s = sub.add_parser("lookup", help="original positions of generated positions",
                       description="Looks up generated positions LINE:COL (1-based) in a map.")
    s.add_argument("map", metavar="MAP", help="a source map (or a .lsmcache file)")
    s.add_argument("positions", nargs="+", metavar="LINE:COL")
    s.add_argument("--rule", default=None,
                   choices=[r.name.lower() for r in LookupRule],
                   help="how a position between tokens resolves (default greatest_lower_bound; "
                   "with --reverse least_upper_bound)")
    s.add_argument("--reverse", metavar="SOURCE", default=None,
                   help="look up original positions LINE[:COL] of SOURCE (a name or index) "
                   "and print every generated position")
    s.add_argument("--zero-based", action="store_true", help="positions are 0-based")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_lookup)

    s = sub.add_parser("info", help="what a source map holds",
                       description="Prints a source map's properties and sources.")
    s.add_argument("map", metavar="MAP")
    s.add_argument("--all", action="store_true", help="list every source")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser(
        "validate",
        help="check a map against ECMA-426 (and the file it maps)",
        description="Loads a map strictly and reports the first error. With the generated "
        "file, also reports mappings past its lines or columns.",
    )
    s.add_argument("map", metavar="MAP")
    s.add_argument("generated", nargs="?", metavar="GENERATED_JS")
    s.add_argument("--max-problems", type=int, default=20, metavar="N",
                   help="report at most N mappings outside the file (default 20)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_validate)

    register_explain_verb(sub)  # explain

    s = sub.add_parser(
        "cache",
        help="write <map>.lsmcache cache files",
        description="Writes a cache file beside each map (MAP.lsmcache), which symbolicate "
        "opens in place instead of parsing the map. Up-to-date caches are kept.",
    )
    s.add_argument("maps", nargs="+", metavar="MAP")
    s.add_argument("--force", action="store_true", help="rewrite up-to-date caches")
    s.add_argument("--no-contents", action="store_true", help="leave sourcesContent out")
    s.add_argument("--no-names", action="store_true", help="leave names out")
    s.add_argument("--progress", dest="progress", action="store_true", default=None,
                   help="always show the progress bar (default: on a terminal, for 2+ maps)")
    s.add_argument("--no-progress", dest="progress", action="store_false")
    s.add_argument("--quiet", "-q", action="store_true", help="print failures only")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_cache)

    register_write_verbs(sub)  # inject, compose, flatten
    register_decode_verb(sub)  # decode
    register_visualize_verb(sub)  # visualize
    return p


def main(argv: Optional[Sequence[str]] = None, out: Optional[TextIO] = None,
         err: Optional[TextIO] = None) -> int:
    """Runs the command line; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code or 0)
    try:
        return int(args.func(args, out, err))
    except _Usage as exc:
        err.write("libsourcemap: %s\n" % exc)
        return EXIT_USAGE
    except BrokenPipeError:  # `| head`: stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # pragma: no cover
            pass
        return EXIT_OK
    except (SourceMapError, OSError) as exc:
        err.write("libsourcemap: %s\n" % exc)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
