// The drift tests' sorting and ECDF walk, done ahead on worker threads (stats/presort.ts), must give
// exactly what the calling thread computes alone: the same sorted samples (the built-in sort is the
// reference), the same walk (a brute-force count at every pooled value is the reference), and so the
// same KS and Wasserstein results, bit for bit.

import { Worker } from 'node:worker_threads';
import { sortedFinite } from '../../src/data/sorted.js';
import { ecdfWalk, walkOf } from '../../src/stats/ecdf-walk.js';
import { ks2Samp } from '../../src/stats/ks.js';
import { presortPairs, presortWorkerSource } from '../../src/stats/presort.js';
import { wassersteinDistance } from '../../src/stats/wasserstein.js';
import { rng } from '../support/rng.js';

const show = (a: ArrayLike<number>): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v));
const builtin = (a: Float64Array): Float64Array => a.filter((v) => v === v).sort();

function sample(n: number, seed: number, shift: number, ties: boolean): Float64Array {
  const next = rng(seed);
  return Float64Array.from({ length: n }, () => {
    const u = next();
    if (u < 0.02) return NaN;
    if (u < 0.04) return next() < 0.5 ? -0 : 0;
    const g = next() + next() + next() - 1.5 + shift;
    return ties ? Math.round(g * 8) / 8 : g;
  });
}

/** The walk by brute force: at each distinct pooled value, the counts ≤ it by a full scan of each sample. */
function bruteWalk(a: Float64Array, b: Float64Array): { maxDiff: number; minDiff: number; area: number } {
  const pooled = [...new Set([...a, ...b].map((v) => (v === 0 ? 0 : v)))].sort((x, y) => x - y);
  let maxDiff = -Infinity;
  let minDiff = Infinity;
  let area = 0;
  for (let k = 0; k < pooled.length; k++) {
    const v = pooled[k];
    const diff = a.filter((x) => x <= v).length / a.length - b.filter((x) => x <= v).length / b.length;
    maxDiff = Math.max(maxDiff, diff);
    minDiff = Math.min(minDiff, diff);
    if (k + 1 < pooled.length) area += Math.abs(diff) * (pooled[k + 1] - v);
  }
  return { maxDiff, minDiff, area };
}

describe('ecdfWalk', () => {
  test('gives the brute-force extremes of F_a − F_b and the area between the ECDFs', () => {
    for (const [n, m, ties] of [[300, 200, false], [257, 400, true], [1, 5, false], [50, 50, true]] as const) {
      const a = sortedFinite(sample(n, n, 0, ties));
      const b = sortedFinite(sample(m, m + 1, 0.2, ties));
      const walk = ecdfWalk(a, b);
      const brute = bruteWalk(a, b);
      expect(walk.maxDiff).toBe(brute.maxDiff);
      expect(walk.minDiff).toBe(brute.minDiff);
      // The same terms summed in the same order: equal to the last bit.
      expect(walk.area).toBe(brute.area);
    }
  });

  test('is computed once per pair of sorted arrays', () => {
    const a = sortedFinite(sample(100, 1, 0, false));
    const b = sortedFinite(sample(100, 2, 0, false));
    expect(walkOf(a, b)).toBe(walkOf(a, b));
    expect(walkOf(b, a)).not.toBe(walkOf(a, b));
  });
});

describe('presortPairs', () => {
  test('on two worker threads: the sorted samples and the walk the calling thread would make, so the same KS and Wasserstein', async () => {
    const pairs = [0, 1, 2, 3, 4].map((k) => [sample(2000 + 37 * k, 10 + k, 0, k % 2 === 0), sample(1500 + 11 * k, 20 + k, 0.1 * k, k % 2 === 0)] as [Float64Array, Float64Array]);
    const copies = pairs.map(([a, b]) => [a.slice(), b.slice()] as const);
    await presortPairs(pairs, 2);
    for (let k = 0; k < pairs.length; k++) {
      const [a, b] = pairs[k];
      const [a0, b0] = copies[k];
      // Found in the cache, as the workers sorted them: the built-in sort's order, -0 before +0.
      expect(show(sortedFinite(a))).toEqual(show(builtin(a0)));
      expect(show(sortedFinite(b))).toEqual(show(builtin(b0)));
      // The copies are sorted and walked here, afresh.
      expect(ks2Samp(a, b)).toEqual(ks2Samp(a0, b0));
      expect(Object.is(wassersteinDistance(a, b), wassersteinDistance(a0, b0))).toBe(true);
      expect(walkOf(sortedFinite(a), sortedFinite(b))).toEqual(ecdfWalk(sortedFinite(a0), sortedFinite(b0)));
    }
    // The samples themselves are left as they were.
    expect(show(pairs[0][0])).toEqual(show(copies[0][0]));
  });

  test('a sample with no values, and a pair given twice', async () => {
    const empty = Float64Array.from([NaN, NaN]);
    const other = sample(3000, 5, 0, false);
    await presortPairs([[empty, other], [other, other]], 2);
    expect(sortedFinite(empty).length).toBe(0);
    expect(ks2Samp(empty, other).statistic).toBeNaN();
    expect(Number.isNaN(wassersteinDistance(empty, other))).toBe(true);
    expect(ks2Samp(other, other).statistic).toBe(0);
  });

  test('the worker code is self-contained and runs on its own', async () => {
    const source = presortWorkerSource();
    expect(source).toContain('const sortNumbers = function sortNumbers(');
    expect(source).toContain('const ecdfWalk = function ecdfWalk(');
    expect(source).not.toMatch(/\b(import|_\w+_js)\b/);
    const a = sample(500, 1, 0, true);
    const b = sample(400, 2, 0.3, true);
    const w = new Worker(source, { eval: true });
    try {
      const done = await new Promise<{ id: number; a: Float64Array; b: Float64Array; walk: unknown }>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.postMessage({ id: 7, a, b });
      });
      expect(done.id).toBe(7);
      expect(show(done.a)).toEqual(show(builtin(a)));
      expect(done.walk).toEqual(ecdfWalk(builtin(a), builtin(b)));
    } finally {
      await w.terminate();
    }
  });
});
