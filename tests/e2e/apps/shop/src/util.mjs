// Small helpers, called from everywhere.

import { ValidationError } from "./errors.mjs";

export const roundCents = (amount) => Math.round(amount * 100) / 100;

export function assertValid(condition, field, message) {
  if (!condition) {
    throw new ValidationError(field, message);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
