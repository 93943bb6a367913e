"""What symbolication returns: frames, traces, explanation steps, and the
codes of why a frame could not be resolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

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



@dataclass
class Step:
    """One step of :meth:`Symbolicator.explain`."""

    step: str
    ok: bool
    detail: str

    def to_dict(self) -> Dict[str, Any]:
        return {"step": self.step, "ok": self.ok, "detail": self.detail}


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

