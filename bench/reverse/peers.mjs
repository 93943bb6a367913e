// The JavaScript side of bench/reverse/run.py: times trace-mapping's
// generatedPositionFor (first call, which builds its per-source index,
// then the queries), encoding (trace-mapping's encodedMappings of decoded
// mappings, plus JSON.stringify of the map) and @jridgewell/remapping.
//
//   node peers.mjs MAP QUERIES.json OUTER INNER
//
// Prints one JSON object of seconds. Uses tests/reverse/node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/reverse/package.json', import.meta.url));
const tm = require('@jridgewell/trace-mapping');
const remapping = require('@jridgewell/remapping');
const [mapPath, queriesPath, outerPath, innerPath] = process.argv.slice(2);
const now = () => Number(process.hrtime.bigint()) / 1e9;

const text = readFileSync(mapPath, 'utf8');
const queries = JSON.parse(readFileSync(queriesPath, 'utf8'));
const result = {};

{
  const map = new tm.TraceMap(text);
  const sources = map.sources;
  let t = now();
  const [s0, l0, c0] = queries[0];
  tm.generatedPositionFor(map, { source: sources[s0], line: l0 + 1, column: c0 });
  result.reverse_first = now() - t;
  t = now();
  let found = 0;
  for (const [s, l, c] of queries) {
    const g = tm.generatedPositionFor(map, { source: sources[s], line: l + 1, column: c });
    if (g.line !== null) found++;
  }
  result.reverse_queries = now() - t;
  result.reverse_found = found;
}
{
  const map = new tm.TraceMap(text);
  const decoded = tm.decodedMappings(map);
  const fresh = tm.presortedDecodedMap({ ...JSON.parse(text), mappings: decoded });
  const t = now();
  const out = JSON.stringify({ ...JSON.parse('{}'), version: 3, sources: fresh.sources,
                               names: fresh.names, mappings: tm.encodedMappings(fresh) });
  result.encode = now() - t;
  result.encode_bytes = out.length;
}
{
  const outer = readFileSync(outerPath, 'utf8');
  const inner = readFileSync(innerPath, 'utf8');
  const t = now();
  const composed = remapping(outer, (f) => (f === 'mid.js' ? inner : null));
  const s = composed.toString();
  result.compose = now() - t;
  result.compose_bytes = s.length;
}
process.stdout.write(JSON.stringify(result));
