"""The symbolicator: maps each frame of a stack trace back to the original
source through :class:`~libsourcemap.symbolication.artifacts.Artifacts`."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .._convert import LookupRule, Token
from .._text import split_lines
from ..errors import SourceMapError
from ..js import Namer
from ..stacktrace import Frame, StackTrace, parse_frame, parse_location, parse_stacktrace
from .. import telemetry as _telemetry
from ..view import View
from .artifacts import Artifacts, MapRef, url_path_parts
from .results import ERRORS, Step, SymbolicatedFrame, SymbolicatedTrace

__all__ = ["Symbolicator"]



def _source_name(view: View, token: Token) -> Optional[str]:
    """The file name a frame shows: the source with ``sourceRoot`` prefixed
    as ECMA-426 says. (``Token.src`` is libsourcemap 0.8's join, kept for
    0.8's users, which drops slashes from roots such as ``webpack:///``.)"""
    if token.src_id is None:
        return None
    return view.get_source_url(token.src_id)

def _name_from_callers(frames: List[SymbolicatedFrame]) -> None:
    """A frame whose function nothing names (``function_source`` "none")
    takes the name its caller called it by: the original name the map
    gives the next frame's position (the call site), as Sentry's
    symbolicator does. The fallback order is in docs/symbolication.md."""
    for frame, caller in zip(frames, frames[1:]):
        if (frame.resolved and frame.function_source == "none" and caller.resolved
                and caller.call_name):
            frame.function = caller.call_name
            frame.function_source = "caller"


class Symbolicator:
    """Symbolicates frames against :class:`Artifacts`.

    ``context`` lines are given before and after each frame's line. Safe to
    use from several threads (each generated file gets one
    :class:`~libsourcemap.js.Namer`, which serializes its own calls).

    Which token a frame maps to is the C namer's decision
    (``lsm_js_namer_lookup``: the same-line rule, refusing a token inside
    a generated function that ends before the position); a frame without
    a column is looked up at its line's first mapped column."""

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
            frames = [self.symbolicate_frame(f) for f in st.frames]
            _name_from_callers(frames)
            result = SymbolicatedTrace(message=st.message, frames=frames)
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
        name = _source_name(ref.view, token)
        if name:
            path = self.artifacts.find_source_file(ref.map_path or ref.generated, name)
        lines: Optional[List[str]] = None
        from_disk = False
        if contents is not None:
            lines = split_lines(contents.decode("utf-8", "replace"))
        elif path is not None:
            data = self.artifacts.read(path)
            if data is not None:
                lines = split_lines(data.decode("utf-8", "replace"))
                from_disk = True
        result = (lines, path, from_disk)
        with self._lock:
            self._sources[key] = result
        return result

    def _namer(self, ref: MapRef) -> Namer:
        """The namer of the generated file (made once). When the generated
        text cannot be scanned, one without it still looks tokens up;
        a namer that cannot be made at all raises SourceMapError."""
        assert ref.view is not None
        with self._lock:
            if ref.namer is None:
                try:
                    ref.namer = Namer(ref.view, ref.text)
                except SourceMapError:
                    ref.namer = Namer(ref.view, None)
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
        namer = self._namer(ref)
        if frame.colno is None:
            # No column: the line's first mapped column.
            first = view.lookup_token(line0, 0, rule=LookupRule.LEAST_UPPER_BOUND)
            col0 = first.dst_col if first is not None else 0
        else:
            col0 = frame.colno - 1
        status, token = namer.lookup(line0, col0)
        if status == 2:
            return self._fail(
                out,
                steps,
                "unmapped_position",
                "nothing is mapped at line %d column %d: the nearest mapping before it "
                "(column %d) is inside a function that ends before it, so the position "
                "is in code the bundler added (such as its wrapper's call)"
                % (frame.lineno, col0 + 1, token.dst_col + 1 if token else 0),
                step="look up",
            )
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
                        _source_name(view, token),
                        (token.src_line or 0) + 1,
                        (token.src_col or 0) + 1,
                        " name %r" % token.name if token.name else "",
                    ),
                )
            )
        assert token.src_line is not None and token.src_col is not None
        out.filename = _source_name(view, token)
        out.lineno = token.src_line + 1
        out.colno = token.src_col + 1
        out.resolved = True
        out.in_app = not view.is_ignored(token.src_id)

        lines, path, from_disk = self._source_text(ref, token)
        out.abs_path = os.path.normpath(str(path)) if path is not None else None
        if from_disk and path is not None and token.src_id not in namer.given:
            data = self.artifacts.read(path)
            if data is not None:
                namer.give_source(token.src_id, data)
        name, how = namer.name_at(line0, col0)
        out.call_name = token.name
        if how == "anonymous":  # as V8 and Sentry's SourceMapCache print it
            name = "<anonymous>"
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
                        "anonymous": "the original enclosing function is anonymous: %r",
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
