// The gate fails closed (issue 10): what cannot be measured, checked or paired is a named error
// that fails the step, never a silent pass. Each case below passed, or warned, before.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluate, stepFails, type Evaluation } from '../../src/pipeline/evaluate.js';
import { checkPredictions } from '../../src/pipeline/check-predictions.js';
import { silentLog } from '../../src/pipeline/log.js';
import { parseDataset } from '../../src/data/read.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'model-gate-closed-'));
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');
const write = (name: string, rows: string[]) => {
  const file = path.join(tmp, name);
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
};
const errorsOf = (e: Evaluation) => e.gate.findings.filter((f) => f.severity === 'error').map((f) => f.message);

// cars-mpg: regression, 113 evaluation rows; the predictions file pairs by id.
const cars = (over: RawInputs = {}) =>
  resolveSettings(
    { candidate: fx('cars-mpg', 'baseline-predictions.csv'), data: fx('cars-mpg', 'eval.csv'), 'label-column': 'mpg', 'id-column': 'id', thresholds: 'mse: {max: 20}\nr2: {min: 0.5}', ...over },
    undefined,
    root,
  );

describe('non-finite predictions, labels and metrics', () => {
  test('one prediction of 1e308 overflows mse and r2: a model error naming the row and value, and the step fails', async () => {
    const preds = lines(fx('cars-mpg', 'baseline-predictions.csv'));
    preds[5] = `${preds[5].split(',')[0]},1e308`;
    const e = await evaluate(cars({ candidate: write('huge-prediction.csv', preds) }), silentLog);
    // Before: mse and r2 null, both thresholds "not checked" (warnings), no no_skill check, verdict warn, exit 0.
    expect(e.gate.verdict).toBe('fail');
    expect(errorsOf(e)).toEqual([
      `model candidate: mse is Infinity, beyond what float64 arithmetic holds. Its furthest prediction is 1e+308 for the row at ${fx('cars-mpg', 'eval.csv')}:6, whose label is 22. ` +
        'Predictions this large usually mean a diverged network or outputs in the wrong units.',
    ]);
    expect(stepFails(e, ['regression'])).toBe(true);
    // fail-on without regression still fails on a model that could not be measured.
    expect(stepFails(e, ['drift'])).toBe(true);
    expect(stepFails(e, [])).toBe(false);
  });

  test('labels of ±1e308 overflow every error metric: a data error naming the line and value, and the step fails', async () => {
    const data = lines(fx('cars-mpg', 'eval.csv'));
    const label = data[0].split(',').indexOf('mpg');
    for (const [row, value] of [[3, '1e308'], [4, '-1e308']] as const) {
      const cells = data[row].split(',');
      cells[label] = value;
      data[row] = cells.join(',');
    }
    const e = await evaluate(cars({ data: write('huge-labels.csv', data) }), silentLog);
    expect(e.gate.verdict).toBe('fail');
    expect(errorsOf(e)).toEqual([
      `${path.join(tmp, 'huge-labels.csv')}:4: the label "mpg" holds "1e308": labels this large overflow float64 arithmetic ` +
        `(their squared spread exceeds ${Number.MAX_VALUE}), so no error metric can be computed. Rescale the target.`,
    ]);
    expect(stepFails(e, ['regression'])).toBe(true);
  });

  test.each(['inf', '-Infinity', '1e400'])('a regression label of %s is a data error naming the line and the value as written', async (value) => {
    const data = lines(fx('cars-mpg', 'eval.csv'));
    const label = data[0].split(',').indexOf('mpg');
    const cells = data[7].split(',');
    cells[label] = value;
    data[7] = cells.join(',');
    const file = write(`label-${value}.csv`, data);
    const e = await evaluate(cars({ data: file }), silentLog);
    expect(errorsOf(e)).toEqual([`${file}:8: the label "mpg" holds "${value}", which is not a finite number. Every label must be one: drop or fix the row.`]);
  });

  test('a prediction of inf (as pandas writes it) is a model error naming the row, no longer "text"', async () => {
    const preds = lines(fx('cars-mpg', 'baseline-predictions.csv'));
    preds[9] = `${preds[9].split(',')[0]},inf`;
    const e = await evaluate(cars({ candidate: write('inf-prediction.csv', preds) }), silentLog);
    expect(errorsOf(e)).toEqual([expect.stringMatching(new RegExp(`^model candidate predicted Infinity for the row at ${fx('cars-mpg', 'eval.csv')}:10\\. `))]);
  });

  test('a feature of inf or 1e400 is a data error naming the column, the line and the value', async () => {
    const data = lines(fx('cars-mpg', 'eval.csv'));
    const weight = data[0].split(',').indexOf('weight');
    const cells = data[12].split(',');
    cells[weight] = '1e400';
    data[12] = cells.join(',');
    const file = write('inf-feature.csv', data);
    const e = await evaluate(cars({ candidate: fx('cars-mpg', 'candidate'), data: file }), silentLog);
    expect(errorsOf(e)).toEqual([`${file}:13: feature column "weight" holds "1e400", an infinite value that model candidate cannot take. Clip or drop it in the evaluation data.`]);
  });
});

describe('thresholds that cannot be checked', () => {
  // Every evaluation row of one class: roc_auc is undefined (sklearn raises "Only one class present").
  const oneClass = () => {
    const data = lines(fx('penguins-sex', 'eval.csv'));
    return write('one-class.csv', [data[0], ...data.slice(1).filter((l) => l.endsWith(',MALE'))]);
  };
  const sex = (over: RawInputs) =>
    // The training prior keeps the dummy honest: fit on these rows alone it would be a perfect predictor.
    resolveSettings({ candidate: fx('penguins-sex', 'candidate'), data: oneClass(), 'train-data': fx('penguins-sex', 'train.csv'), 'label-column': 'sex', 'id-column': 'id', classes: 'FEMALE,MALE', ...over }, undefined, root);

  test('a threshold on a metric that is NaN fails the gate (it used to warn); if-missing: warn keeps the warning', async () => {
    const e = await evaluate(sex({ thresholds: 'roc_auc: {min: 0.8}' }), silentLog);
    expect(e.models.find((m) => m.role === 'candidate')!.metrics.roc_auc.value).toBeNaN();
    expect(e.gate.verdict).toBe('fail');
    expect(errorsOf(e)).toEqual([
      'roc_auc has a threshold, but the candidate\'s roc_auc is undefined on this data (NaN), so it could not be checked. An unchecked threshold fails the gate; add "if-missing: warn" to it to warn instead.',
    ]);
    expect(stepFails(e, ['regression'])).toBe(true);
    const lenient = await evaluate(sex({ thresholds: 'roc_auc: {min: 0.8, if-missing: warn}' }), silentLog);
    expect(errorsOf(lenient)).toEqual([]);
    expect(lenient.gate.findings.filter((f) => f.severity === 'warning').map((f) => f.message)).toEqual([expect.stringMatching(/^roc_auc has a threshold, but/)]);
  });
});

describe('duplicate and extra ids', () => {
  const sex = (over: RawInputs = {}) =>
    resolveSettings(
      { candidate: fx('penguins-sex', 'candidate'), baselines: `production=${fx('penguins-sex', 'baseline-predictions.csv')}`, data: fx('penguins-sex', 'eval.csv'), 'label-column': 'sex', 'id-column': 'id', ...over },
      undefined,
      root,
    );

  test('a predictions file with an id twice (conflicting scores) is a model error naming both lines', async () => {
    // numpy 2.4.6 on the fixture, sklearn's log_loss formula (clip 1e-15): the file as shipped gives
    // 0.38071748634498714; with id 2 (FEMALE) scored again as 0.999 at the end and the last row
    // winning, 0.4534190567398316. That silent swap was the defect.
    const preds = lines(fx('penguins-sex', 'baseline-predictions.csv'));
    const file = write('duplicate-id.csv', [...preds, '2,0.999']);
    const e = await evaluate(sex({ baselines: `production=${file}` }), silentLog);
    expect(errorsOf(e)).toEqual([`${file}: id "2" appears on line 2 and line ${preds.length + 1} (model production). A predictions file needs one row per id: drop the repeated row.`]);
    expect(e.models.map((m) => m.name)).toEqual(['candidate', 'dummy']);
    expect(e.gate.verdict).toBe('fail');
    const clean = await evaluate(sex(), silentLog);
    expect(clean.models.find((m) => m.name === 'production')!.metrics.log_loss.value).toBeCloseTo(0.38071748634498714, 12);
  });

  test('an id twice in the data is a data error naming both lines, before any model runs', async () => {
    const data = lines(fx('penguins-sex', 'eval.csv'));
    const id = data[30].split(',')[0];
    data[60] = [id, ...data[60].split(',').slice(1)].join(',');
    const file = write('duplicate-data-id.csv', data);
    const e = await evaluate(sex({ data: file }), silentLog);
    expect(errorsOf(e)).toEqual([`${file}: id "${id}" appears on line 31 and line 61. Every evaluation row needs its own id: drop the repeated row or renumber it.`]);
    expect(e.models).toEqual([]);
  });

  test('an empty id in the data is a data error naming the line', async () => {
    const data = lines(fx('penguins-sex', 'eval.csv'));
    data[9] = ['', ...data[9].split(',').slice(1)].join(',');
    const file = write('empty-data-id.csv', data);
    const e = await evaluate(sex({ data: file }), silentLog);
    expect(errorsOf(e)).toEqual([expect.stringMatching(/empty-data-id\.csv:10: the id column "id" is empty here\. Every evaluation row needs its own id/)]);
  });

  test('predictions for ids the data does not have are left out, and the model carries a note saying so', async () => {
    const preds = lines(fx('penguins-sex', 'baseline-predictions.csv'));
    const file = write('extra-ids.csv', [...preds, '9001,0.5', '9002,0.5']);
    const e = await evaluate(sex({ baselines: `production=${file}` }), silentLog);
    const production = e.models.find((m) => m.name === 'production')!;
    expect(production.notes).toEqual([`${file}: 2 predictions have ids not in ${fx('penguins-sex', 'eval.csv')} ("9001", "9002"); they were left out.`]);
    expect(production.metrics.log_loss.value).toBeCloseTo(0.38071748634498714, 12);
    expect(errorsOf(e)).toEqual([]);
  });
});

test('a missing train-data file names the train-data input, not data', async () => {
  const e = await evaluate(
    resolveSettings({ candidate: fx('penguins-sex', 'candidate'), data: fx('penguins-sex', 'eval.csv'), 'train-data': path.join(tmp, 'no-train.csv'), 'label-column': 'sex', 'id-column': 'id' }, undefined, root),
    silentLog,
  );
  expect(errorsOf(e)).toEqual([`data file not found: ${path.join(tmp, 'no-train.csv')} — check the \`train-data\` input / --train-data path`]);
});

describe('multiclass probabilities', () => {
  const data = parseDataset('id,y\n1,a\n2,b\n', 'eval.csv');
  const p = (probs: number[]) => ({ kind: 'multiclass' as const, classes: ['a', 'b', 'c'], probs: Float64Array.from(probs) });
  test('a row that sums to 5 says 5 (it said NaN)', () => {
    expect(() => checkPredictions(p([0.2, 0.5, 0.3, 5, 0, 0]), 'm', data)).toThrow(
      'model m: class probabilities for the row at eval.csv:3 sum to 5, not 1. Add a softmax to a network that outputs logits.',
    );
  });
  test('a row that sums to 1 with a value outside [0, 1] names the value and the class', () => {
    expect(() => checkPredictions(p([1.5, -0.5, 0, 0.2, 0.5, 0.3]), 'm', data)).toThrow(
      'model m gave probability 1.5 to class "a" for the row at eval.csv:2; class probabilities must be in [0, 1]. Add a softmax to a network that outputs logits.',
    );
  });
});
