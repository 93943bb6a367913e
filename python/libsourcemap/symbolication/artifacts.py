"""Artifacts: folders of built files and their source maps, indexed by
file name; finding a generated file's map and loading each map once."""

from __future__ import annotations

import os
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple, Union

from ..errors import SourceMapError
from ..js import (
    Namer,
    debug_id,
    decode_data_url,
    map_debug_id,
    normalize_debug_id,
    source_mapping_url,
)
from ..view import View
from .results import ERRORS, Step

__all__ = [
    "MAX_GENERATED_BYTES",
    "Artifacts",
    "MapRef",
    "url_path_parts",
    "cache_path",
    "cache_is_fresh",
    "generated_beside",
]

#: Files larger than this are not read as generated JavaScript.
MAX_GENERATED_BYTES = 256 * 1024 * 1024

#: How much of a generated file's end is read first for its
#: sourceMappingURL comment (the whole file when it is not there).
TAIL_BYTES = 64 * 1024


def cache_path(map_path: Path) -> Path:
    """Where the cache file of the map at `map_path` lives: beside it, named
    ``<map>.lsmcache``."""
    return map_path.with_name(map_path.name + ".lsmcache")


def generated_beside(map_path: Path, file: Optional[str]) -> Optional[Tuple[Path, bytes]]:
    """The generated file of the map at `map_path` and its bytes, for a
    version 3 cache: the map's ``file`` field (its last component) beside
    the map, else the map's name without ``.map``; None when neither is a
    readable file."""
    names = []
    if file:
        names.append(Path(file.replace("\\", "/")).name)
    if map_path.name.endswith(".map"):
        names.append(map_path.name[:-4])
    for name in names:
        cand = map_path.with_name(name)
        try:
            if name and cand != map_path and cand.is_file():
                return cand, cand.read_bytes()
        except OSError:
            continue
    return None


def cache_is_fresh(map_path: Path, cache: Path) -> bool:
    """The one freshness policy for cache files: `cache` stands for the map
    at `map_path` when it is a file not older than the map. Symbolication
    reads such a cache instead of the map, and ``libsourcemap cache`` does
    not rewrite it."""
    try:
        return cache.is_file() and cache.stat().st_mtime >= map_path.stat().st_mtime
    except OSError:
        return False


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


def not_found_message(url: str) -> str:
    """The file_not_found message of a frame whose URL no artifact matches."""
    return "no artifact matches %r (looked for a file named %r)" % (
        url, (url_path_parts(url) or [""])[-1])


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
    namer: Optional[Namer] = None
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
        #: Files read, under their own lock: a map is parsed under _lock
        #: (once), and the read of a generated file that a prescan does
        #: meanwhile on another thread must not wait for that parse.
        self._texts: Dict[Path, Optional[bytes]] = {}
        self._texts_lock = threading.Lock()
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

    def may_load_cache_files(self) -> bool:
        """Whether a map here may load from a cache file: cache files are
        used and the folders hold at least one."""
        return self.use_cache_files and any(n.endswith(".lsmcache") for n in self._by_name)

    def read(self, path: Path) -> Optional[bytes]:
        """A file's bytes (cached), or None when it cannot be read."""
        with self._texts_lock:
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
        with self._texts_lock:
            self._texts[path] = data
        return data

    def _debug_id_index(self) -> Dict[str, Path]:
        """debugId -> map path, for every .map in the folders (built once)."""
        with self._lock:
            if self._debug_ids is not None:
                return self._debug_ids
        index: Dict[str, Path] = {}
        for paths in self._by_name.values():
            for p in paths:
                if not p.name.endswith(".map"):
                    continue
                try:
                    found = map_debug_id(p.read_bytes())
                except (OSError, SourceMapError):
                    continue  # unreadable, or not a map: it cannot be loaded either
                if found is not None:
                    index.setdefault(normalize_debug_id(found), p)
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
        cache = cache_path(path)
        try:
            if self.use_cache_files and cache_is_fresh(path, cache):
                try:
                    view = View.from_cache_path(cache)
                    self.maps_loaded += 1
                    return view, True
                except SourceMapError:
                    pass  # a foreign or damaged cache: the map itself
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

    def read_tail(self, path: Path) -> Tuple[Optional[int], Optional[bytes]]:
        """(size, the file's last lines) of a generated file: at most
        TAIL_BYTES from the first line start inside them, or the whole file
        when it is that small or has no LF there. (None, None) when it
        cannot be read."""
        with self._texts_lock:
            whole = self._texts.get(path)
        if whole is not None:
            return len(whole), whole
        try:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > MAX_GENERATED_BYTES:
                    return None, None
                if size <= TAIL_BYTES:
                    return size, self.read(path)
                f.seek(size - TAIL_BYTES)
                chunk = f.read(TAIL_BYTES)
        except OSError:
            return None, None
        nl = chunk.find(b"\n")
        if nl < 0:
            return size, self.read(path)
        return size, chunk[nl + 1 :]

    def _map_for(self, generated: Path) -> MapRef:
        ref = MapRef(generated=generated)
        size, tail = self.read_tail(generated)
        if tail is None or size is None:
            ref.error = "unreadable_file"
            ref.error_message = "cannot read %s" % generated
            ref.steps.append(Step("read generated file", False, ref.error_message))
            return ref
        ref.steps.append(Step("read generated file", True, "%s (%d bytes)" % (generated, size)))

        # The comment is found as ECMA-426 extracts it, line by line from
        # the start; lines are read alike whatever came before them but for
        # whether code came after a comment, so a comment the last lines end
        # with is the whole file's answer. Otherwise the whole file decides.
        url = source_mapping_url(tail)
        if url is None and len(tail) < size:
            text = self.read(generated)
            url = source_mapping_url(text) if text is not None else None
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

        text = self.read(generated)
        did = debug_id(text) if text is not None else None
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


