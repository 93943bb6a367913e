"""OpenTelemetry spans and metrics, when the application has the API.

When ``opentelemetry-api`` is importable (``pip install libsourcemap[otel]``),
the library reports what its native part does through the application's
own tracer and meter providers (the global ones, as set with
``opentelemetry.trace.set_tracer_provider`` and
``opentelemetry.metrics.set_meter_provider``):

Spans
    ``libsourcemap.parse``         a source map parsed from JSON (or a file)
    ``libsourcemap.cache.open``    a view opened from cache bytes or a file
    ``libsourcemap.cache.write``   a cache written (``dump_cache``/``write_cache``)
    ``libsourcemap.symbolicate``   one trace symbolicated
    ``libsourcemap.symbolicate_many``  a batch of traces (see :mod:`.scaleout`)

    A view's span carries the C library's own figures for it
    (``lsm_view_stats``): ``libsourcemap.bytes``, ``.tokens``, ``.sources``,
    ``.names``, ``.lines``, ``.parse_ns``, ``.memory_bytes``,
    ``.mapped_bytes``, ``.from_cache``, ``.index``. A symbolication span
    carries ``libsourcemap.frames``, ``libsourcemap.frames.resolved`` and
    ``libsourcemap.errors.<reason>`` (frames per reason). A failed call's
    span has an error status, the exception recorded and
    ``libsourcemap.error`` (the library's error name).

Metrics
    ``libsourcemap.parse.duration``  histogram, seconds to make a view from
    its bytes (attribute ``libsourcemap.from_cache``)
    ``libsourcemap.frames``          counter of frames symbolicated
    (attributes ``libsourcemap.resolved`` and ``libsourcemap.error``)

The library does not import the API itself: it reports once the
application has imported ``opentelemetry.trace`` (which setting a provider,
or an auto-instrumentation, does). Importing it would cost every process
that merely has the package installed ~9 MB and ~50 ms (it brings asyncio
and ssl), for spans that would go to the no-op default provider. Until
then, and without the API, nothing is imported (not even the
``opentelemetry`` namespace) and every hook here is a no-op costing one
function call. The environment variable ``LIBSOURCEMAP_OTEL=0`` turns the
hooks off; ``LIBSOURCEMAP_OTEL=1`` makes the library import the API itself
on its first span when it is installed. The variable is read once, by the
first hook the process runs.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Union

from . import _native
from ._native import ffi, lib, package_version

if TYPE_CHECKING:
    from ._stats import ViewStats

__all__ = ["ViewStats", "view_stats", "enabled", "span", "count_frames"]

_PREFIX = "libsourcemap."


def __getattr__(name: str) -> Any:
    # ViewStats is a dataclass, and dataclasses (with inspect, ast, dis...)
    # costs a fresh process ~1 MB and ~10 ms: views import this module for
    # their spans, so the class comes from ._stats when first asked for.
    if name == "ViewStats":
        from ._stats import ViewStats

        return ViewStats
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def _stats_of_ptr(ptr: Any) -> ViewStats:
    from ._stats import ViewStats

    out = ffi.new("lsm_view_stats_t *")
    with _native.capture_err() as (err, check):
        check(lib.lsm_view_stats(ptr, out, err))
    return ViewStats(
        bytes_read=int(out.bytes_read),
        tokens=int(out.tokens),
        sources=int(out.sources),
        names=int(out.names),
        lines=int(out.lines),
        parse_ns=int(out.parse_ns),
        memory_bytes=int(out.memory_bytes),
        mapped_bytes=int(out.mapped_bytes),
        from_cache=bool(out.from_cache),
        is_index=bool(out.is_index),
    )


def view_stats(view: Any) -> ViewStats:
    """The C library's figures for a :class:`~libsourcemap.View`: what it
    was made from, how long that took, what memory it keeps."""
    return _stats_of_ptr(view._get_ptr())


# ------------------------------------------------------------ the API, lazily


class _Otel:
    """The tracer and instruments, made on first use."""

    def __init__(self) -> None:
        from opentelemetry import metrics, trace

        self.trace = trace
        version = package_version()
        self.tracer = trace.get_tracer("libsourcemap", version)
        meter = metrics.get_meter("libsourcemap", version)
        self.parse_duration = meter.create_histogram(
            "libsourcemap.parse.duration",
            unit="s",
            description="Time to make a view from its bytes (JSON parsed or cache checked)",
        )
        self.frames = meter.create_counter(
            "libsourcemap.frames", unit="{frame}", description="Stack frames symbolicated"
        )


_lock = threading.Lock()
_otel: Optional[_Otel] = None
_checked = False


_setting: Optional[str] = None  # LIBSOURCEMAP_OTEL, read at the first hook


def _env() -> str:
    """LIBSOURCEMAP_OTEL as the first hook found it. Read once: looking it
    up in os.environ was most of a no-op hook's cost, and every view
    opened passes through one."""
    global _setting
    value = _setting
    if value is None:
        value = _setting = os.environ.get("LIBSOURCEMAP_OTEL", "").strip().lower()
    return value


def _waiting_for_the_application() -> bool:
    """True while the API is not imported and the environment does not ask
    the library to import it: nothing to report through yet, and nothing
    cached, so that a later import is noticed (by a lookup in sys.modules)."""
    if "opentelemetry.trace" in sys.modules:
        return False
    return _env() not in ("1", "true", "on")


def _get() -> Optional[_Otel]:
    global _otel, _checked
    if _checked:
        return _otel
    if _waiting_for_the_application():
        return None
    with _lock:
        if not _checked:
            if _env() not in ("0", "false", "off"):
                # find_spec of a top-level name imports nothing.
                try:
                    spec = importlib.util.find_spec("opentelemetry")
                except (ImportError, ValueError):
                    spec = None
                if spec is not None:
                    try:
                        _otel = _Otel()
                    except ImportError:
                        _otel = None
            _checked = True
    return _otel


def enabled() -> bool:
    """True when spans and metrics are being reported (the API is
    importable and not turned off)."""
    return _get() is not None


class _NoSpan:
    """What :func:`span` gives without the API: does nothing."""

    __slots__ = ()

    def __enter__(self) -> "_NoSpan":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def set(self, key: str, value: Any) -> None:
        pass

    def view(self, ptr: Any) -> None:
        pass

    def trace_result(self, frames: Any) -> None:
        pass


_NO_SPAN = _NoSpan()


class _Span:
    """An active span; see :func:`span`."""

    __slots__ = ("_otel", "_cm", "_span")

    def __init__(self, otel: _Otel, name: str, attributes: Mapping[str, Any]) -> None:
        self._otel = otel
        self._cm = otel.tracer.start_as_current_span(
            name, attributes=dict(attributes), record_exception=False, set_status_on_exception=False
        )
        self._span: Any = None

    def __enter__(self) -> "_Span":
        self._span = self._cm.__enter__()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc is not None and self._span is not None:
            self._span.record_exception(exc)
            self._span.set_attribute(
                _PREFIX + "error", getattr(exc, "error_name", None) or type(exc).__name__
            )
            status = self._otel.trace.Status(self._otel.trace.StatusCode.ERROR, str(exc))
            self._span.set_status(status)
        self._cm.__exit__(exc_type, exc, tb)

    def set(self, key: str, value: Any) -> None:
        self._span.set_attribute(_PREFIX + key, value)

    def view(self, ptr: Any) -> None:
        """Adds a new view's figures and records its parse time."""
        stats = _stats_of_ptr(ptr)
        self._span.set_attributes(stats.attributes())
        self._otel.parse_duration.record(
            stats.parse_ns / 1e9, {_PREFIX + "from_cache": stats.from_cache}
        )

    def trace_result(self, frames: Any) -> None:
        """Sets a symbolicated trace's frame counts and adds its frames to
        the counter."""
        frames = list(frames)
        for key, value in frame_counts(frames).items():
            self.set(key, value)
        count_frames(frames)


def span(name: str, **attributes: Any) -> Union[_Span, _NoSpan]:
    """A context manager for the span `name` (with ``libsourcemap.``
    attributes), or a no-op one without the API. Inside, ``.set(key,
    value)`` adds an attribute, ``.view(ptr)`` a new view's figures."""
    otel = _get()
    if otel is None:
        return _NO_SPAN
    return _Span(otel, name, {_PREFIX + k: v for k, v in attributes.items()})


def frame_counts(frames: Any) -> Dict[str, int]:
    """{"frames": n, "frames.resolved": n, "errors.<reason>": n, ...} of
    symbolicated frames."""
    out = {"frames": 0, "frames.resolved": 0}
    for f in frames:
        out["frames"] += 1
        if f.resolved:
            out["frames.resolved"] += 1
        if f.error:
            key = "errors." + f.error
            out[key] = out.get(key, 0) + 1
    return out


def count_frames(frames: Any) -> None:
    """Adds symbolicated frames to the ``libsourcemap.frames`` counter."""
    otel = _get()
    if otel is None:
        return
    groups: Dict[Any, int] = {}
    for f in frames:
        key = (bool(f.resolved), f.error or "")
        groups[key] = groups.get(key, 0) + 1
    for (resolved, error), n in groups.items():
        otel.frames.add(n, {_PREFIX + "resolved": resolved, _PREFIX + "error": error})
