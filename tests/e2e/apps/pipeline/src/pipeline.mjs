// Stages in the old prototype style, and the pipeline that runs them.

function Stage(step) {
  this.step = step;
  this.calls = 0;
}

Stage.prototype.run = function (record) {
  this.calls++;
  return typeof this.step === "function" ? this.step(record) : this.step.check(record);
};

export default function createPipeline(steps) {
  const stages = steps.map((step) => new Stage(step));

  function runOne(input) {
    return stages.reduce((record, stage) => stage.run(record), input);
  }

  return {
    runAll(lines) {
      return lines.map(runOne);
    },
    *batches(lines, size) {
      for (let i = 0; i < lines.length; i += size) {
        yield lines.slice(i, i + size).map(runOne);
      }
    },
  };
}
