// Jensen–Shannon distance, as scipy.spatial.distance.jensenshannon(p, q, base):
//   p, q normalised to sum 1, m = (p + q) / 2,
//   JS = sqrt((KL(p‖m) + KL(q‖m)) / (2 ln base)), KL with 0·ln 0 = 0 (scipy.special.rel_entr).
// And Evidently's "jensenshannon" drift score (evidently/calculations/stattests/jensenshannon.py):
// the distance between the reference and current proportions binned exactly as for PSI
// (Sturges bins on the pooled sample for numeric features with > 20 distinct reference values,
// one bin per value otherwise; see psi.ts) but WITHOUT the zero filling, in base 2, so the score
// lies in [0, 1]; drift when ≥ 0.1.
// Missing values are dropped first. Either sample empty: NaN.

import type { CategoryValue } from './chi-square.js';
import { binnedProportions, type FeatureKind } from './psi.js';

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * scipy.spatial.distance.jensenshannon(p, q, base); base undefined means natural log. A rounding
 * residue below 0 under the square root gives 0 (scipy would give NaN). Empty or all-zero
 * vectors: NaN.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[], base?: number): number {
  let sp = 0;
  let sq = 0;
  for (const v of p) sp += v;
  for (const v of q) sq += v;
  if (!(sp > 0) || !(sq > 0) || p.length !== q.length) return NaN;
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sp;
    const qi = q[i] / sq;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  let js = left + right;
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(Math.max(js / 2, 0));
}

export interface JensenShannonResult {
  statistic: number;
}

/** Evidently's Jensen–Shannon drift score of `current` against `reference` (base 2). */
export function jensenShannon(
  reference: ArrayLike<CategoryValue | null>,
  current: ArrayLike<CategoryValue | null>,
  kind: FeatureKind
): JensenShannonResult {
  const bins = binnedProportions(reference, current, kind, false);
  if (bins.reference.length === 0) return { statistic: NaN };
  return { statistic: jensenShannonDistance(bins.reference, bins.current, 2) };
}
