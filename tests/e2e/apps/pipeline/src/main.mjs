// A small data pipeline: parses CSV-ish records, validates and summarises
// them. Runs the scenario named by the first argument and lets its error
// escape.

import createPipeline from "./pipeline.mjs";
import { makeParser, transforms } from "./parse.mjs";
import { RangeValidator, RequiredValidator } from "./validate.mjs";
import { summarise, loadRows } from "./report.mjs";

const schema = { name: "string", age: "number", score: "number" };

const pipelines = {
  strict: () =>
    createPipeline([makeParser(schema), new RequiredValidator(["name"]), new RangeValidator("age", 0, 130)]),
  loose: () => createPipeline([makeParser(schema)]),
};

const scenarios = new Map([
  ["range", () => pipelines.strict().runAll(["ada,36,9", "bob,-3,7"])],
  ["required", () => pipelines.strict().runAll([",40,1"])],
  ["parse", () => pipelines.loose().runAll(["carol,x,2"])],
  ["summary", () => summarise(pipelines.loose().runAll(["dan,50,3", "eve,51"]))],
  ["load", async () => summarise(await loadRows("{not json"))],
  [
    "batches",
    () => {
      const pipeline = pipelines.loose();
      for (const batch of pipeline.batches(["a,1,1", "b,2,2", "c,x,3"], 2)) {
        console.log(batch.map(transforms.describe));
      }
    },
  ],
]);

const name = process.argv[2];
if (!scenarios.has(name)) {
  console.error(`unknown scenario ${name}; one of: ${[...scenarios.keys()].join(", ")}`);
  process.exit(2);
}
scenarios.get(name)();
