// Two-sample Kolmogorov–Smirnov against scipy 1.10.1 ks_2samp(a, b) (method='auto'), from
// fixtures/reference/drift_reference.json (written by fixtures/reference/drift_reference.py).
// Tolerance: relative 1e-9 on the statistic and on the p-value (so p-values such as 2e-44 are held
// to 9 significant digits), 1e-300 absolute for underflow. The method (exact/asymp) must agree.
import { readFileSync } from 'node:fs';
import { KS_MAX_AUTO_N, ks2Samp, outerProbInsideMethod, probOutsideSquare } from '../../src/stats/ks.js';

type Sample =
  | { values: number[] }
  | { counts: [number, number][] }
  | { recipe: { n: number; mult: number; mod: number; scale: number; offset: number } };
interface KsCase {
  name: string;
  n1: number;
  n2: number;
  a: Sample;
  b: Sample;
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymp';
}

const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/drift_reference.json', import.meta.url), 'utf8')
) as { ks_2samp: KsCase[] };

/** Expands a stored sample exactly as drift_reference.py does. */
function expand(s: Sample): Float64Array {
  if ('values' in s) return Float64Array.from(s.values);
  if ('counts' in s) {
    const out: number[] = [];
    for (const [v, c] of s.counts) for (let i = 0; i < c; i++) out.push(v);
    return Float64Array.from(out);
  }
  const { n, mult, mod, scale, offset } = s.recipe;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (((i * mult) % mod) / mod) * scale + offset;
  return out;
}

function expectRel(actual: number, expected: number, what: string): void {
  if (actual === expected) return;
  const diff = Math.abs(actual - expected);
  if (!(diff <= 1e-9 * Math.abs(expected) || diff <= 1e-300)) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (relative error ${diff / Math.abs(expected)})`);
  }
}

describe('ks2Samp matches scipy.stats.ks_2samp', () => {
  test('the reference covers both methods, ties, equal and unequal sizes', () => {
    const methods = new Set(reference.ks_2samp.map((c) => c.method));
    expect(methods).toEqual(new Set(['exact', 'asymp']));
    expect(reference.ks_2samp.some((c) => c.method === 'exact' && c.n1 === c.n2)).toBe(true);
    expect(reference.ks_2samp.some((c) => c.method === 'exact' && c.n1 !== c.n2)).toBe(true);
    expect(reference.ks_2samp.some((c) => c.pvalue < 1e-16)).toBe(true);
  });
  test.each(reference.ks_2samp.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const a = expand(c.a);
    const b = expand(c.b);
    expect([a.length, b.length]).toEqual([c.n1, c.n2]);
    const r = ks2Samp(a, b);
    expect(r.method).toBe(c.method);
    expectRel(r.statistic, c.statistic, 'statistic');
    expectRel(r.pValue, c.pvalue, 'p-value');
    // Symmetric in its arguments (scipy's two-sided test is).
    const s = ks2Samp(b, a);
    expectRel(s.statistic, c.statistic, 'swapped statistic');
    expectRel(s.pValue, c.pvalue, 'swapped p-value');
  });
});

describe('ks2Samp contract', () => {
  test('empty input gives NaN and no method', () => {
    expect(ks2Samp([], [1, 2])).toEqual({ statistic: NaN, pValue: NaN, method: null });
    expect(ks2Samp([1], [NaN, NaN])).toEqual({ statistic: NaN, pValue: NaN, method: null });
  });
  test('NaN values are dropped', () => {
    const withNaN = ks2Samp([1, NaN, 2, 3], [2, 3, 4, NaN, 5]);
    const without = ks2Samp([1, 2, 3], [2, 3, 4, 5]);
    expect(withNaN).toEqual(without);
  });
  test('identical samples: D = 0, p = 1', () => {
    expect(ks2Samp([3, 1, 2], [1, 2, 3])).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
  });
  test('by hand: {1,2} vs {3,4} has D = 1 and exact p = 2 / C(4,2) = 1/3', () => {
    const r = ks2Samp([1, 2], [3, 4]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(1 / 3, 15);
  });
  test('exact switches to asymptotic above scipy MAX_AUTO_N', () => {
    const big = Float64Array.from({ length: KS_MAX_AUTO_N + 1 }, (_, i) => i);
    expect(ks2Samp(big, [1, 2, 3]).method).toBe('asymp');
    expect(ks2Samp(big.subarray(0, KS_MAX_AUTO_N), [1, 2, 3]).method).toBe('exact');
  });
  test('the two exact kernels agree where both apply (n = m)', () => {
    for (const [n, h] of [
      [5, 2],
      [20, 7],
      [60, 13]
    ]) {
      expect(Math.abs(outerProbInsideMethod(n, n, n, h) - probOutsideSquare(n, h))).toBeLessThan(1e-13);
    }
  });
});
