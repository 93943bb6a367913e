#!/usr/bin/env python3
"""Peak RSS of a fresh process loading one map from a path, input counted.

    python3 bench/rss.py [--cache DIR] [--maps REGEX] [--impls REGEX] [--reps N]

Every implementation runs a tiny driver in a new process, the same way:
the driver reads (or maps) the file itself, parses it, looks up one
position and exits. The figure is the process's peak resident set
(`ru_maxrss` from wait4), nothing subtracted, divided by the file size.
The same driver started without a map gives the empty-process baseline
(interpreter, runtime and library loaded), reported in its own column so
that the ratio can be read with and without it; it is not subtracted.

bench/run.py calls `measure_all()` for its report; run alone, this script
reuses bench/run.py's cache (corpus, venvs, node packages) and builds the
two native drivers (bench/rss_load.c, bench/rust/src/bin/rss_load.rs)
under CACHE/rss.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)

PY_OURS = """
import sys
sys.path.insert(0, sys.argv[2])
from libsourcemap import View
if sys.argv[1]:
    view = View.from_path(sys.argv[1], allow_index=True)
    print("found", view.lookup_token(0, 0) is not None)
else:
    print("baseline")
"""

PY_SOURCEMAP = """
import sys
import sourcemap
if sys.argv[1]:
    with open(sys.argv[1], encoding="utf-8") as f:
        index = sourcemap.loads(f.read())
    try:
        index.lookup(0, 0)
        print("found")
    except Exception:
        print("not found")
else:
    print("baseline")
"""


class Driver:
    """argv(path) runs one load ("" for the baseline) in a new process."""

    def __init__(self, key, label, argv, env=None, ours=False):
        self.key, self.label, self.argv, self.env, self.ours = key, label, argv, env, ours


SPAWN = None  # bench/rss_spawn.c, built by drivers()


def measure(argv, env=None, timeout=600):
    """(peak RSS in bytes, error or None) of one new process. It is
    started by rss_spawn, a small C launcher, rather than from this
    interpreter: Linux keeps a process's peak RSS across execve(), so a
    child forked from Python would start at Python's peak."""
    try:
        p = subprocess.run([SPAWN] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out after %ds" % timeout
    err = p.stderr.decode(errors="replace").strip().splitlines()
    m = re.match(r"maxrss_kb (\d+)$", err[-1]) if err else None
    if p.returncode != 0 or not m:
        return None, "exit %d: %s" % (p.returncode, " ".join(err)[-300:])
    return int(m.group(1)) * 1024, None


def build_c(cache, lib_dir):
    global SPAWN
    out = os.path.join(cache, "rss", "rss_load")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    cc = os.environ.get("CC", "cc")
    spawn = os.path.join(cache, "rss", "rss_spawn")
    subprocess.run([cc, "-O2", os.path.join(BENCH, "rss_spawn.c"), "-o", spawn], check=True)
    SPAWN = spawn
    subprocess.run([cc, "-O2", "-I", os.path.join(ROOT, "include"), os.path.join(BENCH, "rss_load.c"),
                    "-L", lib_dir, "-lsourcemap", "-Wl,-rpath," + lib_dir, "-o", out], check=True)
    return out


def build_rust(cache, install=True):
    # bench/run.py's target directory: the crate is compiled there already.
    target = os.path.join(cache, "rust-target")
    exe = os.path.join(target, "release", "rss_load")
    if not install:
        if not os.path.exists(exe):
            raise RuntimeError("not built; run without --smoke once")
        return exe
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "rss_load", "--target-dir", target],
                   cwd=os.path.join(BENCH, "rust"), check=True, timeout=1200)
    return os.path.join(target, "release", "rss_load")


def drivers(cache, lib_dir, node_dir=None, venvs=None, impls=None, install=True):
    """The drivers that can run here; {key: reason} for those that cannot.
    Without `install` nothing slow is built (the Rust driver is used only
    when an earlier run built it)."""
    out, missing = [], {}
    venvs = venvs or {}
    # The launcher and the C driver: without them nothing is measured.
    c_exe = build_c(cache, lib_dir)
    out.append(Driver("c", "libsourcemap (C API, lsm_view_from_path)", lambda p: [c_exe, p], ours=True))
    env = dict(os.environ, LIBSOURCEMAP_LIBRARY=os.path.join(lib_dir, "libsourcemap.so"))
    out.append(Driver("py-ours", "libsourcemap (Python, View.from_path)",
                      lambda p: [sys.executable, "-c", PY_OURS, p, os.path.join(ROOT, "python")], env=env,
                      ours=True))
    if shutil.which("cargo"):
        try:
            exe = build_rust(cache, install)
            out.append(Driver("rust-sourcemap", "sourcemap 9.3.2 (Rust crate)", lambda p: [exe, p]))
        except (OSError, RuntimeError, subprocess.SubprocessError) as e:
            missing["rust-sourcemap"] = str(e)
    else:
        missing["rust-sourcemap"] = "cargo not found"
    if node_dir and shutil.which("node"):
        mjs = os.path.join(BENCH, "js", "rss_load.mjs")
        for name in ("trace-mapping", "source-map-0.7.4", "source-map-0.6.1"):
            out.append(Driver("js-" + name, "%s (Node)" % name,
                              (lambda name: lambda p: ["node", "--max-old-space-size=16384", mjs, node_dir, name]
                               + ([p] if p else []))(name)))
    else:
        for name in ("trace-mapping", "source-map-0.7.4", "source-map-0.6.1"):
            missing["js-" + name] = "node packages not installed"
    py = venvs.get("sourcemap")
    if py and os.path.exists(py):
        out.append(Driver("py-sourcemap", "sourcemap 0.2.1 (pure Python)", lambda p: [py, "-c", PY_SOURCEMAP, p]))
    else:
        missing["py-sourcemap"] = "venv not installed"
    if impls:
        out = [d for d in out if re.search(impls, d.key)]
    return out, missing


def measure_all(maps, drvs, reps=1, log=print):
    """{"baseline": {key: bytes}, "maps": [{id, bytes, peak: {key: bytes},
    ratio: {key: peak / size}, errors}]}: medians over `reps` processes."""
    res = {"baseline": {}, "errors": {}, "maps": []}
    for d in drvs:
        vals = [measure(d.argv(""), d.env) for _ in range(reps)]
        ok = sorted(v for v, e in vals if e is None)
        if ok:
            res["baseline"][d.key] = ok[len(ok) // 2]
        else:
            res["errors"][d.key] = vals[0][1]
    for m in maps:
        size = os.path.getsize(m["path"])
        row = {"id": m["id"], "bytes": size, "peak": {}, "ratio": {}, "errors": {}}
        for d in drvs:
            vals = [measure(d.argv(m["path"]), d.env) for _ in range(reps)]
            ok = sorted(v for v, e in vals if e is None)
            if ok:
                row["peak"][d.key] = ok[len(ok) // 2]
                row["ratio"][d.key] = row["peak"][d.key] / size
            else:
                row["errors"][d.key] = vals[0][1]
        log("rss %s (%.1f MB): %s" % (m["id"], size / 1e6, ", ".join(
            "%s %.2fx" % (k, v) for k, v in row["ratio"].items())))
        res["maps"].append(row)
    return res


def table(res, drvs):
    """Markdown: peak RSS / file size per map and implementation, then the
    baselines in MB."""
    keys = [d.key for d in drvs]
    lines = ["| map | MB | " + " | ".join(keys) + " |", "|---|---:|" + "---:|" * len(keys)]
    for row in res["maps"]:
        cells = []
        for k in keys:
            if k in row["ratio"]:
                cells.append("%.2fx" % row["ratio"][k])
            else:
                cells.append("error" if k in row["errors"] else "-")
        lines.append("| %s | %.1f | %s |" % (row["id"], row["bytes"] / 1e6, " | ".join(cells)))
    lines.append("| *empty process (MB)* | | " + " | ".join(
        "%.1f" % (res["baseline"][k] / 1e6) if k in res["baseline"] else "-" for k in keys) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", default=os.environ.get("LSM_BENCH_CACHE", os.path.join(BENCH, ".corpus")))
    ap.add_argument("--lib-dir", default=os.path.join(ROOT, "build"),
                    help="where libsourcemap.so is (default build/)")
    ap.add_argument("--maps", help="regex: only maps whose id matches")
    ap.add_argument("--impls", help="regex: only implementations whose key matches")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--work", help="where to build the drivers (default CACHE)")
    args = ap.parse_args()
    sys.path.insert(0, BENCH)
    import run as bench_run  # the corpus as bench/run.py lays it out

    cache = os.path.abspath(args.cache)
    node_dir = os.path.join(cache, "node")
    manifest = json.load(open(os.path.join(BENCH, "corpus", "corpus.json")))
    maps = bench_run.build_corpus(cache, node_dir, manifest, args.maps)
    venvs = {"sourcemap": os.path.join(cache, "venv", "sourcemap", "bin", "python")}
    drvs, missing = drivers(os.path.abspath(args.work or cache), os.path.abspath(args.lib_dir),
                            node_dir if os.path.isdir(node_dir) else None, venvs, args.impls)
    for k, why in missing.items():
        print("skipping %s: %s" % (k, why), file=sys.stderr)
    res = measure_all(maps, drvs, args.reps, log=lambda s: print(s, file=sys.stderr))
    print(table(res, drvs))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
