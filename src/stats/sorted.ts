// One sort per column, shared by every test that needs the sorted sample (KS, Wasserstein):
// cached by the array's identity, so the same column passed twice is sorted once.

const cache = new WeakMap<object, Float64Array>();

/** The non-NaN values in ascending order. The input must not change afterwards (columns never do). */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  const hit = typeof values === 'object' ? cache.get(values) : undefined;
  if (hit !== undefined) return hit;
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++;
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[j++] = values[i];
  out.sort();
  if (typeof values === 'object') cache.set(values, out);
  return out;
}
