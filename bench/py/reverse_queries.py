"""Writes the reverse-lookup queries of one map, for bench/run.py.

    python reverse_queries.py MAP POSITIONS OUT N --python-path DIR

Takes the first N generated positions of POSITIONS that map to a source,
looks each up with this project's package, and writes JSON
{"queries": [[source as written, original line, original column], ...]}:
the original position moved by -2..+2 columns (seeded), so that queries
land on tokens and between them. Every implementation then asks the same
questions (trace-mapping's generatedPositionFor and
allGeneratedPositionsFor, and ours).
"""

import argparse
import json
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("map")
    ap.add_argument("positions")
    ap.add_argument("out")
    ap.add_argument("n", type=int)
    ap.add_argument("--python-path")
    a = ap.parse_args()
    if a.python_path:
        sys.path.insert(0, a.python_path)
    from libsourcemap import View

    with open(a.map, "rb") as f:
        view = View.from_json(f.read(), allow_index=True)
    sources = view.sources
    rng = random.Random(426)
    queries = []
    with open(a.positions) as f:
        for row in f:
            if len(queries) >= a.n:
                break
            if not row.strip():
                continue
            line, col = (int(x) for x in row.split())
            t = view.lookup_token(line, col)
            if t is None or t.src_id is None or sources[t.src_id] is None:
                continue
            queries.append([sources[t.src_id], t.src_line, max(0, t.src_col + rng.randrange(-2, 3))])
    with open(a.out, "w") as f:
        json.dump({"queries": queries}, f)


if __name__ == "__main__":
    main()
