// Validators: a base class and two refinements that call up to it.

export class Validator {
  check(record) {
    if (record === null || typeof record !== "object") {
      throw new TypeError("a record must be an object");
    }
    return record;
  }

  fail(record, why) {
    const error = new Error(`invalid record ${JSON.stringify(record)}: ${why}`);
    error.record = record;
    throw error;
  }
}

export class RequiredValidator extends Validator {
  constructor(fields) {
    super();
    this.fields = fields;
  }

  check(record) {
    super.check(record);
    const missing = this.fields.filter((field) => !record[field]);
    if (missing.length) this.fail(record, `missing ${missing.join(", ")}`);
    return record;
  }
}

export class RangeValidator extends Validator {
  constructor(field, min, max) {
    super();
    Object.assign(this, { field, min, max });
  }

  check(record) {
    const value = super.check(record)[this.field];
    return value >= this.min && value <= this.max
      ? record
      : this.fail(record, `${this.field} ${value} is outside ${this.min}..${this.max}`);
  }
}
