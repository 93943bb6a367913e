"""symbolicate_many on local processes and on a Dask cluster, and the
pickling that carries views, Artifacts and results to workers.

The traces are the end-to-end apps' real Node traces (tests/e2e/apps/*/
traces, symbolicated against their dist/ folders), each also cut after
each of its frames, repeated and shuffled into a few thousand. The
expected result of every trace is what one Symbolicator gives for it in
this process."""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import shutil
from pathlib import Path
from typing import Any, List, Tuple

import pytest

import libsourcemap
from libsourcemap import ClosedViewError, View, symbolicate_many
from libsourcemap.scaleout import ERRORS, ArtifactSpec
from libsourcemap.stacktrace import parse_stacktrace
from libsourcemap.symbolicate import Artifacts, SymbolicatedTrace, Symbolicator
from lsm_testutil import REPO
from scaleout_helpers import KillsWorkerAlways, KillsWorkerOnce

E2E = REPO / "tests" / "e2e" / "apps"
DIST = [E2E / app / "dist" for app in ("shop", "pipeline", "widgets")]
SHOP_MAP = E2E / "shop" / "dist" / "esbuild" / "app.min.js.map"


def real_traces() -> List[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(E2E.glob("*/traces/*/*.txt"))]


def trace_variants() -> List[str]:
    """Each real trace, and each cut after every one of its frame lines."""
    out = []
    for text in real_traces():
        lines = text.splitlines()
        frame_lines = [i for i, l in enumerate(lines) if re.match(r"\s+at ", l)]
        out.append(text)
        for i in frame_lines[:-1]:
            out.append("\n".join(lines[: i + 1]) + "\n")
    return out


def many_traces(n: int, seed: int = 16) -> List[str]:
    variants = trace_variants()
    rng = random.Random(seed)
    return [rng.choice(variants) for _ in range(n)]


def serial(traces: List[Any], dirs: List[Path]) -> List[SymbolicatedTrace]:
    sym = Symbolicator(Artifacts(dirs))
    return [sym.symbolicate(t) for t in traces]


# ---------------------------------------------------------------- pickling


def test_view_from_path_pickles_by_path():
    view = View.from_path(SHOP_MAP)
    data = pickle.dumps(view)
    assert len(data) < 1000  # the path, not the map
    assert os.fsencode(SHOP_MAP.resolve()) in data
    again = pickle.loads(data)
    assert list(again) == list(view)
    assert again.sources == view.sources
    assert again.lookup_token(0, 500) == view.lookup_token(0, 500)


def test_view_from_json_pickles_by_cache_bytes():
    view = View.from_json(SHOP_MAP.read_bytes())
    data = pickle.dumps(view)
    assert view.dump_cache() in data
    again = pickle.loads(data)
    assert list(again) == list(view)
    assert [again.get_source_contents(i) for i in range(again.get_source_count())] == [
        view.get_source_contents(i) for i in range(view.get_source_count())
    ]
    assert libsourcemap.view_stats(again).from_cache is True


def test_cache_view_pickles_by_path(tmp_path: Path):
    cache = tmp_path / "shop.lsmcache"
    View.from_path(SHOP_MAP).write_cache(cache)
    view = View.from_cache_path(cache)
    data = pickle.dumps(view)
    assert os.fsencode(cache) in data and len(data) < 1000
    again = pickle.loads(data)
    assert list(again) == list(view)
    stats = libsourcemap.view_stats(again)
    assert stats.from_cache and stats.mapped_bytes == cache.stat().st_size


def test_closed_view_does_not_pickle():
    view = View.from_path(SHOP_MAP)
    view.close()
    with pytest.raises(ClosedViewError):
        pickle.dumps(view)


def test_artifacts_and_results_pickle():
    artifacts = Artifacts(DIST, use_cache_files=False)
    trace = real_traces()[0]
    before = Symbolicator(artifacts).symbolicate(trace)  # loads maps: not pickled
    again = pickle.loads(pickle.dumps(artifacts))
    assert again.dirs == artifacts.dirs and again.use_cache_files is False
    assert again.maps_loaded == 0
    assert Symbolicator(again).symbolicate(trace) == before
    assert pickle.loads(pickle.dumps(before)) == before
    assert ArtifactSpec.of(artifacts) == ArtifactSpec(
        tuple(str(d.resolve()) for d in DIST), False
    )


def _fields(frame: Any) -> Any:
    """Every field of a frame, nested callers too (call_name is left out
    of ==, so equality alone would not see it lost)."""
    import dataclasses

    return {
        k: [_fields(c) for c in v] if k == "inlined_callers" else v
        for k, v in ((f.name, getattr(frame, f.name)) for f in dataclasses.fields(frame))
    }


def test_result_encoding_keeps_every_field_and_shares_equal_strings():
    from libsourcemap import _scaleout_base as scaleout
    from libsourcemap.symbolicate import SymbolicatedFrame

    assert scaleout._ENCODED_FIELDS == scaleout._FRAME_FIELDS
    results = serial(many_traces(60, seed=2), DIST)
    full = SymbolicatedFrame(
        filename="a.ts", lineno=3, colno=4, function="f", raw="at f (a.js:1:2)",
        context_line="x()", pre_context=["p"], post_context=["q"], error="unmapped_position",
        error_message="m", resolved=True, abs_path="/a.ts", in_app=True,
        function_source="scopes", generated={"file": "a.js", "line": 1},
        inlined_callers=[SymbolicatedFrame("b.ts", 1, 2, "g", "at g", call_name="h")],
        hidden=True, call_name="c",
    )
    results.append(SymbolicatedTrace(message="E", frames=[full]))
    memo: dict = {}
    data = pickle.dumps([scaleout._encode(r, memo) for r in results])
    back = [scaleout._decode(d) for d in pickle.loads(data)]
    assert back == results
    assert [[_fields(f) for f in r.frames] for r in back] == [
        [_fields(f) for f in r.frames] for r in results
    ]
    # Equal strings of the batch are written once: after the round trip
    # every equal string of every frame is one object (pickle's memo keeps
    # identity), and the batch is smaller than with each string apart. How
    # much smaller depends on the paths of the tree the test runs from.
    def frame_strings(f):
        yield from (f.filename, f.function, f.raw, f.context_line, f.error, f.error_message,
                    f.abs_path, f.function_source, f.call_name)
        yield from f.pre_context or ()
        yield from f.post_context or ()
        yield from (v for v in (f.generated or {}).values() if type(v) is str)
        for c in f.inlined_callers or ():
            yield from frame_strings(c)

    first: dict = {}
    repeats = 0
    for encoded in pickle.loads(data):
        for frame in scaleout._decode(encoded).frames:
            for text in frame_strings(frame):
                if type(text) is str:
                    assert first.setdefault(text, text) is text, text
                    repeats += 1
    assert repeats > len(first)  # the batch does repeat strings: sharing is exercised
    # Equal runs of context lines travel as one tuple, which each frame
    # makes its own list from when read.
    runs: dict = {}
    shared = 0
    for encoded in pickle.loads(data):
        for frame in scaleout._decode(encoded).frames:
            for lines in (frame._pre_context, frame._post_context):
                if lines:
                    assert type(lines) is tuple
                    if lines in runs:
                        assert runs[lines] is lines
                        shared += 1
                    runs[lines] = lines
    assert shared
    apart = pickle.dumps([scaleout._encode(r, {}) for r in results])  # each trace on its own
    assert len(data) < len(apart)


def test_batches_shrink_towards_the_end():
    from libsourcemap.scaleout import _cut

    a, b = ArtifactSpec(("/a",)), ArtifactSpec(("/b",))
    groups = {a: [(i, b"") for i in range(20000)], b: [(i, b"") for i in range(20000, 20100)]}
    batches = _cut(groups, 2, None)
    sizes = [len(x.items) for x in batches]
    assert [i for x in batches for i, _ in x.items] == list(range(20100))
    assert all(x.spec == (a if x.items[0][0] < 20000 else b) for x in batches)
    assert sizes[:10] == [1000] * 10 and max(sizes) == 1000
    assert sizes[-1] == 100  # group b: 100 traces, one batch of the smallest size
    in_a = [len(x.items) for x in batches if x.spec == a][:-1]  # a group's last may be short
    assert in_a == sorted(in_a, reverse=True) and in_a[-1] == 100
    assert [len(x.items) for x in _cut(groups, 2, 64)] == [64] * 312 + [32] + [64] + [36]


def test_gc_pause_puts_the_collector_back_as_it_was():
    import gc

    from libsourcemap._scaleout_base import _gc_paused

    assert gc.isenabled()
    with pytest.raises(KeyError):
        with _gc_paused():
            assert not gc.isenabled()
            raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with _gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()


def test_call_leaves_the_collector_as_it_was():
    # Batches are built with the cycle collector paused; after the call it
    # is on again, or still off for a caller that had turned it off.
    import gc

    traces = many_traces(120, seed=4)
    for workers in (1, 2):
        assert gc.isenabled()
        got = symbolicate_many(traces, DIST, workers=workers, batch_size=40)
        assert gc.isenabled()
        assert got == serial(traces, DIST)
    gc.disable()
    try:
        symbolicate_many(traces[:3], DIST, workers=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_frames_are_counted_only_for_a_span(monkeypatch: pytest.MonkeyPatch):
    # Without OpenTelemetry reporting, no pass over every frame is made
    # for the span's attributes (tests/python/test_telemetry.py checks
    # them with the SDK).
    from libsourcemap import telemetry

    def no_counting(frames: Any) -> Any:
        raise AssertionError("frames counted without a span")

    traces = many_traces(30, seed=9)
    want = serial(traces, DIST)
    monkeypatch.setattr(telemetry, "_get", lambda: None)  # as without the API
    monkeypatch.setattr(telemetry, "frame_counts", no_counting)
    assert symbolicate_many(traces, DIST, workers=1) == want
    assert symbolicate_many(traces, DIST, workers=2) == want


# ------------------------------------------------------------ in process


def test_in_process_equals_symbolicator():
    traces = many_traces(300)
    assert symbolicate_many(traces, DIST, workers=1) == serial(traces, DIST)


def test_inputs_of_every_kind():
    text = real_traces()[3]
    parsed = parse_stacktrace(text)
    want = serial([text], DIST)[0]
    got = symbolicate_many([text, text.encode(), parsed, parsed.frames], DIST, workers=1)
    assert got[:3] == [want] * 3
    # A list of frames has no message line.
    assert got[3] == SymbolicatedTrace(message=None, frames=want.frames)


def test_inputs_of_every_kind_through_local_processes():
    # Text travels as it is, anything else as its own pickle (_wire).
    from libsourcemap._scaleout_base import _wire

    text = real_traces()[3]
    parsed = parse_stacktrace(text)
    inputs = [text, text.encode(), parsed, parsed.frames, 42]
    assert _wire(text) is text
    assert [pickle.loads(_wire(t)) for t in inputs[1:]] == inputs[1:]
    got = symbolicate_many(inputs, DIST, workers=2, batch_size=1)
    assert got == symbolicate_many(inputs, DIST, workers=1)


def test_unparsable_trace_and_missing_folder(tmp_path: Path):
    text = real_traces()[5]
    got = symbolicate_many(
        [("app", text), ("app", "just a message, no frames"), ("gone", text), ("app", 42)],
        {"app": DIST, "gone": [tmp_path / "no-such-folder"]},
        workers=1,
    )
    assert got[0] == serial([text], DIST)[0]
    assert [(f.error, f.raw) for f in got[1].frames] == [
        ("unparsable_trace", "just a message, no frames")
    ]
    assert got[1].frames[0].error_message == ERRORS["unparsable_trace"]
    frames = parse_stacktrace(text).frames
    assert [(f.error, f.filename, f.lineno, f.colno, f.resolved) for f in got[2].frames] == [
        ("artifacts_not_found", f.filename, f.lineno, f.colno, False) for f in frames
    ]
    assert str(tmp_path / "no-such-folder") in got[2].frames[0].error_message
    assert [f.error for f in got[3].frames] == ["unparsable_trace"]


def test_missing_map_is_a_frame_reason(tmp_path: Path):
    dist = tmp_path / "dist"
    shutil.copytree(E2E / "shop" / "dist", dist)
    (dist / "terser" / "app.min.js.map").unlink()
    traces = [p.read_text() for p in sorted((E2E / "shop" / "traces").glob("*/*.txt"))]
    got = symbolicate_many(traces, [dist], workers=2)
    assert got == serial(traces, [dist])
    terser = [f for r in got for f in r.frames if "/terser/" in (f.generated.get("file") or "")]
    assert terser and {f.error for f in terser} == {"map_not_found"}
    esbuild = [f for r in got for f in r.frames if "/esbuild/" in (f.generated.get("file") or "")]
    assert esbuild and "map_not_found" not in {f.error for f in esbuild}
    assert sum(f.resolved for f in esbuild) == sum(
        f.resolved
        for r in serial(traces, [E2E / "shop" / "dist"])
        for f in r.frames
        if "/esbuild/" in (f.generated.get("file") or "")
    )


# -------------------------------------------------------- local processes


def test_local_processes_equal_serial():
    traces = many_traces(1200, seed=7)
    done: List[int] = []
    got = symbolicate_many(traces, DIST, workers=2, progress=done.append)
    assert got == serial(traces, DIST)
    assert sum(done) == len(traces)


def test_local_processes_beside_another_thread(tmp_path: Path):
    # With another thread alive, workers come from the fork server, not a
    # plain fork of this process; a death is handled the same way.
    import threading

    from libsourcemap import scaleout

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert scaleout._mp_context().get_start_method() == "forkserver"
        traces: List[Any] = many_traces(200, seed=5)
        want = serial(traces, DIST)
        traces[100] = KillsWorkerOnce(traces[100], str(tmp_path / "killed"))
        assert symbolicate_many(traces, DIST, workers=2) == want
        assert (tmp_path / "killed").exists()
    finally:
        stop.set()
        other.join()


def test_local_worker_killed_mid_batch(tmp_path: Path):
    traces: List[Any] = many_traces(400, seed=3)
    want = serial(traces, DIST)
    traces[150] = KillsWorkerOnce(traces[150], str(tmp_path / "killed"))
    traces[290] = KillsWorkerAlways(traces[290])
    done: List[int] = []
    got = symbolicate_many(traces, DIST, workers=2, batch_size=50, progress=done.append)
    assert sum(done) == len(traces)  # each trace reported once, retried or not
    # The trace killed once is simply retried; the one that kills every
    # worker gets the reason on each of its frames; nothing else changes.
    assert (tmp_path / "killed").exists()
    assert got[:290] == want[:290] and got[291:] == want[291:]
    lost = got[290]
    assert [(f.filename, f.lineno, f.colno) for f in lost.frames] == [
        (f.filename, f.lineno, f.colno) for f in parse_stacktrace(traces[290]).frames
    ]
    assert {f.error for f in lost.frames} == {"worker_lost"}
    assert "BrokenProcessPool" in lost.frames[0].error_message


# ------------------------------------------------------------------ Dask


def test_dask_local_cluster_equals_serial(tmp_path: Path):
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    traces: List[Any] = many_traces(2000, seed=16)
    pairs: List[Tuple[str, Any]] = [("app", t) for t in traces]
    pairs[10] = ("app", "Error: no frames in this one")
    pairs[20] = ("gone", traces[20])
    want = serial(traces, DIST)
    pairs[1000] = ("app", KillsWorkerOnce(traces[1000], str(tmp_path / "killed")))
    # A worker that dies fails its task at once (no retries by Dask), so
    # that symbolicate_many's own retry is what saves the batch.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster, distributed.Client(cluster) as client:
            got = symbolicate_many(
                pairs, {"app": DIST, "gone": [tmp_path / "missing"]}, client=client
            )
    assert (tmp_path / "killed").exists()
    assert [f.error for f in got[10].frames] == ["unparsable_trace"]
    assert {f.error for f in got[20].frames} == {"artifacts_not_found"}
    keep = [i for i in range(len(traces)) if i not in (10, 20)]
    assert [got[i] for i in keep] == [want[i] for i in keep]


def test_local_cluster_is_configured_for_symbolication():
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    from libsourcemap.scaleout import CLUSTER_CONFIG, local_cluster

    def settings() -> Any:
        import dask

        return {k: dask.config.get(k) for k in CLUSTER_CONFIG}

    before = settings()
    traces = many_traces(300, seed=11)
    with local_cluster(2) as cluster, distributed.Client(cluster) as client:
        assert settings() == before  # the caller's configuration is untouched
        on_workers = client.run(settings)
        assert len(on_workers) == 2
        assert all(v == CLUSTER_CONFIG for v in on_workers.values())
        assert set(client.nthreads().values()) == {1}
        assert cluster.scheduler._tick_interval == 0.5
        assert "stealing" not in cluster.scheduler.extensions
        got = symbolicate_many(traces, DIST, client=client)
    assert got == serial(traces, DIST)


def test_cli_scheduler_equals_local():
    import io

    from libsourcemap import cli

    distributed = pytest.importorskip("distributed")
    traces = str(E2E / "pipeline" / "traces")

    def run(*argv: str) -> Tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        return cli.main(list(argv), out=out, err=err), out.getvalue()

    local = run("symbolicate", traces, "-a", *map(str, DIST), "--json", "--workers", "1")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        remote = run("symbolicate", traces, "-a", *map(str, DIST), "--json",
                     "--scheduler", cluster.scheduler_address)
    assert remote == local
    assert len(json.loads(local[1])["traces"]) == len(list((E2E / "pipeline" / "traces").rglob("*.txt")))
