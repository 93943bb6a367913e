// Summaries and loading rows from JSON text.

function addRecord(acc, record) {
  acc.count += 1;
  acc.score += record.score.valueOf();
  return acc;
}

export function summarise(records) {
  const totals = records.reduce(addRecord, { count: 0, score: 0 });
  return { ...totals, mean: totals.score / totals.count };
}

export async function loadRows(text) {
  await Promise.resolve();
  return JSON.parse(text).rows;
}
