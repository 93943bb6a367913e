const {makeCart} = require('./cart');

// Anonymous callbacks: only the function map knows what to call them.
module.exports.checkout = {
  run: function (items) {
    const cart = makeCart(items);
    return [1].map(() => cart.total())[0];
  },
};
