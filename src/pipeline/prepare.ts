// From a dataset and the settings to what every model runs on: task, classes, truth, id column.

import type { LoadedModel } from '../engines/engine.js';
import { InputError } from '../errors.js';
import type { Settings } from '../settings/settings.js';
import type { Column, Dataset, Task } from '../types.js';
import { encodeMultilabel, encodeRanking, encodeTruth, resolveClasses, resolveTask, type Truth } from './labels.js';

export interface Prepared {
  dataset: Dataset;
  label: Column;
  id?: Column;
  task: Task;
  classes: string[];
  truth: Truth;
}

/** The evaluation data decides the task and classes, with the candidate's metadata. */
export function prepareEvaluation(settings: Settings, dataset: Dataset, candidate: LoadedModel): Prepared {
  const label = findColumn(dataset, settings.labelColumn);
  const task = resolveTask(settings.task, label, candidate.metadata.task, {
    labels: settings.labelColumns.length,
    query: settings.queryColumn !== undefined,
  });
  const classes =
    task === 'binary' || task === 'multiclass'
      ? resolveClasses(task, label, settings.classes, candidate.metadata.classes, settings.positiveClass)
      : task === 'multilabel'
        ? settings.labelColumns
        : [];
  return prepareAs(settings, dataset, task, classes);
}

/** Another dataset (the training data) read with the task and classes already decided. */
export function prepareAs(settings: Settings, dataset: Dataset, task: Task, classes: string[]): Prepared {
  const label = findColumn(dataset, settings.labelColumn);
  const id = settings.idColumn !== undefined ? findColumn(dataset, settings.idColumn) : undefined;
  let truth: Truth;
  if (task === 'multilabel') truth = encodeMultilabel(dataset, settings.labelColumns.map((c) => findColumn(dataset, c)));
  else if (task === 'ranking') {
    if (settings.queryColumn === undefined) {
      throw new InputError('a ranking task needs `query-column` (--query): the column that groups items into queries.');
    }
    truth = encodeRanking(dataset, label, findColumn(dataset, settings.queryColumn));
  } else truth = encodeTruth(dataset, label, task, classes);
  return { dataset, label, id, task, classes, truth };
}

/** Every column that is not a label, the id or the query is a feature, unless settings or the model say otherwise. */
export function featureNames(settings: Settings, dataset: Dataset, model: LoadedModel): string[] {
  const explicit = settings.features ?? model.metadata.features;
  if (explicit !== undefined) return explicit;
  const taken = new Set([...settings.labelColumns, settings.idColumn, settings.queryColumn]);
  return dataset.columns.map((c) => c.name).filter((n) => !taken.has(n));
}

export function findColumn(dataset: Dataset, name: string): Column {
  const col = dataset.columns.find((c) => c.name === name);
  if (col === undefined) {
    throw new InputError(
      `${dataset.path}: no column "${name}". Columns: ${dataset.columns.map((c) => c.name).join(', ')}. Check label-column / id-column / query-column.`,
    );
  }
  return col;
}
