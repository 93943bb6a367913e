"""Instructions per View.lookup_token call, ours and libsourcemap 0.8.2's.

    python bench/py/lookup_token_instructions.py [--v08-python PY] [--calls N] MAP...

The wall-clock bench (lookup_token_vs_08.py) swings by a third between
runs on a shared machine; instruction counts do not. For each map and
implementation this runs one process under ``valgrind --tool=callgrind``
with N timed calls and one with 2N, both after the same warm-up, so the
difference divided by N is the cost of one call with loading, imports
and warm-up taken out. Positions are drawn as lookup_token_vs_08.py
draws them (same seed). Counts miss what wall clock sees of cache
misses: the C lookup on a large map costs more than its instructions.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lookup_token_vs_08 as wall  # noqa: E402  (positions, paths, the 0.8.2 venv)

# Enough warm-up calls that every source and name the timed calls meet
# is already decoded (our caches) and the code paths are specialised.
WARMUP = 20000


def child(impl, map_path, pos_path, calls):
    """The measured process: warm-up, then `calls` lookups."""
    lookup, pos = wall.open_view(impl, map_path, pos_path)
    for line, col in pos[:WARMUP]:
        lookup(line, col)
    for line, col in pos[:calls]:
        lookup(line, col)


def instructions(python, impl, map_path, pos_path, calls):
    # The interpreter's real binary: valgrind does not follow a shim
    # script (pyenv's) into the Python it starts.
    exe = subprocess.run([python, "-c", "import sys; print(sys.executable)"], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    with tempfile.NamedTemporaryFile(suffix=".cg") as out:
        res = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out.name,
                              exe, os.path.abspath(__file__), "--child", impl, map_path,
                              pos_path, "--calls", str(calls)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             universal_newlines=True)
    m = re.search(r"Collected : (\d+)", res.stderr)
    if res.returncode or not m:
        sys.exit("callgrind run failed:\n" + res.stderr[-2000:])
    return int(m.group(1))


def per_call(python, impl, map_path, pos_path, calls):
    one = instructions(python, impl, map_path, pos_path, calls)
    two = instructions(python, impl, map_path, pos_path, 2 * calls)
    return (two - one) / calls


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("maps", nargs="+")
    ap.add_argument("--v08-python", default=os.path.join(wall.ROOT, "bench", ".corpus", "venv",
                                                         "sentry", "bin", "python"))
    ap.add_argument("--calls", type=int, default=5000)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.maps[0], a.maps[1], a.calls)
        return
    if 2 * a.calls > WARMUP:
        sys.exit("--calls at most %d (the timed calls reuse warmed-up positions)" % (WARMUP // 2))
    have_v08 = os.path.exists(a.v08_python)
    print("| map | ours (instr/call) | 0.8.2 (instr/call) | 0.8.2 / ours |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        pos_path = os.path.join(tmp, "positions.json")
        for m in a.maps:
            wall.make_positions(m, WARMUP, pos_path)
            ours = per_call(sys.executable, "ours", m, pos_path, a.calls)
            if have_v08:
                theirs = per_call(a.v08_python, "v08", m, pos_path, a.calls)
                print("| %s | %.0f | %.0f | %.2fx |" % (os.path.basename(m), ours, theirs,
                                                       theirs / ours))
            else:
                print("| %s | %.0f | - | - |" % (os.path.basename(m), ours))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
