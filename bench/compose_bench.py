#!/usr/bin/env python3
"""The composition figure: libsourcemap.compose(outer, inner) against
@jridgewell/remapping on the same two maps of a real two-step build, in
the same run, and whether they agree.

For each corpus map of at least 1 MB whose generated file lies beside it,
terser re-minifies the generated file once (bench/js/compose.mjs build,
cached under CACHE/compose/); that step's map is the outer map, the
corpus map the inner one. Both implementations go from JSON text to JSON
text: ours View.from_json twice, compose, to_json; remapping(outer, loader)
and toString(). A smoke run uses the committed pair in bench/corpus/compose/.

    python bench/compose_bench.py OUTER.map INNER.map [--warm N] [--budget S]

times ours alone and prints {"times_s", "tokens", "checksum"}: the
checksum is bench/js/compose.mjs's (sha256 over "dl,dc" or
"dl,dc,sl,sc,name" per token; source URLs left out, because remapping
resolves them against the intermediate file and libsourcemap does not).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
# terser re-minifying the smoke map's bundle (compose.mjs build), committed.
SMOKE_PAIR = ("bench/corpus/compose/app.iife.re.min.js.map",
              "tests/fixtures/bundlers/rollup/app.iife.min.js.map")
MIN_BYTES = 1 << 20


def checksum(view) -> "tuple[int, str]":
    h = hashlib.sha256()
    n = 0
    for t in view:
        n += 1
        if t.src_id is None:
            h.update(b"%d,%d\n" % (t.dst_line, t.dst_col))
        else:
            h.update(("%d,%d,%d,%d,%s\n" % (t.dst_line, t.dst_col, t.src_line, t.src_col,
                                            t.name or "")).encode("utf-8"))
    return n, h.hexdigest()


def time_ours(outer_path: str, inner_path: str, warm: int, budget: float) -> dict:
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import libsourcemap

    with open(outer_path, "rb") as f:
        outer = f.read()
    with open(inner_path, "rb") as f:
        inner = f.read()
    times = []
    start = time.perf_counter()
    text = b""
    while len(times) < warm or time.perf_counter() - start < budget:
        t0 = time.perf_counter()
        composed = libsourcemap.compose(libsourcemap.View.from_json(outer),
                                        libsourcemap.View.from_json(inner, allow_index=True))
        text = composed.to_json()
        times.append(time.perf_counter() - t0)
        if len(times) >= 1000:
            break
    n, digest = checksum(libsourcemap.View.from_json(text))
    return {"times_s": times, "tokens": n, "checksum": digest}


# ------------------------------------------------- bench/run.py's side

def pairs(maps, cache, smoke, log):
    """[(id, outer path, inner path)]: the committed pair for a smoke run,
    else each corpus map >= 1 MB with its generated file beside it,
    re-minified by terser once (the outer map is kept in CACHE/compose)."""
    if smoke:
        return [("smoke-terser-pair",) + tuple(os.path.join(ROOT, p) for p in SMOKE_PAIR)]
    out = []
    os.makedirs(os.path.join(cache, "compose"), exist_ok=True)
    for m in maps:
        path = m["path"]
        generated = path[:-len(".map")]
        if not path.endswith(".map") or not os.path.exists(generated) or \
                os.path.getsize(path) < MIN_BYTES:
            continue
        outer = os.path.join(cache, "compose", m["id"] + ".re.min.js.map")
        if not os.path.exists(outer):
            log("compose: terser re-minifies %s (once)" % m["id"])
            p = subprocess.run(["node", os.path.join(BENCH, "js", "compose.mjs"), "build", generated,
                                path, outer + ".tmp"], capture_output=True, text=True, timeout=1800)
            if p.returncode != 0:
                log("compose: no second step for %s: %s" % (m["id"], p.stderr.strip()[-300:]))
                continue
            os.replace(outer + ".tmp", outer)
        out.append((m["id"], outer, path))
    return out


def measure(maps, cache, smoke, lib_path, timeout, log):
    """{"maps": [{id, ours, remapping, agree, ...}]} or {"error": ...}."""
    warm, budget = ("1", "0") if smoke else ("3", "2")
    env = dict(os.environ, LIBSOURCEMAP_LIBRARY=lib_path)
    rows = []
    for mid, outer, inner in pairs(maps, cache, smoke, log):
        row = {"id": mid, "outer_bytes": os.path.getsize(outer), "inner_bytes": os.path.getsize(inner)}
        for key, cmd in (("ours", [sys.executable, os.path.abspath(__file__), outer, inner,
                                   "--warm", warm, "--budget", budget]),
                         ("remapping", ["node", os.path.join(BENCH, "js", "compose.mjs"), "time",
                                        outer, inner, warm, budget])):
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
            except (OSError, subprocess.TimeoutExpired) as e:
                row[key] = {"error": str(e)[:300]}
                continue
            if p.returncode != 0:
                row[key] = {"error": (p.stderr.strip().splitlines() or ["?"])[-1][:300]}
                continue
            r = json.loads(p.stdout)
            r["median_ms"] = round(statistics.median(r["times_s"]) * 1e3, 3)
            row[key] = r
        a, b = row.get("ours", {}), row.get("remapping", {})
        if "checksum" in a and "checksum" in b:
            row["agree"] = (a["tokens"], a["checksum"]) == (b["tokens"], b["checksum"])
            if not row["agree"]:
                row["disagreement"] = "ours %s tokens %s, remapping %s tokens %s" % (
                    a["tokens"], a["checksum"][:12], b["tokens"], b["checksum"][:12])
        log("compose %s: ours %s ms, remapping %s ms, agree %s" % (
            mid, a.get("median_ms", a.get("error")), b.get("median_ms", b.get("error")),
            row.get("agree")))
        rows.append(row)
    return {"maps": rows}


def report(result):
    """RESULTS.md lines for the composition section."""
    L = ["## Composition (libsourcemap.compose against @jridgewell/remapping, same run)\n",
         "Each corpus map of at least 1 MB is the inner map; terser re-minifying its generated file "
         "gives the outer map (bench/compose_bench.py). Both go from JSON text to JSON text (ours: "
         "two View.from_json, compose, to_json; remapping: remapping(outer, loader).toString()). "
         "\"Agree\" compares a checksum over every token of both outputs (positions and names; "
         "source URLs left out, since remapping resolves them and we do not).\n"]
    if not result or "error" in result:
        L.append("Not measured: %s\n" % ((result or {}).get("error") or "no pairs"))
        return L
    L.append("| map | outer / inner MB | tokens | ours (Python) ms | remapping ms | ratio | agree |")
    L.append("|---|---|---|---|---|---|---|")
    for r in result["maps"]:
        a, b = r.get("ours", {}), r.get("remapping", {})
        ratio = ("%.2fx" % (b["median_ms"] / a["median_ms"])
                 if a.get("median_ms") and b.get("median_ms") else "-")
        L.append("| %s | %.2f / %.2f | %s | %s | %s | %s | %s |" % (
            r["id"], r["outer_bytes"] / 1e6, r["inner_bytes"] / 1e6, a.get("tokens", "-"),
            a.get("median_ms", "error: %s" % a.get("error")),
            b.get("median_ms", "error: %s" % b.get("error")), ratio,
            {True: "yes", False: "**no**: %s" % r.get("disagreement"), None: "-"}[r.get("agree")]))
    L.append("\nRatio: remapping's time over ours (above 1: ours is faster).\n")
    return L


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outer")
    ap.add_argument("inner")
    ap.add_argument("--warm", type=int, default=3)
    ap.add_argument("--budget", type=float, default=2.0)
    a = ap.parse_args()
    print(json.dumps(time_ours(a.outer, a.inner, a.warm, a.budget)))


if __name__ == "__main__":
    main()
