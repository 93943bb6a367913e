function fn_decl() {
    return function fn_expr() {};
}
class class_decl {
    constructor() { return class class_expr {}; }
    static static_method() {}
    class_method() {}
    #private_method() {}
    get price() { return 1 }
    set price(v) {}
    field = () => { throw new Error('f'); }
    async am() {}
    *gen() {}
    [Symbol.iterator]() {}
}
var anon_fn = function () {};
let anon_class = class {};
const arrow = () => {};
assigned_fn = function () {};
deep.assigned.klass = class {};
const obj_literal = {
    named_prop: function named_prop() {},
    anon_prop: function () {},
    arrow_prop: () => {},
    method_prop() {},
    nested: { inner() {} },
    'str-key': x => x * 2,
};
Foo.prototype.bar = function() { return a / b / c; };
const re = /[/}]{/.test(x) ? `a${`b${ {c:1}.c }`}` : 1;
items.map(x => x.y).filter((a, b) => a > b);
const f2 = async x => { await x; };
const ternary = c ? (a) => a : (b) => b;
if (a) /foo}/.test(b);
export default function () {}
const ünïcödé = () => { const 𝒳 = 1; };
const after = () => 1;
