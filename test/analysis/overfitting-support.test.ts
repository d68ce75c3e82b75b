// Operating points the data cannot resolve: marked on the metric, never a finding.
import { gate } from '../../src/analysis/compare.js';
import { measure, DEFAULT_MEASURE } from '../../src/analysis/measure.js';
import { recallAtFpr, unreliableOperatingPoints } from '../../src/metrics/imbalance.js';
import type { Truth } from '../../src/types.js';
import type { ModelMeasurement, Predictions } from '../../src/types.js';

const labels = (positives: number, negatives: number) => Uint8Array.from([...Array(positives).fill(1), ...Array(negatives).fill(0)]);

test('recall_at_fpr needs room for one false positive: 100 negatives at FPR 1 %, 20 at 5 %', () => {
  expect(unreliableOperatingPoints(labels(10, 99))).toEqual({ recall_at_fpr: '99 negatives cannot resolve a false-positive rate of 1 % (at least 100 are needed)' });
  expect(unreliableOperatingPoints(labels(10, 100))).toEqual({});
  expect(unreliableOperatingPoints(labels(10, 19), { maxFpr: 0.05 }).recall_at_fpr).toBe('19 negatives cannot resolve a false-positive rate of 5 % (at least 20 are needed)');
  expect(unreliableOperatingPoints(labels(10, 20), { maxFpr: 0.05 }).recall_at_fpr).toBeUndefined();
  // Why: one negative scored above every positive. With 100 negatives FPR 1/100 <= 1 % lets it pass
  // and every positive is recalled (sklearn's roc_curve has the point (0.01, 1.0)); with 99 the only
  // point within 1 % is (0, 0): the value says whether the top-scored row is a negative, nothing more.
  const scores = (n: number) => Float64Array.from([...Array(10).fill(0.8), 0.9, ...Array(n - 1).fill(0.1)]);
  expect(recallAtFpr(labels(10, 100), scores(100))).toBe(1);
  expect(recallAtFpr(labels(10, 99), scores(99))).toBe(0);
});

test('precision_at_recall needs room for one missed positive: 10 positives at recall 90 %', () => {
  expect(unreliableOperatingPoints(labels(9, 200)).precision_at_recall).toBe('9 positives cannot resolve a recall of 90 % (at least 10 are needed)');
  expect(unreliableOperatingPoints(labels(10, 200)).precision_at_recall).toBeUndefined();
  expect(unreliableOperatingPoints(labels(0, 200)).precision_at_recall).toBe('0 positives cannot resolve a recall of 90 % (at least 10 are needed)');
  expect(unreliableOperatingPoints(labels(19, 200), { minRecall: 0.95 }).precision_at_recall).toContain('(at least 20 are needed)');
});

test('measure() marks the metric, and a significant regression of it raises nothing, even as a primary metric', () => {
  // 42 negatives, as the demo's penguins: FPR 1 % is out of reach.
  const y = labels(52, 42);
  const truth = { task: 'binary', y, classes: ['F', 'M'] } as Truth;
  const ranked = (shift: number): Predictions => ({ kind: 'binary', scores: Float64Array.from(y, (v, i) => (v === 1 ? 0.6 : 0.4) + shift * ((i * 7919) % 97) / 97) }) as Predictions;
  const m = (name: string, role: ModelMeasurement['role'], p: Predictions): ModelMeasurement => ({ name, role, path: name, engine: 'x', backend: 'x', files: [], ...measure(truth, p, DEFAULT_MEASURE) });
  const cand = m('candidate', 'candidate', ranked(0.5));
  const base = m('main', 'baseline', ranked(0.1));
  expect(cand.metrics.recall_at_fpr.unreliable).toBe('42 negatives cannot resolve a false-positive rate of 1 % (at least 100 are needed)');
  expect(cand.metrics.precision_at_recall.unreliable).toBeUndefined();
  expect(cand.metrics.recall_at_fpr.value).toBeLessThan(base.metrics.recall_at_fpr.value);
  const significant = { main: { recall_at_fpr: { ci: [-0.9, -0.1] as [number, number], pValue: 0.001, alpha: 0.05 } } };
  const g = gate('binary', [cand, base], {}, [], significant, { primaryMetrics: ['recall_at_fpr'] });
  const row = g.comparisons.find((c) => c.metric === 'recall_at_fpr')!;
  expect(row.change).toBe('regressed');
  expect(row.status).toBe('pass');
  expect(g.verdict).toBe('pass');
  // The same regression on a resolvable operating point warns.
  const resolvable = (x: ModelMeasurement) => ({ ...x, metrics: { ...x.metrics, recall_at_fpr: { value: x.metrics.recall_at_fpr.value } } });
  expect(gate('binary', [resolvable(cand), resolvable(base)], {}, [], significant, { primaryMetrics: ['recall_at_fpr'] }).verdict).toBe('warn');
});
