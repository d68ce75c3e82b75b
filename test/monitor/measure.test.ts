// What a monitoring run measures, on real files: the Seattle weather of 2014 and 2015 (fixtures/drift) and
// a regression run through the command engine; cars-mpg's predictions file for a model that cannot run.

import { measureProduction } from '../../src/monitor/measure.js';
import { readMonitorSettings } from '../../src/monitor/settings.js';
import { judge } from '../../src/monitor/result.js';
import type { Log } from '../../src/pipeline/log.js';

const log: Log = { info: () => undefined, warning: () => undefined, debug: () => undefined, group: (_n, fn) => fn() };
const getter = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
const model = { candidate: 'test/monitor/fixtures/temp-max-model.mjs', command: 'node {model} {data} {predictions}', features: 'precipitation,temp_min,wind' };
const drift = { 'reference-data': 'fixtures/drift/seattle-2014.csv', 'current-data': 'fixtures/drift/seattle-2015.csv' };

async function measure(inputs: Record<string, string>) {
  const s = await readMonitorSettings(getter(inputs));
  return measureProduction(s, log, () => new Date('2026-11-02T03:00:00Z'));
}

test('no labelled data: data drift and prediction drift only, healthy on 2014 against 2015', async () => {
  const m = await measure({ ...model, ...drift, task: 'regression' });
  expect(m.labelled).toBeUndefined();
  // No label was named: all five columns are compared.
  expect(m.drift).toMatchObject({ compared: 5, datasetDrift: false });
  expect(m.predictionDrift?.ks_statistic).toBeGreaterThan(0);
  expect(m.predictionDrift?.n).toEqual({ reference: 365, current: 365 });
  const r = judge(m);
  expect(r).toMatchObject({ verdict: 'healthy', at: '2026-11-02T03:00:00.000Z', reasons: [], notes: [] });
}, 30_000);

test('a threshold the labelled data breaks degrades the model', async () => {
  const m = await measure({ ...model, ...drift, data: 'fixtures/drift/seattle-2015.csv', 'label-column': 'temp_max', task: 'regression', bootstrap: '0', thresholds: 'r2: { min: 0.9 }' });
  expect(m.labelled).toMatchObject({ rows: 365, gate: 'fail', failedGates: [{ metric: 'r2', min: 0.9 }] });
  expect(m.labelled!.metrics).toEqual({ mse: expect.any(Number), mae: expect.any(Number), r2: expect.any(Number) });
  expect(judge(m).reasons).toEqual([expect.stringMatching(/^gate failed: r2 is 0\.79\d* \(min 0\.9\)$/)]);
}, 30_000);

test('without labelled data or the task, prediction drift is not measured, and says why', async () => {
  const m = await measure({ ...model, ...drift });
  expect(m.predictionDrift).toBeUndefined();
  expect(m.notes).toEqual(['Prediction drift not measured: the task is not known without labelled data; set the `task` input.']);
}, 30_000);

test('a predictions file cannot run on other rows: no prediction drift, and a note', async () => {
  const m = await measure({
    candidate: 'fixtures/cars-mpg/baseline-predictions.csv',
    data: 'fixtures/cars-mpg/eval.csv',
    'label-column': 'mpg',
    'id-column': 'id',
    bootstrap: '0',
    'reference-data': 'fixtures/cars-mpg/train.csv',
    'current-data': 'fixtures/cars-mpg/eval.csv',
  });
  expect(m.labelled?.gate).not.toBeUndefined();
  expect(m.predictionDrift).toBeUndefined();
  expect(m.notes).toEqual([expect.stringMatching(/^Prediction drift not measured: the production model is a predictions file/)]);
}, 30_000);
