// Reads cases from standard input as JSON, [{sourceRoot, sources, mapUrl}]
// (sourceRoot and mapUrl may be null: absent), and writes the sources each
// resolves to as @jridgewell/trace-mapping resolves them: a JSON array of
// arrays, in order. Used by tests/python/test_resolve_source.py.
import { TraceMap } from "@jridgewell/trace-mapping";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map(({ sourceRoot, sources, mapUrl }) => {
  const map = { version: 3, sources, names: [], mappings: "" };
  if (sourceRoot !== null) map.sourceRoot = sourceRoot;
  return new TraceMap(map, mapUrl === null ? undefined : mapUrl).resolvedSources;
});
process.stdout.write(JSON.stringify(out));
