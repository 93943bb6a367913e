// The example app: builds an order and prints its invoice. One line item
// has a price in the wrong unit, and formatting it fails a few calls deep.

import { Order } from "./orders.mjs";
import { invoice } from "./invoice.mjs";

function main() {
  const order = new Order("ORD-7");
  order.add("notebook", 3, 4.5);
  order.add("fountain pen", 1, "12 EUR");
  console.log(invoice(order));
}

main();
