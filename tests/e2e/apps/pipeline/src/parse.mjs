// Turning lines into records.

export const transforms = {
  trim: (text) => text.trim(),
  toNumber(text, field) {
    const value = Number(text);
    if (Number.isNaN(value)) {
      throw new TypeError(`${field}: "${text}" is not a number`);
    }
    return value;
  },
  describe: (record) => `${record.name} (${record.age.toFixed(0)})`,
};

export const makeParser = (schema) =>
  function parseRecord(line) {
    const cells = line.split(",").map(transforms.trim);
    const record = {};
    Object.keys(schema).forEach((field, i) => {
      record[field] = convert(schema[field], cells[i], field);
    });
    return record;
  };

function convert(type, text, field) {
  switch (type) {
    case "number":
      return text === undefined ? undefined : transforms.toNumber(text, field);
    default:
      return text;
  }
}
