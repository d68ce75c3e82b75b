// Poisson(1) bootstrap weights derived from a hash, not from a sequential random number generator.
//
// The weight of one example in one resample is a pure function of (seed, example key, resample
// number b), so it does not depend on row order or on which thread or machine computes it:
// permuting the rows permutes the weights identically, and resamples computed on different
// machines can be merged. With n large the Poisson(1) bootstrap is equivalent to the classic
// multinomial bootstrap (each example drawn Poisson(1) times; the resample size is n on average
// rather than exactly n).
//
// The scheme (all arithmetic on unsigned 32-bit integers, fmix32 = the MurmurHash3 finaliser, a
// bijection on 32 bits with full avalanche):
//   seed (an integer 0 <= seed < 2^53) is split into 32-bit halves lo, hi
//   seedA   = fmix32(lo XOR fmix32(hi XOR 0x243F6A88))
//   seedB   = fmix32(seedA XOR 0x85A308D3)
//   rowKey  = fmix32(key XOR seedA)                         once per example
//   salt(b) = fmix32((b + 1) * 0x9E3779B9 + seedB)          once per resample
//   u       = fmix32(rowKey + salt(b))                      per example and resample
//   weight  = the smallest k with u < T[k], where T[k] = round(2^32 * P(Poisson(1) <= k)) for
//             k = 0..11, and 12 when u >= T[11]: the inverse CDF of Poisson(1) applied to
//             u / 2^32. Each probability is exact to 2^-32; P(weight = 12) = 4 / 2^32 stands in
//             for P(X >= 12) = 8.3e-10.
// rowKey is a bijection of key, so distinct keys give distinct rowKeys and independent weights.
// The inverse CDF is a 4096-entry table on the top 12 bits of u, with a short search in the few
// bins that straddle a threshold (0.2 % of draws).
//
// Example keys: with an id column, the key is MurmurHash3_x86_32 (seed 0) of the id's UTF-8
// bytes; rows sharing an id share the key, hence every weight, so they are resampled together
// (a cluster bootstrap over ids). Distinct ids collide with probability 2^-32 per pair (about
// 116 pairs among 10^6 ids), which then share weights: negligible. Without ids (or for a null
// id) the key is fmix32(row index), a bijection, so rows never collide.
//
// createWeightKernels is deliberately self-contained (it references nothing outside its own
// body) because the bootstrap's worker threads are started from its source text
// (Function.prototype.toString), which survives bundling and minification.

/** The Poisson(1) inverse-CDF thresholds T[k] = round(2^32 * P(X <= k)), k = 0..11. */
export const POISSON_THRESHOLDS: readonly number[] = Object.freeze([
  1580030169, 3160060337, 3950075422, 4213413783, 4279248374, 4292415292, 4294609778, 4294923276, 4294962463,
  4294966817, 4294967253, 4294967292,
]);

export interface WeightKernels {
  /** MurmurHash3 fmix32; returns an unsigned 32-bit integer. */
  fmix32(h: number): number;
  /** Poisson(1) variate from a uniform unsigned 32-bit integer (inverse CDF). */
  poisson(u: number): number;
  /** The two seed words, from an integer seed in [0, 2^53). */
  seedWords(seed: number): { a: number; b: number };
  /** rowKey[i] = fmix32(keys[i] XOR seedA). */
  rowKeys(keys: Uint32Array, seedA: number, out: Uint32Array): Uint32Array;
  /**
   * rowKeys() through an order: out[q] = rowKey[rows[q] >>> shift] (the same bits, as int32), without
   * a row-order array of row keys.
   */
  rowKeysAt(keys: Uint32Array, seedA: number, rows: Int32Array, shift: number, out: Int32Array): Int32Array;
  /** salt(b) for resample b. */
  salt(seedB: number, b: number): number;
  /** out[i] = Poisson weight of row i in the resample with this salt (rowKeys as int32: the same bits, faster arithmetic). */
  fillWeights(rowKeys: Int32Array, salt: number, out: Uint8Array): void;
  /** Runs the fill loops on tiny inputs once (per instance), so large calls start in optimised code. */
  warmUp(): void;
}

export function createWeightKernels(): WeightKernels {
  // Global lookups inside hot loops are slow where the global object is a vm context's (jest):
  // take the builtin once.
  const imul = Math.imul;
  const T = [
    1580030169, 3160060337, 3950075422, 4213413783, 4279248374, 4292415292, 4294609778, 4294923276, 4294962463,
    4294966817, 4294967253, 4294967292,
  ];
  const AMBIGUOUS = 255;
  const TABLE_BITS = 12;
  const SHIFT = 32 - TABLE_BITS;

  function poisson(u: number): number {
    u = u >>> 0;
    let k = 0;
    while (k < T.length && u >= T[k]) k++;
    return k;
  }

  // lut[bin] = the weight for every u in the bin, or AMBIGUOUS when a threshold falls inside it.
  const lut = new Uint8Array(1 << TABLE_BITS);
  for (let bin = 0; bin < lut.length; bin++) {
    const lo = bin * 2 ** SHIFT;
    const hi = lo + 2 ** SHIFT - 1;
    const wLo = poisson(lo);
    lut[bin] = wLo === poisson(hi) ? wLo : AMBIGUOUS;
  }

  function fmix32(h: number): number {
    h ^= h >>> 16;
    h = imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }

  function seedWords(seed: number): { a: number; b: number } {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer in [0, 2^53), got ${seed}`);
    const lo = seed % 4294967296;
    const hi = (seed - lo) / 4294967296;
    const a = fmix32((lo ^ fmix32(hi ^ 0x243f6a88)) >>> 0);
    return { a, b: fmix32((a ^ 0x85a308d3) >>> 0) };
  }

  function rowKeys(keys: Uint32Array, seedA: number, out: Uint32Array): Uint32Array {
    for (let i = 0; i < keys.length; i++) out[i] = fmix32((keys[i] ^ seedA) >>> 0);
    return out;
  }

  function rowKeysAt(keys: Uint32Array, seedA: number, rows: Int32Array, shift: number, out: Int32Array): Int32Array {
    for (let q = 0; q < out.length; q++) out[q] = fmix32((keys[rows[q] >>> shift] ^ seedA) >>> 0);
    return out;
  }

  function salt(seedB: number, b: number): number {
    return fmix32((imul(b + 1, 0x9e3779b9) + seedB) >>> 0);
  }

  const thresholds = new Float64Array(T);

  function fillWeights(rk: Int32Array, s: number, out: Uint8Array): void {
    // Closure variables copied to locals (read once, not on every iteration), and the rare
    // table miss resolved inline rather than by calling poisson(): measured faster, and steadier
    // from run to run.
    const table = lut;
    const mul = imul;
    const t = thresholds;
    const last = T.length;
    const n = rk.length;
    const si = s | 0;
    for (let i = 0; i < n; i++) {
      // fmix32, inlined: this loop runs n times per resample.
      let h = (rk[i] + si) | 0;
      h ^= h >>> 16;
      h = mul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = mul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      // Literal 20 (= SHIFT) and 255 (= AMBIGUOUS): closure constants are re-read in the loop.
      let w = table[h >>> 20];
      if (w === 255) {
        const u = h >>> 0;
        w = 0;
        while (w < last && u >= t[w]) w++;
      }
      out[i] = w;
    }
  }

  let warm = false;
  function warmUp(): void {
    if (warm) return;
    warm = true;
    const rk = new Int32Array(64);
    const out = new Uint8Array(64);
    // 128,000 draws: about 200 of them miss the table, so that branch has feedback too.
    for (let r = 0; r < 2000; r++) {
      for (let i = 0; i < 64; i++) rk[i] = imul(i + 64 * r, 0x9e3779b9);
      fillWeights(rk, r, out);
    }
  }

  return { fmix32, poisson, seedWords, rowKeys, rowKeysAt, salt, fillWeights, warmUp };
}

const kernels = createWeightKernels();

/** MurmurHash3_x86_32 of the UTF-8 bytes of s (lone surrogates encoded as U+FFFD, as TextEncoder does). */
export function murmur3Utf8(s: string, seed = 0): number {
  const imul = Math.imul;
  let h = seed >>> 0;
  let block = 0; // bytes gathered into the current 4-byte block, little-endian
  let filled = 0;
  let length = 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const push = (byte: number): void => {
    block |= byte << (8 * filled);
    filled++;
    length++;
    if (filled === 4) {
      let k = imul(block, c1);
      k = (k << 15) | (k >>> 17);
      k = imul(k, c2);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (imul(h, 5) + 0xe6546b64) | 0;
      block = 0;
      filled = 0;
    }
  };
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else cp = 0xfffd;
    }
    if (cp < 0x80) push(cp);
    else if (cp < 0x800) {
      push(0xc0 | (cp >> 6));
      push(0x80 | (cp & 63));
    } else if (cp < 0x10000) {
      push(0xe0 | (cp >> 12));
      push(0x80 | ((cp >> 6) & 63));
      push(0x80 | (cp & 63));
    } else {
      push(0xf0 | (cp >> 18));
      push(0x80 | ((cp >> 12) & 63));
      push(0x80 | ((cp >> 6) & 63));
      push(0x80 | (cp & 63));
    }
  }
  if (filled > 0) {
    let k = imul(block, c1);
    k = (k << 15) | (k >>> 17);
    k = imul(k, c2);
    h ^= k;
  }
  h ^= length;
  return kernels.fmix32(h >>> 0);
}

/**
 * The per-row example key: MurmurHash3_x86_32 of the id's UTF-8 bytes when there is an id
 * column, else (and for a null id) fmix32 of the row index.
 */
export function exampleKeys(ids: (string | null)[] | undefined, n: number): Uint32Array {
  if (ids !== undefined && ids.length !== n) throw new RangeError(`exampleKeys: ${ids.length} ids for ${n} rows`);
  return exampleKeysBy(n, ids === undefined ? undefined : (i) => ids[i]);
}

/** exampleKeys with row i's id from idAt(i) (no array of n ids built: 80 MB of references at 10^7 rows). */
export function exampleKeysBy(n: number, idAt: ((i: number) => string | null | undefined) | undefined): Uint32Array {
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const id = idAt?.(i);
    keys[i] = id === undefined || id === null ? kernels.fmix32(i) : murmur3Utf8(id);
  }
  return keys;
}

/** Poisson(1) variate for a uniform unsigned 32-bit integer (the inverse CDF the bootstrap uses). */
export function poissonFromUniform32(u: number): number {
  return kernels.poisson(u);
}

/**
 * The weights of resample b (0-based) for the given example keys and seed: out[i] is the number
 * of times row i occurs in that resample. Exactly the weights the bootstrap uses.
 */
export function resampleWeights(keys: Uint32Array, seed: number, b: number, out = new Uint8Array(keys.length)): Uint8Array {
  const { a, b: seedB } = kernels.seedWords(seed);
  const rk = kernels.rowKeys(keys, a, new Uint32Array(keys.length));
  kernels.fillWeights(new Int32Array(rk.buffer, rk.byteOffset, rk.length), kernels.salt(seedB, b), out);
  return out;
}

/**
 * The seed of a second, independent set of resamples (stream "train": the training rows of the
 * generalisation gap). Training and evaluation rows often share keys (row indices without an id
 * column, or overlapping ids), and the same seed would then give them the same weights: gaps whose
 * two sides move together, intervals too narrow. The derived seed is a fixed function of (seed,
 * stream): seedA, seedB = the seed words; h = MurmurHash3_x86_32(stream's UTF-8, seed seedA);
 * lo = fmix32(h XOR seedB); hi = fmix32(lo XOR seedA) AND 0x1FFFFF; derived = hi · 2^32 + lo, an
 * integer in [0, 2^53). Reruns and shards agree, as for the evaluation rows.
 */
export function streamSeed(seed: number, stream: string): number {
  const { a, b } = kernels.seedWords(seed);
  const lo = kernels.fmix32((murmur3Utf8(stream, a) ^ b) >>> 0);
  const hi = kernels.fmix32((lo ^ a) >>> 0) & 0x1fffff;
  return hi * 4294967296 + lo;
}
