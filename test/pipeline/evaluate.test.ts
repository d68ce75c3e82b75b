// The pipeline on the real fixtures, and each kind of bad input the issue names: every one
// becomes one clear error finding, the verdict fails, and nothing already computed is lost.

import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';
import { binaryMetrics } from '../../src/metrics/index.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'model-gate-eval-'));

const sex = (over: RawInputs = {}) =>
  resolveSettings(
    { candidate: fx('penguins-sex', 'candidate'), baselines: `main=${fx('penguins-sex', 'baseline')}\nproduction=${fx('penguins-sex', 'baseline-predictions.csv')}`, data: fx('penguins-sex', 'eval.csv'), 'label-column': 'sex', 'id-column': 'id', ...over },
    undefined,
    root,
  );

test('binary fixture: every model measured; predictions-file metrics equal the kernel on the file', async () => {
  const e = await evaluate(sex(), silentLog);
  expect(e.task).toBe('binary');
  expect(e.classes).toEqual(['FEMALE', 'MALE']);
  expect(e.models.map((m) => m.name)).toEqual(['candidate', 'main', 'production', 'dummy']);
  expect(e.gate.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  // Independent path: read the predictions file and labels by hand, compute with the kernel.
  const evalRows = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const header = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').split('\n')[0].split(',');
  const scores = new Map(readFileSync(fx('penguins-sex', 'baseline-predictions.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map(([id, s]) => [id, Number(s)]));
  const y = Uint8Array.from(evalRows.map((r) => (r[header.indexOf('sex')] === 'MALE' ? 1 : 0)));
  const s = Float64Array.from(evalRows.map((r) => scores.get(r[0])!));
  const want = binaryMetrics(y, s);
  const got = e.models.find((m) => m.name === 'production')!.metrics;
  for (const [k, v] of Object.entries(want)) expect(got[k].value).toBe(v);
});

test('the dummy uses the training prior when train-data is given', async () => {
  const e = await evaluate(sex({ 'train-data': fx('penguins-sex', 'train.csv') }), silentLog);
  expect(e.dummyFitOn).toBe('training data');
  const train = readFileSync(fx('penguins-sex', 'train.csv'), 'utf8').trim().split('\n');
  const col = train[0].split(',').indexOf('sex');
  const prior = train.slice(1).filter((l) => l.split(',')[col] === 'MALE').length / (train.length - 1);
  const dummy = e.models.find((m) => m.role === 'dummy')!;
  const rows = e.data.rows;
  // Brier of a constant prediction p: mean((y - p)^2), computed from the eval positives.
  const evalRows = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trim().split('\n').slice(1);
  const positives = evalRows.filter((l) => l.split(',')[col] === 'MALE').length;
  const brier = (positives * (1 - prior) ** 2 + (rows - positives) * prior ** 2) / rows;
  expect(dummy.metrics.brier.value).toBeCloseTo(brier, 12);
  expect(dummy.metrics.roc_auc.value).toBe(0.5);
});

test('multiclass and regression fixtures run end to end', async () => {
  const species = await evaluate(
    resolveSettings({ candidate: fx('penguins-species', 'candidate-graph'), baselines: fx('penguins-species', 'baseline-predictions.jsonl'), data: fx('penguins-species', 'eval.csv'), 'label-column': 'species', 'id-column': 'id' }, undefined, root),
    silentLog,
  );
  expect(species.task).toBe('multiclass');
  expect(species.gate.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  expect(species.models[0].confusion!.counts.flat().reduce((a, b) => a + b, 0)).toBe(98);
  const cars = await evaluate(
    resolveSettings({ candidate: fx('cars-mpg', 'candidate'), baselines: fx('cars-mpg', 'baseline-predictions.csv'), data: fx('cars-mpg', 'eval.csv'), 'label-column': 'mpg', 'id-column': 'id' }, undefined, root),
    silentLog,
  );
  expect(cars.task).toBe('regression');
  expect(cars.models[0].metrics.rmse.value).toBeGreaterThan(0);
  expect(cars.gate.verdict).not.toBe('fail');
});

function errorsOf(e: Awaited<ReturnType<typeof evaluate>>) {
  return e.gate.findings.filter((f) => f.severity === 'error').map((f) => f.message);
}

test('missing data file', async () => {
  const e = await evaluate(sex({ data: path.join(tmp, 'missing.csv') }), silentLog);
  expect(e.gate.verdict).toBe('fail');
  expect(errorsOf(e)).toEqual([expect.stringContaining('missing.csv')]);
});

test('empty dataset', async () => {
  const file = path.join(tmp, 'empty.csv');
  writeFileSync(file, readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').split('\n')[0] + '\n');
  const e = await evaluate(sex({ data: file }), silentLog);
  expect(errorsOf(e)).toEqual([expect.stringMatching(/empty\.csv.*no rows/)]);
});

test('input width does not match the data: names the model, the widths and the columns', async () => {
  const file = path.join(tmp, 'narrow.csv');
  const lines = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const drop = lines[0].indexOf('species_Gentoo');
  writeFileSync(file, lines.map((r) => r.filter((_, i) => i !== drop).join(',')).join('\n') + '\n');
  // Without the model's own feature list, all columns but label and id are used.
  const dir = path.join(tmp, 'nometa');
  mkdirSync(dir, { recursive: true });
  const json = JSON.parse(readFileSync(fx('penguins-sex', 'candidate', 'model.json'), 'utf8'));
  delete json.userDefinedMetadata;
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  copyFileSync(fx('penguins-sex', 'candidate', 'weights.bin'), path.join(dir, 'weights.bin'));
  const e = await evaluate(sex({ data: file, candidate: dir, baselines: '', task: 'binary' }), silentLog);
  expect(errorsOf(e)).toEqual([expect.stringMatching(/^model candidate takes 7 inputs, but .*narrow\.csv has 6 feature columns \(bill_length_mm, .*species_Chinstrap\)/)]);
});

test('a label value the model cannot output', async () => {
  const file = path.join(tmp, 'odd-label.csv');
  const text = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trim().split('\n');
  text[5] = text[5].replace(/(MALE|FEMALE)/, 'UNKNOWN');
  writeFileSync(file, text.join('\n') + '\n');
  const e = await evaluate(sex({ data: file }), silentLog);
  expect(errorsOf(e)).toEqual([expect.stringMatching(/odd-label\.csv:6: label "UNKNOWN" is not a class the model can output \(FEMALE, MALE\)/)]);
});

test('NaN or infinite predictions name the model and the row; other models still count', async () => {
  const file = path.join(tmp, 'nan-preds.csv');
  const text = readFileSync(fx('penguins-sex', 'baseline-predictions.csv'), 'utf8').trim().split('\n');
  text[3] = text[3].split(',')[0] + ',NaN';
  writeFileSync(file, text.join('\n') + '\n');
  const e = await evaluate(sex({ baselines: `broken=${file}` }), silentLog);
  expect(errorsOf(e)).toEqual([expect.stringMatching(/^model broken predicted NaN for the row at .*eval\.csv:\d+/)]);
  expect(e.models.map((m) => m.name)).toEqual(['candidate', 'dummy']);
  expect(e.gate.verdict).toBe('fail');
});

test('a threshold on a metric the task does not have', async () => {
  const e = await evaluate(sex({ thresholds: 'rmse: { max: 1 }' }), silentLog);
  expect(errorsOf(e)).toEqual([expect.stringMatching(/thresholds name "rmse", which is not a binary metric\. binary metrics: accuracy, /)]);
});

test('malformed thresholds YAML is an input error naming line and column', () => {
  expect(() => sex({ thresholds: 'accuracy: {min: 0.8\n' })).toThrow(/^the thresholds input:\d+:\d+: the thresholds are not valid YAML/);
});

test('a categorical feature column is named with what to do', async () => {
  const file = path.join(tmp, 'text-feature.csv');
  const text = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trim().split('\n');
  text[2] = text[2].replace(/^(\d+),[^,]+/, '$1,long');
  writeFileSync(file, text.join('\n') + '\n');
  const e = await evaluate(sex({ data: file }), silentLog);
  // Both TF.js models fail on it, each named; the predictions file still counts.
  expect(errorsOf(e)).toEqual([
    expect.stringMatching(/text-feature\.csv:3: feature column "bill_length_mm" holds text \("long"\), but model candidate takes numbers\. Encode it/),
    expect.stringMatching(/model main takes numbers/),
  ]);
});
