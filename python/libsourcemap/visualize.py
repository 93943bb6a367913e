"""The map visualizer's data: one self-contained HTML page showing a map's
generated code beside its original sources (``libsourcemap visualize``).

:func:`page_data` gathers what the page shows from the library (the tokens
through one ``lsm_view_get_tokens`` call per chunk, sources and their
contents, names, the ignore list, index-map sections, the functions of each
original source); :func:`render_page` embeds it in the page template
(``data/visualize.html``). docs/visualize.md describes the page and the
data format.

Token columns are packed as little-endian unsigned integers of the
narrowest width (1, 2 or 4 bytes) that holds every value, base64-encoded;
an absent value (``LSM_NO_ID``) is the width's all-ones value.
"""

from __future__ import annotations

import array
import base64
import json
import sys
from bisect import bisect_left
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _native
from ._native import ffi, lib
from .errors import SourceMapError
from .scopes import OriginalScope
from .symbolication.artifacts import generated_beside
from .view import View

__all__ = ["page_data", "render_page", "write_page", "TEMPLATE"]

#: The page template; ``__LSM_DATA__`` is replaced by the data.
TEMPLATE = Path(__file__).resolve().parent / "data" / "visualize.html"

#: Tokens copied per call into the library.
_CHUNK = 65536

#: The token fields the page needs, in the order they are packed.
_FIELDS = ("dst_col", "src_line", "src_col", "src_id", "name_id")

PathArg = Union[str, Path]


def _pack(column: bytes) -> Dict[str, Any]:
    """A column of uint32 (native byte order) narrowed to the smallest width
    holding its values, as {"w": width, "b": base64}. LSM_NO_ID narrows to
    the width's all-ones value (no real value reaches it: the width is
    chosen over the others)."""
    values = array.array("I")
    values.frombytes(column)
    if sys.byteorder != "little":  # pragma: no cover - the page reads little-endian
        values.byteswap()
    top = max(values, default=0)
    if top == _native.NO_ID:
        distinct = set(values)
        distinct.discard(_native.NO_ID)
        top = max(distinct, default=0)
    width = 1 if top < 0xFF else 2 if top < 0xFFFF else 4
    raw = values.tobytes()
    if width < 4:
        narrowed = bytearray(len(values) * width)
        for k in range(width):
            narrowed[k::width] = raw[k::4]
        raw = bytes(narrowed)
    return {"w": width, "b": base64.b64encode(raw).decode("ascii")}


def _token_columns(view: View) -> Tuple[int, List[int], Dict[str, Dict[str, Any]]]:
    """(token count, the first token of each generated line, the packed
    columns) of every token in generated order."""
    ptr = view._get_ptr()
    size = ffi.sizeof("lsm_token_t")
    assert size % 4 == 0
    stride = size // 4
    slots = {f: ffi.offsetof("lsm_token_t", f) // 4 for f in ("dst_line",) + _FIELDS}
    out = ffi.new("lsm_token_t[]", _CHUNK)
    columns: Dict[str, bytearray] = {f: bytearray() for f in slots}
    index = 0
    while True:
        n = int(lib.lsm_view_get_tokens(ptr, index, _CHUNK, out, ffi.NULL))
        if n <= 0:
            break
        words = memoryview(ffi.buffer(out, n * size)).cast("I")
        for field, slot in slots.items():
            columns[field] += words[slot::stride].tobytes()
        index += n
    del ptr
    lines = array.array("I")
    lines.frombytes(bytes(columns.pop("dst_line")))
    line_count = (lines[-1] + 1) if len(lines) else 0
    starts = [bisect_left(lines, line) for line in range(line_count + 1)]
    return index, starts, {f: _pack(bytes(columns[f])) for f in _FIELDS}


def _index_sections(view: View) -> List[List[int]]:
    """The generated offsets [line, column] (0-based) of the regular maps
    an index map was flattened from (``lsm_view_section_offset``)."""
    ptr = view._get_ptr()
    line = ffi.new("uint32_t *")
    col = ffi.new("uint32_t *")
    out: List[List[int]] = []
    for i in range(int(lib.lsm_view_section_count(ptr))):
        with _native.capture_err() as (err, check):
            check(lib.lsm_view_section_offset(ptr, i, line, col, err))
        out.append([int(line[0]), int(col[0])])
    return out


def _names(view: View) -> List[str]:
    """The map's names (as ``View.names``, with one error struct for all)."""
    ptr = view._get_ptr()
    size = ffi.new("size_t *")
    err = ffi.new("lsm_error_t *")
    out: List[str] = []
    for i in range(int(lib.lsm_view_name_count(ptr))):
        text = lib.lsm_view_name(ptr, i, size, err)
        if text == ffi.NULL:
            raise _native.exception_from(err)
        out.append(_native.to_str(text, size[0]) or "")
    return out


def _js_functions(text: str, jsx: bool) -> List[Tuple[Tuple[int, int], Tuple[int, int], Optional[str]]]:
    """(start, end, name) of each function the library's JavaScript scanner
    finds in `text` (``lsm_js_scopes_build_ex``), read with one record."""
    data = text.encode("utf-8", "surrogatepass")
    flags = lib.LSM_JS_DEFAULT if jsx else lib.LSM_JS_NO_JSX
    err = ffi.new("lsm_error_t *")
    ptr = lib.lsm_js_scopes_build_ex(data, len(data), flags, err)
    if ptr == ffi.NULL:
        raise _native.exception_from(err)
    owned = _native.own(ptr, "lsm_js_scopes_free", what="scopes object")
    rec = ffi.new("lsm_js_scope_t *")
    found = []
    try:
        handle = owned.get()
        for i in range(int(lib.lsm_js_scopes_count(handle))):
            if lib.lsm_js_scopes_get(handle, i, rec, err) < 0:
                raise _native.exception_from(err)
            found.append(((int(rec.start_line), int(rec.start_col)),
                          (int(rec.end_line), int(rec.end_col)),
                          _native.to_str(rec.name, rec.name_len)))
    finally:
        owned.close()
    return found


def _source_text(view: View, index: int, base: Optional[Path]) -> Optional[str]:
    """The text of source `index`: its ``sourcesContent``, else a file of
    its name beside the map."""
    content = view.get_source_contents(index)
    if content is not None:
        return content.decode("utf-8", "replace")
    if base is None:
        return None
    for name in (view.get_source_name(index), view.get_source_url(index)):
        if not name or "://" in name:
            continue
        candidate = base / name
        try:
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return None


def _functions(view: View, texts: List[Optional[str]]) -> Dict[str, Any]:
    """The functions of each original source as columns (source, start and
    end line and column, name index into ``names``): from the map's own
    original scopes when it has them, else scanned from the source text by
    the library's JavaScript scanner."""
    cols: Dict[str, List[int]] = {k: [] for k in ("src", "sl", "sc", "el", "ec", "name")}
    names: List[str] = []
    name_ids: Dict[str, int] = {}

    def add(src: int, start: Tuple[int, int], end: Tuple[int, int], name: Optional[str]) -> None:
        label = name or ""
        if label not in name_ids:
            name_ids[label] = len(names)
            names.append(label)
        for key, value in zip(("src", "sl", "sc", "el", "ec", "name"),
                              (src, start[0], start[1], end[0], end[1], name_ids[label])):
            cols[key].append(value)

    def walk(scope: OriginalScope, src: int) -> None:
        # Functions: the scopes that are stack frames, and named scopes
        # other than the top level and blocks.
        if scope.parent is not None and (scope.is_stack_frame or (
                scope.name and scope.kind not in ("global", "module", "block"))):
            add(src, tuple(scope.start), tuple(scope.end), scope.name)  # type: ignore[arg-type]
        for child in scope.children:
            walk(child, src)

    per_source: List[List[OriginalScope]] = []
    if lib.lsm_view_original_scope_count(view._get_ptr()):
        try:
            per_source = view.original_scopes
        except SourceMapError:
            per_source = []
    for src, text in enumerate(texts):
        trees = per_source[src] if src < len(per_source) else []
        if trees:
            for tree in trees:
                walk(tree, src)
            continue
        if text is None:
            continue
        name = view.get_source_name(src) or ""
        if name.endswith((".css", ".json", ".html", ".md")):
            continue
        try:
            scanned = _js_functions(text, jsx=not name.endswith((".ts", ".mts", ".cts")))
        except SourceMapError:
            continue
        for start, end, label in scanned:
            add(src, start, end, label)
    packed = {k: _pack(array.array("I", v).tobytes()) for k, v in cols.items()}
    return {"count": len(cols["src"]), "names": names, "cols": packed}


def page_data(
    map_path: Optional[PathArg] = None,
    *,
    map_bytes: Optional[bytes] = None,
    generated: Optional[Union[str, bytes]] = None,
    generated_path: Optional[PathArg] = None,
    title: Optional[str] = None,
) -> Dict[str, Any]:
    """What the page shows, as JSON-ready data: the map at `map_path` (or
    `map_bytes`), its generated file (`generated`, else the file at
    `generated_path`, else the one found beside the map as symbolicate
    finds it). A map that fails to load gives the error, its position and
    the text around it instead of tokens."""
    path = Path(map_path) if map_path is not None else None
    label = title or (path.name if path is not None else "source map")
    data: Dict[str, Any] = {"format": 1, "title": label, "error": None, "generated": None,
                            "generatedName": None, "sources": [], "names": [], "tokens": None,
                            "lineStarts": [], "sections": [], "functions": None, "index": False}
    try:
        if map_bytes is not None:
            view = View.from_json(map_bytes, allow_index=True)
        elif path is not None:
            view = View.open(path)  # a map, regular or index, or a cache file
        else:
            raise ValueError("page_data: give map_path or map_bytes")
    except SourceMapError as exc:
        raw = map_bytes if map_bytes is not None else path.read_bytes() if path else b""
        error: Dict[str, Any] = {"name": exc.error_name or type(exc).__name__,
                                 "code": exc.code, "message": str(exc), "offset": exc.offset,
                                 "line": exc.line, "segment": exc.segment, "context": None}
        if exc.offset is not None:
            start = max(0, exc.offset - 120)
            error["context"] = {
                "before": raw[start:exc.offset].decode("utf-8", "replace"),
                "at": raw[exc.offset:exc.offset + 1].decode("utf-8", "replace"),
                "after": raw[exc.offset + 1:exc.offset + 120].decode("utf-8", "replace"),
            }
        data["error"] = error
        return data

    with view:
        gen_text: Optional[str] = None
        if generated is not None:
            gen_text = generated.decode("utf-8", "replace") if isinstance(generated, bytes) \
                else generated
            data["generatedName"] = "(given)"
        elif generated_path is not None:
            gen_text = Path(generated_path).read_text(encoding="utf-8", errors="replace")
            data["generatedName"] = Path(generated_path).name
        elif path is not None:
            found = generated_beside(path, view.file)
            if found is not None:
                gen_text = found[1].decode("utf-8", "replace")
                data["generatedName"] = found[0].name
        data["generated"] = gen_text
        base = path.parent if path is not None else None
        texts = [_source_text(view, i, base) for i in range(view.get_source_count())]
        ignored = set(view.ignore_list)
        data["sources"] = [
            {"name": view.get_source_name(i), "content": texts[i], "ignored": i in ignored}
            for i in range(len(texts))
        ]
        data["names"] = _names(view)
        count, starts, cols = _token_columns(view)
        data["tokens"] = {"count": count, "cols": cols}
        data["lineStarts"] = _pack(array.array("I", starts).tobytes())
        data["index"] = view.is_index
        if view.is_index:
            data["sections"] = _index_sections(view)
        data["functions"] = _functions(view, texts)
        data["file"] = view.file
    return data


def _script_json(data: Dict[str, Any]) -> str:
    """`data` as JSON safe inside a <script> element: no `<`, `>` or `&`
    (so no `</script>` or `<!--`), and no U+2028/U+2029."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def render_page(data: Dict[str, Any]) -> str:
    """The page's HTML with `data` embedded."""
    template = TEMPLATE.read_text(encoding="utf-8")
    head, marker, tail = template.partition("__LSM_DATA__")
    assert marker, "the template lacks its data marker"
    return head + _script_json(data) + tail


def write_page(out: PathArg, map_path: Optional[PathArg] = None, **kwargs: Any) -> Path:
    """Writes the page for the map at `map_path` (keywords as for
    :func:`page_data`) to `out`; returns its path."""
    target = Path(out)
    target.write_text(render_page(page_data(map_path, **kwargs)), encoding="utf-8")
    return target
