// Operating-point metrics for heavily imbalanced binary problems (fraud), read off scikit-learn
// 1.2.1's curves, from 0/1 labels (1 = positive) and scores (any finite real; only the order and
// ties matter).
//
// - recall_at_fpr: the highest recall (TPR) among the points of roc_curve(y, score,
//   drop_intermediate=False) whose FPR <= maxFpr (default 0.01). The curve starts at (0, 0) (sklearn
//   prepends it), so the value is at least 0 whenever maxFpr >= 0.
// - precision_at_recall: the highest precision among the points of precision_recall_curve(y, score)
//   whose recall >= minRecall (default 0.9). The curve includes sklearn's final point
//   (precision 1, recall 0), which only counts when minRecall <= 0.
//
// Both curves have one point per distinct score (tied scores move together, as in sklearn's
// _binary_clf_curve) and FPR, TPR, recall and precision are the same float64 quotients sklearn forms
// (fp / N, tp / P, tp / (tp + fp)), so a point exactly on the limit (e.g. 1 false positive in 100
// negatives against maxFpr 0.01) counts.
//
// Degenerate cases (never throws):
// - Empty input, lengths differ, a label other than 0/1, a non-finite score, or a NaN limit: NaN.
// - No positives: recall_at_fpr NaN (sklearn's TPR is 0/0 = NaN). precision_at_recall is 0 for
//   minRecall in (0, 1]: sklearn 1.2.1 sets recall to 1 at every threshold and precision is 0 there.
// - No negatives: recall_at_fpr NaN (sklearn's FPR is 0/0 = NaN, so no point qualifies).
// - No point qualifies (maxFpr < 0, minRecall > 1): NaN.
//
// Cost: O(n log n) for the two typed-array sorts, then one merge.

import { splitSorted, type SplitScores } from './ranking.js';
import { numberDefault } from '../settings/inputs.js';

export const IMBALANCE_METRICS = ['recall_at_fpr', 'precision_at_recall'] as const;

/** The recall-at-fpr and precision-at-recall inputs' defaults (0.01 and 0.9). */
export const DEFAULT_MAX_FPR = numberDefault('recall-at-fpr');
export const DEFAULT_MIN_RECALL = numberDefault('precision-at-recall');

export interface ImbalanceOptions {
  /** recall_at_fpr: the largest false positive rate allowed. Default DEFAULT_MAX_FPR (0.01). */
  maxFpr?: number;
  /** precision_at_recall: the smallest recall required. Default DEFAULT_MIN_RECALL (0.9). */
  minRecall?: number;
}

/** Labels and scores checked and split by class, or null when invalid or empty (binaryMetrics can share it). */
export function splitChecked(yTrue: ArrayLike<number>, score: ArrayLike<number>): SplitScores | null {
  const n = yTrue.length;
  if (n === 0 || score.length !== n) return null;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i];
    if ((y !== 0 && y !== 1) || !Number.isFinite(score[i])) return null;
  }
  return splitSorted(yTrue, 1, score);
}

/**
 * Visit sklearn's _binary_clf_curve points in descending threshold order: (tp, fp) cumulative
 * counts after including every score >= each distinct threshold.
 */
function sweep({ pos, neg }: SplitScores, visit: (tp: number, fp: number) => boolean | void): void {
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : pos[i] > neg[j] ? pos[i] : neg[j];
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    if (visit(tp, fp) === false) return;
  }
}

function recallAtFprSorted(sorted: SplitScores, maxFpr: number): number {
  const nPos = sorted.pos.length;
  const nNeg = sorted.neg.length;
  if (nPos === 0 || nNeg === 0 || Number.isNaN(maxFpr)) return NaN;
  if (!(0 <= maxFpr)) return NaN; // even (0, 0) has FPR 0 > maxFpr
  let best = 0;
  sweep(sorted, (tp, fp) => {
    // FPR and TPR only grow along the sweep: stop at the first point past the limit.
    if (!(fp / nNeg <= maxFpr)) return false;
    best = tp / nPos;
  });
  return best;
}

function precisionAtRecallSorted(sorted: SplitScores, minRecall: number): number {
  const nPos = sorted.pos.length;
  if (Number.isNaN(minRecall)) return NaN;
  // sklearn's closing point (precision 1, recall 0).
  let best = 0 >= minRecall ? 1 : -Infinity;
  sweep(sorted, (tp, fp) => {
    const recall = nPos === 0 ? 1 : tp / nPos;
    if (recall >= minRecall) {
      const precision = tp / (tp + fp);
      if (precision > best) best = precision;
    }
  });
  return best === -Infinity ? NaN : best;
}

/** Highest recall over ROC points (drop_intermediate=False) with FPR <= maxFpr. */
export function recallAtFpr(yTrue: ArrayLike<number>, score: ArrayLike<number>, maxFpr = DEFAULT_MAX_FPR): number {
  const sorted = splitChecked(yTrue, score);
  return sorted === null ? NaN : recallAtFprSorted(sorted, maxFpr);
}

/** Highest precision over precision_recall_curve points with recall >= minRecall. */
export function precisionAtRecall(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  minRecall = DEFAULT_MIN_RECALL
): number {
  const sorted = splitChecked(yTrue, score);
  return sorted === null ? NaN : precisionAtRecallSorted(sorted, minRecall);
}

/** Both metrics from one sort: { recall_at_fpr, precision_at_recall }. */
export function imbalanceMetrics(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  options: ImbalanceOptions = {},
  /** splitChecked(yTrue, score), when the caller already has it. */
  given?: SplitScores | null
): Record<(typeof IMBALANCE_METRICS)[number], number> {
  const sorted = given === undefined ? splitChecked(yTrue, score) : given;
  if (sorted === null) return { recall_at_fpr: NaN, precision_at_recall: NaN };
  return {
    recall_at_fpr: recallAtFprSorted(sorted, options.maxFpr ?? DEFAULT_MAX_FPR),
    precision_at_recall: precisionAtRecallSorted(sorted, options.minRecall ?? DEFAULT_MIN_RECALL),
  };
}

/** The fewest rows of one class that resolve a rate limit: the smallest n with `ok(n)`, from an estimate. */
function fewestRows(estimate: number, ok: (n: number) => boolean): number {
  let n = Math.max(1, Number.isFinite(estimate) ? Math.ceil(estimate) : 1);
  while (n > 1 && ok(n - 1)) n--;
  while (!ok(n) && n < 1e9) n++;
  return n;
}

/**
 * Operating points the data cannot resolve, with the reason: a metric listed here measures
 * something else than its name says, and must not raise a finding.
 * - recall_at_fpr needs room for at least one false positive (1 / negatives <= maxFpr, the
 *   kernel's own comparison): with fewer negatives, FPR 1 % means no false positive at all, so
 *   the value is the recall above the single highest-scored negative (e.g. 1 % with 42 negatives).
 * - precision_at_recall needs room for at least one missed positive ((positives − 1) / positives
 *   >= minRecall): with fewer positives, recall 90 % means every positive, so the value is decided
 *   by the lowest-scored positive.
 */
export function unreliableOperatingPoints(yTrue: ArrayLike<number>, options: ImbalanceOptions = {}): Partial<Record<(typeof IMBALANCE_METRICS)[number], string>> {
  const maxFpr = options.maxFpr ?? DEFAULT_MAX_FPR;
  const minRecall = options.minRecall ?? DEFAULT_MIN_RECALL;
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === 1) positives++;
  const negatives = yTrue.length - positives;
  const out: Partial<Record<(typeof IMBALANCE_METRICS)[number], string>> = {};
  const fprOk = (n: number): boolean => 1 / n <= maxFpr;
  if (!(negatives > 0 && fprOk(negatives)) && maxFpr > 0 && maxFpr < 1) {
    out.recall_at_fpr = `${negatives} negatives cannot resolve a false-positive rate of ${percent(maxFpr)} (at least ${fewestRows(1 / maxFpr, fprOk)} are needed)`;
  }
  const recallOk = (n: number): boolean => (n - 1) / n >= minRecall;
  if (!(positives > 0 && recallOk(positives)) && minRecall > 0 && minRecall < 1) {
    out.precision_at_recall = `${positives} positives cannot resolve a recall of ${percent(minRecall)} (at least ${fewestRows(1 / (1 - minRecall), recallOk)} are needed)`;
  }
  return out;
}

function percent(v: number): string {
  return `${Number((v * 100).toPrecision(4))} %`;
}
