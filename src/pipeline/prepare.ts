// From a dataset and the settings to what every model runs on: task, classes, truth, id column.

import type { LoadedModel } from '../engines/engine.js';
import { idProblem, rowWords } from '../data/ids.js';
import { rowPlace } from '../data/row-place.js';
import { DataError, InputError } from '../errors.js';
import { quote, shorten } from '../untrusted.js';
import type { Settings } from '../settings/settings.js';
import type { Column, Dataset, Task, Truth } from '../types.js';
import { encodeMultilabel, encodeRanking, encodeTruth, resolveClasses, resolveTask } from './labels.js';

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
  const prep = prepareAs(settings, dataset, task, classes);
  if (prep.id !== undefined) checkIds(dataset, prep.id);
  return prep;
}

/**
 * Ids pair each row with its predictions and key its bootstrap weights: in the evaluation data each
 * must be there, once. (Training rows are never paired, so their ids are not checked.)
 */
function checkIds(dataset: Dataset, id: Column): void {
  const problem = idProblem(id);
  if (problem === undefined) return;
  if ('missing' in problem) {
    throw new DataError(
      `${rowPlace(dataset, problem.missing)}: the id column ${quote(id.name)} is empty here. Every evaluation row needs its own id; ` +
        'fill it in, or leave id-column unset to pair rows with predictions by their order.',
    );
  }
  const text = id.kind === 'numeric' ? id.raw[problem.second] : id.values[problem.second];
  throw new DataError(
    `${dataset.path}: id ${quote(text)} appears on ${rowWords(dataset, problem.first)} and ${rowWords(dataset, problem.second)}. ` +
      'Every evaluation row needs its own id: drop the repeated row or renumber it.',
  );
}

/** Another dataset (the training data) read with the task and classes already decided. */
export function prepareAs(settings: Settings, dataset: Dataset, task: Task, classes: string[]): Prepared {
  const label = findColumn(dataset, settings.labelColumn);
  const id = settings.idColumn !== undefined ? findColumn(dataset, settings.idColumn) : undefined;
  let truth: Truth;
  if (task === 'multilabel') truth = encodeMultilabel(dataset, settings.labelColumns.map((c) => findColumn(dataset, c)));
  else if (task === 'ranking') {
    if (settings.queryColumn === undefined) {
      throw new InputError('a ranking task needs the `query-column` input (or --query-column): the column that groups items into queries.');
    }
    truth = encodeRanking(dataset, label, findColumn(dataset, settings.queryColumn));
  } else truth = encodeTruth(dataset, label, task, classes);
  return { dataset, label, id, task, classes, truth };
}

/**
 * The evaluation data's columns a run reads, as a ReadOptions.keepColumn; undefined when it may read
 * any of them. Only when no model takes features (every one is a predictions file) and the data is
 * not the current sample of a drift test can the features be left unread: then the labels, the id, the
 * query, the slice columns and the features named in the settings (selectFeatures still finds them) are
 * all that is kept.
 */
export function dataColumns(settings: Settings, modelsTakeFeatures: boolean): ((name: string) => boolean) | undefined {
  if (modelsTakeFeatures) return undefined;
  if (settings.referenceData !== undefined && settings.currentData === undefined) return undefined;
  const wanted = new Set<string>([...settings.labelColumns, ...(settings.features ?? [])]);
  for (const name of [settings.idColumn, settings.queryColumn]) if (name !== undefined) wanted.add(name);
  for (const name of settings.slices?.columns ?? []) wanted.add(name);
  for (const pair of settings.slices?.crossed ?? []) for (const name of pair) wanted.add(name);
  return (name) => wanted.has(name);
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
      `${dataset.path}: no column ${quote(name)}. Columns: ${shorten((dataset.allColumns ?? dataset.columns.map((c) => c.name)).join(', '))}. Check label-column / id-column / query-column.`,
    );
  }
  return col;
}
