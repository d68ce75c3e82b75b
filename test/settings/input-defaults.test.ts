// The kernels take their defaults from the input table (src/settings/inputs.ts), not from copies of its
// values. This file changes the table's defaults first and only then loads the kernels, so a kernel that
// still carried its own copy (0.01, 5, 'bh', …) would show the old value here.

import { readFileSync } from 'node:fs';
import { INPUTS } from '../../src/settings/inputs.js';

const CHANGED: Record<string, string> = {
  'recall-at-fpr': '0.03',
  'precision-at-recall': '0.7',
  'perf-batch-sizes': '2,64',
  'perf-max-seconds': '1.5',
  'stress-concurrency': '3',
  'stress-seconds': '0.25',
  patience: '7',
  'drift-correction': 'bonferroni',
  'drift-share': '0.3',
  'command-timeout': '1800',
  'decision-threshold': '0.4',
};
const saved = new Map<string, string>();

beforeAll(() => {
  for (const spec of INPUTS as unknown as { name: string; default: string }[]) {
    if (spec.name in CHANGED) {
      saved.set(spec.name, spec.default);
      spec.default = CHANGED[spec.name]!;
    }
  }
});
afterAll(() => {
  for (const spec of INPUTS as unknown as { name: string; default: string }[]) if (saved.has(spec.name)) spec.default = saved.get(spec.name)!;
});

test('every input changed here has a default in the table', () => {
  expect([...saved.keys()].sort()).toEqual(Object.keys(CHANGED).sort());
});

test('metrics/imbalance: recall_at_fpr and precision_at_recall limits', async () => {
  const m = await import('../../src/metrics/imbalance.js');
  expect([m.DEFAULT_MAX_FPR, m.DEFAULT_MIN_RECALL]).toEqual([0.03, 0.7]);
});

test('perf/latency: batch sizes', async () => {
  const m = await import('../../src/perf/latency.js');
  expect(m.DEFAULT_BATCH_SIZES).toEqual([2, 64]);
});

test('perf/load: concurrency and seconds', async () => {
  const { stressRun } = await import('../../src/perf/load.js');
  let t = 0;
  const r = await stressRun(async () => undefined, { now: () => (t += 10), maxRequests: 50 });
  expect([r.concurrency, r.seconds]).toEqual([3, 0.25]);
});

test('analysis/training-curves: patience', async () => {
  const { analyseCurves } = await import('../../src/analysis/training-curves.js');
  const points = (values: number[]) => values.map((value, step) => ({ step, value }));
  const a = analyseCurves({ source: 'h.json', format: 'keras-history', series: { loss: points([3, 2, 1, 0.5]), val_loss: points([3, 2, 1, 0.9]) } } as never);
  expect(a.patience).toBe(7);
});

test('analysis/drift: correction and dataset drift share', async () => {
  const { driftReport } = await import('../../src/analysis/drift.js');
  const empty = { path: 'x.csv', rowCount: 0, columns: [], recordLines: new Int32Array(0) };
  const r = driftReport(empty as never, empty as never);
  expect([r.correction, r.datasetDriftShare]).toEqual(['bonferroni', 0.3]);
});

// These two are read inside long functions (a command's run, the bootstrap's preparation): their source must
// name the input rather than carry the number.
test.each([
  ['src/engines/command.ts', "numberDefault('command-timeout')", /\b3600\b/],
  ['src/stats/bootstrap.ts', "numberDefault('decision-threshold')", /decisionThreshold \?\? 0\.5/],
  ['src/perf/latency.ts', "numberDefault('perf-max-seconds')", /maxSeconds \?\? 3\b/],
])('%s takes its default from the table', (file, call, copy) => {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(call);
  expect(text.split('\n').filter((l) => !/^\s*(\/\/|\/?\*)/.test(l) && copy.test(l))).toEqual([]);
});

test('stats/bootstrap has no unused DEFAULT_CONFIDENCE', () => {
  expect(readFileSync('src/stats/bootstrap.ts', 'utf8')).not.toMatch(/DEFAULT_CONFIDENCE/);
});
