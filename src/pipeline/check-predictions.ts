// Predictions must be finite, and probabilities must be probabilities, before any metric runs.

import { ModelError } from '../errors.js';
import type { Dataset, Predictions } from '../types.js';
import { rowPlace } from '../data/row-place.js';

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
      for (let j = 0; j < k; j++) {
        const v = p.probs[i * k + j];
        if (v < 0 || v > 1) sum = NaN;
        sum += v;
      }
      // float32 softmax rows sum to 1 within ~1e-6; allow some slack for files written with few digits.
      if (!(Math.abs(sum - 1) <= 1e-3)) {
        throw new ModelError(
          `model ${model}: class probabilities for the row at ${where(i)} sum to ${sum}, not 1. ` +
            'Add a softmax to a network that outputs logits.',
        );
      }
    }
  }
}
