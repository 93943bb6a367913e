// Answers reverse lookups with @jridgewell/trace-mapping, for
// tests/python/test_reverse.py to compare against.
//
//   node peer.mjs < request.json > answers.json
//
// The request is {"map": <source map JSON text>, "queries": [[src, line,
// col, bias, all], ...]} with 0-based `src` (an index into the flattened
// sources), `line` and `col` (null: the whole line), bias "glb" or "lub",
// `all` true for allGeneratedPositionsFor. Each answer is [line, col]
// (0-based) or null, or for `all` a list of them.
//
// trace-mapping finds a source by name, the first one of that name; so that
// every source index can be asked for, the copy given to it has each source
// renamed to a unique name (its flattened index) and no sourceRoot. Neither
// changes which tokens map where.
//
// A whole line (col null) is not a trace-mapping call: it is every mapping
// of trace-mapping's eachMapping() on that source and line, sorted by
// original column (a stable sort keeps generated order within a column).
import { readFileSync } from 'node:fs';
import {
  FlattenMap,
  GREATEST_LOWER_BOUND,
  LEAST_UPPER_BOUND,
  allGeneratedPositionsFor,
  eachMapping,
  generatedPositionFor,
} from '@jridgewell/trace-mapping';

const request = JSON.parse(readFileSync(0, 'utf8'));
const map = JSON.parse(request.map);

let next = 0;
function rename(m) {
  delete m.sourceRoot;
  m.sources = m.sources.map(() => `lsm-src-${next++}`);
}
if (map.sections) for (const s of map.sections) rename(s.map);
else rename(map);

const tm = new FlattenMap(map);
const byLine = new Map();
eachMapping(tm, (m) => {
  if (m.source == null) return;
  const key = `${m.source}\n${m.originalLine}`;
  if (!byLine.has(key)) byLine.set(key, []);
  byLine.get(key).push(m);
});

const answers = request.queries.map(([src, line, col, bias, all]) => {
  const source = `lsm-src-${src}`;
  if (col === null) {
    const ms = (byLine.get(`${source}\n${line + 1}`) || []).slice();
    ms.sort((a, b) => a.originalColumn - b.originalColumn);
    return ms.map((m) => [m.generatedLine - 1, m.generatedColumn]);
  }
  const needle = {
    source,
    line: line + 1,
    column: col,
    bias: bias === 'glb' ? GREATEST_LOWER_BOUND : LEAST_UPPER_BOUND,
  };
  if (all) return allGeneratedPositionsFor(tm, needle).map((g) => [g.line - 1, g.column]);
  const g = generatedPositionFor(tm, needle);
  return g.line === null ? null : [g.line - 1, g.column];
});
process.stdout.write(JSON.stringify(answers));
