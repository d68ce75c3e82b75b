// The sorted sample of a column for the drift tests. The sort and its cache live in data/sorted.ts,
// beside the ranking metrics' use of the same sort; presort.ts fills the cache from worker threads.

export { sortedFinite } from '../data/sorted.js';

/**
 * Distinct values of ascending arrays taken together, counted only up to limit + 1 (-0 and 0 are
 * one value, as in a Set): deciding "more than 5" needs no full count.
 */
export function distinctSortedAtMost(limit: number, ...sorted: Float64Array[]): number {
  const seen = new Set<number>();
  for (const a of sorted) {
    for (let i = 0; i < a.length; i++) {
      if (i > 0 && a[i] === a[i - 1]) continue;
      seen.add(a[i]);
      if (seen.size > limit) return seen.size;
    }
  }
  return seen.size;
}
