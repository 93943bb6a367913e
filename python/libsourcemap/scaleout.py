"""Symbolicating many traces at once: on this machine's cores, or on a Dask
cluster.

::

    from libsourcemap import symbolicate_many

    results = symbolicate_many(traces, "dist/")              # local processes
    results = symbolicate_many(traces, "/shared/dist",       # a Dask cluster
                               client=Client("tcp://scheduler:8786"))

The results are :class:`~libsourcemap.symbolicate.SymbolicatedTrace`
objects in the order of the traces, equal to what one
:class:`~libsourcemap.symbolicate.Symbolicator` gives for each trace in
turn. Traces are grouped by their artifacts and sent in batches; each
worker process keeps one :class:`~libsourcemap.symbolicate.Artifacts` per
artifact set and call, so it opens each map or cache file once (cache
files by path: mapped, and shared between processes through the page
cache). On a cluster the artifact folders must be at the same paths on
every worker (a shared filesystem).

Nothing here loses a result: a trace that cannot be parsed, artifact
folders that do not exist, and a worker that dies while it holds a batch
each give the affected frames their own reason (:data:`ERRORS`); a batch
whose worker died is retried on its own, then in parts, so that only the
trace that kills its worker is reported as ``worker_lost``.

Views, :class:`~libsourcemap.symbolicate.Artifacts` and results pickle:
a view as the file it was opened from (opened again where it is
unpickled) or else as its cache bytes; ``Artifacts`` as its folders (the
maps are opened again, lazily, where it is unpickled).
"""

from __future__ import annotations

import concurrent.futures
import copyreg
import math
import multiprocessing
import os
import pickle
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

# The rest of the package, one import block per module (easy to repoint).
from ._scaleout_base import (
    CLUSTER_CONFIG, Wire, _decode, _encode, _first_done, _gc_paused, _rows_of, _wire, local_cluster,
)
from . import telemetry as _telemetry
from .stacktrace import Frame, StackTrace, parse_stacktrace
from .symbolication import Artifacts, Symbolicator
from .symbolication.results import ERRORS as _FRAME_ERRORS
from .symbolication.results import SymbolicatedFrame, SymbolicatedTrace

__all__ = [
    "CLUSTER_CONFIG", "ERRORS", "ArtifactSpec", "BatchTimeout", "DEFAULT_BATCH_TIMEOUT",
    "local_cluster", "symbolicate_many",
]

#: Every reason a frame may carry after :func:`symbolicate_many`: those of
#: :data:`libsourcemap.symbolicate.ERRORS` and the batch-level ones.
ERRORS: Dict[str, str] = dict(
    _FRAME_ERRORS,
    unparsable_trace="no stack frame could be read from the trace",
    artifacts_not_found="none of the artifact folders exists where the trace was symbolicated",
    worker_lost="the process symbolicating the trace stopped (killed or crashed) every time "
    "it was tried",
    internal_error="symbolicating the trace raised an unexpected exception",
    timed_out="no answer came for the trace's batch within the deadline (batch_timeout) every "
    "time it was tried",
)

#: Seconds symbolicate_many waits on a Dask cluster for the next batch to
#: finish before it gives up the batches still out (see batch_timeout).
DEFAULT_BATCH_TIMEOUT = 300.0


class BatchTimeout(Exception):
    """A batch whose answer did not come within the deadline."""

#: A trace as :meth:`Symbolicator.symbolicate` takes it.
TraceInput = Union[str, bytes, StackTrace, Sequence[Mapping[str, Any]], Sequence[Frame]]
#: Artifacts: an :class:`Artifacts`, a folder, or several folders.
ArtifactsInput = Union[Artifacts, str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]


@dataclass(frozen=True)
class ArtifactSpec:
    """What a worker needs to open a set of artifacts: absolute folder
    paths and whether ``.lsmcache`` files are used."""

    dirs: Tuple[str, ...]
    use_cache_files: bool = True

    @classmethod
    def of(cls, artifacts: ArtifactsInput, use_cache_files: bool = True) -> "ArtifactSpec":
        if isinstance(artifacts, Artifacts):
            return cls(tuple(str(d) for d in artifacts.dirs), artifacts.use_cache_files)
        if isinstance(artifacts, (str, os.PathLike)):
            return cls((os.path.abspath(os.fspath(artifacts)),), use_cache_files)
        return cls(tuple(os.path.abspath(os.fspath(d)) for d in artifacts), use_cache_files)

    def open(self) -> Artifacts:
        return Artifacts(self.dirs, use_cache_files=self.use_cache_files)

    def missing(self) -> bool:
        """True when none of the folders exists here."""
        return not any(os.path.exists(d) for d in self.dirs)


# ------------------------------------------------------------------ pickling


def _open_artifacts(dirs: List[str], use_cache_files: bool) -> Artifacts:
    return Artifacts(dirs, use_cache_files=use_cache_files)


def _reduce_artifacts(a: Artifacts) -> Tuple[Any, Tuple[Any, ...]]:
    return _open_artifacts, ([str(d) for d in a.dirs], a.use_cache_files)


# Artifacts hold a lock and open views: they travel as their folders.
copyreg.pickle(Artifacts, _reduce_artifacts)


# ------------------------------------------------------------- one trace


def _unresolved(frame: Frame, code: str, message: Optional[str] = None) -> SymbolicatedFrame:
    return SymbolicatedFrame(
        filename=frame.filename,
        lineno=frame.lineno,
        colno=frame.colno,
        function=frame.display_function,
        raw=frame.raw,
        error=code,
        error_message=message or ERRORS[code],
    )


def _raw_text(trace: Any) -> str:
    if isinstance(trace, bytes):
        trace = trace.decode("utf-8", "replace")
    text = trace if isinstance(trace, str) else repr(trace)
    lines = text.strip().splitlines()
    return lines[0][:200] if lines else ""


def _unparsable(trace: Any, message: Optional[str], why: str) -> SymbolicatedTrace:
    frame = SymbolicatedFrame(
        filename=None,
        lineno=None,
        colno=None,
        function=None,
        raw=_raw_text(trace),
        error="unparsable_trace",
        error_message=why,
    )
    return SymbolicatedTrace(message=message, frames=[frame])


def _as_stacktrace(trace: Any) -> StackTrace:
    if isinstance(trace, StackTrace):
        return trace
    if isinstance(trace, (list, tuple)) and trace and all(isinstance(f, Frame) for f in trace):
        return StackTrace(frames=list(trace))
    return parse_stacktrace(trace)


def _parse(trace: Any) -> Union[StackTrace, SymbolicatedTrace]:
    """The parsed trace, or the result saying why it cannot be parsed."""
    try:
        st = _as_stacktrace(trace)
    except Exception as exc:  # any input: the reason goes in the result
        return _unparsable(trace, None, "%s: %s" % (ERRORS["unparsable_trace"], exc))
    if not st.frames:
        return _unparsable(trace, st.message, ERRORS["unparsable_trace"])
    return st


def _all_frames(st: StackTrace, code: str, message: Optional[str] = None) -> SymbolicatedTrace:
    return SymbolicatedTrace(
        message=st.message, frames=[_unresolved(f, code, message) for f in st.frames]
    )


def _symbolicate_one(sym: Symbolicator, spec: ArtifactSpec, trace: Any,
                     run: Optional[Callable[..., Any]] = None,
                     missing: Optional[bool] = None) -> Any:
    """`run` (default: sym.symbolicate) of the parsed trace, or why it
    could not run. `missing`: spec.missing() asked once a batch, or None."""
    st = _parse(trace)
    if isinstance(st, SymbolicatedTrace):
        return st
    if spec.missing() if missing is None else missing:
        return _all_frames(
            st,
            "artifacts_not_found",
            "%s: %s" % (ERRORS["artifacts_not_found"], ", ".join(spec.dirs)),
        )
    try:
        return (run or sym.symbolicate)(st)
    except Exception as exc:  # pragma: no cover - the symbolicator does not raise
        return _all_frames(st, "internal_error", "%s: %r" % (ERRORS["internal_error"], exc))


# ------------------------------------------------------------- the worker

# Per worker process: the symbolicators of the latest calls, by (call,
# artifacts, context), so that each map is opened once per call and a
# later call sees files changed since.
_KEEP_CALLS = 8
_worker_lock = threading.Lock()
_worker_symbolicators: "OrderedDict[Tuple[str, ArtifactSpec, int], Symbolicator]" = OrderedDict()


def _worker_symbolicator(call: str, spec: ArtifactSpec, context: int) -> Symbolicator:
    key = (call, spec, context)
    with _worker_lock:
        sym = _worker_symbolicators.get(key)
        if sym is None:
            sym = Symbolicator(spec.open(), context=context)
            _worker_symbolicators[key] = sym
            calls = list(OrderedDict.fromkeys(k[0] for k in _worker_symbolicators))
            for old in calls[:-_KEEP_CALLS]:
                for k in [k for k in _worker_symbolicators if k[0] == old]:
                    del _worker_symbolicators[k]
        return sym


def _run_batch(payload: bytes) -> bytes:
    """Runs one batch where it lands (a local process or a Dask worker).
    The payload and the answer are pickles made by this module: the
    scheduler in between only ever sees bytes, and each trace that is not
    text is unpickled only when its turn comes (see _wire)."""
    call, spec, context, items = pickle.loads(payload)
    sym = _worker_symbolicator(call, spec, context)
    memo: Dict[Any, Any] = {}  # equal strings (and runs of lines) of the batch become one object
    run = _rows_of(sym, memo)
    missing = spec.missing()
    out = []
    with _gc_paused():
        for index, blob in items:
            trace = blob if type(blob) is str else pickle.loads(blob)
            got = _symbolicate_one(sym, spec, trace, run, missing)
            out.append((index, got if type(got) is tuple else _encode(got, memo)))
        return pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)


# ------------------------------------------------------------- batches


@dataclass
class _Batch:
    spec: ArtifactSpec
    items: List[Tuple[int, Wire]]  # (index, trace as _wire gives it)

    def payload(self, call: str, context: int) -> bytes:
        return pickle.dumps((call, self.spec, context, self.items), protocol=pickle.HIGHEST_PROTOCOL)

    def split(self, parts: int) -> List["_Batch"]:
        size = max(1, math.ceil(len(self.items) / parts))
        return [
            _Batch(self.spec, self.items[i : i + size]) for i in range(0, len(self.items), size)
        ]


# A batch costs 10-20 ms of CPU on Dask (client, scheduler, worker loop), a trace 0.4 ms.
_MIN_BATCH, _MAX_BATCH = 100, 1000


def _cut(
    groups: Mapping[ArtifactSpec, List[Tuple[int, Wire]]], workers: int, size: Optional[int]
) -> List[_Batch]:
    """The batches, in the order they are handed out. With `size`, that
    many traces each. Otherwise each takes a quarter of the traces left per
    worker, from at most _MAX_BATCH down to _MIN_BATCH: large batches while
    there is much to do, small ones at the end so that the workers finish
    together (with equal batches, one worker idled for up to a batch's
    time while the other finished the last one)."""
    left = sum(len(g) for g in groups.values())
    out: List[_Batch] = []
    for spec, group in groups.items():
        j = 0
        while j < len(group):
            n = size or min(_MAX_BATCH, max(_MIN_BATCH, math.ceil(left / (workers * 4))))
            out.append(_Batch(spec, group[j : j + n]))
            left -= len(out[-1].items)
            j += n
    return out


def _lost_reason(exc: BaseException) -> str:
    """timed_out for a batch past its deadline, worker_lost for a worker
    that went away, internal_error otherwise."""
    if isinstance(exc, BatchTimeout):
        return "timed_out"
    lost = ("BrokenProcessPool", "KilledWorker", "CommClosedError", "BrokenPipeError",
            "CancelledError", "FutureCancelledError", "EOFError")
    return "worker_lost" if type(exc).__name__ in lost else "internal_error"


#: Runs batches; returns {index: result} for the batches that completed and
#: [(batch, exception)] for those that did not.
_Runner = Callable[[List[_Batch], bool], Tuple[Dict[int, SymbolicatedTrace], List[Tuple[_Batch, BaseException]]]]


def _run_all(
    batches: List[_Batch],
    runner: _Runner,
    traces: Sequence[Any],
    on_done: Callable[[int], None],
) -> Tuple[Dict[int, SymbolicatedTrace], int]:
    """Runs batches with `runner`; then each batch that failed again on
    its own (it may have been another's victim), then in parts, down to
    single traces; a single trace that still fails gets its reason on every
    frame. Returns the results and the number of retried batches."""
    results: Dict[int, SymbolicatedTrace] = {}
    retried = 0
    pending = batches
    isolated = False
    while pending:
        done, failed = runner(pending, isolated)  # reports progress itself
        results.update(done)
        retry: List[_Batch] = []
        for batch, exc in failed:
            if not isolated:
                retry.append(batch)  # it may have been another batch's victim
            elif len(batch.items) > 1:
                retry.extend(batch.split(8))
            else:
                index = batch.items[0][0]
                code = _lost_reason(exc)
                message = "%s (%s: %s)" % (ERRORS[code], type(exc).__name__, exc)
                st = _parse(traces[index])
                results[index] = (
                    st if isinstance(st, SymbolicatedTrace) else _all_frames(st, code, message)
                )
                on_done(1)
        retried += len(retry)
        pending = retry
        isolated = True
    return results, retried


# ------------------------------------------------------------ local processes


def _mp_context() -> Any:
    """How worker processes start, decided once per call. A plain fork
    (about 10 ms for a pool) when the caller has no other thread, which
    could hold a lock at the moment of the fork; otherwise a fork from a
    clean server process with the package preloaded (about 0.4 s)."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on Linux


def _collect(
    futures: Dict[Any, _Batch],
    wait: Callable[[Iterable[Any]], Iterable[Any]],
    report: Callable[[int], None],
) -> Tuple[Dict[int, SymbolicatedTrace], List[Tuple[_Batch, BaseException]]]:
    done: Dict[int, SymbolicatedTrace] = {}
    failed: List[Tuple[_Batch, BaseException]] = []
    for fut in wait(futures):
        try:
            answer = fut.result()
        except BaseException as exc:  # the worker's failure, whatever it is
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            failed.append((futures[fut], exc))
            continue
        with _gc_paused():
            out = pickle.loads(answer)
            for index, data in out:
                done[index] = _decode(data)
            count = len(out)
            # Freed while the collector still waits: kept until the next
            # batch, the answer's tuples were walked once for nothing.
            del out
        report(count)
    return done, failed


def _local_runner(call: str, context: int, workers: int, report: Callable[[int], None]) -> _Runner:
    ctx = _mp_context()

    def one_pool(batches: List[_Batch], processes: int) -> Any:
        with concurrent.futures.ProcessPoolExecutor(max_workers=processes, mp_context=ctx) as pool:
            futures = {pool.submit(_run_batch, b.payload(call, context)): b for b in batches}
            return _collect(futures, concurrent.futures.as_completed, report)

    def isolated_lanes(batches: List[_Batch]) -> Any:
        # `workers` lanes, each with a process of its own that runs one
        # batch at a time: a death takes only its own batch with it (and
        # the lane starts a new process for the next).
        done: Dict[int, SymbolicatedTrace] = {}
        failed: List[Tuple[_Batch, BaseException]] = []
        queue = list(reversed(batches))
        lock = threading.Lock()

        def lane() -> None:
            pool: Optional[concurrent.futures.ProcessPoolExecutor] = None
            try:
                while True:
                    with lock:
                        if not queue:
                            return
                        batch = queue.pop()
                    if pool is None:
                        pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx)
                    try:
                        answer = pool.submit(_run_batch, batch.payload(call, context)).result()
                    except Exception as exc:
                        with lock:
                            failed.append((batch, exc))
                        pool.shutdown(wait=True)
                        pool = None
                        continue
                    with _gc_paused():
                        decoded = {index: _decode(data) for index, data in pickle.loads(answer)}
                    with lock:
                        done.update(decoded)
                        report(len(decoded))
            finally:
                if pool is not None:
                    pool.shutdown(wait=True)

        lanes = [threading.Thread(target=lane) for _ in range(min(workers, len(batches)))]
        for t in lanes:
            t.start()
        for t in lanes:
            t.join()
        return done, failed

    def run(batches: List[_Batch], isolated: bool) -> Any:
        if not isolated:
            return one_pool(batches, min(workers, len(batches)))
        return isolated_lanes(batches)

    return run


# ------------------------------------------------------------------ Dask


def _collect_until(
    futures: Dict[Any, _Batch],
    wait_first: Callable[[List[Any], Optional[float]], Iterable[Any]],
    cancel: Callable[[List[Any]], None],
    timeout: Optional[float],
    report: Callable[[int], None],
) -> Tuple[Dict[int, SymbolicatedTrace], List[Tuple[_Batch, BaseException]]]:
    """As _collect, with a deadline: `wait_first` returns the futures done
    once at least one is, or none when `timeout` seconds pass first; when
    none finishes in time, the batches still
    out are cancelled and fail with BatchTimeout, so that a lost worker
    whose loss the cluster never reports cannot hang the call."""
    done: Dict[int, SymbolicatedTrace] = {}
    failed: List[Tuple[_Batch, BaseException]] = []
    pending = list(futures)
    while pending:
        finished = set(wait_first(pending, timeout))
        if not finished:
            for fut in pending:
                failed.append((futures[fut], BatchTimeout(
                    "no batch finished within %s s" % timeout)))
            cancel(pending)
            break
        pending = [f for f in pending if f not in finished]
        d, f = _collect({fut: futures[fut] for fut in finished}, lambda fs: fs, report)
        done.update(d)
        failed.extend(f)
    return done, failed


def _dask_runner(
    client: Any, call: str, context: int, report: Callable[[int], None],
    timeout: Optional[float],
) -> _Runner:
    def cancel(pending: List[Any]) -> None:
        try:
            client.cancel(pending)
        except Exception:  # the cluster may be going away too
            pass

    def submit(batches: List[_Batch]) -> Any:
        futures = {
            client.submit(_run_batch, b.payload(call, context), pure=False, retries=0): b
            for b in batches
        }
        wait_first = _first_done(futures)
        try:
            return _collect_until(futures, wait_first, cancel, timeout, report)
        finally:
            for fut in futures:
                fut.release()

    def run(batches: List[_Batch], isolated: bool) -> Any:
        if not isolated:
            return submit(batches)
        # A dying worker fails every task it holds: retries go one at a
        # time so that a failure is the batch's own.
        done: Dict[int, SymbolicatedTrace] = {}
        failed: List[Tuple[_Batch, BaseException]] = []
        for b in batches:
            d, f = submit([b])
            done.update(d)
            failed.extend(f)
        return done, failed

    return run


def _dask_workers(client: Any) -> int:
    try:
        return max(1, int(sum(client.nthreads().values())))
    except Exception:  # pragma: no cover - a client without workers yet
        return 1


# ------------------------------------------------------------------- API


def symbolicate_many(
    traces: Iterable[Any],
    artifacts: Union[ArtifactsInput, Mapping[str, ArtifactsInput]],
    *,
    client: Any = None,
    workers: Optional[int] = None,
    context: int = 5,
    batch_size: Optional[int] = None,
    progress: Optional[Callable[[int], None]] = None,
    batch_timeout: Optional[float] = DEFAULT_BATCH_TIMEOUT,
) -> List[SymbolicatedTrace]:
    """Symbolicates many traces; returns the results in the traces' order.

    `traces`: each a trace as :meth:`Symbolicator.symbolicate` takes it
    (text, structured frames, a parsed :class:`StackTrace`). `artifacts`:
    an :class:`Artifacts`, a folder or a list of folders, used for every
    trace; or a mapping from a release name to those, and then each trace
    is a ``(release, trace)`` pair.

    Without `client`, runs on `workers` processes of this machine (default:
    its CPU count; 1 runs in this process). With a
    ``dask.distributed.Client``, runs on its cluster. `batch_size` traces
    go to a worker at a time (default: batches shrinking from 1000 traces
    to 100 as the work runs out, so that the workers finish together).
    `progress`, when given, is called with the number of traces just
    finished as batches complete.

    On a Dask cluster `batch_timeout` (seconds; None: no deadline) bounds
    the wait for the next batch to finish: when none does in time, the
    batches still out are cancelled and retried on their own, then in
    parts, and a trace whose batch never answers gets ``timed_out`` on its
    frames. A worker whose death the cluster never reports therefore
    cannot hang the call. (Local processes report a death at once.)

    Never raises for bad input: see the module's documentation and
    :data:`ERRORS` for the reasons frames may carry.
    """
    call = uuid.uuid4().hex
    items: List[Tuple[int, ArtifactSpec, Any]] = []
    trace_list: List[Any] = []
    if isinstance(artifacts, Mapping):
        specs = {name: ArtifactSpec.of(a) for name, a in artifacts.items()}
        for i, pair in enumerate(traces):
            release, trace = pair
            trace_list.append(trace)
            items.append((i, specs[release], trace))
    else:
        spec = ArtifactSpec.of(artifacts)
        for i, trace in enumerate(traces):
            trace_list.append(trace)
            items.append((i, spec, trace))
    report = progress or (lambda n: None)

    if client is not None:
        where = "dask:%s" % getattr(getattr(client, "scheduler", None), "address", "?")
        n_workers = _dask_workers(client)
    else:
        n_workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        where = "local" if n_workers > 1 else "in-process"

    with _telemetry.span(
        "libsourcemap.symbolicate_many", traces=len(items), workers=n_workers, where=where
    ) as span:
        if client is None and (n_workers == 1 or len(items) <= 1):
            results = _in_process(items, context, report)
            retried = 0
        else:
            by_spec: Dict[ArtifactSpec, List[Tuple[int, Wire]]] = {}
            for i, spec_i, trace in items:
                by_spec.setdefault(spec_i, []).append((i, _wire(trace)))
            batches = _cut(by_spec, n_workers, batch_size)
            span.set("batches", len(batches))
            runner = (
                _dask_runner(client, call, context, report, batch_timeout)
                if client is not None
                else _local_runner(call, context, n_workers, report)
            )
            found, retried = _run_all(batches, runner, trace_list, report)
            results = [found[i] for i in range(len(items))]
        span.set("batches.retried", retried)
        # A pass over every frame (0.09 s of the caller's CPU for 224,805
        # frames), for the span's attributes only: not without a span.
        if _telemetry.enabled():
            for key, value in _telemetry.frame_counts(
                f for r in results for f in r.frames
            ).items():
                span.set(key, value)
    return results


def _in_process(
    items: List[Tuple[int, ArtifactSpec, Any]], context: int, report: Callable[[int], None]
) -> List[SymbolicatedTrace]:
    syms: Dict[ArtifactSpec, Symbolicator] = {}
    out: List[SymbolicatedTrace] = []
    for start in range(0, len(items), _MAX_BATCH):
        gone: Dict[ArtifactSpec, bool] = {}  # spec.missing(), once a batch as in a worker
        with _gc_paused():  # as in a worker: a batch at a time
            for _, spec, trace in items[start : start + _MAX_BATCH]:
                if spec not in gone:
                    gone[spec] = spec.missing()
                    if spec not in syms:
                        syms[spec] = Symbolicator(spec.open(), context=context)
                out.append(_symbolicate_one(syms[spec], spec, trace, None, gone[spec]))
                report(1)
    return out
