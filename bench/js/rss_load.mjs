// One map loaded from a path in a fresh process, for bench/rss.py:
//
//     node rss_load.mjs NODE_DIR NAME [MAP]
//
// Requires the consumer NAME from NODE_DIR's node_modules, reads the file,
// parses it and looks up the first generated position, then exits.
// Without MAP it only requires the consumer (the baseline).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [nodeDir, name, mapPath] = process.argv.slice(2);
const require = createRequire(join(nodeDir, "package.json"));
const pkg = { "trace-mapping": "@jridgewell/trace-mapping", "source-map-0.7.4": "source-map-074",
              "source-map-0.6.1": "source-map-061" }[name];
const lib = require(pkg);
if (!mapPath) {
  console.log("baseline");
} else {
  const text = readFileSync(mapPath, "utf8");
  if (name === "trace-mapping") {
    const h = new lib.AnyMap(text);
    const r = lib.originalPositionFor(h, { line: 1, column: 0 });
    console.log("found", r.line !== null);
  } else {
    const h = await new lib.SourceMapConsumer(text);
    const r = h.originalPositionFor({ line: 1, column: 0 });
    console.log("found", r.line !== null);
    if (h.destroy) h.destroy();
  }
}
