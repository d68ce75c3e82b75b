// One model on one prepared dataset: check the inputs fit, predict in batches, check the outputs.

import { selectFeatures } from '../data/read.js';
import { nameList } from '../untrusted.js';
import type { LoadedModel, PredictInput } from '../engines/engine.js';
import { checkFeatureColumns } from '../engines/feature-matrix.js';
import { DataError, ModelError } from '../errors.js';
import type { Settings } from '../settings/settings.js';
import type { Column, Dataset, FeatureOrder, ModelMeasurement, Predictions } from '../types.js';
import { rowPlace } from '../data/row-place.js';
import { quote } from '../untrusted.js';
import { checkPredictions } from './check-predictions.js';
import type { Log } from './log.js';
import { featureNames, type Prepared } from './prepare.js';

/** The model's input for this dataset: features selected and checked against what the model takes. */
export function modelInput(settings: Settings, prep: Prepared, model: LoadedModel, name: string): PredictInput {
  const { dataset } = prep;
  // A predictions file reads no feature: data with only an id and a label serves it.
  const noneNeeded = !model.needsFeatures;
  const selected = selectFeatures(dataset, { label: settings.labelColumn, id: settings.idColumn, features: featureNames(settings, dataset, model), noneNeeded });
  if (!noneNeeded) {
    checkFeatureColumns(dataset, selected.features, name);
    checkFiniteFeatures(dataset, selected.features, name);
    if (model.inputWidth !== undefined && model.inputWidth !== selected.features.length) {
      throw new ModelError(
        `model ${name} takes ${model.inputWidth} inputs, but ${dataset.path} has ${selected.features.length} feature columns ` +
          `(${selected.features.map((c) => c.name).join(', ')}). List the model's inputs in order with the \`features\` setting.`,
      );
    }
  }
  return { name, dataset, features: selected.features, task: prep.task, classes: prep.classes, idColumn: prep.id, batchSize: settings.batchSize };
}

// Columns already found finite: each model of a run takes the same columns, scanned once.
const finiteColumns = new WeakSet<Float64Array>();

/**
 * A numeric column can hold ±Infinity (inf, 1e400 in the file): a network given one may still
 * output finite numbers, so it is stopped here rather than quietly scored.
 */
function checkFiniteFeatures(dataset: Dataset, features: Column[], name: string): void {
  for (const col of features) {
    if (col.kind !== 'numeric' || finiteColumns.has(col.values)) continue;
    const v = col.values;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        throw new DataError(
          `${rowPlace(dataset, i)}: feature column ${quote(col.name)} holds ${quote(col.raw[i] ?? String(v[i]))}, an infinite value that model ${name} ` +
            'cannot take. Clip or drop it in the evaluation data.',
        );
      }
    }
    finiteColumns.add(v);
  }
}

/**
 * The columns a model was fed, in order, and who set the order: for the report, so a model fed the wrong
 * columns is seen. Nothing for a predictions file or a command, which read no columns from model-gate.
 */
export function fedColumns(settings: Settings, model: LoadedModel, input: PredictInput): Pick<ModelMeasurement, 'features' | 'featureOrder' | 'featureInputs'> {
  if (!model.takesFeatures) return {};
  if (model.inputColumns !== undefined) {
    const featureInputs = Object.fromEntries(Object.entries(model.inputColumns).map(([k, v]) => [k, [...v]]));
    return { features: Object.values(featureInputs).flat(), featureOrder: settings.onnxInputs !== undefined ? 'settings' : 'model', featureInputs };
  }
  const featureOrder: FeatureOrder = settings.features !== undefined ? 'settings' : model.metadata.features !== undefined ? 'model' : 'file';
  return { features: input.features.map((c) => c.name), featureOrder };
}

/** Runs the model on an input made by modelInput() and checks what comes out. */
export async function predict(model: LoadedModel, input: PredictInput, log: Log): Promise<Predictions> {
  const { dataset, name } = input;
  const started = performance.now();
  const predictions = inEvaluationOrder(await model.predict(input), model.metadata.classes, input.classes, name);
  checkPredictions(predictions, name, dataset);
  const on = model.backend === 'none' ? '' : ` on ${model.backend}`;
  log.info(`${model.engine}${on}: ${dataset.rowCount} rows of ${dataset.path} in ${Math.round(performance.now() - started)} ms`);
  return predictions;
}

/**
 * A network's outputs in the evaluation's class order. Its metadata's `classes` is the order of its outputs,
 * which may differ from the evaluation's: a baseline trained with the classes in another order, or
 * `positive-class` naming the first of a binary model's classes. Unread, each output would count for
 * another class.
 */
export function inEvaluationOrder(p: Predictions, own: string[] | undefined, classes: string[], name: string): Predictions {
  if (own === undefined || (p.kind !== 'binary' && p.kind !== 'multiclass')) return p;
  if (own.length === classes.length && own.every((c, i) => c === classes[i])) return p;
  if (own.length !== classes.length || new Set(own).size !== own.length || !classes.every((c) => own.includes(c))) {
    throw new ModelError(
      `model ${name} names its classes ${nameList(own)} in its metadata, but this evaluation's classes are ${nameList(classes)}. ` +
        'Its outputs cannot be matched to them: list its classes in its metadata as the labels of the data, in its output order.',
    );
  }
  // Binary: the score is P(own[1]), and own[1] is the evaluation's negative class.
  if (p.kind === 'binary') return { kind: 'binary', scores: p.scores.map((s) => 1 - s) };
  const k = classes.length;
  const from = classes.map((c) => own.indexOf(c));
  const probs = new Float64Array(p.probs.length);
  for (let i = 0; i < probs.length; i += k) for (let j = 0; j < k; j++) probs[i + j] = p.probs[i + from[j]];
  return { kind: 'multiclass', classes: [...classes], probs };
}
