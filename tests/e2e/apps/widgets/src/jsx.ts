// A tiny JSX runtime: elements are plain objects, components are functions
// or classes, rendering produces HTML text.

export type Child = VNode | string | number | null | undefined;
export type Props = Record<string, unknown> & { children?: Child[] };
export type FunctionComponent<P> = (props: P) => VNode;

export interface VNode {
  tag: string | FunctionComponent<any> | (new (props: any) => Component<any>);
  props: Props;
  children: Child[];
}

export abstract class Component<P extends object = {}> {
  constructor(protected readonly props: P) {}
  abstract render(): VNode;
}

export function h(tag: VNode["tag"], props: Props | null, ...children: Child[]): VNode {
  return { tag, props: props ?? {}, children };
}

export const Fragment = "";

const isClass = (tag: unknown): tag is new (props: any) => Component<any> =>
  typeof tag === "function" && tag.prototype instanceof Component;

export function render(node: Child): string {
  if (node === null || node === undefined) return "";
  if (typeof node !== "object") return String(node);
  const { tag, props, children } = node;
  if (isClass(tag)) return render(new tag({ ...props, children }).render());
  if (typeof tag === "function") return render(tag({ ...props, children }));
  const inner = children.map(render).join("");
  return tag === Fragment ? inner : `<${tag}>${inner}</${tag}>`;
}
