#!/usr/bin/env python3
"""Differential harness: our library against the real peers (issue 10).

Sends the same maps and generated positions through libsourcemap (this
tree's build, loaded in process) and through the peers, each in its own
process: Sentry's libsourcemap 0.8.2 (its own venv), @jridgewell/trace-mapping
and Mozilla's source-map 0.6.1 and 0.7.4 (Node), and the Rust `sourcemap`
crate (a small binary). Every disagreement is put in a class; a class is
either documented in docs/compatibility.md (a machine-checked predicate here
names the section it belongs to) or it fails the run.

    tests/diff/setup            install the peers into build/diff (once)
    python3 tests/diff/run.py   compare; exit 1 on an undocumented disagreement

Options: --count N random maps (default 300), --seed, --npm (real maps from
npm, default jquery and chart.js; --no-npm skips them), --big (the large npm
maps too), --json PATH (the summary; default build/diff/summary.json),
--examples N per class (default 3), --only ID (maps whose id contains ID),
--map PATH (only the maps given, repeatable).
See tests/diff/README.md.
"""

import argparse
import bisect
import collections
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, HERE)
os.environ.setdefault("LIBSOURCEMAP_LIBRARY", os.path.join(ROOT, "build", "libsourcemap.so"))

import gen  # noqa: E402
from libsourcemap import SourceMapError, View  # noqa: E402

COMPAT = os.path.join(ROOT, "docs", "compatibility.md")
PEERS_DIR = os.environ.get("LSM_DIFF_PEERS", os.path.join(ROOT, "build", "diff"))
RULES = ("greatest_lower_bound", "same_line", "least_upper_bound")
# npm maps compared by default (small downloads); --big adds the rest of
# bench/corpus/corpus.json.
SMALL_NPM = ("jquery", "chart.js")
MAX_POSITIONS = 40000
MAX_FUNCTION_QUERIES = 600


def log(msg):
    print("[diff %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# ------------------------------------------------------------------ classes
#
# kind "documented": a deliberate difference, described in the section of
# docs/compatibility.md whose anchor is given; the run passes with it.
# Anything unclassified is "other" and fails the run.

CLASSES = {
    "one-field-lookup": ("documented", "one-field-segments",
                         "a lookup that lands on a 1-field segment finds nothing"),
    "one-field-token": ("documented", "one-field-segments",
                        "a 1-field segment iterates as a token without source, line, column or name"),
    "number-in-sources": ("documented", "non-string-sources",
                          "a map whose sources hold a number is rejected"),
    "source-url-resolution": ("documented", "source-names",
                              "source-map resolves the ECMA-426 concatenation as a URL (dot segments, "
                              "repeated slashes, a path-absolute source replacing the root's path)"),
    "tie-source-map": ("documented", "ties",
                       "source-map (Mozilla) orders segments at one generated position by original position"),
    "crate-root-slash": ("documented", "source-names",
                         "the crate strips one trailing '/' of sourceRoot where 0.8.2 strips every one"),
    "root-slash-added": ("documented", "source-names",
                         "trace-mapping puts a '/' after sourceRoot even when it ends in one"),
    "null-source": ("documented", "source-names",
                    "a JSON null source: the peer resolves it as \"\", ours has no URL for it"),
    "root-slash-as-host": ("documented", "source-names",
                           "source-map reads sourceRoot \"/\" plus a source as a host (//a.js/)"),
    "token-order": ("documented", "token-order",
                    "the same tokens in generated-position order, where the peer keeps another order"),
    "index-map-sources": ("documented", "index-map-sources",
                          "a flattened index map keeps every section's sources, duplicates included"),
    "overlapping-sections": ("documented", "overlapping-sections",
                             "an index map whose section starts before the previous one's last mapping is rejected"),
    "missing-sources": ("documented", "missing-sources",
                        "a map without sources is rejected, as ECMA-426 requires"),
    "equal-offsets": ("documented", "sections-at-equal-offsets",
                      "an index map with two sections at one offset is rejected (they overlap)"),
    "nested-column": ("documented", "nested-index-maps",
                      "a nested section's column offset counts only on the parent section's first line"),
    "nested-index-08": ("documented", "peer-failures",
                        "0.8.2 accepts a nested index map but drops the sections that are index maps"),
    "function-name-extra": ("documented", "function-names",
                            "get_original_function_name: a name where 0.8.2 finds none"),
    "peer-failure": ("documented", "peer-failures",
                     "the peer fails on a map that we and the other peers accept"),
    "source-map-index": ("documented", "peer-failures",
                         "source-map loses names (0.6.1) or sources (0.7.4) of index map sections"),
    "peer-wrong": ("documented", "peer-failures",
                   "the peer's answer differs from ours where trace-mapping (and, against 0.8.2, the crate) "
                   "answers as we do"),
}


def compat_anchors():
    """The anchors of docs/compatibility.md's ## sections, GitHub style."""
    anchors = set()
    try:
        with open(COMPAT, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^##+\s+(.*?)\s*$", line)
                if m:
                    a = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
                    anchors.add(a)
    except OSError:
        pass
    return anchors


# ------------------------------------------------------------- predicates
# Facts about a map's JSON, used to put a disagreement in its class.

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def walk_maps(m, depth=0):
    """(map, depth) for `m` and every section map inside it."""
    yield m, depth
    if isinstance(m, dict) and isinstance(m.get("sections"), list):
        for s in m["sections"]:
            if isinstance(s, dict) and isinstance(s.get("map"), dict):
                yield from walk_maps(s["map"], depth + 1)


def has_nested_index(m):
    return any(d >= 1 and isinstance(sub.get("sections"), list) for sub, d in walk_maps(m))


def lacks_sources(m):
    return any(not isinstance(sub.get("sections"), list) and "sources" not in sub
               for sub, _ in walk_maps(m))


def has_number_in_sources(m):
    return any(isinstance(sub.get("sources"), list)
               and any(isinstance(s, (int, float)) and not isinstance(s, bool) for s in sub["sources"])
               for sub, _ in walk_maps(m))


def has_equal_offsets(m):
    for sub, _ in walk_maps(m):
        secs = sub.get("sections")
        if isinstance(secs, list):
            offs = [(s.get("offset", {}).get("line"), s.get("offset", {}).get("column"))
                    for s in secs if isinstance(s, dict)]
            if len(set(offs)) != len(offs):
                return True
    return False


def extent(m):
    """(line, column) of the last mapping of map `m`, relative to where it
    starts (a nested index map's sections composed with ECMA-426's rule: a
    section's column counts only on its first line), or None."""
    if not isinstance(m, dict):
        return None
    if isinstance(m.get("sections"), list):
        end = None
        for s in m["sections"]:
            try:
                off = (int(s["offset"]["line"]), int(s["offset"]["column"]))
            except (KeyError, TypeError, ValueError):
                return end
            e = extent(s.get("map"))
            if e is not None:
                e = (off[0] + e[0], e[1] + (off[1] if e[0] == 0 else 0))
                end = max(end or e, e)
        return end
    lines = gen.decode(m["mappings"]) if isinstance(m.get("mappings"), str) else None
    if not lines:
        return None
    last = max((i for i, segs in enumerate(lines) if segs), default=None)
    return None if last is None else (last, max(seg[0] for seg in lines[last]))


def has_overlapping_sections(m):
    """True when a section starts before the last mapping of the section
    before it (ECMA-426: the represented sections shall not overlap), at
    any depth."""
    for sub, _ in walk_maps(m):
        secs = sub.get("sections")
        if not isinstance(secs, list):
            continue
        end = None
        for s in secs:
            try:
                off = (int(s["offset"]["line"]), int(s["offset"]["column"]))
            except (KeyError, TypeError, ValueError):
                break
            if end is not None and off < end:
                return True
            e = extent(s.get("map"))
            if e is not None:
                e = (off[0] + e[0], e[1] + (off[1] if e[0] == 0 else 0))
                end = max(end or e, e)
    return False


def nested_column_lines(m, base=0):
    """Generated lines where a nested index map's section is placed
    differently by ECMA-426's one-level column rule (ours) and by the
    peers: from the first line of a section that has a column offset and
    is itself an index map, to the start of the next section (lines of
    the whole map, at any depth; `base` is where `m` starts)."""
    lines = set()
    secs = m.get("sections") if isinstance(m, dict) else None
    if not isinstance(secs, list):
        return lines
    for i, s in enumerate(secs):
        try:
            off = (int(s["offset"]["line"]), int(s["offset"]["column"]))
        except (KeyError, TypeError, ValueError):
            break
        inner = s.get("map")
        if not (isinstance(inner, dict) and isinstance(inner.get("sections"), list)):
            continue
        lines |= nested_column_lines(inner, base + off[0])
        if off[1]:
            e = extent(inner)
            stop = off[0] + (e[0] if e else 0)
            try:
                stop = max(stop, int(secs[i + 1]["offset"]["line"]))
            except (IndexError, KeyError, TypeError, ValueError):
                pass
            lines.update(range(base + off[0], base + stop + 1))
    return lines


def dedupe(names):
    seen, out = set(), []
    for n in names:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def raw_sources(m):
    """[(source as written, sourceRoot or None)] over every (sub)map, for
    telling how a name was made."""
    out = []
    for sub, _ in walk_maps(m):
        if isinstance(sub.get("sources"), list):
            root = sub.get("sourceRoot")
            for s in sub["sources"]:
                out.append((s, root if isinstance(root, str) else None))
    return out


def join08(root, source, strip_all=True):
    """A source name as 0.8.2 made it (and, with strip_all False, the crate
    9.3.2): a null source counts as "", a non-empty root loses every
    trailing '/' (the crate: one), then one '/' and the source, except that
    sources starting with '/', 'http:' or 'https:' are kept."""
    source = source if isinstance(source, str) else ""
    if not root or source.startswith(("/", "http:", "https:")):
        return source
    return (root.rstrip("/") if strip_all else root[:-1] if root.endswith("/") else root) + "/" + source


def ecma_concat(root, source):
    """ECMA-426's sourceRoot + source: a '/' added when the root lacks one,
    absolute sources included; a null source has none."""
    if not isinstance(source, str):
        return None
    if not root:
        return source
    return root + source if root.endswith("/") else root + "/" + source


_resolved_cache = {}


def resolved(root, source):
    """Our resolve_source of `source` under `root` with an empty map URL
    (ECMA-426's concatenation, then resolve-uri's normalisation; that the
    normalisation is trace-mapping's is tested by
    tests/python/test_resolve_source.py). Used to model trace-mapping's
    own concatenation, which always puts a '/' after the root."""
    k = (root, source)
    if k not in _resolved_cache:
        m = {"version": 3, "sources": [source], "names": [], "mappings": ""}
        if root is not None:
            m["sourceRoot"] = root
        view = View.from_json(json.dumps(m).encode("utf-8"))
        try:
            _resolved_cache[k] = view.resolve_source(0, "")
        finally:
            view.close()
    return _resolved_cache[k]


def remove_dots(path):
    """`path` with "." and ".." segments resolved as URL paths are (a ".."
    above the root of an absolute path is dropped)."""
    out = []
    for seg in path.split("/"):
        if seg == ".":
            continue
        if seg == "..":
            if out and out[-1] != "..":
                if out == [""]:
                    continue
                out.pop()
                continue
        out.append(seg)
    return "/".join(out)


def resolve_like_url(root, raw):
    """Roughly how a URL-resolving peer joins sourceRoot and a source:
    dot segments removed, a path-absolute source replacing the root's
    path."""
    if raw is None or SCHEME.match(raw):
        return raw
    base = root or ""
    if base and not base.endswith("/"):
        base += "/"
    if raw.startswith("/"):
        m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*://[^/]*)", base)
        return (m.group(1) if m else "") + remove_dots(raw)
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*:(?://[^/]*)?)?(.*)$", base + raw)
    return (m.group(1) or "") + remove_dots(m.group(2))


def collapse(name):
    """`name` with dot segments removed and runs of '/' in its path made one."""
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*:(?://[^/]*)?)?(.*)$", name)
    return (m.group(1) or "") + re.sub(r"/{2,}", "/", remove_dots(m.group(2)))


def source_class(m, ours, theirs, peer):
    """The class of a difference between our name for a source (in the
    spelling compared with `peer`, see PEER_NAMES) and the peer's, or None
    when no documented reason explains it."""
    for raw, root in raw_sources(m):
        if peer == "sourcemap crate":
            if ours == join08(root, raw) and theirs == join08(root, raw, strip_all=False):
                return "crate-root-slash"
        elif peer == "trace-mapping":
            if raw is None and ours is None and theirs is not None \
                    and theirs == resolved(root + "/" if root else None, ""):
                return "null-source"
            if isinstance(raw, str) and root and root.endswith("/") and ours == resolved(root, raw) \
                    and theirs == resolved(root + "/", raw):
                return "root-slash-added"
        elif peer in URL_PEERS:
            if raw is None and ours is None and isinstance(theirs, str):
                return "null-source"
            if not (isinstance(raw, str) and isinstance(ours, str) and isinstance(theirs, str)) \
                    or ours != ecma_concat(root, raw):
                continue
            # sourceRoot "/" becomes "//", which URL resolution reads as a host.
            if root == "/" and theirs.startswith("//") and not ours.startswith("//"):
                return "root-slash-as-host"
            if theirs == resolve_like_url(root, raw) or collapse(theirs) == collapse(ours):
                return "source-url-resolution"
    return None


def source_translation(m, ours, theirs, peer):
    """{peer's name: ours} for sources whose names differ for a classified
    reason, so that tokens and lookups compare which source, not how it is
    spelled (the sources aspect compares the spelling)."""
    if len(ours) != len(theirs):
        ours = dedupe(ours)
        if len(ours) != len(theirs):
            return {}
    out, seen = {}, collections.Counter(theirs)
    for x, y in zip(ours, theirs):
        if x != y and seen[y] == 1 and source_class(m, x, y, peer):
            out[y] = x
    return out


URL_PEERS = ("trace-mapping", "source-map 0.6.1", "source-map 0.7.4")
# Which of our accessors each peer's source names are compared with:
# 0.8.2 and the crate join sourceRoot as Token.src / get_source_name do;
# trace-mapping resolves as resolve_source(i) does (it is given no map URL,
# so ours gets an empty one: normalisation only); source-map's resolution
# is modelled here (resolve_like_url) from the ECMA-426 concatenation.
PEER_NAMES = {"libsourcemap 0.8.2": "joined", "sourcemap crate": "joined",
              "trace-mapping": "resolved", "source-map 0.6.1": "url", "source-map 0.7.4": "url"}


# ------------------------------------------------------------------ inputs

class MapInput:
    def __init__(self, ident, path, js=None, origin="", features=()):
        self.id = ident
        self.path = path
        self.js = js
        self.origin = origin
        self.features = list(features)
        with open(path, "rb") as f:
            self.data = f.read()
        try:
            self.json = json.loads(self.data)
        except ValueError:
            self.json = None
        if not isinstance(self.json, dict):
            self.json = {}


def fixture_inputs():
    out = []
    base = os.path.join(ROOT, "tests", "fixtures", "bundlers")
    for d in sorted(os.listdir(base)):
        for f in sorted(os.listdir(os.path.join(base, d))):
            if f.endswith(".map"):
                js = os.path.join(base, d, f[:-4])
                out.append(MapInput("fixture:%s/%s" % (d, f), os.path.join(base, d, f),
                                    js if os.path.exists(js) else None, "bundler fixture"))
    apps = os.path.join(ROOT, "tests", "e2e", "apps")
    for app in sorted(os.listdir(apps)):
        dist = os.path.join(apps, app, "dist")
        if not os.path.isdir(dist):
            continue
        for kind in sorted(os.listdir(dist)):
            for f in sorted(os.listdir(os.path.join(dist, kind))):
                if f.endswith(".map"):
                    js = os.path.join(dist, kind, f[:-4])
                    out.append(MapInput("e2e:%s/%s/%s" % (app, kind, f), os.path.join(dist, kind, f),
                                        js if os.path.exists(js) else None, "e2e app"))
    return out


def case_inputs():
    """tests/diff/cases: one small hand-written map per class of difference."""
    d = os.path.join(HERE, "cases")
    return [MapInput("case:" + f, os.path.join(d, f), None, "hand-written case")
            for f in sorted(os.listdir(d)) if f.endswith(".map")]


def npm_inputs(cache, big):
    spec = importlib.util.spec_from_file_location("lsm_bench_run", os.path.join(ROOT, "bench", "run.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    with open(os.path.join(ROOT, "bench", "corpus", "corpus.json")) as f:
        corpus = json.load(f)
    out = []
    for pkg in corpus["packages"]:
        for m in pkg["maps"]:
            if not big and m["id"] not in SMALL_NPM:
                continue
            d = bench.fetch_package(cache, pkg["spec"], pkg["integrity"])
            js = os.path.join(d, m["js"]) if m.get("js") else None
            out.append(MapInput("npm:" + m["id"], os.path.join(d, m["path"]),
                                js if js and os.path.exists(js) else None, "npm %s" % pkg["spec"]))
    return out


def generated_inputs(seed, count, outdir):
    os.makedirs(outdir, exist_ok=True)
    out = []
    for name, m, features in gen.generate(seed, count):
        path = os.path.join(outdir, name + ".map")
        with open(path, "w") as f:
            json.dump(m, f)
        out.append(MapInput("gen:" + name, path, None, "generated (seed %d)" % seed, features))
    return out


# ------------------------------------------------------------------- peers

class Worker:
    """A peer process speaking JSON lines."""

    def __init__(self, name, argv, env=None):
        self.name = name
        self.argv = argv
        self.env = env
        self.proc = None
        self.seconds = 0.0
        self.start()

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=self.env, text=True, bufsize=1)

    def ask(self, line):
        started = time.time()
        try:
            return self._ask(line)
        finally:
            self.seconds += time.time() - started

    def _ask(self, line):
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
        except BrokenPipeError:
            reply = ""
        if not reply:
            # The peer died on this map: an answer of its own (a crash).
            self.proc.wait()
            code = self.proc.returncode
            self.start()
            return None, "peer process exited with %s" % code
        return json.loads(reply), None

    def close(self):
        if self.proc:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def peer_paths():
    return {
        "sentry": [os.path.join(PEERS_DIR, "venv-sentry", "bin", "python"),
                   os.path.join(HERE, "peer_sentry.py")],
        "js": ["node", os.path.join(HERE, "peer_js.js")],
        "rust": [os.path.join(PEERS_DIR, "rust-target", "release", "lsm-diff-rust")],
    }


def start_peers(without_crate=False):
    paths = peer_paths()
    peers, missing = {}, []
    if without_crate:
        del paths["rust"]
    if os.path.exists(paths["sentry"][0]):
        peers["sentry"] = Worker("sentry", paths["sentry"])
    else:
        missing.append("libsourcemap 0.8.2 (no %s)" % os.path.relpath(paths["sentry"][0], ROOT))
    node_modules = os.path.join(PEERS_DIR, "node", "node_modules")
    if os.path.isdir(node_modules):
        env = dict(os.environ, NODE_PATH=node_modules)
        peers["js"] = Worker("js", paths["js"], env)
    else:
        missing.append("trace-mapping and source-map (no %s)" % os.path.relpath(node_modules, ROOT))
    if "rust" not in paths:
        log("!!! the sourcemap crate peer is SKIPPED (--without-crate) !!!")
    elif os.path.exists(paths["rust"][0]):
        peers["rust"] = Worker("rust", paths["rust"])
    else:
        missing.append("the sourcemap crate (no %s)" % os.path.relpath(paths["rust"][0], ROOT))
    return peers, missing


# -------------------------------------------------------------------- ours

def tok(t):
    return None if t is None else [t.dst_line, t.dst_col, t.src, t.src_line, t.src_col, t.name]


def identifier_at(lines, line, col):
    if line >= len(lines):
        return None
    m = re.compile(r"[A-Za-z_$][\w$]*").match(lines[line], col)
    if not m or (col > 0 and re.match(r"[\w$]", lines[line][col - 1])):
        return None
    return m.group(0)


def ours(mi, positions, functions, js_text):
    try:
        view = View.from_json(mi.data, allow_index=True)
    except SourceMapError as e:
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    toks = list(view)
    out = {"ok": True, "tokens": [tok(t) for t in toks], "token_ids": [t.src_id for t in toks]}
    out["sources_raw"] = view.sources
    out["used_sources"] = {t.src_id for t in toks if t.src_id is not None}
    n = view.get_source_count()
    out["sources"] = [view.get_source_name(i) for i in range(n)]
    out["names"] = {"joined": out["sources"],
                    "url": [view.get_source_url(i) for i in range(n)],
                    "resolved": [view.resolve_source(i, "") for i in range(n)]}
    out["lookups"], out["lookup_ids"] = {}, {}
    for r in RULES:
        found = [view.lookup_token(l, c, rule=r) for l, c in positions]
        out["lookups"][r] = [tok(t) for t in found]
        out["lookup_ids"][r] = [None if t is None else t.src_id for t in found]
    out["functions"] = [view.get_original_function_name(l, c, n, js_text) for l, c, n in functions]
    view.close()
    return out


def make_positions(tokens, seed):
    """Generated positions on, between, before and after the tokens of each
    line, and on lines past the end."""
    cols = collections.defaultdict(set)
    for t in tokens:
        cols[t[0]].add(t[1])
    last = max(cols) if cols else 0
    pos = set()
    for line in range(last + 3):
        cs = sorted(cols.get(line, ()))
        pos.add((line, 0))
        if not cs:
            pos.add((line, 3))
            continue
        for i, c in enumerate(cs):
            pos.update(((line, c), (line, c + 1)))
            if c:
                pos.add((line, c - 1))
            if i + 1 < len(cs):
                pos.add((line, (c + cs[i + 1]) // 2))
        pos.add((line, cs[-1] + 7))
    pos = sorted(pos)
    if len(pos) > MAX_POSITIONS:
        pos = sorted(random.Random(seed).sample(pos, MAX_POSITIONS))
    return [list(p) for p in pos]


# ---------------------------------------------------------------- compare

class Tally:
    def __init__(self, n_examples):
        self.n_examples = n_examples
        self.agree = collections.Counter()    # (peer, aspect) -> n
        self.total = collections.Counter()    # (peer, aspect) -> n
        self.classes = collections.Counter()  # (peer, aspect, class) -> n
        self.examples = collections.defaultdict(list)
        # While set, a class without documentation becomes this one (a
        # map-wide explanation, such as 0.8.2 dropping nested sections).
        self.fallback = None

    def compared(self, peer, aspect, n=1, agree=None):
        self.total[(peer, aspect)] += n
        self.agree[(peer, aspect)] += n if agree is None else agree

    def differ(self, peer, aspect, cls, mi, detail):
        if self.fallback and CLASSES.get(cls, ("other",))[0] != "documented":
            cls = self.fallback
        self.classes[(peer, aspect, cls)] += 1
        ex = self.examples[(peer, aspect, cls)]
        entry = {"map": mi.id, "size": len(mi.data), "detail": detail}
        if len(mi.data) <= 600:
            entry["json"] = mi.data.decode("utf-8", "replace")
        ex.append(entry)
        ex.sort(key=lambda e: e["size"])
        del ex[self.n_examples:]


def by_position(tokens):
    groups = collections.defaultdict(list)
    for t in tokens:
        groups[(t[0], t[1])].append(t)
    return groups


def glb_token(sorted_tokens, keys, line, col):
    """The last token at or before (line, col) in generated order, from
    every segment including 1-field ones."""
    i = bisect.bisect_right(keys, (line, col))
    return sorted_tokens[i - 1] if i else None


def key(t):
    """A token or lookup answer with its source name made comparable
    across spellings (dot segments and repeated slashes removed)."""
    if t is None:
        return None
    t = list(t)
    i = 2 if len(t) == 6 else 0
    if t[i] is not None:
        t[i] = collapse(t[i])
    return tuple(t)


def is_one_field(t):
    return t[2] is None and t[3] is None


def lookup_class(mi, peer, rule, pos, mine, theirs, groups, sorted_tokens, keys):
    """The class of one lookup disagreement. `mine` is our full token or
    None; `theirs` is a full token (0.8.2), [src, line, col, name] (the
    JavaScript peers), or None."""
    line, col = pos
    tie = "tie-source-map" if peer.startswith("source-map") else "tie"
    if mine is None:
        # Where did the lookup land? A run of segments all 1-field finds
        # nothing (documented); a run mixing 1-field and full segments is a
        # tie that another member of was chosen from.
        if rule == "greatest_lower_bound":
            g = glb_token(sorted_tokens, keys, line, col)
        elif groups.get((line, col)):
            g = groups[(line, col)][0]
        elif rule == "same_line":
            g = glb_token(sorted_tokens, keys, line, col)
            g = g if g and g[0] == line else None
        else:
            i = bisect.bisect_left(keys, (line, col))
            g = sorted_tokens[i] if i < len(keys) and keys[i][0] == line else None
        if g is None:
            return None
        run = groups[(g[0], g[1])]
        if theirs is not None and len(theirs) == 6 and theirs[2] is None and is_one_field(g) \
                and (theirs[0], theirs[1]) == (g[0], g[1]):
            return "one-field-lookup"  # the same 1-field segment, carried-over fields and all
        if all(is_one_field(t) for t in run):
            return "one-field-lookup"
        if any(is_one_field(t) for t in run):
            return tie
        return None
    run = groups.get((mine[0], mine[1]), [])
    if theirs is None or (len(theirs) == 6 and theirs[2] is None):
        # The peer chose a 1-field member of the run ours came from.
        if len(run) > 1 and any(is_one_field(t) for t in run) and (
                theirs is None or (theirs[0], theirs[1]) == (mine[0], mine[1])):
            return tie
        return None
    if len(theirs) == 6:
        same_pos = theirs[0] == mine[0] and theirs[1] == mine[1]
        tail = theirs[2:]
    else:
        same_pos = True
        tail = theirs

    def same(t_tail):
        return t_tail[1:] == tail[1:] and (
            t_tail[0] == tail[0] or source_class(mi.json, t_tail[0], tail[0], peer) is not None)

    if same_pos and len(run) > 1 and any(same(t[2:]) for t in run if t[2:] != mine[2:]):
        return tie
    mine_tail = mine[2:] if len(theirs) == 4 else mine
    diffs = [i for i in range(len(theirs)) if theirs[i] != mine_tail[i]]
    src_i = 0 if len(theirs) == 4 else 2
    if diffs == [src_i]:
        return source_class(mi.json, mine_tail[src_i], theirs[src_i], peer)
    return None


def norm_peer_token(t):
    """A peer's 1-field token in our spelling (no source, line, column, name)."""
    if t[2] is None or t[3] is None:
        return (t[0], t[1], None, None, None, None)
    return tuple(t)


def source_map_index_quirk(mi, xa, xb):
    """source-map's flattening of index maps: 0.6.1 loses the names and
    0.7.4 the sources (it gives the sourceRoot alone) of section tokens.
    True when that, and the order of tokens at one position, is all that
    differs."""
    if not isinstance(mi.json.get("sections"), list) or len(xa) != len(xb):
        return False
    roots = {r for _, r in raw_sources(mi.json) if r is not None}
    roots |= {r + "/" for r in roots}
    order = lambda t: (t[3] if t[3] is not None else -1, t[4] if t[4] is not None else -1)
    for ta, tb in zip(sorted(xa, key=order), sorted(xb, key=order)):
        if ta[:2] != tb[:2] or ta[3:5] != tb[3:5]:
            return False
        if tb[5] != ta[5] and tb[5] is not None:
            return False
        if tb[2] != ta[2] and tb[2] not in roots and not (
                ta[2] and tb[2] and collapse(ta[2]) == collapse(tb[2])) and not source_class(
                mi.json, ta[2], tb[2], "source-map 0.6.1"):
            return False
    return True


def pairing(t):
    return (t[0], t[1], -1 if t[3] is None else t[3], -1 if t[4] is None else t[4], str(t[5]), str(t[2]))


def compare_tokens(tally, mi, peer, mine, theirs, consensus=None):
    a = [tuple(t) for t in mine]
    b = [tuple(t) for t in theirs]
    if a == b:
        tally.compared(peer, "tokens", 1, 1)
        return
    tally.compared(peer, "tokens", 1, 0)
    nb = [norm_peer_token(t) for t in theirs]
    classes = collections.Counter()
    detail = None
    if a == nb:
        classes["one-field-token"] += 1
        detail = "1-field tokens spelled %r" % ([t for t in theirs if t[2] is None][:1],)
    else:
        ca, cb = collections.Counter(a), collections.Counter(nb)
        only_a, only_b = ca - cb, cb - ca
        ga, gb = by_position(only_a.elements()), by_position(only_b.elements())
        nested_lines = nested_column_lines(mi.json)
        for p in set(ga) | set(gb):
            # Paired by everything but the source, whose spelling may differ.
            xa, xb = sorted(ga.get(p, []), key=pairing), sorted(gb.get(p, []), key=pairing)
            cls = None
            if len(xa) == len(xb):
                kinds = set()
                for ta, tb in zip(xa, xb):
                    if ta[3:] == tb[3:] and ta[:2] == tb[:2]:
                        kinds.add(source_class(mi.json, ta[2], tb[2], peer))
                    else:
                        kinds.add(None)
                if len(kinds) == 1:
                    cls = kinds.pop()
            if not cls and p[0] in nested_lines and peer != "libsourcemap 0.8.2":
                cls = "nested-column"
            if not cls and peer.startswith("source-map") and source_map_index_quirk(mi, xa, xb):
                cls = "source-map-index"
            if not cls and consensus is not None and all(key(t) in consensus for t in xa) \
                    and not any(key(t) in consensus for t in xb):
                cls = "peer-wrong"
            cls = cls or "token-other"
            classes[cls] += 1
            if detail is None or cls == "token-other":
                detail = "at %s: ours %s, %s %s" % (p, xa[:2], peer, xb[:2])
        if not only_a and not only_b:
            in_order = all((x[0], x[1]) <= (y[0], y[1]) for x, y in zip(a, a[1:]))
            classes["token-order" if in_order else "token-other"] += 1
            detail = "same tokens, another order"
    for cls, n in classes.items():
        tally.differ(peer, "tokens", cls, mi, detail + (" (%d positions)" % n if n > 1 else ""))


def index_sources_class(mi, peer, mine, theirs, used):
    """For an index map: "index-map-sources" when the peer's list is ours
    with duplicates merged (and, for 0.8.2, sources no mapping uses
    dropped), names compared up to their classified spellings. None when
    that does not explain the difference."""
    if not isinstance(mi.json.get("sections"), list):
        return None
    classes = set()

    def match(x, y):
        if x == y:
            return True
        c = source_class(mi.json, x, y, peer)
        if c:
            classes.add(c)
        return c is not None

    if not all(any(match(x, y) for x in mine) for y in theirs):
        return None
    for i, x in enumerate(mine):
        if not any(match(x, y) for y in theirs) and not (peer == "libsourcemap 0.8.2" and i not in used):
            return None
    return "index-map-sources"


def compare_sources(tally, mi, peer, mine, theirs, used=frozenset()):
    if mine == theirs:
        tally.compared(peer, "sources", 1, 1)
        return
    tally.compared(peer, "sources", 1, 0)
    cls = index_sources_class(mi, peer, mine, theirs, used)
    if cls or len(mine) != len(theirs):
        tally.differ(peer, "sources", cls or "sources-other", mi, "ours %r, %s %r" % (mine, peer, theirs))
        return
    seen = set()
    for x, y in zip(mine, theirs):
        if x != y:
            cls = source_class(mi.json, x, y, peer) or "sources-other"
            if cls not in seen:
                seen.add(cls)
                tally.differ(peer, "sources", cls, mi, "ours %r, %s %r" % (x, peer, y))


def compare_lookups(tally, mi, peer, rule, positions, mine, theirs, tokens, consensus=None, tm=None,
                    peer_tokens=()):
    groups = by_position(tokens)
    sorted_tokens = sorted(tokens, key=lambda t: (t[0], t[1]))  # stable: runs keep their order
    keys = [(t[0], t[1]) for t in sorted_tokens]
    aspect = "lookup %s" % rule
    agree = 0
    nested_lines = nested_column_lines(mi.json)
    for i, (pos, a, b) in enumerate(zip(positions, mine, theirs)):
        a_cmp = a[2:] if a is not None and peer in URL_PEERS else a
        if a_cmp == b:
            agree += 1
            continue
        cls = lookup_class(mi, peer, rule, pos, a, b, groups, sorted_tokens, keys)
        if (not cls or CLASSES.get(cls, ("other",))[0] != "documented") and nested_lines \
                and peer != "libsourcemap 0.8.2" and (pos[0] in nested_lines or (
                    a is not None and a[0] in nested_lines)):
            cls = "nested-column"
        if not cls and a is not None and b is not None and len(b) == 6 and consensus is not None \
                and key(a) in consensus and (key(b) not in consensus or key(a) not in peer_tokens):
            cls = "peer-wrong"  # 0.8.2 lacks a token the other peers have, or has one they lack
        if not cls and tm is not None and a is not None and key(tm[i]) == key(a_cmp) \
                and key(b) != key(a_cmp):
            cls = "peer-wrong"  # trace-mapping answers as we do
        cls = cls or "lookup-other"
        tally.differ(peer, aspect, cls, mi, "at %s: ours %s, %s %s" % (pos, a, peer, b))
    tally.compared(peer, aspect, len(positions), agree)


PEER_FAILURE = re.compile(r"Internal library error|panic|peer process exited|index out of bounds")


def compare_accept(tally, mi, peer, ours_ok, ours_err, peer_ok, peer_err, others=None):
    if ours_ok == peer_ok:
        tally.compared(peer, "accept", 1, 1)
        return
    tally.compared(peer, "accept", 1, 0)
    m = mi.json
    if not ours_ok and lacks_sources(m):
        cls = "missing-sources"
    elif not ours_ok and has_equal_offsets(m):
        cls = "equal-offsets"
    elif not ours_ok and has_number_in_sources(m):
        cls = "number-in-sources"
    elif not ours_ok and has_overlapping_sections(m):
        cls = "overlapping-sections"
    elif ours_ok and PEER_FAILURE.search(peer_err or "") and others and all(others.values()):
        cls = "peer-failure"
    else:
        cls = "accept-other"
    who = "ours rejects (%s), %s accepts" % (ours_err, peer) if not ours_ok else \
        "ours accepts, %s rejects (%s)" % (peer, peer_err)
    tally.differ(peer, "accept", cls, mi, who)


def compare_map(tally, mi, peers, args, stats):
    js_text, functions = None, []
    first = ours(mi, [], [], None)
    if first["ok"]:
        tokens = first["tokens"]
    else:
        tokens = []
    positions = make_positions(tokens, args.seed)
    if mi.js and first["ok"]:
        with open(mi.js, encoding="utf-8", errors="replace") as f:
            js_text = f.read()
        lines = js_text.split("\n")
        for t in tokens:
            name = identifier_at(lines, t[0], t[1])
            if name:
                functions.append([t[0], t[1], name])
        if len(functions) > MAX_FUNCTION_QUERIES:
            functions = random.Random(args.seed).sample(functions, MAX_FUNCTION_QUERIES)
            functions.sort()
    started = time.time()
    mine = ours(mi, positions, functions, js_text)
    stats["ours_seconds"] += time.time() - started
    stats["positions"] += len(positions)
    stats["functions"] += len(functions)
    answers = {}
    if "sentry" in peers:
        req = {"map": mi.path, "positions": positions, "js": mi.js if functions else None,
               "functions": functions}
        r, crash = peers["sentry"].ask(json.dumps(req))
        answers["libsourcemap 0.8.2"] = r or {"ok": False, "error": crash}
    if "js" in peers:
        r, crash = peers["js"].ask(json.dumps({"map": mi.path, "positions": positions}))
        r = r or {}
        answers["trace-mapping"] = r.get("tm") or {"ok": False, "error": crash or r.get("crash")}
        answers["source-map 0.6.1"] = r.get("sm061") or {"ok": False, "error": crash}
        answers["source-map 0.7.4"] = r.get("sm074") or {"ok": False, "error": crash}
    if "rust" in peers:
        r, crash = peers["rust"].ask(mi.path)
        answers["sourcemap crate"] = r or {"ok": False, "error": crash}

    # What ECMA-426 says a consumer must reject, whatever the peers do; we
    # reject both, so any class here is unexplained.
    spec_bugs = [cls for cls, pred in (("spec-no-sources", lacks_sources),
                                       ("spec-equal-offsets", has_equal_offsets))
                 if mine["ok"] and pred(mi.json)]
    tally.compared("ECMA-426", "accept", 1, 0 if spec_bugs else 1)
    for cls in spec_bugs:
        tally.differ("ECMA-426", "accept", cls, mi, "ours accepts; ECMA-426 requires an error")
    # What trace-mapping (and the crate, when it accepts the map) answer,
    # with their source names replaced by ours (matched by index): where
    # another peer differs from us and they agree with us, that peer is the
    # odd one out. Built per spelling of our names (PEER_NAMES).
    refs = {}

    def reference(naming):
        if naming not in refs:
            consensus, tm, tm_tokens = None, {}, None
            if answers.get("trace-mapping", {}).get("ok") and mine["ok"]:
                tm = respelled(answers["trace-mapping"], mine["names"][PEER_NAMES["trace-mapping"]],
                               mine["names"][naming])
                consensus = tm_tokens = {key(norm_peer_token(t)) for t in tm["tokens"]}
                crate = answers.get("sourcemap crate", {})
                if crate.get("ok"):
                    crate = respelled(crate, mine["names"][PEER_NAMES["sourcemap crate"]],
                                      mine["names"][naming])
                    consensus = consensus & {key(norm_peer_token(t)) for t in crate["tokens"]}
            refs[naming] = consensus, tm, tm_tokens
        return refs[naming]

    for peer, ans in answers.items():
        others = {p: bool(a.get("ok")) for p, a in answers.items()
                  if p != peer and p in ("trace-mapping", "sourcemap crate")}
        compare_accept(tally, mi, peer, mine["ok"], mine.get("error"), ans.get("ok"), ans.get("error"),
                       others)
        if not (mine["ok"] and ans.get("ok")) or spec_bugs:
            continue  # (what a map we must reject maps to is moot)
        naming = PEER_NAMES[peer]
        consensus, tm, tm_tokens = reference(naming)
        mp = spelled(mine, mine["names"][naming])
        tally.fallback = "nested-index-08" if peer == "libsourcemap 0.8.2" \
            and drops_nested(mi.json, mp["tokens"], ans["tokens"]) else None
        compare_sources(tally, mi, peer, mp["sources"], ans["sources"], mine["used_sources"])
        tr = source_translation(mi.json, mp["sources"], ans["sources"], peer)
        if tr:
            ans = dict(ans)
            translate(ans, tr)
        # source-map is judged by the other JavaScript consumer alone.
        compare_tokens(tally, mi, peer, mp["tokens"], ans["tokens"],
                       tm_tokens if peer.startswith("source-map") else
                       consensus if peer == "libsourcemap 0.8.2" else None)
        if peer == "libsourcemap 0.8.2":
            compare_lookups(tally, mi, peer, "greatest_lower_bound", positions,
                            mp["lookups"]["greatest_lower_bound"], ans["lookups"], mp["tokens"],
                            consensus=consensus,
                            peer_tokens={key(norm_peer_token(t)) for t in ans["tokens"]})
            if functions:
                compare_functions(tally, mi, peer, functions, mine["functions"], ans["functions"])
        elif peer in URL_PEERS:
            ref = tm if peer != "trace-mapping" and tm.get("ok") else {}
            compare_lookups(tally, mi, peer, "same_line", positions,
                            mp["lookups"]["same_line"], ans["glb"], mp["tokens"], tm=ref.get("glb"))
            compare_lookups(tally, mi, peer, "least_upper_bound", positions,
                            mp["lookups"]["least_upper_bound"], ans["lub"], mp["tokens"],
                            tm=ref.get("lub"))
        tally.fallback = None


def drops_nested(m, mine, theirs):
    """True when `m` has a section that is an index map and the peer's
    tokens are ours with some left out (0.8.2 flattens only one level)."""
    if not has_nested_index(m):
        return False
    extra = collections.Counter(key(norm_peer_token(t)) for t in theirs) - \
        collections.Counter(key(t) for t in mine)
    return not extra and len(theirs) < len(mine)


def spelled(mine, names):
    """Our answers with each token's source named by `names` (one of our
    accessors' lists, indexed by source id)."""
    def name(i):
        return None if i is None or i >= len(names) else names[i]

    out = dict(mine)
    out["sources"] = list(names)
    out["tokens"] = [t if i is None else t[:2] + [name(i)] + t[3:]
                     for t, i in zip(mine["tokens"], mine["token_ids"])]
    out["lookups"] = {r: [t if t is None or i is None else t[:2] + [name(i)] + t[3:]
                          for t, i in zip(mine["lookups"][r], mine["lookup_ids"][r])]
                      for r in mine["lookups"]}
    return out


def respelled(ans, own, target):
    """A copy of a peer's answer with its source names replaced by ours in
    the spelling `target`. `own` is our list in the spelling compared with
    that peer (PEER_NAMES): a peer's name y becomes target[i] when every
    source i that `own` spells y has that one target name. Peers that merge
    equal names (trace-mapping and the crate on index maps) are covered.
    With the same number of sources, names are also matched by index
    (a name the peer gives to several sources when all of them are one
    name of ours)."""
    targets = collections.defaultdict(set)
    for x, t in zip(own, target):
        targets[x].add(t)
    tr = {y: next(iter(ts)) for y, ts in targets.items() if len(ts) == 1 and y is not None}
    theirs = ans["sources"]
    if len(theirs) == len(target):
        # Same numbering: by index too, for names spelled otherwise.
        by_index = collections.defaultdict(set)
        for y, t in zip(theirs, target):
            by_index[y].add(t)
        tr.update({y: next(iter(ts)) for y, ts in by_index.items() if len(ts) == 1 and y not in tr})
    out = dict(ans)
    translate(out, tr)
    return out


def translate(ans, tr):
    """Peer's answers with source names spelled as ours."""
    ans["tokens"] = [[t[0], t[1], tr.get(t[2], t[2])] + t[3:] for t in ans["tokens"]]
    for key in ("lookups", "glb", "lub"):
        if key in ans:
            ans[key] = [None if t is None else
                        ([t[0], t[1], tr.get(t[2], t[2])] + t[3:] if len(t) == 6 else
                         [tr.get(t[0], t[0])] + t[1:]) for t in ans[key]]


def compare_functions(tally, mi, peer, queries, mine, theirs):
    agree = 0
    for q, a, b in zip(queries, mine, theirs):
        if a == b:
            agree += 1
        else:
            cls = "function-name-lost" if a is None else \
                "function-name-extra" if b is None else "function-name-other"
            tally.differ(peer, "function name", cls, mi,
                         "at %s (minified %r): ours %r, %s %r" % (q[:2], q[2], a, peer, b))
    tally.compared(peer, "function name", len(queries), agree)


# -------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=426)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--no-npm", dest="npm", action="store_false")
    ap.add_argument("--big", action="store_true")
    ap.add_argument("--cache", default=os.environ.get("LSM_DIFF_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "libsourcemap-diff"))
    ap.add_argument("--json", default=os.path.join(PEERS_DIR, "summary.json"))
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--only")
    ap.add_argument("--map", action="append", default=[], metavar="PATH",
                    help="compare only these maps (repeatable; PATH.js or the map's name without "
                         ".map, when present, is its generated file)")
    ap.add_argument("--allow-missing-peers", action="store_true",
                    help="compare with the peers that are installed instead of failing")
    ap.add_argument("--without-crate", action="store_true",
                    help="skip the sourcemap crate peer (no cargo); said in the output and summary")
    args = ap.parse_args()
    started = time.time()

    anchors = compat_anchors()
    peers, missing = start_peers(args.without_crate)
    for m in missing:
        log("peer missing: %s" % m)
    if missing and not args.allow_missing_peers:
        log("install the peers with tests/diff/setup (or pass --allow-missing-peers)")
        return 2

    if args.map:
        inputs = []
        for path in args.map:
            js = next((j for j in (path[:-4] if path.endswith(".map") else None, path + ".js")
                       if j and os.path.exists(j)), None)
            inputs.append(MapInput("map:" + os.path.basename(path), path, js, "command line"))
    else:
        inputs = case_inputs() + fixture_inputs()
        if args.npm:
            inputs += npm_inputs(args.cache, args.big)
        inputs += generated_inputs(args.seed, args.count, os.path.join(PEERS_DIR, "gen"))
    if args.only:
        inputs = [mi for mi in inputs if args.only in mi.id]

    tally = Tally(args.examples)
    stats = collections.Counter()
    for mi in inputs:
        compare_map(tally, mi, peers, args, stats)
        stats["maps"] += 1
    for w in peers.values():
        w.close()

    # Classify: documented (with its section present) or other.
    failing = 0
    rows = []
    for (peer, aspect, cls), n in sorted(tally.classes.items()):
        kind, anchor, what = CLASSES.get(cls, ("other", None, "unclassified"))
        if kind == "documented" and anchor not in anchors:
            kind = "other"
            what += " (docs/compatibility.md has no section #%s)" % anchor
        if kind != "documented":
            failing += n
        rows.append({"peer": peer, "aspect": aspect, "class": cls, "kind": kind,
                     "anchor": anchor, "what": what, "count": n,
                     "examples": tally.examples[(peer, aspect, cls)]})
    agreements = [{"peer": p, "aspect": a, "compared": tally.total[(p, a)], "agree": tally.agree[(p, a)]}
                  for (p, a) in sorted(tally.total)]
    summary = {
        "maps": stats["maps"], "positions": stats["positions"], "function_queries": stats["functions"],
        "generated": {"seed": args.seed, "count": args.count}, "npm": args.npm, "big": args.big,
        "peers_missing": missing, "peers_skipped": ["sourcemap crate"] if args.without_crate else [],
        "agreements": agreements, "disagreements": rows,
        "undocumented": failing, "seconds": round(time.time() - started, 1),
        "seconds_by_implementation": dict(
            {"ours (in process)": round(stats["ours_seconds"], 1)},
            **{w.name: round(w.seconds, 1) for w in peers.values()}),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(summary, f, indent=1)

    print("diff: %d maps (%d generated, seed %d), %d positions, %d function-name queries"
          % (stats["maps"], sum(1 for mi in inputs if mi.id.startswith("gen:")), args.seed,
             stats["positions"], stats["functions"]))
    print("\nagreement (peer, aspect: agree/compared):")
    for a in agreements:
        print("  %-20s %-28s %9d/%-9d%s" % (a["peer"], a["aspect"], a["agree"], a["compared"],
                                            "" if a["agree"] == a["compared"] else "  *"))
    print("\ndisagreements by class:")
    for r in rows:
        print("  %-10s %-20s %-28s %-22s %7d  %s" % (
            r["kind"], r["peer"], r["aspect"], r["class"], r["count"],
            ("docs/compatibility.md#" + r["anchor"]) if r["kind"] == "documented" else r["what"]))
        ex = r["examples"][0]
        print("             e.g. %s: %s" % (ex["map"], ex["detail"][:300]))
    print("\ntime: %.0f s (%s)" % (summary["seconds"], ", ".join(
        "%s %.0f s" % kv for kv in summary["seconds_by_implementation"].items())))
    if args.without_crate:
        print("!!! the sourcemap crate peer was SKIPPED (--without-crate) !!!")
    print("summary written to %s" % os.path.relpath(args.json, ROOT))
    print("diff: %d undocumented disagreements (%s)" % (
        failing, "FAIL" if failing else "ok"))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
