// The no-skill reference every model must beat, as sklearn's DummyClassifier(strategy="prior")
// and DummyRegressor(strategy="mean"): the class prior (or mean) of the training labels when given,
// else of the evaluation labels.

import type { Predictions } from '../types.js';
import type { Truth } from '../pipeline/labels.js';

export function dummyPredictions(fitOn: Truth, rows: number): Predictions {
  if (fitOn.task === 'regression') {
    let sum = 0;
    for (const v of fitOn.y) sum += v;
    return { kind: 'regression', values: new Float64Array(rows).fill(fitOn.y.length ? sum / fitOn.y.length : NaN) };
  }
  const k = fitOn.classes.length;
  const counts = new Float64Array(k);
  for (const c of fitOn.y) counts[c] += 1;
  const prior = counts.map((c) => c / Math.max(fitOn.y.length, 1));
  if (fitOn.task === 'binary') return { kind: 'binary', scores: new Float64Array(rows).fill(prior[1]) };
  const probs = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) probs.set(prior, i * k);
  return { kind: 'multiclass', classes: fitOn.classes, probs };
}
