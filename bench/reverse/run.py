"""Reverse lookups, encoding and composition on synthetic maps: libsourcemap beside
trace-mapping 0.3.31 and @jridgewell/remapping 2.3.5 (same machine, same
run). Needs `npm ci` in tests/reverse and a built library.

    python3 bench/reverse/run.py [--tokens N] [--queries N]

A synthetic single-line bundle map (N tokens, 50 sources, 2000 original
lines each) is written to a temporary folder; the queries are random
original positions. Encoding writes the whole map (libsourcemap:
View.to_json(); trace-mapping: encodedMappings() of freshly decoded
mappings and JSON.stringify). Composition composes a map of N tokens into
one source "mid.js" with a second map of that file (libsourcemap.compose
vs remapping, each including serialization to JSON text). Times are the
best of 3 runs for libsourcemap, one run for the peers (whose first call
includes their lazy index building, as ours does).

The main benchmark (bench/run.py) reports reverse lookups and encoding on
the real-map corpus beside trace-mapping and source-map in its table; this
script remains for composition and for the 1,000,000-token single-line map.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import libsourcemap  # noqa: E402
from libsourcemap import View  # noqa: E402

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def vlq(v: int) -> str:
    v = (-v << 1) | 1 if v < 0 else v << 1
    out = ""
    while True:
        d, v = v & 31, v >> 5
        out += B64[d | (32 if v else 0)]
        if not v:
            return out


def synthetic(n: int, nsrc: int, seed: int, lines: int = 2000) -> str:
    rng = random.Random(seed)
    prev = [0, 0, 0, 0]
    col = 0
    segs = []
    for _ in range(n):
        col += rng.randrange(1, 5)
        cur = [col, rng.randrange(nsrc), rng.randrange(lines), rng.randrange(80)]
        segs.append("".join(vlq(a - b) for a, b in zip(cur, prev)))
        prev = cur
    sources = ["src/s%d.js" % i for i in range(nsrc)] if nsrc > 1 else ["mid.js"]
    return json.dumps({"version": 3, "sources": sources, "names": [], "mappings": ",".join(segs)})


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=100_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lsm-bench-reverse-"))
    try:
        big = tmp / "big.map"
        big.write_text(synthetic(args.tokens, 50, 1))
        outer = tmp / "outer.map"
        outer.write_text(synthetic(args.tokens, 1, 2, lines=1))
        inner = tmp / "inner.map"
        # The intermediate file is one line as long as the outer map's columns.
        inner.write_text(synthetic(args.tokens * 3, 50, 3))
        rng = random.Random(7)
        queries = [[rng.randrange(50), rng.randrange(2000), rng.randrange(80)]
                   for _ in range(args.queries)]
        (tmp / "queries.json").write_text(json.dumps(queries))

        ours = {}
        view = View.from_path(big)
        t = time.perf_counter()
        view.generated_position_for(*queries[0])
        ours["reverse_first"] = time.perf_counter() - t
        gpf = view.generated_position_for

        def run_queries() -> None:
            for s, line, c in queries:
                gpf(s, line, c)

        ours["reverse_queries"] = best(run_queries)
        ours["encode"] = best(view.to_json)
        o, i = View.from_path(outer), View.from_path(inner)
        ours["compose"] = best(lambda: libsourcemap.compose(o, {"mid.js": i}).to_json(), 1)

        node = shutil.which("node")
        peers = json.loads(subprocess.run(
            [node or "node", str(Path(__file__).with_name("peers.mjs")), str(big),
             str(tmp / "queries.json"), str(outer), str(inner)],
            capture_output=True, check=True).stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("tokens %d, queries %d" % (args.tokens, args.queries))
    rows = [
        ("reverse: first call (index build)", "reverse_first"),
        ("reverse: %d queries" % args.queries, "reverse_queries"),
        ("encode whole map to JSON", "encode"),
        ("compose (incl. JSON output)", "compose"),
    ]
    print("%-38s %12s %14s %8s" % ("", "libsourcemap", "JS peer", "ratio"))
    for label, key in rows:
        a, b = ours[key], peers[key]
        print("%-38s %11.3fs %13.3fs %7.1fx" % (label, a, b, b / a if a else float("inf")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
