// A large real library driven to throw from many of its functions: the
// acorn JavaScript parser (from tests/e2e/node_modules, pinned in
// package.json), given programs that each break a different rule. Runs the
// scenario named by the first argument and lets acorn's SyntaxError escape,
// so that Node prints a stack trace through acorn's parser functions.

import { parse, parseExpressionAt, tokenizer } from "acorn";

class Checker {
  constructor(options) {
    this.options = { ecmaVersion: "latest", ...options };
  }

  check(source) {
    return parse(source, this.options);
  }

  expressionAt(source, offset) {
    return parseExpressionAt(source, offset, this.options);
  }

  tokens(source) {
    return Array.from(tokenizer(source, this.options), (t) => t.type.label);
  }
}

const script = new Checker({ sourceType: "script" });
const module = new Checker({ sourceType: "module" });

// Each program breaks one rule; acorn finds it in a different function.
const programs = {
  unexpected: ["a b", script],
  regexp: ["/(?<a>x)(?<a>y)/", script],
  regexpClass: ["/[z-a]/", script],
  template: ["`${a`", script],
  duplicateConstructor: ["class A { constructor() {} constructor() {} }", script],
  strictWith: ['"use strict"; with (a) {}', script],
  binaryNumber: ["0b12", script],
  stringEscape: ['"\\x0g"', script],
  label: ["a: a: ;", script],
  assignTarget: ["1 = 2", script],
  awaitInFunction: ["async function f() { function g() { await x } }", module],
  importInScript: ["import x from 'y'", script],
  redeclaration: ["let a; let a;", script],
  privateName: ["class A { m() { return this.#x } }", script],
  getterParams: ["({ get a(x) {} })", script],
  superOutside: ["function f() { super.x }", script],
  yieldAssign: ["function* g() { yield = 1 }", script],
  bigint: ["1.5n", script],
  unicodeEscape: ["\\u{110000}", script],
  exportTwice: ["export const a = 1; export { a }", module],
  newTarget: ["new.target", script],
  arrowParams: ["(a, a) => { 'use strict' }", script],
  forOf: ["for (let x of a, b) ;", script],
  optionalChainAssign: ["a?.b = 1", script],
};

const scenarios = {
  ...Object.fromEntries(
    Object.entries(programs).map(([name, [source, checker]]) => [
      name,
      function check() {
        return checker.check(source);
      },
    ]),
  ),

  expression() {
    return script.expressionAt("x = (a, b) => c; (", 17);
  },

  tokens() {
    return script.tokens("let s = 'unterminated");
  },
};

const name = process.argv[2];
const run = scenarios[name];
if (!run) {
  console.error(`unknown scenario ${name}; one of: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
run();
