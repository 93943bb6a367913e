// Components: function components, a generic one and a class component.

import { h, Fragment, Component, type VNode } from "./jsx";
import { formatMoney, firstOrThrow, pluralize, type Money } from "./format";

export const Price = ({ value }: { value: Money }): VNode => (
  <span class="price">{formatMoney(value)}</span>
);

interface TableProps<Row> {
  rows: Row[];
  columns: Array<keyof Row>;
}

export function Table<Row extends object>({ rows, columns }: TableProps<Row>): VNode {
  const header = firstOrThrow(columns, "columns");
  return (
    <table>
      <tr>
        <th>{String(header)}</th>
      </tr>
      {rows.map((row) => (
        <tr>{columns.map((c) => <td>{String(row[c])}</td>)}</tr>
      ))}
    </table>
  );
}

export class Basket extends Component<{ items: Money[]; owner?: string }> {
  private summary(): string {
    const count = this.props.items.length;
    return `${count} ${pluralize(count, "item", "items")} for ${this.props.owner!.toUpperCase()}`;
  }

  render(): VNode {
    return (
      <>
        <p>Don't forget: {this.summary()}</p>
        {this.props.items.map((item) => <Price value={item} />)}
      </>
    );
  }
}
