// Z-test for two independent proportions, pooled, two-sided — Evidently's test for binary
// categorical features (evidently/calculations/stattests/z_stattest.py):
//   p1 = x1 / n1, p2 = x2 / n2, P = (x1 + x2) / (n1 + n2)
//   z  = (p1 − p2) / sqrt(P (1 − P) (1/n1 + 1/n2))
//   p  = 2 · P(Z ≥ |z|)
// Evidently writes the p-value as 2·(1 − Φ(|z|)); that is the same number, except that 1 − Φ
// rounds to 0 below ~1e-16 while the upper tail computed directly (erfc) keeps its digits.
// For samples of category values, Evidently sorts the distinct non-missing values of both samples
// and counts "not the first value" as the success; with more than two categories that means
// "first value against all the others", which is kept here.

import { type CategoryValue, valueCounts } from './chi-square.js';
import { normalSf } from './special.js';

export interface ZTestResult {
  /** z; positive when the reference proportion of successes is higher than the current one. */
  statistic: number;
  pValue: number;
}

/**
 * Pooled two-proportion z-test: x1 successes out of n1 (reference) against x2 out of n2 (current).
 * n1 or n2 = 0: statistic and p-value NaN. Pooled proportion 0 or 1 (both samples all one
 * outcome): statistic 0, p-value 1 (Evidently's special case for one shared value).
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTestResult {
  if (!(n1 > 0) || !(n2 > 0)) return { statistic: NaN, pValue: NaN };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, pValue: 2 * normalSf(Math.abs(z)) };
}

/** Python's ordering of a homogeneous list of keys: numbers ascending, strings by code point. */
export function sortKeys(keys: CategoryValue[]): CategoryValue[] {
  return [...keys].sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const sa = String(a);
    const sb = String(b);
    // Compare by code point (Python str order), not UTF-16 code unit.
    const ca = Array.from(sa);
    const cb = Array.from(sb);
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
      const d = (ca[i].codePointAt(0) ?? 0) - (cb[i].codePointAt(0) ?? 0);
      if (d !== 0) return d;
    }
    return ca.length - cb.length;
  });
}

export interface ZTestCategoriesResult extends ZTestResult {
  /** The value counted as "failure" (0); every other value is a success (1). */
  baseCategory: CategoryValue | null;
}

/**
 * Evidently's z-test on two samples of category values (missing values dropped). Either sample
 * empty: NaN. One shared value only: statistic 0, p-value 1.
 */
export function zTestCategories(
  reference: ArrayLike<CategoryValue | null>,
  current: ArrayLike<CategoryValue | null>
): ZTestCategoriesResult {
  const ref = valueCounts(reference);
  const cur = valueCounts(current);
  let n1 = 0;
  let n2 = 0;
  for (const c of ref.values()) n1 += c;
  for (const c of cur.values()) n2 += c;
  const keys = new Set<CategoryValue>([...ref.keys(), ...cur.keys()]);
  const base = keys.size === 0 ? null : sortKeys([...keys])[0];
  if (n1 === 0 || n2 === 0) return { statistic: NaN, pValue: NaN, baseCategory: base };
  const x1 = n1 - (base === null ? 0 : ref.get(base) ?? 0);
  const x2 = n2 - (base === null ? 0 : cur.get(base) ?? 0);
  return { ...twoProportionZTest(x1, n1, x2, n2), baseCategory: base };
}
