"""Threads sharing one Symbolicator, hence one C namer per generated file,
with no Python lock around the name lookups: every thread gets the exact
function names."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from libsourcemap.stacktrace import StackTrace, parse_stacktrace
from libsourcemap.symbolicate import Artifacts, Symbolicator
from lsm_testutil import REPO

SHOP = REPO / "tests" / "e2e" / "apps" / "shop"
THREADS = 8
ROUNDS = 4

# The names of each trace's frames as we give them; they agree with Node's
# run of the unminified app (traces/original) up to the receiver V8 puts
# in front ("Object.apply" for `apply`, "LineItem" for the constructor,
# "badItem" for the `scenarios.badItem` method). Frames of Node's own code
# keep their names; "<anonymous>" is an anonymous function of the app (as
# V8 and Sentry's SourceMapCache print it), None top-level code.
NODE = ["ModuleJob.run", "ModuleLoader.import", "asyncRunEntryPointWithESMLoader"]
EXPECTED: Dict[str, List[Optional[str]]] = {
    "audit.txt": ["Warehouse.report", "Warehouse.audit", "audit"],
    "badItem.txt": ["assertValid", "new LineItem", "Cart.add", "Cart.fromJSON",
                    "scenarios.badItem", None] + NODE,
    "checkout.txt": ["chargeWithRetry", "checkout", "scenarios.checkout"],
    "coupon.txt": ["redeemCoupon", "apply", "<anonymous>", "Array.reduce", "Cart.total",
                   "applyDiscounts", "scenarios.coupon", None] + NODE,
    "discount.txt": ["applyPercent", "apply", "<anonymous>", "Array.reduce", "Cart.total",
                     "applyDiscounts", "scenarios.discount", None] + NODE,
    "restock.txt": ["assertValid", "Warehouse.checkCount", "Warehouse.receive", "<anonymous>",
                    "Array.forEach", "Warehouse.restock", "scenarios.restock", None] + NODE,
}
# esbuild's output has one more anonymous frame (its module wrapper).
EXTRA_WRAPPER = {"badItem.txt", "coupon.txt", "discount.txt", "restock.txt"}


def expected(bundler: str, name: str) -> List[Optional[str]]:
    names = list(EXPECTED[name])
    if bundler == "esbuild" and name in EXTRA_WRAPPER:
        i = len(names) - len(NODE)
        names[i:i] = [None]
    return names


def traces() -> List[Tuple[str, str, StackTrace]]:
    """(variant, trace name, trace): the esbuild and terser runs, and the
    esbuild run against the build without sourcesContent (originals read
    from disk, given to the namer while other threads use it)."""
    out = []
    for variant, bundler in (("esbuild", "esbuild"), ("terser", "terser"),
                             ("esbuild-nosrc", "esbuild")):
        for path in sorted((SHOP / "traces" / bundler).glob("*.txt")):
            out.append((variant, path.name, parse_stacktrace(path.read_text("utf-8"))))
    return out


def symbolicators() -> Dict[str, Symbolicator]:
    return {
        "esbuild": Symbolicator(Artifacts([SHOP / "dist" / "esbuild"])),
        "terser": Symbolicator(Artifacts([SHOP / "dist" / "terser"])),
        "esbuild-nosrc": Symbolicator(Artifacts([SHOP / "dist" / "esbuild-nosrc"])),
    }


def names(sym: Symbolicator, trace: StackTrace) -> List[Optional[str]]:
    return [f.function for f in sym.symbolicate(trace).frames]


def test_single_thread_names() -> None:
    work = traces()
    assert len(work) == 18
    syms = symbolicators()
    for variant, name, trace in work:
        bundler = "terser" if variant == "terser" else "esbuild"
        assert names(syms[variant], trace) == expected(bundler, name), (variant, name)


def test_threads_share_the_namers() -> None:
    work = traces()
    for _ in range(ROUNDS):
        # Fresh symbolicators each round: the threads race to create the
        # namers, build the original sources' scopes and give them text.
        syms = symbolicators()
        barrier = threading.Barrier(THREADS)
        failures: List[str] = []
        done = [0] * THREADS

        def run(index: int) -> None:
            barrier.wait()
            for k in range(len(work)):
                variant, name, trace = work[(k + index * 5) % len(work)]
                bundler = "terser" if variant == "terser" else "esbuild"
                got = names(syms[variant], trace)
                if got != expected(bundler, name):
                    failures.append("%s %s thread %d: %r" % (variant, name, index, got))
                done[index] += 1

        threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        assert done == [len(work)] * THREADS
