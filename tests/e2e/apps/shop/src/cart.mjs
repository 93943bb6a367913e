// The cart and its lines.

import { assertValid, roundCents } from "./util.mjs";

export class LineItem {
  constructor(sku, unitPrice, quantity = 1) {
    assertValid(Number.isFinite(unitPrice), sku, "the price is not a number");
    this.sku = sku;
    this.unitPrice = unitPrice;
    this.quantity = quantity;
  }

  get subtotal() {
    return roundCents(this.unitPrice * this.quantity);
  }
}

export class Cart {
  #items = [];

  static fromJSON(data) {
    const cart = new Cart(data.owner);
    for (const item of data.items) {
      cart.add(item.sku, item.price, item.qty);
    }
    return cart;
  }

  constructor(owner) {
    this.owner = owner;
  }

  add(sku, price, quantity) {
    this.#items.push(new LineItem(sku, price, quantity));
    return this;
  }

  get size() {
    return this.#items.length;
  }

  total(rules = []) {
    const base = this.#items.reduce((sum, item) => sum + item.subtotal, 0);
    return rules.reduce((amount, rule) => rule.apply(amount, this), base);
  }
}
