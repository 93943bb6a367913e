"""Reverse lookups against trace-mapping on any maps, such as the real-map
corpus the benchmark fetches (bench/.corpus): the check of
tests/python/test_reverse.py, run outside pytest on maps too large or too
many for the test suite.

    python3 tests/reverse/check_corpus.py PATH... [--positions N]

PATH is a map or a folder searched for *.map. An index map made of the
first two maps found (the second starting on the line after the first's
last) is checked too. Prints one line per map and exits 1 on any
difference. Needs `npm ci` in tests/reverse and a built library.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "python"))
sys.path.insert(0, str(HERE.parents[1] / "tests" / "python"))

from libsourcemap import View  # noqa: E402
from test_reverse import make_queries, ours, run_peer  # noqa: E402


def check(name: str, text: str, positions: int) -> bool:
    view = View.from_json(text, allow_index=True)
    if not any(t.src_id is not None for t in view):
        print("%s: no mapped tokens, skipped" % name)
        return True
    queries = make_queries(view, random.Random(name), positions)
    want = run_peer(text, queries)
    got = [ours(view, q) for q in queries]
    bad = [(q, g, w) for q, g, w in zip(queries, got, want) if g != w]
    found = sum(1 for w in want if w)
    print("%s: %d tokens, %d queries (%d with answers), %d differ%s"
          % (name, len(view), len(queries), found, len(bad),
             "" if not bad else ", first: %r" % (bad[0],)))
    return not bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--positions", type=int, default=2000)
    args = ap.parse_args()
    maps = []
    for p in map(Path, args.paths):
        maps.extend(sorted(p.rglob("*.map")) if p.is_dir() else [p])
    ok = True
    for m in maps:
        ok &= check(str(m), m.read_text(encoding="utf-8"), args.positions)
    if len(maps) >= 2:
        first = json.loads(maps[0].read_text(encoding="utf-8"))
        second = json.loads(maps[1].read_text(encoding="utf-8"))
        lines = View.from_path(maps[0]).line_count
        index = {"version": 3, "sections": [
            {"offset": {"line": 0, "column": 0}, "map": first},
            {"offset": {"line": lines, "column": 0}, "map": second}]}
        ok &= check("index map of %s + %s" % (maps[0].name, maps[1].name), json.dumps(index),
                    args.positions)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
