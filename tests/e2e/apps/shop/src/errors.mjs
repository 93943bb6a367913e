// Errors of the shop. Their constructors show up in stack traces.

export class ShopError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

export class ValidationError extends ShopError {
  constructor(field, message) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export class PaymentError extends ShopError {}
