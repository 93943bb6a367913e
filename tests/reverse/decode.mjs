// Decodes the "mappings" of a source map with @jridgewell/trace-mapping,
// for tests/python/test_encode.py: reads the map's JSON from standard
// input, writes its decoded segments, one array of segments per generated
// line (each [column, source, line, column, name] with 1, 4 or 5 fields).
import { readFileSync } from 'node:fs';
import { TraceMap, decodedMappings } from '@jridgewell/trace-mapping';

const maps = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(maps.map((text) => decodedMappings(new TraceMap(text)))));
