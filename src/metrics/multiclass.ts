// Multiclass metrics, each defined as scikit-learn 1.2.1 defines it with labels=range(k), from
// class indices and a row-major n×k probability matrix. The predicted class is the argmax, first
// index on ties (numpy argmax).
//
// Classes absent from both y_true and y_pred: they are among labels=range(k), so, as in sklearn,
// they count in the macro averages with precision = recall = f1 = 0 (zero_division='warn' gives
// 0.0), pulling the average down; they get weight 0 in f1_weighted. balanced_accuracy is the mean
// recall over the classes present in y_true only (sklearn's balanced_accuracy_score has no labels
// argument and drops classes with no true samples).
//
// Degenerate cases (never throws):
// - Invalid input — k not an integer >= 2, probs.length !== n*k, a label outside 0..k-1, a
//   non-finite probability — every metric NaN except example_count (sklearn raises).
// - Empty input: every metric NaN, example_count 0.
// - roc_auc_ovr_macro is NaN when some class has no true samples, or every sample is one class
//   (sklearn raises "Only one class present"), or a row's probabilities do not sum to 1 by
//   np.allclose (|1 - sum| <= 1e-8 + 1e-5·|sum|; sklearn raises).
//   For k = 2 sklearn refuses a 2-column score array on shape alone; here the value is the same
//   one-vs-rest mean as for k >= 3 (the mean of both per-class binary ROC AUCs).
// - log_loss is log_loss(eps=1e-15, labels=range(k)): clipped, rows renormalised, and defined
//   even when only one class occurs in y_true.

import { LOG_LOSS_EPS } from './binary.js';
import { rankingFromSorted, splitSorted } from './ranking.js';

export const MULTICLASS_METRICS = [
  'accuracy',
  'balanced_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'f1_weighted',
  'log_loss',
  'roc_auc_ovr_macro',
  'example_count',
] as const;

function allNaN(n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of MULTICLASS_METRICS) out[key] = NaN;
  out.example_count = n;
  return out;
}

/** numpy argmax of row `row`: the first index holding the maximum. */
export function argmaxRow(probs: Float64Array, row: number, k: number): number {
  const base = row * k;
  let best = 0;
  let bestValue = probs[base];
  for (let j = 1; j < k; j++) {
    if (probs[base + j] > bestValue) {
      bestValue = probs[base + j];
      best = j;
    }
  }
  return best;
}

export function multiclassMetrics(yTrue: Int32Array, probs: Float64Array, k: number): Record<string, number> {
  const n = yTrue.length;
  if (!Number.isInteger(k) || k < 2 || probs.length !== n * k || n === 0) return allNaN(n);
  for (let i = 0; i < probs.length; i++) if (!Number.isFinite(probs[i])) return allNaN(n);

  const trueCount = new Float64Array(k);
  const predCount = new Float64Array(k);
  const hitCount = new Float64Array(k);
  let hits = 0;
  let logLoss = 0;
  let rowsSumToOne = true;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i];
    if (y < 0 || y >= k) return allNaN(n);
    const pred = argmaxRow(probs, i, k);
    trueCount[y]++;
    predCount[pred]++;
    if (pred === y) {
      hitCount[y]++;
      hits++;
    }
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
    logLoss -= Math.log(clippedY / clippedSum);
    if (!(Math.abs(1 - rawSum) <= 1e-8 + 1e-5 * Math.abs(rawSum))) rowsSumToOne = false;
  }

  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  let f1WeightedSum = 0;
  let presentRecallSum = 0;
  let presentClasses = 0;
  let everyClassSplit = true;
  for (let j = 0; j < k; j++) {
    const precision = predCount[j] > 0 ? hitCount[j] / predCount[j] : 0;
    const recall = trueCount[j] > 0 ? hitCount[j] / trueCount[j] : 0;
    // sklearn forms F from the rounded precision and recall, not from counts.
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    precisionSum += precision;
    recallSum += recall;
    f1Sum += f1;
    f1WeightedSum += f1 * trueCount[j];
    if (trueCount[j] > 0) {
      presentRecallSum += recall;
      presentClasses++;
    }
    if (trueCount[j] === 0 || trueCount[j] === n) everyClassSplit = false;
  }

  let rocAucOvr = NaN;
  if (everyClassSplit && rowsSumToOne) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += rankingFromSorted(splitSorted(yTrue, j, probs, k, j)).rocAuc;
    rocAucOvr = sum / k;
  }

  return {
    accuracy: hits / n,
    balanced_accuracy: presentRecallSum / presentClasses,
    precision_macro: precisionSum / k,
    recall_macro: recallSum / k,
    f1_macro: f1Sum / k,
    f1_weighted: f1WeightedSum / n,
    log_loss: logLoss / n,
    roc_auc_ovr_macro: rocAucOvr,
    example_count: n,
  };
}
