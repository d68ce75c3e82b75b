// The hash-derived Poisson(1) resampling weights: distribution (mean, variance, chi-square of the
// frequencies against the exact pmf), independence, row-order invariance, determinism, the
// inverse-CDF table at its boundaries, and the example-key hash against Python's.
import { readFileSync } from 'node:fs';
import {
  POISSON_THRESHOLDS,
  createWeightKernels,
  exampleKeys,
  murmur3Utf8,
  poissonFromUniform32,
  resampleWeights,
} from '../../src/stats/resample-weights.js';
import { rng } from '../support/rng.js';

interface Reference {
  poisson: { thresholds: number[]; pmf: number[] };
  murmur3: { s: string; hash: number }[];
}
const reference = JSON.parse(readFileSync(new URL('../../fixtures/reference/stats_reference.json', import.meta.url), 'utf8')) as Reference;

const K = createWeightKernels();

function weightsMatrix(keys: Uint32Array, seed: number, B: number): Uint8Array[] {
  return Array.from({ length: B }, (_, b) => resampleWeights(keys, seed, b));
}

test('the thresholds are round(2^32 · P(Poisson(1) <= k)) from exact arithmetic', () => {
  expect([...POISSON_THRESHOLDS]).toEqual(reference.poisson.thresholds);
});

test('inverse CDF at the boundaries', () => {
  expect(poissonFromUniform32(0)).toBe(0);
  POISSON_THRESHOLDS.forEach((t, k) => {
    expect(poissonFromUniform32(t - 1)).toBe(k);
    expect(poissonFromUniform32(t)).toBe(k + 1);
  });
  expect(poissonFromUniform32(0xffffffff)).toBe(12);
});

// fmix32 is a bijection; its inverse lets the test choose the uniform value the table sees.
function inverseMultiply(c: number): number {
  let x = c;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(c, x));
  return x;
}
function fmix32Inverse(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, inverseMultiply(0xc2b2ae35));
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, inverseMultiply(0x85ebca6b));
  h ^= h >>> 16;
  return h >>> 0;
}

test('the table-driven fill equals the direct inverse CDF, including the bins that straddle a threshold', () => {
  const targets: number[] = [0, 1, 0xffffffff, 0x80000000];
  for (const t of POISSON_THRESHOLDS) targets.push(t - 1, t, Math.min(t + 1, 0xffffffff));
  for (let i = 0; i < 4096; i++) targets.push(((i << 20) + 12345) >>> 0, ((i << 20) + 0xfffff) >>> 0);
  for (const t of targets) expect(K.fmix32(fmix32Inverse(t))).toBe(t);
  const salt = 0x12345678;
  const rk = Int32Array.from(targets, (t) => (fmix32Inverse(t) - salt) | 0);
  const out = new Uint8Array(targets.length);
  K.fillWeights(rk, salt, out);
  targets.forEach((t, i) => expect(out[i]).toBe(poissonFromUniform32(t)));
});

describe('distribution over 20,000 keys × 50 resamples', () => {
  const n = 20000;
  const B = 50;
  const keys = exampleKeys(undefined, n);
  const W = weightsMatrix(keys, 12345, B);
  const N = n * B;

  test('mean ≈ 1 and variance ≈ 1', () => {
    let sum = 0;
    let sq = 0;
    for (const w of W) for (const x of w) {
      sum += x;
      sq += x * x;
    }
    const mean = sum / N;
    const variance = sq / N - mean * mean;
    // Standard errors: 0.001 for the mean, sqrt(3 / N) = 0.0017 for the variance.
    expect(Math.abs(mean - 1)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
  });

  test('frequencies of 0, 1, 2, 3, 4, >= 5 match Poisson(1): chi-square below the 0.1 % critical value', () => {
    const counts = new Array(6).fill(0);
    for (const w of W) for (const x of w) counts[Math.min(x, 5)]++;
    const pmf = reference.poisson.pmf;
    const probs = [pmf[0], pmf[1], pmf[2], pmf[3], pmf[4], 1 - pmf[0] - pmf[1] - pmf[2] - pmf[3] - pmf[4]];
    let chi2 = 0;
    probs.forEach((p, k) => {
      const e = N * p;
      chi2 += (counts[k] - e) ** 2 / e;
    });
    // chi-square, 5 degrees of freedom: P(X > 20.52) = 0.001.
    expect(chi2).toBeLessThan(20.52);
  });

  test('no correlation between neighbouring rows, nor between consecutive resamples of a row', () => {
    const corr = (pairs: [number, number][]): number => {
      let sx = 0;
      let sy = 0;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (const [x, y] of pairs) {
        sx += x;
        sy += y;
        sxy += x * y;
        sxx += x * x;
        syy += y * y;
      }
      const m = pairs.length;
      return (sxy / m - (sx / m) * (sy / m)) / Math.sqrt((sxx / m - (sx / m) ** 2) * (syy / m - (sy / m) ** 2));
    };
    const rows: [number, number][] = [];
    const resamples: [number, number][] = [];
    for (let b = 0; b < B - 1; b++) {
      for (let i = 0; i + 1 < n; i++) {
        rows.push([W[b][i], W[b][i + 1]]);
        resamples.push([W[b][i], W[b + 1][i]]);
      }
    }
    // Standard error about 0.001 each.
    expect(Math.abs(corr(rows))).toBeLessThan(0.006);
    expect(Math.abs(corr(resamples))).toBeLessThan(0.006);
  });
});

test('permuting rows permutes the weights identically', () => {
  const n = 5000;
  const keys = exampleKeys(Array.from({ length: n }, (_, i) => `example-${i}`), n);
  const next = rng(7);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const permuted = Uint32Array.from(perm, (i) => keys[i]);
  for (const b of [0, 1, 17, 999]) {
    const w = resampleWeights(keys, 99, b);
    const wp = resampleWeights(permuted, 99, b);
    for (let i = 0; i < n; i++) expect(wp[i]).toBe(w[perm[i]]);
  }
});

test('deterministic per (seed, key, b); the seed and b change the weights', () => {
  const keys = exampleKeys(undefined, 1000);
  expect(resampleWeights(keys, 5, 3)).toEqual(resampleWeights(keys, 5, 3));
  expect(resampleWeights(keys, 5, 3)).not.toEqual(resampleWeights(keys, 6, 3));
  expect(resampleWeights(keys, 5, 3)).not.toEqual(resampleWeights(keys, 5, 4));
  // Seeds above 2^32 use both halves.
  expect(resampleWeights(keys, 2 ** 32 + 5, 3)).not.toEqual(resampleWeights(keys, 5, 3));
  expect(() => resampleWeights(keys, -1, 0)).toThrow(RangeError);
  expect(() => resampleWeights(keys, 1.5, 0)).toThrow(RangeError);
});

test('example keys: MurmurHash3_x86_32 of the UTF-8 id, as Python computes it', () => {
  for (const { s, hash } of reference.murmur3) expect(murmur3Utf8(s)).toBe(hash);
  const keys = exampleKeys(['a', null, 'a', 'café'], 4);
  expect(keys[0]).toBe(keys[2]);
  expect(keys[0]).toBe(murmur3Utf8('a'));
  expect(keys[1]).toBe(K.fmix32(1));
  // Without ids, the row-index hash is a bijection: no two rows share a key.
  expect(new Set(exampleKeys(undefined, 100000)).size).toBe(100000);
  expect(() => exampleKeys(['a'], 2)).toThrow(RangeError);
});

test('rows sharing an id share every weight', () => {
  const keys = exampleKeys(['x', 'y', 'x', 'z', 'x'], 5);
  for (let b = 0; b < 20; b++) {
    const w = resampleWeights(keys, 1, b);
    expect(w[2]).toBe(w[0]);
    expect(w[4]).toBe(w[0]);
  }
});

test('rowKeysAt gives rowKeys read through an order (row index << shift), as int32', () => {
  const next = rng(77);
  const keys = Uint32Array.from({ length: 5000 }, () => Math.floor(next() * 2 ** 32));
  const { a } = K.seedWords(20261202);
  const plain = K.rowKeys(keys, a, new Uint32Array(keys.length));
  // A permutation, each row index shifted left by 2 with two flag bits below, as the sorted order keeps them.
  const order = Int32Array.from({ length: keys.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const rows = Int32Array.from(order, (r) => (r << 2) | Math.floor(next() * 4));
  const at = K.rowKeysAt(keys, a, rows, 2, new Int32Array(keys.length));
  expect(Array.from(at)).toEqual(Array.from(order, (r) => plain[r] | 0));
});
