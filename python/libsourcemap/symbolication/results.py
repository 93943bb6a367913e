"""What symbolication returns: frames, traces, explanation steps, and the
codes of why a frame could not be resolved."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

__all__ = ["ERRORS", "Step", "SymbolicatedFrame", "SymbolicatedTrace"]

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
    "cache_corrupt": (
        "the cache file's stored function names, scopes or line tables are damaged "
        "(rewrite it: libsourcemap cache --force)"
    ),
    "no_source_contents": (
        "the position maps, but the original source's text is in neither sourcesContent "
        "nor the artifact folders (no context lines)"
    ),
}

#: Symbolicator._unlocated's answers that name no file: (code, message,
#: explain's step).
WHY_EVAL = ("eval_code", ERRORS["eval_code"], "location")
WHY_NO_LOCATION = ("no_location", ERRORS["no_location"], "location")
WHY_NOT_POSITIVE = ("position_outside_map", "line and column are 1-based and positive", "position")
#: position_outside_map's message for a line past the map: % (line, the map's lines).
PAST_THE_MAP = "line %d is past the %d lines the map covers"

#: explain's "function name" step per function_source, with the name.
NAME_STEPS: Dict[str, str] = {
    "scopes": "from the map's scopes (ECMA-426): %r",
    "original": "from the original source's enclosing function: %r",
    "generated": "from the generated code's enclosing function, mapped: %r",
    "anonymous": "the original enclosing function is anonymous: %r",
    "none": "not known; the frame's own name %r is kept",
    "function_map": "from the map's function map (x_facebook_sources): %r",
}


@dataclass
class Step:
    """One step of :meth:`Symbolicator.explain`."""

    step: str
    ok: bool
    detail: str

    def to_dict(self) -> Dict[str, Any]:
        return {"step": self.step, "ok": self.ok, "detail": self.detail}


#: The list fields a frame stores as it was given (a tuple, mostly) until
#: they are first read: see _slotted.
_LAZY_LISTS = ("pre_context", "post_context", "inlined_callers")
class _NewDict:
    """generated's default: a new dict per frame, as
    field(default_factory=dict) gave (named so in help())."""

    def __repr__(self) -> str:
        return "<a new dict>"


_NEW_DICT: Any = _NewDict()


@dataclass(init=False)
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
    # Where the function name came from: "scopes" (the map's ECMA-426
    # scopes), "function_map" (Metro's x_facebook_sources), "original",
    # "generated" or "anonymous" (the JavaScript scanner), "caller" (the
    # name the caller's call site gives), "none" (docs/function-names.md).
    function_source: Optional[str] = None
    generated: Dict[str, Any] = field(default_factory=dict)
    # From the map's scopes: the frames of the functions inlined into this
    # one's caller chain, outward (each at its call site), and whether this
    # generated frame is a hidden helper to leave out of the trace.
    inlined_callers: List["SymbolicatedFrame"] = field(default_factory=list)
    hidden: bool = False
    #: The original name the map gives the frame's own position (for a
    #: caller: what it called), the callee's last resort for a name.
    call_name: Optional[str] = field(default=None, repr=False, compare=False)

    # Written out rather than made by @dataclass so that the list fields go
    # to their slots as given: a frame with no context or inlined callers
    # (most unresolved ones) then holds the shared empty tuple, not three
    # new lists the cycle collector would track.
    def __init__(
        self,
        filename: Optional[str],
        lineno: Optional[int],
        colno: Optional[int],
        function: Optional[str],
        raw: str,
        context_line: Optional[str] = None,
        pre_context: Sequence[str] = (),
        post_context: Sequence[str] = (),
        error: Optional[str] = None,
        error_message: Optional[str] = None,
        resolved: bool = False,
        abs_path: Optional[str] = None,
        in_app: Optional[bool] = None,
        function_source: Optional[str] = None,
        generated: Union[Dict[str, Any], Tuple[Tuple[str, Any], ...]] = _NEW_DICT,
        inlined_callers: Sequence["SymbolicatedFrame"] = (),
        hidden: bool = False,
        call_name: Optional[str] = None,
    ) -> None:
        self.filename = filename
        self.lineno = lineno
        self.colno = colno
        self.function = function
        self.raw = raw
        self.context_line = context_line
        # The slots behind the list fields (_slotted).
        self._pre_context: Sequence[str] = pre_context
        self._post_context: Sequence[str] = post_context
        self.error = error
        self.error_message = error_message
        self.resolved = resolved
        self.abs_path = abs_path
        self.in_app = in_app
        self.function_source = function_source
        # A dict as given; its items as pairs (as a row in transit carries
        # them, _scaleout_base) make the frame's own dict.
        self.generated = (
            {} if generated is _NEW_DICT else
            dict(generated) if isinstance(generated, tuple) else generated
        )
        self._inlined_callers: Sequence["SymbolicatedFrame"] = inlined_callers
        self.hidden = hidden
        self.call_name = call_name

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        # The fields as __init__ takes them: the list fields as stored, so
        # that pickling makes no lists either.
        return (type(self), (
            self.filename, self.lineno, self.colno, self.function, self.raw,
            self.context_line, self._pre_context, self._post_context, self.error,
            self.error_message, self.resolved, self.abs_path, self.in_app,
            self.function_source, self.generated, self._inlined_callers, self.hidden,
            self.call_name,
        ))

    def __setstate__(self, state: Any) -> None:
        """Frames pickled before the slots (an instance dict as state)."""
        if isinstance(state, tuple):  # (instance dict, slots), as for slots
            state = dict(state[0] or {}, **(state[1] or {}))
        for name, value in state.items():
            setattr(self, name, value)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "filename": self.filename,
            "lineno": self.lineno,
            "colno": self.colno,
            "function": self.function,
            "context_line": self.context_line,
            "pre_context": list(self._pre_context),
            "post_context": list(self._post_context),
            "error": self.error,
            "error_message": self.error_message,
            "resolved": self.resolved,
            "abs_path": self.abs_path,
            "in_app": self.in_app,
            "function_source": self.function_source,
            "generated": dict(self.generated),
            "raw": self.raw,
        }


def _list_field(slot: str) -> property:
    """A list field kept in `slot` as it was given: read for the first
    time, a tuple (or any sequence but a list) becomes a list, stored, so
    that the caller mutates the frame's own list as with a plain field.
    (Two threads reading a frame's field for the very first time at once
    may each get a list of their own; only the last stored stays.)"""

    def get(self: Any) -> Any:
        value = getattr(self, slot)
        if type(value) is not list and value is not None:
            value = list(value)
            setattr(self, slot, value)
        return value

    def put(self: Any, value: Any) -> None:
        setattr(self, slot, value)

    return property(get, put)


def _slotted(cls: Any) -> Any:
    """The dataclass `cls` made again with __slots__, as Python 3.10's
    @dataclass(slots=True) does (this package supports 3.8): a frame is
    then one object for the cycle collector instead of two (its instance
    dict), and its lists (_LAZY_LISTS) sit in hidden slots until read.
    A results list of 224,805 frames kept 4.2 tracked objects a frame,
    which every collection while the results grew walked again."""
    names = [f.name for f in fields(cls)]
    ns = {k: v for k, v in cls.__dict__.items() if k not in names}
    ns.pop("__dict__", None)
    ns.pop("__weakref__", None)
    ns["__slots__"] = tuple(
        "_" + n if n in _LAZY_LISTS else n for n in names
    ) + ("__weakref__",)
    ns["__qualname__"] = cls.__qualname__
    new = type(cls)(cls.__name__, cls.__bases__, ns)
    for n in _LAZY_LISTS:
        setattr(new, n, _list_field("_" + n))
    return new


SymbolicatedFrame = _slotted(SymbolicatedFrame)  # type: ignore[misc]


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


#: Where a row (a tuple of SymbolicatedFrame's fields, see _answers) holds
#: function_source.
ROW_SOURCE_AT = [f.name for f in fields(SymbolicatedFrame)].index("function_source")


def name_from_callers(frames: List[SymbolicatedFrame]) -> None:
    """A frame whose function nothing names (``function_source`` "none")
    takes the name its caller called it by: the original name the map
    gives the next frame's position (the call site), as Sentry's
    symbolicator does. The fallback order is in docs/function-names.md."""
    for frame, caller in zip(frames, frames[1:]):
        if (frame.resolved and frame.function_source == "none" and caller.resolved
                and caller.call_name):
            frame.function = caller.call_name
            frame.function_source = "caller"
