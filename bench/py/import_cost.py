#!/usr/bin/env python3
"""What `import libsourcemap` costs a fresh process: peak RSS and CPU time.

    python3 bench/py/import_cost.py [--runs N] [--python-dir DIR] [--lib PATH]

Each snippet runs in a new interpreter started by bench/rss_spawn.c (so
the peak resident set is the child's own, not inherited from this
interpreter) and the figures are medians over N processes: peak RSS from
wait4, and user+system CPU time (wall time is too noisy on a shared
machine). The first row is the bare interpreter, the same way. DIR is the
directory that holds the package (default: this checkout's python/), so
an older tree can be measured with the same driver; the library is
$LIBSOURCEMAP_LIBRARY, else build/libsourcemap.so.

With --pyc the interpreters may write and read cached bytecode (one
warm-up run writes it), as an installed package has; without it the
environment decides (PYTHONDONTWRITEBYTECODE=1 recompiles every module in
every process, which costs both time and memory).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)

SNIPPETS = [
    ("bare interpreter", "pass"),
    ("import libsourcemap", "import libsourcemap"),
    ("from libsourcemap import View", "from libsourcemap import View"),
    ("+ Symbolicator", "from libsourcemap import Symbolicator"),
    ("+ symbolicate_many", "from libsourcemap import symbolicate_many"),
    ("from libsourcemap.highlevel import View", "from libsourcemap.highlevel import View"),
]


def build_spawn(out_dir):
    exe = os.path.join(out_dir, "rss_spawn")
    subprocess.run([os.environ.get("CC", "cc"), "-O2", os.path.join(BENCH, "rss_spawn.c"), "-o", exe],
                   check=True)
    return exe


def run_once(spawn, code, env):
    """(peak RSS in bytes, CPU seconds) of one fresh interpreter."""
    # The launcher's own usage is tiny; wait4 on it reports its child's too
    # (a waited-for child's times are added to its parent's).
    proc = subprocess.Popen([spawn, sys.executable, "-c", code], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read().decode(errors="replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    m = re.search(r"maxrss_kb (\d+)\s*$", stderr)
    if proc.returncode != 0 or not m:
        raise RuntimeError("%r failed: %s" % (code, stderr[-500:]))
    return int(m.group(1)) * 1024, usage.ru_utime + usage.ru_stime


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--python-dir", default=os.path.join(ROOT, "python"))
    ap.add_argument("--lib", default=os.environ.get("LIBSOURCEMAP_LIBRARY",
                                                    os.path.join(ROOT, "build", "libsourcemap.so")))
    ap.add_argument("--pyc", action="store_true", help="use cached bytecode (written by a warm-up run)")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=os.path.abspath(args.python_dir), LIBSOURCEMAP_LIBRARY=args.lib)
    if args.pyc:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for _label, code in SNIPPETS:
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
    with tempfile.TemporaryDirectory(prefix="lsm-import-cost-") as tmp:
        spawn = build_spawn(tmp)
        print("| what | peak RSS (MB) | CPU (ms) |")
        print("|---|---:|---:|")
        for label, code in SNIPPETS:
            runs = [run_once(spawn, code, env) for _ in range(args.runs)]
            print("| %s | %.1f | %.0f |" % (label, median(r[0] for r in runs) / 1e6,
                                           median(r[1] for r in runs) * 1e3))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
