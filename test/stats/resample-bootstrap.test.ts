import { expandRows, groupedBootstrap } from '../../src/stats/resample-bootstrap.js';
import { bootstrapPValue } from '../../src/stats/intervals.js';
import { resampleWeights, exampleKeys } from '../../src/stats/resample-weights.js';
import { percentileInterval } from '../../src/stats/intervals.js';

test('expandRows repeats each unit by its weight, groups kept whole', () => {
  expect(Array.from(expandRows(Uint8Array.from([2, 0, 1]), [Int32Array.from([0]), Int32Array.from([1, 2]), Int32Array.from([3, 4])]))).toEqual([0, 0, 3, 4]);
});

test('p-value: +1 corrected two-sided share on the other side of zero', () => {
  expect(bootstrapPValue([1, 2, 3])).toBe(0.5);
  expect(bootstrapPValue([-1, 1, 2, 3])).toBe(0.8);
});

test('groupedBootstrap equals a brute-force loop over the same weights', () => {
  const n = 25;
  const keys = exampleKeys(undefined, n);
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) + 1);
  const y = Float64Array.from({ length: n }, (_, i) => Math.cos(i) + 1);
  const mean = (v: Float64Array, w: Uint8Array) => {
    let s = 0;
    let c = 0;
    for (let i = 0; i < v.length; i++) {
      s += w[i] * v[i];
      c += w[i];
    }
    return s / c;
  };
  const r = groupedBootstrap({ units: n, keys, models: ['a', 'b'], candidate: 'a', metricsOn: (m, w) => ({ mean: mean(m === 'a' ? x : y, w) }), resamples: 60, confidence: 0.9, seed: 3 });
  const da: number[] = [];
  const aa: number[] = [];
  for (let b = 0; b < 60; b++) {
    const w = resampleWeights(keys, 3, b);
    aa.push(mean(x, w));
    da.push(mean(x, w) - mean(y, w));
  }
  expect(r.metrics.a.mean.ci).toEqual(percentileInterval([...aa].sort((p, q) => p - q), 0.9));
  expect(r.deltas.b.mean.ci).toEqual(percentileInterval([...da].sort((p, q) => p - q), 0.9));
  expect(r.deltas.b.mean.pValue).toBe(bootstrapPValue(da));
});
