"""The parts of :mod:`libsourcemap.scaleout` below it: traces and results
as they travel between processes, pauses of the cycle collector while they are
built, and for Dask: a cluster set up for symbolication and a wait on
futures."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import pickle
import queue
from functools import partial
from itertools import starmap as _starmap
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import telemetry as _telemetry
from .stacktrace import StackTrace
from .symbolication import Symbolicator
from .symbolication.results import SymbolicatedFrame, SymbolicatedTrace

__all__ = ["CLUSTER_CONFIG", "local_cluster"]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector off for a stretch that only builds
    results. Unpickling a batch makes tens of thousands of objects, each
    few hundred of which start a collection that walks every young object,
    and the full ones walk every result kept so far: the parent process
    spent 70 % of its unpickling time there (6000 traces: 0.72 s of CPU,
    0.20 s paused). Results hold no cycles, so nothing waits longer to be
    freed. The collector's state is put back as it was: if it was off
    already, it stays off."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# ------------------------------------------------------- traces in transit

#: A trace on its way to a worker: its text, or else its pickle.
Wire = Union[str, bytes]


def _wire(trace: Any) -> Wire:
    """Text as it is (the batch's pickle carries it; a pickle of its own
    per trace cost the caller 0.09 s of CPU per 20,000 traces); anything
    else pickled on its own, unpickled where its turn comes."""
    if type(trace) is str:
        return trace
    return pickle.dumps(trace, protocol=pickle.HIGHEST_PROTOCOL)


# ------------------------------------------------------- results in transit

# Results travel back as plain tuples, which pickle in about half the time
# of the dataclasses (the parent unpickles every result). Within a batch,
# equal strings (file names, context lines, error messages, raw frame lines
# of repeated traces) are made one object, which pickle then writes once
# and reads back once: a batch of real results pickles to about a quarter
# of the bytes and unpickles in a third of the time, and the unpickling
# is done by the one parent process for every worker. Equal rows are one
# tuple as well (_shared_row), and the warm path's frames, and those that
# cannot be located, become rows without a SymbolicatedFrame in between
# (_encode_trace).
_FRAME_FIELDS = tuple(f.name for f in dataclasses.fields(SymbolicatedFrame))
#: The order _shared_row takes the fields in (a test checks it is
#: _FRAME_FIELDS, so that a new field cannot be dropped silently).
_ENCODED_FIELDS = (
    "filename", "lineno", "colno", "function", "raw", "context_line", "pre_context",
    "post_context", "error", "error_message", "resolved", "abs_path", "in_app",
    "function_source", "generated", "inlined_callers", "hidden", "call_name",
)


def _shared_lines(lines: Sequence[str], memo: Dict[Any, Any]) -> Tuple[str, ...]:
    """`lines` as the batch's one tuple of those lines (its strings the
    batch's too): frames at the same lines (the same error again) share
    it, which pickle writes and reads once, and each frame makes its own
    list from it when read."""
    if not lines:
        return ()
    key = lines if type(lines) is tuple else tuple(lines)
    got: Optional[Tuple[str, ...]] = memo.get(key)
    if got is None:
        one = memo.setdefault
        got = memo[key] = tuple([one(x, x) for x in key])
    return got


def _shared_row(
    memo: Dict[Any, Any], filename: Any, lineno: Any, colno: Any, function: Any, raw: Any,
    line: Any, pre: Any, post: Any, error: Any, message: Any, resolved: Any, abs_path: Any,
    in_app: Any, source: Any, generated: Any, inlined: Any, hidden: Any, call_name: Any,
) -> Tuple[Any, ...]:
    """A frame's fields (in _ENCODED_FIELDS order) as its row in transit:
    the context lines as tuples, `generated` as its items (a frame made
    from the row makes its own dict of them). Equal rows of a batch (the
    same frame of the same error again: three in four of the end-to-end
    traces' frames) are one tuple, which pickle writes and the caller
    reads once; a row first seen gets the batch's strings (_new_row)."""
    if type(pre) is not tuple:
        pre = tuple(pre)
    if type(post) is not tuple:
        post = tuple(post)
    row = (filename, lineno, colno, function, raw, line, pre, post, error, message, resolved,
           abs_path, in_app, source, tuple(generated.items()), (), hidden, call_name)
    if inlined:  # frames do not hash: a row of its own
        frames = tuple([SymbolicatedFrame(*_encode_frame(c, memo)) for c in inlined])
        return _new_row(row[:15] + (frames,) + row[16:], memo)
    got: Optional[Tuple[Any, ...]] = memo.get(row)
    if got is None:
        got = memo[row] = _new_row(row, memo)
    return got


def _new_row(row: Tuple[Any, ...], memo: Dict[Any, Any]) -> Tuple[Any, ...]:
    """`row` with each string (and run of context lines, and item of
    `generated`) the first equal one `memo` has seen in the batch."""
    (filename, lineno, colno, function, raw, line, pre, post, error, message, resolved, abs_path,
     in_app, source, items, inlined, hidden, call_name) = row
    one = memo.setdefault
    if items:
        items = tuple([one(kv, kv) for kv in [
            (k, one(v, v)) if type(v) is str else (k, v) for k, v in items]])
    return (
        filename and one(filename, filename), lineno, colno,
        function and one(function, function), raw and one(raw, raw), line and one(line, line),
        _shared_lines(pre, memo) if pre else (), _shared_lines(post, memo) if post else (),
        error and one(error, error), message and one(message, message), resolved,
        abs_path and one(abs_path, abs_path), in_app, source and one(source, source),
        items, inlined, hidden, call_name and one(call_name, call_name),
    )


def _encode_frame(f: SymbolicatedFrame, memo: Dict[Any, Any]) -> Tuple[Any, ...]:
    # The fields as pickling gives them (the list fields as stored: reading
    # them would make lists), in one call rather than eighteen reads.
    return _shared_row(memo, *f.__reduce__()[1])


def _encode(result: SymbolicatedTrace, memo: Dict[Any, Any]) -> Tuple[Any, ...]:
    return (result.message, [_encode_frame(f, memo) for f in result.frames])


def _encode_trace(
    sym: Symbolicator, row: Callable[..., Tuple[Any, ...]], st: StackTrace
) -> Tuple[Any, ...]:
    """What _encode(sym.symbolicate(st), memo) gives, with no
    SymbolicatedFrame for the frames the warm path answers or that cannot
    be located (`row`: _shared_row with `memo`; Symbolicator._answers)."""
    return st.message, sym._answers(st.frames, row)


def _rows_of(sym: Symbolicator, memo: Dict[Any, Any]) -> Optional[Callable[[StackTrace], Any]]:
    """A worker's way from a parsed trace to its encoded result with
    `memo` (_encode_trace), or None while spans are reported: then the
    result is made, with its span, and encoded."""
    if _telemetry.enabled():
        return None
    return partial(_encode_trace, sym, partial(_shared_row, memo))


def _decode(data: Tuple[Any, ...]) -> SymbolicatedTrace:
    message, frames = data
    return SymbolicatedTrace(message, list(_starmap(SymbolicatedFrame, frames)))


# ------------------------------------------------------------ Dask cluster


def _first_done(futures: Iterable[Any]) -> Callable[[List[Any], Optional[float]], List[Any]]:
    """A `wait_first(pending, limit)` for Dask futures: those done since
    the last call, once at least one is, or [] when `limit` seconds pass
    first. Each future puts itself on one queue when done (a callback
    each): distributed.wait(FIRST_COMPLETED) once per finished batch set
    up a watch on the client's event loop for every batch still out, a
    cost in the number of batches squared, on the cores the workers need."""
    finished: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
    for fut in futures:
        fut.add_done_callback(finished.put)

    def wait_first(pending: List[Any], limit: Optional[float]) -> List[Any]:
        try:
            got = [finished.get(timeout=limit)]
        except queue.Empty:
            return []
        while True:
            try:
                got.append(finished.get_nowait())
            except queue.Empty:
                return got

    return wait_first


#: Dask settings for a cluster made by :func:`local_cluster`: the
#: scheduler and each worker measure their event loop every 20 ms and the
#: workers sample the running task's Python stack every 10 ms by default,
#: which on a two-core machine costs 0.12 of a core even when idle (0.02
#: with these); a symbolication cluster has no use for either. Nor for
#: work stealing (batches wait on the scheduler until a worker is free,
#: and its hook runs on every task's every transition), the active memory
#: manager (a batch's answer is fetched once, by the caller) or memory
#: checks ten times a second (each nanny's run in the caller's process):
#: without them the caller's threads spent 0.46-0.51 CPU s instead of
#: 0.52-0.64 per 20,000 traces (three rounds each, a loaded host).
CLUSTER_CONFIG: Dict[str, Any] = {
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.active-memory-manager.start": False,
    "distributed.worker.memory.monitor-interval": "1s",
}


def local_cluster(n_workers: Optional[int] = None, **options: Any) -> Any:
    """A ``dask.distributed.LocalCluster`` for :func:`symbolicate_many`
    on this machine: `n_workers` worker processes (default: the CPU
    count) of one thread each (the C calls release the GIL, the Python
    around them does not), no dashboard, and :data:`CLUSTER_CONFIG`.
    `options` go to ``LocalCluster`` and win. Only this cluster gets the
    settings: the caller's Dask configuration is as it was afterwards. A
    cluster you already run is never reconfigured by this package."""
    import dask
    from distributed import LocalCluster

    kwargs: Dict[str, Any] = dict(
        n_workers=n_workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    kwargs.update(options)
    with dask.config.set(CLUSTER_CONFIG):
        return LocalCluster(**kwargs)
