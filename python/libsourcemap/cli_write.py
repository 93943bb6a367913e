"""Command-line verbs that write maps or look them up backwards:
``inject``, ``compose``, ``flatten`` and ``lookup --reverse`` (registered
by :mod:`libsourcemap.cli`).

``inject PATH...`` does what ``sentry-cli sourcemaps inject`` does: for
each JavaScript file (PATH is a file or a folder searched for ``.js``,
``.mjs`` and ``.cjs`` files) that has a source map (by its
``sourceMappingURL`` comment, else ``<file>.map`` beside it), it

* takes the file's debug ID from its ``//# debugId=`` comment, else from
  the map's ``debugId``, else derives one from the file's bytes (SHA-1,
  shaped as a version-4 UUID: the same file always gets the same ID);
* writes ``//# debugId=<ID>`` among the file's trailing comments (before
  ``sourceMappingURL``) and ``"debugId"`` into the map;
* with ``--snippet``, inserts a one-line script that registers the ID
  (``globalThis._sentryDebugIds[<stack>] = <ID>``, what Sentry's SDKs
  read) as a new first line, or after a ``#!`` line or a ``"use strict"``
  line, and shifts the map's mappings (index maps: their sections) by
  that line so every original position answers the same.

A file that already has a ``debugId`` comment is left alone (only a map
lacking the ID gets it): running ``inject`` twice changes nothing.
``--dry-run`` reports without writing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO, Tuple

from ._cli_base import EXIT_NEGATIVE, EXIT_OK, _load_view, _print_json, _Usage
from .compose import compose
from .errors import NoSourceError
from .reverse import source_index
from .view import View
from .js import debug_id, normalize_debug_id, source_mapping_url

__all__ = ["register", "cmd_lookup_reverse", "inject_file", "debug_id_from_bytes", "snippet"]

JS_SUFFIXES = (".js", ".mjs", ".cjs")


def debug_id_from_bytes(data: bytes) -> str:
    """A debug ID derived from `data`: its SHA-1's first 16 bytes as a
    version-4, RFC 4122 variant UUID (lowercase, with dashes)."""
    raw = bytearray(hashlib.sha1(data).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def snippet(debug_id_value: str) -> str:
    """The one-line registration script for `debug_id_value`."""
    return (
        ';(function(){try{var g=typeof globalThis!=="undefined"?globalThis:'
        'typeof self!=="undefined"?self:typeof window!=="undefined"?window:'
        'typeof global!=="undefined"?global:{};var s=(new g.Error()).stack;'
        'if(s){g._sentryDebugIds=g._sentryDebugIds||{};g._sentryDebugIds[s]="%s";}}'
        "catch(e){}})();" % debug_id_value
    )


_USE_STRICT = re.compile(r"""^\s*(["'])use strict\1;?\s*$""")


def _snippet_line(text: str) -> int:
    """The line the snippet goes on: 0, or 1 after a ``#!`` line or a
    ``"use strict"`` line (which must stay first)."""
    first, nl, _ = text.partition("\n")
    if nl and (first.startswith("#!") or _USE_STRICT.match(first)):
        return 1
    return 0


def _insert_empty_line(mappings: str, at: int) -> str:
    """`mappings` with an empty generated line inserted before line `at`
    (a line past the end changes nothing: no token is there)."""
    lines = mappings.split(";")
    if at < len(lines):
        lines.insert(at, "")
    return ";".join(lines)


def shift_map(doc: Dict[str, Any], at: int) -> None:
    """Moves every generated position on line `at` or later of a parsed
    map (regular or index) one line down, in place."""
    if isinstance(doc.get("sections"), list):
        for sec in doc["sections"]:
            off = sec.get("offset", {})
            line = off.get("line", 0)
            if line >= at:
                off["line"] = line + 1
            elif isinstance(sec.get("map"), dict):
                shift_map(sec["map"], at - line)
        return
    if isinstance(doc.get("mappings"), str):
        doc["mappings"] = _insert_empty_line(doc["mappings"], at)


def _with_debug_id_comment(text: str, did: str) -> str:
    comment = "//# debugId=%s" % did
    lines = text.split("\n")
    # Before a trailing sourceMappingURL comment, as sentry-cli writes it.
    k = len(lines)
    while k > 0 and lines[k - 1].strip() == "":
        k -= 1
    if k > 0 and re.match(r"^\s*//[#@] sourceMappingURL=", lines[k - 1]):
        lines.insert(k - 1, comment)
        return "\n".join(lines)
    return text + ("" if text.endswith("\n") or not text else "\n") + comment + "\n"


def _find_map(js: Path, text: str) -> Optional[Path]:
    url = source_mapping_url(text)
    if url is not None and "://" not in url and not url.lower().startswith("data:"):
        cand = js.parent / url.split("?")[0].split("#")[0]
        if cand.is_file():
            return cand
    sibling = js.with_name(js.name + ".map")
    return sibling if sibling.is_file() else None


def inject_file(js: Path, *, with_snippet: bool = False,
                dry_run: bool = False) -> Dict[str, Any]:
    """Injects one file; returns what was (or would be) done."""
    data = js.read_bytes()
    report: Dict[str, Any] = {"file": str(js), "changed": False}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        report["skipped"] = "not UTF-8"
        return report
    map_path = _find_map(js, text)
    if map_path is None:
        report["skipped"] = "no source map (inline data: URLs are not rewritten)"
        return report
    report["map"] = str(map_path)
    map_bytes = map_path.read_bytes()
    View.from_json(map_bytes, allow_index=True)  # refuse invalid maps before writing
    # The map is rewritten without a byte order mark or ")]}'" line.
    map_text = map_bytes.decode("utf-8").lstrip("\ufeff")
    if map_text.startswith(")]}'"):
        map_text = map_text.partition("\n")[2]
    doc = json.loads(map_text)
    existing = debug_id(text)
    new_text = text
    shifted = None
    if existing is not None:
        did = existing
    else:
        map_id = doc.get("debugId") or doc.get("debug_id")
        did = map_id if isinstance(map_id, str) and map_id else debug_id_from_bytes(data)
        if with_snippet:
            at = _snippet_line(text)
            lines = text.split("\n")
            lines.insert(at, snippet(did))
            new_text = "\n".join(lines)
            shift_map(doc, at)
            shifted = at
        new_text = _with_debug_id_comment(new_text, did)
    report["debug_id"] = did
    report["snippet_line"] = shifted
    map_changed = normalize_debug_id(str(doc.get("debugId", ""))) != normalize_debug_id(did) \
        or shifted is not None
    if map_changed:
        doc["debugId"] = did
    report["changed"] = new_text != text or map_changed
    if not dry_run:
        if map_changed:
            _write(map_path, json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
        if new_text != text:
            _write(js, new_text)
    return report


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(".%s.lsm-tmp" % path.name)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _js_files(paths: List[str]) -> List[Path]:
    found: List[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d != "node_modules")
                found.extend(Path(root) / f for f in sorted(files) if f.endswith(JS_SUFFIXES))
        elif p.is_file():
            found.append(p)
        else:
            raise _Usage("no such file or folder: %s" % p)
    return found


def cmd_inject(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    reports = [inject_file(js, with_snippet=args.snippet, dry_run=args.dry_run)
               for js in _js_files(args.paths)]
    if args.json:
        _print_json(reports, out)
    else:
        verb = "would inject" if args.dry_run else "injected"
        for r in reports:
            if "skipped" in r:
                out.write("%s: skipped, %s\n" % (r["file"], r["skipped"]))
            elif not r["changed"]:
                out.write("%s: already injected (%s)\n" % (r["file"], r["debug_id"]))
            else:
                out.write("%s: %s %s (map %s%s)\n" % (
                    r["file"], verb, r["debug_id"], r["map"],
                    ", snippet on line %d" % (r["snippet_line"] + 1)
                    if r["snippet_line"] is not None else ""))
    return EXIT_OK if any("skipped" not in r for r in reports) else EXIT_NEGATIVE


# ------------------------------------------------------ compose, flatten


def _emit(data: bytes, output: Optional[str], out: TextIO) -> None:
    if output:
        Path(output).write_bytes(data)
    else:
        out.write(data.decode("utf-8"))
        out.write("\n")


def cmd_compose(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    outer = _load_view(args.outer)
    inners: Dict[str, View] = {}
    for path in args.inner:
        view = _load_view(path)
        # An inner map is the map of the file it names, else of its own
        # name without ".map".
        keys = [Path(path).name[:-4] if path.endswith(".map") else Path(path).name]
        if view.file:
            keys.append(Path(view.file).name)
        for k in keys:
            inners.setdefault(k, view)

    def loader(url: str) -> Optional[View]:
        return inners.get(Path(url).name) if url else None

    _emit(compose(outer, loader).to_json(), args.output, out)
    return EXIT_OK


def cmd_flatten(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    _emit(_load_view(args.map).to_json(), args.output, out)
    return EXIT_OK


# ------------------------------------------------------- lookup --reverse


def _original(text: str, zero_based: bool) -> Tuple[int, Optional[int]]:
    parts = text.replace(",", ":").split(":")
    if not 1 <= len(parts) <= 2 or not all(p.strip().isdigit() for p in parts):
        raise _Usage("lookup --reverse: expected LINE or LINE:COL, got %r" % text)
    nums = [int(p) for p in parts]
    if not zero_based:
        if min(nums) < 1:
            raise _Usage("lookup: lines and columns are 1-based (use --zero-based for 0-based)")
        nums = [n - 1 for n in nums]
    return nums[0], nums[1] if len(nums) == 2 else None


def cmd_lookup_reverse(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``lookup MAP --reverse SOURCE LINE[:COL]...``: every generated
    position of each original position (a whole line without COL)."""
    view = _load_view(args.map)
    source: Any = args.reverse
    # A name, else (all digits, no such name) an index.
    try:
        source_index(view, source)
    except NoSourceError:
        if not source.isdigit():
            raise
        source = int(source)
    if args.rule == "same_line":
        raise _Usage("lookup --reverse: the rule is greatest_lower_bound or least_upper_bound")
    base = 0 if args.zero_based else 1
    results = []
    for text in args.positions:
        line, col = _original(text, args.zero_based)
        toks = view.all_generated_positions_for(source, line, col,
                                                rule=args.rule or "least_upper_bound")
        results.append({
            "query": text,
            "found": bool(toks),
            "generated": [{"line": t.dst_line + base, "column": t.dst_col + base,
                           "name": t.name} for t in toks],
        })
    if args.json:
        _print_json(results, out)
    else:
        for r in results:
            gens = ", ".join("%d:%d" % (g["line"], g["column"]) for g in r["generated"])
            out.write("%s:%s -> %s\n" % (source, r["query"], gens or "(not in the output)"))
    return EXIT_OK if all(r["found"] for r in results) else EXIT_NEGATIVE


# ---------------------------------------------------------- registering


def register(sub: Any) -> None:
    """Adds ``inject``, ``compose`` and ``flatten`` to the subcommands."""
    s = sub.add_parser(
        "inject",
        help="give bundles and their maps a debug ID (as sentry-cli does)",
        description="Writes a //# debugId= comment into each JavaScript file with a source "
        "map, and the same debugId into the map; with --snippet also a line registering it "
        "at run time (the map shifted to match). Idempotent.",
    )
    s.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders to search")
    s.add_argument("--snippet", action="store_true",
                   help="insert the registration snippet (shifts the map by one line)")
    s.add_argument("--dry-run", action="store_true", help="report, write nothing")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_inject)

    s = sub.add_parser(
        "compose",
        help="compose a map with the maps of its sources",
        description="Composes OUTER (final -> intermediate) with INNER maps (intermediate -> "
        "original), as @jridgewell/remapping does. An inner map serves the outer source named "
        "like its file (its name without .map, or its \"file\").",
    )
    s.add_argument("outer", metavar="OUTER")
    s.add_argument("inner", nargs="+", metavar="INNER")
    s.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    s.set_defaults(func=cmd_compose)

    s = sub.add_parser("flatten", help="write an index map as a regular map",
                       description="Writes MAP (an index map, or any map) as one regular map.")
    s.add_argument("map", metavar="MAP")
    s.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    s.set_defaults(func=cmd_flatten)
