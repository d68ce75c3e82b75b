// multilabelMetrics against scikit-learn (fixtures/reference/metrics_extra_reference.json).
// Tolerance 1e-9; null in the JSON means NaN.
import { readFileSync } from 'node:fs';
import { MULTILABEL_METRICS, multilabelMetrics } from '../../src/metrics/multilabel.js';
import { metricInfo } from '../../src/metrics/direction.js';
import { expectClose } from '../support/close.js';

type Expected = Record<string, number | null>;
interface PerLabel { label: string; precision: number | null; recall: number | null; f1: number | null; roc_auc: number | null; support: number }
interface MultilabelCase {
  name: string;
  L: number;
  labels: string[];
  threshold: number;
  y_true: number[][];
  scores: number[][];
  expected: { metrics: Expected; per_label: PerLabel[] };
}
const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/metrics_extra_reference.json', import.meta.url), 'utf8')
) as { multilabel: MultilabelCase[] };

describe('multilabelMetrics matches scikit-learn', () => {
  test.each(reference.multilabel.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = multilabelMetrics(
      Uint8Array.from(c.y_true.flat()),
      Float64Array.from(c.scores.flat()),
      c.L,
      c.labels,
      c.threshold
    );
    expect(Object.keys(actual.metrics).sort()).toEqual(Object.keys(c.expected.metrics).sort());
    for (const [key, want] of Object.entries(c.expected.metrics)) expectClose(actual.metrics[key], want, 1e-9, key);
    expect(actual.perLabel).toHaveLength(c.L);
    c.expected.per_label.forEach((want, j) => {
      const got = actual.perLabel[j];
      expect(got.label).toBe(want.label);
      expect(got.support).toBe(want.support);
      for (const key of ['precision', 'recall', 'f1', 'roc_auc'] as const) expectClose(got[key], want[key], 1e-9, `${want.label}.${key}`);
    });
  });

  test('the reference covers the required situations', () => {
    expect(reference.multilabel.map((c) => c.name)).toEqual(
      expect.arrayContaining(['label_without_positives', 'label_all_positive', 'tied_scores_at_threshold', 'nothing_predicted'])
    );
  });
});

describe('degenerate input', () => {
  const y = Uint8Array.of(1, 0, 0, 1, 1, 1);
  const s = Float64Array.of(0.9, 0.2, 0.4, 0.6, 0.7, 0.8);
  function expectAllNaN(result: ReturnType<typeof multilabelMetrics>, n: number): void {
    for (const key of MULTILABEL_METRICS) {
      if (key === 'example_count') expect(result.metrics[key]).toBe(n);
      else expect(result.metrics[key]).toBeNaN();
    }
  }
  test.each([
    ['labels.length !== L', () => multilabelMetrics(y, s, 2, ['a']), 3],
    ['L = 0', () => multilabelMetrics(y, s, 0, []), 0],
    ['L not an integer', () => multilabelMetrics(y, s, 1.5, ['a']), 0],
    ['cells not a multiple of L', () => multilabelMetrics(y, s, 4, ['a', 'b', 'c', 'd']), 1],
    ['length mismatch', () => multilabelMetrics(y, s.subarray(0, 4), 2, ['a', 'b']), 3],
    ['label 2', () => multilabelMetrics(Uint8Array.of(1, 0, 2, 1, 1, 1), s, 2, ['a', 'b']), 3],
    ['NaN score', () => multilabelMetrics(y, Float64Array.of(0.9, NaN, 0.4, 0.6, 0.7, 0.8), 2, ['a', 'b']), 3],
    ['NaN threshold', () => multilabelMetrics(y, s, 2, ['a', 'b'], NaN), 3],
  ])('%s: NaN, never throws', (_name, call, n) => {
    expectAllNaN(call(), n);
  });

  test('empty input: NaN, example_count 0, supports 0', () => {
    const result = multilabelMetrics(new Uint8Array(0), new Float64Array(0), 2, ['a', 'b']);
    expectAllNaN(result, 0);
    expect(result.perLabel.map((p) => [p.label, p.support])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
    expect(result.perLabel[0].f1).toBeNaN();
  });

  test('a single label works (L = 1)', () => {
    const result = multilabelMetrics(Uint8Array.of(1, 0, 1, 0), Float64Array.of(0.8, 0.3, 0.4, 0.6), 1, ['only']);
    expect(result.metrics.precision_micro).toBe(0.5);
    expect(result.metrics.recall_micro).toBe(0.5);
    expect(result.metrics.roc_auc_micro).toBe(0.75);
    expect(result.metrics.roc_auc_macro).toBe(0.75);
    expect(result.metrics.hamming_loss).toBe(0.5);
  });
});

test('METRIC_INFO covers every metric the kernel returns', () => {
  for (const name of MULTILABEL_METRICS) expect(metricInfo(name)).toBeDefined();
  expect(metricInfo('hamming_loss')).toMatchObject({ higherIsBetter: false, bounded: true });
  expect(metricInfo('subset_accuracy')).toMatchObject({ higherIsBetter: true, bounded: true });
});
