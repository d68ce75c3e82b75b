// Weighted kernels against brute force: for random integer weights, each weighted kernel must equal
// the unweighted sklearn-exact kernel (src/metrics) applied to the data with row i repeated w[i]
// times, to 1e-9 (absolute up to 1, relative above), ties in scores included. With every weight 1
// they must equal src/metrics bit for bit. Binary and multiclass include calibration (ece, mce,
// src/metrics/calibration.ts) and, for binary, the operating points (recall_at_fpr,
// precision_at_recall, src/metrics/imbalance.ts).
import { binaryMetrics } from '../../src/metrics/binary.js';
import { calibration, CALIBRATION_METRICS } from '../../src/metrics/calibration.js';
import { imbalanceMetrics, IMBALANCE_METRICS, type ImbalanceOptions } from '../../src/metrics/imbalance.js';
import { multiclassMetrics, MULTICLASS_METRICS } from '../../src/metrics/multiclass.js';
import { regressionMetrics, REGRESSION_METRICS } from '../../src/metrics/regression.js';
import { BINARY_METRICS } from '../../src/metrics/binary.js';
import {
  BINARY_STATS,
  MULTICLASS_STATS,
  REGRESSION_STATS,
  argsortDescending,
  prepareBinary,
  prepareMulticlass,
  sweepKernels,
  weightedBinaryMetrics,
  weightedMulticlassMetrics,
  weightedRegressionMetrics,
} from '../../src/stats/weighted-metrics.js';
import { rng } from '../support/rng.js';

function repeatRows<T extends { length: number; [i: number]: number }>(make: (n: number) => T, values: T, weights: number[], width = 1): T {
  let total = 0;
  for (const w of weights) total += w;
  const out = make(total * width);
  let at = 0;
  weights.forEach((w, i) => {
    for (let r = 0; r < w; r++) for (let j = 0; j < width; j++) out[at++] = values[i * width + j];
  });
  return out;
}

function expectClose(actual: Record<string, number>, expected: Record<string, number>, context: string): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key];
    if (Number.isNaN(want)) {
      if (!Number.isNaN(got)) throw new Error(`${context} ${key}: expected NaN, got ${got}`);
      continue;
    }
    const diff = Math.abs(got - want);
    if (!(diff <= 1e-9 * Math.max(1, Math.abs(want)))) throw new Error(`${context} ${key}: expected ${want}, got ${got} (diff ${diff})`);
  }
}

function expectIdentical(actual: Record<string, number>, expected: Record<string, number>, context: string): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, want] of Object.entries(expected)) {
    if (!Object.is(actual[key], want)) throw new Error(`${context} ${key}: expected exactly ${want}, got ${actual[key]}`);
  }
}

/** Every binary metric the weighted kernel computes, from the unweighted src/metrics kernels. */
function binaryReference(y: Uint8Array, s: Float64Array, threshold = 0.5, options: ImbalanceOptions = {}): Record<string, number> {
  const cal = calibration(y, s, { task: 'binary' });
  return { ...binaryMetrics(y, s, threshold), ece: cal.ece, mce: cal.mce, ...imbalanceMetrics(y, s, options) };
}

function multiclassReference(y: Int32Array, probs: Float64Array, k: number): Record<string, number> {
  const cal = calibration(y, probs, { task: 'multiclass', k });
  return { ...multiclassMetrics(y, probs, k), ece: cal.ece, mce: cal.mce };
}

function randomWeights(next: () => number, n: number, max: number, zeroShare = 0.3): number[] {
  return Array.from({ length: n }, () => (next() < zeroShare ? 0 : 1 + Math.floor(next() * max)));
}

test('the stat lists are the src/metrics lists without example_count, then calibration and the operating points', () => {
  expect([...BINARY_STATS]).toEqual([...BINARY_METRICS.filter((m) => m !== 'example_count'), ...CALIBRATION_METRICS, ...IMBALANCE_METRICS]);
  expect([...MULTICLASS_STATS]).toEqual([...MULTICLASS_METRICS.filter((m) => m !== 'example_count'), ...CALIBRATION_METRICS]);
  expect([...REGRESSION_STATS]).toEqual(REGRESSION_METRICS.filter((m) => m !== 'example_count'));
});

describe('argsortDescending', () => {
  test.each([10, 3000])('orders descending, ties by row, for n = %i (comparator and radix paths)', (n) => {
    const next = rng(n);
    const values = Float64Array.from({ length: n }, () => {
      const u = next();
      return u < 0.1 ? 0 : u < 0.15 ? -0 : u < 0.2 ? -Math.round(next() * 5) : Math.round(next() * 50) / 10 - 1;
    });
    values[0] = Infinity;
    values[1] = -Infinity;
    values[2] = 1e-310; // subnormal
    values[3] = -1e-310;
    const order = argsortDescending(values);
    const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => (values[a] > values[b] ? -1 : values[a] < values[b] ? 1 : 0));
    // Same values in the same sequence (ties may differ between -0 and +0 only).
    expect(Array.from(order, (i) => values[i] + 0)).toEqual(expected.map((i) => values[i] + 0));
    for (let q = 1; q < n; q++) {
      const a = values[order[q - 1]];
      const b = values[order[q]];
      expect(a >= b).toBe(true);
      if (a === b && Object.is(a, b)) expect(order[q - 1] < order[q]).toBe(true);
    }
    expect(new Set(order).size).toBe(n);
  });
});

describe('weighted binary metrics', () => {
  // scale: scores are multiples of 1 / scale (ties; 15 puts scores on the calibration bin edges, 1 included).
  const cases: { name: string; n: number; seed: number; scale: number; prevalence: number; threshold: number; maxW: number; limits: ImbalanceOptions }[] = [
    { name: 'heavy ties', n: 60, seed: 1, scale: 10, prevalence: 0.4, threshold: 0.5, maxW: 4, limits: {} },
    { name: 'distinct scores', n: 80, seed: 2, scale: 1e12, prevalence: 0.3, threshold: 0.5, maxW: 3, limits: { maxFpr: 0.1, minRecall: 0.5 } },
    { name: 'score at threshold', n: 50, seed: 3, scale: 10, prevalence: 0.5, threshold: 0.3, maxW: 5, limits: { maxFpr: 0.2, minRecall: 0.75 } },
    { name: 'rare positives', n: 40, seed: 4, scale: 100, prevalence: 0.08, threshold: 0.5, maxW: 3, limits: { maxFpr: 0.05, minRecall: 1 } },
    { name: 'tiny', n: 4, seed: 5, scale: 10, prevalence: 0.5, threshold: 0.5, maxW: 2, limits: { maxFpr: 0, minRecall: 0 } },
    { name: 'scores on the bin edges', n: 90, seed: 7, scale: 15, prevalence: 0.45, threshold: 0.5, maxW: 4, limits: { maxFpr: 0.25, minRecall: 0.3 } },
    { name: 'limits at the extremes', n: 50, seed: 8, scale: 20, prevalence: 0.35, threshold: 0.5, maxW: 3, limits: { maxFpr: 1, minRecall: -0.5 } },
    { name: 'radix sort path', n: 2500, seed: 6, scale: 1000, prevalence: 0.3, threshold: 0.45, maxW: 4, limits: { maxFpr: 0.01, minRecall: 0.9 } },
  ];
  for (const c of cases) {
    test(`${c.name}: equals src/metrics on repeated rows, 60 weight vectors`, () => {
      const next = rng(c.seed);
      const y = Uint8Array.from({ length: c.n }, () => (next() < c.prevalence ? 1 : 0));
      const s = Float64Array.from({ length: c.n }, () => Math.round(next() * c.scale) / c.scale);
      const ones = weightedBinaryMetrics(y, s, new Array(c.n).fill(1), c.threshold, c.limits);
      expectIdentical(ones, binaryReference(y, s, c.threshold, c.limits), `${c.name} ones`);
      for (const m of ['ece', 'mce', 'recall_at_fpr', 'precision_at_recall']) expect(Number.isFinite(ones[m])).toBe(true);
      for (let r = 0; r < 60; r++) {
        const w = randomWeights(next, c.n, c.maxW, r % 3 === 0 ? 0.7 : 0.3);
        const expected = binaryReference(repeatRows((m) => new Uint8Array(m), y, w), repeatRows((m) => new Float64Array(m), s, w), c.threshold, c.limits);
        expectClose(weightedBinaryMetrics(y, s, w, c.threshold, c.limits), expected, `${c.name} #${r}`);
      }
    });
  }

  test('the operating points: recall at the FPR limit and precision at the recall limit, counted exactly at the limit', () => {
    // 4 positives, 10 negatives; descending: P P N P N N P N N N N N N N.
    const y = Uint8Array.from([1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    const s = Float64Array.from(y, (_, i) => 1 - i / 20);
    // FPR 1/10 exactly on the limit counts: recall 3/4 there.
    expect(weightedBinaryMetrics(y, s, new Array(14).fill(1), 0.5, { maxFpr: 0.1 }).recall_at_fpr).toBe(0.75);
    expect(weightedBinaryMetrics(y, s, new Array(14).fill(1), 0.5, { maxFpr: 0.09 }).recall_at_fpr).toBe(0.5);
    // Weight 2 on the first negative: FPR 2/11 > 0.1 already there.
    expect(weightedBinaryMetrics(y, s, [1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0.5, { maxFpr: 0.1 }).recall_at_fpr).toBe(0.5);
    // Recall >= 0.75 first at 3 positives of 4 with 1 negative: precision 3/4; full recall: 4/6.
    expect(weightedBinaryMetrics(y, s, new Array(14).fill(1), 0.5, { minRecall: 0.75 }).precision_at_recall).toBe(0.75);
    expect(weightedBinaryMetrics(y, s, new Array(14).fill(1), 0.5, { minRecall: 1 }).precision_at_recall).toBe(4 / 7);
    // Dropping the fourth positive (weight 0): recall 1 is reached at 3 positives.
    expect(weightedBinaryMetrics(y, s, [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1], 0.5, { minRecall: 1 }).precision_at_recall).toBe(0.75);
    // Limits nothing can meet.
    expect(weightedBinaryMetrics(y, s, new Array(14).fill(1), 0.5, { maxFpr: -0.1 }).recall_at_fpr).toBeNaN();
    expect(weightedBinaryMetrics(y, s, new Array(14).fill(1), 0.5, { minRecall: 1.1 }).precision_at_recall).toBeNaN();
    expect(weightedBinaryMetrics(y, s, new Array(14).fill(1), 0.5, { maxFpr: NaN, minRecall: NaN })).toMatchObject({ recall_at_fpr: NaN, precision_at_recall: NaN });
  });

  test('calibration: ECE and MCE from weighted bins, the point bin [1, 1] included', () => {
    // Scores 1, 1, 0.5, 0.5 with labels 1, 0, 1, 1; weights 3, 1, 1, 0.
    // Bin [1, 1]: 4 rows, 3 positive: gap |0.75 - 1| = 0.25; bin [7/15, 8/15): 1 row, positive: gap 0.5.
    const r = weightedBinaryMetrics(Uint8Array.from([1, 0, 1, 1]), Float64Array.from([1, 1, 0.5, 0.5]), [3, 1, 1, 0]);
    expect(r.ece).toBeCloseTo((4 / 5) * 0.25 + (1 / 5) * 0.5, 15);
    expect(r.mce).toBe(0.5);
    // A score outside [0, 1]: calibration undefined (as src/metrics), the ranking metrics still defined.
    const bad = weightedBinaryMetrics(Uint8Array.from([1, 0]), Float64Array.from([1.2, 0.1]), [1, 1]);
    expect(bad.ece).toBeNaN();
    expect(bad.mce).toBeNaN();
    expect(bad.roc_auc).toBe(1);
  });

  test('the class totals do not depend on how the weights lie in memory (word-wise and byte-wise counting)', () => {
    const next = rng(10);
    const n = 103; // not a multiple of 4: a byte-wise tail
    const y = Uint8Array.from({ length: n }, () => (next() < 0.4 ? 1 : 0));
    const s = Float64Array.from({ length: n }, () => Math.round(next() * 50) / 50);
    const p = prepareBinary(y, s, 0.5, false, { maxFpr: 0.1, minRecall: 0.7 });
    const w = randomWeights(next, n, 200, 0.2);
    const aligned = Uint8Array.from(w);
    const offset = new Uint8Array(n + 1).subarray(1); // byteOffset 1: no 32-bit view
    offset.set(w);
    const a = new Float64Array(BINARY_STATS.length);
    const b = new Float64Array(BINARY_STATS.length);
    expect(sweepKernels.sweep(p, aligned, a, 0)).toBe(w.reduce((x, v) => x + v, 0));
    expect(sweepKernels.sweep(p, offset, b, 0)).toBe(w.reduce((x, v) => x + v, 0));
    expect(Array.from(b)).toEqual(Array.from(a));
    // Heavy weights (up to 200) in every lane: the operating points need exact class totals.
    const expected = binaryReference(repeatRows((m) => new Uint8Array(m), y, w), repeatRows((m) => new Float64Array(m), s, w), 0.5, { maxFpr: 0.1, minRecall: 0.7 });
    expect(a[BINARY_STATS.indexOf('recall_at_fpr')]).toBe(expected.recall_at_fpr);
    expect(a[BINARY_STATS.indexOf('precision_at_recall')]).toBe(expected.precision_at_recall);
  });

  test('a constant model (the dummy) prepared with the shortcut: the same metrics from the class totals alone', () => {
    const next = rng(9);
    const n = 40;
    const y = Uint8Array.from({ length: n }, () => (next() < 0.3 ? 1 : 0));
    for (const [score, limits] of [[0.3, {}], [0.5, { maxFpr: 1, minRecall: 0 }], [1, { maxFpr: 0.5, minRecall: 1 }]] as [number, ImbalanceOptions][]) {
      const s = new Float64Array(n).fill(score);
      const p = prepareBinary(y, s, 0.5, false, { ...limits, constantShortcut: true });
      expect(p.constant).toBe(true);
      expect(p.order).toHaveLength(0);
      expect(prepareBinary(y, s, 0.5, false, limits).constant).toBe(false);
      const out = new Float64Array(BINARY_STATS.length);
      for (let r = 0; r < 30; r++) {
        const w = randomWeights(next, n, 4, r % 5 === 0 ? 0.9 : 0.3);
        const total = sweepKernels.sweep(p, Uint8Array.from(w), out, 0);
        const got: Record<string, number> = { example_count: total };
        BINARY_STATS.forEach((m, i) => (got[m] = out[i]));
        const expected = binaryReference(repeatRows((m) => new Uint8Array(m), y, w), repeatRows((m) => new Float64Array(m), s, w), 0.5, limits);
        expectClose(got, expected, `constant ${score} #${r}`);
        // Everything but the sums of per-row floats (losses, the calibration score sum) is formed exactly as without the shortcut.
        const full = weightedBinaryMetrics(y, s, w, 0.5, limits);
        for (const m of BINARY_STATS) {
          if (!['log_loss', 'brier', 'ece', 'mce'].includes(m) && !Object.is(got[m], full[m])) throw new Error(`constant ${score} #${r} ${m}: ${got[m]} against ${full[m]}`);
        }
      }
    }
  });

  test('scores outside [0, 1]: brier NaN, the rest defined', () => {
    const y = Uint8Array.from([1, 0, 1, 0]);
    const s = Float64Array.from([1.5, -0.2, 0.7, 0.1]);
    const w = [2, 1, 0, 3];
    const expected = binaryReference(repeatRows((m) => new Uint8Array(m), y, w), repeatRows((m) => new Float64Array(m), s, w));
    expectClose(weightedBinaryMetrics(y, s, w), expected, 'out of range');
    expect(weightedBinaryMetrics(y, s, w).brier).toBeNaN();
  });

  test('degenerate: zero total weight, one class, invalid input on a zero-weight row', () => {
    const y = Uint8Array.from([1, 0, 1]);
    const s = Float64Array.from([0.9, 0.2, 0.4]);
    const empty = weightedBinaryMetrics(y, s, [0, 0, 0]);
    for (const [k, v] of Object.entries(empty)) {
      if (k === 'example_count') expect(v).toBe(0);
      else expect(v).toBeNaN();
    }
    const onlyPositives = weightedBinaryMetrics(y, s, [2, 0, 1]);
    expect(onlyPositives.roc_auc).toBeNaN();
    expect(onlyPositives.pr_auc).toBe(1);
    const onlyNegatives = weightedBinaryMetrics(y, s, [0, 3, 0]);
    expect(onlyNegatives.pr_auc).toBe(0);
    expect(onlyNegatives.recall).toBe(0);
    // Validity is a property of the whole input: a NaN score on a zero-weight row still invalidates.
    const bad = weightedBinaryMetrics(y, Float64Array.from([0.9, NaN, 0.4]), [1, 0, 1]);
    expect(bad.accuracy).toBeNaN();
    expect(bad.example_count).toBe(2);
    expect(() => weightedBinaryMetrics(y, s, [1, 2])).toThrow(RangeError);
    expect(() => weightedBinaryMetrics(y, s, [1, 0.5, 1])).toThrow(RangeError);
    expect(() => weightedBinaryMetrics(y, s, [1, 256, 1])).toThrow(RangeError);
  });
});

describe('weighted multiclass metrics', () => {
  // Probability rows from a palette that sums to 1 exactly (ties in every column), or random.
  const palette3 = [
    [0.5, 0.3, 0.2],
    [0.2, 0.3, 0.5],
    [0.25, 0.5, 0.25],
    [0.4, 0.4, 0.2],
    [0.1, 0.1, 0.8],
    [0.6, 0.2, 0.2],
  ];
  function rows(next: () => number, n: number, k: number, tied: boolean): Float64Array {
    const probs = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      if (tied && k === 3) {
        const row = palette3[Math.floor(next() * palette3.length)];
        for (let j = 0; j < k; j++) probs[i * k + j] = row[j];
      } else {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += probs[i * k + j] = next() + 0.01;
        for (let j = 0; j < k; j++) probs[i * k + j] /= sum;
      }
    }
    return probs;
  }
  const cases = [
    { name: 'k=3 tied palette', n: 60, k: 3, tied: true, seed: 11 },
    { name: 'k=4 random', n: 70, k: 4, tied: false, seed: 12 },
    { name: 'k=2', n: 40, k: 2, tied: false, seed: 13 },
    { name: 'k=5 small n (absent classes)', n: 8, k: 5, tied: false, seed: 14 },
  ];
  for (const c of cases) {
    test(`${c.name}: equals src/metrics on repeated rows`, () => {
      const next = rng(c.seed);
      const y = Int32Array.from({ length: c.n }, () => Math.floor(next() * c.k));
      const probs = rows(next, c.n, c.k, c.tied);
      const ones = weightedMulticlassMetrics(y, probs, c.k, new Array(c.n).fill(1));
      expectIdentical(ones, multiclassReference(y, probs, c.k), `${c.name} ones`);
      expect(ones.ece).toBeGreaterThan(0);
      for (let r = 0; r < 60; r++) {
        const w = randomWeights(next, c.n, 4, r % 3 === 0 ? 0.6 : 0.25);
        const expected = multiclassReference(repeatRows((m) => new Int32Array(m), y, w), repeatRows((m) => new Float64Array(m), probs, w, c.k), c.k);
        expectClose(weightedMulticlassMetrics(y, probs, c.k, w), expected, `${c.name} #${r}`);
      }
    });
  }

  test('a constant model (the dummy) prepared with the shortcut: no sorted orders, the same metrics', () => {
    const next = rng(15);
    const n = 30;
    const k = 3;
    const y = Int32Array.from({ length: n }, () => Math.floor(next() * k));
    const probs = new Float64Array(n * k);
    for (let i = 0; i < n; i++) probs.set([0.5, 0.3, 0.2], i * k);
    const p = prepareMulticlass(y, probs, k, false, { constantShortcut: true });
    expect(p.constant).toBe(true);
    expect(p.orders).toHaveLength(0);
    const out = new Float64Array(MULTICLASS_STATS.length);
    for (let r = 0; r < 30; r++) {
      const w = randomWeights(next, n, 4, 0.3);
      const total = sweepKernels.sweep(p, Uint8Array.from(w), out, 0);
      const got: Record<string, number> = { example_count: total };
      MULTICLASS_STATS.forEach((m, i) => (got[m] = out[i]));
      // Row-order sums as without the shortcut: bit for bit.
      expectIdentical(got, weightedMulticlassMetrics(y, probs, k, w), `constant #${r}`);
      expectClose(got, multiclassReference(repeatRows((m) => new Int32Array(m), y, w), repeatRows((m) => new Float64Array(m), probs, w, k), k), `constant #${r}`);
    }
  });

  test('probabilities outside [0, 1]: ece and mce NaN, as src/metrics', () => {
    const r = weightedMulticlassMetrics(Int32Array.from([0, 1]), Float64Array.from([1.2, -0.2, 0.3, 0.7]), 2, [1, 1]);
    expect(r.ece).toBeNaN();
    expect(r.mce).toBeNaN();
    expect(r.accuracy).toBe(1);
  });
});

describe('weighted regression metrics', () => {
  test('equals src/metrics on repeated rows, ties, zero targets and constant resamples', () => {
    const next = rng(21);
    for (const n of [2, 3, 10, 50]) {
      const y = Float64Array.from({ length: n }, () => (next() < 0.15 ? 0 : Math.round(next() * 20) / 4 - 2));
      const p = Float64Array.from({ length: n }, (_, i) => (next() < 0.2 ? y[i] : y[i] + (next() - 0.5) * 3));
      expectIdentical(weightedRegressionMetrics(y, p, new Array(n).fill(1)), regressionMetrics(y, p), `n=${n} ones`);
      for (let r = 0; r < 80; r++) {
        const w = randomWeights(next, n, 4, r % 4 === 0 ? 0.8 : 0.3);
        const expected = regressionMetrics(repeatRows((m) => new Float64Array(m), y, w), repeatRows((m) => new Float64Array(m), p, w));
        expectClose(weightedRegressionMetrics(y, p, w), expected, `n=${n} #${r}`);
      }
    }
  });

  test('max_error looks only at rows with weight > 0', () => {
    const r = weightedRegressionMetrics(Float64Array.from([0, 1, 2]), Float64Array.from([10, 1, 2.5]), [0, 1, 1]);
    expect(r.max_error).toBe(0.5);
  });
});
