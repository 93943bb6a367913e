#!/usr/bin/env python3
"""Where symbolicate_many's workers spend more than one process does: the
same traces down one code path per run, for instruction counts.

    python3 bench/scaleout_paths.py PATH [--traces N]

PATH is one of:

    none     the traces and batches only (subtract it from the others)
    serial   symbolicate_many(workers=1), as bench/scaleout.py's first row
    worker   every batch through the worker function (_run_batch) in this
             one process: decoding the payload, symbolicating, encoding
             and pickling the answer
    noenc    the same without encoding and pickling the answer
    pool     symbolicate_many(workers=2): two forked worker processes

Wall clock and CPU seconds on a shared machine move with the other jobs'
load by a factor of two; run it under callgrind and compare instructions
(the real interpreter binary, not a pyenv shim):

    valgrind --tool=callgrind --trace-children=yes \\
        --callgrind-out-file=/tmp/paths.%p.out PYTHON bench/scaleout_paths.py worker

A forked worker's count starts with its parent's up to the fork (the
`none` run's count, near enough). worker minus serial is the worker code's
own extra, pool's children minus worker the extra of two processes each
opening the artifacts. The batches are the ones symbolicate_many cuts for
two workers.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))

from scaleout import DIST, traces  # noqa: E402  (bench/scaleout.py)
from libsourcemap import symbolicate_many  # noqa: E402
from libsourcemap import _scaleout_base as base  # noqa: E402
from libsourcemap import scaleout  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", choices=("none", "serial", "worker", "noenc", "pool"))
    ap.add_argument("--traces", type=int, default=3000)
    args = ap.parse_args()

    work = traces(args.traces)
    spec = scaleout.ArtifactSpec.of(DIST)
    items = [(i, scaleout._wire(t)) for i, t in enumerate(work)]
    payloads = [b.payload("paths", 5) for b in scaleout._cut({spec: items}, 2, None)]
    gc.collect()
    gc.freeze()
    start = time.process_time()
    if args.path == "serial":
        symbolicate_many(work, DIST, workers=1)
    elif args.path == "pool":
        symbolicate_many(work, DIST, workers=2)
    elif args.path == "worker":
        for p in payloads:
            scaleout._run_batch(p)
    elif args.path == "noenc":
        for p in payloads:
            call, sp, context, its = pickle.loads(p)
            sym = scaleout._worker_symbolicator(call, sp, context)
            with base._gc_paused():
                for _, trace in its:
                    scaleout._symbolicate_one(sym, sp, trace)
    print("%s: %d traces, %d batches, %.2f CPU s in this process"
          % (args.path, len(work), len(payloads), time.process_time() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
