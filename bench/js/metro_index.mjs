#!/usr/bin/env node
// Builds an index map ({"sections": [...]}) the way Metro (React Native's
// bundler) does, with metro-source-map's BundleBuilder, by concatenating
// generated scripts and their maps.
//
//   node metro_index.mjs NODE_DIR OUT_JS JS1 MAP1 [JS2 MAP2 ...]
//
// OUT_JS.map receives the index map. Each script is appended without its
// sourceMappingURL comment, followed by an unmapped separator line, as
// Metro appends its prelude and module wrappers.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";

const [nodeDir, outJs, ...pairs] = process.argv.slice(2);
if (!outJs || pairs.length < 4 || pairs.length % 2) {
  process.stderr.write("usage: node metro_index.mjs NODE_DIR OUT_JS JS1 MAP1 JS2 MAP2 ...\n");
  process.exit(2);
}
const require = createRequire(join(nodeDir, "package.json"));
const { BundleBuilder } = require("metro-source-map");

const builder = new BundleBuilder(basename(outJs));
builder.append("/* metro-style bundle of real packages' scripts */\n");
for (let i = 0; i < pairs.length; i += 2) {
  const code = readFileSync(pairs[i], "utf8").replace(/\n?\/\/# sourceMappingURL=[^\n]*\s*$/, "");
  const map = JSON.parse(readFileSync(pairs[i + 1], "utf8"));
  builder.append(code, map);
  builder.append(`\n/* end of ${basename(pairs[i])} */\n`);
}
writeFileSync(outJs, builder.getCode() + `//# sourceMappingURL=${basename(outJs)}.map\n`);
writeFileSync(`${outJs}.map`, JSON.stringify(builder.getMap()));
process.stdout.write(JSON.stringify({ sections: builder.getMap().sections.length }) + "\n");
