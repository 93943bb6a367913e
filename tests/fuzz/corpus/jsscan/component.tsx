import React from 'react';
interface Props { name: string; onClick(): void }
export function Greeting({ name }: Props): JSX.Element {
  const handle = (e: React.MouseEvent<HTMLElement>): void => { console.log("don't", e); };
  return (
    <div className="x" onClick={() => handle(null)}>
      Hello, {name}! It's {items.map(i => <b key={i}>{i}</b>)}
      <>fragment's text</>
    </div>
  );
}
export const List = <T,>(props: { items: T[] }) => {
  return <ul>{props.items.map((it) => <li>{String(it)}</li>)}</ul>;
};
class Store<T extends object> implements Base<{a: number}> {
  private items: Map<string, T> = new Map();
  public async load(id: string): Promise<T | undefined> { return this.items.get(id); }
  get size(): number { return this.items.size; }
  handler: (x: number) => void = (x) => { throw new Error(); };
}
function generic<T>(x: T): { value: T } { return { value: x }; }
const typed: Handler<string> = function (s) { return s; };
