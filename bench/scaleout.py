#!/usr/bin/env python3
"""Throughput of symbolicate_many: one process, N local processes, and a
Dask LocalCluster of N worker processes, on this machine.

    python3 bench/scaleout.py                 # 6000 traces, N = CPU count, 3 rounds
    python3 bench/scaleout.py --traces 20000 --workers 4 --reps 5
    python3 bench/scaleout.py --smoke         # CI: 200 traces, 1 round, no timing asserted

The traces are the end-to-end apps' real Node traces (tests/e2e/apps/*/
traces) and each of them cut after every frame line, drawn with a fixed
seed; the artifacts are the apps' dist/ folders. Every configuration must
give exactly the one-process results (checked). A figure is traces per
second over the whole call: starting the local processes and each worker
opening its maps are counted; starting the Dask cluster is not (it is
reported on its own), as a cluster outlives one call. The median of the
rounds is reported, the configurations alternating within each round.

Needs the library built (build/libsourcemap.so) and, for the Dask row,
dask[distributed] (the row is reported as unavailable without it).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from libsourcemap import symbolicate_many  # noqa: E402

E2E = ROOT / "tests" / "e2e" / "apps"
DIST = [E2E / app / "dist" for app in ("shop", "pipeline", "widgets")]


def traces(n: int, seed: int = 16) -> List[str]:
    variants = []
    for p in sorted(E2E.glob("*/traces/*/*.txt")):
        lines = p.read_text(encoding="utf-8").splitlines()
        variants.append("\n".join(lines) + "\n")
        for i, line in enumerate(lines):
            if re.match(r"\s+at ", line):
                variants.append("\n".join(lines[: i + 1]) + "\n")
    rng = random.Random(seed)
    return [rng.choice(variants) for _ in range(n)]


def _spin(_: int) -> int:
    total = 0
    for i in range(3_000_000):
        total += i
    return total


def machine_parallelism(n: int) -> float:
    """How many of n CPU-bound processes this machine runs at once right
    now (n on an idle machine; less when other jobs hold the cores): the
    control for the figures below."""
    import multiprocessing

    t = time.perf_counter()
    _spin(0)
    one = time.perf_counter() - t
    with multiprocessing.get_context("forkserver").Pool(n) as pool:
        pool.map(_spin, [0])  # started and warm
        t = time.perf_counter()
        pool.map(_spin, range(n), chunksize=1)
        many = time.perf_counter() - t
    return n * one / many


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--traces", type=int, default=6000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--smoke", action="store_true", help="200 traces, 1 round")
    ap.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = ap.parse_args()
    if args.smoke:
        args.traces, args.reps = 200, 1

    work = traces(args.traces)
    n = args.workers
    control = machine_parallelism(n)
    expected = symbolicate_many(work, DIST, workers=1)

    runs: Dict[str, Callable[[], Any]] = {
        "1 process": lambda: symbolicate_many(work, DIST, workers=1),
        "%d local processes" % n: lambda: symbolicate_many(work, DIST, workers=n),
    }
    cluster = client = None
    cluster_start: Optional[float] = None
    dask_note = ""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        dask_note = "dask[distributed] not installed"
    else:
        t = time.perf_counter()
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        cluster_start = time.perf_counter() - t
        runs["Dask LocalCluster, %d workers" % n] = lambda: symbolicate_many(
            work, DIST, client=client
        )

    times: Dict[str, List[float]] = {k: [] for k in runs}
    try:
        for rep in range(args.reps):
            order = list(runs) if rep % 2 == 0 else list(reversed(runs))
            for name in order:
                t = time.perf_counter()
                got = runs[name]()
                times[name].append(time.perf_counter() - t)
                if got != expected:
                    print("MISMATCH: %s differs from the one-process results" % name)
                    return 1
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    base = statistics.median(times["1 process"])
    try:
        load = "%.1f" % os.getloadavg()[0]
    except OSError:  # pragma: no cover
        load = "?"
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip() or "?"
    lines = [
        "symbolicate_many throughput: %d traces (%d frames), %d rounds, median; "
        "commit %s, %s, %d CPUs, load average %s at the end"
        % (len(work), sum(len(r.frames) for r in expected), args.reps, rev,
           platform.python_implementation() + " " + platform.python_version(),
           os.cpu_count() or 0, load),
        "",
        "| configuration | seconds | traces/s | vs 1 process |",
        "|---|---:|---:|---:|",
    ]
    for name, ts in times.items():
        med = statistics.median(ts)
        lines.append("| %s | %.2f | %.0f | %.2fx |" % (name, med, len(work) / med, base / med))
    if dask_note:
        lines.append("| Dask LocalCluster | - | - | unavailable: %s |" % dask_note)
    lines.append("")
    if cluster_start is not None:
        lines.append("Starting the Dask cluster (not counted above): %.1f s." % cluster_start)
        lines.append("")
    lines.append(
        "Control: %d CPU-bound Python processes ran %.2f at a time on this machine "
        "when measured (%d on an idle one)." % (n, control, n)
    )
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
