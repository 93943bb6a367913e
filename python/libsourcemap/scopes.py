"""ECMA-426 scopes: the original scopes and generated ranges a map carries
in ``"scopes"`` (and ``"ranges"``), decoded by the C library at load.

Everything here is plain data copied out of the view (it outlives
``close()``), 0-based throughout:

    >>> for tree in view.original_scopes[0]:        # source 0's top-level scopes
    ...     print(tree.name, tree.kind, tree.start, tree.end)
    >>> view.generated_ranges[0].definition.name
    >>> frames = scope_frames(view, 5, 3)           # innermost first

See docs/scopes.md for the formats and the lenient and strict modes.
"""

from __future__ import annotations

from typing import List, NamedTuple, Optional, Union

from ._native import NO_ID, capture_err, ffi, lib
from ._view_base import ViewBase

__all__ = [
    "Position",
    "OriginalPosition",
    "OriginalScope",
    "SubRangeBinding",
    "Binding",
    "GeneratedRange",
    "ScopeFrame",
    "ScopesWarning",
    "STACK_FRAME_TYPES",
    "original_scopes",
    "all_original_scopes",
    "generated_ranges",
    "range_at",
    "scope_frames",
    "has_ranges",
    "scopes_warning",
]

#: The stack frame type names, by the C library's LSM_RANGE_FRAME_* value.
STACK_FRAME_TYPES = ("none", "original", "hidden")


class Position(NamedTuple):
    line: int
    column: int


class OriginalPosition(NamedTuple):
    source_index: int
    line: int
    column: int


class OriginalScope:
    """A scope of an original source: ``index`` (pre-order over all the
    sources, what a range's definition names), ``source_index``, ``start``
    and ``end``, ``name`` and ``kind`` (None when absent),
    ``is_stack_frame``, ``variables`` (their original names), ``children``
    and ``parent``."""

    __slots__ = ("index", "source_index", "start", "end", "name", "kind", "is_stack_frame",
                 "variables", "children", "parent")

    def __init__(self, index: int, source_index: int, start: Position, end: Position,
                 name: Optional[str], kind: Optional[str], is_stack_frame: bool,
                 variables: List[str]) -> None:
        self.index = index
        self.source_index = source_index
        self.start = start
        self.end = end
        self.name = name
        self.kind = kind
        self.is_stack_frame = is_stack_frame
        self.variables = variables
        self.children: List[OriginalScope] = []
        self.parent: Optional[OriginalScope] = None

    def __repr__(self) -> str:
        return "<OriginalScope %d %r %s-%s>" % (self.index, self.name, tuple(self.start),
                                                tuple(self.end))


class SubRangeBinding(NamedTuple):
    """Where (``start`` inclusive, ``end`` exclusive) the expression
    ``value`` gives a variable's value; None: unavailable there."""

    start: Position
    end: Position
    value: Optional[str]


#: A variable's binding in a range: one expression (or None) for the whole
#: range, or the sub-ranges when it changes inside it.
Binding = Union[None, str, List[SubRangeBinding]]


class GeneratedRange:
    """A range of the generated code: ``index`` (pre-order), ``start``,
    ``end`` (exclusive), ``definition_index`` and ``definition`` (the
    original scope, or None), ``stack_frame_type`` (``"none"``,
    ``"original"``, ``"hidden"``), ``bindings`` (one per variable of the
    definition, or empty), ``call_site`` (an inlined body's original call
    position, or None), ``children`` and ``parent``."""

    __slots__ = ("index", "start", "end", "definition_index", "definition",
                 "stack_frame_type", "bindings", "call_site", "children", "parent")

    def __init__(self, index: int, start: Position, end: Position,
                 definition_index: Optional[int], definition: Optional[OriginalScope],
                 stack_frame_type: str, bindings: List[Binding],
                 call_site: Optional[OriginalPosition]) -> None:
        self.index = index
        self.start = start
        self.end = end
        self.definition_index = definition_index
        self.definition = definition
        self.stack_frame_type = stack_frame_type
        self.bindings = bindings
        self.call_site = call_site
        self.children: List[GeneratedRange] = []
        self.parent: Optional[GeneratedRange] = None

    def __repr__(self) -> str:
        return "<GeneratedRange %d %s-%s %s>" % (self.index, tuple(self.start),
                                                 tuple(self.end), self.stack_frame_type)


class ScopeFrame(NamedTuple):
    """An original frame recovered from the scopes (innermost first):
    ``name`` (None when no stack-frame scope names it), the ``scope`` and
    ``range`` indices it came from, ``call_site`` (None for the innermost
    frame, whose position is its own mapping; else the inlined call's
    original position), and ``hidden`` (to be left out of traces)."""

    name: Optional[str]
    scope: Optional[int]
    range: int
    call_site: Optional[OriginalPosition]
    hidden: bool


class ScopesWarning(NamedTuple):
    """Why scope data was dropped at load: the code's name and message."""

    error_name: str
    message: str


def _opt(value: int) -> Optional[int]:
    return None if value == NO_ID else int(value)


def all_original_scopes(view: ViewBase) -> List[OriginalScope]:
    """Every original scope, in pre-order (the definition indices)."""
    ptr = view._get_ptr()
    names = view.names
    count = int(lib.lsm_view_original_scope_count(ptr))
    rec = ffi.new("lsm_original_scope_t *")
    scopes: List[OriginalScope] = []
    for i in range(count):
        with capture_err() as (err, check):
            check(lib.lsm_view_original_scope(ptr, i, rec, err))
        variables = [names[int(lib.lsm_view_original_scope_variable(ptr, i, k))]
                     for k in range(rec.variable_count)]
        name_id, kind_id = _opt(rec.name_id), _opt(rec.kind_id)
        scope = OriginalScope(
            i, int(rec.source), Position(rec.start_line, rec.start_col),
            Position(rec.end_line, rec.end_col),
            None if name_id is None else names[name_id],
            None if kind_id is None else names[kind_id],
            bool(rec.is_stack_frame), variables)
        parent = _opt(rec.parent)
        if parent is not None:
            scope.parent = scopes[parent]
            scopes[parent].children.append(scope)
        scopes.append(scope)
    return scopes


def original_scopes(view: ViewBase) -> List[List[OriginalScope]]:
    """The top-level original scopes of each source (an empty list for a
    source without), trees linked through ``children``."""
    result: List[List[OriginalScope]] = [[] for _ in range(view.get_source_count())]
    for scope in all_original_scopes(view):
        if scope.parent is None and scope.source_index < len(result):
            result[scope.source_index].append(scope)
    return result


def _bindings(view: ViewBase, ptr: object, index: int, count: int, end: Position,
              names: List[str]) -> List[Binding]:
    out: List[Binding] = []
    rec = ffi.new("lsm_range_binding_t *")
    for var in range(count):
        subs: List[SubRangeBinding] = []
        n = int(lib.lsm_view_range_binding_count(ptr, index, var))
        for sub in range(n):
            with capture_err() as (err, check):
                check(lib.lsm_view_range_binding(ptr, index, var, sub, rec, err))
            name_id = _opt(rec.name_id)
            subs.append(SubRangeBinding(Position(rec.from_line, rec.from_col), end,
                                        None if name_id is None else names[name_id]))
        for k in range(len(subs) - 1):
            subs[k] = subs[k]._replace(end=subs[k + 1].start)
        out.append(subs[0].value if len(subs) == 1 else subs)
    return out


def _all_ranges(view: ViewBase) -> List[GeneratedRange]:
    ptr = view._get_ptr()
    names = view.names
    scopes = all_original_scopes(view)
    rec = ffi.new("lsm_generated_range_t *")
    ranges: List[GeneratedRange] = []
    for i in range(int(lib.lsm_view_generated_range_count(ptr))):
        with capture_err() as (err, check):
            check(lib.lsm_view_generated_range(ptr, i, rec, err))
        definition = _opt(rec.definition)
        end = Position(rec.end_line, rec.end_col)
        call = None
        if rec.call_source != NO_ID:
            call = OriginalPosition(rec.call_source, rec.call_line, rec.call_col)
        rng = GeneratedRange(
            i, Position(rec.start_line, rec.start_col), end, definition,
            None if definition is None else scopes[definition],
            STACK_FRAME_TYPES[rec.stack_frame_type],
            _bindings(view, ptr, i, int(rec.binding_count), end, names), call)
        parent = _opt(rec.parent)
        if parent is not None:
            rng.parent = ranges[parent]
            ranges[parent].children.append(rng)
        ranges.append(rng)
    return ranges


def generated_ranges(view: ViewBase) -> List[GeneratedRange]:
    """The top-level generated ranges, trees linked through ``children``."""
    return [r for r in _all_ranges(view) if r.parent is None]


def range_at(view: ViewBase, line: int, column: int) -> Optional[GeneratedRange]:
    """The innermost generated range containing (`line`, `column`), or
    None; its ``parent`` links give the chain outward."""
    index = _opt(lib.lsm_view_range_at(view._get_ptr(), line, column))
    return None if index is None else _all_ranges(view)[index]


def scope_frames(view: ViewBase, line: int, column: int) -> List[ScopeFrame]:
    """The original frames the generated frame at (`line`, `column`)
    stands for, innermost first (see ``lsm_view_scope_frames``); empty
    when no range contains the position."""
    ptr = view._get_ptr()
    with capture_err() as (err, check):
        n = int(check(lib.lsm_view_scope_frames(ptr, line, column, ffi.NULL, 0, err)))
    if n == 0:
        return []
    out = ffi.new("lsm_scope_frame_t[]", n)
    with capture_err() as (err, check):
        check(lib.lsm_view_scope_frames(ptr, line, column, out, n, err))
    names: Optional[List[str]] = None
    frames: List[ScopeFrame] = []
    for k in range(n):
        f = out[k]
        name = None
        if f.name_id != NO_ID:
            names = view.names if names is None else names
            name = names[f.name_id]
        call = None if f.src_id == NO_ID else OriginalPosition(f.src_id, f.line, f.col)
        frames.append(ScopeFrame(name, _opt(f.scope), int(f.range), call, bool(f.hidden)))
    return frames


def has_ranges(view: ViewBase) -> bool:
    """Whether the map has generated ranges (then stack frames are named
    from the scopes, never by scanning the JavaScript)."""
    return int(lib.lsm_view_generated_range_count(view._get_ptr())) > 0


def scopes_warning(view: ViewBase) -> Optional[ScopesWarning]:
    """Why scope data was dropped at load, or None when nothing was."""
    err = ffi.new("lsm_error_t *")
    if not lib.lsm_view_scopes_warning(view._get_ptr(), err):
        return None
    return ScopesWarning(ffi.string(lib.lsm_error_name(err.code)).decode(),
                         ffi.string(err.message).decode("utf-8", "replace"))
