#!/usr/bin/env python3
"""Function names: ours against Sentry's SourceMapCache (symbolic), and
both against V8 where V8's answer is known.

Two parts, one report:

* **corpus** (default the bench corpus's monaco-esbuild bundle and map):
  N random mapped positions (tokens of the map, seeded) are symbolicated
  by our Symbolicator (frames made of the positions, so its fallback
  order applies) and looked up in symbolic's SourceMapCache. Reported:
  frames named by each (``<anonymous>`` and SMCA's ``<unknown>`` not
  counted as names), agreement, and the disagreements by kind, with what
  V8 prints for each kind (checked in Node: see KINDS) where the kind
  decides it; the code is not runnable here, so that is by kind, not by
  running it.
* **e2e** (tests/e2e/apps): every frame of the minified Node traces, where
  the unminified run says what V8 prints. Reported: how many frames each
  names as V8 does (equal, or equal but for the receiver V8 puts first:
  tests/e2e/compare.py's rule), and how many exactly.

Needs symbolic (``pip install -r bench/py/requirements-symbolic.txt``) and
the library (LIBSOURCEMAP_LIBRARY or the build/ folder). Usage:

    python3 bench/names_vs_smca.py [--frames 2000] [--seed 1] [--js F --map F]
        [--no-e2e] [--json OUT] [--examples N]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
if "LIBSOURCEMAP_LIBRARY" not in os.environ and (ROOT / "build" / "libsourcemap.so").exists():
    os.environ["LIBSOURCEMAP_LIBRARY"] = str(ROOT / "build" / "libsourcemap.so")

from libsourcemap import Artifacts, Frame, Symbolicator, View  # noqa: E402

UNNAMED = (None, "", "<anonymous>", "<unknown>")


def named(name: Optional[str]) -> bool:
    return name not in UNNAMED


def esbuild_unrenamed(name: str) -> str:
    """A SourceMapCache name without esbuild's renamings of a class
    (`X._X.m`, `Session3._Session.m` -> `X.m`, `Session.m`)."""
    parts = name.split(".")
    out: List[str] = []
    for p in parts:
        base = re.sub(r"\d+$", "", p.lstrip("_"))
        if out and base and re.sub(r"\d+$", "", out[-1].lstrip("_")) == base:
            continue
        out.append(p)
    return ".".join(out)


# Kinds of disagreement, each with what V8 prints for it. Checked with Node
# 20 on small programs (class and object methods, getters, callbacks passed
# to a call whose result is assigned, `x = a || function`, esbuild-renamed
# classes): V8 names a function by its own name or the name inferred at its
# definition (`o.f = function`, `x = y || function`), prefixes a method with
# its receiver's type, and gives a callback passed to a call no name.
KINDS: List[Tuple[str, str, Callable[[Optional[str], Optional[str]], bool]]] = [
    ("both unnamed", "neither names it (top-level code or an anonymous function)",
     lambda o, s: not named(o) and not named(s)),
    ("smca: esbuild's renamed class", "ours: V8 prints the class name of the source",
     lambda o, s: named(o) and named(s) and esbuild_unrenamed(s) == o),
    ("smca: callback named by the assignment of the call's result",
     "ours: V8 gives a function passed to a call no name (`x = f(() => ...)`)",
     lambda o, s: not named(o) and named(s) and not str(s).startswith("init_")
     and not str(s).startswith("__")),
    ("smca: esbuild's module key after the initialiser (`init_x.<\"src/x.ts\">`)",
     "neither: V8 prints the key alone (`src/x.ts`, called without a receiver), or nothing "
     "for the minified `__esmMin(() => ...)`; ours gives the initialiser's name as issue 13 asks",
     lambda o, s: named(o) and named(s) and str(s).startswith(str(o) + ".<")),
    ("same last component", "either (V8 prefixes its receiver's type, the source's owner differs)",
     lambda o, s: named(o) and named(s)
     and str(o).split(".")[-1].replace("get ", "") == str(s).split(".")[-1].replace("get ", "")),
    ("ours names, smca does not", "ours where the original function has a name",
     lambda o, s: named(o) and not named(s)),
    ("smca names, ours does not", "?", lambda o, s: not named(o) and named(s)),
    ("different names", "?", lambda o, s: True),
]


def kind_of(ours: Optional[str], smca: Optional[str]) -> str:
    for name, _v8, pred in KINDS:
        if pred(ours, smca):
            return name
    return "different names"


# ----------------------------------------------------------------- corpus


def corpus_part(js_path: Path, map_path: Path, frames: int, seed: int,
                examples: int) -> Dict[str, Any]:
    from symbolic.sourcemapcache import SourceMapCache

    js = js_path.read_bytes()
    t0 = time.perf_counter()
    smca = SourceMapCache.from_bytes(js, map_path.read_bytes())
    smca_build = time.perf_counter() - t0
    view = View.from_path(str(map_path))
    rnd = random.Random(seed)
    tokens = [view[rnd.randrange(len(view))] for _ in range(frames)]
    url = "http://bench/%s" % js_path.name
    sym = Symbolicator(Artifacts([js_path.parent]), context=0)
    counts: Dict[str, int] = collections.Counter()
    kinds: Dict[str, int] = collections.Counter()
    samples: Dict[str, List[Dict[str, Any]]] = collections.defaultdict(list)
    for tok in tokens:
        line, col = tok.dst_line, tok.dst_col
        out = sym.symbolicate_frame(
            Frame(function=None, filename=url, lineno=line + 1, colno=col + 1,
                  raw="at %s:%d:%d" % (url, line + 1, col + 1)))
        ours = out.function if out.resolved else None
        hit = smca.lookup(line + 1, col + 1, 0)
        theirs = hit.function_name if hit is not None else None
        counts["frames"] += 1
        counts["ours named"] += named(ours)
        counts["smca named"] += named(theirs)
        counts["smca named, <unknown> counted"] += theirs not in (None, "", "<anonymous>")
        counts["ours <anonymous>"] += ours == "<anonymous>"
        counts["smca <anonymous>"] += theirs == "<anonymous>"
        if ours == theirs or (not named(ours) and not named(theirs) and
                              (ours == "<anonymous>") == (theirs == "<anonymous>")):
            counts["equal"] += 1
            continue
        k = kind_of(ours, theirs)
        kinds[k] += 1
        if len(samples[k]) < examples:
            samples[k].append({"generated": [line + 1, col + 1], "ours": ours, "smca": theirs,
                               "source": out.filename, "line": out.lineno})
    return {
        "js": str(js_path), "map": str(map_path), "seed": seed,
        "smca_build_s": round(smca_build, 3),
        "counts": dict(counts),
        "disagreements": {k: {"count": kinds[k], "v8": next(v for n, v, _ in KINDS if n == k),
                              "examples": samples[k]} for k in kinds},
    }


# -------------------------------------------------------------------- e2e


def e2e_part() -> Dict[str, Any]:
    from symbolic.sourcemapcache import SourceMapCache
    import compare
    from libsourcemap import parse_stacktrace

    totals: Dict[str, int] = collections.Counter()
    differ: List[Dict[str, Any]] = []
    smcas: Dict[Path, Any] = {}
    for adir in sorted(p for p in (compare.E2E / "apps").iterdir() if p.is_dir()):
        app = adir.name
        scenarios = [s.strip() for s in (adir / "scenarios.txt").read_text().splitlines()
                     if s.strip() and not s.startswith("#")]
        for bundler in compare.BUNDLERS:
            dist = adir / "dist" / bundler
            if dist not in smcas:
                smcas[dist] = SourceMapCache.from_bytes((dist / "app.min.js").read_bytes(),
                                                        (dist / "app.min.js.map").read_bytes())
            sym = Symbolicator(Artifacts([adir / "dist"]))
            for scenario in scenarios:
                original = parse_stacktrace(
                    (adir / "traces" / "original" / (scenario + ".txt")).read_text())
                want = [f for f in original.frames if compare.app_path(f.filename, app)]
                minified = parse_stacktrace(
                    (adir / "traces" / bundler / (scenario + ".txt")).read_text())
                ours_frames = sym.symbolicate(minified).frames
                pos = 0
                for mf, of in zip(minified.frames, ours_frames):
                    path = compare.app_path(of.filename, app) if of.resolved else None
                    if path is None or mf.lineno is None or mf.colno is None:
                        continue
                    j = pos
                    while j < len(want) and not (compare.app_path(want[j].filename, app) == path
                                                 and want[j].lineno == of.lineno):
                        j += 1
                    if j == len(want):
                        continue
                    pos = j + 1
                    v8 = want[j].display_function
                    hit = smcas[dist].lookup(mf.lineno, mf.colno, 0)
                    smca = hit.function_name if hit is not None else None
                    ok_ours, exact_ours = compare.names_match(v8, of.function)
                    ok_smca, exact_smca = compare.names_match(v8, smca)
                    totals["frames"] += 1
                    totals["ours as V8"] += ok_ours
                    totals["ours exactly V8"] += exact_ours
                    totals["smca as V8"] += ok_smca
                    totals["smca exactly V8"] += exact_smca
                    if ok_ours != ok_smca and len(differ) < 40:
                        differ.append({"app": app, "bundler": bundler, "scenario": scenario,
                                       "v8": v8, "ours": of.function, "smca": smca})
    return {"totals": dict(totals), "differences": differ}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus = BENCH / ".corpus" / "generated" / "monaco-esbuild"
    ap.add_argument("--js", type=Path, default=corpus / "bundle.js")
    ap.add_argument("--map", type=Path, default=corpus / "bundle.js.map")
    ap.add_argument("--frames", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--examples", type=int, default=3, help="examples kept per kind")
    ap.add_argument("--no-e2e", action="store_true")
    ap.add_argument("--json", type=Path, help="write the whole report here")
    args = ap.parse_args()

    report: Dict[str, Any] = {}
    if args.js.exists() and args.map.exists():
        report["corpus"] = corpus_part(args.js, args.map, args.frames, args.seed, args.examples)
        c = report["corpus"]["counts"]
        print("corpus %s: %d random mapped frames (seed %d)" % (args.js, c["frames"], args.seed))
        print("  named (not <anonymous>/<unknown>): ours %d, SourceMapCache %d "
              "(%d counting its <unknown>)" % (c.get("ours named", 0), c.get("smca named", 0),
                                               c.get("smca named, <unknown> counted", 0)))
        print("  <anonymous>: ours %d, SourceMapCache %d" % (c.get("ours <anonymous>", 0),
                                                             c.get("smca <anonymous>", 0)))
        print("  same answer: %d" % c.get("equal", 0))
        for k, d in sorted(report["corpus"]["disagreements"].items(),
                           key=lambda kv: -kv[1]["count"]):
            print("  %5d  %s -- V8: %s" % (d["count"], k, d["v8"]))
            for ex in d["examples"]:
                print("           ours %r, smca %r (%s:%s)" % (ex["ours"], ex["smca"],
                                                             ex["source"], ex["line"]))
    else:
        print("corpus: %s or its map is missing (bench/run builds it); skipped" % args.js)
    if not args.no_e2e:
        report["e2e"] = e2e_part()
        t = report["e2e"]["totals"]
        print("e2e apps: %d frames with V8's name from the unminified run" % t.get("frames", 0))
        print("  as V8: ours %d (exactly %d), SourceMapCache %d (exactly %d)"
              % (t.get("ours as V8", 0), t.get("ours exactly V8", 0), t.get("smca as V8", 0),
                 t.get("smca exactly V8", 0)))
        for d in report["e2e"]["differences"][:10]:
            print("  %-8s %-7s %-20s V8 %r, ours %r, smca %r" % (
                d["app"], d["bundler"], d["scenario"], d["v8"], d["ours"], d["smca"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
