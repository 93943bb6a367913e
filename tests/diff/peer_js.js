// JavaScript peers of tests/diff/run.py: @jridgewell/trace-mapping and
// Mozilla's source-map (0.6.1, synchronous, and 0.7.4, WebAssembly).
//
// Run by node with NODE_PATH at the node_modules that npm ci made from
// tests/diff/package.json. Reads one JSON request per line on standard
// input, {"map": PATH, "positions": [[line, col], ...]}, and answers each
// with one JSON line holding, per peer, either {"ok": false, "error": ...}
// or {"ok": true, "tokens": [...], "sources": [...], "glb": [...],
// "lub": [...]}. A token is [dst_line, dst_col, src, src_line, src_col,
// name]; a lookup is [src, src_line, src_col, name] or null when the peer
// finds no source there. Lines are 0-based here, whatever the peer uses.
'use strict';
const fs = require('fs');
const readline = require('readline');
const tm = require('@jridgewell/trace-mapping');
const sm061 = require('source-map-061');
const sm074 = require('source-map-074');

function lookupResult(p) {
  if (!p || p.source == null) return null;
  return [p.source, p.line - 1, p.column, p.name == null ? null : p.name];
}

function mappingToken(m) {
  return [m.generatedLine - 1, m.generatedColumn, m.source == null ? null : m.source,
    m.originalLine == null ? null : m.originalLine - 1,
    m.originalColumn == null ? null : m.originalColumn, m.name == null ? null : m.name];
}

function failure(e) {
  return { ok: false, error: String(e && e.message ? e.message : e).slice(0, 300) };
}

function traceMapping(text, positions) {
  let map;
  try {
    map = new tm.AnyMap(text);
    tm.decodedMappings(map);
  } catch (e) {
    return failure(e);
  }
  const tokens = [];
  tm.eachMapping(map, (m) => tokens.push(mappingToken(m)));
  const glb = [], lub = [];
  for (const [line, column] of positions) {
    glb.push(lookupResult(tm.originalPositionFor(map, { line: line + 1, column, bias: tm.GREATEST_LOWER_BOUND })));
    lub.push(lookupResult(tm.originalPositionFor(map, { line: line + 1, column, bias: tm.LEAST_UPPER_BOUND })));
  }
  return { ok: true, tokens, sources: map.resolvedSources, glb, lub };
}

function sourceMap(mod, consumer, positions) {
  const tokens = [];
  consumer.eachMapping((m) => tokens.push(mappingToken(m)), null, mod.SourceMapConsumer.GENERATED_ORDER);
  const glb = [], lub = [];
  for (const [line, column] of positions) {
    glb.push(lookupResult(consumer.originalPositionFor({ line: line + 1, column, bias: mod.SourceMapConsumer.GREATEST_LOWER_BOUND })));
    lub.push(lookupResult(consumer.originalPositionFor({ line: line + 1, column, bias: mod.SourceMapConsumer.LEAST_UPPER_BOUND })));
  }
  return { ok: true, tokens, sources: consumer.sources, glb, lub };
}

function sourceMap061(text, positions) {
  let consumer;
  try {
    consumer = new sm061.SourceMapConsumer(JSON.parse(text));
    consumer.eachMapping(() => {});
  } catch (e) {
    return failure(e);
  }
  return sourceMap(sm061, consumer, positions);
}

async function sourceMap074(text, positions) {
  let consumer;
  try {
    consumer = await new sm074.SourceMapConsumer(JSON.parse(text));
    consumer.eachMapping(() => {});
  } catch (e) {
    if (consumer) consumer.destroy();
    return failure(e);
  }
  try {
    return sourceMap(sm074, consumer, positions);
  } catch (e) {
    return failure(e);
  } finally {
    consumer.destroy();
  }
}

async function answer(req) {
  const text = fs.readFileSync(req.map, 'utf8');
  const positions = req.positions || [];
  const peers = req.peers || ['tm', 'sm061', 'sm074'];
  const out = {};
  if (peers.includes('tm')) out.tm = traceMapping(text, positions);
  if (peers.includes('sm061')) out.sm061 = (() => { try { return sourceMap061(text, positions); } catch (e) { return failure(e); } })();
  if (peers.includes('sm074')) out.sm074 = await sourceMap074(text, positions);
  return out;
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let reply;
    try {
      reply = await answer(JSON.parse(line));
    } catch (e) {
      reply = { crash: failure(e) };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  }
}

main();
