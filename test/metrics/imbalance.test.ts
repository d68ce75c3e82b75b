// recallAtFpr / precisionAtRecall against scikit-learn's roc_curve / precision_recall_curve
// (fixtures/reference/metrics_extra_reference.json), and against a brute-force sweep over every
// distinct threshold on random tied data.
import { readFileSync } from 'node:fs';
import {
  DEFAULT_MAX_FPR,
  DEFAULT_MIN_RECALL,
  imbalanceMetrics,
  precisionAtRecall,
  recallAtFpr,
} from '../../src/metrics/imbalance.js';
import { metricInfo } from '../../src/metrics/direction.js';
import { expectClose } from '../support/close.js';
import { rng } from '../support/rng.js';

interface ImbalanceCase {
  name: string;
  max_fpr: number;
  min_recall: number;
  y_true: number[];
  score: number[];
  expected: { recall_at_fpr: number | null; precision_at_recall: number | null };
}
const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/metrics_extra_reference.json', import.meta.url), 'utf8')
) as { imbalance: ImbalanceCase[] };

describe('matches scikit-learn curves', () => {
  test.each(reference.imbalance.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const y = Uint8Array.from(c.y_true);
    const s = Float64Array.from(c.score);
    expectClose(recallAtFpr(y, s, c.max_fpr), c.expected.recall_at_fpr, 1e-9, 'recall_at_fpr');
    expectClose(precisionAtRecall(y, s, c.min_recall), c.expected.precision_at_recall, 1e-9, 'precision_at_recall');
    const both = imbalanceMetrics(y, s, { maxFpr: c.max_fpr, minRecall: c.min_recall });
    expectClose(both.recall_at_fpr, c.expected.recall_at_fpr, 1e-9, 'imbalanceMetrics.recall_at_fpr');
    expectClose(both.precision_at_recall, c.expected.precision_at_recall, 1e-9, 'imbalanceMetrics.precision_at_recall');
  });

  test('the reference covers the required situations', () => {
    expect(reference.imbalance.map((c) => c.name)).toEqual(
      expect.arrayContaining(['fraud_8_of_200', 'ties_0_1_grid', 'limits_hit_exactly', 'only_negatives', 'only_positives'])
    );
  });
});


/** Every curve point by brute force: threshold +Infinity, then each distinct score. */
function brutePoints(y: Uint8Array, s: Float64Array): { tp: number; fp: number }[] {
  const thresholds = [Infinity, ...new Set(s)];
  return thresholds.map((t) => {
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < y.length; i++) {
      if (s[i] >= t) {
        if (y[i] === 1) tp++;
        else fp++;
      }
    }
    return { tp, fp };
  });
}

test('agrees with a brute-force sweep on random tied data', () => {
  const next = rng(42);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(next() * 60);
    const y = new Uint8Array(n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = next() < 0.2 ? 1 : 0;
      s[i] = Math.floor(next() * 8) / 8;
    }
    const maxFpr = [0, 0.01, 0.1, 0.25, 1][trial % 5];
    const minRecall = [0.1, 0.5, 0.9, 1, 0.75][trial % 5];
    const nPos = y.reduce((a, b) => a + b, 0);
    const nNeg = n - nPos;
    const points = brutePoints(y, s);
    let bestRecall = -Infinity;
    let bestPrecision = -Infinity;
    for (const { tp, fp } of points) {
      if (fp / nNeg <= maxFpr) bestRecall = Math.max(bestRecall, tp / nPos);
      if (tp + fp > 0 && (nPos === 0 ? 1 : tp / nPos) >= minRecall) bestPrecision = Math.max(bestPrecision, tp / (tp + fp));
    }
    const wantRecall = nPos === 0 || nNeg === 0 || bestRecall === -Infinity ? NaN : bestRecall;
    const wantPrecision = bestPrecision === -Infinity ? NaN : bestPrecision;
    expect(recallAtFpr(y, s, maxFpr)).toBe(wantRecall);
    expect(precisionAtRecall(y, s, minRecall)).toBe(wantPrecision);
  }
});

describe('degenerate input', () => {
  const y = Uint8Array.of(0, 1, 0, 1);
  const s = Float64Array.of(0.1, 0.9, 0.4, 0.6);
  test.each([
    ['empty', new Uint8Array(0), new Float64Array(0)],
    ['length mismatch', y, Float64Array.of(0.1, 0.2)],
    ['label 2', Uint8Array.of(0, 2, 0, 1), s],
    ['NaN score', y, Float64Array.of(0.1, NaN, 0.4, 0.6)],
    ['infinite score', y, Float64Array.of(0.1, Infinity, 0.4, 0.6)],
  ])('%s: NaN', (_name, yy, ss) => {
    expect(recallAtFpr(yy, ss)).toBeNaN();
    expect(precisionAtRecall(yy, ss)).toBeNaN();
    const both = imbalanceMetrics(yy, ss);
    expect(both.recall_at_fpr).toBeNaN();
    expect(both.precision_at_recall).toBeNaN();
  });

  test('NaN limits give NaN', () => {
    expect(recallAtFpr(y, s, NaN)).toBeNaN();
    expect(precisionAtRecall(y, s, NaN)).toBeNaN();
  });

  test('defaults', () => {
    expect(DEFAULT_MAX_FPR).toBe(0.01);
    expect(DEFAULT_MIN_RECALL).toBe(0.9);
    expect(recallAtFpr(y, s)).toBe(1);
    expect(precisionAtRecall(y, s)).toBe(1);
    expect(imbalanceMetrics(y, s)).toEqual({ recall_at_fpr: 1, precision_at_recall: 1 });
  });
});

test('n log n: a million rows', () => {
  const n = 1_000_000;
  const next = rng(3);
  const y = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = next() < 0.002 ? 1 : 0;
    s[i] = next() + (y[i] === 1 ? 0.5 : 0);
  }
  const t0 = performance.now();
  const result = imbalanceMetrics(y, s);
  expect(performance.now() - t0).toBeLessThan(5000);
  expect(result.recall_at_fpr).toBeGreaterThan(0);
});

test('METRIC_INFO: both higher-is-better and bounded', () => {
  for (const name of ['recall_at_fpr', 'precision_at_recall']) {
    expect(metricInfo(name)).toMatchObject({ higherIsBetter: true, bounded: true });
  }
});
