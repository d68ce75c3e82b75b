// One model on one prepared dataset: check the inputs fit, predict in batches, check the outputs.

import { selectFeatures } from '../data/read.js';
import type { LoadedModel, PredictInput } from '../engines/engine.js';
import { checkFeatureColumns } from '../engines/feature-matrix.js';
import { DataError, ModelError } from '../errors.js';
import type { Settings } from '../settings/settings.js';
import type { Column, Dataset, Predictions } from '../types.js';
import { rowPlace } from '../data/row-place.js';
import { quote } from '../untrusted.js';
import { checkPredictions } from './check-predictions.js';
import type { Log } from './log.js';
import { featureNames, type Prepared } from './prepare.js';

/** The model's input for this dataset: features selected and checked against what the model takes. */
export function modelInput(settings: Settings, prep: Prepared, model: LoadedModel, name: string): PredictInput {
  const { dataset } = prep;
  const selected = selectFeatures(dataset, { label: settings.labelColumn, id: settings.idColumn, features: featureNames(settings, dataset, model) });
  if (model.engine !== 'predictions file') {
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

/** Runs the model on an input made by modelInput() and checks what comes out. */
export async function predict(model: LoadedModel, input: PredictInput, log: Log): Promise<Predictions> {
  const { dataset, name } = input;
  const started = performance.now();
  const predictions = await model.predict(input);
  checkPredictions(predictions, name, dataset);
  const on = model.backend === 'none' ? '' : ` on ${model.backend}`;
  log.info(`${model.engine}${on}: ${dataset.rowCount} rows of ${dataset.path} in ${Math.round(performance.now() - started)} ms`);
  return predictions;
}
