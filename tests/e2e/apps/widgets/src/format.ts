// Formatting helpers with TypeScript's types, generics and assertions.

export type Currency = "EUR" | "USD";

export interface Money {
  amount: number;
  currency: Currency;
}

const symbols: Record<Currency, string> = { EUR: "€", USD: "$" };

export function formatMoney({ amount, currency }: Money): string {
  if (!Number.isFinite(amount)) {
    throw new RangeError(`cannot format ${amount} ${currency}`);
  }
  return `${symbols[currency]}${amount.toFixed(2)}`;
}

export function firstOrThrow<T>(items: readonly T[], what: string): T {
  const [first] = items;
  if (first === undefined) throw new Error(`no ${what} to show`);
  return first;
}

export const pluralize = <T,>(count: number, one: T, many: T): T => (count === 1 ? one : many);
