// Two-sample Kolmogorov–Smirnov test, two-sided, as scipy 1.10 `scipy.stats.ks_2samp(a, b)` with
// the default method='auto':
// - D = max |F_a(x) − F_b(x)| over the pooled sample (ECDFs by searchsorted 'right', so ties count
//   fully at their value).
// - 'exact' when max(n_a, n_b) ≤ 10000: D is rounded to h / lcm(n_a, n_b) (the statistic reported
//   is that rounded value, as scipy does), and P(D ≥ h / lcm) is
//     n_a = n_b: Hodges' closed form (_compute_prob_outside_square),
//     otherwise: the lattice-path "inside method" computing 1 − p directly (Viehmann 2021,
//     scipy's _compute_outer_prob_inside_method).
//   If that fails (result outside [0, 1]) scipy falls back to 'asymp', and so does this.
// - 'asymp' otherwise: kstwo.sf(D, round(n_a n_b / (n_a + n_b))), the exact one-sample
//   distribution at the effective sample size (see kstwoSf in special.ts).
// NaN values are dropped first (scipy 1.10 has no nan_policy here and would give nonsense).
// Empty input (after dropping NaN) on either side: statistic and p-value are NaN, method null
// (scipy raises ValueError).

import { walkOf } from './ecdf-walk.js';
import { kstwoSf } from './special.js';
import { sortedFinite } from './sorted.js';

export interface KsResult {
  /** The KS statistic D (in exact mode, h / lcm(n_a, n_b) as scipy reports it). */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Which of scipy's computations gave the p-value. */
  method: 'exact' | 'asymp' | null;
}

/** Largest sample size for which method='auto' tries the exact distribution (scipy's MAX_AUTO_N). */
export const KS_MAX_AUTO_N = 10000;


function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy's round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** P(D_{n,n} ≥ h/n), Hodges' alternating sum in a Horner-like form (scipy _compute_prob_outside_square). */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * Proportion of lattice paths from (0,0) to (m,n) that do not stay strictly inside
 * |x/m − y/n| < h/lcm(m,n), i.e. P(D_{m,n} ≥ h/lcm) (scipy _compute_outer_prob_inside_method).
 */
export function outerProbInsideMethod(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < Math.min(maxj, lenA); j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      const end = Math.min(maxj - minj + (lastlen - curlen), lenA);
      for (let t = maxj - minj; t < end; t++) A[t] = 1;
    }
  }
  return A[maxj - minj - 1];
}

/** The two-sided two-sample KS test; see the top of this file for the exact semantics. */
export function ks2Samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const data1 = sortedFinite(a);
  const data2 = sortedFinite(b);
  const n1 = data1.length;
  const n2 = data2.length;
  if (n1 === 0 || n2 === 0) return { statistic: NaN, pValue: NaN, method: null };

  // max over the pooled values v of cdf1(v) − cdf2(v) and of cdf2(v) − cdf1(v), cdf = count(≤ v) / n.
  const { maxDiff: maxS, minDiff: minS } = walkOf(data1, data2);
  const minClipped = Math.min(Math.max(-minS, 0), 1);
  let d = minClipped > maxS ? minClipped : maxS;

  const g = gcd(n1, n2);
  let method: 'exact' | 'asymp' = Math.max(n1, n2) <= KS_MAX_AUTO_N ? 'exact' : 'asymp';
  let prob = NaN;
  if (method === 'exact') {
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) {
      prob = 1;
    } else {
      prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
      if (!(prob >= 0 && prob <= 1)) method = 'asymp';
    }
  }
  if (method === 'asymp') {
    const m = Math.max(n1, n2);
    const n = Math.min(n1, n2);
    const en = (m * n) / (m + n);
    prob = kstwoSf(roundHalfEven(en), d);
  }
  prob = Math.min(Math.max(prob, 0), 1);
  return { statistic: d, pValue: prob, method };
}
