// Paying: a payment gateway that fails now and then, and retries.

import { PaymentError } from "./errors.mjs";
import { sleep } from "./util.mjs";

export class FlakyGateway {
  constructor(failures) {
    this.failures = failures;
  }

  async charge(amount) {
    await sleep(1);
    if (this.failures-- > 0) {
      throw new Error(`gateway timeout charging ${amount}`);
    }
    return { amount, id: "tx-1" };
  }
}

async function chargeWithRetry(gateway, amount, attempts) {
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await gateway.charge(amount);
    } catch (error) {
      last = error;
    }
  }
  throw new PaymentError(`payment failed after ${attempts} attempts`, { cause: last });
}

export async function checkout(cart, gateway) {
  const amount = cart.total();
  const receipt = await chargeWithRetry(gateway, amount, 3);
  return { owner: cart.owner, ...receipt };
}
