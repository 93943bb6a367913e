// Chrome DevTools' scopes codec as a peer of tests/python/test_scopes_peer.py.
//
//   node peer.mjs decode MAP...     each map's scopes as the codec decodes them
//   node peer.mjs random N SEED     N random scope infos encoded by the codec,
//                                   each {map, decoded} (decoded by the codec)
//
// Output is JSON in libsourcemap's decoded-record shape (scope per source,
// ranges with definitionIndex and stackFrameType).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve("chrome-devtools-frontend/package.json"));
const codec = await import(
  path.join(pkg, "front_end/third_party/source-map-scopes-codec/package/src/mod.js"));

function pos(p) {
  return { line: p.line, column: p.column };
}

function record(info) {
  const index = new Map();
  let counter = 0;
  const scope = (s) => {
    index.set(s, counter++);
    return {
      start: pos(s.start), end: pos(s.end), name: s.name ?? null, kind: s.kind ?? null,
      isStackFrame: !!s.isStackFrame, variables: [...s.variables],
      children: s.children.map(scope),
    };
  };
  const scopes = info.scopes.map((s) => (s ? scope(s) : null));
  const value = (v) => {
    if (Array.isArray(v)) {
      return v.map((b) => ({ from: pos(b.from), to: pos(b.to), value: b.value ?? null }));
    }
    return v ?? null;
  };
  const range = (r) => ({
    start: pos(r.start), end: pos(r.end),
    definitionIndex: r.originalScope ? index.get(r.originalScope) : null,
    stackFrameType: r.isHidden ? "hidden" : r.isStackFrame ? "original" : "none",
    bindings: r.values.map(value),
    callSite: r.callSite ? { sourceIndex: r.callSite.sourceIndex, line: r.callSite.line,
                             column: r.callSite.column } : null,
    children: r.children.map(range),
  });
  return { scopes, ranges: info.ranges.map(range) };
}

// A small deterministic generator (xorshift), so that a seed reproduces.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

const NAMES = ["a", "b", "fn", "g", "Global", "Function", "Block", "x1", "y2", "_e"];

function randomInfo(r) {
  const sources = 1 + r(3);
  let line = 0, column = 0;
  const step = () => {
    if (r(3) === 0) { line += 1 + r(3); column = r(5); } else { column += r(7); }
    return { line, column };
  };
  const all = [];
  const scope = (depth) => {
    const s = { start: step(), end: null, isStackFrame: r(2) === 0,
                variables: Array.from({ length: r(3) }, () => NAMES[r(NAMES.length)]),
                children: [] };
    if (r(2)) s.name = NAMES[r(NAMES.length)];
    if (r(2)) s.kind = NAMES[4 + r(3)];
    all.push(s);
    const kids = depth < 3 ? r(3) : 0;
    for (let i = 0; i < kids; i++) s.children.push(scope(depth + 1));
    s.end = step();
    return s;
  };
  const scopes = [];
  for (let i = 0; i < sources; i++) {
    line = 0; column = 0;
    scopes.push(r(4) === 0 ? null : scope(0));
  }
  line = 0; column = 0;
  const range = (depth) => {
    const g = { start: step(), end: null, isStackFrame: r(2) === 0, isHidden: r(5) === 0,
                values: [], children: [] };
    if (all.length && r(4)) {
      g.originalScope = all[r(all.length)];
      if (r(2)) {
        g.values = g.originalScope.variables.map(() =>
          r(3) === 0 ? null : NAMES[r(NAMES.length)]);
      }
    }
    if (r(4) === 0) g.callSite = { sourceIndex: r(sources), line: r(20), column: r(40) };
    const kids = depth < 3 ? r(3) : 0;
    for (let i = 0; i < kids; i++) g.children.push(range(depth + 1));
    g.end = step();
    // Some variables change expression inside the range: sub-ranges from
    // the range start, then from later columns of its first line.
    g.values = g.values.map((v) => {
      if (r(3) !== 0) return v;
      const subs = [{ from: pos(g.start), to: null, value: v ?? undefined }];
      let col = g.start.column;
      for (let k = 1 + r(2); k > 0; k--) {
        col += 1 + r(4);
        subs.push({ from: { line: g.start.line, column: col }, to: null,
                    value: r(3) === 0 ? undefined : NAMES[r(NAMES.length)] });
      }
      for (let k = 0; k + 1 < subs.length; k++) subs[k].to = subs[k + 1].from;
      subs[subs.length - 1].to = pos(g.end);
      return subs;
    });
    return g;
  };
  const ranges = Array.from({ length: 1 + r(2) }, () => range(0));
  return { info: { scopes, ranges }, sources };
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "decode") {
  const out = args.map((file) => {
    const map = JSON.parse(fs.readFileSync(file, "utf8"));
    return record(codec.decode(map, { mode: codec.DecodeMode.STRICT }));
  });
  process.stdout.write(JSON.stringify(out));
} else if (mode === "random") {
  const r = rng(Number(args[1]));
  const out = [];
  for (let i = 0; i < Number(args[0]); i++) {
    const { info, sources } = randomInfo(r);
    const base = { version: 3, sources: Array.from({ length: sources }, (_, k) => `s${k}.js`),
                   names: [], mappings: "" };
    const map = codec.encode(info, base);
    out.push({ map, decoded: record(codec.decode(map, { mode: codec.DecodeMode.STRICT })) });
  }
  process.stdout.write(JSON.stringify(out));
} else {
  process.stderr.write("usage: node peer.mjs decode MAP... | random N SEED\n");
  process.exit(2);
}
