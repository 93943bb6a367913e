"""OpenTelemetry: the spans and metrics the library reports through the
application's providers (the SDK's in-memory exporter and metric reader
here), and nothing imported when the API is absent or turned off."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List

import pytest

import libsourcemap
from libsourcemap import View, symbolicate_many, view_stats
from libsourcemap.symbolicate import Artifacts, Symbolicator
from lsm_testutil import REPO

# The checkout's package, unless the tests run against an installed one.
PACKAGE = "" if os.environ.get("LIBSOURCEMAP_TEST_INSTALLED") == "1" else str(REPO / "python")
E2E = REPO / "tests" / "e2e" / "apps"
SHOP = E2E / "shop"
SHOP_MAP = SHOP / "dist" / "esbuild" / "app.min.js.map"
TRACE = SHOP / "traces" / "esbuild" / "checkout.txt"

sdk_trace = pytest.importorskip("opentelemetry.sdk.trace")
from opentelemetry import metrics, trace  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)
from opentelemetry.trace import StatusCode  # noqa: E402



class _WhileHere(SimpleSpanProcessor):
    """Exports only during this module's tests (the providers stay set for
    the rest of the session: OpenTelemetry sets them once)."""

    active = False

    def on_end(self, span: Any) -> None:
        if self.active:
            super().on_end(span)


# The application's providers, set once for the process as an application
# does; the library's tracer and meter come from them.
EXPORTER = InMemorySpanExporter()
READER = InMemoryMetricReader()
PROCESSOR = _WhileHere(EXPORTER)
_provider = sdk_trace.TracerProvider()
_provider.add_span_processor(PROCESSOR)
trace.set_tracer_provider(_provider)
metrics.set_meter_provider(MeterProvider(metric_readers=[READER]))


@pytest.fixture(scope="module", autouse=True)
def recording() -> Any:
    PROCESSOR.active = True
    yield
    PROCESSOR.active = False
    EXPORTER.clear()


@pytest.fixture(autouse=True)
def fresh() -> None:
    EXPORTER.clear()
    READER.get_metrics_data()  # cumulative: tests compare differences


def spans(name: str) -> List[Any]:
    return [s for s in EXPORTER.get_finished_spans() if s.name == name]


def metric_points() -> Dict[str, List[Any]]:
    out: Dict[str, List[Any]] = {}
    data = READER.get_metrics_data()
    for rm in data.resource_metrics if data else []:
        for sm in rm.scope_metrics:
            if sm.scope.name != "libsourcemap":
                continue
            for m in sm.metrics:
                out.setdefault(m.name, []).extend(m.data.data_points)
    return out


def attrs(span: Any) -> Dict[str, Any]:
    return {k[len("libsourcemap."):]: v for k, v in span.attributes.items()}


def test_parse_span_carries_the_views_figures():
    before = metric_points()
    view = View.from_path(SHOP_MAP)
    (span,) = spans("libsourcemap.parse")
    stats = view_stats(view)
    assert attrs(span) == {
        "path": str(SHOP_MAP),
        "bytes": SHOP_MAP.stat().st_size,
        "tokens": len(view),
        "sources": view.get_source_count(),
        "names": len(view.names),
        "lines": view.line_count,
        "parse_ns": stats.parse_ns,
        "memory_bytes": stats.memory_bytes,
        # the view keeps the file mapped: its sourcesContent is read there
        "mapped_bytes": SHOP_MAP.stat().st_size,
        "from_cache": False,
        "index": False,
    }
    assert span.status.status_code == StatusCode.UNSET
    assert span.instrumentation_scope.name == "libsourcemap"
    assert span.instrumentation_scope.version == libsourcemap.__version__
    hist = metric_points()["libsourcemap.parse.duration"]
    parsed = [p for p in hist if p.attributes == {"libsourcemap.from_cache": False}]
    old = [p for p in before.get("libsourcemap.parse.duration", [])
           if p.attributes == {"libsourcemap.from_cache": False}]
    assert parsed[0].count - (old[0].count if old else 0) == 1
    assert parsed[0].sum - (old[0].sum if old else 0) == pytest.approx(stats.parse_ns / 1e9)


def test_cache_write_and_open_spans(tmp_path: Path):
    view = View.from_json(SHOP_MAP.read_bytes())
    cache = tmp_path / "shop.lsmcache"
    view.write_cache(cache)
    data = view.dump_cache()
    (write_path, write_bytes) = spans("libsourcemap.cache.write")
    assert attrs(write_path) == {"path": str(cache)}
    assert attrs(write_bytes) == {"bytes": len(data)}
    EXPORTER.clear()
    opened = View.from_cache_path(cache)
    in_memory = View.from_cache(data)
    (by_path, by_bytes) = spans("libsourcemap.cache.open")
    a = attrs(by_path)
    assert a["path"] == str(cache) and a["from_cache"] is True
    assert a["bytes"] == a["mapped_bytes"] == cache.stat().st_size
    assert a["tokens"] == len(opened) and a["parse_ns"] == view_stats(opened).parse_ns
    b = attrs(by_bytes)
    assert b["bytes"] == len(data) and b["mapped_bytes"] == 0 and b["from_cache"] is True
    assert b["memory_bytes"] == view_stats(in_memory).memory_bytes


def test_failed_parse_span_has_the_error():
    with pytest.raises(libsourcemap.MalformedJsonError):
        View.from_json(b'{"version": 3, "mappings": ')
    (span,) = spans("libsourcemap.parse")
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes["libsourcemap.error"] == "LSM_ERR_JSON"
    assert [e.name for e in span.events] == ["exception"]
    assert span.events[0].attributes["exception.type"] == "libsourcemap.errors.MalformedJsonError"


def test_symbolicate_span_and_frame_counter():
    sym = Symbolicator(Artifacts([SHOP / "dist"]))
    before = metric_points().get("libsourcemap.frames", [])
    result = sym.symbolicate(TRACE.read_text())
    (span,) = spans("libsourcemap.symbolicate")
    errors: Dict[str, int] = {}
    for f in result.frames:
        if f.error:
            errors["errors." + f.error] = errors.get("errors." + f.error, 0) + 1
    assert attrs(span) == dict(
        {"frames": len(result.frames), "frames.resolved": sum(f.resolved for f in result.frames)},
        **errors,
    )
    # The map was parsed inside the symbolication's span.
    (parse,) = spans("libsourcemap.parse")
    assert parse.parent is not None and parse.parent.span_id == span.context.span_id

    def totals(points: List[Any]) -> Dict[Any, int]:
        return {tuple(sorted(p.attributes.items())): p.value for p in points}

    after, old = totals(metric_points()["libsourcemap.frames"]), totals(before)
    added = {k: v - old.get(k, 0) for k, v in after.items() if v != old.get(k, 0)}
    want: Dict[Any, int] = {}
    for f in result.frames:
        key = (("libsourcemap.error", f.error or ""), ("libsourcemap.resolved", f.resolved))
        want[key] = want.get(key, 0) + 1
    assert added == want


def test_symbolicate_many_span():
    traces = [p.read_text() for p in sorted(SHOP.glob("traces/*/*.txt"))]
    results = symbolicate_many(traces, [SHOP / "dist"], workers=1)
    (span,) = spans("libsourcemap.symbolicate_many")
    a = attrs(span)
    frames = [f for r in results for f in r.frames]
    assert a["traces"] == len(traces) and a["workers"] == 1 and a["where"] == "in-process"
    assert a["frames"] == len(frames)
    assert a["frames.resolved"] == sum(f.resolved for f in frames)
    assert a["batches.retried"] == 0
    children = spans("libsourcemap.symbolicate")
    assert len(children) == len(traces)
    assert all(c.parent.span_id == span.context.span_id for c in children)


# ---------------------------------------------------------- without the API

WITHOUT = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder

    EXTRAS = ("opentelemetry", "dask", "distributed", "tqdm")

    class NoExtras(MetaPathFinder):
        # As if no extra (nor the OpenTelemetry API) were installed.
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in EXTRAS:
                raise ModuleNotFoundError("No module named %r" % name, name=name)
            return None

    if sys.argv[1] == "blocked":
        sys.meta_path.insert(0, NoExtras())
    if sys.argv[2]:  # a source checkout; "" for the installed package
        sys.path.insert(0, sys.argv[2])
    import tempfile, os
    import libsourcemap
    from libsourcemap import View, symbolicate_many, telemetry
    view = View.from_path(sys.argv[3])
    d = tempfile.mkdtemp()
    view.write_cache(os.path.join(d, "c.lsmcache"))
    View.from_cache_path(os.path.join(d, "c.lsmcache"))
    symbolicate_many([open(sys.argv[4]).read()], [sys.argv[5]], workers=1)
    if sys.argv[1] == "blocked":  # the rest of the package works without extras
        from libsourcemap import cli
        assert symbolicate_many([open(sys.argv[4]).read()] * 3, [sys.argv[5]], workers=2)
        import io, shutil
        copy = os.path.join(d, "app.min.js.map")
        shutil.copy(sys.argv[3], copy)
        assert cli.main(["cache", copy, copy, "--force"], out=io.StringIO(), err=io.StringIO()) == 0
        assert not [m for m in sys.modules if m.split(".")[0] in EXTRAS[1:]]
    print(telemetry.enabled(), sorted(m for m in sys.modules if m.startswith("opentelemetry")))
    """
)


@pytest.mark.parametrize(
    "how, env", [("blocked", {}), ("turned off", {"LIBSOURCEMAP_OTEL": "0"})]
)
def test_nothing_imported_without_the_api(how: str, env: Dict[str, str]):
    args = [sys.executable, "-c", WITHOUT, how.split()[0], PACKAGE, str(SHOP_MAP),
            str(TRACE), str(SHOP / "dist")]
    out = subprocess.run(
        args, env=dict(os.environ, **env), capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "False []\n"


def test_imported_when_available():
    # The same program with the API importable does import it.
    args = [sys.executable, "-c", WITHOUT, "open", PACKAGE, str(SHOP_MAP),
            str(TRACE), str(SHOP / "dist")]
    out = subprocess.run(args, env=dict(os.environ, LIBSOURCEMAP_OTEL="1"),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("True ['opentelemetry'")


# ------------------------------------- the API installed, not imported

UNTIL_IMPORTED = textwrap.dedent(
    """
    import sys
    if sys.argv[1]:
        sys.path.insert(0, sys.argv[1])
    from libsourcemap import View, telemetry
    View.from_path(sys.argv[2])
    print(telemetry.enabled(), sorted(m for m in sys.modules if m.startswith("opentelemetry")))
    # The application sets its provider now: the next view reports.
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    view = View.from_path(sys.argv[2])
    print(telemetry.enabled(), [s.name for s in exporter.get_finished_spans()],
          [s.attributes["libsourcemap.tokens"] for s in exporter.get_finished_spans()] == [len(view)])
    """
)


def test_the_api_is_used_once_the_application_imports_it():
    """Installed but not imported by the application, the API is not
    imported by the library either (it costs ~9 MB): views work and report
    nothing. Once the application sets up a provider, they report."""
    env = {k: v for k, v in os.environ.items() if k != "LIBSOURCEMAP_OTEL"}
    out = subprocess.run(
        [sys.executable, "-c", UNTIL_IMPORTED, PACKAGE, str(SHOP_MAP)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["False []", "True ['libsourcemap.parse'] True"]

