#!/usr/bin/env python3
"""libsourcemap benchmark: ours against peer source-map libraries.

    python3 bench/run.py            full run (corpus, every peer, ~20-30 min)
    python3 bench/run.py --smoke    one small map, no downloads, < 2 min (CI)

See bench/README.md. Uses only the standard library: the peers run in their
own processes (Python venvs, Node, a Rust binary, a C harness), set up under
the cache directory (bench/.corpus, or $LSM_BENCH_CACHE).
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
# bench/ on the path also when this file is loaded as a module from
# elsewhere (tests/diff/run.py reads the corpus list from it).
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)
import compose_bench  # noqa: E402

ROOT = os.path.dirname(BENCH)


def repo_relative(obj):
    """`obj` with every path inside the repository made relative to it, and
    the home directory hidden: results are committed, and a machine's own
    paths do not belong in them."""
    if isinstance(obj, dict):
        return {k: repo_relative(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [repo_relative(v) for v in obj]
    if isinstance(obj, str):
        # Anywhere in the string: tracebacks and commands hold paths too.
        obj = obj.replace(ROOT + os.sep, "").replace(ROOT, ".")
        home = os.path.expanduser("~")
        if home not in ("", "/"):
            obj = obj.replace(home + os.sep, "~" + os.sep)
    return obj
SEED = 426  # ECMA-426
N_POSITIONS = 100_000

# Figures. "lower" is better for all of them except the thread speedup.
FIGURES = [
    # key, title, unit, scale (multiplies the raw value)
    ("ready_warm", "lookup-ready (warm)", "ms", 1e3),
    ("ready_cold", "lookup-ready (cold, 1st in process)", "ms", 1e3),
    ("mem", "peak memory increase", "x map", 1),
    ("lookup", "single lookup", "ns", 1),
    ("batch", "batch lookup", "ns/pos", 1),
    ("columns", "columnar batch lookup (lookup_columns)", "ns/pos", 1),
    ("iter", "iterate all tokens", "ns/token", 1),
    # original -> generated, and writing maps (ours from Python, the JS
    # peers; same queries, see bench/py/reverse_queries.py)
    ("reverse_first", "reverse: first lookup (builds the index)", "ms", 1e3),
    ("reverse", "reverse lookup (generatedPositionFor)", "ns", 1),
    ("reverse_all", "all generated positions (allGeneratedPositionsFor)", "ns", 1),
    ("encode", "encode whole map to JSON", "ms", 1e3),
]
N_REVERSE = 20_000
CACHE_FIGURES = [
    ("dump", "cache dump", "ms", 1e3),
    ("size", "cache size", "MB", 1e-6),
    ("bpt", "cache bytes/token (default flags)", "B", 1),
    ("bpt_nc", "cache bytes/token (without sourcesContent)", "B", 1),
    ("open", "cache open (bytes in memory)", "us", 1e6),
    ("open_path", "cache open (path)", "us", 1e6),
    ("clookup", "lookup on cache", "ns", 1),
    ("cbatch", "batch lookup on cache", "ns/pos", 1),
]
OURS = ("c", "py-ours")


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def run(cmd, cwd=None, env=None, timeout=None, check=True):
    p = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (
            " ".join(cmd[:3]), p.returncode, (p.stderr or p.stdout).strip()[-1500:]))
    return p


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def stamp_ok(path, content):
    try:
        with open(path) as f:
            return f.read() == content
    except OSError:
        return False


def write_stamp(path, content):
    with open(path, "w") as f:
        f.write(content)


# --------------------------------------------------------------------- setup

class Setup:
    """Builds and installs what the run needs; records what failed and why."""

    def __init__(self, cache, smoke, install):
        self.cache = cache
        self.smoke = smoke
        self.install = install  # may download / install
        self.status = {}  # component -> "ok" | reason it is unavailable
        os.makedirs(cache, exist_ok=True)

    def library(self):
        build = os.path.join(ROOT, "build")
        lib = os.path.join(build, "libsourcemap.so")
        self.status["library"] = "ok"
        try:
            if not os.path.exists(os.path.join(build, "build.ninja")):
                run(["meson", "setup", build], cwd=ROOT)
            run(["ninja", "-C", build], cwd=ROOT)
        except Exception as e:
            if not os.path.exists(lib):
                raise
            # The tree may be mid-edit: measure the library built last.
            self.status["library"] = "build failed, measured the existing build/libsourcemap.so: %s" % e
            log(self.status["library"])
        if not os.path.exists(lib):
            raise RuntimeError("build/libsourcemap.so missing after ninja")
        # Measure a snapshot, so that a rebuild of build/ during the run
        # cannot mix two libraries in one set of results.
        snap = os.path.join(self.cache, "lib")
        os.makedirs(snap, exist_ok=True)
        tmp = os.path.join(snap, "libsourcemap.so.0.tmp")
        shutil.copy(os.path.realpath(lib), tmp)
        os.replace(tmp, os.path.join(snap, "libsourcemap.so.0"))
        if not os.path.islink(os.path.join(snap, "libsourcemap.so")):
            os.symlink("libsourcemap.so.0", os.path.join(snap, "libsourcemap.so"))
        self.lib_sha256 = sha256_file(os.path.join(snap, "libsourcemap.so.0"))
        return snap

    def c_harness(self, build):
        out = os.path.join(self.cache, "bin", "lsm_bench")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        cc = os.environ.get("CC", "cc")
        self.status["c"] = "ok"
        try:
            run([cc, "-O2", "-std=c11", "-Wall", "-Wextra", "-I" + os.path.join(ROOT, "include"),
                 os.path.join(BENCH, "lsm_bench.c"), "-o", out + ".new", "-L" + build, "-lsourcemap",
                 "-Wl,-rpath," + build, "-lpthread"])
            os.replace(out + ".new", out)
        except Exception as e:
            if not os.path.exists(out):
                raise
            # The tree may be mid-edit: keep the harness built last.
            self.status["c"] = "harness build failed, using the one built last: %s" % str(e)[:300]
            log(self.status["c"])
        return out

    def node(self):
        d = os.path.join(self.cache, "node")
        lock = os.path.join(BENCH, "js", "package-lock.json")
        want = sha256_file(lock)
        stamp = os.path.join(d, ".stamp")
        if stamp_ok(stamp, want) and os.path.isdir(os.path.join(d, "node_modules")):
            return d
        if not self.install:
            raise RuntimeError("not installed (%s); run without --smoke once" % d)
        if not shutil.which("npm"):
            raise RuntimeError("npm not found")
        os.makedirs(d, exist_ok=True)
        for f in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(BENCH, "js", f), d)
        log("npm ci (JavaScript peers and corpus tools)")
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=d)
        write_stamp(stamp, want)
        return d

    def venv(self, name):
        """A venv under the cache with bench/py/requirements-NAME.txt."""
        d = os.path.join(self.cache, "venv", name)
        req = os.path.join(BENCH, "py", "requirements-%s.txt" % name)
        want = sha256_file(req)
        stamp = os.path.join(d, ".stamp")
        py = os.path.join(d, "bin", "python")
        if stamp_ok(stamp, want) and os.path.exists(py):
            return py
        if not self.install:
            raise RuntimeError("venv %s not installed; run without --smoke once" % name)
        log("venv %s: pip install -r %s" % (name, os.path.relpath(req, ROOT)))
        shutil.rmtree(d, ignore_errors=True)
        run([sys.executable, "-m", "venv", d])
        run([py, "-m", "pip", "install", "--quiet", "--no-input", "-r", req], timeout=900)
        write_stamp(stamp, want)
        return py

    def rust(self):
        exe = os.path.join(self.cache, "rust-target", "release", "lsm-bench-rust")
        src = os.path.join(BENCH, "rust")
        h = hashlib.sha256()
        # No Cargo.lock is committed (it names the registry's index); the
        # crate is pinned exactly in Cargo.toml.
        for f in ("Cargo.toml", os.path.join("src", "main.rs")):
            with open(os.path.join(src, f), "rb") as fh:
                h.update(fh.read())
        stamp = exe + ".stamp"
        if stamp_ok(stamp, h.hexdigest()) and os.path.exists(exe):
            return exe
        if not self.install:
            raise RuntimeError("not built; run without --smoke once")
        if not shutil.which("cargo"):
            raise RuntimeError("cargo not found")
        log("cargo build (Rust sourcemap crate harness)")
        run(["cargo", "build", "--release", "--quiet", "--target-dir",
             os.path.join(self.cache, "rust-target")], cwd=src, timeout=1200)
        write_stamp(stamp, h.hexdigest())
        return exe

    def try_(self, key, fn, *a):
        try:
            r = fn(*a)
            self.status[key] = "ok"
            return r
        except Exception as e:  # recorded in the report
            self.status[key] = str(e)
            log("unavailable: %s: %s" % (key, e))
            return None


# -------------------------------------------------------------------- corpus

def fetch_package(cache, spec, integrity):
    """npm pack SPEC into the cache, check its integrity, unpack it."""
    dest = os.path.join(cache, "pkgs", spec.replace("/", "__"))
    done = os.path.join(dest, ".complete")
    if stamp_ok(done, integrity):
        return os.path.join(dest, "package")
    tball_dir = os.path.join(cache, "tarballs")
    os.makedirs(tball_dir, exist_ok=True)
    log("npm pack %s" % spec)
    p = run(["npm", "pack", "--json", "--silent", "--loglevel=error", spec], cwd=tball_dir,
            timeout=600)
    info = json.loads(p.stdout)[0]
    path = os.path.join(tball_dir, info["filename"])
    algo, want = integrity.split("-", 1)
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        h.update(f.read())
    got = base64.b64encode(h.digest()).decode()
    if got != want:
        raise RuntimeError("%s: integrity mismatch (%s-%s)" % (spec, algo, got))
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    with tarfile.open(path) as t:
        t.extractall(dest, filter="data")
    os.remove(path)
    write_stamp(done, integrity)
    return os.path.join(dest, "package")


def build_corpus(cache, node_dir, manifest, only=None):
    """Returns [{"id", "path", "origin", ...}] for every map of the full run."""
    maps, by_id, pkg_dirs = [], {}, {}
    for pkg in manifest["packages"]:
        base = fetch_package(cache, pkg["spec"], pkg["integrity"])
        pkg_dirs[pkg["spec"]] = base
        for m in pkg["maps"]:
            entry = {"id": m["id"], "path": os.path.join(base, m["path"]),
                     "origin": "npm %s: %s" % (pkg["spec"], m["path"])}
            if m.get("js"):
                entry["js"] = os.path.join(base, m["js"])
            maps.append(entry)
            by_id[m["id"]] = entry
    gen_root = os.path.join(cache, "generated")
    for g in manifest["generated"]:
        out_dir = os.path.join(gen_root, g["id"])
        os.makedirs(out_dir, exist_ok=True)
        key = json.dumps(g, sort_keys=True) + sha256_file(os.path.join(BENCH, "js", "package-lock.json"))
        stamp = os.path.join(out_dir, ".stamp")
        if g["kind"] == "esbuild":
            out_js = os.path.join(out_dir, "bundle.js")
            if not (stamp_ok(stamp, key) and os.path.exists(out_js + ".map")):
                pkg = pkg_dirs[g["package"]]
                entry = os.path.join(out_dir, "entry.js")
                with open(entry, "w") as f:
                    f.write("// generated by bench/run.py\n")
                    for i, e in enumerate(g["entries"]):
                        f.write("export * as m%d from %s;\n" % (i, json.dumps(os.path.join(pkg, e))))
                log("esbuild: bundling monaco-editor ESM sources")
                esbuild = os.path.join(node_dir, "node_modules", ".bin", "esbuild")
                run([esbuild, entry, "--bundle", "--minify", "--sourcemap", "--format=esm",
                     "--loader:.ttf=file", "--log-level=error", "--outfile=" + out_js], cwd=out_dir,
                    timeout=600)
                write_stamp(stamp, key)
            size = os.path.getsize(out_js + ".map")
            if size < g.get("min_bytes", 0):
                raise RuntimeError("%s: map is only %d bytes" % (g["id"], size))
            maps.append({"id": g["id"], "path": out_js + ".map", "origin": g["comment"]})
        elif g["kind"] == "metro":
            out_js = os.path.join(out_dir, "bundle.js")
            if not (stamp_ok(stamp, key) and os.path.exists(out_js + ".map")):
                args = []
                for part in g["parts"]:
                    args += [by_id[part]["js"], by_id[part]["path"]]
                log("metro-source-map BundleBuilder: index map from %s" % ", ".join(g["parts"]))
                run(["node", os.path.join(BENCH, "js", "metro_index.mjs"), node_dir, out_js] + args,
                    timeout=600)
                write_stamp(stamp, key)
            maps.append({"id": g["id"], "path": out_js + ".map", "origin": g["comment"]})
    if only:
        maps = [m for m in maps if re.search(only, m["id"])]
    return maps


def sample_positions(pairs, n, seed):
    rng = random.Random(seed)
    k = len(pairs)
    return [pairs[rng.randrange(k)] for _ in range(n)]


def make_positions(cache, node_dir, m):
    """Writes N_POSITIONS generated positions drawn from the map's tokens
    (decoded by trace-mapping) with a fixed seed; returns (path, tokens)."""
    d = os.path.join(cache, "positions")
    os.makedirs(d, exist_ok=True)
    out = os.path.join(d, m["id"] + ".txt")
    meta = out + ".json"
    key = "%s %d %d %s" % (sha256_file(m["path"]), SEED, N_POSITIONS, "v1")
    if os.path.exists(meta):
        with open(meta) as f:
            info = json.load(f)
        if info.get("key") == key and os.path.exists(out):
            return out, info["tokens"]
    if m.get("tokens_file"):  # trace-mapping's token dump, committed (smoke)
        pairs = []
        with open(m["tokens_file"]) as f:
            for row in f:
                parts = row.split()
                if len(parts) >= 2:
                    pairs.append((int(parts[0]), int(parts[1])))
    else:
        import array
        binf = out + ".bin"
        run(["node", "--max-old-space-size=8192", os.path.join(BENCH, "js", "tokens.mjs"), node_dir,
             m["path"], binf], timeout=600)
        a = array.array("I")
        with open(binf, "rb") as f:
            a.frombytes(f.read())
        os.remove(binf)
        if sys.byteorder != "little":
            a.byteswap()
        pairs = list(zip(a[0::2], a[1::2]))
    pos = sample_positions(pairs, N_POSITIONS, SEED)
    with open(out, "w") as f:
        f.write("".join("%d %d\n" % p for p in pos))
    with open(meta, "w") as f:
        json.dump({"key": key, "tokens": len(pairs)}, f)
    return out, len(pairs)


def make_reverse_queries(setup, tmp, m, pos):
    """The map's reverse-lookup queries (bench/py/reverse_queries.py, with
    our package), or None when they cannot be made."""
    out = os.path.join(tmp, "%s.reverse.json" % m["id"])
    env = dict(os.environ, LIBSOURCEMAP_LIBRARY=os.path.join(setup.lib_dir, "libsourcemap.so"))
    p = run([sys.executable, os.path.join(BENCH, "py", "reverse_queries.py"), m["path"], pos, out,
             str(N_REVERSE), "--python-path", os.path.join(ROOT, "python")], env=env, check=False)
    if p.returncode != 0:
        setup.status["reverse_queries_%s" % m["id"]] = (p.stderr or p.stdout).strip()[-300:]
        log("no reverse queries for %s: %s" % (m["id"], setup.status["reverse_queries_%s" % m["id"]]))
        return None
    return out


# ------------------------------------------------------------ implementations

class Impl:
    def __init__(self, key, label, runtime, cmd, env=None, peer=True, note=""):
        self.key, self.label, self.runtime = key, label, runtime
        self.cmd = cmd  # fn(map, positions, cache_file, opts) -> argv
        self.env = env
        self.peer = peer
        self.note = note


def implementations(setup, args, c_exe, node_dir):
    impls, unavailable = [], {}
    opts_c = lambda o: ["--warm", str(o["warm"]), "--budget", str(o["budget"]),
                        "--passes", str(o["passes"])]
    # The reverse-lookup queries of the map, for the implementations that
    # answer them (ours from Python, the JS peers).
    rev = lambda o: ["--reverse", o["reverse"]] if o.get("reverse") else []
    if c_exe:
        impls.append(Impl("c", "libsourcemap (C API)", "C",
                          lambda m, p, cf, o: [c_exe] + opts_c(o) + ["--cache-file", cf, "--threads", m, p],
                          peer=False))
    py_bench = os.path.join(BENCH, "py", "bench_py.py")
    env_ours = dict(os.environ)
    # the Python package's own override (python/libsourcemap/_native.py)
    env_ours["LIBSOURCEMAP_LIBRARY"] = os.path.join(setup.lib_dir, "libsourcemap.so")
    env_ours["LD_LIBRARY_PATH"] = setup.lib_dir + (
        ":" + env_ours["LD_LIBRARY_PATH"] if env_ours.get("LD_LIBRARY_PATH") else "")
    # The Python package is ours: it runs on the interpreter running this script.
    probe = run([sys.executable, "-c", "import sys; sys.path.insert(0, %r); import libsourcemap as m; "
                 "print(getattr(m, '__file__', '?')); m.View.from_json" % os.path.join(ROOT, "python")],
                env=env_ours, check=False)
    if probe.returncode == 0:
        setup.status["py-ours"] = "ok"
        impls.append(Impl("py-ours", "libsourcemap (Python package)", "Python",
                          lambda m, p, cf, o: [sys.executable, py_bench, "ours", m, p, "--cache-file", cf,
                                               "--python-path", os.path.join(ROOT, "python")] + opts_c(o)
                          + rev(o),
                          env=env_ours, peer=False))
    else:
        err = (probe.stderr.strip().splitlines() or ["?"])[-1]
        unavailable["py-ours"] = "`import libsourcemap` from python/ failed: %s" % err
    for key, name, label in (("py-sourcemap", "sourcemap", "sourcemap 0.2.1 (pure Python)"),
                             ("py-sentry", "sentry", "libsourcemap 0.8.2 (Sentry, Rust/cffi)"),
                             ("py-symbolic", "symbolic", "symbolic 13.9.0 (Sentry, Rust/cffi)")):
        if args.impls and not re.search(args.impls, key):
            continue
        py = setup.try_(key, setup.venv, name)
        if not py:
            unavailable[key] = setup.status[key]
            continue
        # does it import and parse at all on this Python?
        impls.append(Impl(key, label, "Python",
                          (lambda py, name: lambda m, p, cf, o: [py, py_bench, name, m, p, "--cache-file", cf]
                           + opts_c(o))(py, name)))
    if node_dir:
        bench_mjs = os.path.join(BENCH, "js", "bench.mjs")
        for key, name in (("js-trace-mapping", "trace-mapping"), ("js-source-map-0.7.4", "source-map-0.7.4"),
                          ("js-source-map-0.6.1", "source-map-0.6.1")):
            impls.append(Impl(key, "%s (Node %s)" % (name, platform_node()), "JavaScript",
                              (lambda name: lambda m, p, cf, o: ["node", "--expose-gc", "--max-old-space-size=16384",
                                                                 bench_mjs, node_dir, name, m, p] + opts_c(o)
                                              + rev(o))(name)))
    else:
        for key in ("js-trace-mapping", "js-source-map-0.7.4", "js-source-map-0.6.1"):
            unavailable[key] = "node packages: %s" % setup.status.get("node")
    if not args.no_rust:
        exe = setup.try_("rust-sourcemap", setup.rust)
        if exe:
            impls.append(Impl("rust-sourcemap", "sourcemap 9.3.2 (Rust crate)", "Rust",
                              lambda m, p, cf, o: [exe, m, p] + opts_c(o)))
        else:
            unavailable["rust-sourcemap"] = setup.status["rust-sourcemap"]
    else:
        unavailable["rust-sourcemap"] = "skipped (--no-rust)"
    if args.impls:
        impls = [i for i in impls if re.search(args.impls, i.key)]
    return impls, unavailable


def platform_node():
    try:
        return run(["node", "--version"]).stdout.strip()
    except Exception:
        return "?"


def measure(impl, m, pos, opts, cache_dir, timeout):
    cf = os.path.join(cache_dir, "%s.%s.cache" % (m["id"], impl.key))
    argv = impl.cmd(m["path"], pos, cf, opts)
    t0 = time.time()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=impl.env)
    except subprocess.TimeoutExpired:
        return {"error": "timed out after %ds" % timeout}
    finally:
        if os.path.exists(cf):
            os.remove(cf)
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        why = ("killed by signal %d%s" % (-p.returncode, " (SIGSEGV)" if p.returncode == -11 else "")
               if p.returncode < 0 else "exit %d" % p.returncode)
        return {"error": "%s before any result: %s" % (why, (p.stderr or p.stdout).strip()[-800:])}
    try:
        r = json.loads(lines[-1])
    except ValueError as e:
        return {"error": "unparsable result: %s" % e}
    stage = r.pop("stage", None)
    if p.returncode != 0:
        why = ("killed by signal %d" % -p.returncode if p.returncode < 0 else "exit %d" % p.returncode)
        tail = p.stderr.strip()[-600:]
        if stage:  # died during a late figure: keep the earlier ones
            r[stage] = {"error": "process %s during the %s figures%s" % (why, stage, (": " + tail) if tail else "")}
        else:
            r.setdefault("error", "%s: %s" % (why, tail))
    r["wall_s"] = time.time() - t0
    # cache opens are timed up to 1000 times: keep their median and count
    c = r.get("cache")
    if isinstance(c, dict):
        for key in ("open_s", "open_path_s"):
            if isinstance(c.get(key), list) and c[key]:
                c[key + "_n"] = len(c[key])
                c[key + "_min"] = min(c[key])
                c[key] = statistics.median(c[key])
    return r


# ------------------------------------------------------------- peak RSS

def peak_rss_run(setup, maps, node_dir, args, reps):
    """Peak RSS of a fresh process loading each map from a path, every
    implementation the same way (bench/rss.py); None when --no-rss."""
    if getattr(args, "no_rss", False):
        return None
    import rss  # bench/rss.py, beside this file

    venvs = {"sourcemap": os.path.join(setup.cache, "venv", "sourcemap", "bin", "python")}
    try:
        drvs, missing = rss.drivers(setup.cache, setup.lib_dir, node_dir, venvs, args.impls,
                                    install=setup.install)
    except Exception as e:  # recorded in the report
        setup.status["peak_rss"] = "drivers failed: %s" % e
        return None
    setup.status["peak_rss"] = "ok"
    res = rss.measure_all(maps, drvs, reps, log=log)
    res["labels"] = {d.key: d.label for d in drvs}
    res["ours"] = [d.key for d in drvs if d.ours]
    res["unavailable"] = missing
    res["table"] = rss.table(res, drvs)
    return res


# --------------------------------------------------------------- aggregation

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def per_process(r, key):
    v = r.get(key)
    if isinstance(v, list):
        return med(v)
    return v


def summarize(runs, map_bytes, positions, tokens):
    """Medians over processes of each figure for one (map, impl)."""
    ok = [r for r in runs if "error" not in r and "unavailable" not in r]
    s = {"runs": len(runs), "ok_runs": len(ok)}
    errs = sorted({r.get("error") or r.get("unavailable") for r in runs if r not in ok})
    if errs:
        s["errors"] = errs
    if not ok:
        return s
    s["version"] = ok[0].get("version")
    warm = [per_process(r, "parse_warm_s") for r in ok]
    s["ready_warm"] = med(warm)
    borrowed = [per_process(r, "parse_warm_borrow_s") for r in ok]
    s["ready_warm_borrow"] = med(borrowed)
    s["ready_cold"] = med([r.get("parse_cold_s") for r in ok])
    mems = [r.get("mem_increase_bytes") for r in ok if r.get("mem_increase_bytes") is not None]
    # VmHWM has a resolution of a few hundred kB (per-CPU RSS counters), and
    # a JavaScript heap reuses pages freed by GC: clamp tiny negatives to 0
    s["mem"] = med([max(0, x) / map_bytes for x in mems]) if mems else None
    s["mem_bytes"] = med(mems)
    lk = [per_process(r, "lookup_s") for r in ok]
    s["lookup"] = med([x / positions * 1e9 for x in lk if x is not None])
    bt = [per_process(r, "batch_s") for r in ok if r.get("batch_s")]
    s["batch"] = med([x / positions * 1e9 for x in bt]) if bt else None
    co = [per_process(r, "columns_s") for r in ok if r.get("columns_s")]
    s["columns"] = med([x / positions * 1e9 for x in co]) if co else None
    it = [(per_process(r, "iter_s"), r.get("tokens")) for r in ok]
    s["iter"] = med([x / n * 1e9 for x, n in it if x is not None and n])
    s["tokens"] = ok[0].get("tokens")
    for key in ("iter_error", "batch_error"):
        e = next((r[key] for r in ok if r.get(key)), None)
        if e:
            s[key] = e
    s["lookup_found"] = ok[0].get("lookup_found")
    s["lookup_checksum"] = ok[0].get("lookup_checksum")
    rq = [r for r in ok if r.get("reverse_s") and r.get("reverse_queries")]
    if rq:
        s["reverse_first"] = med([r.get("reverse_first_s") for r in rq])
        s["reverse"] = med([per_process(r, "reverse_s") / r["reverse_queries"] * 1e9 for r in rq])
        s["reverse_all"] = med([per_process(r, "reverse_all_s") / r["reverse_queries"] * 1e9
                                for r in rq if r.get("reverse_all_s")])
        s["encode"] = med([per_process(r, "encode_s") for r in rq if r.get("encode_s")])
        for key in ("reverse_found", "reverse_checksum", "reverse_all_found", "reverse_all_checksum",
                    "encode_bytes"):
            s[key] = rq[0].get(key)
    e = next((r["reverse_error"] for r in ok if r.get("reverse_error")), None)
    if e:
        s["reverse_error"] = e
    s["batch_checksum"] = ok[0].get("batch_checksum")
    caches = [r["cache"] for r in ok if isinstance(r.get("cache"), dict)]
    if caches:
        good = [c for c in caches if "error" not in c and c.get("open_s")]
        c = {}
        if not good:
            c["error"] = caches[0].get("error", "no cache figures")
        else:
            ntok = tokens or s["tokens"] or 0
            c["dump"] = med([per_process(x, "dump_s") for x in good])
            c["size"] = med([x.get("size_bytes") for x in good])
            c["bpt"] = c["size"] / ntok if ntok and c["size"] else None
            nc = [x.get("size_no_contents_bytes") for x in good if x.get("size_no_contents_bytes")]
            c["bpt_nc"] = med(nc) / ntok if nc and ntok else None
            c["open"] = med([per_process(x, "open_s") for x in good])
            c["open_path"] = med([per_process(x, "open_path_s") for x in good])
            c["clookup"] = med([per_process(x, "lookup_s") / positions * 1e9 for x in good if x.get("lookup_s")])
            cb = [per_process(x, "batch_s") / positions * 1e9 for x in good if x.get("batch_s")]
            c["cbatch"] = med(cb) if cb else None
            c["lookup_checksum"] = good[0].get("lookup_checksum")
            c["lookup_found"] = good[0].get("lookup_found")
        s["cache"] = c
    th = [r["threads"] for r in ok if isinstance(r.get("threads"), dict)]
    if th:
        sp = [t["speedup"] for t in th if "speedup" in t]
        s["threads_speedup"] = med(sp) if sp else None
        cs = [t["control_speedup"] for t in th if "control_speedup" in t]
        s["threads_control_speedup"] = med(cs) if cs else None
        if not sp:
            s["threads_error"] = th[0].get("error")
    return s


def ratios(summary, impl_keys, peer_keys, figures, sub=None, runtimes=None):
    """For each figure: the fastest peer and every implementation's value
    divided by the fastest peer's (below 1: better than every peer); also
    the fastest peer of each runtime (to set Python against Python)."""
    out = {}
    for key, *_ in figures:
        def val(k):
            s = summary.get(k) or {}
            if sub:
                s = s.get(sub) or {}
            v = s.get(key)
            return v if isinstance(v, (int, float)) else None
        peers = [(val(k), k) for k in peer_keys if val(k) is not None]
        if not peers:
            continue
        best, best_k = min(peers)
        if best <= 0:
            continue
        out[key] = {"fastest_peer": best_k, "fastest_peer_value": best,
                    "ratio": {k: (val(k) / best if val(k) is not None and best else None) for k in impl_keys}}
        if runtimes:
            by_rt = {}
            for v, k in sorted(peers):
                by_rt.setdefault(runtimes[k], {"fastest_peer": k, "fastest_peer_value": v})
            out[key]["by_runtime"] = by_rt
    return out


# ------------------------------------------------------------ symbolication

def measure_symbolication(setup, maps, timeout):
    """Stack frames on the monaco bundle, ours and symbolic's
    SourceMapCache in one process (bench/symbolication.py, run on the
    `symbolic` venv with this package on its path): cold first frame,
    warm frames, first frame from a version 3 cache file, frames named.
    None when the monaco bundle is not in the corpus."""
    m = next((m for m in maps if m["id"] == "monaco-esbuild"), None)
    if m is None:
        return None
    bundle = m["path"][:-len(".map")]
    py = setup.try_("py-symbolic", setup.venv, "symbolic")
    if not py or not os.path.exists(bundle):
        return {"error": "no symbolic venv or no bundle beside %s" % m["path"]}
    env = dict(os.environ)
    env["LIBSOURCEMAP_LIBRARY"] = os.path.join(setup.lib_dir, "libsourcemap.so")
    log("symbolication: %s, 2000 frames, 5 context lines, ours and symbolic" % m["id"])
    r = run([py, os.path.join(BENCH, "symbolication.py"), bundle, m["path"], "--frames", "2000",
             "--context", "5"], env=env, check=False, timeout=timeout)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["?"])[-1][:300]}
    out = json.loads(r.stdout)
    out["map"] = m["id"]
    return out


# --------------------------------------------------------------------- goals

def goals(results):
    """How far we are from each design goal, per map and worst case."""
    maps = results["maps"]
    rows = []

    def add(name, target, measured, passed, detail):
        rows.append({"goal": name, "target": target, "measured": measured,
                     "met": passed, "detail": detail})

    def fig(m, impl, key, sub=None):
        s = m["summary"].get(impl) or {}
        if sub:
            s = s.get(sub) or {}
        v = s.get(key)
        return v if isinstance(v, (int, float)) else None

    pr = results.get("peak_rss") or {}
    for impl in pr.get("ours", []):
        det, worst = [], None
        for row in pr.get("maps", []):
            v = row["ratio"].get(impl)
            if v is None or row["bytes"] < 1_000_000:
                continue
            det.append("%s %.2fx" % (row["id"], v))
            worst = v if worst is None else max(worst, v)
        base = pr.get("baseline", {}).get(impl)
        if base is not None:
            det.append("empty process %.1f MB" % (base / 1e6))
        add("peak RSS of a fresh process loading from a path <= 1.5x file size, maps >= 1 MB "
            "(%s, nothing subtracted)" % impl, "<= 1.5x", None if worst is None else "worst %.2fx" % worst,
            None if worst is None else worst <= 1.5, "; ".join(det))
    big = [m for m in maps if m["bytes"] >= 10_000_000]
    # The C API's figure twice: copying what the view keeps of the input,
    # and borrowing it (LSM_LOAD_BORROW, what Python's bytes and every
    # from_path load do). Each row says which.
    ready = [("c", "ready_warm", "c, warm, input copied"),
             ("c", "ready_warm_borrow", "c, warm, input borrowed"),
             ("py-ours", "ready_warm", "py-ours, warm")]
    for impl, key, label in ready:
        det, worst = [], None
        for m in big:
            r = m["ratios"].get("ready_warm", {})
            ours = fig(m, impl, key)
            if ours is None or not r:
                continue
            sp = r["fastest_peer_value"] / ours
            det.append("%s %.2fx vs %s" % (m["id"], sp, r["fastest_peer"]))
            worst = sp if worst is None else min(worst, sp)
        add("lookup-ready >= 3x faster than the fastest peer, maps >= 10 MB (%s)" % label,
            ">= 3x", None if worst is None else "worst %.2fx" % worst,
            None if worst is None else worst >= 3, "; ".join(det))
    for impl, key, label in ready:
        det, worst = [], None
        for m in maps:
            a, b = fig(m, impl, key), fig(m, "py-sourcemap", "ready_warm")
            if a is None or b is None:
                continue
            sp = b / a
            det.append("%s %.0fx" % (m["id"], sp))
            worst = sp if worst is None else min(worst, sp)
        add("lookup-ready >= 100x faster than pure-Python sourcemap (%s)" % label, ">= 100x",
            None if worst is None else "worst %.0fx" % worst, None if worst is None else worst >= 100,
            "; ".join(det))
    for impl in OURS:
        det, worst = [], None
        for m in maps:
            v = fig(m, impl, "mem")
            if v is None:
                continue
            det.append("%s %.2fx" % (m["id"], v))
            worst = v if worst is None else max(worst, v)
        add("peak memory increase <= 1.5x map size (%s)" % impl, "<= 1.5x",
            None if worst is None else "worst %.2fx" % worst, None if worst is None else worst <= 1.5,
            "; ".join(det))
    det, worst = [], None
    largest = sorted(maps, key=lambda m: -m["bytes"])[:3]
    for m in largest:
        v = fig(m, "py-ours", "lookup")
        if v is None:
            continue
        det.append("%s %.0f ns" % (m["id"], v))
        worst = v if worst is None else max(worst, v)
    add("lookup_token from Python <= 1 us/call on the largest maps", "<= 1000 ns",
        None if worst is None else "worst %.0f ns" % worst, None if worst is None else worst <= 1000,
        "; ".join(det) or "Python package not available")
    # Against Sentry's 0.8.2, same positions, same run: lookup_token at
    # least 3x faster, lookup_columns at least 25x faster per position
    # than 0.8.2's lookup_token.
    for key, need, label in (("lookup", 3, "lookup_token"), ("columns", 25, "lookup_columns")):
        det, worst = [], None
        for m in maps:
            ours, theirs = fig(m, "py-ours", key), fig(m, "py-sentry", "lookup")
            if ours is None or theirs is None or not ours:
                continue
            r = theirs / ours
            det.append("%s %.1fx" % (m["id"], r))
            worst = r if worst is None else min(worst, r)
        add("%s >= %dx faster than 0.8.2's lookup_token (per position)" % (label, need),
            ">= %dx" % need, None if worst is None else "worst %.1fx" % worst,
            None if worst is None else worst >= need, "; ".join(det) or "0.8.2 or ours not measured")
    for impl in OURS:
        det, worst = [], None
        for m in maps:
            v = fig(m, impl, "batch")
            if v is None:
                continue
            det.append("%s %.0f ns" % (m["id"], v))
            worst = v if worst is None else max(worst, v)
        add("batch lookups <= 100 ns/position (%s)" % impl, "<= 100 ns",
            None if worst is None else "worst %.0f ns" % worst, None if worst is None else worst <= 100,
            "; ".join(det))
    for key, label in (("open", "bytes in memory"), ("open_path", "path")):
        det, worst, errs = [], None, []
        for m in maps:
            v = fig(m, "c", key, "cache")
            if v is None:
                e = ((m["summary"].get("c") or {}).get("cache") or {}).get("error")
                if e:
                    errs.append(e)
                continue
            det.append("%s %.1f us" % (m["id"], v * 1e6))
            worst = v if worst is None else max(worst, v)
        add("cache open in microseconds whatever the size (C, %s)" % label, "< 100 us on every map",
            None if worst is None else "worst %.1f us" % (worst * 1e6),
            None if worst is None else worst < 100e-6, "; ".join(det) or "; ".join(sorted(set(errs))))
    for key, label in (("bpt_nc", "without sourcesContent"), ("bpt", "default flags, with sourcesContent")):
        det, worst = [], None
        for m in maps:
            v = fig(m, "c", key, "cache")
            if v is None:
                continue
            det.append("%s %.1f" % (m["id"], v))
            worst = v if worst is None else max(worst, v)
        add("<= 12 bytes per token (cache size / tokens, %s)" % label, "<= 12 B",
            None if worst is None else "worst %.1f B" % worst, None if worst is None else worst <= 12,
            "; ".join(det))
    # A shared machine may not give us two cores: the C harness runs a
    # CPU-only spin on the same threads as a control. The goal is judged on
    # the maps where the control shows two cores were there (>= 1.8x).
    det, worst, raw_worst, n_free = [], None, None, 0
    for m in maps:
        v = fig(m, "c", "threads_speedup")
        if v is None:
            continue
        ctl = fig(m, "c", "threads_control_speedup")
        det.append("%s %.2fx (control %s)" % (m["id"], v, "%.2fx" % ctl if ctl else "?"))
        raw_worst = v if raw_worst is None else min(raw_worst, v)
        if ctl is not None and ctl >= 1.8:
            n_free += 1
            worst = v if worst is None else min(worst, v)
    if worst is not None:
        measured = "worst %.2fx on the %d map(s) where the control spin reached >= 1.8x (worst %.2fx overall)" % (
            worst, n_free, raw_worst)
    elif raw_worst is not None:
        measured = "no map had two free cores (control < 1.8x everywhere); worst %.2fx" % raw_worst
    else:
        measured = None
    add("two threads parse >= 1.7x one thread (C), judged where a CPU-only control spin on the same "
        "threads shows the shared machine gave two cores", ">= 1.7x", measured,
        None if worst is None else worst >= 1.7, "; ".join(det))
    sym = results.get("symbolication") or {}
    r = sym.get("ratios") or {}
    for key, name, target in (
            ("cold_first_frame_vs_smca_build", "cold first frame vs symbolic SMCA build (monaco)", 10),
            ("warm_frame_vs_smca_lookup", "each further frame vs SMCA lookup, 5 context lines", 10),
            ("cache_first_frame_vs_smca_build", "first frame from a cache file vs SMCA build", 1000)):
        if key in r:
            add(name, ">= %dx" % target, "%sx" % r[key], r[key] >= target,
                "bench/symbolication.py, same run")
    if "frames_named" in sym and "smca_frames_named" in sym:
        add("frames named >= SMCA's (monaco, 2000 frames)", ">= %d" % sym["smca_frames_named"],
            sym["frames_named"], sym["frames_named"] >= sym["smca_frames_named"],
            "SMCA's <anonymous> not counted")
    return rows


# ------------------------------------------------------------------- report

def fmt(v, scale=1.0):
    if v is None:
        return "–"
    x = v * scale
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    if x >= 1:
        return "%.2f" % x
    return "%.3g" % x


def machine():
    def cmd(argv):
        try:
            return run(argv, check=False).stdout.strip().splitlines()[0]
        except Exception:
            return "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = "%.1f GiB" % (int(f.readline().split()[1]) / 1024 / 1024)
    except OSError:
        pass
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = ["?"]
    git = cmd(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], check=False).stdout.strip()
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "kernel": platform.release(),
        "os": cmd(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "python": platform.python_version(), "node": cmd(["node", "--version"]),
        "rustc": cmd(["rustc", "--version"]), "cc": cmd(["cc", "--version"]),
        "meson": cmd(["meson", "--version"]), "loadavg_at_start": " ".join(load),
        "git": git + (" (uncommitted changes)" if dirty else ""),
    }


def write_report(results, out_dir):
    L = []
    mach = results["machine"]
    L.append("# libsourcemap benchmark results\n")
    L.append("Generated by `%s` on %s; %d repetition(s) per map, implementations alternated per "
             "repetition, each in a fresh process. Lookup positions: %d per map, drawn with seed %d from "
             "the tokens @jridgewell/trace-mapping decodes, the same for every implementation.%s\n" % (
                 results["command"], results["date"], results["reps"], N_POSITIONS, SEED,
                 " **Smoke run: timings are not meaningful.**" if results["smoke"] else ""))
    L.append("**Machine:** %d CPUs, %s, %s RAM, Linux %s, %s; Python %s, Node %s, %s, %s, meson %s; "
             "libsourcemap %s at %s.\n" % (
                 mach["nproc"], mach["cpu"], mach["memory"], mach["kernel"], mach["os"], mach["python"],
                 mach["node"], mach["rustc"], mach["cc"], mach["meson"], results.get("library_version", "?"),
                 mach["git"]))
    L.append("Load average (1, 5, 15 min) at the start: %s; at the end: %s (other work on the machine; "
             "with 2 CPUs, anything above ~1 competes with the measurements).\n"
             % (mach.get("loadavg_at_start", "?"), mach.get("loadavg_at_end", "?")))
    L.append("On this shared machine absolute numbers drift between runs; the ratios (measured in the "
             "same run, alternating) are what to compare.\n")
    if "composition" in results:
        L.extend(compose_bench.report(results["composition"]))
    sym = results.get("symbolication")
    if sym:
        L.append("## Symbolication (%s, %s frames, %s context lines; ours and symbolic's "
                 "SourceMapCache, same run)\n" % (sym.get("map"), sym.get("frames"), sym.get("context")))
        if "error" in sym:
            L.append("Not measured: %s\n" % sym["error"])
        else:
            L.append("| | ours | symbolic SMCA |\n|---|---|---|")
            L.append("| first frame, no cache file | %s ms | build %s ms |" % (
                sym["cold_first_frame_ms"], sym.get("smca_build_ms")))
            L.append("| each further frame (median) | %s us | %s us |" % (
                sym["warm_frame_us"], sym.get("smca_warm_frame_us")))
            L.append("| first frame with a version 3 cache file | %s ms (library path %s ms) | - |" % (
                sym["cache_first_frame_ms"], sym["cache_open_frame_ms"]))
            L.append("| each further frame from the cache file (median) | %s us | - |" % sym["cache_warm_frame_us"])
            L.append("| frames with a function name | %s | %s (excluding `<anonymous>`) |\n" % (
                sym["frames_named"], sym.get("smca_frames_named")))
    L.append("## Goals\n")
    L.append("| goal | target | measured | met | per map |")
    L.append("|---|---|---|---|---|")
    for g in results["goals"]:
        met = {True: "yes", False: "**no**", None: "n/a"}[g["met"]]
        L.append("| %s | %s | %s | %s | %s |" % (g["goal"], g["target"], g["measured"] or "–", met,
                                                g["detail"] or ""))
    L.append("")
    L.append("## Implementations\n")
    L.append("| key | implementation | runtime | status |")
    L.append("|---|---|---|---|")
    for k, info in results["implementations"].items():
        L.append("| %s | %s | %s | %s |" % (k, info.get("label", k), info.get("runtime", ""),
                                           "measured" if info["available"] else "**unavailable**: " +
                                           info["reason"].replace("\n", " ").replace("|", "/")[:600]))
    L.append("")
    L.append("## Maps\n")
    L.append("| map | size | tokens | origin |")
    L.append("|---|---|---|---|")
    for m in results["maps"]:
        L.append("| %s | %.2f MB | %s | %s |" % (m["id"], m["bytes"] / 1e6, m["tokens"], m["origin"]))
    L.append("")
    L.append("## Medians per map\n")
    L.append("Each cell: median, then in parentheses its ratio to the fastest peer's median for that "
             "figure (value ÷ fastest peer; below 1 means better than every peer; the fastest peer is "
             "marked 1); for our Python package also the ratio to the fastest Python peer. Lookup-ready is from the JSON bytes in memory to the first lookup answered "
             "(lazy peers do one lookup so their decoding counts); warm is the median of repeated "
             "parses in one process, cold the first parse in a fresh process. Peak memory is the "
             "VmHWM increase over the process with the bytes loaded, as a multiple of the map size. "
             "Batch: ours through lsm_lookup_many / lookup_tokens, compared with the peers' single "
             "lookups. Reverse and encode (ours from Python, the JavaScript peers): the same "
             "%d original positions per map (bench/py/reverse_queries.py: token positions moved by "
             "-2..+2 columns), sources named as written for the peers and by index for ours; the "
             "first reverse lookup on a fresh map builds the index; encoding writes the whole map "
             "as JSON text (trace-mapping: encodedMappings of freshly decoded mappings and "
             "JSON.stringify; source-map: SourceMapGenerator.fromSourceMap().toString()).\n"
             % N_REVERSE)
    runtimes = {k: v.get("runtime") for k, v in results["implementations"].items()}
    for m in results["maps"]:
        L.append("### %s (%.2f MB, %s tokens)\n" % (m["id"], m["bytes"] / 1e6, m["tokens"]))
        heads = ["implementation"] + ["%s (%s)" % (t, u) for _, t, u, _ in FIGURES]
        L.append("| " + " | ".join(heads) + " |")
        L.append("|" + "---|" * len(heads))
        for k in m["order"]:
            s = m["summary"].get(k) or {}
            if not s.get("ok_runs"):
                L.append("| %s | %s |" % (k, "failed: " + "; ".join(s.get("errors", ["?"]))[:300]
                                          .replace("\n", " ").replace("|", "/")))
                continue
            cells = [k]
            for key, _, _, scale in FIGURES:
                v = s.get(key)
                c = fmt(v, scale)
                if v is not None:
                    base = m["ratios"].get("batch_vs_lookup" if key == "batch" else key)
                    if base and base.get("fastest_peer_value"):
                        c += " (%s" % fmt(v / base["fastest_peer_value"])
                        same = (base.get("by_runtime") or {}).get(runtimes.get(k))
                        if k in OURS and same and same["fastest_peer"] != base["fastest_peer"]:
                            c += "; %s peers %s" % (runtimes[k], fmt(v / same["fastest_peer_value"]))
                        c += ")"
                cells.append(c)
            L.append("| " + " | ".join(cells) + " |")
        L.append("")
        notes = []
        for k in m["order"]:
            s = m["summary"].get(k) or {}
            for key in ("iter_error", "batch_error"):
                if s.get(key):
                    notes.append("%s %s: %s" % (k, key.split("_")[0], s[key].splitlines()[0][:200]))
        if notes:
            L.append("Figures that failed: " + "; ".join(notes).replace("|", "/") + "\n")
        cache_rows = [k for k in m["order"] if (m["summary"].get(k) or {}).get("cache")]
        if cache_rows:
            heads = ["cache (%s)" % m["id"]] + ["%s (%s)" % (t, u) for _, t, u, _ in CACHE_FIGURES]
            L.append("| " + " | ".join(heads) + " |")
            L.append("|" + "---|" * len(heads))
            for k in cache_rows:
                c = m["summary"][k]["cache"]
                if "error" in c:
                    L.append("| %s | unavailable: %s |" % (k, c["error"][:300].replace("|", "/")))
                    continue
                cells = [k]
                for key, _, _, scale in CACHE_FIGURES:
                    v = c.get(key)
                    cell = fmt(v, scale)
                    base = m["cache_ratios"].get(key)
                    if v is not None and base and base.get("fastest_peer_value"):
                        cell += " (%s)" % fmt(v / base["fastest_peer_value"])
                    cells.append(cell)
                L.append("| " + " | ".join(cells) + " |")
            L.append("")
        sp = (m["summary"].get("c") or {}).get("threads_speedup")
        if sp is not None:
            ctl = (m["summary"].get("c") or {}).get("threads_control_speedup")
            L.append("Two threads parsing the same bytes vs one (C): **%.2fx** (a CPU-only spin on the same "
                     "threads at the same time: %s, i.e. what the shared machine allowed).\n"
                     % (sp, "%.2fx" % ctl if ctl else "?"))
        if m.get("disagreements"):
            L.append("Lookup results differing from the C API's (found count / checksum of src line+col "
                     "over 100k positions; differences in lookup rules, not errors): %s\n"
                     % "; ".join(m["disagreements"]))
    pr = results.get("peak_rss")
    if pr:
        L.append("## Peak RSS loading from a path\n")
        L.append("Each cell: the peak resident set of a fresh process that reads or maps the file, parses "
                 "it and looks up one position (`ru_maxrss`, nothing subtracted), divided by the file size; "
                 "bench/rss.py, median of %d process(es). The last row is the same driver started without a "
                 "map: the empty process, shown so that the ratios can be read with it in mind.\n"
                 % results["reps"])
        L.append(pr["table"])
        L.append("")
        for k, why in sorted((pr.get("unavailable") or {}).items()):
            L.append("- %s: not measured (%s)" % (k, why))
        L.append("")
    L.append("## Setup\n")
    for k, v in sorted(results["setup"].items()):
        L.append("- %s: %s" % (k, v.replace("\n", " ")[:600]))
    L.append("")
    with open(os.path.join(out_dir, "RESULTS.md"), "w") as f:
        f.write("\n".join(L))


def plot(setup, results, out_dir, json_path):
    py = setup.try_("plot", setup.venv, "tools")
    if not py:
        return "matplotlib venv unavailable: %s" % setup.status["plot"]
    p = run([py, os.path.join(BENCH, "plot.py"), json_path, os.path.join(out_dir, "ratios.png")],
            check=False)
    if p.returncode != 0:
        return "plot failed: %s" % p.stderr.strip()[-500:]
    return "ok"


# ---------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true",
                    help="one small committed map, 1 repetition, installs nothing, asserts no timings")
    ap.add_argument("--reps", type=int, help="processes per (map, implementation); default 3 (smoke 1)")
    ap.add_argument("--maps", help="regex: only maps whose id matches")
    ap.add_argument("--impls", help="regex: only implementations whose key matches")
    ap.add_argument("--no-rust", action="store_true", help="skip the Rust peer")
    ap.add_argument("--no-rss", action="store_true", help="skip the peak RSS processes (bench/rss.py)")
    ap.add_argument("--cache", default=os.environ.get("LSM_BENCH_CACHE", os.path.join(BENCH, ".corpus")),
                    help="cache directory (default bench/.corpus or $LSM_BENCH_CACHE)")
    ap.add_argument("--out", help="results directory (default bench/results; smoke: CACHE/smoke-results)")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per measuring process")
    ap.add_argument("--report-only", action="store_true",
                    help="measure nothing: rewrite RESULTS.md and ratios.png from OUT/results.json")
    args = ap.parse_args()
    if args.report_only:
        return report_only(args)
    started = time.time()
    reps = args.reps or (1 if args.smoke else 3)
    opts = ({"warm": 2, "budget": 0.5, "passes": 1} if args.smoke
            else {"warm": 5, "budget": 2.0, "passes": 3})
    cache = os.path.abspath(args.cache)
    out_dir = os.path.abspath(args.out or (os.path.join(cache, "smoke-results") if args.smoke
                                           else os.path.join(BENCH, "results")))
    os.makedirs(out_dir, exist_ok=True)
    setup = Setup(cache, args.smoke, install=not args.smoke)

    log("building libsourcemap and the C harness")
    build = setup.library()
    setup.lib_dir = build
    c_exe = setup.c_harness(build)
    lib_version = run([sys.executable, "-c", "import ctypes; l = ctypes.CDLL(%r); l.lsm_version.restype = "
                       "ctypes.c_char_p; print(l.lsm_version().decode())" % os.path.join(build, "libsourcemap.so")],
                      check=False).stdout.strip()
    node_dir = setup.try_("node", setup.node)

    manifest = json.load(open(os.path.join(BENCH, "corpus", "corpus.json")))
    if args.smoke:
        sm = manifest["smoke"]
        maps = [{"id": sm["id"], "path": os.path.join(ROOT, sm["path"]),
                 "tokens_file": os.path.join(ROOT, sm["tokens"]),
                 "origin": "committed fixture %s" % sm["path"]}]
    else:
        if not node_dir:
            sys.exit("bench: the corpus needs node packages: %s" % setup.status["node"])
        maps = build_corpus(cache, node_dir, manifest, args.maps)
    impls, unavailable = implementations(setup, args, c_exe, node_dir)
    log("implementations: %s" % ", ".join(i.key for i in impls))
    for k, why in unavailable.items():
        log("skipping %s: %s" % (k, why))

    tmp = os.path.join(cache, "tmp")
    os.makedirs(tmp, exist_ok=True)
    results = {"command": "python3 bench/run.py" + (" --smoke" if args.smoke else ""),
               "date": datetime.datetime.now().isoformat(timespec="seconds"), "smoke": args.smoke,
               "reps": reps, "options": opts, "seed": SEED, "positions": N_POSITIONS,
               "library_version": lib_version, "library_sha256": setup.lib_sha256, "machine": machine(), "maps": [],
               "implementations": {}, "out_dir": out_dir}
    for i in impls:
        results["implementations"][i.key] = {"label": i.label, "runtime": i.runtime, "available": True,
                                             "peer": i.peer}
    for k, why in unavailable.items():
        results["implementations"][k] = {"available": False, "reason": why, "peer": k not in OURS}

    for m in maps:
        size = os.path.getsize(m["path"])
        if node_dir is None and not m.get("tokens_file"):
            continue
        pos, ntok = make_positions(cache, node_dir, m)
        log("map %s: %.2f MB, %d tokens" % (m["id"], size / 1e6, ntok))
        map_opts = dict(opts, reverse=make_reverse_queries(setup, tmp, m, pos))
        raw = {i.key: [] for i in impls}
        for rep in range(reps):
            k = rep % len(impls)
            order = impls[k:] + impls[:k]
            if rep % 2:
                order = order[::-1]
            for impl in order:
                r = measure(impl, m, pos, map_opts, tmp, args.timeout)
                r["rep"] = rep
                raw[impl.key].append(r)
                log("  rep %d %-20s %s" % (rep + 1, impl.key, "error: " + str(r.get("error") or r.get("unavailable"))[:200]
                                          if ("error" in r or "unavailable" in r) else
                                          "ready %.1f ms, %.0f s" % (1e3 * (per_process(r, "parse_warm_s") or 0), r["wall_s"])))
        summary = {k: summarize(v, size, N_POSITIONS, ntok) for k, v in raw.items()}
        # An implementation that could not even import is unavailable, not failed.
        for i in impls:
            un = [r.get("unavailable") for r in raw[i.key] if r.get("unavailable")]
            if un:
                results["implementations"][i.key].update(available=False, reason=un[0])
        keys = [i.key for i in impls]
        peers = [i.key for i in impls if i.peer]
        runtimes = {i.key: i.runtime for i in impls}
        rt = ratios(summary, keys, peers, FIGURES, runtimes=runtimes)
        # batch lookups have no peer equivalent: compare with the peers' single lookups
        if "lookup" in rt:
            rt["batch_vs_lookup"] = {"fastest_peer": rt["lookup"]["fastest_peer"],
                                     "fastest_peer_value": rt["lookup"]["fastest_peer_value"],
                                     "by_runtime": rt["lookup"].get("by_runtime", {})}
        cr = ratios(summary, keys, peers, CACHE_FIGURES, sub="cache", runtimes=runtimes)
        ref = summary.get("c") or {}
        dis = []
        for k in keys:
            s = summary.get(k) or {}
            if k != "c" and s.get("lookup_found") is not None and ref.get("lookup_found") is not None:
                if (s["lookup_found"], s["lookup_checksum"]) != (ref["lookup_found"], ref["lookup_checksum"]):
                    dis.append("%s found %s (C %s), checksum %s (C %s)" % (
                        k, s["lookup_found"], ref["lookup_found"], s["lookup_checksum"], ref["lookup_checksum"]))
        # Reverse answers: ours and trace-mapping mean the same thing.
        tm_s, ours_s = summary.get("js-trace-mapping") or {}, summary.get("py-ours") or {}
        for key in ("reverse", "reverse_all"):
            a = (ours_s.get(key + "_found"), ours_s.get(key + "_checksum"))
            b = (tm_s.get(key + "_found"), tm_s.get(key + "_checksum"))
            if None not in a and None not in b and a != b:
                dis.append("%s: py-ours found %s, checksum %s; trace-mapping %s, %s" % ((key,) + a + b))
        results["maps"].append({"id": m["id"], "path": os.path.relpath(m["path"], ROOT),
                                "origin": m["origin"], "bytes": size, "tokens": ntok,
                                "sha256": sha256_file(m["path"]), "order": keys, "summary": summary,
                                "ratios": rt, "cache_ratios": cr, "disagreements": dis, "raw": raw})

    log("peak RSS: a fresh process per (map, implementation), loading from the path")
    results["peak_rss"] = peak_rss_run(setup, [m for m in maps if os.path.exists(m["path"])], node_dir,
                                       args, reps)
    if not args.smoke:
        results["symbolication"] = measure_symbolication(setup, maps, args.timeout)
    # Composition against @jridgewell/remapping (bench/compose_bench.py).
    results["composition"] = compose_bench.measure(
        maps, cache, args.smoke, os.path.join(setup.lib_dir, "libsourcemap.so"), args.timeout, log)
    results["goals"] = goals(results)
    results["setup"] = dict(setup.status)
    results["elapsed_s"] = round(time.time() - started, 1)
    try:
        results["machine"]["loadavg_at_end"] = " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        pass
    json_path = os.path.join(out_dir, "results.json")
    results = repo_relative(results)
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, out_dir)
    plot_status = plot(setup, results, out_dir, json_path)
    results["setup"]["plot"] = plot_status
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
    write_report(results, out_dir)
    log("wrote %s, %s (%s) in %.0f s" % (json_path, os.path.join(out_dir, "RESULTS.md"),
                                          "ratios.png" if plot_status == "ok" else plot_status,
                                          time.time() - started))

    if args.smoke:
        smoke_checks(results, impls)


def report_only(args):
    cache = os.path.abspath(args.cache)
    out_dir = os.path.abspath(args.out or (os.path.join(cache, "smoke-results") if args.smoke
                                           else os.path.join(BENCH, "results")))
    json_path = os.path.join(out_dir, "results.json")
    with open(json_path) as f:
        results = json.load(f)
    results["goals"] = goals(results)
    results = repo_relative(results)
    setup = Setup(cache, args.smoke, install=False)
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
    results["setup"]["plot"] = plot(setup, results, out_dir, json_path)
    write_report(results, out_dir)
    log("rewrote %s and ratios.png (%s)" % (os.path.join(out_dir, "RESULTS.md"), results["setup"]["plot"]))


def smoke_checks(results, impls):
    """Structure only, never timings: every available implementation
    produced every figure it claims, and the report files exist."""
    checks = []  # (name, problem or None)
    m = results["maps"][0]
    for i in impls:
        s = m["summary"].get(i.key) or {}
        if results["implementations"][i.key].get("available") is False:
            print("smoke: skipped %s: %s" % (i.key, results["implementations"][i.key].get("reason")))
            continue
        if not s.get("ok_runs"):
            checks.append((i.key, "no successful run: %s" % s.get("errors")))
            continue
        missing = [k for k in ("ready_warm", "ready_cold", "lookup", "iter", "tokens") if s.get(k) is None]
        checks.append((i.key, "missing figures %s" % missing if missing else None))
    c = m["summary"].get("c") or {}
    checks.append(("C token count", None if c.get("tokens") == m["tokens"] else
                   "%s != trace-mapping's %s" % (c.get("tokens"), m["tokens"])))
    checks.append(("C batch", None if c.get("batch") is not None or c.get("batch_error") else "missing"))
    pr = results.get("peak_rss") or {}
    pr_maps = pr.get("maps") or [{}]
    checks.append(("C peak RSS", None if "c" in (pr_maps[0].get("peak") or {}) else
                   "missing: %s" % (pr.get("errors") or pr_maps[0].get("errors") or "no peak_rss")))
    checks.append(("C threads", None if "threads_speedup" in c else "missing"))
    for k in ("py-ours", "js-trace-mapping"):
        s = m["summary"].get(k)
        if s and s.get("ok_runs"):
            missing = [f for f in ("reverse_first", "reverse", "reverse_all", "encode") if s.get(f) is None]
            checks.append(("%s reverse/encode" % k, "missing %s (%s)" % (missing, s.get("reverse_error"))
                           if missing else None))
    checks.append(("C cache", None if c.get("cache") else "missing (neither figures nor an error)"))
    comp = ((results.get("composition") or {}).get("maps") or [{}])[0]
    checks.append(("composition vs remapping", None if comp.get("agree") else
                   "ours %s, remapping %s" % (comp.get("ours"), comp.get("remapping"))))
    checks.append(("report", None if os.path.exists(os.path.join(results["out_dir"], "RESULTS.md")) else
                   "RESULTS.md not written"))
    failed = [(n, p) for n, p in checks if p]
    for n, p in failed:
        print("smoke: FAIL %s: %s" % (n, p))
    print("smoke: %d passed, %d failed" % (len(checks) - len(failed), len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
