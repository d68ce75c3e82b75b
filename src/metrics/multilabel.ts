// Multilabel classification metrics, each defined as scikit-learn 1.2.1 defines it on a
// multilabel-indicator target, from a row-major n×L 0/1 matrix of true labels and an n×L matrix of
// per-label scores. The predicted indicator is score >= threshold (default 0.5).
//
// - precision/recall/f1 per label and *_micro / *_macro: precision_recall_fscore_support with
//   average=None / 'micro' / 'macro' (default zero_division='warn', which returns 0.0). Every one of
//   the L labels counts in the macro mean, including labels with no positives and no predictions
//   (they contribute 0, as in sklearn). F1 is formed from the rounded precision and recall
//   (2·P·R / (P + R), 0 when P + R = 0), as sklearn 1.2.1 does; micro F1 from the micro P and R.
// - roc_auc per label: roc_auc_score on that column. roc_auc_macro: roc_auc_score(average='macro'),
//   the mean of the per-label values. roc_auc_micro: roc_auc_score(average='micro'), one ROC AUC over
//   all n·L (label, score) cells.
// - subset_accuracy: accuracy_score(Y, Ŷ), the share of rows whose L predicted labels all match.
// - hamming_loss: hamming_loss(Y, Ŷ), mismatching cells / (n·L).
// - support per label: the number of rows with that label (sklearn's true_sum).
//
// Degenerate cases (never throws):
// - Invalid input — L not an integer >= 1, labels.length !== L, yTrue.length !== scores.length or
//   not a multiple of L, a label other than 0/1, a non-finite score, a NaN threshold — every metric
//   NaN except example_count (yTrue.length / L rounded down, or 0), and every per-label value NaN.
// - Empty input (n = 0): every metric NaN, example_count 0, supports 0.
// - A label with only one class in its column (no positives, or only positives): its roc_auc is NaN
//   and so is roc_auc_macro (sklearn raises "Only one class present in y_true"); its precision,
//   recall and f1 follow zero_division (0). roc_auc_micro is NaN only when all n·L cells are one class.
//
// Cost: O(n·L) for the counts plus O(n·L·log(n·L)) for the ROC AUC sorts.

import { rankingFromSorted, splitSorted } from './ranking.js';

export const MULTILABEL_METRICS = [
  'precision_micro',
  'recall_micro',
  'f1_micro',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'roc_auc_micro',
  'roc_auc_macro',
  'subset_accuracy',
  'hamming_loss',
  'example_count',
] as const;

export interface MultilabelLabelMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
  /** Rows whose true labels include this one. */
  support: number;
}

export interface MultilabelResult {
  /** The averages, keyed by MULTILABEL_METRICS. */
  metrics: Record<string, number>;
  /** One entry per label, in column order. */
  perLabel: MultilabelLabelMetrics[];
}

function f1Of(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

function invalid(n: number, L: number, labels: readonly string[]): MultilabelResult {
  const metrics: Record<string, number> = {};
  for (const key of MULTILABEL_METRICS) metrics[key] = NaN;
  metrics.example_count = n;
  const count = Number.isInteger(L) && L > 0 ? L : 0;
  const perLabel: MultilabelLabelMetrics[] = [];
  for (let j = 0; j < count; j++) {
    perLabel.push({ label: labels[j] ?? String(j), precision: NaN, recall: NaN, f1: NaN, roc_auc: NaN, support: NaN });
  }
  return { metrics, perLabel };
}

export function multilabelMetrics(
  yTrue: Uint8Array,
  scores: Float64Array,
  L: number,
  labels: readonly string[],
  threshold = 0.5
): MultilabelResult {
  if (!Number.isInteger(L) || L < 1) return invalid(0, L, labels);
  const cells = yTrue.length;
  const n = Math.floor(cells / L);
  if (scores.length !== cells || cells % L !== 0 || labels.length !== L || Number.isNaN(threshold)) {
    return invalid(n, L, labels);
  }

  const tp = new Float64Array(L);
  const predCount = new Float64Array(L);
  const trueCount = new Float64Array(L);
  let exactRows = 0;
  let mismatches = 0;
  for (let i = 0, at = 0; i < n; i++) {
    let rowMatches = true;
    for (let j = 0; j < L; j++, at++) {
      const y = yTrue[at];
      const s = scores[at];
      if (y > 1 || !Number.isFinite(s)) return invalid(n, L, labels);
      const pred = s >= threshold ? 1 : 0;
      trueCount[j] += y;
      predCount[j] += pred;
      if (pred === 1 && y === 1) tp[j]++;
      if (pred !== y) {
        mismatches++;
        rowMatches = false;
      }
    }
    if (rowMatches) exactRows++;
  }
  if (n === 0) {
    const empty = invalid(0, L, labels);
    for (const entry of empty.perLabel) entry.support = 0;
    return empty;
  }

  const perLabel: MultilabelLabelMetrics[] = [];
  let tpAll = 0;
  let predAll = 0;
  let trueAll = 0;
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  let aucSum = 0;
  const column = new Uint8Array(n);
  for (let j = 0; j < L; j++) {
    const precision = predCount[j] > 0 ? tp[j] / predCount[j] : 0;
    const recall = trueCount[j] > 0 ? tp[j] / trueCount[j] : 0;
    const f1 = f1Of(precision, recall);
    for (let i = 0; i < n; i++) column[i] = yTrue[i * L + j];
    const rocAuc = rankingFromSorted(splitSorted(column, 1, scores, L, j)).rocAuc;
    perLabel.push({ label: labels[j], precision, recall, f1, roc_auc: rocAuc, support: trueCount[j] });
    tpAll += tp[j];
    predAll += predCount[j];
    trueAll += trueCount[j];
    precisionSum += precision;
    recallSum += recall;
    f1Sum += f1;
    aucSum += rocAuc; // NaN for any single-class label makes the macro mean NaN, as sklearn raises
  }

  const precisionMicro = predAll > 0 ? tpAll / predAll : 0;
  const recallMicro = trueAll > 0 ? tpAll / trueAll : 0;
  const metrics: Record<string, number> = {
    precision_micro: precisionMicro,
    recall_micro: recallMicro,
    f1_micro: f1Of(precisionMicro, recallMicro),
    precision_macro: precisionSum / L,
    recall_macro: recallSum / L,
    f1_macro: f1Sum / L,
    roc_auc_micro: rankingFromSorted(splitSorted(yTrue, 1, scores)).rocAuc,
    roc_auc_macro: aucSum / L,
    subset_accuracy: exactRows / n,
    hamming_loss: mismatches / cells,
    example_count: n,
  };
  return { metrics, perLabel };
}
