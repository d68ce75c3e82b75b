// A network's raw outputs (n rows × width values, row-major) as the task's predictions: shared by the engines
// that run networks in-process (TF.js, ONNX).

import { ModelError } from '../errors.js';
import type { Predictions } from '../types.js';
import type { PredictInput } from './engine.js';

/** Maps raw network outputs onto the task: one sigmoid or two softmax units for binary, k for multiclass. */
export function toPredictions(out: Float64Array, width: number, input: PredictInput): Predictions {
  const n = input.dataset.rowCount;
  const k = input.classes.length;
  if (input.task === 'regression' || input.task === 'ranking') {
    if (width !== 1) throw new ModelError(`model ${input.name} outputs ${width} values per row; a ${input.task} model must output 1.`);
    return input.task === 'regression' ? { kind: 'regression', values: out } : { kind: 'ranking', scores: out };
  }
  if (input.task === 'multilabel') {
    if (width !== k) {
      throw new ModelError(`model ${input.name} outputs ${width} values per row but there are ${k} label columns (${input.classes.join(', ')}).`);
    }
    return { kind: 'multilabel', labels: input.classes, scores: out };
  }
  if (input.task === 'binary') {
    if (width === 1) return { kind: 'binary', scores: out };
    if (width === 2) {
      const scores = new Float64Array(n);
      for (let i = 0; i < n; i++) scores[i] = out[i * 2 + 1];
      return { kind: 'binary', scores };
    }
    throw new ModelError(`model ${input.name} outputs ${width} values per row; a binary model must output 1 (sigmoid) or 2 (softmax).`);
  }
  if (width !== k) {
    throw new ModelError(
      `model ${input.name} outputs ${width} values per row but there are ${k} classes (${input.classes.join(', ')}). ` +
        'Set `classes` to the labels in the model\'s output order.',
    );
  }
  return { kind: 'multiclass', classes: input.classes, probs: out };
}
