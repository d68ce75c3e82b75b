// Special functions against scipy 1.10.1 (fixtures/reference/drift_reference.json, written by
// fixtures/reference/drift_reference.py).
// Tolerance: |actual − expected| ≤ 1e-9 · |expected| — relative, so tiny tail probabilities
// (down to ~1e-300) are held to 9 significant digits too — or ≤ 1e-300 absolute for results that
// underflow. null in the JSON means NaN.
import { readFileSync } from 'node:fs';
import {
  chi2Sf,
  erf,
  erfc,
  gammainc,
  gammaincc,
  kolmogorov,
  kstwoSf,
  log1pmx,
  logGamma,
  normalCdf,
  normalSf,
  smirnov
} from '../../src/stats/special.js';

type Num = number | null | 'Infinity' | '-Infinity';
interface Reference {
  provenance: Record<string, unknown>;
  gamma: { a: number; x: number; gammaincc: Num; gammainc: Num }[];
  chi2_sf: { x: number; df: number; sf: Num }[];
  normal: { z: number; sf: Num; cdf: Num; erfc: Num }[];
  kolmogorov: { x: number; sf: Num }[];
  smirnov: { n: number; x: number; sf: Num }[];
  kstwo: { n: number; x: number; sf: Num; branch: string }[];
}

const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/drift_reference.json', import.meta.url), 'utf8')
) as Reference;

function num(v: Num): number {
  if (v === null) return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

const REL = 1e-9;

function expectClose(actual: number, expectedRaw: Num, what: string): void {
  const expected = num(expectedRaw);
  if (Number.isNaN(expected)) {
    if (!Number.isNaN(actual)) throw new Error(`${what}: expected NaN, got ${actual}`);
    return;
  }
  if (actual === expected) return;
  const diff = Math.abs(actual - expected);
  if (!(diff <= REL * Math.abs(expected) || diff <= 1e-300)) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (relative error ${diff / Math.abs(expected)})`);
  }
}

test('reference was produced by the expected toolchain', () => {
  expect(reference.provenance.scipy).toBe('1.10.1');
  expect(reference.provenance.script).toBe('fixtures/reference/drift_reference.py');
});

describe('incomplete gamma matches scipy.special.gammaincc / gammainc', () => {
  test.each(reference.gamma.map((r) => [r.a, r.x, r] as const))('a=%p x=%p', (_a, _x, r) => {
    expectClose(gammaincc(r.a, r.x), r.gammaincc, `gammaincc(${r.a}, ${r.x})`);
    expectClose(gammainc(r.a, r.x), r.gammainc, `gammainc(${r.a}, ${r.x})`);
  });
});

test('chi2Sf matches scipy.stats.chi2.sf', () => {
  for (const r of reference.chi2_sf) expectClose(chi2Sf(r.x, r.df), r.sf, `chi2.sf(${r.x}, ${r.df})`);
});

test('normal tails and erfc match scipy (norm.sf, norm.cdf, special.erfc)', () => {
  for (const r of reference.normal) {
    expectClose(normalSf(r.z), r.sf, `norm.sf(${r.z})`);
    expectClose(normalCdf(r.z), r.cdf, `norm.cdf(${r.z})`);
    expectClose(erfc(r.z), r.erfc, `erfc(${r.z})`);
  }
});

test('kolmogorov matches scipy.special.kolmogorov', () => {
  for (const r of reference.kolmogorov) expectClose(kolmogorov(r.x), r.sf, `kolmogorov(${r.x})`);
});

test('smirnov matches scipy.special.smirnov', () => {
  for (const r of reference.smirnov) expectClose(smirnov(r.n, r.x), r.sf, `smirnov(${r.n}, ${r.x})`);
});

describe('kstwoSf matches scipy.stats.kstwo.sf on every branch', () => {
  test('the reference covers every branch of scipy _kolmogn', () => {
    const branches = new Set(reference.kstwo.map((r) => r.branch));
    for (const b of ['ruben-gambino-low', 'ruben-gambino-high', 'smirnov', 'durbin-mtw', 'pomeranz', 'pelz-good', 'zero']) {
      expect(branches).toContain(b);
    }
  });
  test.each(reference.kstwo.map((r) => [r.n, r.x, r.branch, r] as const))('n=%p x=%p (%s)', (_n, _x, _b, r) => {
    expectClose(kstwoSf(r.n, r.x), r.sf, `kstwo.sf(${r.x}, ${r.n})`);
  });
});

describe('hand-checked values and domain contract', () => {
  test('logGamma', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(171.5)).toBeCloseTo(709.1431630309283, 9); // scipy.special.gammaln
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(NaN)).toBeNaN();
  });
  test('log1pmx', () => {
    expect(log1pmx(1e-10)).toBeCloseTo(-5e-21, 30);
    expect(log1pmx(0.3)).toBeCloseTo(Math.log1p(0.3) - 0.3, 15);
    expect(log1pmx(-0.4)).toBeCloseTo(Math.log1p(-0.4) + 0.4, 15);
  });
  test('gamma: exponential and chi-square special cases', () => {
    // Q(1, x) = e^−x; chi2.sf(x, 2) = e^(−x/2).
    for (const x of [0.1, 1, 5, 30, 300]) {
      expect(Math.abs(gammaincc(1, x) / Math.exp(-x) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(chi2Sf(x, 2) / Math.exp(-x / 2) - 1)).toBeLessThan(1e-13);
    }
    // Q(1/2, x²) = erfc(x).
    for (const x of [0.2, 1, 3, 10]) expect(Math.abs(gammaincc(0.5, x * x) / erfc(x) - 1)).toBeLessThan(1e-12);
  });
  test('gamma domain', () => {
    expect(gammaincc(2, 0)).toBe(1);
    expect(gammainc(2, 0)).toBe(0);
    expect(gammaincc(2, Infinity)).toBe(0);
    expect(gammaincc(-1, 1)).toBeNaN();
    expect(gammaincc(1, -1)).toBeNaN();
    expect(gammaincc(0, 1)).toBe(0);
    expect(chi2Sf(3, 0)).toBeNaN();
    expect(chi2Sf(0, 3)).toBe(1);
  });
  test('erf/erfc symmetry and limits', () => {
    expect(erf(0)).toBe(0);
    expect(erfc(0)).toBe(1);
    expect(erf(-0.7)).toBe(-erf(0.7));
    expect(erfc(-2) + erfc(2)).toBeCloseTo(2, 15);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(30)).toBe(0); // underflows like scipy (x² > log(DBL_MAX))
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 15);
    expect(normalCdf(NaN)).toBeNaN();
  });
  test('Kolmogorov–Smirnov distributions at their ends', () => {
    expect(kolmogorov(0)).toBe(1);
    expect(kolmogorov(30)).toBe(0);
    expect(smirnov(5, 0)).toBe(1);
    expect(smirnov(5, 1)).toBe(0);
    expect(smirnov(1, 0.3)).toBeCloseTo(0.7, 15);
    expect(smirnov(0, 0.3)).toBeNaN();
    expect(kstwoSf(10, 0)).toBe(1);
    expect(kstwoSf(10, 0.04)).toBe(1); // x ≤ 1/(2n)
    expect(kstwoSf(10, 1)).toBe(0);
    expect(kstwoSf(2.5, 0.3)).toBeNaN();
    // n = 1: D_1 = max(U, 1 − U) so P(D ≥ x) = 2(1 − x) for x ≥ 1/2.
    expect(kstwoSf(1, 0.8)).toBeCloseTo(0.4, 15);
  });
});
