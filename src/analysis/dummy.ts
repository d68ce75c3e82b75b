// The no-skill reference every model must beat, as sklearn's DummyClassifier(strategy="prior")
// and DummyRegressor(strategy="mean"): the class prior (or mean) of the training labels when given,
// else of the evaluation labels.

import type { Predictions, Truth } from '../types.js';

export function dummyPredictions(fitOn: Truth, rows: number): Predictions {
  // Ranking: one score for every item, so every order is a tie (sklearn's ndcg averages over ties).
  if (fitOn.task === 'ranking') return { kind: 'ranking', scores: new Float64Array(rows) };
  if (fitOn.task === 'multilabel') {
    const L = fitOn.classes.length;
    const n = fitOn.y.length / L;
    const prior = new Float64Array(L);
    for (let i = 0; i < n; i++) for (let j = 0; j < L; j++) prior[j] += fitOn.y[i * L + j];
    for (let j = 0; j < L; j++) prior[j] /= Math.max(n, 1);
    const scores = new Float64Array(rows * L);
    for (let i = 0; i < rows; i++) scores.set(prior, i * L);
    return { kind: 'multilabel', labels: fitOn.classes, scores };
  }
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
