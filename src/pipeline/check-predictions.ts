// Predictions must be finite, and probabilities must be probabilities, before any metric runs;
// metrics must not overflow after.

import { ModelError } from '../errors.js';
import type { Dataset, MetricValue, Predictions, Truth } from '../types.js';
import { rowPlace } from '../data/row-place.js';
import { quote } from '../untrusted.js';

export function checkPredictions(p: Predictions, model: string, dataset: Dataset): void {
  const where = (i: number) => rowPlace(dataset, i);
  const values = p.kind === 'multiclass' ? p.probs : p.kind === 'regression' ? p.values : p.scores;
  const width = p.kind === 'multiclass' ? p.classes.length : p.kind === 'multilabel' ? p.labels.length : 1;
  for (let j = 0; j < values.length; j++) {
    if (!Number.isFinite(values[j])) {
      const row = Math.floor(j / width);
      throw new ModelError(
        `model ${model} predicted ${values[j]} for the row at ${where(row)}. ` +
          'NaN or infinite outputs usually mean missing or unscaled inputs, or a diverged network.',
      );
    }
  }
  if (p.kind === 'binary' || p.kind === 'multilabel') {
    const j = p.scores.findIndex((s) => s < 0 || s > 1);
    const i = Math.floor(j / width);
    if (j >= 0) {
      throw new ModelError(
        `model ${model} gave score ${p.scores[j]} for the row at ${where(i)}; ${p.kind} scores must be probabilities in [0, 1]. ` +
          'Add a sigmoid to a network that outputs logits.',
      );
    }
  }
  if (p.kind === 'multiclass') {
    const k = p.classes.length;
    for (let i = 0; i < values.length / k; i++) {
      let sum = 0;
      let outside = -1;
      for (let j = 0; j < k; j++) {
        const v = p.probs[i * k + j];
        if ((v < 0 || v > 1) && outside < 0) outside = j;
        sum += v;
      }
      // float32 softmax rows sum to 1 within ~1e-6; allow some slack for files written with few digits.
      if (!(Math.abs(sum - 1) <= 1e-3)) {
        throw new ModelError(
          `model ${model}: class probabilities for the row at ${where(i)} sum to ${sum}, not 1. ` +
            'Add a softmax to a network that outputs logits.',
        );
      }
      if (outside >= 0) {
        throw new ModelError(
          `model ${model} gave probability ${p.probs[i * k + outside]} to class ${quote(p.classes[outside])} for the row at ${where(i)}; ` +
            'class probabilities must be in [0, 1]. Add a softmax to a network that outputs logits.',
        );
      }
    }
  }
}

/**
 * Every metric of a model must be finite or NaN (undefined on this data, which the gate reports
 * where a threshold or the dummy check needs it). ±Infinity means float64 overflowed: predictions
 * far outside the labels' scale. The error names the row whose prediction is furthest off.
 */
export function checkMetrics(metrics: Record<string, MetricValue>, truth: Truth, p: Predictions, model: string, dataset: Dataset): void {
  const bad = Object.entries(metrics).find(([, m]) => m.value === Infinity || m.value === -Infinity);
  if (bad === undefined) return;
  const [name, { value }] = bad;
  let culprit = '';
  if (truth.task === 'regression' && p.kind === 'regression') {
    let worst = 0;
    for (let i = 1; i < p.values.length; i++) if (Math.abs(p.values[i] - truth.y[i]) > Math.abs(p.values[worst] - truth.y[worst])) worst = i;
    culprit = ` Its furthest prediction is ${p.values[worst]} for the row at ${rowPlace(dataset, worst)}, whose label is ${truth.y[worst]}.`;
  }
  throw new ModelError(
    `model ${model}: ${name} is ${value}, beyond what float64 arithmetic holds.${culprit} ` +
      'Predictions this large usually mean a diverged network or outputs in the wrong units.',
  );
}
