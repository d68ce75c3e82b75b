// The Mann–Whitney U test of two independent samples, as scipy.stats.mannwhitneyu computes it, and the
// Hodges–Lehmann confidence interval for the shift between them (the interval that inverts the test).
//
// - U1 = #{(i, j): x_i > y_j} + ½ #{(i, j): x_i = y_j}: scipy's `statistic` for mannwhitneyu(x, y).
// - method: 'exact' when there are no ties and both samples have at most EXACT_MAX values (scipy's
//   method='exact': the null distribution of U by counting), else 'asymptotic' (scipy's
//   method='asymptotic' with use_continuity=True: normal approximation with the tie correction
//   σ² = m·n/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))) and a continuity correction of ½).
// - p-values: greater (x tends to be larger), less, and two-sided = min(1, 2 · the smaller one), as
//   scipy's alternative='greater' / 'less' / 'two-sided'.
// - shiftInterval: the differences x_i − y_j sorted, d_(1) ≤ … ≤ d_(mn); the interval [d_(k), d_(mn−k+1)]
//   with k the largest count such that P(U ≤ k − 1) ≤ α/2 under the exact null (Hollander & Wolfe,
//   Nonparametric Statistical Methods, §4.3; R's wilcox.test(conf.int = TRUE) with exact = TRUE). Its
//   coverage is at least 1 − α, and it excludes 0 exactly when the exact two-sided p-value is ≤ α.
//   The Hodges–Lehmann estimate is the median of the differences.
// Empty or non-finite input: NaN p-values and an interval of NaN.

import { normalSf } from './special.js';

/** Samples up to this size each get the exact null distribution (m·n ≤ 3600 cells per table row). */
export const EXACT_MAX = 60;

export interface MannWhitneyResult {
  /** U1 of the first sample (scipy's statistic). */
  u: number;
  /** P(U ≥ u): the first sample tends to be larger. */
  pGreater: number;
  /** P(U ≤ u): the first sample tends to be smaller. */
  pLess: number;
  pTwoSided: number;
  method: 'exact' | 'asymptotic';
}

const distributions = new Map<number, Float64Array>();

/** Probabilities P(U = u), u = 0..m·n, of the U statistic of m against n values with no ties (shared: do not modify). */
export function uDistribution(m: number, n: number): Float64Array {
  const key = m * (EXACT_MAX + 1) + n;
  let p = distributions.get(key);
  if (p === undefined) {
    p = computeUDistribution(m, n);
    distributions.set(key, p);
  }
  return p;
}

function computeUDistribution(m: number, n: number): Float64Array {
  // p(i, j, u) = i/(i+j) · p(i−1, j, u − j) + j/(i+j) · p(i, j−1, u): the largest of the i + j values
  // comes from the first sample (and beats all j of the second) or from the second.
  let prev: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const p = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) p[0] = 1;
      else {
        const a = prev[j];
        const b = row[j - 1];
        const wa = i / (i + j);
        const wb = j / (i + j);
        for (let u = 0; u < a.length; u++) p[u + j] += wa * a[u];
        for (let u = 0; u < b.length; u++) p[u] += wb * b[u];
      }
      row.push(p);
    }
    prev = row;
  }
  return prev[n];
}

function finiteValues(a: ArrayLike<number>): number[] {
  return Array.from(a).filter((v) => Number.isFinite(v));
}

/** scipy.stats.mannwhitneyu(x, y) for the three alternatives. */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyResult {
  const a = finiteValues(x);
  const b = finiteValues(y);
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return { u: NaN, pGreater: NaN, pLess: NaN, pTwoSided: NaN, method: 'asymptotic' };
  // Ranks of the pooled sample, ties given their mean rank.
  const pooled = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((p, q) => p.v - q.v);
  const N = m + n;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < N; ) {
    let j = i;
    while (j + 1 < N && pooled[j + 1].v === pooled[i].v) j++;
    const t = j - i + 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (pooled[k].first) rankSumX += rank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u1 = rankSumX - (m * (m + 1)) / 2;
  const u2 = m * n - u1;
  if (tieTerm === 0 && m <= EXACT_MAX && n <= EXACT_MAX) {
    const pmf = uDistribution(m, n);
    let atMost = 0;
    for (let u = 0; u <= u1; u++) atMost += pmf[u];
    let atLeast = 0;
    for (let u = u1; u < pmf.length; u++) atLeast += pmf[u];
    const pLess = Math.min(1, atMost);
    const pGreater = Math.min(1, atLeast);
    return { u: u1, pGreater, pLess, pTwoSided: Math.min(1, 2 * Math.min(pLess, pGreater)), method: 'exact' };
  }
  const mu = (m * n) / 2;
  const s = Math.sqrt(((m * n) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  const sf = (u: number) => (s > 0 ? normalSf((u - mu - 0.5) / s) : u > mu ? 0 : 1);
  const pGreater = Math.min(1, sf(u1));
  const pLess = Math.min(1, sf(u2));
  return { u: u1, pGreater, pLess, pTwoSided: Math.min(1, 2 * sf(Math.max(u1, u2))), method: 'asymptotic' };
}

export interface ShiftInterval {
  /** Hodges–Lehmann estimate of x − y: the median of the pairwise differences. */
  estimate: number;
  /** [d_(k), d_(mn−k+1)]; ±Infinity when the samples are too small to reach the confidence. */
  ci: [number, number];
  /** The confidence actually reached (≥ the one asked for), from the exact null distribution. */
  coverage: number;
}

/** The Hodges–Lehmann interval for the shift x − y at the given confidence (rules at the top). */
export function shiftInterval(x: ArrayLike<number>, y: ArrayLike<number>, confidence: number): ShiftInterval {
  const a = finiteValues(x);
  const b = finiteValues(y);
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0 || m > EXACT_MAX || n > EXACT_MAX) return { estimate: NaN, ci: [NaN, NaN], coverage: NaN };
  const d = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) d[i * n + j] = a[i] - b[j];
  d.sort();
  const N = d.length;
  const estimate = N % 2 === 1 ? d[(N - 1) / 2] : (d[N / 2 - 1] + d[N / 2]) / 2;
  const pmf = uDistribution(m, n);
  const half = (1 - confidence) / 2;
  // k: the largest count with P(U ≤ k − 1) ≤ α/2.
  let k = 0;
  let cdf = 0;
  while (k < N && cdf + pmf[k] <= half * (1 + 1e-12)) cdf += pmf[k++];
  if (k === 0) return { estimate, ci: [-Infinity, Infinity], coverage: 1 };
  return { estimate, ci: [d[k - 1], d[N - k]], coverage: 1 - 2 * cdf };
}
