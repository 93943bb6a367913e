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
