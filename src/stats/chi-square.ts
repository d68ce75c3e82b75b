// Pearson's chi-square test, and the two-sample "homogeneity" form Evidently uses for categorical
// drift (evidently/calculations/stattests/chisquare_stattest.py, `_chi_stat_test`):
//   keys     = every non-missing value seen in the reference or the current sample
//   f_obs[k] = count of k in current
//   f_exp[k] = count of k in reference × (n_current / n_reference)
//   p-value  = scipy.stats.chisquare(f_obs, f_exp)[1], with k − 1 degrees of freedom
// So the reference proportions are treated as the known distribution and the current counts are
// tested against them. A value seen in current but never in the reference has f_exp = 0, which
// makes the statistic +Infinity and the p-value 0, as in scipy/Evidently.
// Missing values (null, NaN) are dropped before counting (Evidently drops NaN first).

import { chi2Sf } from './special.js';

export interface ChiSquareResult {
  /** Σ (observed − expected)² / expected; +Infinity when a category has expected 0 but observed > 0. */
  statistic: number;
  pValue: number;
  /** Degrees of freedom: number of categories − 1. */
  df: number;
}

/** A value that can be counted as a category: strings, or numbers for low-cardinality numeric columns. */
export type CategoryValue = string | number;

/** Counts of each non-missing value (null and NaN are skipped), in order of first appearance. */
export function valueCounts(values: ArrayLike<CategoryValue | null>): Map<CategoryValue, number> {
  const counts = new Map<CategoryValue, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/**
 * How many distinct non-missing values the samples hold together, counting only up to limit + 1:
 * deciding "more than 5" or "more than 20" needs no full count of half a million numbers.
 */
export function distinctAtMost(limit: number, ...samples: ArrayLike<CategoryValue | null>[]): number {
  const seen = new Set<CategoryValue>();
  for (const values of samples) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
      seen.add(v);
      if (seen.size > limit) return seen.size;
    }
  }
  return seen.size;
}

/** Reference keys in first-appearance order, then keys seen only in current. */
export function unionKeys(reference: Map<CategoryValue, number>, current: Map<CategoryValue, number>): CategoryValue[] {
  const keys = [...reference.keys()];
  for (const key of current.keys()) if (!reference.has(key)) keys.push(key);
  return keys;
}

/**
 * scipy.stats.chisquare(observed, expected): statistic Σ (o − e)² / e and p = chi2.sf(stat, k − 1).
 * Unlike scipy it does not check that the two sums agree. Fewer than 2 categories: the p-value is
 * NaN (df ≤ 0), as in scipy. A term with o = e = 0 is 0/0 = NaN, as in scipy.
 */
export function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): ChiSquareResult {
  const k = observed.length;
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const diff = observed[i] - expected[i];
    statistic += (diff * diff) / expected[i];
  }
  const df = k - 1;
  return { statistic, pValue: df > 0 ? chi2Sf(statistic, df) : NaN, df };
}

export interface ChiSquareHomogeneityResult extends ChiSquareResult {
  categories: CategoryValue[];
  observed: number[];
  expected: number[];
}

/**
 * Evidently's chi-square drift test of `current` against `reference` (definition at the top of the
 * file). Either sample empty after dropping missing values: statistic and p-value NaN. A single
 * category shared by both samples: statistic 0, p-value 1 (scipy would give NaN for df = 0; one
 * and the same value on both sides is no evidence of change).
 */
export function chiSquareHomogeneity(
  reference: ArrayLike<CategoryValue | null>,
  current: ArrayLike<CategoryValue | null>
): ChiSquareHomogeneityResult {
  const ref = valueCounts(reference);
  const cur = valueCounts(current);
  const categories = unionKeys(ref, cur);
  let nRef = 0;
  let nCur = 0;
  for (const c of ref.values()) nRef += c;
  for (const c of cur.values()) nCur += c;
  if (nRef === 0 || nCur === 0) {
    return { statistic: NaN, pValue: NaN, df: categories.length - 1, categories, observed: [], expected: [] };
  }
  const kNorm = nCur / nRef;
  const expected = categories.map((key) => (ref.get(key) ?? 0) * kNorm);
  const observed = categories.map((key) => cur.get(key) ?? 0);
  if (categories.length === 1) return { statistic: 0, pValue: 1, df: 0, categories, observed, expected };
  return { ...chiSquare(observed, expected), categories, observed, expected };
}
