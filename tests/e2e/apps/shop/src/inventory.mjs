// The warehouse: stock levels, restocking and an asynchronous audit.

import { assertValid, sleep } from "./util.mjs";

export class Warehouse {
  constructor(stock) {
    this.stock = new Map(Object.entries(stock));
  }

  restock(deliveries) {
    deliveries.forEach(([sku, count]) => this.receive(sku, count));
  }

  receive(sku, count) {
    const checked = Warehouse.checkCount(sku, count);
    this.stock.set(sku, (this.stock.get(sku) ?? 0) + checked);
  }

  static checkCount(sku, count) {
    assertValid(count > 0, sku, `cannot receive ${count} items`);
    return count;
  }

  async *audit(skus) {
    for (const sku of skus) {
      await sleep(1);
      yield this.report(sku);
    }
  }

  report(sku) {
    const level = this.stock.get(sku);
    return { sku, level, low: level.valueOf() < 2 };
  }
}
