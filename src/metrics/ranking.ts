// Threshold-free ranking metrics: ROC AUC and average precision, defined as scikit-learn 1.2.1's
// roc_auc_score (trapezoid over distinct thresholds) and average_precision_score (step sum over
// distinct thresholds).
//
// Speed: rather than sorting an index array with a comparator, the scores are split by class
// into two Float64Arrays and each is sorted by a radix sort on the IEEE bits (data/sorted.ts: the
// order of the native numeric TypedArray sort, no per-row objects). A descending merge of the two
// then visits each distinct threshold once, which is exactly sklearn's _binary_clf_curve.
//
// Degenerate cases:
// - Any non-finite score (sklearn's check_array rejects NaN and +-Infinity): both NaN. Checked
//   in O(1) after sorting, because the typed sort puts -Infinity first and NaN last.
// - Labels and scores of different lengths: both NaN (sklearn raises).
// - ROC AUC is NaN when either class is absent (sklearn raises "Only one class present").
// - Average precision is 0 when there are no positives (sklearn 1.2.1 sets recall to 1 for every
//   threshold, warns, and returns -0.0) and 1 when there are no negatives.
// - Empty input: both NaN.

import { sortNumbers } from '../data/sorted.js';

export interface RankingSummary {
  rocAuc: number;
  averagePrecision: number;
}

/** Scores split by class, each sorted ascending. */
export interface SplitScores {
  pos: Float64Array;
  neg: Float64Array;
}

/**
 * Split scores[offset + i * stride] by whether labels[i] === positive, each part sorted ascending.
 * The stride lets a column of a row-major probability matrix be read without copying it first.
 */
export function splitSorted(
  labels: ArrayLike<number>,
  positive: number,
  scores: ArrayLike<number>,
  stride = 1,
  offset = 0
): SplitScores {
  const n = labels.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] === positive) nPos++;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(n - nPos);
  let p = 0;
  let q = 0;
  for (let i = 0, at = offset; i < n; i++, at += stride) {
    if (labels[i] === positive) pos[p++] = scores[at];
    else neg[q++] = scores[at];
  }
  return { pos: sortedKeepingNaN(pos), neg: sortedKeepingNaN(neg) };
}

/** Ascending as Float64Array.prototype.sort orders it (NaN last), by the radix sort: 2–3× faster on large inputs. */
function sortedKeepingNaN(a: Float64Array): Float64Array {
  const sorted = sortNumbers(a);
  if (sorted.length === a.length) return sorted;
  const out = new Float64Array(a.length).fill(NaN);
  out.set(sorted);
  return out;
}

/** ROC AUC and average precision from scores already split by class and sorted ascending. */
export function rankingFromSorted({ pos, neg }: SplitScores): RankingSummary {
  const nPos = pos.length;
  const nNeg = neg.length;
  if (nPos + nNeg === 0 || !allFiniteSorted(pos) || !allFiniteSorted(neg)) {
    return { rocAuc: NaN, averagePrecision: NaN };
  }
  let i = nPos - 1;
  let j = nNeg - 1;
  let tp = 0;
  let fp = 0;
  // Twice the trapezoid area in (fp, tp) counts: an integer below 2^53 for any realistic n,
  // so the ROC AUC is exact up to the final division.
  let area2 = 0;
  let ap = 0;
  while (i >= 0 || j >= 0) {
    // Next distinct threshold, descending. -0 and +0 compare equal, as in numpy.
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : pos[i] > neg[j] ? pos[i] : neg[j];
    const tp0 = tp;
    const fp0 = fp;
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    area2 += (fp - fp0) * (tp + tp0);
    // Step sum: (recall_t - recall_{t-1}) * precision_t, recall scaled by nPos at the end.
    if (tp > tp0) ap += (tp - tp0) * (tp / (tp + fp));
  }
  return {
    rocAuc: nPos > 0 && nNeg > 0 ? area2 / (2 * nPos * nNeg) : NaN,
    averagePrecision: nPos > 0 ? ap / nPos : 0,
  };
}

function allFiniteSorted(a: Float64Array): boolean {
  return a.length === 0 || (Number.isFinite(a[0]) && Number.isFinite(a[a.length - 1]));
}

/** sklearn roc_auc_score for 0/1 labels (1 = positive). NaN when a class is absent or n = 0. */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  if (yTrue.length !== score.length) return NaN;
  return rankingFromSorted(splitSorted(yTrue, 1, score)).rocAuc;
}

/** sklearn average_precision_score for 0/1 labels. 0 when no positives; NaN when n = 0. */
export function averagePrecision(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  if (yTrue.length !== score.length) return NaN;
  return rankingFromSorted(splitSorted(yTrue, 1, score)).averagePrecision;
}
