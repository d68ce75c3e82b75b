// First Wasserstein (earth mover's) distance between two 1-D samples, as
// scipy.stats.wasserstein_distance(u, v) without weights: the integral of |F_u − F_v| computed
// exactly from the two empirical CDFs over the merged sorted values (the walk in ecdf-walk.ts):
//   W = Σ_k |F_u(z_k) − F_v(z_k)| (z_{k+1} − z_k), z = all values sorted, F = count(≤ z) / n.
// And Evidently's "wasserstein" drift score (wasserstein_distance_norm.py): W divided by
// max(std(reference), 0.001), std the population standard deviation (numpy's default ddof = 0);
// drift when ≥ 0.1.
// NaN values are dropped first. Either sample empty: NaN.

import { walkOf } from './ecdf-walk.js';
import { sortedFinite } from './sorted.js';

export interface WassersteinNormedResult {
  /** W / norm: the drift score. */
  statistic: number;
  /** Unnormalised W, in the feature's units. */
  distance: number;
  /** max(population std of the reference, 0.001). */
  norm: number;
}


/** scipy.stats.wasserstein_distance(u, v); NaN when either sample is empty. */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const a = sortedFinite(u);
  const b = sortedFinite(v);
  if (a.length === 0 || b.length === 0) return NaN;
  return walkOf(a, b).area;
}

/** Population standard deviation (numpy.std, ddof = 0), two-pass; NaN for an empty sample. */
export function populationStd(values: ArrayLike<number>): number {
  let n = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    n++;
    s += values[i];
  }
  if (n === 0) return NaN;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    const d = values[i] - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / n);
}

/** Evidently's normalised Wasserstein drift score (see the top of the file). */
export function wassersteinNormed(reference: ArrayLike<number>, current: ArrayLike<number>): WassersteinNormedResult {
  const distance = wassersteinDistance(reference, current);
  const std = populationStd(reference);
  const norm = Number.isNaN(std) ? NaN : Math.max(std, 0.001);
  return { statistic: distance / norm, distance, norm };
}
