// Weighted kernels against brute force: for random integer weights, each weighted kernel must equal
// the unweighted sklearn-exact kernel (src/metrics) applied to the data with row i repeated w[i]
// times, to 1e-9 (absolute up to 1, relative above), ties in scores included. With every weight 1
// they must equal src/metrics bit for bit.
import { binaryMetrics } from '../../src/metrics/binary.js';
import { multiclassMetrics, MULTICLASS_METRICS } from '../../src/metrics/multiclass.js';
import { regressionMetrics, REGRESSION_METRICS } from '../../src/metrics/regression.js';
import { BINARY_METRICS } from '../../src/metrics/binary.js';
import {
  BINARY_STATS,
  MULTICLASS_STATS,
  REGRESSION_STATS,
  argsortDescending,
  weightedBinaryMetrics,
  weightedMulticlassMetrics,
  weightedRegressionMetrics,
} from '../../src/stats/weighted-metrics.js';

/** mulberry32: deterministic test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

function randomWeights(next: () => number, n: number, max: number, zeroShare = 0.3): number[] {
  return Array.from({ length: n }, () => (next() < zeroShare ? 0 : 1 + Math.floor(next() * max)));
}

test('the stat lists are the src/metrics lists without example_count', () => {
  expect([...BINARY_STATS]).toEqual(BINARY_METRICS.filter((m) => m !== 'example_count'));
  expect([...MULTICLASS_STATS]).toEqual(MULTICLASS_METRICS.filter((m) => m !== 'example_count'));
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
  const cases: { name: string; n: number; seed: number; tieDigits: number; prevalence: number; threshold: number; maxW: number }[] = [
    { name: 'heavy ties', n: 60, seed: 1, tieDigits: 1, prevalence: 0.4, threshold: 0.5, maxW: 4 },
    { name: 'distinct scores', n: 80, seed: 2, tieDigits: 12, prevalence: 0.3, threshold: 0.5, maxW: 3 },
    { name: 'score at threshold', n: 50, seed: 3, tieDigits: 1, prevalence: 0.5, threshold: 0.3, maxW: 5 },
    { name: 'rare positives', n: 40, seed: 4, tieDigits: 2, prevalence: 0.08, threshold: 0.5, maxW: 3 },
    { name: 'tiny', n: 4, seed: 5, tieDigits: 1, prevalence: 0.5, threshold: 0.5, maxW: 2 },
    { name: 'radix sort path', n: 2500, seed: 6, tieDigits: 3, prevalence: 0.3, threshold: 0.45, maxW: 4 },
  ];
  for (const c of cases) {
    test(`${c.name}: equals src/metrics on repeated rows, 60 weight vectors`, () => {
      const next = rng(c.seed);
      const y = Uint8Array.from({ length: c.n }, () => (next() < c.prevalence ? 1 : 0));
      const scale = 10 ** c.tieDigits;
      const s = Float64Array.from({ length: c.n }, () => Math.round(next() * scale) / scale);
      expectIdentical(weightedBinaryMetrics(y, s, new Array(c.n).fill(1), c.threshold), binaryMetrics(y, s, c.threshold), `${c.name} ones`);
      for (let r = 0; r < 60; r++) {
        const w = randomWeights(next, c.n, c.maxW, r % 3 === 0 ? 0.7 : 0.3);
        const expected = binaryMetrics(repeatRows((m) => new Uint8Array(m), y, w), repeatRows((m) => new Float64Array(m), s, w), c.threshold);
        expectClose(weightedBinaryMetrics(y, s, w, c.threshold), expected, `${c.name} #${r}`);
      }
    });
  }

  test('scores outside [0, 1]: brier NaN, the rest defined', () => {
    const y = Uint8Array.from([1, 0, 1, 0]);
    const s = Float64Array.from([1.5, -0.2, 0.7, 0.1]);
    const w = [2, 1, 0, 3];
    const expected = binaryMetrics(repeatRows((m) => new Uint8Array(m), y, w), repeatRows((m) => new Float64Array(m), s, w));
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
      expectIdentical(weightedMulticlassMetrics(y, probs, c.k, new Array(c.n).fill(1)), multiclassMetrics(y, probs, c.k), `${c.name} ones`);
      for (let r = 0; r < 60; r++) {
        const w = randomWeights(next, c.n, 4, r % 3 === 0 ? 0.6 : 0.25);
        const expected = multiclassMetrics(repeatRows((m) => new Int32Array(m), y, w), repeatRows((m) => new Float64Array(m), probs, w, c.k), c.k);
        expectClose(weightedMulticlassMetrics(y, probs, c.k, w), expected, `${c.name} #${r}`);
      }
    });
  }
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
