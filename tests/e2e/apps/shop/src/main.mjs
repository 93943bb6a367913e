// The shop: a cart, price rules, a warehouse and a checkout. Runs the
// scenario named by the first argument and lets its error escape, so that
// Node prints the stack trace the end-to-end tests symbolicate.

import { Cart } from "./cart.mjs";
import { applyDiscounts, priceRules } from "./pricing.mjs";
import { Warehouse } from "./inventory.mjs";
import { checkout, FlakyGateway } from "./checkout.mjs";

function sampleCart() {
  return Cart.fromJSON({
    owner: "ada",
    items: [
      { sku: "tea", price: 4.5, qty: 2 },
      { sku: "cup", price: 12, qty: 1 },
    ],
  });
}

const scenarios = {
  discount() {
    const cart = sampleCart();
    return applyDiscounts(cart, [priceRules.percentOff(10), priceRules.percentOff(120)]);
  },

  coupon() {
    const cart = sampleCart();
    return applyDiscounts(cart, [priceRules.couponCode("WELCOME")]);
  },

  badItem() {
    return Cart.fromJSON({ owner: "bob", items: [{ sku: "ghost", price: NaN }] });
  },

  checkout: async () => {
    const receipt = await checkout(sampleCart(), new FlakyGateway(5));
    console.log(receipt);
  },

  restock() {
    const warehouse = new Warehouse({ tea: 3, cup: 1 });
    warehouse.restock([
      ["tea", 10],
      ["cup", -4],
    ]);
  },

  audit: async function audit() {
    const warehouse = new Warehouse({ tea: 0 });
    for await (const report of warehouse.audit(["tea", "spoon"])) {
      console.log(report);
    }
  },
};

const name = process.argv[2];
const run = scenarios[name];
if (!run) {
  console.error(`unknown scenario ${name}; one of: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
run();
