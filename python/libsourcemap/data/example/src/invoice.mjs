// Formatting an order as text.

const money = {
  format(amount) {
    if (typeof amount !== "number" || Number.isNaN(amount)) {
      throw new TypeError(`cannot format ${amount} as money`);
    }
    return amount.toFixed(2).padStart(8);
  },
};

const formatLine = (line) => `${line.item.padEnd(16)}${money.format(line.quantity * line.unitPrice)}`;

export function invoice(order) {
  const rows = order.lines.map(formatLine);
  return [`Order ${order.id}`, ...rows, `Total ${money.format(order.total())}`].join("\n");
}
