// Price rules: plain objects whose `apply` computes a new amount.

import { roundCents } from "./util.mjs";

const coupons = new Map([["WELCOME", { owner: "new-customers", value: 5 }]]);

function applyPercent(amount, percent) {
  if (percent > 100) {
    throw new RangeError(`a discount of ${percent}% is more than the price`);
  }
  return roundCents(amount * (1 - percent / 100));
}

const redeemCoupon = (code, amount, cart) => {
  const coupon = coupons.get(code);
  if (coupon.owner !== cart.owner) {
    throw new Error(`coupon ${code} is not valid for ${cart.owner}`);
  }
  return amount - coupon.value;
};

export const priceRules = {
  percentOff(percent) {
    return { name: `${percent}% off`, apply: (amount) => applyPercent(amount, percent) };
  },
  couponCode(code) {
    return {
      name: code,
      apply: function (amount, cart) {
        return redeemCoupon(code, amount, cart);
      },
    };
  },
};

export function applyDiscounts(cart, rules) {
  const total = cart.total(rules);
  return { owner: cart.owner, total };
}
