// One model on one prepared dataset: check the inputs fit, predict in batches, check the outputs.

import { selectFeatures } from '../data/read.js';
import type { LoadedModel, PredictInput } from '../engines/engine.js';
import { checkFeatureColumns } from '../engines/feature-matrix.js';
import { ModelError } from '../errors.js';
import type { Settings } from '../settings/settings.js';
import type { Predictions } from '../types.js';
import { checkPredictions } from './check-predictions.js';
import type { Log } from './log.js';
import { featureNames, type Prepared } from './prepare.js';

/** The model's input for this dataset: features selected and checked against what the model takes. */
export function modelInput(settings: Settings, prep: Prepared, model: LoadedModel, name: string): PredictInput {
  const { dataset } = prep;
  const selected = selectFeatures(dataset, { label: settings.labelColumn, id: settings.idColumn, features: featureNames(settings, dataset, model) });
  if (model.engine !== 'predictions file') {
    checkFeatureColumns(dataset, selected.features, name);
    if (model.inputWidth !== undefined && model.inputWidth !== selected.features.length) {
      throw new ModelError(
        `model ${name} takes ${model.inputWidth} inputs, but ${dataset.path} has ${selected.features.length} feature columns ` +
          `(${selected.features.map((c) => c.name).join(', ')}). List the model's inputs in order with the \`features\` setting.`,
      );
    }
  }
  return { name, dataset, features: selected.features, task: prep.task, classes: prep.classes, idColumn: prep.id, batchSize: settings.batchSize };
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
