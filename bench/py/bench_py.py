"""Measures one Python source-map library, for bench/run.py.

    python bench_py.py IMPL MAP POSITIONS [--warm N] [--budget S] [--passes N]
                       [--cache-file F] [--python-path DIR]

IMPL is one of:
  sourcemap      the pure-Python `sourcemap` package (PyPI)
  sentry         Sentry's deprecated Rust `libsourcemap` 0.8.2 (PyPI)
  symbolic       Sentry's `symbolic` (Rust, PyPI): SourceMapView
  ours           this project's `libsourcemap` package (python/ in the repo,
                 put on sys.path with --python-path)

Prints one JSON object, in the same shape as bench/lsm_bench.c: timings are
seconds per repetition, so the caller takes medians. Runs under the venv
that holds IMPL; uses only the standard library besides IMPL.
"""

import argparse
import json
import sys
import time
import traceback

now = time.perf_counter


def reset_hwm():
    # Linux >= 4.0: VmHWM restarts from the current RSS
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def hwm():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


class Impl:
    """parse(data) -> handle; lookup(handle) -> bound (line, col) -> result;
    hit(result) -> (src_line, src_col) or None; count(handle) iterates."""

    batch = None
    cache = None
    text_input = False
    version = "?"

    def hit(self, r):
        if r is None:
            return None
        return (r.src_line, r.src_col)

    def count(self, h):
        n = 0
        for _ in h:
            n += 1
        return n


class PureSourcemap(Impl):
    text_input = True  # sourcemap.loads() takes str

    def __init__(self):
        import sourcemap

        self.m = sourcemap
        self.version = getattr(sourcemap, "__version__", "?")

    def parse(self, data):
        return self.m.loads(data)

    def lookup(self, h):
        def f(line, col):
            try:
                return h.lookup(line, col)
            except IndexError:
                return None

        return f

    def hit(self, r):
        # It answers with the token even for a 1-field segment (src None).
        if r is None or r.src is None:
            return None
        return (r.src_line, r.src_col)


class Sentry(Impl):
    def __init__(self):
        import libsourcemap

        self.m = libsourcemap
        self.version = _dist_version("libsourcemap")

    def parse(self, data):
        # from_json() flattens index maps it can (View.from_json refuses them)
        return self.m.from_json(data)

    def lookup(self, h):
        return h.lookup_token

    def hit(self, r):
        if r is None or r.src is None:
            return None
        return (r.src_line, r.src_col)

    def cache(self, h, path):
        return {
            "dump": lambda: h.dump_memdb(),
            "open": lambda b: self.m.View.from_memdb(b),
            "open_path": lambda p: self.m.View.from_memdb_file(p),
        }


class Symbolic(Impl):
    def __init__(self):
        import symbolic.sourcemap as sm

        self.m = sm
        self.version = _dist_version("symbolic")

    def parse(self, data):
        return self.m.SourceMapView.from_json_bytes(data)

    def lookup(self, h):
        return h.lookup

    def hit(self, r):
        if r is None or r.src is None:
            return None
        return (r.src_line, r.src_col)


class Ours(Impl):
    def __init__(self):
        import libsourcemap

        self.m = libsourcemap
        self.version = getattr(libsourcemap, "__version__", "?")
        self.file = getattr(libsourcemap, "__file__", "?")

    def parse(self, data):
        try:  # index maps are opt-in in this API
            return self.m.View.from_json(data, allow_index=True)
        except TypeError:
            return self.m.View.from_json(data)

    def lookup(self, h):
        return h.lookup_token

    def hit(self, r):
        if r is None:
            return None
        src = getattr(r, "src_id", 0)
        if src is None:
            return None
        return (r.src_line, r.src_col)

    def batch(self, h):
        return h.lookup_tokens

    # Reverse lookups and encoding (bench/run.py's --reverse figures).
    # Sources are passed by index, the package's fast path; the queries
    # name them, so each is turned into the first index written that way
    # (trace-mapping's rule) before the clock starts.
    def reverse_queries(self, h, queries):
        first = {}
        for i, s in enumerate(h.sources):
            first.setdefault(s, i)
        return [(first[s], line, col) for s, line, col in queries if s in first]

    def reverse(self, h):
        f = h.generated_position_for
        return lambda s, line, col: _dst(f(s, line, col))

    def reverse_all(self, h):
        f = h.all_generated_positions_for
        return lambda s, line, col: [(t.dst_line, t.dst_col) for t in f(s, line, col)]

    def encode(self, h):
        return h.to_json

    def cache(self, h, path):
        return {
            "dump": lambda: h.dump_cache(),
            "open": lambda b: self.m.View.from_cache(b),
            "open_path": lambda p: self.m.View.from_cache_path(p),
        }


def _dst(t):
    return None if t is None else (t.dst_line, t.dst_col)


IMPLS = {"sourcemap": PureSourcemap, "sentry": Sentry, "symbolic": Symbolic, "ours": Ours}


def describe(e):
    try:
        msg = str(e)
    except Exception:
        try:
            msg = repr(e.args)
        except Exception:
            msg = "?"
    return "%s: %s" % (type(e).__name__, msg)


def _dist_version(name):
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return "?"


def repeat(fn, warm, budget):
    out = []
    start = now()
    while len(out) < warm and (not out or now() - start < budget):
        t0 = now()
        fn()
        out.append(now() - t0)
    return out


def timed_opens(fn):
    out = []
    start = now()
    while len(out) < 1000 and (len(out) < 5 or now() - start < 0.3):
        t0 = now()
        fn()
        out.append(now() - t0)
    return out


def checksum(impl, lookup, pos):
    found = total = 0
    for line, col in pos:
        h = impl.hit(lookup(line, col))
        if h is not None:
            found += 1
            total += h[0] + h[1]
    return found, total


def measure_reverse(impl, parse, view, a, res):
    """Reverse lookups (the first on a fresh view builds the index), all
    generated positions of each query, and writing the map as JSON."""
    with open(a.reverse) as f:
        queries = impl.reverse_queries(view, json.load(f)["queries"])
    fresh = parse()
    rev = impl.reverse(fresh)
    t0 = now()
    rev(*queries[0])
    res["reverse_first_s"] = now() - t0
    rev = impl.reverse(view)
    res["reverse_queries"] = len(queries)
    res["reverse_s"] = []
    for _ in range(a.passes):
        t0 = now()
        for s, line, col in queries:
            rev(s, line, col)
        res["reverse_s"].append(now() - t0)
    found = total = 0
    for s, line, col in queries:
        d = rev(s, line, col)
        if d is not None:
            found += 1
            total += d[0] + d[1]
    res["reverse_found"], res["reverse_checksum"] = found, total
    every = impl.reverse_all(view)
    res["reverse_all_s"] = []
    for _ in range(a.passes):
        t0 = now()
        for s, line, col in queries:
            every(s, line, col)
        res["reverse_all_s"].append(now() - t0)
    found = total = 0
    for s, line, col in queries:
        for d in every(s, line, col):
            found += 1
            total += d[0] + d[1]
    res["reverse_all_found"], res["reverse_all_checksum"] = found, total
    encode = impl.encode(view)
    res["encode_s"] = repeat(encode, a.warm, a.budget)
    res["encode_bytes"] = len(encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("impl", choices=sorted(IMPLS))
    ap.add_argument("map")
    ap.add_argument("positions")
    ap.add_argument("--warm", type=int, default=5)
    ap.add_argument("--budget", type=float, default=3.0)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--cache-file")
    ap.add_argument("--python-path")
    ap.add_argument("--reverse", help="reverse-lookup queries (bench/py/reverse_queries.py)")
    a = ap.parse_args()
    res = {"impl": a.impl}
    if a.python_path:
        sys.path.insert(0, a.python_path)
    try:
        impl = IMPLS[a.impl]()
    except Exception as e:
        res["unavailable"] = "import failed: " + describe(e)
        print(json.dumps(res))
        return
    res["version"] = impl.version
    res["python"] = sys.version.split()[0]
    if hasattr(impl, "file"):
        res["module_file"] = impl.file
    try:
        run(impl, a, res)
    except Exception as e:
        res["error"] = describe(e)
        res["traceback"] = traceback.format_exc()[-2000:]
    print(json.dumps(res))


def run(impl, a, res):
    with open(a.map, "rb") as f:
        data = f.read()
    res["map_bytes"] = len(data)
    if impl.text_input:
        data = data.decode("utf-8")
    pos = []
    with open(a.positions) as f:
        for row in f:
            if row.strip():
                line, col = row.split()
                pos.append((int(line), int(col)))
    res["positions"] = len(pos)
    l0, c0 = pos[0]

    def parse():
        h = impl.parse(data)
        impl.lookup(h)(l0, c0)
        return h

    import gc

    gc.collect()
    reset_hwm()
    h0 = hwm()
    t0 = now()
    view = parse()
    res["parse_cold_s"] = now() - t0
    res["mem_increase_bytes"] = hwm() - h0
    res["hwm_before_bytes"] = h0
    res["parse_warm_s"] = repeat(parse, a.warm, a.budget)

    lookup = impl.lookup(view)
    res["lookup_s"] = []
    for _ in range(a.passes):
        t0 = now()
        for line, col in pos:
            lookup(line, col)
        res["lookup_s"].append(now() - t0)
    res["lookup_found"], res["lookup_checksum"] = checksum(impl, lookup, pos)

    if impl.batch:
        batch = impl.batch(view)
        try:
            res["batch_s"] = []
            for _ in range(a.passes):
                t0 = now()
                out = batch(pos)
                res["batch_s"].append(now() - t0)
            found = total = 0
            for r in out:
                h = impl.hit(r)
                if h is not None:
                    found += 1
                    total += h[0] + h[1]
            res["batch_found"], res["batch_checksum"] = found, total
        except Exception as e:
            res.pop("batch_s", None)
            res["batch_error"] = describe(e)

    columns = getattr(view, "lookup_columns", None)
    if columns is not None:
        import array

        lines = array.array("I", [line for line, _ in pos])
        cols = array.array("I", [col for _, col in pos])
        res["columns_s"] = []
        for _ in range(a.passes):
            t0 = now()
            out = columns(lines, cols)
            res["columns_s"].append(now() - t0)
        res["columns_found"] = out.found

    if a.reverse and hasattr(impl, "reverse"):
        try:
            measure_reverse(impl, parse, view, a, res)
        except Exception as e:
            res["reverse_error"] = describe(e)

    try:
        res["iter_s"] = []
        for _ in range(a.passes):
            t0 = now()
            n = impl.count(view)
            res["iter_s"].append(now() - t0)
        res["tokens"] = n
    except Exception as e:
        del res["iter_s"]
        res["iter_error"] = describe(e)

    if impl.cache and a.cache_file:
        # printed first so that a crash in the cache code keeps the rest
        print(json.dumps(dict(res, stage="cache")), flush=True)
        res["cache"] = cache = {}
        try:
            ops = impl.cache(view, a.cache_file)
            blob = None
            cache["dump_s"] = []
            start = now()
            while len(cache["dump_s"]) < a.warm and (not cache["dump_s"] or now() - start < a.budget):
                t0 = now()
                blob = ops["dump"]()
                cache["dump_s"].append(now() - t0)
            cache["size_bytes"] = len(blob)
            with open(a.cache_file, "wb") as f:
                f.write(blob)
            cache["open_s"] = timed_opens(lambda: ops["open"](blob))
            cache["open_path_s"] = timed_opens(lambda: ops["open_path"](a.cache_file))
            cv = ops["open_path"](a.cache_file)
            cl = impl.lookup(cv)
            cache["lookup_s"] = []
            for _ in range(a.passes):
                t0 = now()
                for line, col in pos:
                    cl(line, col)
                cache["lookup_s"].append(now() - t0)
            cache["lookup_found"], cache["lookup_checksum"] = checksum(impl, cl, pos)
            if impl.batch:
                cb = impl.batch(cv)
                cache["batch_s"] = []
                for _ in range(a.passes):
                    t0 = now()
                    cb(pos)
                    cache["batch_s"].append(now() - t0)
        except Exception as e:
            cache["error"] = describe(e)


if __name__ == "__main__":
    main()
