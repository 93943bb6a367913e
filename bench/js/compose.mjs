// The composition figure's JavaScript side (bench/compose_bench.py runs it).
//
//   node compose.mjs build GENERATED.js MAP OUTER.map
//       terser re-minifies GENERATED.js (its map given as the input map is
//       NOT used: the output map is the second step alone) and writes that
//       step's map to OUTER.map, sources ["<basename of GENERATED.js>"].
//   node compose.mjs time OUTER.map INNER.map WARM BUDGET_S
//       times @jridgewell/remapping(outer, () => inner) from JSON text to
//       JSON text, at least WARM times or BUDGET_S seconds, and prints
//       {"times_s": [...], "tokens": n, "checksum": hex}.
//
// Packages come from tests/reverse (pinned there; `npm ci` in that folder,
// which .ci/run's peers stage does). The checksum is bench/compose_bench.py's:
// sha256 over one line per token of the composed map, "dl,dc" for a
// 1-field segment, else "dl,dc,sl,sc,name" (name empty when none); source
// URLs are left out because remapping resolves them against the
// intermediate file's location and libsourcemap does not.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'tests', 'reverse', 'package.json'));
const [mode, ...args] = process.argv.slice(2);

if (mode === 'build') {
  const { minify } = require('terser');
  const [generated, , outPath] = args;
  const name = basename(generated);
  const out = await minify({ [name]: readFileSync(generated, 'utf8') }, {
    compress: true,
    mangle: true,
    sourceMap: { filename: name.replace(/\.js$/, '') + '.re.min.js' },
  });
  writeFileSync(outPath, out.map);
} else if (mode === 'time') {
  const remapping = require('@jridgewell/remapping');
  const { TraceMap, FlattenMap, decodedMappings } = require('@jridgewell/trace-mapping');
  const [outerPath, innerPath, warm, budget] = args;
  const outer = readFileSync(outerPath, 'utf8');
  const innerText = readFileSync(innerPath, 'utf8');
  // remapping takes no index maps: trace-mapping flattens one (timed, as
  // ours reads an index map as part of View.from_json).
  const indexed = innerText.includes('"sections"') && JSON.parse(innerText).sections;
  const times = [];
  let text = '';
  const start = performance.now();
  while (times.length < Number(warm) || (performance.now() - start) / 1e3 < Number(budget)) {
    const t0 = performance.now();
    // The inner map for the outer source only, not for its own sources.
    const inner = indexed ? new FlattenMap(innerText) : innerText;
    text = remapping(outer, (file, ctx) => (ctx.depth === 1 ? inner : null)).toString();
    times.push((performance.now() - t0) / 1e3);
    if (times.length >= 1000) break;
  }
  const map = new TraceMap(text);
  const h = createHash('sha256');
  let tokens = 0;
  decodedMappings(map).forEach((line, dl) => {
    for (const seg of line) {
      tokens++;
      if (seg.length === 1) h.update(`${dl},${seg[0]}\n`);
      else h.update(`${dl},${seg[0]},${seg[2]},${seg[3]},${seg.length === 5 ? map.names[seg[4]] : ''}\n`);
    }
  });
  process.stdout.write(JSON.stringify({ times_s: times, tokens, checksum: h.digest('hex') }));
} else {
  process.stderr.write('usage: compose.mjs build|time ...\n');
  process.exit(2);
}
