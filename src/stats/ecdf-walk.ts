// One walk up the pooled order of two sorted samples gives what both the two-sample KS test and
// the Wasserstein distance need: at each distinct pooled value v, with i and j the counts ≤ v,
// the ECDF difference F_a(v) − F_b(v) = i/n_a − j/n_b (its largest and smallest value: KS), and
// |F_a − F_b| times the gap to the next distinct value (their sum: Wasserstein). The walk's
// branch follows the interleaving of the two samples, which no predictor guesses: it costs
// about 10 ns a value, so KS and Wasserstein share one walk rather than taking one each.
// The terms are added in the same order as separate walks add them: results are bit-identical.

export interface EcdfWalk {
  /** max over pooled values of F_a − F_b (−Infinity for two empty samples). */
  maxDiff: number;
  /** min over pooled values of F_a − F_b. */
  minDiff: number;
  /** Σ |F_a(z_k) − F_b(z_k)| (z_{k+1} − z_k) over the distinct pooled values z: scipy's wasserstein_distance. */
  area: number;
}

/**
 * The walk over ascending, NaN-free a and b, both non-empty. Self-contained (no outer names) so
 * that a worker can run it from its source text (stats/presort.ts).
 */
export function ecdfWalk(a: Float64Array, b: Float64Array): EcdfWalk {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let maxDiff = -Infinity;
  let minDiff = Infinity;
  let area = 0;
  let z = a[0] < b[0] ? a[0] : b[0];
  // The next distinct value is the smaller head (both, when equal; an exhausted sample's head is
  // +Infinity, so a real +Infinity is a tie with it); one comparison decides it, and the runs of ties
  // after it are rare and cheap to step over. The area's term is added before the value is counted
  // (i and j count the values ≤ z, the previous one). One loop to the end: a second one, for the
  // rest of one sample, was compiled without type feedback and left optimized code on every call.
  while (i < na || j < nb) {
    const x = i < na ? a[i] : Infinity;
    const y = j < nb ? b[j] : Infinity;
    if (x < y) {
      if (x !== z) {
        area += Math.abs(i / na - j / nb) * (x - z);
        z = x;
      }
      i++;
      while (i < na && a[i] === x) i++;
    } else if (y < x) {
      if (y !== z) {
        area += Math.abs(i / na - j / nb) * (y - z);
        z = y;
      }
      j++;
      while (j < nb && b[j] === y) j++;
    } else {
      if (x !== z) {
        area += Math.abs(i / na - j / nb) * (x - z);
        z = x;
      }
      while (i < na && a[i] === x) i++;
      while (j < nb && b[j] === x) j++;
    }
    const diff = i / na - j / nb;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  return { maxDiff, minDiff, area };
}

// Keyed by the sorted arrays (sortedFinite's, which are cached per column), so the KS test and the
// Wasserstein distance of one feature walk once, and a walk made on a worker thread is found here.
const walks = new WeakMap<Float64Array, WeakMap<Float64Array, EcdfWalk>>();

/** ecdfWalk(a, b), computed once per pair of arrays. */
export function walkOf(a: Float64Array, b: Float64Array): EcdfWalk {
  const hit = walks.get(a)?.get(b);
  if (hit !== undefined) return hit;
  const walk = ecdfWalk(a, b);
  rememberWalk(a, b, walk);
  return walk;
}

/** Records that `walk` is ecdfWalk(a, b), computed elsewhere. */
export function rememberWalk(a: Float64Array, b: Float64Array, walk: EcdfWalk): void {
  let inner = walks.get(a);
  if (inner === undefined) walks.set(a, (inner = new WeakMap()));
  inner.set(b, walk);
}
