#!/usr/bin/env node
// Decodes a source map with @jridgewell/trace-mapping (AnyMap for index
// maps) and writes every token's generated position as little-endian
// uint32 pairs (line, column; 0-based) to OUT. bench/run.py samples the
// lookup positions from that file.
//
//   node tokens.mjs NODE_DIR MAP OUT
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [nodeDir, mapPath, out] = process.argv.slice(2);
const require = createRequire(join(nodeDir, "package.json"));
const { AnyMap, decodedMappings } = require("@jridgewell/trace-mapping");

const tm = new AnyMap(readFileSync(mapPath, "utf8"));
const decoded = decodedMappings(tm);
let count = 0;
for (const segs of decoded) count += segs.length;
const pairs = new Uint32Array(count * 2);
let k = 0;
decoded.forEach((segs, line) => {
  for (const seg of segs) {
    pairs[k++] = line;
    pairs[k++] = seg[0];
  }
});
writeFileSync(out, Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength));
process.stdout.write(JSON.stringify({ tokens: count, lines: decoded.length }) + "\n");
