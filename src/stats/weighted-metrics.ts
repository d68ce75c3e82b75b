// Metric kernels with integer frequency weights: the value for weights w equals the value the
// unweighted sklearn-exact kernel in src/metrics returns on the data with row i repeated w[i]
// times (to rounding in the float sums; counts, ROC AUC, average precision, recall_at_fpr and
// precision_at_recall are exact). With every weight 1 they equal src/metrics bit for bit
// (binaryMetrics, multiclassMetrics, regressionMetrics, calibration's ece and mce, and
// imbalanceMetrics).
//
// Split in two so the bootstrap can reuse the expensive part:
// - prepare*(): once per model. Validity checks, the per-row loss terms, and for the ranking
//   metrics the rows sorted by score ONCE (LSD radix sort on the IEEE-754 bits, so no comparator
//   calls on 10^6 rows), packed with the label and a "last row of a distinct-score group" flag,
//   with the score of each group and the positions where the calibration bins end along that
//   order. The sort also hands back the scores in sorted order (its keys turned back into
//   doubles), so the groups and bins are found reading them in order, not through the order.
// - createSweepKernels(): per weight vector. A resample changes weights, not order, so each
//   metric set is one or two linear passes over typed arrays: weighted TP/FP accumulated down the
//   sorted order with the trapezoid (ROC AUC) and step (AP) terms added at each distinct
//   threshold, exactly as sklearn's _binary_clf_curve; the confusion counts at the decision
//   threshold are the running counts where the order crosses it (the predicted positives are a
//   prefix of the descending order). The same sweep reads off the operating points
//   (recall_at_fpr: the last threshold whose FPR is within the limit; precision_at_recall: the
//   best precision once recall reaches the limit; both limits turned into integer counts from the
//   resample's weighted class totals, which a pass over the labels gives first) and the
//   calibration bins (equal-width bins of the score are runs of that order: their weighted count
//   and positives are differences of the running counts, their score sum adds group weight ×
//   group score). Loss sums (log loss, Brier, regression errors) run in original row order, so
//   that with unit weights they add the same terms in the same order as src/metrics; sweep()
//   likewise redoes the calibration sums in row order (the bootstrap's sweepAll keeps the
//   group-wise sums, last-bit differences). (The bootstrap renumbers binary rows first, see
//   bootstrap.ts: its loss sums then differ from these in the last bits.)
// - A binary or multiclass model whose every prediction is the same (the dummy baseline: the
//   class prior), prepared with constantShortcut, is not sorted and costs little per resample:
//   binary metrics follow from the weighted class totals alone (log loss, Brier and the
//   calibration score sum as count × term rather than a row-order sum: last-bit differences from
//   src/metrics); multiclass ones from the row pass alone, without the per-class sweeps (each
//   one-vs-rest ROC AUC of tied scores is exactly 0.5 wherever defined).
//
// Degenerate cases follow src/metrics on the repeated data, with one difference: validity is a
// property of the whole input, not of the rows with weight > 0. Invalid input anywhere (a label
// outside the classes, a non-finite score, lengths that differ, a NaN threshold) makes every
// metric NaN even if that row has weight 0; likewise Brier, ECE and MCE are NaN when any score
// lies outside [0, 1] (multiclass: any probability), and multiclass ROC AUC is NaN when any row's
// probabilities do not sum to 1. (The bootstrap relies on this: a metric that is undefined on
// the full data is undefined on every resample.) max_error and the "constant y_true" test of r2
// look at rows with weight > 0 only, as the repeated data would. Total weight 0 is the empty
// input: every metric NaN.
//
// Weights are integers in 0..255 (a Uint8Array in the kernels; the bootstrap's Poisson(1)
// weights never exceed 12).
//
// createSweepKernels is self-contained (it references nothing outside its own body) because the
// bootstrap's worker threads are built from its source text; see bootstrap.ts.

import { LOG_LOSS_EPS } from '../metrics/binary.js';
import { binOf, CALIBRATION_DEFAULT_BINS } from '../metrics/calibration.js';
import { DEFAULT_MAX_FPR, DEFAULT_MIN_RECALL } from '../metrics/imbalance.js';
import { argmaxRow } from '../metrics/multiclass.js';

// Made first: the metric lists below are the kernels' own (see createSweepKernels).
const kernels = createSweepKernels();

/** The metrics each sweep writes, in this order (the src/metrics lists without example_count, then calibration and the operating points). */
export const BINARY_STATS = kernels.stats.binary;
export const MULTICLASS_STATS = kernels.stats.multiclass;
export const REGRESSION_STATS = kernels.stats.regression;

export type StatsTask = 'binary' | 'multiclass' | 'regression';

export function statsFor(task: StatsTask): readonly string[] {
  return task === 'binary' ? BINARY_STATS : task === 'multiclass' ? MULTICLASS_STATS : REGRESSION_STATS;
}

/** Options of prepareBinary and prepareMulticlass beyond the data. */
export interface PrepareOptions {
  /** recall_at_fpr: the largest false-positive rate allowed (binary). Default 0.01, as src/metrics. */
  maxFpr?: number;
  /** precision_at_recall: the smallest recall required (binary). Default 0.9. */
  minRecall?: number;
  /** Equal-width calibration bins (ece, mce), 1..254. Default 15, as torchmetrics. */
  bins?: number;
  /**
   * When every prediction is the same, prepare a constant model: no sort, and little work per
   * weight vector (see the file comment). Binary log loss, Brier, ECE and MCE may then differ from
   * src/metrics in the last bits. The bootstrap sets it; the weighted*Metrics functions do not.
   */
  constantShortcut?: boolean;
  /** Put the group scores in a SharedArrayBuffer (the bootstrap's threads read them): no copy later. */
  sharedGroups?: boolean;
  /**
   * Working arrays (prepareScratch(n) or larger) for the sort, and to hold the returned model's
   * order and losses (not shared): the model is valid only until the scratch is used again. The
   * bootstrap prepares its models one after another with one scratch, so that each model's
   * row-order arrays are not left for the garbage collector (at 10^7 rows, 600 MB a model).
   */
  scratch?: PrepareScratch;
  /**
   * Write the loss terms straight to where the bootstrap's relabelled order puts them: row i's
   * at out[2 · position[i]] and out[2 · position[i] + 1] (out becomes the model's `losses`),
   * and their row-order sums (what sweep() adds with every weight 1: sums[0] = -Σ log term,
   * sums[1] = Σ (y - s)²) into sums, so the full-data estimates keep the row-order sums without
   * a row-order copy of the losses. out (16 bytes a row) and spare (4 bytes a row, an array the
   * caller fills only after this call) serve the sort as its working memory beside the order, so
   * the scratch is the order alone (prepareScratch(n, true)). With ownOrder, position is first
   * filled with this model's own order (row order[q] >>> 2 at q).
   */
  lossesAt?: { position: Int32Array; out: Float64Array; spare: Int32Array; sums: Float64Array; ownOrder?: boolean };
}

/**
 * Rows in descending score order, packed: (row << 2) | (lastOfGroup << 1) | positive, where a
 * group is a run of equal scores (-0 equals +0, as in numpy). Rows must number below 2^29.
 */
export interface PreparedBinary {
  task: 'binary';
  n: number;
  valid: boolean;
  /** Every score lies in [0, 1]: Brier is defined. */
  brierValid: boolean;
  /** brierValid and a valid bin count: ECE and MCE are defined. */
  calValid: boolean;
  /** Every score is equal and constantShortcut was asked for: order, losses, groupScore, scores and rowSlot are empty. */
  constant: boolean;
  /** How many rows score >= threshold: the first `cut` entries of `order`. */
  cut: number;
  order: Int32Array;
  /** Row i: [2i] = log((y ? p : 1 - p) / (p + (1 - p))) with p clipped, [2i + 1] = (y - s)^2. */
  losses: Float64Array;
  /** The labels in row order as masks: 255 for a positive, 0 for a negative (w & y is w or 0). */
  y: Uint8Array;
  /** The scores in row order, for sweep()'s row-order calibration sums; empty after the bootstrap's relabelling. */
  scores: Float64Array;
  /** Each row's calibration slot (0..bins); empty when scores is. */
  rowSlot: Uint8Array;
  /**
   * The score of each group of `order`, in that order: dense, so a sweep over data with many ties
   * reads it sequentially (a per-position copy read only at group ends measured 10 % slower there).
   */
  groupScore: Float64Array;
  /** Calibration bins along `order`: binLast[e] is the position of the last row of the e-th non-empty bin, binSlot[e] its slot; binLast ends with -1. Empty bins have no entry. */
  binLast: Int32Array;
  binSlot: Uint8Array;
  /** Calibration slots: bins equal-width intervals and the point bin [1, 1]. */
  bins: number;
  maxFpr: number;
  minRecall: number;
  /** Constant model with score s: [log term of a positive row, of a negative row, (1 - s)^2, s^2, s], as in losses. */
  constTerms: Float64Array;
  /**
   * The bootstrap's sorted-pass form (bootstrap.ts relabel()), else empty: per position of this
   * model's descending order, (lastOfGroup << 1) | positive, as the low bits of `order` (which is
   * then empty). The ranking sweep reads it sequentially.
   */
  flags: Uint8Array;
  /**
   * With flags: the resampling row keys (resample-weights.ts) in this model's order, so each
   * resample's weights are generated in that order (WeightHash.fill) instead of gathered from the
   * weight vector through the order (a random access per row). Empty for the model whose order
   * numbers the rows (the weight of position q is then W[q]).
   */
  keys: Int32Array;
}

export interface PreparedMulticlass {
  task: 'multiclass';
  n: number;
  k: number;
  valid: boolean;
  rowsSumToOne: boolean;
  /** Every probability lies in [0, 1] and the bin count is valid: ECE and MCE are defined. */
  calValid: boolean;
  /** Every row is the same and constantShortcut was asked for: orders is empty. */
  constant: boolean;
  truth: Int32Array;
  /** numpy argmax of each row. */
  pred: Int32Array;
  /** log(clipped p_y / sum of clipped row), as src/metrics forms it. */
  logP: Float64Array;
  /** k blocks of n: class j's scores in descending order, packed as PreparedBinary.order with positive = (y === j). */
  orders: Int32Array;
  /** Top-label confidence of each row (the probability of pred). */
  conf: Float64Array;
  /** Calibration slot of each row's confidence (all 0 when not calValid). */
  slot: Uint8Array;
  bins: number;
}

export interface PreparedRegression {
  task: 'regression';
  n: number;
  valid: boolean;
  y: Float64Array;
  /** |y - prediction| */
  absErr: Float64Array;
  /** |y - prediction| / max(|y|, float64 eps) */
  ape: Float64Array;
}

export type Prepared = PreparedBinary | PreparedMulticlass | PreparedRegression;

export const MAX_ROWS = 2 ** 29 - 1;

type Alloc = (bytes: number) => ArrayBufferLike;
const allocator = (shared: boolean): Alloc => (shared ? (bytes) => new SharedArrayBuffer(bytes) : (bytes) => new ArrayBuffer(bytes));

/**
 * Row indices ordered by value, descending; ties keep ascending row order (stable). An LSD radix
 * sort over 16-bit digits of the order-preserving bit pattern of each double (4 passes, constant
 * digits skipped). Values are expected finite; -0 sorts right after +0.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Working memory for prepareBinary, reused from one model to the next (PrepareOptions.scratch):
 * 24 bytes a row serve the sort's six arrays, then the scores in sorted order, then the row-order
 * losses; `order` holds the packed order. Lean (for use with lossesAt, whose arrays and the
 * order serve the sort instead): the order alone.
 */
export interface PrepareScratch {
  n: number;
  buffer: ArrayBuffer;
  order: Int32Array;
}

export function prepareScratch(n: number, lean = false): PrepareScratch {
  return { n, buffer: new ArrayBuffer(lean ? 0 : 24 * n), order: new Int32Array(n) };
}

/**
 * The sort's working memory, n values each: a and b hold the first four of its six arrays, c and
 * d the other two (d may be the order it writes: it is written last); the sorted values end in a
 * or b.
 */
interface SortSpace {
  a: Float64Array;
  b: Float64Array;
  c: Int32Array;
  d: Int32Array;
}

export function argsortDescending(values: Float64Array, out: Int32Array = new Int32Array(values.length)): Int32Array {
  sortInto(values, out, undefined);
  return out;
}

/**
 * argsortDescending into out, returning the values in that order. With space the sort's arrays
 * live there and so do the returned values.
 */
function sortInto(values: Float64Array, out: Int32Array, space: SortSpace | undefined): Float64Array {
  const n = values.length;
  // Half h of a or b, or c or d, as the view the sort needs.
  const half = (a: Float64Array | undefined, h: number): Uint32Array => (a ? new Uint32Array(a.buffer, a.byteOffset + 4 * n * h, n) : new Uint32Array(n));
  if (n < 1024 || !LITTLE_ENDIAN) {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => (values[a] > values[b] ? -1 : values[a] < values[b] ? 1 : a - b));
    const sortedValues = space ? space.a : new Float64Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = idx[i];
      sortedValues[i] = values[idx[i]];
    }
    return sortedValues;
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  // [hi lo] in a, [idx hi2] in b, lo2 in c, idx2 in d.
  let hi = half(space?.a, 0);
  let lo = half(space?.a, 1);
  let idx = new Int32Array(half(space?.b, 0).buffer, space ? space.b.byteOffset : 0, n);
  const counts = new Uint32Array(4 * 65536);
  for (let i = 0; i < n; i++) {
    let l = bits[2 * i];
    let h = bits[2 * i + 1];
    // Descending key: negatives keep their bits; non-negatives flip all but the sign bit.
    if ((h & 0x80000000) === 0) {
      h = (h ^ 0x7fffffff) >>> 0;
      l = ~l >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
    idx[i] = i;
    counts[l & 0xffff]++;
    counts[65536 + (l >>> 16)]++;
    counts[131072 + (h & 0xffff)]++;
    counts[196608 + (h >>> 16)]++;
  }
  let hi2 = half(space?.b, 1);
  let lo2 = space ? new Uint32Array(space.c.buffer, space.c.byteOffset, n) : new Uint32Array(n);
  let idx2 = space ? space.d : new Int32Array(n);
  let swapped = false;
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536;
    // Skip a digit every key shares.
    const first = pass < 2 ? (pass === 0 ? lo[0] & 0xffff : lo[0] >>> 16) : pass === 2 ? hi[0] & 0xffff : hi[0] >>> 16;
    if (counts[base + first] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = pass < 2 ? lo[i] : hi[i];
      const d = pass % 2 === 0 ? key & 0xffff : key >>> 16;
      const at = counts[base + d]++;
      hi2[at] = hi[i];
      lo2[at] = lo[i];
      idx2[at] = idx[i];
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [idx, idx2] = [idx2, idx];
    swapped = !swapped;
  }
  out.set(idx);
  // The sorted keys turned back into the doubles' bits (the key map is a bijection): the values
  // in sorted order without a random read per row. Where the result's hi and lo are not: with
  // them in a, b (idx, copied out, and hi2); else a.
  const sortedValues = space ? (swapped ? space.a : space.b) : new Float64Array(n);
  {
    const sortedBits = new Uint32Array(sortedValues.buffer, sortedValues.byteOffset, 2 * n);
    for (let q = 0; q < n; q++) {
      let h = hi[q];
      let l = lo[q];
      if ((h & 0x80000000) === 0) {
        h = (h ^ 0x7fffffff) >>> 0;
        l = ~l >>> 0;
      }
      sortedBits[2 * q] = l;
      sortedBits[2 * q + 1] = h;
    }
  }
  return sortedValues;
}

/** Pack a descending order of `values` with labels into the PreparedBinary.order layout. */
function packOrder(values: Float64Array, positive: (row: number) => boolean, out: Int32Array): void {
  const n = values.length;
  argsortDescending(values, out);
  for (let q = 0; q < n; q++) {
    const row = out[q];
    const last = q === n - 1 || values[out[q + 1]] !== values[row];
    out[q] = (row << 2) | (last ? 2 : 0) | (positive(row) ? 1 : 0);
  }
}

function checkRows(n: number): void {
  if (n > MAX_ROWS) throw new RangeError(`at most ${MAX_ROWS} rows are supported, got ${n}`);
}

const binsValid = (bins: number): boolean => Number.isInteger(bins) && bins >= 1 && bins <= 254;

/** A PreparedBinary with its fields in one fixed order (one object shape for V8, whoever builds it). */
export function preparedBinary(f: Omit<PreparedBinary, 'task'>): PreparedBinary {
  return {
    task: 'binary',
    n: f.n,
    valid: f.valid,
    brierValid: f.brierValid,
    calValid: f.calValid,
    constant: f.constant,
    cut: f.cut,
    order: f.order,
    losses: f.losses,
    y: f.y,
    scores: f.scores,
    rowSlot: f.rowSlot,
    groupScore: f.groupScore,
    binLast: f.binLast,
    binSlot: f.binSlot,
    bins: f.bins,
    maxFpr: f.maxFpr,
    minRecall: f.minRecall,
    constTerms: f.constTerms,
    flags: f.flags,
    keys: f.keys,
  };
}

export function prepareBinary(yTrue: ArrayLike<number>, score: Float64Array, threshold = 0.5, shared = false, options: PrepareOptions = {}): PreparedBinary {
  const n = yTrue.length;
  checkRows(n);
  const alloc = allocator(shared);
  const maxFpr = options.maxFpr ?? DEFAULT_MAX_FPR;
  const minRecall = options.minRecall ?? DEFAULT_MIN_RECALL;
  const bins = options.bins ?? CALIBRATION_DEFAULT_BINS;
  let valid = score.length === n && !Number.isNaN(threshold);
  let brierValid = true;
  let constant = options.constantShortcut === true && n > 0;
  for (let i = 0; valid && i < n; i++) {
    const y = yTrue[i];
    const s = score[i];
    if ((y !== 0 && y !== 1) || !Number.isFinite(s)) valid = false;
    else if (s < 0 || s > 1) brierValid = false;
    if (s !== score[0]) constant = false;
  }
  const none = (): Float64Array => new Float64Array(alloc(0));
  if (!valid) {
    return preparedBinary({
      n, valid, brierValid: false, calValid: false, constant: false, cut: 0, order: new Int32Array(alloc(0)), losses: none(), y: new Uint8Array(alloc(0)),
      scores: none(), rowSlot: new Uint8Array(alloc(0)), groupScore: none(), binLast: Int32Array.of(-1), binSlot: new Uint8Array(1), bins, maxFpr, minRecall, constTerms: new Float64Array(5),
      flags: new Uint8Array(alloc(0)), keys: new Int32Array(alloc(0)),
    });
  }
  const calValid = brierValid && binsValid(bins);
  const y = new Uint8Array(alloc(n));
  for (let i = 0; i < n; i++) y[i] = yTrue[i] === 1 ? 255 : 0;
  const log = Math.log; // global lookups in hot loops are slow in vm contexts (jest)
  const logTerm = (label: number, s: number): number => {
    const p = s < LOG_LOSS_EPS ? LOG_LOSS_EPS : s > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : s;
    const q = 1 - p;
    return log((label === 1 ? p : q) / (q + p));
  };
  if (constant) {
    const s = score[0];
    const slot = calValid ? binOf(s, bins) : 0;
    return preparedBinary({
      n, valid, brierValid, calValid, constant, cut: s >= threshold ? n : 0, order: new Int32Array(alloc(0)), losses: none(), y,
      scores: none(), rowSlot: new Uint8Array(alloc(0)), groupScore: none(),
      binLast: calValid ? Int32Array.of(n - 1, -1) : Int32Array.of(-1), binSlot: Uint8Array.of(slot, 0), bins, maxFpr, minRecall,
      constTerms: Float64Array.of(logTerm(1, s), logTerm(0, s), (1 - s) * (1 - s), s * s, s), flags: new Uint8Array(alloc(0)), keys: new Int32Array(alloc(0)),
    });
  }
  const scratch = shared ? undefined : options.scratch;
  const at = options.lossesAt;
  if (scratch && (scratch.n < n || scratch.buffer.byteLength < (at ? 0 : 24) * n)) throw new RangeError(`prepareBinary: a scratch for ${scratch.n} rows, ${n} rows`);
  if (at && (at.position.length !== n || at.out.length !== 2 * n || at.spare.length !== n || at.sums.length < 2)) throw new RangeError(`prepareBinary: lossesAt does not fit ${n} rows`);
  const order = scratch ? scratch.order.subarray(0, n) : new Int32Array(alloc(4 * n));
  // The sort's space: with lossesAt, its output and spare arrays (written only after the sorted
  // scores are read) and the order (written last by the sort itself).
  const f64 = (buffer: ArrayBufferLike, offset: number): Float64Array => new Float64Array(buffer, offset, n);
  const i32 = (buffer: ArrayBufferLike, offset: number): Int32Array => new Int32Array(buffer, offset, n);
  const space: SortSpace | undefined = at
    ? { a: f64(at.out.buffer, at.out.byteOffset), b: f64(at.out.buffer, at.out.byteOffset + 8 * n), c: at.spare, d: order }
    : scratch && { a: f64(scratch.buffer, 0), b: f64(scratch.buffer, 8 * n), c: i32(scratch.buffer, 16 * n), d: i32(scratch.buffer, 20 * n) };
  // packOrder's layout, from the scores in sorted order (read sequentially, not through the order).
  const sorted = sortInto(score, order, space);
  let groups = 0;
  for (let q = 0; q < n; q++) {
    const row = order[q];
    const last = q === n - 1 || sorted[q + 1] !== sorted[q];
    if (last) groups++;
    order[q] = (row << 2) | (last ? 2 : 0) | (y[row] !== 0 ? 1 : 0);
  }
  // The score of each group, and where each calibration bin's run of groups ends.
  const groupScore = new Float64Array(options.sharedGroups ? new SharedArrayBuffer(8 * groups) : alloc(8 * groups));
  const ends: number[] = [];
  const slots: number[] = [];
  let g = 0;
  let slot = -1;
  let start = 0;
  for (let q = 0; q < n; q++) {
    if ((order[q] & 2) === 0) continue;
    const s = sorted[q];
    groupScore[g++] = s;
    if (!calValid) continue;
    const j = binOf(s, bins);
    if (j !== slot && slot >= 0) {
      ends.push(start - 1);
      slots.push(slot);
    }
    slot = j;
    start = q + 1;
  }
  // After the sort and the group pass: the scratch's sorted scores are not read again.
  const losses = at ? at.out : scratch ? new Float64Array(scratch.buffer, 0, 2 * n) : new Float64Array(alloc(16 * n));
  let cut = 0;
  // With `at`, each row's terms are written where the relabelled order puts it, and summed in row order
  // as sweep() sums them with weight 1 (1 · x is x; both start at -0).
  const position = at?.position;
  if (at?.ownOrder) for (let q = 0; q < n; q++) position![order[q] >>> 2] = q;
  let logSum = -0;
  let brierSum = -0;
  for (let i = 0; i < n; i++) {
    const label = yTrue[i];
    const s = score[i];
    if (s >= threshold) cut++;
    const p = s < LOG_LOSS_EPS ? LOG_LOSS_EPS : s > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : s;
    const q = 1 - p;
    const term = log((label === 1 ? p : q) / (q + p));
    const d = label - s;
    const sq = d * d;
    const k = 2 * (position === undefined ? i : position[i]);
    losses[k] = term;
    losses[k + 1] = sq;
    logSum -= term;
    brierSum += sq;
  }
  if (at) {
    at.sums[0] = logSum;
    at.sums[1] = brierSum;
  }
  // Each row's slot is its group's: binOf of the same score (equal scores, -0 and +0 included, share a bin).
  const rowSlot = new Uint8Array(alloc(calValid ? n : 0));
  if (calValid) {
    let last = NaN;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const s = score[i];
      if (s !== last) {
        j = binOf(s, bins);
        last = s;
      }
      rowSlot[i] = j;
    }
  }
  if (calValid && n > 0) {
    ends.push(n - 1);
    slots.push(slot);
  }
  const binLast = new Int32Array(alloc(4 * (ends.length + 1)));
  const binSlot = new Uint8Array(alloc(ends.length + 1));
  ends.forEach((q, e) => {
    binLast[e] = q;
    binSlot[e] = slots[e];
  });
  binLast[ends.length] = -1;
  let scores = score;
  if (shared) {
    scores = new Float64Array(alloc(8 * n));
    scores.set(score);
  }
  return preparedBinary({
    n, valid, brierValid, calValid, constant, cut, order, losses, y, scores: calValid ? scores : none(), rowSlot, groupScore, binLast, binSlot, bins, maxFpr, minRecall,
    constTerms: new Float64Array(5), flags: new Uint8Array(alloc(0)), keys: new Int32Array(alloc(0)),
  });
}

export function prepareMulticlass(yTrue: ArrayLike<number>, probs: Float64Array, k: number, shared = false, options: PrepareOptions = {}): PreparedMulticlass {
  const n = yTrue.length;
  checkRows(n);
  const alloc = allocator(shared);
  const bins = options.bins ?? CALIBRATION_DEFAULT_BINS;
  let valid = Number.isInteger(k) && k >= 2 && probs.length === n * k;
  for (let i = 0; valid && i < n; i++) {
    const y = yTrue[i];
    if (!Number.isInteger(y) || y < 0 || y >= k) valid = false;
  }
  let inUnit = true;
  for (let i = 0; valid && i < probs.length; i++) {
    const p = probs[i];
    if (!Number.isFinite(p)) valid = false;
    else if (p < 0 || p > 1) inUnit = false;
  }
  let constant = valid && options.constantShortcut === true && n > 0;
  for (let i = k; constant && i < probs.length; i++) if (probs[i] !== probs[i % k]) constant = false;
  const calValid = valid && inUnit && binsValid(bins);
  const kk = valid ? k : 0;
  const truth = new Int32Array(alloc(valid ? 4 * n : 0));
  const pred = new Int32Array(alloc(valid ? 4 * n : 0));
  const logP = new Float64Array(alloc(valid ? 8 * n : 0));
  const orders = new Int32Array(alloc(valid && !constant ? 4 * n * k : 0));
  const conf = new Float64Array(alloc(valid ? 8 * n : 0));
  const slot = new Uint8Array(alloc(valid ? n : 0));
  let rowsSumToOne = valid;
  const { log, abs } = Math;
  if (valid) {
    for (let i = 0; i < n; i++) {
      const y = yTrue[i];
      truth[i] = y;
      pred[i] = argmaxRow(probs, i, k);
      const base = i * k;
      let rawSum = 0;
      let clippedSum = 0;
      for (let j = 0; j < k; j++) {
        const p = probs[base + j];
        rawSum += p;
        clippedSum += p < LOG_LOSS_EPS ? LOG_LOSS_EPS : p > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : p;
      }
      const py = probs[base + y];
      const clippedY = py < LOG_LOSS_EPS ? LOG_LOSS_EPS : py > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : py;
      logP[i] = log(clippedY / clippedSum);
      if (!(abs(1 - rawSum) <= 1e-8 + 1e-5 * abs(rawSum))) rowsSumToOne = false;
      const c = probs[base + pred[i]];
      conf[i] = c;
      if (calValid) slot[i] = i > 0 && c === conf[i - 1] ? slot[i - 1] : binOf(c, bins);
    }
    if (!constant) {
      const column = new Float64Array(n);
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < n; i++) column[i] = probs[i * k + j];
        packOrder(column, (row) => truth[row] === j, orders.subarray(j * n, (j + 1) * n));
      }
    }
  }
  return { task: 'multiclass', n, k: kk, valid, rowsSumToOne, calValid, constant, truth, pred, logP, orders, conf, slot, bins };
}

export function prepareRegression(yTrue: Float64Array, yPred: Float64Array, shared = false): PreparedRegression {
  const n = yTrue.length;
  checkRows(n);
  const alloc = allocator(shared);
  let valid = yPred.length === n;
  for (let i = 0; valid && i < n; i++) if (!Number.isFinite(yTrue[i]) || !Number.isFinite(yPred[i])) valid = false;
  const m = valid ? n : 0;
  const y = new Float64Array(alloc(8 * m));
  const absErr = new Float64Array(alloc(8 * m));
  const ape = new Float64Array(alloc(8 * m));
  const { abs, max } = Math;
  for (let i = 0; i < m; i++) {
    const e = abs(yTrue[i] - yPred[i]);
    y[i] = yTrue[i];
    absErr[i] = e;
    ape[i] = e / max(abs(yTrue[i]), 2.220446049250313e-16);
  }
  return { task: 'regression', n, valid, y, absErr, ape };
}

let preparedWarm = false;

/**
 * Runs prepareBinary (and with it the radix sort) on small inputs a few times, once per process,
 * so the first large call runs code compiled with complete type feedback: measured on 10^6
 * rows, the sort takes about 55 ms after this against 85–140 ms without.
 */
export function warmUpPrepare(): void {
  if (preparedWarm) return;
  preparedWarm = true;
  const n = 1100;
  const y = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let r = 0; r < 6; r++) {
    for (let i = 0; i < n; i++) {
      y[i] = (i * 7 + r) % 3 === 0 ? 1 : 0;
      s[i] = ((i * 7919 + r * 31) % 1009) / 1009 - (i % 50 === 0 ? 0.5 : 0);
    }
    prepareBinary(y, s, 0.5);
  }
}

/**
 * How a keyed model's weights are made (resample-weights.ts WeightKernels.fillWeights): from its
 * row keys, in its own order, into a buffer of the sweep kernels', then swept sequentially.
 */
export interface WeightHash {
  fill: (keys: Int32Array, salt: number, out: Uint8Array) => void;
}

export interface SweepKernels {
  /** The metrics each task's sweep writes, in the order it writes them. */
  stats: { binary: readonly string[]; multiclass: readonly string[]; regression: readonly string[] };
  /** Write the task's metrics (statsFor(task) order) for weights W into out[o ...]. Returns the total weight. */
  sweep(p: Prepared, W: Uint8Array, out: Float64Array, o: number): number;
  /**
   * sweep() for every model on the same weights, model m at out[o + m · (metrics per model)]; models
   * of one task. Binary models in the sorted-pass form with keys hash their weights with `hash`
   * and `salt` (the salt W was filled with).
   */
  sweepAll(ps: Prepared[], W: Uint8Array, out: Float64Array, o: number, hash?: WeightHash, salt?: number): void;
  /** sweepAll for two weight vectors (two resamples, salts saltW and saltV) at once, results at o and o2: bit-identical to two sweepAll calls, faster for binary. */
  sweepAllTwice(ps: Prepared[], W: Uint8Array, V: Uint8Array, out: Float64Array, o: number, o2: number, hash?: WeightHash, saltW?: number, saltV?: number): void;
  /** Runs every kernel on tiny inputs once (per instance), so large calls start in optimised code. */
  warmUp(): void;
}

export function createSweepKernels(): SweepKernels {
  // The metrics each finish step writes, in its order. Listed here, not beside the exports, because
  // a worker runs this function from its source text alone; the counts follow from the lists.
  const stats = {
    binary: ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc', 'log_loss', 'brier', 'ece', 'mce', 'recall_at_fpr', 'precision_at_recall'],
    multiclass: ['accuracy', 'balanced_accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'f1_weighted', 'log_loss', 'roc_auc_ovr_macro', 'ece', 'mce'],
    regression: ['mae', 'mse', 'rmse', 'r2', 'mape', 'max_error'],
  };
  const NB = stats.binary.length;
  const NM = stats.multiclass.length;
  const NR = stats.regression.length;
  // Accumulator of one binary model's sweep: [0] total weight, [1] weighted positives, [2] TP at
  // the cut, [3] FP at the cut, [4] 2·ROC area, [5] AP sum, [6] -Σ w·log p_y, [7] Σ w·(y - s)²,
  // [8] TP at the last threshold within the FPR limit, [9] the best precision with recall at its
  // limit (-0.5: none), [10, 11] unused, then calibration slot j at 12 + 3j: weight, weighted
  // positives, Σ w·score. (The loops write the literal 12: closure constants are re-read there.)
  const CAL = 12;
  const floor = Math.floor;
  const ceil = Math.ceil;
  const abs = Math.abs;

  function fillNaN(out: Float64Array, o: number, m: number): void {
    for (let s = 0; s < m; s++) out[o + s] = NaN;
  }

  function accFor(p: PreparedBinary): Float64Array {
    return new Float64Array(CAL + 3 * (p.bins + 1));
  }

  /** The largest integer f with f / nNeg <= maxFpr (the FPR test of src/metrics), or -1 when no point counts. */
  function fprLimit(maxFpr: number, nNeg: number): number {
    if (!(nNeg > 0) || !(maxFpr >= 0)) return -1;
    if (maxFpr >= 1) return nNeg;
    let f = floor(maxFpr * nNeg);
    while (f < nNeg && (f + 1) / nNeg <= maxFpr) f++;
    while (f > 0 && f / nNeg > maxFpr) f--;
    return f;
  }

  /** The smallest integer t with t / nPos >= minRecall (the recall test of src/metrics), Infinity when none. */
  function recallLimit(minRecall: number, nPos: number): number {
    if (!(nPos > 0) || !(minRecall <= 1)) return Infinity;
    if (minRecall <= 0) return 0;
    let t = ceil(minRecall * nPos);
    if (t > nPos) t = nPos;
    while (t > 0 && (t - 1) / nPos >= minRecall) t--;
    while (t <= nPos && t / nPos < minRecall) t++;
    return t;
  }

  // V8 notes for the loops below (measured; they decide the speed of the bootstrap):
  // - Accumulators start at -0, a heap number, so TurboFan keeps them as float64 from the
  //   start; starting at 0 (a small integer) gives int32 arithmetic with overflow checks and
  //   conversions, several times slower. -0 + x is x for every x != -0, so results are
  //   unchanged.
  // - Each loop keeps few values live. Fusing the ranking sweep and the loss sums (or the
  //   weight generation and the loss sums) into one loop runs out of registers and is slower
  //   than the separate loops together. The operating points and the calibration bins live in
  //   the ranking sweep's per-threshold branch, which runs once per distinct score.
  // - warmUp() runs every loop on tiny data first, so the first large call is compiled with
  //   complete type feedback. Without it the code compiled on the fly in the middle of a 10^6
  //   row loop (on-stack replacement) lacks feedback for branches not yet taken, deoptimises
  //   when it reaches them, and the run-to-run speed varied between 1x and 4x.

  // Weighted class totals, four rows per step: the weights and label masks read as 32-bit words,
  // their bytes summed in two 16-bit lanes (weights <= 255, so 128 words fit a lane), the lanes
  // folded into float totals after each block. About a third of the time of a byte-wise pass.
  function labelCountsTwice(Y: Uint8Array, W: Uint8Array, V: Uint8Array, c: Float64Array): void {
    const n = Y.length;
    const aligned = ((Y.byteOffset | W.byteOffset | V.byteOffset) & 3) === 0;
    const words = aligned ? n >> 2 : 0;
    const y32 = aligned ? new Int32Array(Y.buffer, Y.byteOffset, words) : new Int32Array(0);
    const w32 = aligned ? new Int32Array(W.buffer, W.byteOffset, words) : new Int32Array(0);
    const v32 = aligned ? new Int32Array(V.buffer, V.byteOffset, words) : new Int32Array(0);
    let t = -0;
    let pos = -0;
    let t2 = -0;
    let pos2 = -0;
    for (let start = 0; start < words; start += 128) {
      const end = start + 128 < words ? start + 128 : words;
      let a = 0;
      let b = 0;
      let a2 = 0;
      let b2 = 0;
      for (let j = start; j < end; j++) {
        const m = y32[j];
        const x = w32[j];
        const z = v32[j];
        const xm = x & m;
        const zm = z & m;
        a = (a + (x & 0x00ff00ff) + ((x >>> 8) & 0x00ff00ff)) | 0;
        b = (b + (xm & 0x00ff00ff) + ((xm >>> 8) & 0x00ff00ff)) | 0;
        a2 = (a2 + (z & 0x00ff00ff) + ((z >>> 8) & 0x00ff00ff)) | 0;
        b2 = (b2 + (zm & 0x00ff00ff) + ((zm >>> 8) & 0x00ff00ff)) | 0;
      }
      t += (a & 0xffff) + (a >>> 16);
      pos += (b & 0xffff) + (b >>> 16);
      t2 += (a2 & 0xffff) + (a2 >>> 16);
      pos2 += (b2 & 0xffff) + (b2 >>> 16);
    }
    for (let i = words << 2; i < n; i++) {
      const m = Y[i];
      t += W[i];
      pos += W[i] & m;
      t2 += V[i];
      pos2 += V[i] & m;
    }
    c[0] = t;
    c[1] = pos;
    c[2] = t2;
    c[3] = pos2;
  }

  /** Weighted class totals: c[o] = Σ w, c[o + 1] = Σ w over the positive rows. */
  function labelCounts(Y: Uint8Array, W: Uint8Array, c: Float64Array, o: number): void {
    const both = new Float64Array(4);
    labelCountsTwice(Y, W, W, both);
    c[o] = both[0];
    c[o + 1] = both[1];
  }

  // A ranking sweep's running values between stretches (see binaryRank): [0] Σ w, [1] Σ w over
  // positives, [2] and [3] TP and FP at the previous threshold, [4] 2·ROC area, [5] AP sum, [6] TP
  // at the last threshold within the FPR limit, [7] the best precision with recall at its limit,
  // [8] the current calibration bin's Σ w·score, [9] the group number. Doubles keep every value
  // exactly (-0 included), so a sweep cut into stretches adds what one loop would.
  const RANK_STATE = 10;
  // A keyed model's weights in its own order, when filled before its sweep (WeightHash.fill).
  let ownWeights = new Uint8Array(0);

  // The two stretch loops differ only in how a row's weight is read. Each loads the state into
  // locals, runs rows q..stop-1 and stores it back; a sweep has at most bins + 2 stretches.

  /** Weights gathered through the packed order: W[row]. */
  function stretchGather(ord: Int32Array, W: Uint8Array, G: Float64Array, q: number, stop: number, st: Float64Array, fMax: number, tMin: number): void {
    const max = Math.max;
    let cw = st[0];
    let ctp = st[1];
    let tp0 = st[2];
    let fp0 = st[3];
    let area2 = st[4];
    let ap = st[5];
    let tpFpr = st[6];
    let best = st[7];
    let cs = st[8];
    let g = st[9] | 0;
    for (; q < stop; q++) {
      const v = ord[q];
      const w = W[v >>> 2];
      cw += w;
      ctp += (v & 1) * w;
      if ((v & 2) !== 0) {
        const fp = cw - ctp;
        area2 += (fp - fp0) * (ctp + tp0);
        // As src/metrics: (tp - tp0) * (tp / (tp + fp)). Adds 0 when the group has no weighted
        // positive; the max only avoids 0 / 0 before any weight is seen (a ternary there makes
        // V8 box the value: several times slower).
        const precision = ctp / max(cw, 1);
        ap += (ctp - tp0) * precision;
        // FPR and TPR only grow down the order: the last threshold within the limit has the highest recall.
        if (fp < fMax) tpFpr = ctp;
        if (ctp > tMin && precision > best) best = precision;
        // This group's weight (cw at the previous threshold is tp0 + fp0) times its score.
        cs += (cw - (tp0 + fp0)) * G[g];
        g++;
        tp0 = ctp;
        fp0 = fp;
      }
    }
    st[0] = cw;
    st[1] = ctp;
    st[2] = tp0;
    st[3] = fp0;
    st[4] = area2;
    st[5] = ap;
    st[6] = tpFpr;
    st[7] = best;
    st[8] = cs;
    st[9] = g;
  }

  /** Weights in this order (the bootstrap's sorted passes): the weight of position q is W[q]. */
  function stretchSequential(flags: Uint8Array, W: Uint8Array, G: Float64Array, q: number, stop: number, st: Float64Array, fMax: number, tMin: number): void {
    const max = Math.max;
    let cw = st[0];
    let ctp = st[1];
    let tp0 = st[2];
    let fp0 = st[3];
    let area2 = st[4];
    let ap = st[5];
    let tpFpr = st[6];
    let best = st[7];
    let cs = st[8];
    let g = st[9] | 0;
    for (; q < stop; q++) {
      const v = flags[q];
      const w = W[q];
      cw += w;
      ctp += (v & 1) * w;
      if ((v & 2) !== 0) {
        const fp = cw - ctp;
        area2 += (fp - fp0) * (ctp + tp0);
        const precision = ctp / max(cw, 1);
        ap += (ctp - tp0) * precision;
        if (fp < fMax) tpFpr = ctp;
        if (ctp > tMin && precision > best) best = precision;
        cs += (cw - (tp0 + fp0)) * G[g];
        g++;
        tp0 = ctp;
        fp0 = fp;
      }
    }
    st[0] = cw;
    st[1] = ctp;
    st[2] = tp0;
    st[3] = fp0;
    st[4] = area2;
    st[5] = ap;
    st[6] = tpFpr;
    st[7] = best;
    st[8] = cs;
    st[9] = g;
  }

  /**
   * Ranking sweep down the sorted order, given the weighted class totals: acc[0..5], [8], [9] and
   * the calibration slots (see accFor). The weights: W gathered through `order`; or, in the
   * bootstrap's sorted-pass form (p.flags), W[q] for the first model, and for the others made from
   * p.keys with hash.fill and `salt` in their own order.
   */
  function binaryRank(p: PreparedBinary, W: Uint8Array, acc: Float64Array, total: number, nPos: number, hash?: WeightHash, salt = 0): void {
    const n = p.n;
    const cut = p.cut;
    const G = p.groupScore;
    const binLast = p.binLast;
    const binSlot = p.binSlot;
    const sorted = p.flags.length === n && n > 0;
    if (sorted && p.keys.length === n) {
      // Generated in this model's order, then read in order: a random read of W per row through
      // the order instead (10^7 rows: 10 MB of weights, twice with two threads) misses the caches
      // and the TLB, and measured about 5 times slower than both loops together; hashing inside
      // the sweep loop measured 15 % slower than the two loops.
      if (hash === undefined) throw new Error('binaryRank: a keyed model needs the weight hash');
      if (ownWeights.length < n) ownWeights = new Uint8Array(n);
      W = ownWeights.length === n ? ownWeights : ownWeights.subarray(0, n);
      hash.fill(p.keys, salt, W);
    }
    // Half-integer limits for integer counts (fp <= f exactly when fp < f + 0.5): non-integer
    // doubles, so V8 compares in float64 without converting them in the loop.
    const fMax = fprLimit(p.maxFpr, total - nPos) + 0.5;
    const tMin = recallLimit(p.minRecall, nPos) - 0.5;
    const st = new Float64Array(RANK_STATE);
    for (let j = 0; j < RANK_STATE - 1; j++) st[j] = -0;
    st[7] = -0.5;
    let tpCut = -0;
    let fpCut = -0;
    let cwBin = -0;
    let tpBin = -0;
    let e = 0;
    let q = 0;
    let cutPending = cut < n;
    // The rows run in stretches between stops (the cut, the end of each calibration bin), so the
    // per-row loop checks no positions and keeps fewer values live.
    for (;;) {
      const last = binLast[e];
      let stop = last < 0 ? n : last + 1;
      if (cutPending && cut < stop) stop = cut;
      if (sorted) stretchSequential(p.flags, W, G, q, stop, st, fMax, tMin);
      else stretchGather(p.order, W, G, q, stop, st, fMax, tMin);
      if (stop > q) q = stop;
      if (cutPending && q === cut) {
        tpCut = st[1];
        fpCut = st[0] - st[1];
        cutPending = false;
        continue;
      }
      if (last >= 0) {
        const at = 12 + 3 * binSlot[e];
        acc[at] = st[0] - cwBin;
        acc[at + 1] = st[1] - tpBin;
        acc[at + 2] = st[8];
        cwBin = st[0];
        tpBin = st[1];
        st[8] = -0;
        e++;
      }
      if (q >= n) break;
    }
    if (cut === n) {
      tpCut = st[1];
      fpCut = st[0] - st[1];
    }
    acc[0] = st[0];
    acc[1] = st[1];
    acc[2] = tpCut;
    acc[3] = fpCut;
    acc[4] = st[4];
    acc[5] = st[5];
    acc[8] = st[6];
    acc[9] = st[7];
  }

  /**
   * A constant model: every row in one group, so the sweep's values follow from the class totals
   * (the same operations on the same numbers as binaryRank would do); log loss and Brier as
   * count × term.
   */
  function binaryConstant(p: PreparedBinary, total: number, nPos: number, acc: Float64Array): void {
    const max = Math.max;
    const T = p.constTerms;
    const nNeg = total - nPos;
    acc[0] = total;
    acc[1] = nPos;
    acc[2] = p.cut === p.n ? nPos : -0;
    acc[3] = p.cut === p.n ? nNeg : 0;
    acc[4] = nNeg * nPos;
    const precision = nPos / max(total, 1);
    acc[5] = nPos * precision;
    acc[6] = -(nPos * T[0] + nNeg * T[1]);
    acc[7] = nPos * T[2] + nNeg * T[3];
    acc[8] = nNeg <= fprLimit(p.maxFpr, nNeg) ? nPos : -0;
    acc[9] = nPos >= recallLimit(p.minRecall, nPos) ? precision : -0.5;
    if (p.calValid) {
      const at = CAL + 3 * p.binSlot[0];
      acc[at] = total;
      acc[at + 1] = nPos;
      acc[at + 2] = total * T[4];
    }
  }

  /** Loss sums in row order: acc[6] = -Σ w·log p_y, acc[7] = Σ w·(y - s)². */
  function binaryLoss(p: PreparedBinary, W: Uint8Array, acc: Float64Array): void {
    const n = p.n;
    const L = p.losses;
    let logLoss = -0;
    let brier = -0;
    for (let i = 0; i < n; i++) {
      const w = W[i];
      logLoss -= w * L[2 * i];
      brier += w * L[2 * i + 1];
    }
    acc[6] = logLoss;
    acc[7] = brier;
  }

  /** binaryLoss for two models in one pass over the weights. */
  function binaryLossPair(p: PreparedBinary, r: PreparedBinary, W: Uint8Array, accP: Float64Array, accR: Float64Array): void {
    const n = p.n;
    const L = p.losses;
    const M = r.losses;
    let a = -0;
    let b = -0;
    let c = -0;
    let d = -0;
    for (let i = 0; i < n; i++) {
      const w = W[i];
      a -= w * L[2 * i];
      b += w * L[2 * i + 1];
      c -= w * M[2 * i];
      d += w * M[2 * i + 1];
    }
    accP[6] = a;
    accP[7] = b;
    accR[6] = c;
    accR[7] = d;
  }

  /**
   * binaryLossPair for two weight vectors (two resamples) in one pass: the loss terms are read
   * once for both, which halves this memory-bound pass per resample. Each sum adds the same terms
   * in the same order as binaryLossPair, so the results are bit-identical.
   */
  function binaryLossPairTwice(p: PreparedBinary, r: PreparedBinary, W: Uint8Array, V: Uint8Array, accP: Float64Array, accR: Float64Array, accP2: Float64Array, accR2: Float64Array): void {
    const n = p.n;
    const L = p.losses;
    const M = r.losses;
    let a = -0;
    let b = -0;
    let c = -0;
    let d = -0;
    let e = -0;
    let f = -0;
    let g = -0;
    let h = -0;
    for (let i = 0; i < n; i++) {
      const w = W[i];
      const v = V[i];
      const x0 = L[2 * i];
      const x1 = L[2 * i + 1];
      const y0 = M[2 * i];
      const y1 = M[2 * i + 1];
      a -= w * x0;
      b += w * x1;
      c -= w * y0;
      d += w * y1;
      e -= v * x0;
      f += v * x1;
      g -= v * y0;
      h += v * y1;
    }
    accP[6] = a;
    accP[7] = b;
    accR[6] = c;
    accR[7] = d;
    accP2[6] = e;
    accP2[7] = f;
    accR2[6] = g;
    accR2[7] = h;
  }

  /**
   * The calibration slots again, summed in row order as src/metrics/calibration.ts sums them
   * (bit-identical with unit weights; the sweep's group-wise score sums may differ in the last bits).
   */
  function binaryCalibRows(p: PreparedBinary, W: Uint8Array, acc: Float64Array): void {
    const n = p.n;
    const S = p.scores;
    const Y = p.y;
    const slot = p.rowSlot;
    for (let j = CAL; j < acc.length; j++) acc[j] = 0;
    for (let i = 0; i < n; i++) {
      const w = W[i];
      const at = 12 + 3 * slot[i];
      acc[at] += w;
      acc[at + 1] += w & Y[i];
      acc[at + 2] += w * S[i];
    }
  }

  /** ECE and MCE from calibration slots cal[o + 3j] = [weight, hits or positives, Σ w·confidence], as src/metrics/calibration.ts. */
  function calibrationErrors(cal: Float64Array, o: number, slots: number, total: number, out: Float64Array, at: number): void {
    let ece = 0;
    let mce = 0;
    for (let j = 0; j < slots; j++) {
      const cnt = cal[o + 3 * j];
      if (cnt > 0) {
        const accuracy = cal[o + 3 * j + 1] / cnt;
        const confidence = cal[o + 3 * j + 2] / cnt;
        const gap = abs(accuracy - confidence);
        ece += gap * (cnt / total);
        if (gap > mce) mce = gap;
      }
    }
    out[at] = ece;
    out[at + 1] = mce;
  }

  function binaryFinish(p: PreparedBinary, acc: Float64Array, out: Float64Array, o: number): number {
    const total = acc[0];
    if (total === 0) {
      fillNaN(out, o, NB);
      return 0;
    }
    const nPos = acc[1];
    const nNeg = total - nPos;
    // + 0: with the cut at 0 the counts there are the sweep's initial -0; src/metrics has 0.
    const tp = acc[2] + 0;
    const fp = acc[3] + 0;
    const tn = nNeg - fp;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = nPos > 0 ? tp / nPos : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const balanced = nPos > 0 && nNeg > 0 ? (tp / nPos + tn / nNeg) / 2 : nPos > 0 ? tp / nPos : tn / nNeg;
    out[o] = (tp + tn) / total;
    out[o + 1] = balanced;
    out[o + 2] = precision;
    out[o + 3] = recall;
    out[o + 4] = f1;
    out[o + 5] = nPos > 0 && nNeg > 0 ? acc[4] / (2 * nPos * nNeg) : NaN;
    out[o + 6] = nPos > 0 ? acc[5] / nPos : 0;
    out[o + 7] = acc[6] / total;
    out[o + 8] = p.brierValid ? acc[7] / total : NaN;
    if (p.calValid) calibrationErrors(acc, CAL, p.bins + 1, total, out, o + 9);
    else {
      out[o + 9] = NaN;
      out[o + 10] = NaN;
    }
    // + 0 turns -0 (no threshold within the limit) into the 0 src/metrics gives.
    out[o + 11] = nPos > 0 && nNeg > 0 && p.maxFpr >= 0 ? acc[8] / nPos + 0 : NaN;
    const minRecall = p.minRecall;
    // sklearn's closing point (precision 1, recall 0) counts when minRecall <= 0, and no precision
    // exceeds it. No positives: every other point has recall 1 (sklearn) and precision 0.
    if (minRecall <= 0) out[o + 12] = 1;
    else if (nPos === 0) out[o + 12] = minRecall <= 1 ? 0 : NaN;
    else out[o + 12] = acc[9] >= 0 ? acc[9] : NaN;
    return total;
  }

  function weightSum(W: Uint8Array): number {
    let t = 0;
    for (let i = 0; i < W.length; i++) t += W[i];
    return t;
  }

  function binary(p: PreparedBinary, W: Uint8Array, out: Float64Array, o: number): number {
    if (!p.valid) {
      fillNaN(out, o, NB);
      return weightSum(W);
    }
    const acc = accFor(p);
    const c = new Float64Array(2);
    labelCounts(p.y, W, c, 0);
    if (p.constant) binaryConstant(p, c[0], c[1], acc);
    else {
      binaryRank(p, W, acc, c[0], c[1]);
      binaryLoss(p, W, acc);
      if (p.rowSlot.length === p.n) binaryCalibRows(p, W, acc);
    }
    return binaryFinish(p, acc, out, o);
  }

  /** Every binary model on the same weights: metrics of model m at out[o + m·NB]. */
  function binaryAll(ps: PreparedBinary[], W: Uint8Array, out: Float64Array, o: number, hash?: WeightHash, salt = 0): void {
    const accs: Float64Array[] = [];
    const live: number[] = [];
    const ranked: number[] = [];
    for (let m = 0; m < ps.length; m++) {
      accs.push(accFor(ps[m]));
      if (ps[m].valid) live.push(m);
      else fillNaN(out, o + m * NB, NB);
    }
    if (live.length === 0) return;
    const c = new Float64Array(2);
    labelCounts(ps[live[0]].y, W, c, 0);
    for (const m of live) {
      if (ps[m].constant) binaryConstant(ps[m], c[0], c[1], accs[m]);
      else {
        binaryRank(ps[m], W, accs[m], c[0], c[1], hash, salt);
        ranked.push(m);
      }
    }
    let j = 0;
    for (; j + 1 < ranked.length; j += 2) binaryLossPair(ps[ranked[j]], ps[ranked[j + 1]], W, accs[ranked[j]], accs[ranked[j + 1]]);
    if (j < ranked.length) binaryLoss(ps[ranked[j]], W, accs[ranked[j]]);
    for (const m of live) binaryFinish(ps[m], accs[m], out, o + m * NB);
  }

  /** binaryAll for two weight vectors at once (two resamples): out at o and at o2; bit-identical to two binaryAll calls. */
  function binaryAllTwice(ps: PreparedBinary[], W: Uint8Array, V: Uint8Array, out: Float64Array, o: number, o2: number, hash?: WeightHash, saltW = 0, saltV = 0): void {
    const accs: Float64Array[] = [];
    const accs2: Float64Array[] = [];
    const live: number[] = [];
    const ranked: number[] = [];
    for (let m = 0; m < ps.length; m++) {
      accs.push(accFor(ps[m]));
      accs2.push(accFor(ps[m]));
      if (ps[m].valid) live.push(m);
      else {
        fillNaN(out, o + m * NB, NB);
        fillNaN(out, o2 + m * NB, NB);
      }
    }
    if (live.length === 0) return;
    const c = new Float64Array(4);
    labelCountsTwice(ps[live[0]].y, W, V, c);
    for (const m of live) {
      if (ps[m].constant) {
        binaryConstant(ps[m], c[0], c[1], accs[m]);
        binaryConstant(ps[m], c[2], c[3], accs2[m]);
      } else {
        binaryRank(ps[m], W, accs[m], c[0], c[1], hash, saltW);
        binaryRank(ps[m], V, accs2[m], c[2], c[3], hash, saltV);
        ranked.push(m);
      }
    }
    let j = 0;
    for (; j + 1 < ranked.length; j += 2) {
      const a = ranked[j];
      const b = ranked[j + 1];
      binaryLossPairTwice(ps[a], ps[b], W, V, accs[a], accs[b], accs2[a], accs2[b]);
    }
    if (j < ranked.length) {
      binaryLoss(ps[ranked[j]], W, accs[ranked[j]]);
      binaryLoss(ps[ranked[j]], V, accs2[ranked[j]]);
    }
    for (const m of live) {
      binaryFinish(ps[m], accs[m], out, o + m * NB);
      binaryFinish(ps[m], accs2[m], out, o2 + m * NB);
    }
  }

  function multiclass(p: PreparedMulticlass, W: Uint8Array, out: Float64Array, o: number): number {
    if (!p.valid) {
      fillNaN(out, o, NM);
      return weightSum(W);
    }
    const n = p.n;
    const k = p.k;
    const truth = p.truth;
    const pred = p.pred;
    const logP = p.logP;
    const conf = p.conf;
    const slot = p.slot;
    const trueCount = new Float64Array(k);
    const predCount = new Float64Array(k);
    const hitCount = new Float64Array(k);
    // Calibration slot j at 3j: weight, weighted hits, Σ w·confidence (row order, as src/metrics).
    const cal = new Float64Array(3 * (p.bins + 1));
    let total = 0;
    let logLoss = 0;
    for (let i = 0; i < n; i++) {
      const w = W[i];
      const y = truth[i];
      const pr = pred[i];
      const at = 3 * slot[i];
      trueCount[y] += w;
      predCount[pr] += w;
      cal[at] += w;
      cal[at + 2] += w * conf[i];
      if (pr === y) {
        hitCount[y] += w;
        cal[at + 1] += w;
      }
      logLoss -= w * logP[i];
      total += w;
    }
    if (total === 0) {
      fillNaN(out, o, NM);
      return 0;
    }
    let hits = 0;
    let precisionSum = 0;
    let recallSum = 0;
    let f1Sum = 0;
    let f1WeightedSum = 0;
    let presentRecallSum = 0;
    let presentClasses = 0;
    let everyClassSplit = true;
    for (let j = 0; j < k; j++) {
      hits += hitCount[j];
      const precision = predCount[j] > 0 ? hitCount[j] / predCount[j] : 0;
      const recall = trueCount[j] > 0 ? hitCount[j] / trueCount[j] : 0;
      const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      precisionSum += precision;
      recallSum += recall;
      f1Sum += f1;
      f1WeightedSum += f1 * trueCount[j];
      if (trueCount[j] > 0) {
        presentRecallSum += recall;
        presentClasses++;
      }
      if (trueCount[j] === 0 || trueCount[j] === total) everyClassSplit = false;
    }
    let rocAucOvr = NaN;
    // A constant model ties every row in each class column: each one-vs-rest AUC is exactly 0.5.
    if (everyClassSplit && p.rowsSumToOne && p.constant) rocAucOvr = 0.5;
    else if (everyClassSplit && p.rowsSumToOne) {
      const orders = p.orders;
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const start = j * n;
        let cw = 0;
        let ctp = 0;
        let tp0 = 0;
        let fp0 = 0;
        let area2 = 0;
        for (let q = start; q < start + n; q++) {
          const v = orders[q];
          const w = W[v >>> 2];
          cw += w;
          ctp += w & -(v & 1);
          if ((v & 2) !== 0) {
            const fp = cw - ctp;
            area2 += (fp - fp0) * (ctp + tp0);
            tp0 = ctp;
            fp0 = fp;
          }
        }
        sum += area2 / (2 * ctp * (cw - ctp));
      }
      rocAucOvr = sum / k;
    }
    out[o] = hits / total;
    out[o + 1] = presentRecallSum / presentClasses;
    out[o + 2] = precisionSum / k;
    out[o + 3] = recallSum / k;
    out[o + 4] = f1Sum / k;
    out[o + 5] = f1WeightedSum / total;
    out[o + 6] = logLoss / total;
    out[o + 7] = rocAucOvr;
    if (p.calValid) calibrationErrors(cal, 0, p.bins + 1, total, out, o + 8);
    else {
      out[o + 8] = NaN;
      out[o + 9] = NaN;
    }
    return total;
  }

  function regression(p: PreparedRegression, W: Uint8Array, out: Float64Array, o: number): number {
    if (!p.valid) {
      fillNaN(out, o, NR);
      return weightSum(W);
    }
    const n = p.n;
    const Y = p.y;
    const E = p.absErr;
    const A = p.ape;
    let total = 0;
    let absSum = 0;
    let sqSum = 0;
    let apeSum = 0;
    let maxError = 0;
    let ySum = 0;
    let constant = true;
    let y0 = NaN;
    for (let i = 0; i < n; i++) {
      const w = W[i];
      if (w === 0) continue;
      const e = E[i];
      const y = Y[i];
      absSum += w * e;
      sqSum += w * (e * e);
      apeSum += w * A[i];
      if (e > maxError) maxError = e;
      ySum += w * y;
      if (total === 0) y0 = y;
      else if (y !== y0) constant = false;
      total += w;
    }
    if (total === 0) {
      fillNaN(out, o, NR);
      return 0;
    }
    let r2 = NaN;
    if (total >= 2) {
      const mean = ySum / total;
      let ssTot = 0;
      if (!constant) {
        for (let i = 0; i < n; i++) {
          const d = Y[i] - mean;
          ssTot += W[i] * (d * d);
        }
      }
      if (sqSum === 0) r2 = 1;
      else if (ssTot === 0) r2 = 0;
      else r2 = 1 - sqSum / ssTot;
    }
    const mse = sqSum / total;
    out[o] = absSum / total;
    out[o + 1] = mse;
    out[o + 2] = Math.sqrt(mse);
    out[o + 3] = r2;
    out[o + 4] = apeSum / total;
    out[o + 5] = maxError;
    return total;
  }

  function sweep(p: Prepared, W: Uint8Array, out: Float64Array, o: number): number {
    if (p.task === 'binary') return binary(p, W, out, o);
    if (p.task === 'multiclass') return multiclass(p, W, out, o);
    return regression(p, W, out, o);
  }

  function sweepAll(ps: Prepared[], W: Uint8Array, out: Float64Array, o: number, hash?: WeightHash, salt?: number): void {
    if (ps.length > 0 && ps[0].task === 'binary') {
      binaryAll(ps as PreparedBinary[], W, out, o, hash, salt);
      return;
    }
    const S = ps.length === 0 ? 0 : ps[0].task === 'multiclass' ? NM : ps[0].task === 'regression' ? NR : NB;
    for (let m = 0; m < ps.length; m++) sweep(ps[m], W, out, o + m * S);
  }

  /** sweepAll for two weight vectors (two resamples): results at o and o2, bit-identical to two sweepAll calls. */
  function sweepAllTwice(ps: Prepared[], W: Uint8Array, V: Uint8Array, out: Float64Array, o: number, o2: number, hash?: WeightHash, saltW?: number, saltV?: number): void {
    if (ps.length > 0 && ps[0].task === 'binary') {
      binaryAllTwice(ps as PreparedBinary[], W, V, out, o, o2, hash, saltW, saltV);
      return;
    }
    sweepAll(ps, W, out, o);
    sweepAll(ps, V, out, o2);
  }

  let warm = false;
  function warmUp(): void {
    if (warm) return;
    warm = true;
    // Tiny inputs with the shapes prepare*() returns (same property order), covering every
    // branch: ties and distinct scores, the cut inside and at the end, zero weights, calibration
    // bin ends, constant models.
    const n = 24;
    const order = new Int32Array(n);
    const losses = new Float64Array(2 * n);
    const labels = new Uint8Array(n);
    const scores = new Float64Array(n);
    const rowSlot = new Uint8Array(n);
    const groupScore = new Float64Array(16);
    const truth = new Int32Array(n);
    const pred = new Int32Array(n);
    const logP = new Float64Array(n);
    const orders = new Int32Array(3 * n);
    const conf = new Float64Array(n);
    const slot = new Uint8Array(n);
    const y = new Float64Array(n);
    const absErr = new Float64Array(n);
    const ape = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      // Group ends where q % 3 !== 1: 16 groups, the last row ends one.
      order[q] = (((q * 7) % n) << 2) | (q % 3 === 1 ? 0 : 2) | (q % 2);
      losses[2 * q] = -0.1 * (q + 1);
      losses[2 * q + 1] = 0.01 * q;
      labels[(q * 7) % n] = q % 2 === 1 ? 255 : 0;
      scores[q] = 1 - q / n;
      rowSlot[q] = q % 16;
      truth[q] = q % 3;
      pred[q] = (q * 5) % 3;
      logP[q] = -0.2 * (q + 1);
      for (let j = 0; j < 3; j++) orders[j * n + q] = (((q * 5 + j) % n) << 2) | (q % 4 === 3 ? 0 : 2) | (((q * 5 + j) % n) % 3 === j ? 1 : 0);
      conf[q] = 0.4 + 0.02 * q;
      slot[q] = 6 + (q >> 1);
      y[q] = q % 5;
      absErr[q] = (q % 4) * 0.5;
      ape[q] = q % 4;
    }
    for (let g = 0; g < 16; g++) groupScore[g] = 1 - g / 16;
    const binLast = Int32Array.of(3, 8, 15, 23, -1);
    const binSlot = Uint8Array.of(15, 9, 4, 0, 0);
    const none = new Float64Array(0);
    const b1: PreparedBinary = {
      task: 'binary', n, valid: true, brierValid: true, calValid: true, constant: false, cut: 10, order, losses, y: labels, scores, rowSlot, groupScore, binLast, binSlot,
      bins: 15, maxFpr: 0.1, minRecall: 0.5, constTerms: new Float64Array(5), flags: new Uint8Array(0), keys: new Int32Array(0),
    };
    const b2: PreparedBinary = {
      task: 'binary', n, valid: true, brierValid: false, calValid: false, constant: false, cut: n, order, losses, y: labels, scores: none, rowSlot: new Uint8Array(0), groupScore,
      binLast: Int32Array.of(-1), binSlot: new Uint8Array(1), bins: 15, maxFpr: 0.3, minRecall: 0, constTerms: new Float64Array(5), flags: new Uint8Array(0), keys: new Int32Array(0),
    };
    const b3: PreparedBinary = {
      task: 'binary', n, valid: true, brierValid: true, calValid: true, constant: true, cut: n, order: new Int32Array(0), losses: none, y: labels, scores: none, rowSlot: new Uint8Array(0),
      groupScore: none, binLast: Int32Array.of(n - 1, -1), binSlot: Uint8Array.of(7, 0), bins: 15, maxFpr: 0.01, minRecall: 0.9, constTerms: Float64Array.of(-0.7, -0.6, 0.3, 0.2, 0.5),
      flags: new Uint8Array(0), keys: new Int32Array(0),
    };
    // The bootstrap's sorted-pass form: the first model (weights W[q]) and a keyed one.
    const flags = new Uint8Array(n);
    const keys = new Int32Array(n);
    for (let q = 0; q < n; q++) {
      flags[q] = order[q] & 3;
      keys[q] = Math.imul(q + 1, 0x9e3779b9);
    }
    const noOrder = new Int32Array(0);
    const s1: PreparedBinary = { ...b1, order: noOrder, scores: none, rowSlot: new Uint8Array(0), flags, keys: new Int32Array(0) };
    const s2: PreparedBinary = { ...b1, order: noOrder, scores: none, rowSlot: new Uint8Array(0), flags, keys, cut: n, binLast: Int32Array.of(5, 20, -1), binSlot: Uint8Array.of(9, 3, 0) };
    const hash: WeightHash = {
      fill: (k, salt, out) => {
        for (let q = 0; q < k.length; q++) out[q] = (k[q] + salt) & 3;
      },
    };
    const mc: PreparedMulticlass = { task: 'multiclass', n, k: 3, valid: true, rowsSumToOne: true, calValid: true, constant: false, truth, pred, logP, orders, conf, slot, bins: 15 };
    const mc2: PreparedMulticlass = { task: 'multiclass', n, k: 3, valid: true, rowsSumToOne: true, calValid: true, constant: true, truth, pred, logP, orders: new Int32Array(0), conf, slot, bins: 15 };
    const rg: PreparedRegression = { task: 'regression', n, valid: true, y, absErr, ape };
    const W = new Uint8Array(n);
    const W2 = new Uint8Array(n);
    const out = new Float64Array(6 * NB);
    for (let r = 0; r < 3000; r++) {
      for (let i = 0; i < n; i++) {
        W[i] = (i * 7 + r) % 4;
        W2[i] = (i * 5 + r) % 3;
      }
      if (r % 97 === 0) W.fill(0);
      sweepAll([b1, b2, b3], W, out, 0);
      sweepAllTwice([b1, b2, b3], W, W2, out, 0, 3 * NB);
      sweepAllTwice([s1, s2, b3], W, W2, out, 0, 3 * NB, hash, r, r + 1);
      if (r % 5 === 0) sweepAll([s1, s2, b3], W, out, 0, hash, r);
      if (r % 3 === 0) {
        sweepAllTwice([b1, b2], W, W2, out, 0, 2 * NB);
        sweep(b1, W, out, 0);
        sweep(b3, W, out, 0);
        sweep(mc, W, out, 0);
        sweep(mc2, W, out, 0);
        sweep(rg, W, out, 0);
      }
    }
  }

  return { stats, sweep, sweepAll, sweepAllTwice, warmUp };
}

/** Integer weights in 0..255 as a Uint8Array; RangeError otherwise. */
export function toWeights(weights: ArrayLike<number>, n: number): Uint8Array {
  if (weights.length !== n) throw new RangeError(`${weights.length} weights for ${n} rows`);
  const W = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!Number.isInteger(w) || w < 0 || w > 255) throw new RangeError(`weight ${i} is ${w}; weights are integers in 0..255`);
    W[i] = w;
  }
  return W;
}

function record(task: StatsTask, p: Prepared, W: Uint8Array): Record<string, number> {
  const names = statsFor(task);
  const out = new Float64Array(names.length);
  const total = kernels.sweep(p, W, out, 0);
  const result: Record<string, number> = {};
  names.forEach((name, s) => {
    result[name] = out[s];
  });
  result.example_count = total;
  return result;
}

/**
 * binaryMetrics, calibration's ece and mce, and imbalanceMetrics (src/metrics) on the data with
 * row i repeated weights[i] times.
 */
export function weightedBinaryMetrics(yTrue: ArrayLike<number>, score: Float64Array, weights: ArrayLike<number>, threshold = 0.5, options: PrepareOptions = {}): Record<string, number> {
  const W = toWeights(weights, yTrue.length);
  return record('binary', prepareBinary(yTrue, score, threshold, false, options), W);
}

/** multiclassMetrics and calibration's ece and mce (src/metrics) on the data with row i repeated weights[i] times. */
export function weightedMulticlassMetrics(yTrue: ArrayLike<number>, probs: Float64Array, k: number, weights: ArrayLike<number>, options: PrepareOptions = {}): Record<string, number> {
  const W = toWeights(weights, yTrue.length);
  return record('multiclass', prepareMulticlass(yTrue, probs, k, false, options), W);
}

/** regressionMetrics (src/metrics) on the data with row i repeated weights[i] times. */
export function weightedRegressionMetrics(yTrue: Float64Array, yPred: Float64Array, weights: ArrayLike<number>): Record<string, number> {
  const W = toWeights(weights, yTrue.length);
  return record('regression', prepareRegression(yTrue, yPred), W);
}

/** The sweep kernels of this module (the bootstrap's single-thread path uses the same instance). */
export const sweepKernels: SweepKernels = kernels;
