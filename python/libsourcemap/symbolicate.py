"""Symbolicating JavaScript stack traces against a folder of built files.

::

    from libsourcemap.symbolicate import Artifacts, Symbolicator

    sym = Symbolicator(Artifacts(["dist/"]))
    result = sym.symbolicate(open("trace.txt").read())
    for frame in result.frames:
        print(frame.function, frame.filename, frame.lineno, frame.error)

For each frame: the generated file is found in the artifact folders by the
longest matching path suffix of the frame's URL; its source map through
the file's ``sourceMappingURL`` comment (a relative or absolute URL, or a
``data:`` URL), a ``.map`` beside it, or its ``debugId`` comment; each map
is loaded once per :class:`Artifacts` (from ``<map>.lsmcache`` when that
cache file exists beside it and is not older than the map). The position
is mapped with the same-line rule (a column before the first mapping of its
line maps to nothing, as browsers do), the function's original name comes
from the C library's scope scanner, and context lines from
``sourcesContent`` or the original file on disk.

Nothing here raises on bad input: a frame that cannot be resolved keeps
its generated location and says why in ``error`` (one of :data:`ERRORS`).
"""

from __future__ import annotations

import os
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import (
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    Union,
)

from . import _native
from . import telemetry as _telemetry
from ._native import ffi, lib
from .exceptions import SourceMapError
from .highlevel import LookupRule, Token, View
from .stacktrace import Frame, StackTrace, parse_frame, parse_location, parse_stacktrace

__all__ = [
    "ERRORS",
    "Artifacts",
    "MapRef",
    "Step",
    "SymbolicatedFrame",
    "SymbolicatedTrace",
    "Symbolicator",
    "Scopes",
    "source_mapping_url",
    "debug_id",
    "decode_data_url",
    "get_original_function_name",
    "normalize_debug_id",
]

#: Why a frame could not be (fully) resolved: code -> explanation.
ERRORS: Dict[str, str] = {
    "no_location": "the frame has no file and line to map (a native or built-in frame)",
    "eval_code": "the frame is in code run by eval() or new Function(), which has no source map",
    "file_not_found": "no file in the artifact folders matches the frame's URL",
    "unreadable_file": "the generated file could not be read",
    "no_map_reference": (
        "the generated file has no sourceMappingURL or debugId comment and no .map beside it"
    ),
    "map_not_found": "the source map the generated file refers to is not in the artifacts",
    "map_invalid": "the source map could not be loaded",
    "position_outside_map": "the position lies past the lines the source map covers",
    "unmapped_position": "nothing is mapped at the position (before the line's first mapping)",
    "no_source_contents": (
        "the position maps, but the original source's text is in neither sourcesContent "
        "nor the artifact folders (no context lines)"
    ),
}

#: Files larger than this are not read as generated JavaScript.
MAX_GENERATED_BYTES = 256 * 1024 * 1024

# ------------------------------------------------------------ C helpers


def _as_bytes(text: Union[str, bytes]) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)


def source_mapping_url(generated: Union[str, bytes]) -> Optional[str]:
    """The URL of the last ``//# sourceMappingURL=`` comment among the
    trailing comments of generated JavaScript (ECMA-426's extraction
    without parsing), or None."""
    data = _as_bytes(generated)
    out = ffi.new("char **")
    n = ffi.new("size_t *")
    with _native.capture_err() as (err, check):
        found = check(lib.lsm_js_source_mapping_url(data, len(data), out, n, err))
    if found != 1:
        return None
    return ffi.unpack(out[0], n[0]).decode("utf-8", "replace")  # type: ignore[no-any-return]


def debug_id(generated: Union[str, bytes]) -> Optional[str]:
    """The value of the last ``//# debugId=`` comment among the trailing
    comments of generated JavaScript, as written, or None."""
    data = _as_bytes(generated)
    out = ffi.new("char **")
    n = ffi.new("size_t *")
    with _native.capture_err() as (err, check):
        found = check(lib.lsm_js_debug_id(data, len(data), out, n, err))
    if found != 1:
        return None
    return ffi.unpack(out[0], n[0]).decode("utf-8", "replace")  # type: ignore[no-any-return]


def decode_data_url(url: Union[str, bytes]) -> bytes:
    """The bytes of a source map ``data:`` URL (base64 or percent-encoded,
    a JSON media type). Raises :class:`SourceMapError` otherwise."""
    data = _as_bytes(url)
    out = ffi.new("uint8_t **")
    n = ffi.new("size_t *")
    err = ffi.new("lsm_error_t *")
    lib.lsm_data_url_decode(data, len(data), out, n, err)
    try:
        if err.code != 0:
            raise _native.exception_from(err)
        return ffi.buffer(out[0], n[0])[:]  # type: ignore[no-any-return]
    finally:
        lib.lsm_buffer_free(out[0])


def get_original_function_name(
    view: View,
    line: int,
    col: int,
    minified_name: str,
    minified_source: Union[str, bytes],
) -> Optional[str]:
    """libsourcemap 0.8's ``View.get_original_function_name`` on the C
    scope scanner (``lsm_view_get_original_function_name``): the original
    name of the enclosing function whose name token is `minified_name`
    (its last dotted component) at generated (`line`, `col`), 0-based, in
    `minified_source`; None when there is none or a position is negative."""
    if line < 0 or col < 0 or line > 0xFFFFFFFF or col > 0xFFFFFFFF:
        return None
    src = _as_bytes(minified_source)
    name = minified_name.encode("utf-8")
    n = ffi.new("size_t *")
    buf = ffi.new("char[]", 256)
    for _ in range(2):
        with _native.capture_err() as (err, check):
            rc = check(
                lib.lsm_view_get_original_function_name(
                    view._get_ptr(), line, col, name, len(name), src, len(src), buf, len(buf),
                    n, err,
                )
            )
        if rc != 1:
            return None
        if n[0] < len(buf):
            return ffi.unpack(buf, n[0]).decode("utf-8", "replace")  # type: ignore[no-any-return]
        buf = ffi.new("char[]", n[0] + 1)
    return None  # pragma: no cover - the second call always fits


def normalize_debug_id(value: str) -> str:
    """A debug ID as compared: lower case, without dashes or braces."""
    return re.sub(r"[^0-9a-f]", "", value.lower())


@dataclass(frozen=True)
class Scope:
    """One function scope found by :class:`Scopes` (0-based lines and
    UTF-16 columns; ``end`` is just past its last token)."""

    index: int
    start: Tuple[int, int]
    end: Tuple[int, int]
    name: Optional[str]
    name_position: Optional[Tuple[int, int]]
    parent: Optional[int]


class Scopes:
    """The function scopes of a JavaScript (or TypeScript/JSX) text, from
    the C scanner (``lsm_js_scopes_build``)."""

    def __init__(self, text: Union[str, bytes], *, jsx: bool = True) -> None:
        data = _as_bytes(text)
        flags = lib.LSM_JS_DEFAULT if jsx else lib.LSM_JS_NO_JSX
        with _native.capture_err() as (err, check):
            ptr = check(lib.lsm_js_scopes_build_ex(data, len(data), flags, err))
        self._ptr = ffi.gc(ptr, lib.lsm_js_scopes_free)

    def __len__(self) -> int:
        return int(lib.lsm_js_scopes_count(self._ptr))

    @staticmethod
    def _scope(s: Any) -> Scope:
        no = _native.NO_ID
        return Scope(
            index=int(s.index),
            start=(int(s.start_line), int(s.start_col)),
            end=(int(s.end_line), int(s.end_col)),
            name=_native.to_str(s.name, s.name_len),
            name_position=None if s.name_line == no else (int(s.name_line), int(s.name_col)),
            parent=None if s.parent == no else int(s.parent),
        )

    def __getitem__(self, index: int) -> Scope:
        out = ffi.new("lsm_js_scope_t *")
        with _native.capture_err() as (err, check):
            check(lib.lsm_js_scopes_get(self._ptr, index, out, err))
        return self._scope(out)

    def __iter__(self) -> Iterator[Scope]:
        for i in range(len(self)):
            yield self[i]

    def at(self, line: int, col: int) -> Optional[Scope]:
        """The innermost scope containing (line, col), 0-based, or None at
        the top level."""
        out = ffi.new("lsm_js_scope_t *")
        with _native.capture_err() as (err, check):
            found = check(lib.lsm_js_scope_at(self._ptr, line, col, out, err))
        return self._scope(out) if found == 1 else None


class _Namer:
    """``lsm_js_namer_t``: original function names for one generated file.
    Holds the view it borrows."""

    HOW = {0: "none", 1: "original", 2: "generated"}

    def __init__(self, view: View, generated: Optional[bytes]) -> None:
        self._view = view
        self.given: Set[int] = set()
        data = generated if generated is not None else ffi.NULL
        length = len(generated) if generated is not None else 0
        with _native.capture_err() as (err, check):
            ptr = check(lib.lsm_js_namer_new(view._get_ptr(), data, length, 0, err))
        self._ptr = ffi.gc(ptr, lib.lsm_js_namer_free)
        self._buf = ffi.new("char[]", 512)

    def give_source(self, src_id: int, text: bytes) -> None:
        if src_id in self.given:
            return
        self.given.add(src_id)
        with _native.capture_err() as (err, check):
            check(lib.lsm_js_namer_set_source(self._ptr, src_id, text, len(text), err))

    def lookup(self, line: int, col: int) -> Tuple[int, Optional[Token]]:
        """``lsm_js_namer_lookup``: (1 found / 0 nothing / 2 refused, token)."""
        out = ffi.new("lsm_token_t *")
        with _native.capture_err() as (err, check):
            rc = int(check(lib.lsm_js_namer_lookup(self._ptr, line, col, out, err)))
        if out.src_id == _native.NO_ID:
            return rc, None
        return rc, Token(
            int(out.dst_line),
            int(out.dst_col),
            _native.to_str(out.src, out.src_len),
            int(out.src_line),
            int(out.src_col),
            int(out.src_id),
            _native.to_str(out.name, out.name_len),
        )

    def name_at(self, line: int, col: int) -> Tuple[Optional[str], str]:
        n = ffi.new("size_t *")
        how = ffi.new("int *")
        with _native.capture_err() as (err, check):
            rc = check(
                lib.lsm_js_namer_name_at(
                    self._ptr, line, col, self._buf, len(self._buf), n, how, err
                )
            )
            if rc == 1 and n[0] >= len(self._buf):
                self._buf = ffi.new("char[]", n[0] + 1)
                rc = check(
                    lib.lsm_js_namer_name_at(
                        self._ptr, line, col, self._buf, len(self._buf), n, how, err
                    )
                )
        name = ffi.unpack(self._buf, n[0]).decode("utf-8", "replace") if rc == 1 else None
        return name, self.HOW.get(int(how[0]), "none")


# -------------------------------------------------------------- artifacts


def _url_path(url: str) -> Tuple[str, str]:
    """(netloc, path) of a URL with a scheme; never raises (urlsplit does on
    a malformed host such as "http://[::1/x")."""
    try:
        parts = urllib.parse.urlsplit(url)
        return parts.netloc, parts.path
    except ValueError:
        m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?://([^/?#]*))?([^?#]*)", url)
        return (m.group(1) or "", m.group(2)) if m else ("", url)


def url_path_parts(url: str) -> List[str]:
    """The path components of a frame's URL or path: scheme, host, query
    and fragment dropped, percent-escapes decoded, ``/`` and ``\\`` both
    separators, ``.`` and ``..`` dropped."""
    u = url.strip()
    path = u
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]+):(.*)$", u)  # a scheme (2+ letters: not C:)
    if m:
        netloc, path = _url_path(u)
        if m.group(1).lower() in ("webpack", "webpack-internal") and netloc:
            # webpack://app-name/./src/x.js: the "host" is the project name
            path = netloc + "/" + path
    else:
        path = re.split(r"[?#]", u, maxsplit=1)[0]
    path = urllib.parse.unquote(path)
    return [p for p in re.split(r"[\\/]+", path) if p and p not in (".", "..")]


@dataclass
class Step:
    """One step of :meth:`Symbolicator.explain`."""

    step: str
    ok: bool
    detail: str

    def to_dict(self) -> Dict[str, Any]:
        return {"step": self.step, "ok": self.ok, "detail": self.detail}


@dataclass
class MapRef:
    """How a generated file's source map was found (or why not)."""

    generated: Path
    view: Optional[View] = None
    map_path: Optional[Path] = None
    how: Optional[str] = None  # "comment", "data_url", "sibling", "debug_id"
    from_cache: bool = False
    reference: Optional[str] = None  # the sourceMappingURL, if any
    debug_id: Optional[str] = None
    error: Optional[str] = None
    error_message: Optional[str] = None
    steps: List[Step] = field(default_factory=list)
    namer: Optional[_Namer] = None
    text: Optional[bytes] = None


class Artifacts:
    """One or several folders of built files and their source maps,
    indexed by file name. Loaded maps, read files and debug IDs are cached
    for the object's lifetime (one run). Thread-safe."""

    def __init__(
        self,
        dirs: Iterable[Union[str, "os.PathLike[str]"]],
        *,
        use_cache_files: bool = True,
    ) -> None:
        self.dirs: List[Path] = [Path(d).resolve() for d in dirs]
        self.use_cache_files = use_cache_files
        self._by_name: Dict[str, List[Path]] = {}
        self._lock = threading.RLock()
        self._maps: Dict[Path, Union[Tuple[View, bool], SourceMapError, OSError]] = {}
        self._refs: Dict[Path, MapRef] = {}
        self._texts: Dict[Path, Optional[bytes]] = {}
        self._debug_ids: Optional[Dict[str, Path]] = None
        self.maps_loaded = 0
        for root in self.dirs:
            if root.is_file():
                self._by_name.setdefault(root.name, []).append(root)
                continue
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    self._by_name.setdefault(name, []).append(Path(dirpath) / name)

    # ---------------------------------------------------------- finding

    def find(self, url: str) -> Optional[Path]:
        """The artifact whose path shares the longest suffix with the URL's
        path (at least the file name), or None."""
        parts = url_path_parts(url)
        if not parts:
            return None
        candidates = self._by_name.get(parts[-1], [])
        best: Optional[Path] = None
        best_score = -1
        for cand in candidates:
            cparts = cand.parts
            score = 0
            while (
                score < len(parts)
                and score < len(cparts)
                and parts[-1 - score] == cparts[-1 - score]
            ):
                score += 1
            if score > best_score:  # ties: the first folder, then the first path
                best, best_score = cand, score
        return best

    def read(self, path: Path) -> Optional[bytes]:
        """A file's bytes (cached), or None when it cannot be read."""
        with self._lock:
            if path in self._texts:
                return self._texts[path]
        data: Optional[bytes]
        try:
            if path.stat().st_size > MAX_GENERATED_BYTES:
                data = None
            else:
                data = path.read_bytes()
        except OSError:
            data = None
        with self._lock:
            self._texts[path] = data
        return data

    def _debug_id_index(self) -> Dict[str, Path]:
        """debugId -> map path, for every .map in the folders (built once)."""
        with self._lock:
            if self._debug_ids is not None:
                return self._debug_ids
        index: Dict[str, Path] = {}
        pattern = re.compile(rb'"debug_?[Ii]d"\s*:\s*"([^"]{1,100})"')
        for paths in self._by_name.values():
            for p in paths:
                if not p.name.endswith(".map"):
                    continue
                try:
                    data = p.read_bytes()
                except OSError:
                    continue
                m = pattern.search(data)
                if m:
                    key = normalize_debug_id(m.group(1).decode("ascii", "replace"))
                    index.setdefault(key, p)
        with self._lock:
            self._debug_ids = index
        return index

    # ----------------------------------------------------------- loading

    def load_map(self, path: Path) -> Tuple[View, bool]:
        """The view of the map at `path` and whether it came from a cache
        file, loaded once. Raises SourceMapError (or OSError)."""
        path = path.resolve()
        with self._lock:
            cached = self._maps.get(path)
            if cached is None:
                cached = self._load(path)
                self._maps[path] = cached
        if isinstance(cached, BaseException):
            raise cached
        return cached

    def _load(self, path: Path) -> Union[Tuple[View, bool], SourceMapError, OSError]:
        cache = path.with_name(path.name + ".lsmcache")
        try:
            if self.use_cache_files and cache.is_file():
                if cache.stat().st_mtime >= path.stat().st_mtime:
                    try:
                        view = View.from_cache_path(cache)
                        self.maps_loaded += 1
                        return view, True
                    except SourceMapError:
                        pass  # a stale or foreign cache: the map itself
            view = View.from_path(path, allow_index=True)
            self.maps_loaded += 1
            return view, False
        except (SourceMapError, OSError) as exc:
            return exc

    def _from_data_url(self, url: str) -> View:
        return View.from_json(decode_data_url(url), allow_index=True)

    def map_for(self, generated: Path) -> MapRef:
        """Finds and loads the source map of a generated file (once)."""
        with self._lock:
            ref = self._refs.get(generated)
            if ref is not None:
                return ref
        ref = self._map_for(generated)
        with self._lock:
            self._refs.setdefault(generated, ref)
            return self._refs[generated]

    def _resolve_reference(self, generated: Path, url: str) -> List[Path]:
        """Where a sourceMappingURL may point, most likely first: a relative
        URL beside the generated file only; an absolute one (http:, file:,
        /path) as a local path, then by path suffix in the artifacts."""
        out: List[Path] = []
        clean = re.split(r"[?#]", url, maxsplit=1)[0]
        scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]+):", clean)
        if scheme and scheme.group(1).lower() == "file":
            local = urllib.parse.unquote(_url_path(clean)[1])
            if re.match(r"^/[A-Za-z]:/", local):
                local = local[1:]
            out.append(Path(local))
        elif not scheme:
            rel = urllib.parse.unquote(clean)
            if not rel:
                return out
            if not rel.startswith(("/", "\\")):
                out.append(generated.parent / rel)
                return out
            out.append(Path(rel))
        found = self.find(url)
        if found is not None:
            out.append(found)
        return out

    def _try_load(self, ref: MapRef, path: Path, how: str) -> bool:
        try:
            view, from_cache = self.load_map(path)
        except (SourceMapError, OSError) as exc:
            ref.error = "map_invalid"
            ref.error_message = "%s: %s" % (path, exc)
            ref.steps.append(Step("load map", False, "%s could not be loaded: %s" % (path, exc)))
            return False
        ref.view, ref.map_path, ref.how, ref.from_cache = view, path, how, from_cache
        ref.error = ref.error_message = None
        ref.steps.append(
            Step(
                "load map",
                True,
                "%s loaded%s: %d tokens, %d sources"
                % (
                    path,
                    " from its cache file" if from_cache else "",
                    len(view),
                    view.get_source_count(),
                ),
            )
        )
        return True

    def _map_for(self, generated: Path) -> MapRef:
        ref = MapRef(generated=generated)
        text = self.read(generated)
        ref.text = text
        if text is None:
            ref.error = "unreadable_file"
            ref.error_message = "cannot read %s" % generated
            ref.steps.append(Step("read generated file", False, ref.error_message))
            return ref
        ref.steps.append(Step("read generated file", True, "%s (%d bytes)" % (generated, len(text))))

        url = source_mapping_url(text)
        ref.reference = url
        if url is not None:
            if url[:5].lower() == "data:":
                try:
                    view = self._from_data_url(url)
                except SourceMapError as exc:
                    ref.error, ref.error_message = "map_invalid", "inline data: URL: %s" % exc
                    ref.steps.append(Step("sourceMappingURL", False, ref.error_message))
                else:
                    ref.view, ref.how = view, "data_url"
                    ref.steps.append(
                        Step("sourceMappingURL", True, "inline data: URL (%d tokens)" % len(view))
                    )
                    return ref
            else:
                tried = self._resolve_reference(generated, url)
                for cand in tried:
                    if cand.is_file():
                        ref.steps.append(
                            Step("sourceMappingURL", True, "%r points to %s" % (url, cand))
                        )
                        if self._try_load(ref, cand, "comment"):
                            return ref
                        break
                else:
                    ref.error = "map_not_found"
                    ref.error_message = "sourceMappingURL %r: no such file (tried %s)" % (
                        url,
                        ", ".join(str(c) for c in tried) or "nothing",
                    )
                    ref.steps.append(Step("sourceMappingURL", False, ref.error_message))
        else:
            ref.steps.append(Step("sourceMappingURL", False, "no sourceMappingURL comment"))

        sibling = generated.with_name(generated.name + ".map")
        if sibling.is_file():
            ref.steps.append(Step("sibling .map", True, "%s exists" % sibling))
            if self._try_load(ref, sibling, "sibling"):
                return ref
        else:
            ref.steps.append(Step("sibling .map", False, "no %s" % sibling.name))

        did = debug_id(text)
        ref.debug_id = did
        if did is not None:
            target = self._debug_id_index().get(normalize_debug_id(did))
            if target is not None:
                ref.steps.append(Step("debugId", True, "%s is the debugId of %s" % (did, target)))
                if self._try_load(ref, target, "debug_id"):
                    return ref
            else:
                ref.steps.append(Step("debugId", False, "no map in the artifacts has debugId %s" % did))
                if ref.error is None:
                    ref.error = "map_not_found"
                    ref.error_message = "no source map with debugId %s in the artifacts" % did
        else:
            ref.steps.append(Step("debugId", False, "no debugId comment"))
        if ref.error is None:
            ref.error = "no_map_reference"
            ref.error_message = ERRORS["no_map_reference"]
        return ref

    def find_source_file(self, map_path: Optional[Path], source: str) -> Optional[Path]:
        """An original source named `source` (as the map gives it) on disk:
        relative to the map's folder, as an absolute path or file: URL, or
        by path suffix in the artifact folders."""
        clean = re.split(r"[?#]", source, maxsplit=1)[0]
        scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]+):(.*)$", clean)
        candidates: List[Path] = []
        if scheme is None:
            p = Path(urllib.parse.unquote(clean))
            if p.is_absolute():
                candidates.append(p)
            elif map_path is not None:
                candidates.append(map_path.parent / p)
        elif scheme.group(1).lower() == "file":
            local = urllib.parse.unquote(_url_path(clean)[1])
            if re.match(r"^/[A-Za-z]:/", local):
                local = local[1:]
            candidates.append(Path(local))
        for c in candidates:
            try:
                if c.is_file():
                    return c
            except OSError:
                continue
        return self.find(source)


# ----------------------------------------------------------------- results


@dataclass
class SymbolicatedFrame:
    """A frame after symbolication. Lines and columns are 1-based. When
    ``error`` is set and ``resolved`` is False, ``filename``, ``lineno``,
    ``colno`` and ``function`` are the frame's own (generated) ones."""

    filename: Optional[str]
    lineno: Optional[int]
    colno: Optional[int]
    function: Optional[str]
    raw: str
    context_line: Optional[str] = None
    pre_context: List[str] = field(default_factory=list)
    post_context: List[str] = field(default_factory=list)
    error: Optional[str] = None
    error_message: Optional[str] = None
    resolved: bool = False
    abs_path: Optional[str] = None
    in_app: Optional[bool] = None
    function_source: Optional[str] = None  # "original", "generated", "none"
    generated: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "filename": self.filename,
            "lineno": self.lineno,
            "colno": self.colno,
            "function": self.function,
            "context_line": self.context_line,
            "pre_context": list(self.pre_context),
            "post_context": list(self.post_context),
            "error": self.error,
            "error_message": self.error_message,
            "resolved": self.resolved,
            "abs_path": self.abs_path,
            "in_app": self.in_app,
            "function_source": self.function_source,
            "generated": dict(self.generated),
            "raw": self.raw,
        }


@dataclass
class SymbolicatedTrace:
    """Every frame of a trace, symbolicated, in the input's order."""

    message: Optional[str]
    frames: List[SymbolicatedFrame]

    def to_dict(self) -> Dict[str, Any]:
        resolved = sum(1 for f in self.frames if f.resolved)
        errors: Dict[str, int] = {}
        for f in self.frames:
            if f.error:
                errors[f.error] = errors.get(f.error, 0) + 1
        return {
            "message": self.message,
            "frames": [f.to_dict() for f in self.frames],
            "summary": {"frames": len(self.frames), "resolved": resolved, "errors": errors},
        }


def _split_lines(text: str) -> List[str]:
    return re.split(r"\r\n|\r|\n|\u2028|\u2029", text)


class Symbolicator:
    """Symbolicates frames against :class:`Artifacts`.

    ``context`` lines are given before and after each frame's line. Safe to
    use from several threads (each generated file gets one name finder,
    guarded by a lock)."""

    def __init__(self, artifacts: Artifacts, *, context: int = 5) -> None:
        self.artifacts = artifacts
        self.context = max(0, int(context))
        self._lock = threading.RLock()
        self._sources: Dict[Tuple[int, int], Tuple[Optional[List[str]], Optional[Path], bool]] = {}

    # -------------------------------------------------------------- API

    def symbolicate(
        self, trace: Union[str, bytes, StackTrace, Sequence[Mapping[str, Any]], Sequence[Frame]]
    ) -> SymbolicatedTrace:
        """Symbolicates a whole trace (text, structured frames, a parsed
        :class:`StackTrace`, or a list of :class:`Frame`)."""
        if isinstance(trace, StackTrace):
            st = trace
        elif isinstance(trace, (list, tuple)) and trace and all(
            isinstance(f, Frame) for f in trace
        ):
            st = StackTrace(frames=list(trace))
        else:
            st = parse_stacktrace(trace)  # type: ignore[arg-type]
        with _telemetry.span("libsourcemap.symbolicate") as span:
            result = SymbolicatedTrace(
                message=st.message, frames=[self.symbolicate_frame(f) for f in st.frames]
            )
            span.trace_result(result.frames)
        return result

    def symbolicate_frame(self, frame: Frame) -> SymbolicatedFrame:
        """One frame; never raises for bad input (the error says why)."""
        try:
            return self._resolve(frame, None)
        except (SourceMapError, OSError, ValueError) as exc:  # pragma: no cover - defensive
            out = self._unresolved(frame)
            out.error, out.error_message = "map_invalid", str(exc)
            return out

    def explain(self, frame: Union[Frame, str]) -> Tuple[SymbolicatedFrame, List[Step]]:
        """Symbolicates one frame (a :class:`Frame` or a line of a trace, or
        ``url:line:col``) and says what happened, step by step."""
        steps: List[Step] = []
        if isinstance(frame, str):
            parsed = parse_frame(frame)
            if parsed is None or not parsed.filename:
                url, line, col = parse_location(frame.strip())
                parsed = Frame(filename=url, lineno=line, colno=col, raw=frame.strip())
                steps.append(Step("parse frame", line is not None, "read as url:line:col"))
            else:
                steps.append(
                    Step(
                        "parse frame",
                        True,
                        "%s frame: function %r, file %r, line %s, column %s"
                        % (
                            parsed.engine,
                            parsed.display_function,
                            parsed.filename,
                            parsed.lineno,
                            parsed.colno,
                        ),
                    )
                )
            frame = parsed
        return self._resolve(frame, steps), steps

    # ---------------------------------------------------------- internals

    @staticmethod
    def _unresolved(frame: Frame) -> SymbolicatedFrame:
        return SymbolicatedFrame(
            filename=frame.filename,
            lineno=frame.lineno,
            colno=frame.colno,
            function=frame.display_function,
            raw=frame.raw,
        )

    def _fail(
        self,
        out: SymbolicatedFrame,
        steps: Optional[List[Step]],
        code: str,
        message: Optional[str] = None,
        step: str = "",
    ) -> SymbolicatedFrame:
        out.error = code
        out.error_message = message or ERRORS[code]
        if steps is not None:
            steps.append(Step(step or code, False, out.error_message))
        return out

    def _source_text(
        self, ref: MapRef, token: Token
    ) -> Tuple[Optional[List[str]], Optional[Path], bool]:
        """(lines, path on disk, whether the text came from disk) of the
        token's original source, read and split once; sourcesContent
        first."""
        assert ref.view is not None and token.src_id is not None
        key = (id(ref), token.src_id)
        with self._lock:
            cached = self._sources.get(key)
        if cached is not None:
            return cached
        contents = ref.view.get_source_contents(token.src_id)
        path = None
        if token.src:
            path = self.artifacts.find_source_file(ref.map_path or ref.generated, token.src)
        lines: Optional[List[str]] = None
        from_disk = False
        if contents is not None:
            lines = _split_lines(contents.decode("utf-8", "replace"))
        elif path is not None:
            data = self.artifacts.read(path)
            if data is not None:
                lines = _split_lines(data.decode("utf-8", "replace"))
                from_disk = True
        result = (lines, path, from_disk)
        with self._lock:
            self._sources[key] = result
        return result

    def _namer(self, ref: MapRef) -> Optional[_Namer]:
        with self._lock:
            if ref.namer is None and ref.view is not None:
                try:
                    ref.namer = _Namer(ref.view, ref.text)
                except SourceMapError:
                    return None
            return ref.namer

    def _resolve(self, frame: Frame, steps: Optional[List[Step]]) -> SymbolicatedFrame:
        out = self._unresolved(frame)
        if frame.is_eval:
            return self._fail(out, steps, "eval_code", step="location")
        if frame.is_native or not frame.filename or frame.lineno is None:
            return self._fail(out, steps, "no_location", step="location")
        if frame.lineno < 1 or (frame.colno is not None and frame.colno < 1):
            return self._fail(
                out, steps, "position_outside_map", "line and column are 1-based and positive",
                step="position",
            )

        generated = self.artifacts.find(frame.filename)
        if generated is None:
            return self._fail(
                out,
                steps,
                "file_not_found",
                "no artifact matches %r (looked for a file named %r)"
                % (frame.filename, (url_path_parts(frame.filename) or [""])[-1]),
                step="find generated file",
            )
        out.generated = {
            "filename": frame.filename,
            "lineno": frame.lineno,
            "colno": frame.colno,
            "function": frame.display_function,
            "file": str(generated),
        }
        if steps is not None:
            steps.append(Step("find generated file", True, "%r matched %s" % (frame.filename, generated)))

        ref = self.artifacts.map_for(generated)
        if steps is not None:
            steps.extend(ref.steps)
        if ref.view is None:
            return self._fail(out, None, ref.error or "no_map_reference", ref.error_message)
        view = ref.view
        out.generated["map"] = str(ref.map_path) if ref.map_path else "data: URL"

        line0 = frame.lineno - 1
        if line0 >= view.line_count:
            return self._fail(
                out,
                steps,
                "position_outside_map",
                "line %d is past the %d lines the map covers" % (frame.lineno, view.line_count),
                step="look up",
            )
        if frame.colno is None:
            # No column: the line's first mapping.
            col0 = 0
            token = view.lookup_token(line0, 0, rule=LookupRule.LEAST_UPPER_BOUND)
        else:
            col0 = frame.colno - 1
            namer = self._namer(ref)
            if namer is not None:
                with self._lock:
                    status, token = namer.lookup(line0, col0)
                if status == 2:
                    return self._fail(
                        out,
                        steps,
                        "unmapped_position",
                        "nothing is mapped at line %d column %d: the nearest mapping before it "
                        "(column %d) is inside a function that ends before it, so the position "
                        "is in code the bundler added (such as its wrapper's call)"
                        % (frame.lineno, frame.colno, token.dst_col + 1 if token else 0),
                        step="look up",
                    )
            else:
                token = view.lookup_token(line0, col0, rule=LookupRule.SAME_LINE)
        if token is None or token.src_id is None:
            return self._fail(
                out,
                steps,
                "unmapped_position",
                "nothing is mapped at line %d column %s (same-line rule)"
                % (frame.lineno, frame.colno),
                step="look up",
            )
        if steps is not None:
            steps.append(
                Step(
                    "look up",
                    True,
                    "generated %d:%d -> token at %d:%d -> %s:%d:%d%s"
                    % (
                        frame.lineno,
                        col0 + 1,
                        token.dst_line + 1,
                        token.dst_col + 1,
                        token.src,
                        (token.src_line or 0) + 1,
                        (token.src_col or 0) + 1,
                        " name %r" % token.name if token.name else "",
                    ),
                )
            )
        assert token.src_line is not None and token.src_col is not None
        out.filename = token.src
        out.lineno = token.src_line + 1
        out.colno = token.src_col + 1
        out.resolved = True
        out.in_app = not view.is_ignored(token.src_id)

        lines, path, from_disk = self._source_text(ref, token)
        out.abs_path = os.path.normpath(str(path)) if path is not None else None
        namer = self._namer(ref)
        if namer is not None:
            with self._lock:
                if from_disk and path is not None and token.src_id not in namer.given:
                    data = self.artifacts.read(path)
                    if data is not None:
                        namer.give_source(token.src_id, data)
                name, how = namer.name_at(line0, col0)
            out.function_source = how
            if how != "none":
                out.function = name
            if steps is not None:
                steps.append(
                    Step(
                        "function name",
                        how != "none",
                        {
                            "original": "from the original source's enclosing function: %r",
                            "generated": "from the generated code's enclosing function, "
                            "mapped: %r",
                            "none": "not known; the frame's own name %r is kept",
                        }[how]
                        % (name if how != "none" else out.function),
                    )
                )
        if lines is None:
            return self._fail(out, steps, "no_source_contents", step="source contents")
        i = token.src_line
        if i < len(lines):
            out.context_line = lines[i]
            out.pre_context = lines[max(0, i - self.context) : i]
            out.post_context = lines[i + 1 : i + 1 + self.context]
        if steps is not None:
            steps.append(
                Step(
                    "source contents",
                    True,
                    "from %s" % ("%s on disk" % path if from_disk else "sourcesContent"),
                )
            )
        return out
