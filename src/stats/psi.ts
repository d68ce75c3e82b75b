// Population Stability Index, as Evidently computes it (evidently/calculations/stattests/psi.py
// and utils.get_binned_data):
//   PSI = Σ_i (r_i − c_i) · ln(r_i / c_i)
// over bins i, r_i and c_i the reference and current proportions in bin i.
//
// Bins (Evidently's get_binned_data):
// - numerical feature with more than 20 distinct non-missing reference values: equal-width bins
//   from numpy.histogram_bin_edges(reference ⧺ current, bins="sturges"), i.e. over the range
//   [min, max] of BOTH samples pooled, number of bins = ceil(range / (range / (log2(n) + 1)))
//   with n the pooled size, edges = numpy.linspace(min, max, bins + 1); each bin is [left, right)
//   except the last, [left, right] (numpy.histogram with explicit edges);
// - otherwise (categorical, or ≤ 20 distinct numeric values): one bin per value seen in either
//   sample.
// Proportions divide by the sample's own non-missing count.
// Empty bins: each side separately, a proportion of 0 is replaced by
//   min(non-zero proportions) / 1e6  if that minimum ≤ 1e-4, else 1e-4
// (Evidently's `feel_zeroes`), so ln never sees 0.
// Bands (the usual credit-scoring reading): PSI < 0.1 none, 0.1 ≤ PSI < 0.25 moderate,
// ≥ 0.25 major. Evidently's "psi" stattest reports drift at PSI ≥ 0.1.
// Missing values (null, NaN) are dropped first. Either sample empty: NaN.

import { type CategoryValue, unionKeys, valueCounts } from './chi-square.js';
import { distinctSortedAtMost, sortedFinite } from './sorted.js';

export type FeatureKind = 'numerical' | 'categorical';
export type PsiBand = 'none' | 'moderate' | 'major';

/** Evidently's cut-off between binning a numeric feature and treating its values as categories. */
export const MAX_VALUES_AS_CATEGORIES = 20;

export interface BinnedProportions {
  reference: number[];
  current: number[];
  /** Histogram edges when the feature was binned; absent when each value is its own bin. */
  edges?: number[];
  /** The values, one per bin, when each value is its own bin. */
  categories?: CategoryValue[];
}

function present(values: ArrayLike<CategoryValue | null>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && !(typeof v === 'number' && Number.isNaN(v))) n++;
  }
  return n;
}

/** numpy.histogram_bin_edges(pooled, bins='sturges') for a pooled sample of n values whose smallest is lo and largest hi. */
export function sturgesEdgesOf(lo: number, hi: number, n: number): number[] {
  const ptp = hi - lo;
  let first = lo;
  let last = hi;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = ptp / (Math.log2(n) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  // numpy.linspace(first, last, bins + 1): i·step + first, last edge exactly `last`.
  const step = (last - first) / bins;
  const edges = new Array<number>(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** How many values of an ascending array are below x (strictly, or at most x with `orEqual`). */
function countBelow(sorted: Float64Array, x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x || (orEqual && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * numpy.histogram(values, edges)[0] for values in ascending order: [left, right) bins, the last one
 * closed, values outside ignored; two binary searches per bin instead of one per value.
 */
export function sortedHistogramCounts(sorted: Float64Array, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < bins; i++) {
    const upper = i === bins - 1 ? countBelow(sorted, edges[bins], true) : countBelow(sorted, edges[i + 1], false);
    counts[i] = Math.max(0, upper - countBelow(sorted, edges[i], false));
  }
  return counts;
}

/** Evidently's feel_zeroes: replace zeros by min(non-zero)/1e6 when that min ≤ 1e-4, else by 1e-4. */
export function fillZeroes(proportions: number[]): number[] {
  let min = Infinity;
  for (const p of proportions) if (p !== 0 && p < min) min = p;
  if (min === Infinity) return proportions.slice();
  const fill = min <= 0.0001 ? min / 10 ** 6 : 0.0001;
  return proportions.map((p) => (p === 0 ? fill : p));
}

/**
 * Evidently's get_binned_data: reference and current proportions per bin (binning rules at the
 * top of the file). `kind` is the feature's kind; numeric values of a categorical feature are
 * treated as categories. Either sample empty: both arrays empty.
 */
export function binnedProportions(
  reference: ArrayLike<CategoryValue | null>,
  current: ArrayLike<CategoryValue | null>,
  kind: FeatureKind,
  fillZeroProportions: boolean
): BinnedProportions {
  let result: BinnedProportions;
  const nRef = present(reference);
  const nCur = present(current);
  if (nRef === 0 || nCur === 0) return { reference: [], current: [] };
  // Numbers are binned from their sorted order (shared with KS and Wasserstein): no pass per value.
  const ref = kind === 'numerical' ? sortedFinite(reference as ArrayLike<number>) : undefined;
  if (ref !== undefined && distinctSortedAtMost(MAX_VALUES_AS_CATEGORIES, ref) > MAX_VALUES_AS_CATEGORIES) {
    const cur = sortedFinite(current as ArrayLike<number>);
    const edges = sturgesEdgesOf(Math.min(ref[0], cur[0]), Math.max(ref[ref.length - 1], cur[cur.length - 1]), ref.length + cur.length);
    result = {
      reference: sortedHistogramCounts(ref, edges).map((c) => c / ref.length),
      current: sortedHistogramCounts(cur, edges).map((c) => c / cur.length),
      edges
    };
  } else {

    const refCounts = valueCounts(reference);
    const curCounts = valueCounts(current);
    const categories = unionKeys(refCounts, curCounts);
    result = {
      reference: categories.map((k) => (refCounts.get(k) ?? 0) / nRef),
      current: categories.map((k) => (curCounts.get(k) ?? 0) / nCur),
      categories
    };
  }
  if (fillZeroProportions) {
    result.reference = fillZeroes(result.reference);
    result.current = fillZeroes(result.current);
  }
  return result;
}

/** Σ (r − c) ln(r / c) over proportions already free of zeros; 0 for empty arrays. */
export function psiFromProportions(reference: readonly number[], current: readonly number[]): number {
  let psi = 0;
  for (let i = 0; i < reference.length; i++) psi += (reference[i] - current[i]) * Math.log(reference[i] / current[i]);
  return psi;
}

export function psiBand(psi: number): PsiBand {
  if (psi >= 0.25) return 'major';
  if (psi >= 0.1) return 'moderate';
  return 'none';
}

export interface PsiResult {
  statistic: number;
  band: PsiBand;
  bins: BinnedProportions;
}

/** Evidently's PSI of `current` against `reference`. Either sample empty: NaN (band 'none'). */
export function psi(
  reference: ArrayLike<CategoryValue | null>,
  current: ArrayLike<CategoryValue | null>,
  kind: FeatureKind
): PsiResult {
  const bins = binnedProportions(reference, current, kind, true);
  if (bins.reference.length === 0) return { statistic: NaN, band: 'none', bins };
  const statistic = psiFromProportions(bins.reference, bins.current);
  return { statistic, band: psiBand(statistic), bins };
}
