"""Per-call cost of View.lookup_token against Sentry's libsourcemap 0.8.2.

    python bench/py/lookup_token_vs_08.py [--v08-python PY] [--rounds N]
                                          [--positions N] [--passes N] MAP...

For each map, one fixed list of generated positions is written first:
N positions drawn (seeded) from the view's own tokens, plus one in 50
moved one column past its token (between tokens) and a few past the last
line. Then each round runs both implementations on that list, each in a
fresh process, the order alternating between rounds. A process loads the
map, makes one warm-up pass, then times `--passes` passes with
time.process_time() (CPU time: the machine may be shared) and reports its
median per call. The report gives, per map, the median over rounds of
each, the ratio, and checks that both found the same tokens (0.8.2's
greatest-lower-bound rule is ours by default).

0.8.2 runs under another interpreter (a venv with ``libsourcemap==0.8.2``):
`--v08-python`, else the bench's own venv under bench/.corpus. Ours is
this checkout's package (python/), with the library that
LIBSOURCEMAP_LIBRARY names as usual.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = 12


def open_view(impl, map_path, pos_path):
    """In the measured process: `impl`'s lookup_token on the map, and the
    positions to ask it."""
    if impl == "ours":
        sys.path.insert(0, os.path.join(ROOT, "python"))
    import libsourcemap

    with open(map_path, "rb") as f:
        data = f.read()
    if impl == "ours":
        view = libsourcemap.View.from_json(data, allow_index=True)
    else:
        view = libsourcemap.from_json(data)
    with open(pos_path) as f:
        pos = [tuple(p) for p in json.load(f)]
    return view.lookup_token, pos


def child(impl, map_path, pos_path, passes):
    """Runs in the measured process: prints one JSON line."""
    lookup, pos = open_view(impl, map_path, pos_path)
    for line, col in pos:  # warm-up: strings decoded, caches filled
        lookup(line, col)
    times = []
    for _ in range(passes):
        t0 = time.process_time()
        for line, col in pos:
            lookup(line, col)
        times.append(time.process_time() - t0)
    found = total = 0
    for line, col in pos:
        t = lookup(line, col)
        if t is not None:
            found += 1
            total += t.src_line * 7 + t.src_col + t.dst_col
    print(json.dumps({"ns": statistics.median(times) / len(pos) * 1e9,
                      "found": found, "checksum": total}))


def make_positions(map_path, count, out_path):
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import libsourcemap

    with open(map_path, "rb") as f:
        view = libsourcemap.View.from_json(f.read(), allow_index=True)
    tokens = [(t.dst_line, t.dst_col) for t in view if t.src_id is not None]
    rnd = random.Random(SEED)
    pos = []
    for i in range(count):
        line, col = rnd.choice(tokens)
        pos.append((line, col + 1) if i % 50 == 0 else (line, col))
    last = view.line_count
    pos[-5:] = [(last + k, k) for k in range(5)]
    with open(out_path, "w") as f:
        json.dump(pos, f)
    return len(tokens)


def run_child(python, impl, map_path, pos_path, passes):
    out = subprocess.run([python, os.path.abspath(__file__), "--child", impl, map_path, pos_path,
                          "--passes", str(passes)], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("maps", nargs="+")
    ap.add_argument("--v08-python", default=os.path.join(ROOT, "bench", ".corpus", "venv", "sentry",
                                                         "bin", "python"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--positions", type=int, default=100000)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.maps[0], a.maps[1], a.passes)
        return
    if not os.path.exists(a.v08_python):
        sys.exit("no Python with libsourcemap 0.8.2 at %s (--v08-python)" % a.v08_python)
    pythons = {"ours": sys.executable, "0.8.2": a.v08_python}
    print("| map | tokens | ours (ns/call) | 0.8.2 (ns/call) | 0.8.2 / ours |")
    print("|---|---|---|---|---|")
    worst = None
    with tempfile.TemporaryDirectory() as tmp:
        for m in a.maps:
            pos_path = os.path.join(tmp, "positions.json")
            ntok = make_positions(m, a.positions, pos_path)
            got = {k: [] for k in pythons}
            checks = {}
            for r in range(a.rounds):
                order = list(pythons) if r % 2 == 0 else list(reversed(list(pythons)))
                for impl in order:
                    res = run_child(pythons[impl], "ours" if impl == "ours" else "v08", m,
                                    pos_path, a.passes)
                    got[impl].append(res["ns"])
                    checks[impl] = (res["found"], res["checksum"])
            ours, theirs = statistics.median(got["ours"]), statistics.median(got["0.8.2"])
            ratio = theirs / ours
            worst = ratio if worst is None else min(worst, ratio)
            same = "" if checks["ours"] == checks["0.8.2"] else " (answers differ: %s)" % checks
            print("| %s | %d | %.0f | %.0f | %.2fx%s |" % (os.path.basename(m), ntok, ours, theirs,
                                                         ratio, same))
            sys.stdout.flush()
    print("\nworst ratio %.2fx; medians of %d rounds, each the median of %d passes over %d "
          "positions, CPU time" % (worst, a.rounds, a.passes, a.positions))


if __name__ == "__main__":
    main()
