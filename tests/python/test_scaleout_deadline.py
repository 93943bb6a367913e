"""symbolicate_many on Dask: a batch that never answers cannot hang the
call (batch_timeout). A trace that holds its worker past the deadline is
given up, retried on its own and then answers; one that never answers
gets ``timed_out`` on every frame while every other trace keeps its
result. The retry logic is also checked without a cluster, with futures
that never finish."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from libsourcemap import symbolicate_many
from libsourcemap import scaleout
from libsourcemap.scaleout import ERRORS, BatchTimeout
from scaleout_helpers import HangsWorkerOnce
from test_scaleout import DIST, many_traces, serial


def test_no_batch_finishing_in_time_fails_the_rest_with_batch_timeout() -> None:
    batches = [scaleout._Batch(None, [(i, b"")]) for i in range(3)]  # type: ignore[arg-type]
    futures: Dict[Any, Any] = {object(): b for b in batches}
    cancelled: List[Any] = []
    waits: List[Any] = []

    def wait_first(pending: List[Any], timeout: Any) -> List[Any]:
        waits.append((len(pending), timeout))
        return []

    done, failed = scaleout._collect_until(futures, wait_first, cancelled.extend, 0.5, lambda n: None)
    assert done == {}
    assert [b for b, _ in failed] == batches
    assert all(isinstance(e, BatchTimeout) for _, e in failed)
    assert str(failed[0][1]) == "no batch finished within 0.5 s"
    assert sorted(map(id, cancelled)) == sorted(map(id, futures))
    assert waits == [(3, 0.5)]


def test_a_trace_that_never_answers_is_timed_out_alone() -> None:
    traces = many_traces(40, seed=3)
    stuck = 17
    batches = [scaleout._Batch(None, [(i, b"") for i in range(0, 20)]),  # type: ignore[arg-type]
               scaleout._Batch(None, [(i, b"") for i in range(20, 40)])]  # type: ignore[arg-type]
    calls: List[Tuple[int, bool]] = []

    def runner(pending: List[Any], isolated: bool) -> Any:
        done, failed = {}, []
        for b in pending:
            calls.append((len(b.items), isolated))
            if any(i == stuck for i, _ in b.items):
                failed.append((b, BatchTimeout("no batch finished within 1 s")))
            else:
                done.update({i: scaleout._in_process(
                    [(i, scaleout.ArtifactSpec.of(DIST), traces[i])], 5, lambda n: None)[0]
                    for i, _ in b.items})
        return done, failed

    results, retried = scaleout._run_all(batches, runner, traces, lambda n: None)
    want = serial(traces, DIST)
    assert [results[i] for i in range(40) if i != stuck] == [want[i] for i in range(40) if i != stuck]
    assert {f.error for f in results[stuck].frames} == {"timed_out"}
    assert results[stuck].frames[0].error_message.startswith(ERRORS["timed_out"])
    # The batch alone, then in parts of 3, then the part's traces alone.
    assert calls[:2] == [(20, False), (20, False)]
    assert (20, True) in calls and (1, True) in calls


def test_dask_worker_holding_a_batch_past_the_deadline(tmp_path: Path) -> None:
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    traces: List[Any] = many_traces(60, seed=5)
    want = serial(traces, DIST)
    traces[30] = HangsWorkerOnce(traces[30], str(tmp_path / "held"), 10.0)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=4, processes=False, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        started = time.monotonic()
        got = symbolicate_many(traces, DIST, client=client, batch_size=10, batch_timeout=1.5)
        took = time.monotonic() - started
    assert (tmp_path / "held").exists()
    assert got == want
    assert took < 10.0, "the call waited for the held worker (%.1f s)" % took
