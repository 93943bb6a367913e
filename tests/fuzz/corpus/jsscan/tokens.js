function a() { return x / y / z; }
function b() { return /}/.test(s) ? `${`${ {k: 1}.k }`}` : 0; }
function c() { /* } { */ // }
  return "}" + '{' + `\`}`; }
function d() { if (x) /[/}]/g.exec(y); return a++ / 2; }
function e() { let f = x => ({ a: 1 }), g = (x) => x ? y => y : z => z; return f; }
const h = function () {} / 2;
var obj = { a: 1 } / 2, rx = /=>/;
function ι̇() { return 1 <!--x
}
label: { function k() {} }
switch (x) { case 1: { function m() {} } }
async function* gen() { yield* other(); await new Promise(r => r()); }
x = a ? function t1() {} : function t2() {};
