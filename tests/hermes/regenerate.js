// Rebuilds the committed React Native fixtures in out/ with the real
// producers: Metro's metro-source-map (function maps with
// generateFunctionMap, the bundle's map with fromRawMappings, Metro's
// composition with composeSourceMaps) and the Hermes compiler (hermesc
// from the hermes-compiler package: bytecode, its map, and a disassembly
// that gives the bytecode offsets of the frames). metro-symbolicate, the
// consumer React Native ships, then answers every frame; its answers are
// the expected values the tests compare with.
//
//   cd tests/hermes && npm ci && node regenerate.js
'use strict';
const fs = require('fs');
const path = require('path');
const {execFileSync} = require('child_process');
const parser = require('@babel/parser');
const generate = require('@babel/generator').default;
const msm = require('metro-source-map');
const {SourceMapConsumer} = require('source-map');
const Symbolication = require('metro-symbolicate/private/Symbolication');

const here = __dirname;
const out = path.join(here, 'out');
fs.mkdirSync(out, {recursive: true});
const hermesc = path.join(here, 'node_modules/hermes-compiler/hermesc/linux64-bin/hermesc');

// ------------------------------------------------------------ the bundle
// Metro's layout: a prelude, then one __d(factory, id) per module, the
// module's code inside its factory starting on the factory's line + 1.
// The code is Babel's generator's output for the module (an identity
// transform), with its raw mappings, as Metro's transformer hands them on.
const files = ['index.js', 'checkout.js', 'cart.js'];
const ids = Object.fromEntries(files.map((f, i) => ['./' + f.replace(/\.js$/, ''), i]));
const prelude = [
  'var __modules = {};',
  'function __d(factory, id) { __modules[id] = {factory: factory, exports: null}; }',
  'function __r(id) {',
  '  var m = __modules[id];',
  '  if (m.exports === null) { var module = {exports: {}}; m.exports = module.exports;',
  '    m.factory(globalThis, function (name) { return __r(__ids[name]); }, module, module.exports);',
  '    m.exports = module.exports; }',
  '  return m.exports;',
  '}',
  'var __ids = ' + JSON.stringify(ids) + ';',
].join('\n');
const modules = [{code: prelude, map: [], path: '__prelude__', source: prelude, functionMap: null}];
for (const file of files) {
  const source = fs.readFileSync(path.join(here, 'app', file), 'utf8');
  const ast = parser.parse(source, {sourceType: 'script'});
  const functionMap = msm.generateFunctionMap(ast, {filename: 'app/' + file});
  const gen = generate(ast, {sourceMaps: true, sourceFileName: 'app/' + file}, source);
  const wrapped =
    '__d(function (global, require, module, exports) {\n' + gen.code + '\n}, ' + files.indexOf(file) + ');';
  // Generated lines shift by one: the factory's own line comes first.
  const tuples = gen.rawMappings.map(msm.toSegmentTuple).map((t) => {
    const copy = t.slice();
    copy[0] += 1;
    return copy;
  });
  modules.push({code: wrapped, map: tuples, path: 'app/' + file, source, functionMap});
}
modules.push({code: '__r(0)();', map: [], path: '__epilogue__', source: '', functionMap: null});
// Metro joins modules with newlines; line offsets count them that way.
const code = modules.map((m) => m.code).join('\n') + '\n';
// Every module, the prelude too, so that line offsets count it.
const metroFull = msm.fromRawMappings(modules).toMap('index.android.bundle', {excludeSource: false});
fs.writeFileSync(path.join(out, 'index.android.bundle.js'), code);
fs.writeFileSync(path.join(out, 'index.android.bundle.js.map'), JSON.stringify(metroFull));

// ------------------------------------------------------------ Hermes
// Run in out/ with relative names: hermesc records the file name it read.
const run = (args) => execFileSync(hermesc, args, {cwd: out}).toString();
run(['-O', '-emit-binary', '-output-source-map', '-out', 'index.android.bundle.hbc',
  'index.android.bundle.js']);
const hermesMap = JSON.parse(fs.readFileSync(path.join(out, 'index.android.bundle.hbc.map'), 'utf8'));
const composed = msm.composeSourceMaps([metroFull, hermesMap]);
fs.writeFileSync(path.join(out, 'index.android.bundle.composed.map'), JSON.stringify(composed));
const dump = run(['-O', '-dump-bytecode', '-pretty=0', 'index.android.bundle.js']);
fs.writeFileSync(path.join(out, 'index.android.bundle.bytecode.txt'), dump);

// ------------------------------------------------------------ the trace
// The functions in bytecode order (their ids), each with its instructions.
const functions = [];
for (const line of dump.split('\n')) {
  const head = /^(?:NC)?(?:Function|Constructor)<([^>]*)>\((\d+) params/.exec(line);
  if (head) {
    functions.push({name: head[1], params: Number(head[2]), ops: []});
    continue;
  }
  const op = /^\[@ (\d+)\] (\w+)/.exec(line);
  if (op && functions.length) functions[functions.length - 1].ops.push({at: Number(op[1]), op: op[2]});
}
const offsets = composed.x_hermes_function_offsets['0'];
if (offsets.length !== functions.length) throw new Error('function count disagrees with the map');
// The frames of the throw, innermost first: which function (by name and
// parameter count, as the disassembly shows it), which instruction (the
// nth of its kind) the frame is at. Hermes inlines onPress into App.
const chain = [
  {name: '', params: 3, op: 'Construct', nth: 0},
  {name: 'total', params: 1, op: 'Call3', nth: 0, native: 'reduce'},
  {name: '', params: 1, op: 'Call1', nth: 0},
  {name: 'run', params: 2, op: 'Call2', nth: 1, native: 'map'},
  {name: 'App', params: 1, op: 'Call2', nth: 0},
  {name: 'global', params: 1, op: 'Call1', nth: 0},
];
const context = Symbolication.createContext(SourceMapConsumer, composed, {});
const lines = ['TypeError: no price for cake'];
const frames = [];
for (const want of chain) {
  const fid = functions.findIndex((f) => f.name === want.name && f.params === want.params &&
    f.ops.filter((o) => o.op === want.op).length > want.nth);
  if (fid < 0) throw new Error('no function ' + JSON.stringify(want));
  const at = functions[fid].ops.filter((o) => o.op === want.op)[want.nth].at;
  const column = offsets[fid] + at;
  // A native function between this frame and the one it called.
  if (want.native) lines.push('    at ' + want.native + ' (native)');
  lines.push('    at ' + (want.name || 'anonymous') + ' (address at index.android.bundle:1:' + column + ')');
  const text = context.getOriginalPositionDetailsFor(1, column, undefined);
  const [bytecode] = context.symbolicateHermesMinidumpTrace({
    callstack: [{SegmentID: 0, FunctionID: fid, ByteCodeOffset: at, SourceURL: 'index.android.bundle'}],
  });
  frames.push({
    function_id: fid,
    bytecode_offset: at,
    line: 1,
    column,
    // metro-symbolicate's answers: 1-based line, 0-based column.
    expected: {source: text.source, line: text.line, column: text.column,
      name: text.name, function_name: text.functionName},
    expected_bytecode: {source: bytecode.source, line: bytecode.line, column: bytecode.column,
      function_name: bytecode.functionName},
  });
}
fs.writeFileSync(path.join(out, 'stacktrace.txt'), lines.join('\n') + '\n');
fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify({
  producers: {
    'metro-source-map': require('metro-source-map/package.json').version,
    'metro-symbolicate': require('metro-symbolicate/package.json').version,
    'hermes-compiler': require('hermes-compiler/package.json').version,
  },
  frames,
}, null, 2) + '\n');
