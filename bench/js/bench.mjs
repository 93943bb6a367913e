#!/usr/bin/env node
// Measures one JavaScript source-map consumer, for bench/run.py.
//
//   node --expose-gc bench.mjs NODE_DIR IMPL MAP POSITIONS [--warm N] [--budget S] [--passes N]
//                              [--reverse QUERIES.json]
//
// With --reverse (bench/py/reverse_queries.py's file) it also times
// generatedPositionFor (the first call on a fresh map, which builds the
// index, then every query), allGeneratedPositionsFor, and writing the
// whole map as JSON text (trace-mapping: encodedMappings of freshly
// decoded mappings and JSON.stringify; source-map:
// SourceMapGenerator.fromSourceMap(...).toString()).
//
// IMPL: trace-mapping | source-map-0.7.4 | source-map-0.6.1.
// POSITIONS: text, "line col" a line (0-based). Prints one JSON object whose
// timings are seconds per repetition (run.py takes the medians), in the
// same shape as bench/lsm_bench.c.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const args = process.argv.slice(2);
const opts = { warm: 5, budget: 3, passes: 3, reverse: null };
const pos = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--warm") opts.warm = Number(args[++i]);
  else if (args[i] === "--budget") opts.budget = Number(args[++i]);
  else if (args[i] === "--passes") opts.passes = Number(args[++i]);
  else if (args[i] === "--reverse") opts.reverse = args[++i];
  else pos.push(args[i]);
}
const [nodeDir, impl, mapPath, posPath] = pos;
const require = createRequire(join(nodeDir, "package.json"));

function hwm() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : -1;
}
const now = () => Number(process.hrtime.bigint()) / 1e9;

// Each adapter: parse(text) -> handle (lookup-ready after one lookup),
// lookup(handle, line0, col0) -> [srcLine0, srcCol] or null,
// each(handle, cb), free(handle).
async function adapter(name) {
  if (name === "trace-mapping") {
    const tm = require("@jridgewell/trace-mapping");
    const version = require("@jridgewell/trace-mapping/package.json").version;
    return {
      version,
      parse: (text) => new tm.AnyMap(text),
      lookup: (h, line, column) => {
        const r = tm.originalPositionFor(h, { line: line + 1, column });
        return r.line === null ? null : [r.line - 1, r.column];
      },
      each: (h, cb) => tm.eachMapping(h, cb),
      free: () => {},
      reverse: (h, source, line, column) => {
        const g = tm.generatedPositionFor(h, { source, line: line + 1, column });
        return g.line === null ? null : [g.line - 1, g.column];
      },
      reverseAll: (h, source, line, column) =>
        tm.allGeneratedPositionsFor(h, { source, line: line + 1, column }).map((g) => [g.line - 1, g.column]),
      // Encoding work only: a map of freshly decoded mappings (made
      // untimed; trace-mapping keeps a map's encoded string once made).
      encodePrepare: (h, text) => {
        const raw = JSON.parse(text);
        return tm.presortedDecodedMap({ ...raw, sections: undefined, mappings: tm.decodedMappings(h),
                                        sources: h.sources, sourcesContent: h.sourcesContent, names: h.names });
      },
      encode: (fresh) => JSON.stringify({ version: 3, file: fresh.file, sources: fresh.sources,
                                          sourcesContent: fresh.sourcesContent, names: fresh.names,
                                          mappings: tm.encodedMappings(fresh) }),
    };
  }
  if (name === "source-map-0.7.4" || name === "source-map-0.6.1") {
    const pkg = name === "source-map-0.7.4" ? "source-map-074" : "source-map-061";
    const sm = require(pkg);
    const version = require(`${pkg}/package.json`).version;
    const wasm = name === "source-map-0.7.4";
    return {
      version,
      parse: wasm ? (text) => new sm.SourceMapConsumer(text) : (text) => new sm.SourceMapConsumer(text),
      async: wasm,
      lookup: (h, line, column) => {
        const r = h.originalPositionFor({ line: line + 1, column });
        return r.line === null ? null : [r.line - 1, r.column];
      },
      each: (h, cb) => h.eachMapping(cb),
      free: (h) => (wasm ? h.destroy() : undefined),
      reverse: (h, source, line, column) => {
        const g = h.generatedPositionFor({ source, line: line + 1, column });
        return g.line === null ? null : [g.line - 1, g.column];
      },
      reverseAll: (h, source, line, column) =>
        h.allGeneratedPositionsFor({ source, line: line + 1, column }).map((g) => [g.line - 1, g.column]),
      encodePrepare: (h) => h,
      encode: (h) => sm.SourceMapGenerator.fromSourceMap(h).toString(),
    };
  }
  throw new Error(`unknown implementation ${name}`);
}

async function measureReverse(a, parse, h, text, res) {
  const queries = JSON.parse(readFileSync(opts.reverse, "utf8")).queries;
  const fresh = await parse();
  let t0 = now();
  a.reverse(fresh, ...queries[0]);
  res.reverse_first_s = now() - t0;
  a.free(fresh);
  res.reverse_queries = queries.length;
  res.reverse_s = [];
  let found = 0, sum = 0;
  for (let p = 0; p < opts.passes; p++) {
    found = 0; sum = 0;
    t0 = now();
    for (const [s, l, c] of queries) {
      const g = a.reverse(h, s, l, c);
      if (g !== null) { found++; sum += g[0] + g[1]; }
    }
    res.reverse_s.push(now() - t0);
  }
  res.reverse_found = found;
  res.reverse_checksum = sum;
  res.reverse_all_s = [];
  for (let p = 0; p < opts.passes; p++) {
    found = 0; sum = 0;
    t0 = now();
    for (const [s, l, c] of queries) {
      for (const g of a.reverseAll(h, s, l, c)) { found++; sum += g[0] + g[1]; }
    }
    res.reverse_all_s.push(now() - t0);
  }
  res.reverse_all_found = found;
  res.reverse_all_checksum = sum;
  res.encode_s = [];
  const start = now();
  let out = "";
  while (res.encode_s.length < opts.warm && (res.encode_s.length === 0 || now() - start < opts.budget)) {
    const input = a.encodePrepare(h, text);
    t0 = now();
    out = a.encode(input);
    res.encode_s.push(now() - t0);
  }
  res.encode_bytes = Buffer.byteLength(out);
}

async function main() {
  const a = await adapter(impl);
  const text = readFileSync(mapPath, "utf8");
  const lines = [], cols = [];
  for (const row of readFileSync(posPath, "utf8").split("\n")) {
    if (!row) continue;
    const sp = row.indexOf(" ");
    lines.push(Number(row.slice(0, sp)));
    cols.push(Number(row.slice(sp + 1)));
  }
  const L = Int32Array.from(lines), C = Int32Array.from(cols);
  const n = L.length;
  const res = { impl, version: a.version, map_bytes: Buffer.byteLength(text), positions: n };
  const parse = async () => {
    const h = a.async ? await a.parse(text) : a.parse(text);
    a.lookup(h, L[0], C[0]);
    return h;
  };

  if (global.gc) global.gc();
  try {
    // Linux >= 4.0: VmHWM restarts from the current RSS
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {}
  const h0 = hwm();
  let t0 = now();
  const h = await parse();
  res.parse_cold_s = now() - t0;
  res.mem_increase_bytes = hwm() - h0;
  res.hwm_before_bytes = h0;

  res.parse_warm_s = [];
  const start = now();
  while (res.parse_warm_s.length < opts.warm && (res.parse_warm_s.length === 0 || now() - start < opts.budget)) {
    t0 = now();
    const hw = await parse();
    res.parse_warm_s.push(now() - t0);
    a.free(hw);
  }

  res.lookup_s = [];
  let found = 0, sum = 0;
  for (let p = 0; p < opts.passes; p++) {
    found = 0; sum = 0;
    t0 = now();
    for (let i = 0; i < n; i++) {
      const r = a.lookup(h, L[i], C[i]);
      if (r !== null) { found++; sum += r[0] + r[1]; }
    }
    res.lookup_s.push(now() - t0);
  }
  res.lookup_found = found;
  res.lookup_checksum = sum;

  if (opts.reverse) {
    try {
      await measureReverse(a, parse, h, text, res);
    } catch (e) {
      res.reverse_error = String(e).slice(0, 500);
    }
  }

  try {
    const iter = [];
    let count = 0;
    for (let p = 0; p < opts.passes; p++) {
      count = 0;
      t0 = now();
      a.each(h, () => { count++; });
      iter.push(now() - t0);
    }
    res.iter_s = iter;
    res.tokens = count;
  } catch (e) {
    res.iter_error = String(e).slice(0, 500);
  }
  a.free(h);
  process.stdout.write(JSON.stringify(res) + "\n");
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ impl, error: String(e && e.stack ? e.stack : e).slice(0, 2000) }) + "\n");
  process.exit(0);
});
