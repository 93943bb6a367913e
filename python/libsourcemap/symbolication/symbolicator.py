"""The symbolicator: maps each frame of a stack trace back to the original
source through :class:`~libsourcemap.symbolication.artifacts.Artifacts`."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .._convert import LookupRule, Token
from .._text import split_lines
from ..errors import CacheFramesError, SourceMapError
from ..js import Namer
from ..stacktrace import Frame, StackTrace, parse_frame, parse_location, parse_stacktrace
from .. import scopes as _scopes
from .. import telemetry as _telemetry
from ..view import View
from .artifacts import Artifacts, MapRef, not_found_message
from .frames import FrameData
from .hotpath import HotFile, HotFiles, SourceInfo
from .prescan import Prescan
from .results import (
    ERRORS, NAME_STEPS, PAST_THE_MAP, ROW_SOURCE_AT, WHY_EVAL, WHY_NO_LOCATION,
    WHY_NOT_POSITIVE, Step, SymbolicatedFrame, SymbolicatedTrace, name_from_callers,
)

__all__ = ["Symbolicator"]



def _source_name(view: View, token: Token) -> Optional[str]:
    """The file name a frame shows: the source with ``sourceRoot`` prefixed
    as ECMA-426 says. (``Token.src`` is libsourcemap 0.8's join, kept for
    0.8's users, which drops slashes from roots such as ``webpack:///``.)"""
    if token.src_id is None:
        return None
    return view.get_source_url(token.src_id)

class Symbolicator:
    """Symbolicates frames against :class:`Artifacts`.

    ``context`` lines are given before and after each frame's line (with
    ``trim``, long lines are cut around the column as error trackers show
    them). Safe to use from several threads without a lock per frame: a
    map opened from a version 3 cache file answers from the names and line
    tables it stores; any other map gets one
    :class:`~libsourcemap.js.Namer` per generated file, which threads
    share, and line tables built once per source in C.

    Which token a frame maps to is the C namer's decision
    (``lsm_js_namer_lookup``: the same-line rule, refusing a token inside
    a generated function that ends before the position); a frame without
    a column is looked up at its line's first mapped column."""

    def __init__(
        self,
        artifacts: Artifacts,
        *,
        context: int = 5,
        trim: bool = False,
        use_scanner: bool = True,
    ) -> None:
        self.artifacts = artifacts
        #: False: function names come only from the map (its scopes or
        #: function map), never from the JavaScript scanner; lookups still
        #: follow the namer's same-line rule, so positions do not change.
        self.use_scanner = use_scanner
        self.context = max(0, int(context))
        #: Cut long context lines around the column as error trackers do
        #: (``lsm_view_source_context`` with LSM_CONTEXT_TRIM).
        self.trim = trim
        self._lock = threading.RLock()
        self._found: Dict[str, Optional[Path]] = {}
        self._not_found: Dict[str, Tuple[str, str, str]] = {}
        self._maps: Dict[Path, Tuple[MapRef, str, Optional[str]]] = {}
        self._prescans: Dict[Path, Prescan] = {}
        self._frames: Dict[int, FrameData] = {}
        self._paths: Dict[Tuple[int, int], Tuple[Optional[Path], Optional[str]]] = {}
        self._names: Dict[Tuple[int, int], Tuple[Optional[str], bool]] = {}
        self._sources: Dict[Tuple[int, int], Tuple[Optional[List[str]], Optional[Path], bool]] = {}
        self._hot: HotFiles = {}

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
            result = SymbolicatedTrace(st.message, self._answers(st.frames, SymbolicatedFrame))
            span.trace_result(result.frames)
        return result

    def symbolicate_frame(self, frame: Frame) -> SymbolicatedFrame:
        """One frame; never raises for bad input (the error says why)."""
        return self._frame(frame, SymbolicatedFrame)  # type: ignore[no-any-return]

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
                steps.append(Step("parse frame", True, "%s frame: function %r, file %r, line %s, "
                                  "column %s" % (parsed.engine, parsed.display_function,
                                                 parsed.filename, parsed.lineno, parsed.colno)))
            frame = parsed
        return self._resolve(frame, steps), steps

    # ---------------------------------------------------------- internals

    def _answers(self, frames: Sequence[Frame], make: Callable[..., Any]) -> List[Any]:
        """The frames of a trace as symbolicate gives them (hidden helpers
        left out, inlined callers after their frame, names from callers),
        each `make` called with its fields in SymbolicatedFrame's order:
        SymbolicatedFrame itself, or for symbolicate_many's workers a
        maker of rows, a tuple of those fields (made straight from the
        fields: no frame built and then read). A trace with a frame that
        may take its caller's name goes back to frames for that rule."""
        got: List[Any] = []
        unnamed = False
        for f in frames:
            out = self._frame(f, make)
            if type(out) is tuple:  # a row: warm rows are resolved, unresolved ones unnamed
                got.append(out)
                unnamed = unnamed or out[ROW_SOURCE_AT] == "none"
            elif out.hidden or out._inlined_callers:  # as stored: reading it makes a list
                for g in self._with_scopes(out):
                    got.append(g)
                    unnamed = unnamed or (g.resolved and g.function_source == "none")
            else:
                got.append(out)
                unnamed = unnamed or (out.resolved and out.function_source == "none")
        if make is SymbolicatedFrame:
            if unnamed:
                name_from_callers(got)
            return got
        if unnamed:
            got = [SymbolicatedFrame(*x) if type(x) is tuple else x for x in got]
            name_from_callers(got)
        return [x if type(x) is tuple else make(*x.__reduce__()[1]) for x in got]

    def _frame(self, frame: Frame, make: Callable[..., Any]) -> Any:
        """symbolicate_frame's answer: from the warm path, or when the
        frame cannot be located (_unlocated), `make` called with the
        frame's fields (see HotFile.answer); from the general path, always
        a SymbolicatedFrame."""
        # The warm path (symbolication/hotpath.py): same answer, one C call.
        hot: Optional[HotFile] = None
        if frame.filename:
            try:
                hot = self._hot[frame.filename]
            except KeyError:
                hot = self._hot_file(frame)
        if hot is not None and not self.trim and self.use_scanner:
            done = hot.answer(frame, self.context, make)
            if done is not None:
                return done
        try:
            why = self._unlocated(frame)
            if why is not None:  # as _resolve answers it (a third of real frames)
                return make(frame.filename, frame.lineno, frame.colno, frame.display_function,
                            frame.raw, None, (), (), why[0], why[1], False, None, None, None, {},
                            (), False, None)
            return self._resolve(frame, None)
        except (SourceMapError, OSError, ValueError) as exc:  # pragma: no cover - defensive
            out = self._unresolved(frame)
            out.error, out.error_message = "map_invalid", str(exc)
            return out

    @staticmethod
    def _with_scopes(out: SymbolicatedFrame) -> List[SymbolicatedFrame]:
        """A frame as the trace shows it: dropped when the map's scopes
        call it a hidden helper, followed by the callers its inlined
        functions stand for (innermost first, as stack traces list)."""
        if out.hidden:
            return []
        callers = out._inlined_callers  # as stored: reading the field makes a list
        return [out, *callers] if callers else [out]

    def _name_from_scopes(
        self, out: SymbolicatedFrame, ref: MapRef, line0: int, col0: int
    ) -> Tuple[Optional[str], str]:
        """The name the map's scopes give the frame at generated (line0,
        col0), and the inlined callers and hidden flag on `out`."""
        assert ref.view is not None
        view = ref.view
        frames = _scopes.scope_frames(view, line0, col0)
        if frames and frames[-1].hidden:
            frames.pop()
            if not frames:
                out.hidden = True
        if not frames:
            return None, "none"
        for f in frames[1:]:
            call = f.call_site
            assert call is not None
            caller = SymbolicatedFrame(
                filename=view.get_source_url(call.source_index),
                lineno=call.line + 1,
                colno=call.column + 1,
                function=f.name,
                raw=out.raw,
                resolved=True,
                in_app=not view.is_ignored(call.source_index),
                function_source="scopes" if f.name is not None else "none",
                generated=dict(out.generated),
            )
            site = Token(line0, col0, None, call.line, call.column, call.source_index, None)
            lines, path, _ = self._source_text(ref, site)
            caller.abs_path = os.path.normpath(str(path)) if path is not None else None
            if lines is not None and call.line < len(lines):
                caller.context_line = lines[call.line]
                caller.pre_context = lines[max(0, call.line - self.context) : call.line]
                caller.post_context = lines[call.line + 1 : call.line + 1 + self.context]
            out.inlined_callers.append(caller)
        name = frames[0].name
        return name, "scopes" if name is not None else "none"

    def _unlocated(self, frame: Frame) -> Optional[Tuple[str, str, str]]:
        """Why the frame has no generated file to look it up in: (error
        code, message, explain's step), or None when it has one."""
        if frame.is_eval:
            return WHY_EVAL
        url = frame.filename
        if frame.is_native or not url or frame.lineno is None:
            return WHY_NO_LOCATION
        if frame.lineno < 1 or (frame.colno is not None and frame.colno < 1):
            return WHY_NOT_POSITIVE
        if self._find(url) is not None:
            return None
        why = self._not_found.get(url)
        if why is None:
            why = self._not_found[url] = ("file_not_found", not_found_message(url),
                                          "find generated file")
        return why

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

    def _source_path(self, ref: MapRef, token: Token) -> Tuple[Optional[Path], Optional[str]]:
        """The token's original source on disk, if there, and its
        normalized path (looked up once)."""
        assert ref.view is not None and token.src_id is not None
        key = (id(ref), token.src_id)
        cached = self._paths.get(key)
        if cached is not None:
            return cached
        name = _source_name(ref.view, token)
        path = (
            self.artifacts.find_source_file(ref.map_path or ref.generated, name) if name else None
        )
        found = (path, os.path.normpath(str(path)) if path is not None else None)
        self._paths[key] = found
        return found

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

    #: Generated files at least this large are scanned on another thread
    #: while their map loads (when no cache file can answer instead).
    PRESCAN_BYTES = 1 << 18

    def _start_prescan(self, generated: Path) -> None:
        """On first sight of a large generated file whose map will not
        come from a cache file, starts scanning it for the namer while the
        map loads (the two C calls run at once, the GIL released)."""
        if self.artifacts.may_load_cache_files():
            return
        try:
            if generated.stat().st_size < self.PRESCAN_BYTES:
                return
        except OSError:
            return
        with self._lock:
            if generated not in self._prescans:
                self._prescans[generated] = Prescan(lambda: self.artifacts.read(generated))

    def _namer(self, ref: MapRef) -> Namer:
        """The namer of the generated file (made once). When the generated
        text cannot be scanned, one without it still looks tokens up;
        a namer that cannot be made at all raises SourceMapError."""
        assert ref.view is not None
        with self._lock:
            pre = self._prescans.pop(ref.generated, None)
            if ref.namer is None and pre is not None:
                try:
                    ref.namer = pre.namer_soon(ref.view)
                except SourceMapError:
                    ref.namer = None  # made below as without the scan
            if ref.namer is None:
                try:
                    text = ref.text if ref.text is not None else self.artifacts.read(ref.generated)
                    # Scanned when a frame first needs it (most need not).
                    ref.namer = (Namer.deferred(ref.view, text) if text is not None
                                 else Namer(ref.view, None))
                except SourceMapError:
                    ref.namer = Namer(ref.view, None)
            return ref.namer

    def _frame_data(self, ref: MapRef) -> FrameData:
        """The frame answers of the generated file (made once): from the
        names a version 3 cache stored, else from its namer."""
        fd = self._frames.get(id(ref))
        if fd is not None:
            return fd
        assert ref.view is not None
        probe = FrameData(ref.view, None)
        if probe.stored:
            with self._lock:
                self._prescans.pop(ref.generated, None)  # not needed: freed when done
        fd = probe if probe.stored else FrameData(ref.view, self._namer(ref))
        with self._lock:
            return self._frames.setdefault(id(ref), fd)

    def _hot_file(self, frame: Frame) -> Optional[HotFile]:
        """The warm path's memo of the frame's generated file, made when a
        frame the general path would locate first arrives (so that the
        same lookups run in the same order): None, remembered, when the
        file has no map, or a map whose frames need more than the plain
        case (function maps, scopes)."""
        url = frame.filename
        if (
            not url
            or frame.is_eval
            or frame.is_native
            or frame.lineno is None
            or frame.lineno < 1
            or (frame.colno is not None and frame.colno < 1)
        ):
            return None
        try:
            generated = self._find(url)
            if generated is None:
                self._hot[url] = None
                return None
            ref, file_str, map_str = self._located(generated)
            if map_str is None or ref.view is None:
                self._hot[url] = None
                return None
            fd = self._frame_data(ref)
        except (SourceMapError, OSError, ValueError):
            return None  # the general path says why
        if fd.function_maps or fd.ranges:
            self._hot[url] = None
            return None
        view = fd.view

        def source_info(src_id: int) -> SourceInfo:
            tok = Token(0, 0, None, 0, 0, src_id, None)
            key = (id(ref), src_id)
            named = self._names.get(key)
            if named is None:
                named = self._names[key] = (_source_name(view, tok), not view.is_ignored(src_id))
            return named[0], named[1], self._source_path(ref, tok)[1]

        hot = HotFile(
            view._own,
            fd.namer._own if fd.namer is not None else None,
            fd.line_count,
            file_str,
            map_str,
            view.get_source_count(),
            source_info,
        )
        return self._hot.setdefault(url, hot)

    def _find(self, url: str) -> Optional[Path]:
        """artifacts.find(), remembered per URL (the artifacts do not change
        during a run)."""
        try:
            return self._found[url]
        except KeyError:
            found = self._found[url] = self.artifacts.find(url)
            return found

    def _located(self, generated: Path) -> Tuple[MapRef, str, Optional[str]]:
        """(the map of `generated`, its path as a frame shows it, the map's
        path or "data: URL", None when no map loaded), remembered per
        generated file: the artifacts load each map once and keep it."""
        try:
            return self._maps[generated]
        except KeyError:
            self._start_prescan(generated)
            ref = self.artifacts.map_for(generated)
            map_str: Optional[str] = None
            if ref.view is not None:
                map_str = str(ref.map_path) if ref.map_path else "data: URL"
            else:
                with self._lock:
                    self._prescans.pop(generated, None)
            found = self._maps[generated] = (ref, str(generated), map_str)
            return found

    def _resolve(self, frame: Frame, steps: Optional[List[Step]]) -> SymbolicatedFrame:
        out = self._unresolved(frame)
        why = self._unlocated(frame)
        if why is not None:
            return self._fail(out, steps, why[0], why[1], step=why[2])
        assert frame.filename is not None and frame.lineno is not None  # _unlocated checked
        generated = self._find(frame.filename)
        if generated is None:  # only if another thread's lookup of the URL disagreed
            return self._fail(out, steps, "file_not_found", not_found_message(frame.filename),
                              step="find generated file")
        ref, file_str, map_str = self._located(generated)
        if steps is not None:
            steps.append(Step("find generated file", True, "%r matched %s" % (frame.filename, generated)))
            steps.extend(ref.steps)
        if map_str is None:
            out.generated = {
                "filename": frame.filename,
                "lineno": frame.lineno,
                "colno": frame.colno,
                "function": out.function,
                "file": file_str,
            }
            return self._fail(out, None, ref.error or "no_map_reference", ref.error_message)
        out.generated = {
            "filename": frame.filename,
            "lineno": frame.lineno,
            "colno": frame.colno,
            "function": out.function,
            "file": file_str,
            "map": map_str,
        }
        view = ref.view
        assert view is not None

        line0 = frame.lineno - 1
        fd = self._frame_data(ref)
        hermes_col = None
        if frame.hermes is not None:
            # A Hermes bytecode frame: its position from the map's
            # x_hermes_function_offsets (the C library decides).
            pos = view.hermes_position(*frame.hermes)
            if pos is None:
                return self._fail(
                    out,
                    steps,
                    "position_outside_map",
                    "the map lists no function %d in Hermes segment %d"
                    % (frame.hermes[1], frame.hermes[0]),
                    step="look up",
                )
            line0, hermes_col = pos
        if line0 >= fd.line_count:
            return self._fail(
                out,
                steps,
                "position_outside_map",
                PAST_THE_MAP % (frame.lineno, view.line_count),
                step="look up",
            )
        if hermes_col is not None:
            col0 = hermes_col
        elif frame.colno is None:
            # No column: the line's first mapped column.
            first = view.lookup_token(line0, 0, rule=LookupRule.LEAST_UPPER_BOUND)
            col0 = first.dst_col if first is not None else 0
        else:
            col0 = frame.colno - 1
        try:
            status, token, name, how = fd.resolve(line0, col0)
        except CacheFramesError as exc:
            return self._fail(out, steps, "cache_corrupt", str(exc), step="look up")
        if not self.use_scanner:
            name, how = None, "none"
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
        key = (id(ref), token.src_id)
        try:
            out.filename, out.in_app = self._names[key]
        except KeyError:
            out.filename = _source_name(view, token)
            out.in_app = not view.is_ignored(token.src_id)
            self._names[key] = (out.filename, out.in_app)
        out.lineno = token.src_line + 1
        out.colno = token.src_col + 1
        out.resolved = True

        try:
            context = fd.context(token.src_id, token.src_line, token.src_col, self.context, self.trim)
        except CacheFramesError as exc:
            return self._fail(out, steps, "cache_corrupt", str(exc), step="source contents")
        path, out.abs_path = self._source_path(ref, token)
        lines: Optional[List[str]] = None
        from_disk = False
        if context is None and not view.has_source_contents(token.src_id) and self.use_scanner:
            # Not in the map: the original file on disk, given to the
            # namer so that it names from it as from sourcesContent.
            lines, path, from_disk = self._source_text(ref, token)
            if from_disk and path is not None:
                namer = self._namer(ref)
                if token.src_id not in namer.given:
                    data = self.artifacts.read(path)
                    if data is not None:
                        namer.give_source(token.src_id, data)
                name, how = namer.name_at(line0, col0)
        out.call_name = token.name
        if how == "anonymous":  # as V8 and Sentry's SourceMapCache print it
            name = "<anonymous>"
        # React Native: Metro's function map (x_facebook_sources), when the
        # map has one, names the original function before any guess.
        if fd.function_maps:
            mapped = view.function_name_at(token.src_id, token.src_line, token.src_col)
            if mapped is not None:
                name, how = mapped, "function_map"
        if fd.ranges:
            # The map's own scopes name the frame (and its inlined callers);
            # the scanner's answer stands only for maps without them.
            name, how = self._name_from_scopes(out, ref, line0, col0)
        out.function_source = how
        if how != "none":
            out.function = name
        if steps is not None:
            steps.append(
                Step(
                    "function name",
                    how != "none",
                    NAME_STEPS[how] % (name if how != "none" else out.function),
                )
            )
        if context is not None:
            out.pre_context, out.context_line, out.post_context = context
        elif lines is None and not view.has_source_contents(token.src_id):
            return self._fail(out, steps, "no_source_contents", step="source contents")
        elif lines is not None and token.src_line < len(lines):
            i = token.src_line
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
