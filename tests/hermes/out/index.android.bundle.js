var __modules = {};
function __d(factory, id) { __modules[id] = {factory: factory, exports: null}; }
function __r(id) {
  var m = __modules[id];
  if (m.exports === null) { var module = {exports: {}}; m.exports = module.exports;
    m.factory(globalThis, function (name) { return __r(__ids[name]); }, module, module.exports);
    m.exports = module.exports; }
  return m.exports;
}
var __ids = {"./index":0,"./checkout":1,"./cart":2};
__d(function (global, require, module, exports) {
const {
  checkout
} = require('./checkout');
function onPress() {
  return checkout.run([{
    name: 'tea',
    price: 3
  }, {
    name: 'cake'
  }]);
}
module.exports = function App() {
  return onPress();
};
}, 0);
__d(function (global, require, module, exports) {
const {
  makeCart
} = require('./cart');

// Anonymous callbacks: only the function map knows what to call them.
module.exports.checkout = {
  run: function (items) {
    const cart = makeCart(items);
    return [1].map(() => cart.total())[0];
  }
};
}, 1);
__d(function (global, require, module, exports) {
// A cart whose total throws on a bad price: the frame that fails.
class Cart {
  constructor(items) {
    this.items = items;
  }
  total() {
    return this.items.reduce((sum, item) => {
      if (typeof item.price !== 'number') {
        throw new TypeError('no price for ' + item.name);
      }
      return sum + item.price;
    }, 0);
  }
}
module.exports.makeCart = function (items) {
  return new Cart(items);
};
}, 2);
__r(0)();
