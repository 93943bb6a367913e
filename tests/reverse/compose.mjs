// A real two-step build for tests/python/test_compose.py: minifies
// already-bundled files (with their maps) again with terser, then composes
// terser's map with the bundles' maps using @jridgewell/remapping.
//
//   node compose.mjs < request.json > result.json
//
// The request is {"files": {name: [code, map JSON text], ...}}; every file
// is minified into one output "out.min.js". The result is {"outer":
// terser's map, "composed": remapping's map} (both JSON text).
import { readFileSync } from 'node:fs';
import { minify } from 'terser';
import remapping from '@jridgewell/remapping';
import { FlattenMap } from '@jridgewell/trace-mapping';

const request = JSON.parse(readFileSync(0, 'utf8'));
const code = {};
const maps = {};
for (const [name, [text, map]] of Object.entries(request.files)) {
  code[name] = text;
  // remapping takes no index maps: trace-mapping flattens them.
  maps[name] = JSON.parse(map).sections ? new FlattenMap(map) : map;
}
const out = await minify(code, {
  compress: true,
  mangle: true,
  sourceMap: { filename: 'out.min.js' },
});
const outer = out.map;
const composed = remapping(outer, (file) => maps[file] ?? null);
process.stdout.write(JSON.stringify({ outer, composed: JSON.stringify(composed) }));
