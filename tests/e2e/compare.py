#!/usr/bin/env python3
"""End-to-end check: symbolicated minified traces against the unminified run.

For every app under tests/e2e/apps/, every scenario and every bundler, the
trace Node printed for the minified bundle (traces/<bundler>/<scenario>.txt)
is symbolicated against the app's dist/ folder, and its frames are compared
with the trace of the same scenario run from the original sources
(traces/original/<scenario>.txt):

* the app's own frames (those the unminified run places in src/) must come
  out, in order, as a subsequence of the unminified run's app frames with
  the same file and line (a frame a minifier inlined away is missing from
  the minified trace, so subsequence, not equality; for the TSX app the
  unminified run is an unminified bundle under `node --enable-source-maps`,
  which also maps the bundle's wrapper call, a frame the symbolicator
  reports as unmapped instead);
* each one's function name must match the unminified run's. V8 prefixes a
  method with its receiver's runtime type ("Object.apply", "Sub.m" for an
  inherited method, "Stage.parseRecord [as step]") where the source names
  the object or class it is written in ("priceRules.apply", "Base.m",
  "parseRecord"): names match when they are equal, or when their last
  components are equal (``exact`` counts the first kind);
* every frame of the minified trace that is not the app's (Node internals,
  natives, the bundle's own wrapper) must say why it is not resolved.

Run as a script for a report (exit status 1 on any mismatch):
    python3 tests/e2e/compare.py [--verbose]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

E2E = Path(__file__).resolve().parent
REPO = E2E.parents[1]
# Run as a script from a checkout, the checkout's package is used. Never
# when the tests run against an installed package: processes started later
# (local workers, Dask's) copy sys.path and would import the checkout's
# package, which has no library beside it, and die at import.
if os.environ.get("LIBSOURCEMAP_TEST_INSTALLED") != "1" and str(REPO / "python") not in sys.path:
    sys.path.insert(0, str(REPO / "python"))

from libsourcemap import Artifacts, Frame, Symbolicator, parse_stacktrace  # noqa: E402
from libsourcemap.symbolication import SymbolicatedFrame  # noqa: E402

BUNDLERS = ("esbuild", "terser")
#: Artifact folder per trace kind: the esbuild trace is also symbolicated
#: against the build without sourcesContent (originals read from src/).
VARIANTS: Tuple[Tuple[str, str], ...] = (
    ("esbuild", "dist"),
    ("esbuild", "dist/esbuild-nosrc"),
    ("terser", "dist"),
)


def app_path(filename: Optional[str], app: str) -> Optional[str]:
    """'src/cart.mjs' for any spelling of a file of the app's sources
    (file:///e2e/apps/shop/src/cart.mjs, ../../src/cart.mjs), and
    'node_modules/acorn/dist/acorn.mjs' for a library the app bundles
    (file:///e2e/node_modules/..., ../../../../node_modules/...), else None."""
    if not filename:
        return None
    lib = re.search(r"(?:^|/)(node_modules/.+)$", filename.replace("\\", "/"))
    if lib:
        return lib.group(1)
    m = re.search(r"(?:^|/)src/([^/]+)$", filename.replace("\\", "/"))
    if not m:
        return None
    if "apps/" in filename and "apps/%s/" % app not in filename:
        return None
    return "src/" + m.group(1)


def normalize(name: Optional[str]) -> Optional[str]:
    if name is None or name == "<anonymous>":  # Node's source-map mode says <anonymous>
        return None
    name = re.sub(r"\s*\[as [^\]]*\]$", "", name.strip())
    if name.startswith("async "):
        name = name[6:]
    return name


def last_component(name: str) -> str:
    prefix = "new " if name.startswith("new ") else ""
    return prefix + name.split(".")[-1]


def names_match(original: Optional[str], ours: Optional[str]) -> Tuple[bool, bool]:
    """(match, exact)"""
    a, b = normalize(original), normalize(ours)
    if a == b:
        return True, True
    if a is None or b is None:
        return False, False
    return last_component(a) == last_component(b), False


@dataclass
class Result:
    app: str
    scenario: str
    bundler: str
    artifacts: str
    frames: int = 0  # app frames symbolicated
    exact: int = 0
    matched: int = 0
    skipped: int = 0  # unminified app frames not in the minified trace (inlined, wrappers)
    other: int = 0  # frames that are not the app's, all with an error
    problems: List[str] = field(default_factory=list)
    rows: List[str] = field(default_factory=list)


def compare_one(app: str, scenario: str, bundler: str, artifacts: str,
                cache: Dict[str, Symbolicator]) -> Result:
    adir = E2E / "apps" / app
    res = Result(app, scenario, bundler, artifacts)
    original = parse_stacktrace((adir / "traces" / "original" / (scenario + ".txt")).read_text())
    minified = (adir / "traces" / bundler / (scenario + ".txt")).read_text()
    key = str(adir / artifacts)
    if key not in cache:
        cache[key] = Symbolicator(Artifacts([adir / artifacts]))
    sym = cache[key].symbolicate(minified)

    want: List[Frame] = [f for f in original.frames if app_path(f.filename, app)]
    pos = 0
    for f in sym.frames:
        path = app_path(f.filename, app) if f.resolved else None
        if path is None:
            res.other += 1
            if f.error is None:
                res.problems.append("frame %r resolved outside the app: %s" % (f.raw, f.filename))
            continue
        res.frames += 1
        # the next unminified app frame at the same file and line
        j = pos
        while j < len(want) and not (
            app_path(want[j].filename, app) == path and want[j].lineno == f.lineno
        ):
            j += 1
        if j == len(want):
            res.problems.append(
                "%s:%s (%s) is not in the unminified trace after frame %d"
                % (path, f.lineno, f.function, pos)
            )
            continue
        res.skipped += j - pos
        w = want[j]
        pos = j + 1
        ok, exact = names_match(w.display_function, f.function)
        res.matched += ok
        res.exact += exact
        res.rows.append(
            "%-4s %-22s %-30s %-30s" % ("ok" if ok else "FAIL", "%s:%s" % (path, f.lineno),
                                        w.display_function, f.function)
        )
        if not ok:
            res.problems.append(
                "%s:%s function %r, unminified run says %r"
                % (path, f.lineno, f.function, w.display_function)
            )
        if f.error is not None:
            res.problems.append("%s:%s resolved with error %s" % (path, f.lineno, f.error))
    res.skipped += len(want) - pos
    if res.frames == 0:
        res.problems.append("no app frame was symbolicated")
    return res


def run_all() -> List[Result]:
    results: List[Result] = []
    cache: Dict[str, Symbolicator] = {}
    for adir in sorted(p for p in (E2E / "apps").iterdir() if p.is_dir()):
        scenarios = [
            s.strip()
            for s in (adir / "scenarios.txt").read_text().splitlines()
            if s.strip() and not s.startswith("#")
        ]
        for bundler, artifacts in VARIANTS:
            if not (adir / artifacts).is_dir():  # parser: no build without sourcesContent
                continue
            for scenario in scenarios:
                results.append(compare_one(adir.name, scenario, bundler, artifacts, cache))
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--verbose", "-v", action="store_true", help="print every frame")
    args = ap.parse_args()
    results = run_all()
    failed = 0
    for r in results:
        status = "ok" if not r.problems else "FAIL"
        failed += bool(r.problems)
        print(
            "%-4s %-8s %-9s %-7s %-20s app frames %2d, names %2d/%-2d (exact %2d), "
            "skipped %d, other frames %d"
            % (status, r.app, r.scenario, r.bundler, r.artifacts, r.frames, r.matched,
               r.frames, r.exact, r.skipped, r.other)
        )
        if args.verbose:
            for row in r.rows:
                print("       " + row)
        for p in r.problems:
            print("       - " + p)
    total = sum(r.frames for r in results)
    print(
        "%d runs, %d app frames, %d names matched (%d exact), %d runs failed"
        % (len(results), total, sum(r.matched for r in results), sum(r.exact for r in results),
           failed)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
