"""Parsing JavaScript stack traces into frames.

Understands the text every engine family prints, and structured frames:

* V8 (Chrome, Edge, Node, Deno): ``    at fn (url:line:col)``,
  ``    at url:line:col``, ``    at new C (…)``, ``    at async fn (…)``,
  ``    at T.m [as alias] (…)``, ``    at Promise.all (index 0)``,
  ``    at fn (native)``, eval frames
  ``    at eval (eval at f (url:1:2), <anonymous>:3:4)``.
* SpiderMonkey (Firefox): ``fn@url:line:col``, ``@url:line:col``,
  ``outer/inner@…``, ``async*fn@…``, eval frames ``fn@url line 2 > eval:1:5``.
* JavaScriptCore (Safari): ``fn@url:line:col``, ``global code@…``,
  ``[native code]``, ``fn@[native code]``, bare ``url:line:col``.
* Structured frames: a list of dicts with ``filename``, ``lineno``,
  ``colno`` and ``function`` (also accepted as JSON text, bare or under
  ``"frames"`` or ``"stacktrace": {"frames": …}``).

Lines and columns are 1-based here, as every engine prints them; source
maps are 0-based, and :mod:`libsourcemap.symbolicate` converts.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._text import split_lines

__all__ = [
    "Frame",
    "StackTrace",
    "parse_stacktrace",
    "parse_frame",
    "parse_location",
    "frames_from_dicts",
    "V8",
    "SPIDERMONKEY",
    "JSC",
    "STRUCTURED",
]

V8 = "v8"
SPIDERMONKEY = "spidermonkey"
JSC = "jsc"
STRUCTURED = "structured"


@dataclass
class Frame:
    """One stack frame as the trace gave it.

    ``function`` is the name as printed, without ``async``/``new`` (see
    ``is_async``, ``is_constructor``) and without V8's ``[as alias]`` (see
    ``alias``); None for an anonymous frame. ``filename`` is the URL or
    path as printed (None when the frame has no location); ``lineno`` and
    ``colno`` are 1-based, None when absent.
    """

    function: Optional[str] = None
    filename: Optional[str] = None
    lineno: Optional[int] = None
    colno: Optional[int] = None
    raw: str = ""
    engine: str = V8
    is_async: bool = False
    is_constructor: bool = False
    is_native: bool = False
    is_eval: bool = False
    alias: Optional[str] = None
    #: For eval frames: where eval was called, itself a frame (V8) or a
    #: location (SpiderMonkey).
    eval_origin: Optional["Frame"] = None
    #: For a Hermes bytecode frame (React Native crash data): (segment id,
    #: function id, bytecode offset in the function). Its generated
    #: position comes from the map's x_hermes_function_offsets; lineno is
    #: the segment + 1 and colno is None.
    hermes: Optional[Tuple[int, int, int]] = None

    @property
    def display_function(self) -> Optional[str]:
        """The function as a debugger shows it: ``new C``, ``async f``."""
        if self.function is None:
            return None
        name = self.function
        if self.is_constructor:
            name = "new " + name
        return name

    @property
    def has_location(self) -> bool:
        """Whether the frame names a file and a line (so it can be mapped)."""
        return bool(self.filename) and self.lineno is not None and not self.is_native

    def to_dict(self) -> Dict[str, Any]:
        d = asdict(self)
        if self.eval_origin is not None:
            d["eval_origin"] = self.eval_origin.to_dict()
        return d


@dataclass
class StackTrace:
    """A parsed trace: the error message lines before the frames (``None``
    when there were none) and the frames, innermost first as printed."""

    message: Optional[str] = None
    frames: List[Frame] = field(default_factory=list)

    @property
    def engine(self) -> Optional[str]:
        """The engine of most frames, or None without frames."""
        counts: Dict[str, int] = {}
        for f in self.frames:
            counts[f.engine] = counts.get(f.engine, 0) + 1
        if not counts:
            return None
        return max(counts.items(), key=lambda kv: kv[1])[0]


# ---------------------------------------------------------------- locations

#: url:line:col or url:line at the end of a location. The URL part is
#: non-greedy from the left, so ports, Windows drives and schemes stay in it.
_LINE_COL = re.compile(r"^(?P<url>.*?):(?P<line>\d+)(?::(?P<col>\d+))?$")


def parse_location(text: str) -> Tuple[Optional[str], Optional[int], Optional[int]]:
    """Splits ``url:line:col`` (or ``url:line``, or just ``url``) into its
    parts. Lines and columns stay 1-based."""
    text = text.strip()
    if not text:
        return None, None, None
    m = _LINE_COL.match(text)
    if m and m.group("url"):
        col = m.group("col")
        return m.group("url"), int(m.group("line")), int(col) if col is not None else None
    return text, None, None


def _matching_open_paren(text: str) -> int:
    """The index of the ``(`` matching the ``)`` that ends `text`, or -1."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        c = text[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                return i
    return -1


# ----------------------------------------------------------------------- V8

_V8_AT = re.compile(r"^\s*at\s+(?P<rest>.*?)\s*$")
_CARET = re.compile(r"^\s*\^+\s*$")
_V8_ALIAS = re.compile(r"^(?P<name>.*?)\s+\[as (?P<alias>[^\]]*)\]$")
_V8_EVAL = re.compile(r"^eval at (?P<origin>.*?), (?P<loc>[^,]*)$")


def _v8_location(frame: Frame, loc: str) -> None:
    loc = loc.strip()
    if loc == "native" or loc == "native code":
        frame.is_native = True
        return
    if loc.startswith("index "):  # Promise.all (index 0)
        frame.is_native = True
        return
    if loc in ("<anonymous>", "unknown location"):
        frame.filename = loc
        return
    if loc.startswith(_HERMES_ADDRESS):
        _hermes_location(frame, loc[len(_HERMES_ADDRESS) :])
        return
    m = _V8_EVAL.match(loc)
    if m:
        frame.is_eval = True
        origin = m.group("origin")
        # "f (url:1:2)" or a nested "eval at g (…), <anonymous>:1:2"
        of = Frame(engine=V8, raw=origin)
        if origin.endswith(")"):
            i = _matching_open_paren(origin)
            if i > 0:
                of.function = origin[:i].strip() or None
                _v8_location(of, origin[i + 1 : -1])
            else:
                _v8_location(of, origin)
        else:
            _v8_location(of, origin)
        frame.eval_origin = of
        url, line, col = parse_location(m.group("loc"))
        frame.filename, frame.lineno, frame.colno = url, line, col
        return
    frame.filename, frame.lineno, frame.colno = parse_location(loc)


# Hermes (React Native) prints V8's shape with "address at" before the
# bundle, and the bytecode's virtual offset as the column: 0-based, where
# every other engine's column is 1-based.
_HERMES_ADDRESS = "address at "


def _hermes_location(frame: Frame, loc: str) -> None:
    frame.filename, frame.lineno, frame.colno = parse_location(loc)
    if frame.colno is not None:
        frame.colno += 1  # Frame columns are 1-based


def _v8_function(frame: Frame, name: str) -> None:
    name = name.strip()
    if name.startswith("async "):
        frame.is_async = True
        name = name[6:].strip()
    if name.startswith("new "):
        frame.is_constructor = True
        name = name[4:].strip()
    m = _V8_ALIAS.match(name)
    if m:
        name, frame.alias = m.group("name"), m.group("alias")
    frame.function = name or None


def _parse_v8(line: str) -> Optional[Frame]:
    m = _V8_AT.match(line)
    if not m:
        return None
    rest = m.group("rest")
    if rest.endswith(" {"):
        # Node: the last frame of an error with own properties ("... {")
        rest = rest[:-2].rstrip()
        line = line.rstrip()[:-2]
    frame = Frame(raw=line.strip(), engine=V8)
    if rest.endswith(")"):
        i = _matching_open_paren(rest)
        if i > 0:
            _v8_function(frame, rest[:i])
            _v8_location(frame, rest[i + 1 : -1])
            return frame
    # "at url:line:col" (anonymous), or "at async url:1:2", or a bare name
    if rest.startswith("async "):
        frame.is_async = True
        rest = rest[6:]
    url, line_no, col = parse_location(rest)
    if line_no is None and " " in rest.strip():
        # "at foo bar" with no location: a name only
        frame.function = rest.strip()
        return frame
    if line_no is None and rest.strip() == "native":
        frame.is_native = True
        return frame
    frame.filename, frame.lineno, frame.colno = url, line_no, col
    return frame


# ------------------------------------------------------ SpiderMonkey / JSC

_JSC_MARKERS = ("global code", "module code", "eval code", "[native code]")
#: SpiderMonkey's eval location: "url line 2 > eval" (possibly nested, and
#: "> Function" for new Function()).
_SM_EVAL = re.compile(r"^(?P<url>.*?) line (?P<line>\d+) > (?:eval|Function)(?P<rest>.*)$")
#: Locations of the @ forms that are clearly locations.
_LOCATION_START = re.compile(
    r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|\\\\|[A-Za-z]:[\\/]|\[native code\]|<anonymous>)"
)


def _looks_like_location(url: Optional[str]) -> bool:
    """Whether a frame's URL part is a URL or path, not prose."""
    if not url:
        return False
    if _LOCATION_START.match(url):
        return True
    return ("/" in url or "\\" in url or _SCRIPT_EXT.search(url) is not None) and " " not in url


_SCRIPT_EXT = re.compile(r"\.(?:[cm]?js|jsx|tsx?|html?)(?:[?#].*)?$", re.IGNORECASE)


def _parse_at_sign(line: str) -> Optional[Frame]:
    """``fn@url:line:col`` (SpiderMonkey and JavaScriptCore), Safari's bare
    ``url:line:col`` for anonymous functions, and ``[native code]``."""
    text = line.strip()
    if not text:
        return None
    if text == "[native code]":
        return Frame(raw=text, engine=JSC, is_native=True)
    at = text.find("@")
    if at < 0:
        url, line_no, col = parse_location(text)
        if line_no is not None and _looks_like_location(url):
            return Frame(raw=text, engine=JSC, filename=url, lineno=line_no, colno=col)
        return None
    name, loc = text[:at], text[at + 1 :]
    engine = JSC if any(mk in text for mk in _JSC_MARKERS) else SPIDERMONKEY
    frame = Frame(raw=text, engine=engine)
    if name.startswith("async*"):
        frame.is_async = True
        name = name[6:]
    frame.function = name or None
    if loc == "[native code]":
        frame.is_native = True
        return frame
    if loc == "":
        # JavaScriptCore: "eval code@", or a function without a source URL
        if not name or (" " in name and name not in _JSC_MARKERS):
            return None
        frame.is_eval = name == "eval code"
        return frame
    m = _SM_EVAL.match(loc)
    if m:
        frame.is_eval = True
        frame.eval_origin = Frame(
            raw=m.group("url"), engine=engine, filename=m.group("url"), lineno=int(m.group("line"))
        )
        # the position inside the eval'd code, if printed: "... > eval:1:5"
        pos = re.match(r"^(?:\s*line \d+ > (?:eval|Function))*:(\d+)(?::(\d+))?$", m.group("rest"))
        frame.filename = "<eval>"
        if pos:
            frame.lineno = int(pos.group(1))
            frame.colno = int(pos.group(2)) if pos.group(2) else None
        return frame
    url, line_no, col = parse_location(loc)
    if not _looks_like_location(url):
        return None
    frame.filename, frame.lineno, frame.colno = url, line_no, col
    return frame


# --------------------------------------------------------------- structured


def _as_int(value: Any) -> Optional[int]:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _hermes_fields(frame: Frame, item: Mapping[str, Any]) -> None:
    """Fills a Hermes bytecode frame's fields from `item`, when it is one."""
    fid = _as_int(item.get("FunctionID", item.get("function_id")))
    offset = _as_int(item.get("ByteCodeOffset", item.get("bytecode_offset")))
    if fid is None or offset is None or fid < 0 or offset < 0:
        return
    segment = None
    for key in ("SegmentID", "CJSModuleOffset", "segment_id"):
        segment = _as_int(item.get(key))
        if segment is not None:
            break
    segment = segment if segment is not None and segment >= 0 else 0
    frame.hermes = (segment, fid, offset)
    if frame.filename is None:
        url = item.get("SourceURL", item.get("source_url"))
        frame.filename = url if isinstance(url, str) and url else None
    frame.lineno = segment + 1
    frame.colno = None


def frames_from_dicts(items: Iterable[Mapping[str, Any]]) -> List[Frame]:
    """Frames from structured data: dicts with ``filename`` (or ``abs_path``,
    ``url``, ``file``), ``lineno`` (or ``line``), ``colno`` (or ``column``,
    ``col``) and ``function`` (or ``name``). Unknown keys are ignored;
    anything that is not a dict is skipped.

    Hermes bytecode frames, as React Native's crash data and
    metro-symbolicate give them (``FunctionID``, ``ByteCodeOffset``,
    ``SegmentID`` or ``CJSModuleOffset``, ``SourceURL``; or the same in
    snake case), become frames with :attr:`Frame.hermes` set."""
    frames: List[Frame] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        filename = None
        for key in ("filename", "abs_path", "url", "file", "fileName"):
            if isinstance(item.get(key), str) and item.get(key):
                filename = item[key]
                break
        lineno = None
        for key in ("lineno", "line", "lineNumber"):
            lineno = _as_int(item.get(key))
            if lineno is not None:
                break
        colno = None
        for key in ("colno", "column", "col", "columnNumber"):
            colno = _as_int(item.get(key))
            if colno is not None:
                break
        function = None
        for key in ("function", "name", "functionName"):
            if isinstance(item.get(key), str) and item.get(key):
                function = item[key]
                break
        frame = Frame(
            function=function,
            filename=filename,
            lineno=lineno,
            colno=colno,
            raw=json.dumps(dict(item), sort_keys=True, default=str),
            engine=STRUCTURED,
        )
        _hermes_fields(frame, item)
        if function and function.startswith("new "):
            frame.is_constructor = True
            frame.function = function[4:]
        if function and function.startswith("async "):
            frame.is_async = True
            frame.function = function[6:]
        frames.append(frame)
    return frames


def _structured(data: Any) -> Optional[StackTrace]:
    message = None
    if isinstance(data, Mapping):
        if isinstance(data.get("message"), str):
            message = data["message"]
        st = data.get("stacktrace")
        if isinstance(st, Mapping):
            data = st.get("frames")
        elif isinstance(st, str):
            return parse_stacktrace(st)
        elif "frames" in data:
            data = data.get("frames")
        elif isinstance(data.get("stack"), str):
            return parse_stacktrace(data["stack"])
        else:
            data = [data]
    if not isinstance(data, list):
        return None
    return StackTrace(message=message, frames=frames_from_dicts(data))


# --------------------------------------------------------------- the trace


def _next_is_frame(lines: List[str], k: int) -> bool:
    for line in lines[k + 1 :]:
        if line.strip():
            return parse_frame(line) is not None
    return True


def parse_frame(line: str) -> Optional[Frame]:
    """One line of a trace as a frame, or None when it is not one."""
    if _V8_AT.match(line):
        return _parse_v8(line)
    return _parse_at_sign(line)


def parse_stacktrace(
    trace: Union[str, bytes, Sequence[Mapping[str, Any]], Mapping[str, Any]],
) -> StackTrace:
    """Parses a stack trace: text from any engine (frames in the order
    printed, innermost first), or structured frames (a list of dicts, or
    JSON text of one). Lines that are not frames before the first frame
    become the message; the first line that is not a frame after them ends
    the trace (so of an error with a ``cause``, Node's nested output, only
    the outer error's frames are read; blank lines between frames are
    skipped). Never raises on bad input: what cannot be read is left out."""
    if isinstance(trace, bytes):
        trace = trace.decode("utf-8", "replace")
    if not isinstance(trace, str):
        return _structured(trace) or StackTrace()
    stripped = trace.strip()
    if stripped[:1] in ("[", "{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if data is not None:
            st = _structured(data)
            if st is not None:
                return st
    frames: List[Frame] = []
    message_lines: List[str] = []
    v8_seen = False
    lines = split_lines(trace)
    # Node prints the throwing line first: "file.js:10", the code, a caret
    # line. Those are message, not frames.
    first_at = next((i for i, ln in enumerate(lines) if _V8_AT.match(ln)), len(lines))
    caret = next((i for i in range(first_at) if _CARET.match(lines[i])), -1)
    if caret >= 0:
        message_lines.extend(ln.rstrip() for ln in lines[: caret + 1])
        message_lines.append("")
        lines = lines[caret + 1 :]
    for k, line in enumerate(lines):
        if not line.strip():
            if not frames:
                message_lines.append("")
            continue
        frame: Optional[Frame] = None
        if _V8_AT.match(line):
            frame = _parse_v8(line)
            v8_seen = True
        elif not v8_seen or frames == []:
            frame = _parse_at_sign(line)
            if frame is not None and not frames and "@" not in line and not _next_is_frame(lines, k):
                frame = None  # "file.js:10" heading an excerpt, not a lone frame
        if frame is not None:
            frames.append(frame)
        elif not frames:
            message_lines.append(line.rstrip())
        else:
            # The end of this error's frames: Node's "{ [cause]: ... }",
            # "Node.js v20", another error. Only the first error is read.
            break
    # The message: the last block of text before the frames (Node prints
    # the throwing line and a caret first, then a blank line).
    blocks: List[List[str]] = [[]]
    for ln in message_lines:
        if ln == "":
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(ln)
    nonempty = [b for b in blocks if b]
    message = "\n".join(nonempty[-1]) if nonempty else None
    return StackTrace(message=message, frames=frames)
