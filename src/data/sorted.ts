// Sorting a numeric column, for every test that needs the sorted sample (KS, Wasserstein, PSI,
// ranking metrics). The cache is keyed by the array's identity, so the same column passed twice is
// sorted once, and a column sorted on a worker thread (stats/presort.ts) is found here.

const cache = new WeakMap<object, Float64Array>();

/** The non-NaN values in ascending order (-0 before +0). The input must not change afterwards (columns never do). */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  const hit = typeof values === 'object' ? cache.get(values) : undefined;
  if (hit !== undefined) return hit;
  const out = sortNumbers(values);
  if (typeof values === 'object') cache.set(values, out);
  return out;
}

/** Records that `sorted` is sortedFinite(values), computed elsewhere. */
export function rememberSorted(values: Float64Array, sorted: Float64Array): void {
  cache.set(values, sorted);
}

/**
 * The non-NaN values in ascending order, as Float64Array.prototype.sort orders them. Values spread
 * smoothly between their minimum and maximum (most data) go by a bucket sort: one bucket per value
 * over [min, max], each bucket then insertion-sorted, about 2× faster than the radix sort below.
 * When a bucket gets more than its share (heavy tails, few distinct values, infinities) it is an
 * LSD radix sort on the IEEE-754 bits instead (four 16-bit passes; a pass whose digit is the same
 * in every key is skipped): about 2.5× faster than the built-in sort on 500,000 values.
 * Self-contained (no outer names) so that a worker can run it from its source text.
 */
export function sortNumbers(values: ArrayLike<number>): Float64Array {
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  let negativeZeros = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      n++;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0 && 1 / v < 0) negativeZeros++;
    }
  }
  const span = max - min;
  // A span of a few subnormals makes n / span overflow (the minimum's bucket would be NaN): radix then.
  if (n >= 256 && span > 0 && span < Infinity && n / span < Infinity) {
    // Bucket b holds values v with floor((v − min) · n / span) = b: monotone in v, so buckets are in
    // order. Counted, then placed; the bucket is computed twice rather than stored (at 10^6 values,
    // fewer arrays to fill is what counts: each fresh page costs a fault).
    const scale = n / span;
    const starts = new Int32Array(n + 1);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      let b = Math.floor((v - min) * scale);
      if (b >= n) b = n - 1;
      starts[b + 1]++;
    }
    let most = 0;
    for (let b = 0; b < n; b++) {
      const c = starts[b + 1];
      if (c > most) most = c;
      starts[b + 1] += starts[b];
    }
    if (most <= 64 || most * 16 <= n) {
      const out = new Float64Array(n);
      // Placing moves starts[b] to the end of bucket b, which is where bucket b + 1 starts.
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== v) continue;
        let b = Math.floor((v - min) * scale);
        if (b >= n) b = n - 1;
        out[starts[b]++] = v;
      }
      if (most <= 32) {
        // Only values within one bucket are out of order: one insertion sort over the whole array.
        for (let i = 1; i < n; i++) {
          const x = out[i];
          if (out[i - 1] <= x) continue;
          let k = i - 1;
          do {
            out[k + 1] = out[k];
            k--;
          } while (k >= 0 && out[k] > x);
          out[k + 1] = x;
        }
      } else {
        let s = 0;
        for (let b = 0; b < n; b++) {
          const e = starts[b];
          if (e - s > 32) {
            out.subarray(s, e).sort();
          } else if (e - s > 1) {
            for (let i = s + 1; i < e; i++) {
              const x = out[i];
              let k = i - 1;
              while (k >= s && out[k] > x) {
                out[k + 1] = out[k];
                k--;
              }
              out[k + 1] = x;
            }
          }
          s = e;
        }
      }
      // Insertion by < leaves -0 and +0 in file order: -0 first, as the built-in sort has them.
      if (negativeZeros > 0) {
        let k = 0;
        while (out[k] < 0) k++;
        for (let z = 0; z < negativeZeros; z++) out[k + z] = -0;
        for (let z = k + negativeZeros; z < n && out[z] === 0; z++) out[z] = 0;
      }
      return out;
    }
  }
  const finite = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) finite[j++] = v;
  }
  if (n < 256) return finite.sort();
  // Order-preserving map of each double to an unsigned 64-bit key (hi, lo): flip every bit of a
  // negative number, only the sign bit of a positive one.
  const bits = new Uint32Array(finite.buffer);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  const counts = [new Int32Array(65536), new Int32Array(65536), new Int32Array(65536), new Int32Array(65536)];
  const [c0, c1, c2, c3] = counts;
  for (let i = 0; i < n; i++) {
    let h = bits[2 * i + 1];
    let l = bits[2 * i];
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
    c0[l & 0xffff]++;
    c1[l >>> 16]++;
    c2[h & 0xffff]++;
    c3[h >>> 16]++;
  }
  for (let pass = 0; pass < 4; pass++) {
    const count = counts[pass];
    let trivial = false;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      if (c === n) {
        trivial = true;
        break;
      }
      count[d] = sum;
      sum += c;
    }
    if (trivial) continue;
    const key = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    for (let i = 0; i < n; i++) {
      const p = count[(key[i] >>> shift) & 0xffff]++;
      lo2[p] = lo[i];
      hi2[p] = hi[i];
    }
    let t = lo;
    lo = lo2;
    lo2 = t;
    t = hi;
    hi = hi2;
    hi2 = t;
  }
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    const l = lo[i];
    if (h & 0x80000000) {
      bits[2 * i + 1] = h & 0x7fffffff;
      bits[2 * i] = l;
    } else {
      bits[2 * i + 1] = ~h;
      bits[2 * i] = ~l;
    }
  }
  return finite;
}
