// The radix sort and the merge of sorted runs, against Float64Array.prototype.sort (the engine's
// own sort, which orders -0 before +0 and is the reference here).

import { sortedHistogramCounts, sturgesEdgesOf } from '../../src/stats/psi.js';
import { sortNumbers, sortedFinite } from '../../src/data/sorted.js';
import { distinctSortedAtMost } from '../../src/stats/sorted.js';
import { rng } from '../support/rng.js';

const show = (a: ArrayLike<number>): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v));

describe('sortNumbers', () => {
  test('agrees with the built-in sort on awkward doubles, NaN dropped', () => {
    const rand = rng(5);
    const values = new Float64Array(5000);
    const special = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 2 ** 52 + 0.5, 1e-300];
    for (let i = 0; i < values.length; i++) {
      const r = rand();
      values[i] = r < 0.2 ? special[Math.floor(rand() * special.length)] : r < 0.6 ? Math.round((rand() - 0.5) * 2e4) / 1e4 : (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
    }
    const expected = values.filter((v) => !Number.isNaN(v)).sort();
    const got = sortNumbers(values);
    expect(got.length).toBe(expected.length);
    expect(show(got)).toEqual(show(expected));
  });

  test('a range of a few subnormals (n / span overflows) is still sorted', () => {
    const values = new Float64Array(1060);
    values.fill(5e-324, 1000);
    expect(show(sortNumbers(values))).toEqual(show(values.slice().sort()));
    values.fill(1e-320, 1000);
    expect(show(sortNumbers(values))).toEqual(show(values.slice().sort()));
  });

  test('short arrays and arrays whose keys share digits', () => {
    expect(show(sortNumbers([3, NaN, -0, 0, -2]))).toEqual([-2, '-0', 0, 3]);
    const same = new Float64Array(1000).fill(7);
    same[500] = 6;
    expect(show(sortNumbers(same))).toEqual(show(same.slice().sort()));
  });
});

describe('sortedFinite', () => {
  test('caches by the array: the second call returns the same sorted array', () => {
    const v = Float64Array.from([3, 1, 2]);
    expect(sortedFinite(v)).toBe(sortedFinite(v));
    expect(Array.from(sortedFinite(v))).toEqual([1, 2, 3]);
  });

  test('distinctSortedAtMost counts the union up to limit + 1, with -0 and 0 as one', () => {
    expect(distinctSortedAtMost(5, Float64Array.from([-0, 0, 1, 1]), Float64Array.from([0, 2]))).toBe(3);
    expect(distinctSortedAtMost(2, Float64Array.from([1, 2, 3, 4, 5]))).toBe(3);
  });
});

/** Brute force, one value at a time as numpy.histogram bins it: largest i with edges[i] ≤ v, last bin closed. */
function histogramCounts(values: readonly number[], edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!(v >= edges[0] && v <= edges[bins])) continue;
    let i = bins;
    while (edges[i] > v) i--;
    counts[i === bins ? bins - 1 : i]++;
  }
  return counts;
}

describe('sortedHistogramCounts', () => {
  test('equals numpy-style per-value binning (histogramCounts) for values on and between edges', () => {
    const rand = rng(13);
    const values = Array.from({ length: 4000 }, () => Math.round(rand() * 200) / 20 - 2);
    const edges = sturgesEdgesOf(Math.min(...values), Math.max(...values), values.length);
    edges.push(edges[edges.length - 1]); // a repeated last edge: an empty, closed last bin
    const inner = [...edges.slice(0, 3), edges[2], ...edges.slice(3)]; // a repeated inner edge
    for (const e of [sturgesEdgesOf(Math.min(...values), Math.max(...values), values.length), inner, [0, 1, 2, 3], edges]) {
      expect(sortedHistogramCounts(Float64Array.from(values).sort(), e)).toEqual(histogramCounts(values, e));
    }
  });
});
