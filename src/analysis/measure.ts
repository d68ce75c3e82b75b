// Metrics and confusion matrix of one model's predictions against the truth.

import { binaryMetrics, confusionMatrix, multiclassMetrics, regressionMetrics } from '../metrics/index.js';
import type { Truth } from '../pipeline/labels.js';
import type { ConfusionMatrix, MetricValue, Predictions } from '../types.js';

export interface Measurement {
  metrics: Record<string, MetricValue>;
  confusion?: ConfusionMatrix;
}

export function measure(truth: Truth, p: Predictions, decisionThreshold: number): Measurement {
  if (truth.task === 'regression' && p.kind === 'regression') {
    return { metrics: wrap(regressionMetrics(truth.y, p.values)) };
  }
  if (truth.task === 'binary' && p.kind === 'binary') {
    const predicted = new Int32Array(p.scores.length);
    for (let i = 0; i < predicted.length; i++) predicted[i] = p.scores[i] >= decisionThreshold ? 1 : 0;
    return {
      metrics: wrap(binaryMetrics(truth.y, p.scores, decisionThreshold)),
      confusion: { labels: truth.classes, counts: confusionMatrix(Int32Array.from(truth.y), predicted, 2) },
    };
  }
  if (truth.task === 'multiclass' && p.kind === 'multiclass') {
    const k = truth.classes.length;
    return {
      metrics: wrap(multiclassMetrics(truth.y, p.probs, k)),
      confusion: { labels: truth.classes, counts: confusionMatrix(truth.y, argmaxRows(p.probs, k), k) },
    };
  }
  throw new Error(`measure: ${p.kind} predictions for a ${truth.task} task`);
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
