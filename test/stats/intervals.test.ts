// Percentile and BCa intervals and the normal CDF/quantile against fixtures/reference/
// stats_reference.json (numpy.percentile, BCa by its formula with scipy.stats.norm and
// cross-checked against scipy's _bca_interval, scipy.special.ndtr/ndtri). Tolerance 1e-9.
import { readFileSync } from 'node:fs';
import {
  bcaInterval,
  bcaPValue,
  bootstrapPValue,
  finiteSorted,
  jackknifeAcceleration,
  normCdf,
  normQuantile,
  percentileInterval,
  percentileOfScore,
  percentileSorted,
} from '../../src/stats/intervals.js';
import { expectClose } from '../support/close.js';
import { lcg } from '../support/rng.js';

interface BcaCase {
  name: string;
  replicates: number[];
  estimate: number;
  jackknife: number[];
  confidence: number;
  expected: { ci: [number, number]; z0: number; acceleration: number; levels: [number, number] };
}
interface Reference {
  provenance: Record<string, unknown>;
  percentile: { values: number[]; q: number[]; expected: number[] }[];
  bca: BcaCase[];
  normal: { cdf: { x: number; p: number }[]; quantile: { p: number; x: number }[] };
}

const reference = JSON.parse(readFileSync(new URL('../../fixtures/reference/stats_reference.json', import.meta.url), 'utf8')) as Reference;


test('reference provenance', () => {
  expect(reference.provenance.script).toBe('fixtures/reference/stats_reference.py');
  expect(reference.provenance.numpy).toBe('1.24.2');
  expect(reference.provenance.scipy).toBe('1.10.1');
});

test('percentileSorted equals numpy.percentile (linear)', () => {
  for (const c of reference.percentile) {
    const sorted = Float64Array.from(c.values).sort();
    c.q.forEach((q, i) => expectClose(percentileSorted(sorted, q), c.expected[i]));
  }
  expect(percentileSorted(new Float64Array(0), 50)).toBeNaN();
});

test('percentileInterval reads the two tails', () => {
  const c = reference.percentile[3];
  const sorted = Float64Array.from(c.values).sort();
  const [lo, hi] = percentileInterval(sorted, 0.95);
  expectClose(lo, c.expected[c.q.indexOf(2.5)]);
  expectClose(hi, c.expected[c.q.indexOf(97.5)]);
});

test('finiteSorted skips and counts non-finite values', () => {
  const { sorted, skipped } = finiteSorted([3, NaN, 1, Infinity, 2, -Infinity]);
  expect(Array.from(sorted)).toEqual([1, 2, 3]);
  expect(skipped).toBe(3);
});

test('normCdf equals scipy.special.ndtr (relative 1e-12 in the tails)', () => {
  for (const { x, p } of reference.normal.cdf) {
    const got = normCdf(x);
    if (!(Math.abs(got - p) <= 1e-12 * p + 1e-300)) throw new Error(`ndtr(${x}): expected ${p}, got ${got}`);
  }
  expect(normCdf(-Infinity)).toBe(0);
  expect(normCdf(Infinity)).toBe(1);
});

test('normQuantile equals scipy.special.ndtri', () => {
  for (const { p, x } of reference.normal.quantile) expectClose(normQuantile(p), x, 1e-12);
  expect(normQuantile(0)).toBe(-Infinity);
  expect(normQuantile(1)).toBe(Infinity);
  expect(normQuantile(1.5)).toBeNaN();
});

describe('BCa', () => {
  for (const c of reference.bca) {
    test(c.name, () => {
      const sorted = Float64Array.from(c.replicates).sort();
      const r = bcaInterval(sorted, c.estimate, c.jackknife, c.confidence);
      expect(r).toBeDefined();
      expectClose(r!.z0, c.expected.z0);
      expectClose(r!.acceleration, c.expected.acceleration);
      expectClose(r!.levels[0], c.expected.levels[0]);
      expectClose(r!.levels[1], c.expected.levels[1]);
      expectClose(r!.ci[0], c.expected.ci[0]);
      expectClose(r!.ci[1], c.expected.ci[1]);
    });
  }

  test('undefined when every replicate lies on one side, or the jackknife is constant', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(bcaInterval(sorted, 0.5, [1, 2, 3], 0.95)).toBeUndefined();
    expect(bcaInterval(sorted, 2.5, [1, 1, 1], 0.95)).toBeUndefined();
    expect(jackknifeAcceleration([1, 1, 1])).toBeNaN();
    expect(percentileOfScore(sorted, 2)).toBe((1 + 2) / 8);
  });
});

describe('bcaPValue: the p-value that agrees with the BCa interval', () => {
  test('with no bias and no acceleration it is the percentile p-value, to within 2 / B', () => {
    const r = lcg(4);
    for (const shift of [-0.3, 0, 0.05, 0.2]) {
      const reps = Float64Array.from({ length: 999 }, () => shift + normQuantile(r())).sort();
      expect(Math.abs(bcaPValue(reps, 0, 0) - bootstrapPValue(reps))).toBeLessThanOrEqual(2 / 999);
    }
  });

  test('past the formula\'s pole BCa is undefined (the caller falls back to the percentile interval)', () => {
    // One outlier among 200 jackknife values gives a ≈ −1/6; with z0 ≈ −1.3 and a confidence of
    // 1 − 1e-6, 1 − a (z0 + z) ≤ 0 for the lower level, which would invert the interval.
    const r = lcg(3);
    const reps = Float64Array.from({ length: 999 }, () => normQuantile(r())).sort();
    const estimate = percentileSorted(reps, 100 * normCdf(-1.3));
    const jack = Float64Array.from({ length: 200 }, (_, i) => (i < 199 ? 0 : 1));
    const a = jackknifeAcceleration(jack);
    const z0 = normQuantile(percentileOfScore(reps, estimate));
    const confidence = 1 - 1e-6;
    expect(1 - a * (z0 + normQuantile((1 - confidence) / 2))).toBeLessThanOrEqual(0);
    expect(bcaInterval(reps, estimate, jack, confidence)).toBeUndefined();
    // The same inputs at 95 % are well clear of the pole, and give an ordered interval.
    const at95 = bcaInterval(reps, estimate, jack, 0.95)!;
    expect(at95.ci[0]).toBeLessThan(at95.ci[1]);
  });

  test('every replicate above 0 with a strong acceleration: significant, as the interval says', () => {
    const r = lcg(21);
    const reps = Float64Array.from({ length: 999 }, () => 0.3 + 0.2 * r()).sort();
    for (const a of [-0.4, -0.1, 0.1, 0.4]) {
      const p = bcaPValue(reps, 0.1, a);
      expect([a, p]).toEqual([a, 2 / 1000]);
    }
    // All below 0, likewise; none on one side, a p-value that is not small.
    expect(bcaPValue(reps.map((v) => -v).sort(), 0, -0.3)).toBe(2 / 1000);
    expect(bcaPValue(Float64Array.from(reps, (v) => v - 0.4).sort(), 0, -0.3)).toBeGreaterThan(0.05);
  });

  test('p < 1 − confidence exactly when the BCa interval excludes 0, on skewed replicates', () => {
    const r = lcg(9);
    let significant = 0;
    let checked = 0;
    for (let k = 0; k < 400; k++) {
      // Skewed replicates (a shifted exponential), a jackknife with skew, an estimate near the middle.
      const shift = -0.6 + (1.2 * k) / 400;
      const reps = Float64Array.from({ length: 1999 }, () => shift - Math.log(r()) * 0.3 - 0.3).sort();
      const jack = Float64Array.from({ length: 50 }, () => -Math.log(r()) * 0.01);
      const estimate = percentileSorted(reps, 48);
      const bca = bcaInterval(reps, estimate, jack, 0.95);
      if (bca === undefined) continue;
      const p = bcaPValue(reps, bca.z0, bca.acceleration);
      const excludes = bca.ci[0] > 0 || bca.ci[1] < 0;
      checked++;
      if (excludes) significant++;
      expect([k, p < 0.05]).toEqual([k, excludes]);
    }
    expect(checked).toBeGreaterThan(390);
    expect(significant).toBeGreaterThan(50);
    expect(checked - significant).toBeGreaterThan(50);
  });
});
