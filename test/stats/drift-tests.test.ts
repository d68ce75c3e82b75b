// Chi-square, Z-test, Wasserstein, Jensen–Shannon, PSI and the p-value corrections against scipy
// 1.10.1 / statsmodels (fixtures/reference/drift_reference.json, drift_reference.py), where the
// Evidently-defined scores are recomputed in Python from Evidently's own code paths.
// Tolerance: relative 1e-9 (1e-300 absolute for underflow); "Infinity" and null (NaN) exactly.
import { readFileSync } from 'node:fs';
import { chiSquare, chiSquareHomogeneity, valueCounts } from '../../src/stats/chi-square.js';
import { adjustPValues, benjaminiHochberg, bonferroni } from '../../src/stats/corrections.js';
import { jensenShannon, jensenShannonDistance } from '../../src/stats/jensen-shannon.js';
import { sortKeys, twoProportionZTest, zTestCategories } from '../../src/stats/proportions.js';
import {
  binnedProportions,
  fillZeroes,
  sortedHistogramCounts,
  psi,
  psiBand,
  psiFromProportions,
  sturgesEdgesOf
} from '../../src/stats/psi.js';
import { populationStd, wassersteinDistance, wassersteinNormed } from '../../src/stats/wasserstein.js';

type Num = number | null | 'Infinity' | '-Infinity';
type Counts = [string, number][];
interface Reference {
  chisquare: { observed: number[]; expected: number[]; statistic: Num; pvalue: Num }[];
  chi_homogeneity: { name: string; reference: Counts; current: Counts; statistic: Num; pvalue: Num }[];
  z_test: { name: string; reference: Counts; current: Counts; statistic: Num; pvalue: Num }[];
  wasserstein: { name: string; u: number[]; v: number[]; distance: Num; normed: Num; std_reference: Num }[];
  jensenshannon: { p: number[]; q: number[]; natural: Num; base2: Num }[];
  binned: {
    name: string;
    kind: 'numerical' | 'categorical';
    reference: { values: number[] } | { counts: Counts };
    current: { values: number[] } | { counts: Counts };
    psi: Num;
    jensenshannon: Num;
    bins: number;
  }[];
  corrections: { p: number[]; bh: Num[]; bonferroni: Num[] }[];
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

function expectClose(actual: number, expectedRaw: Num, what: string): void {
  const expected = num(expectedRaw);
  if (Number.isNaN(expected)) {
    if (!Number.isNaN(actual)) throw new Error(`${what}: expected NaN, got ${actual}`);
    return;
  }
  if (actual === expected) return;
  const diff = Math.abs(actual - expected);
  if (!(diff <= 1e-9 * Math.abs(expected) || diff <= 1e-300)) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (relative error ${diff / Math.abs(expected)})`);
  }
}

function expandCounts(counts: Counts): string[] {
  return counts.flatMap(([k, c]) => Array<string>(c).fill(k));
}

function sample(s: { values: number[] } | { counts: Counts }): Float64Array | string[] {
  return 'values' in s ? Float64Array.from(s.values) : expandCounts(s.counts);
}

describe('chi-square', () => {
  test.each(reference.chisquare.map((c) => [JSON.stringify(c.observed), c] as const))(
    'chiSquare matches scipy.stats.chisquare %s',
    (_n, c) => {
      const r = chiSquare(c.observed, c.expected);
      expectClose(r.statistic, c.statistic, 'statistic');
      expectClose(r.pValue, c.pvalue, 'p-value');
      expect(r.df).toBe(c.observed.length - 1);
    }
  );
  test.each(reference.chi_homogeneity.map((c) => [c.name, c] as const))(
    "chiSquareHomogeneity matches Evidently's _chi_stat_test: %s",
    (_n, c) => {
      const r = chiSquareHomogeneity(expandCounts(c.reference), expandCounts(c.current));
      expectClose(r.statistic, c.statistic, 'statistic');
      expectClose(r.pValue, c.pvalue, 'p-value');
    }
  );
  test('expected counts are reference proportions × current size; missing values dropped', () => {
    const r = chiSquareHomogeneity(['a', 'a', 'a', 'b', null], ['a', 'b', 'b', 'b', 'b', 'b', null]);
    expect(r.categories).toEqual(['a', 'b']);
    expect(r.observed).toEqual([1, 5]);
    expect(r.expected).toEqual([4.5, 1.5]);
    expect(r.statistic).toBeCloseTo((3.5 * 3.5) / 4.5 + (3.5 * 3.5) / 1.5, 12);
  });
  test('empty side gives NaN; one shared category gives p = 1', () => {
    expect(chiSquareHomogeneity([], ['a']).pValue).toBeNaN();
    expect(chiSquareHomogeneity(['a', null], [null]).statistic).toBeNaN();
    expect(chiSquareHomogeneity(['a', 'a'], ['a'])).toMatchObject({ statistic: 0, pValue: 1, df: 0 });
    expect(chiSquare([5], [5]).pValue).toBeNaN();
  });
  test('valueCounts skips null and NaN, keeps first-appearance order', () => {
    expect([...valueCounts(['b', null, 'a', 'b'])]).toEqual([
      ['b', 2],
      ['a', 1]
    ]);
    expect([...valueCounts(Float64Array.from([2, NaN, 1, 2]))]).toEqual([
      [2, 2],
      [1, 1]
    ]);
  });
});

describe('z-test for two proportions', () => {
  test.each(reference.z_test.map((c) => [c.name, c] as const))("zTestCategories matches Evidently's z-test: %s", (_n, c) => {
    const r = zTestCategories(expandCounts(c.reference), expandCounts(c.current));
    expectClose(r.statistic, c.statistic, 'statistic');
    expectClose(r.pValue, c.pvalue, 'p-value');
  });
  test('by hand: 50/100 vs 70/100', () => {
    // P = 0.6, se = sqrt(0.24 · 0.02), z = −0.2 / se.
    const r = twoProportionZTest(50, 100, 70, 100);
    expect(r.statistic).toBeCloseTo(-0.2 / Math.sqrt(0.24 * 0.02), 12);
    expect(r.pValue).toBeCloseTo(0.003892417122778637, 12);
  });
  test('empty sample gives NaN; all one outcome gives z = 0, p = 1', () => {
    expect(twoProportionZTest(0, 0, 1, 2).pValue).toBeNaN();
    expect(twoProportionZTest(0, 5, 0, 7)).toEqual({ statistic: 0, pValue: 1 });
    expect(zTestCategories([], ['a']).pValue).toBeNaN();
  });
  test('the base category is the first in Python sort order', () => {
    expect(zTestCategories(['yes', 'no'], ['no']).baseCategory).toBe('no');
    expect(zTestCategories(Float64Array.from([10, 9]), Float64Array.from([9])).baseCategory).toBe(9);
    expect(sortKeys(['b', 'B', 'a', '\u{1F600}', '\uFFFF'])).toEqual(['B', 'a', 'b', '\uFFFF', '\u{1F600}']);
  });
});

describe('Wasserstein', () => {
  test.each(reference.wasserstein.map((c) => [c.name, c] as const))('matches scipy.stats.wasserstein_distance: %s', (_n, c) => {
    expectClose(wassersteinDistance(c.u, c.v), c.distance, 'distance');
    const r = wassersteinNormed(c.u, c.v);
    expectClose(r.statistic, c.normed, 'normed');
    expectClose(populationStd(c.u), c.std_reference, 'std');
  });
  test('by hand and contract', () => {
    expect(wassersteinDistance([0], [1])).toBe(1);
    expect(wassersteinDistance([0, 1, 3], [0, 1, 3])).toBe(0);
    expect(wassersteinDistance([1, NaN], [2])).toBe(1);
    expect(wassersteinDistance([], [1])).toBeNaN();
    expect(wassersteinNormed([5, 5], [5.01]).norm).toBe(0.001);
    expect(wassersteinNormed([], [1]).statistic).toBeNaN();
  });
});

describe('Jensen–Shannon', () => {
  test.each(reference.jensenshannon.map((c) => [JSON.stringify([c.p, c.q]), c] as const))(
    'matches scipy.spatial.distance.jensenshannon %s',
    (_n, c) => {
      expectClose(jensenShannonDistance(c.p, c.q), c.natural, 'natural log');
      expectClose(jensenShannonDistance(c.p, c.q, 2), c.base2, 'base 2');
    }
  );
  test('disjoint distributions are at distance 1 in base 2; empty input NaN', () => {
    expect(jensenShannonDistance([1, 0], [0, 1], 2)).toBeCloseTo(1, 15);
    expect(jensenShannonDistance([], [])).toBeNaN();
    expect(jensenShannon([], ['a'], 'categorical').statistic).toBeNaN();
  });
});

describe("PSI and Evidently's binning", () => {
  test.each(reference.binned.map((c) => [c.name, c] as const))('psi and jensenShannon match Evidently: %s', (_n, c) => {
    const ref = sample(c.reference);
    const cur = sample(c.current);
    const p = psi(ref, cur, c.kind);
    expect(p.bins.reference.length).toBe(c.bins);
    expectClose(p.statistic, c.psi, 'psi');
    expect(p.band).toBe(psiBand(num(c.psi)));
    expectClose(jensenShannon(ref, cur, c.kind).statistic, c.jensenshannon, 'jensen-shannon');
  });
  test('Sturges edges span the pooled range; the last bin is closed', () => {
    const edges = sturgesEdgesOf(0, 7, 8); // n = 8: log2(8) + 1 = 4 bins
    expect(edges).toEqual([0, 1.75, 3.5, 5.25, 7]);
    // 0 → [0, 1.75), 1.75 → [1.75, 3.5), 3.5 → [3.5, 5.25), 7 → [5.25, 7]; 10 and −1 fall outside.
    expect(sortedHistogramCounts(Float64Array.from([0, 1.75, 7, 3.5, 10, -1]).sort(), edges)).toEqual([1, 1, 1, 1]);
  });
  test('zero filling follows Evidently', () => {
    expect(fillZeroes([0.5, 0, 0.5])).toEqual([0.5, 0.0001, 0.5]);
    expect(fillZeroes([0.99995, 0.00005, 0])).toEqual([0.99995, 0.00005, 0.00005 / 1e6]);
    expect(binnedProportions(['a'], ['b'], 'categorical', true)).toMatchObject({
      reference: [1, 0.0001],
      current: [0.0001, 1],
      categories: ['a', 'b']
    });
  });
  test('bands, identical samples and the empty contract', () => {
    expect([psiBand(0.0999), psiBand(0.1), psiBand(0.2499), psiBand(0.25)]).toEqual(['none', 'moderate', 'moderate', 'major']);
    expect(psi(['a', 'b'], ['b', 'a'], 'categorical').statistic).toBe(0);
    expect(psiFromProportions([], [])).toBe(0);
    const empty = psi([], ['a'], 'categorical');
    expect(empty.statistic).toBeNaN();
    expect(empty.band).toBe('none');
  });
});

describe('multiple-testing corrections', () => {
  test.each(reference.corrections.map((c) => [JSON.stringify(c.p).slice(0, 40), c] as const))(
    'match statsmodels multipletests %s',
    (_n, c) => {
      const bh = benjaminiHochberg(c.p);
      const bf = bonferroni(c.p);
      c.bh.forEach((e, i) => expectClose(bh[i], e, `bh[${i}]`));
      c.bonferroni.forEach((e, i) => expectClose(bf[i], e, `bonferroni[${i}]`));
      expect(adjustPValues(c.p, 'bh')).toEqual(bh);
      expect(adjustPValues(c.p, 'none')).toEqual(c.p);
    }
  );
  test('NaN entries stay NaN and are left out of the family; empty input', () => {
    const bh = benjaminiHochberg([0.01, NaN, 0.04]);
    expect(bh[1]).toBeNaN();
    expect(bh[0]).toBeCloseTo(0.02, 15);
    expect(bh[2]).toBeCloseTo(0.04, 15);
    expect(bonferroni([0.01, NaN, 0.6])).toEqual([0.02, NaN, 1]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});
