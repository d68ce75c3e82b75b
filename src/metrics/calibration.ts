// Calibration error (ECE and MCE) with equal-width confidence bins, defined as torchmetrics defines
// binary_calibration_error / multiclass_calibration_error (norm 'l1' for ECE, 'max' for MCE), in
// float64 throughout.
//
// What is compared:
// - binary: the confidence is P(y = 1) (the score itself) and the "accuracy" of a bin is the
//   observed frequency of y = 1 in it (torchmetrics: confidences = preds, accuracies = target).
// - multiclass: the confidence is the top-label probability max_j p_ij and the accuracy of a bin is
//   the share of its rows whose argmax (first index on ties, as torch.max(dim=1)) is the true class.
//
// Bins (torchmetrics: torch.bucketize(confidence, linspace(0, 1, bins + 1), right=True) - 1, over
// arrays with bins + 1 slots):
// - Edges e_j = j / bins, the float64 division correctly rounded (so the edge 3/10 is the double
//   0.3; numpy.linspace would give 3 · 0.1 = 0.30000000000000004). Bin j, for j = 0 .. bins - 1,
//   holds e_j <= c < e_{j+1}: a confidence exactly on an interior edge falls into the bin ABOVE it
//   (right=True), and 0 falls into bin 0.
// - A confidence of exactly 1 falls into a final point bin [1, 1] (bucketize returns bins + 1 for
//   it, so torchmetrics keeps it in an extra slot rather than in the last interval). The table
//   therefore has bins + 1 rows; the last is { lower: 1, upper: 1 }.
// - Difference from torchmetrics, stated rather than hidden: torchmetrics builds the edges with a
//   float32 torch.linspace (edge 3/15 is 0.20000001788…) and casts multiclass confidences to
//   float32, so a confidence within ~1e-7 of an interior edge can land on the other side there, and
//   its values differ from these by float32 rounding (~1e-7).
//
// ECE = Σ_j (count_j / n) · |accuracy_j − confidence_j|; MCE = max_j |accuracy_j − confidence_j|
// over the non-empty bins (torchmetrics fills empty bins with 0, which never raises the maximum).
//
// Degenerate cases (never throws):
// - Empty input: ece and mce NaN; the table has its bins + 1 rows with count 0.
// - Invalid input — bins not an integer >= 1, a label other than 0/1 (binary) or outside 0..k-1
//   (multiclass), k not an integer >= 2, probs.length !== n (binary) or n·k (multiclass), a
//   probability that is not finite or lies outside [0, 1] — ece and mce NaN and an empty table.
//   (torchmetrics treats values outside [0, 1] as logits and applies sigmoid/softmax; here
//   probabilities are required and anything else is refused.)
// - Multiclass rows need not sum to 1 (torchmetrics does not check either).
// - Empty bins: count 0, confidence and accuracy NaN in the table (torchmetrics reports 0); they
//   contribute nothing to ECE or MCE.
// - A single class in y_true is fine: every value stays defined.
//
// Cost: one pass over the rows, O(n) (O(n·k) for multiclass) plus O(bins).

export interface CalibrationBin {
  /** Inclusive lower edge. */
  lower: number;
  /** Exclusive upper edge, except the final point bin [1, 1], where lower = upper = 1. */
  upper: number;
  count: number;
  /** Mean confidence in the bin; NaN when the bin is empty. */
  confidence: number;
  /** Binary: frequency of y = 1; multiclass: top-label accuracy. NaN when the bin is empty. */
  accuracy: number;
}

export interface CalibrationResult {
  /** Expected calibration error (torchmetrics norm 'l1'). */
  ece: number;
  /** Maximum calibration error (torchmetrics norm 'max'). */
  mce: number;
  /** bins + 1 rows: bins intervals [j/bins, (j+1)/bins) and the point bin [1, 1]. */
  table: CalibrationBin[];
}

export interface CalibrationOptions {
  task: 'binary' | 'multiclass';
  /** Number of classes (multiclass only; probs is row-major n×k). */
  k?: number;
  /** Number of equal-width bins on [0, 1]. Default 15, as torchmetrics. */
  bins?: number;
}

export const CALIBRATION_DEFAULT_BINS = 15;

export const CALIBRATION_METRICS = ['ece', 'mce'] as const;

function invalid(): CalibrationResult {
  return { ece: NaN, mce: NaN, table: [] };
}

// The edges j / bins of the last bin count asked for: binOf runs once or twice per row when the
// bootstrap prepares a model (10^7 rows), and a load is cheaper than a division. The same doubles,
// so the same bins.
let edgeBins = 0;
let edges = new Float64Array(0);

/** The bin of confidence c in [0, 1]: e_j <= c < e_{j+1}, or `bins` for c = 1. */
export function binOf(c: number, bins: number): number {
  if (bins !== edgeBins) {
    if (!(Number.isInteger(bins) && bins >= 1 && bins <= 4096)) return binOfDividing(c, bins);
    edges = new Float64Array(bins + 1);
    for (let j = 0; j <= bins; j++) edges[j] = j / bins;
    edgeBins = bins;
  }
  let j = Math.floor(c * bins);
  if (!(j >= 0)) return binOfDividing(c, bins); // c < 0 or NaN: outside the table
  if (j > bins) j = bins;
  // c * bins can round across an edge; settle against the edges themselves (j / bins).
  while (j < bins && c >= edges[j + 1]) j++;
  while (j > 0 && c < edges[j]) j--;
  return j;
}

function binOfDividing(c: number, bins: number): number {
  let j = Math.floor(c * bins);
  if (j > bins) j = bins;
  while (j < bins && c >= (j + 1) / bins) j++;
  while (j > 0 && c < j / bins) j--;
  return j;
}

export function calibration(
  yTrue: ArrayLike<number>,
  probs: Float64Array,
  options: CalibrationOptions
): CalibrationResult {
  const bins = options.bins ?? CALIBRATION_DEFAULT_BINS;
  if (!Number.isInteger(bins) || bins < 1) return invalid();
  const n = yTrue.length;
  const slots = bins + 1;
  const count = new Float64Array(slots);
  const confSum = new Float64Array(slots);
  const accSum = new Float64Array(slots);

  if (options.task === 'binary') {
    if (probs.length !== n) return invalid();
    for (let i = 0; i < n; i++) {
      const y = yTrue[i];
      const c = probs[i];
      if ((y !== 0 && y !== 1) || !(c >= 0 && c <= 1)) return invalid();
      const j = binOf(c, bins);
      count[j]++;
      confSum[j] += c;
      accSum[j] += y;
    }
  } else if (options.task === 'multiclass') {
    const k = options.k;
    if (k === undefined || !Number.isInteger(k) || k < 2 || probs.length !== n * k) return invalid();
    for (let i = 0; i < n; i++) {
      const y = yTrue[i];
      if (!Number.isInteger(y) || y < 0 || y >= k) return invalid();
      const base = i * k;
      let best = 0;
      let c = probs[base];
      for (let m = 0; m < k; m++) {
        const p = probs[base + m];
        if (!(p >= 0 && p <= 1)) return invalid();
        if (p > c) {
          c = p;
          best = m;
        }
      }
      const j = binOf(c, bins);
      count[j]++;
      confSum[j] += c;
      if (best === y) accSum[j]++;
    }
  } else {
    return invalid();
  }

  const table: CalibrationBin[] = [];
  let ece = 0;
  let mce = 0;
  for (let j = 0; j < slots; j++) {
    const cnt = count[j];
    const confidence = cnt > 0 ? confSum[j] / cnt : NaN;
    const accuracy = cnt > 0 ? accSum[j] / cnt : NaN;
    if (cnt > 0) {
      const gap = Math.abs(accuracy - confidence);
      ece += gap * (cnt / n);
      if (gap > mce) mce = gap;
    }
    table.push({
      lower: j < bins ? j / bins : 1,
      upper: j < bins ? (j + 1) / bins : 1,
      count: cnt,
      confidence,
      accuracy,
    });
  }
  if (n === 0) return { ece: NaN, mce: NaN, table };
  return { ece, mce, table };
}
