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
reported on its own), as a cluster outlives one call. The one-process
results kept for the check are frozen out of the cycle collector's sight
and the previous round's results are freed before the clock starts, so
that a round's collections walk, and its clock counts, its own results
only. The Dask cluster is libsourcemap.scaleout.local_cluster(N), started
afresh for each of its rounds and its workers made to import the package
before the clock starts; it is closed while the other configurations
run, so that they do not share the cores with an idle cluster. The median
of the rounds is reported, the configurations alternating within each
round.

CPU seconds are reported beside the wall clock (the medians of the
rounds), split into this process's main thread (pickling the traces,
unpickling and building the results), its other threads (the Dask
client, scheduler and nannies, which a LocalCluster runs in this process;
the process pool's feeder threads) and the worker processes (their whole
process tree). On a machine shared with other jobs the wall clock moves
with the load; the CPU seconds much less.

Needs the library built (build/libsourcemap.so) and, for the Dask row,
dask[distributed] (the row is reported as unavailable without it).
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import resource
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
from libsourcemap.scaleout import local_cluster  # noqa: E402

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


def _children_cpu() -> float:
    """CPU seconds of every process below this one: those still running
    (with what they reaped) and those this process reaped."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = ru.ru_utime + ru.ru_stime
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - psutil comes with distributed
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
        except psutil.Error:  # gone between the listing and the question
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def cpu_now() -> Dict[str, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    main = time.thread_time()  # called from the main thread
    return {
        "main": main,
        "threads": max(0.0, ru.ru_utime + ru.ru_stime - main),  # clocks differ by ticks
        "workers": _children_cpu(),
    }


def _warm() -> int:
    import libsourcemap.scaleout  # noqa: F401

    return os.getpid()


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
    gc.collect()
    gc.freeze()  # the check's copy is walked by no collection of a round

    runs: Dict[str, Callable[[], Any]] = {
        "1 process": lambda: symbolicate_many(work, DIST, workers=1),
        "%d local processes" % n: lambda: symbolicate_many(work, DIST, workers=n),
    }
    dask_name = "Dask LocalCluster, %d workers" % n
    cluster_starts: List[float] = []
    dask_note = ""
    try:
        from distributed import Client
    except ImportError:
        dask_note = "dask[distributed] not installed"
        Client = None

    times: Dict[str, List[float]] = {k: [] for k in runs}
    cpus: Dict[str, List[Dict[str, float]]] = {k: [] for k in runs}
    if Client is not None:
        times[dask_name], cpus[dask_name] = [], []
    for rep in range(args.reps):
        order = list(times) if rep % 2 == 0 else list(reversed(times))
        for name in order:
            cluster = client = None
            run: Callable[[], Any]
            try:
                if name == dask_name:
                    t = time.perf_counter()
                    cluster = local_cluster(n)
                    client = Client(cluster)
                    client.run(_warm)
                    cluster_starts.append(time.perf_counter() - t)
                    run = functools.partial(symbolicate_many, work, DIST, client=client)
                else:
                    run = runs[name]
                got = None  # the previous round's results go before the clock starts
                before = cpu_now()
                t = time.perf_counter()
                got = run()
                times[name].append(time.perf_counter() - t)
                after = cpu_now()
                cpus[name].append({k: after[k] - before[k] for k in after})
            finally:
                if client is not None:
                    client.close()
                if cluster is not None:
                    cluster.close()
            if got != expected:
                print("MISMATCH: %s differs from the one-process results" % name)
                return 1

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
    lines += [
        "CPU seconds per call (median of the rounds; user + system) and their split:",
        "",
        "| configuration | CPU s | ms per trace | main thread | other threads"
        " (Dask client, scheduler, nannies) | worker processes | CPU vs 1 process |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    base_cpu = statistics.median(sum(c.values()) for c in cpus["1 process"])
    for name, cs in cpus.items():
        total = statistics.median(sum(c.values()) for c in cs)
        main_s, threads_s, workers_s = (
            statistics.median(c[k] for c in cs) for k in ("main", "threads", "workers")
        )
        lines.append(
            "| %s | %.2f | %.3f | %.2f | %.2f | %.2f | %.2fx |"
            % (name, total, 1000 * total / len(work), main_s, threads_s, workers_s,
               total / base_cpu)
        )
    lines.append("")
    if cluster_starts:
        lines.append(
            "Starting the Dask cluster and importing the package on its workers "
            "(not counted above): %.1f s." % statistics.median(cluster_starts)
        )
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
