// Orders and their lines.

export class Order {
  constructor(id) {
    this.id = id;
    this.lines = [];
  }

  add(item, quantity, unitPrice) {
    this.lines.push({ item, quantity, unitPrice });
  }

  total() {
    return this.lines.reduce((sum, line) => sum + lineTotal(line), 0);
  }
}

export function lineTotal(line) {
  return line.quantity * line.unitPrice;
}
