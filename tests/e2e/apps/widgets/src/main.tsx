// The widgets app: renders one of its scenarios, whose error escapes.

import { h, render } from "./jsx";
import { Basket, Price, Table } from "./components";

const scenarios: Record<string, () => string> = {
  price: () => render(<Price value={{ amount: NaN, currency: "EUR" }} />),
  table: () => render(<Table rows={[]} columns={[]} />),
  basket: () => render(<Basket items={[{ amount: 3, currency: "USD" }]} />),
};

const name = process.argv[2];
const run = scenarios[name];
if (!run) {
  console.error(`unknown scenario ${name}; one of: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
console.log(run());
