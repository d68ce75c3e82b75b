// Metrics and confusion matrix of one model's predictions against the truth.

import { binaryMetrics, calibration, confusionMatrix, imbalanceMetrics, splitChecked, multiclassMetrics, multilabelMetrics, rankingMetrics, regressionMetrics } from '../metrics/index.js';
import { unreliableOperatingPoints } from '../metrics/imbalance.js';
import type { ConfusionMatrix, MetricValue, PerLabelMetrics, Predictions, ReliabilityBin, Truth } from '../types.js';

export interface Measurement {
  metrics: Record<string, MetricValue>;
  confusion?: ConfusionMatrix;
  /** Multilabel: precision, recall, F1, ROC AUC and support of each label. */
  perLabel?: PerLabelMetrics[];
  /** Calibration per confidence bin (15 equal-width bins, as torchmetrics). */
  reliability?: ReliabilityBin[];
}

export interface MeasureOptions {
  decisionThreshold: number;
  /** recall_at_fpr: the highest recall with a false-positive rate at most this. */
  maxFpr: number;
  /** precision_at_recall: the highest precision with recall at least this. */
  minRecall: number;
  /** Ranking cut-offs. */
  ks: number[];
}

export const DEFAULT_MEASURE: MeasureOptions = { decisionThreshold: 0.5, maxFpr: 0.01, minRecall: 0.9, ks: [5, 10] };

export function measure(truth: Truth, p: Predictions, o: MeasureOptions = DEFAULT_MEASURE): Measurement {
  const decisionThreshold = o.decisionThreshold;
  if (truth.task === 'regression' && p.kind === 'regression') {
    return { metrics: wrap(regressionMetrics(truth.y, p.values)) };
  }
  if (truth.task === 'binary' && p.kind === 'binary') {
    const predicted = predictedClasses(p, decisionThreshold)!;
    const cal = calibration(truth.y, p.scores, { task: 'binary' });
    // One split-sort of the scores for both (ten million scores: about a second of CPU each).
    const sorted = splitChecked(truth.y, p.scores);
    const metrics = wrap({
      ...binaryMetrics(truth.y, p.scores, decisionThreshold, sorted ?? undefined),
      ece: cal.ece,
      mce: cal.mce,
      ...imbalanceMetrics(truth.y, p.scores, { maxFpr: o.maxFpr, minRecall: o.minRecall }, sorted),
    });
    for (const [metric, why] of Object.entries(unreliableOperatingPoints(truth.y, { maxFpr: o.maxFpr, minRecall: o.minRecall }))) metrics[metric].unreliable = why;
    return {
      metrics,
      confusion: { labels: truth.classes, counts: confusionMatrix(Int32Array.from(truth.y), predicted, 2) },
      reliability: cal.table,
    };
  }
  if (truth.task === 'multiclass' && p.kind === 'multiclass') {
    const k = truth.classes.length;
    const cal = calibration(truth.y, p.probs, { task: 'multiclass', k });
    return {
      metrics: wrap({ ...multiclassMetrics(truth.y, p.probs, k), ece: cal.ece, mce: cal.mce }),
      confusion: { labels: truth.classes, counts: confusionMatrix(truth.y, argmaxRows(p.probs, k), k) },
      reliability: cal.table,
    };
  }
  if (truth.task === 'multilabel' && p.kind === 'multilabel') {
    const r = multilabelMetrics(truth.y, p.scores, truth.classes.length, truth.classes, decisionThreshold);
    return { metrics: wrap(r.metrics), perLabel: r.perLabel };
  }
  if (truth.task === 'ranking' && p.kind === 'ranking') {
    return { metrics: wrap(rankingMetrics(truth.queries, p.scores, truth.y, o.ks)) };
  }
  throw new Error(`measure: ${p.kind} predictions for a ${truth.task} task`);
}

/** Predicted class per row: score ≥ threshold for binary, argmax for multiclass. */
export function predictedClasses(p: Predictions, threshold: number): Int32Array | undefined {
  if (p.kind === 'binary') {
    // A plain loop: Int32Array.from with a callback is ~10× slower on a million scores.
    const out = new Int32Array(p.scores.length);
    for (let i = 0; i < out.length; i++) out[i] = p.scores[i] >= threshold ? 1 : 0;
    return out;
  }
  if (p.kind === 'multiclass') return argmaxRows(p.probs, p.classes.length);
  return undefined;
}

/** First index of the row maximum, as numpy's argmax. */
export function argmaxRows(probs: Float64Array, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

function wrap(values: Record<string, number>): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const [name, value] of Object.entries(values)) out[name] = { value };
  return out;
}
