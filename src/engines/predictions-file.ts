// Predictions made elsewhere (any framework), one row per data row: binary `score` = P(positive),
// multiclass `p_<class>` per class, regression `prediction`. Rows match by id when both files have
// the id column, else by order.

import { readDataset } from '../data/read.js';
import { nameList } from '../untrusted.js';
import { DataError, ModelError } from '../errors.js';
import type { Column, Dataset, NumericColumn, Predictions } from '../types.js';
import type { Engine, LoadedModel, PredictInput } from './engine.js';
import { describeFiles } from './files.js';
import { rowPlace } from '../data/row-place.js';
import { idKey, numericIdIndex, numericIds, rowWords } from '../data/ids.js';
import { firstNonNumeric } from '../data/typing.js';
import { quote, shorten } from '../untrusted.js';

/** The file types a predictions file may be (read by data/read.ts). */
export const PREDICTION_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.jsonl', '.ndjson', '.parquet', '.npz'];

/** A table of predictions made elsewhere; `command` never runs for one. */
export const predictionsFileEngine: Engine = {
  name: 'predictions file',
  opens: (t) => t.found !== 'folder' && t.found !== 'nothing' && PREDICTION_EXTENSIONS.includes(t.ext),
  layout: 'columns',
  // `input` names the setting to fix when the file is missing.
  // Told the id column, only the columns a predictions file can hold are read; without it every column, as the id may be any of them.
  load: (modelPath, name, options) =>
    loadPredictionsFile(modelPath, name, name === 'candidate' ? 'candidate' : 'baselines', options?.idColumn !== undefined ? { id: options.idColumn } : undefined),
};

/**
 * Whether a column of a predictions file can be read by predictionsFromTable: the prediction columns
 * of every task (score, prediction, p_<class>) and the id column.
 */
export function predictionColumn(name: string, id: string | undefined): boolean {
  return name === 'score' || name === 'prediction' || name.startsWith('p_') || name === id;
}

/**
 * Reads the predictions table. With `columns` (the id column's name, or none), only the columns the
 * predictions can come from are kept: a wide export's other columns are neither parsed nor held.
 */
export async function loadPredictionsFile(filePath: string, name: string, input = 'candidate', columns?: { id?: string }): Promise<LoadedModel> {
  let table: Dataset | undefined;
  try {
    // `input` names the setting to fix when the file is missing (candidate or baselines), not `data`.
    const names: string[] = [];
    const keepColumn = columns === undefined ? undefined : (n: string) => (names.push(n), predictionColumn(n, columns.id));
    table = await readDataset(filePath, { input, keepColumn });
    if (keepColumn !== undefined) allColumns.set(table, names);
  } catch (e) {
    if (e instanceof DataError) throw new ModelError(`predictions of model ${name}: ${e.message}`);
    throw e;
  }
  const files = await describeFiles([filePath]);
  const notes: string[] = [];
  return {
    engine: 'predictions file',
    backend: 'none',
    takesFeatures: false,
    needsFeatures: false,
    runsTrainingRows: false,
    files,
    metadata: {},
    notes,
    predict: async (input) => {
      if (table === undefined) throw new ModelError(`predictions of model ${name}: asked for after the model was closed`);
      return predictionsFromTable(table, input, notes);
    },
    // The table (ten million rows: a few hundred MB) is let go as soon as the run is done with the model.
    dispose: () => {
      table = undefined;
    },
  };
}

/** The predictions for the input's rows; what is worth telling (extra rows) goes to `notes`. */
export function predictionsFromTable(table: Dataset, input: PredictInput, notes?: string[]): Predictions {
  const order = rowOrder(table, input, notes);
  let inOrder = order.length === table.rowCount;
  for (let i = 0; i < order.length && inOrder; i++) inOrder = order[i] === i;
  const take = (col: NumericColumn): Float64Array => {
    if (inOrder) return col.values.slice();
    const out = new Float64Array(order.length);
    for (let i = 0; i < order.length; i++) out[i] = col.values[order[i]];
    return out;
  };
  if (input.task === 'regression') return { kind: 'regression', values: take(numeric(table, ['prediction'], input)) };
  if (input.task === 'ranking') return { kind: 'ranking', scores: take(numeric(table, ['score'], input)) };
  if (input.task === 'binary') {
    const positive = input.classes[1];
    return { kind: 'binary', scores: take(numeric(table, ['score', `p_${positive}`], input)) };
  }
  const k = input.classes.length;
  const probs = new Float64Array(order.length * k);
  input.classes.forEach((c, j) => {
    const v = take(numeric(table, [`p_${c}`], input));
    for (let i = 0; i < v.length; i++) probs[i * k + j] = v[i];
  });
  if (input.task === 'multilabel') return { kind: 'multilabel', labels: input.classes, scores: probs };
  return { kind: 'multiclass', classes: input.classes, probs };
}

/** Every column name of a table read with only some of its columns kept, for the message that lists them. */
const allColumns = new WeakMap<Dataset, string[]>();

function numeric(table: Dataset, names: string[], input: PredictInput): NumericColumn {
  const col = table.columns.find((c) => names.includes(c.name));
  if (col === undefined) {
    throw new ModelError(
      `${table.path}: no column ${names.map(quote).join(' or ')} for model ${input.name}. ` +
        `A ${input.task} predictions file needs ${shorten(expected(input))}; it has ${nameList(allColumns.get(table) ?? table.columns.map((c) => c.name))}.`,
    );
  }
  if (col.kind !== 'numeric') {
    const bad = firstNonNumeric(col);
    throw new ModelError(`${rowPlace(table, bad?.row ?? 0)}: column ${quote(col.name)} must hold numbers, found ${quote(bad?.value ?? '')}.`);
  }
  return col;
}

function expected(input: PredictInput): string {
  if (input.task === 'regression') return 'a "prediction" column';
  if (input.task === 'ranking') return 'a "score" column';
  if (input.task === 'binary') return `a "score" column holding P(${input.classes[1]})`;
  return `one column per class: ${input.classes.map((c) => `p_${c}`).join(', ')}`;
}

/** For each data row, the predictions-file row that belongs to it. */
function rowOrder(table: Dataset, input: PredictInput, notes?: string[]): Int32Array {
  const n = input.dataset.rowCount;
  const idName = input.idColumn?.name;
  const tableId = idName === undefined ? undefined : table.columns.find((c) => c.name === idName);
  if (input.idColumn !== undefined && tableId !== undefined) return orderById(table, tableId, input, notes);
  if (table.rowCount !== n) {
    throw new ModelError(
      `${table.path}: ${table.rowCount} predictions for ${n} evaluation rows (model ${input.name}). ` +
        `Write one row per evaluation row in the same order, or add the id column${idName ? ` ${quote(idName)}` : ''} to both files.`,
    );
  }
  return identity(n);
}

/** Rows 0..n-1 in order (Int32Array.from with a mapping function takes about 100 ns a row). */
function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/**
 * Matches rows by id. Numeric ids in the same order (the usual case) cost one pass and no map. An
 * id written twice in the file is an error (which row would count?); ids the data does not have
 * are left out, and a note says how many.
 */
function orderById(table: Dataset, tableId: Column, input: PredictInput, notes?: string[]): Int32Array {
  const dataId = input.idColumn!;
  const n = input.dataset.rowCount;
  if (sameNumericIds(dataId, tableId)) return identity(n);
  const rowOf = idIndex(table, tableId, dataId, input.name);
  const order = new Int32Array(n);
  const used = new Uint8Array(table.rowCount);
  for (let i = 0; i < n; i++) {
    const at = rowOf(i);
    if (at === undefined) throw missingId(table, input, idText(dataId, i), i);
    order[i] = at;
    used[at] = 1;
  }
  let extra = 0;
  const shown: string[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    if (used[i]) continue;
    extra++;
    if (shown.length < 3) shown.push(quote(idText(tableId, i)));
  }
  if (extra > 0 && notes !== undefined) {
    const which = `${shown.join(', ')}${extra > 3 ? ', …' : ''}`;
    const note = `${table.path}: ${extra} prediction${extra === 1 ? ' has an id' : 's have ids'} not in ${input.dataset.path} (${which}); they were left out.`;
    if (!notes.includes(note)) notes.push(note);
  }
  return order;
}

/**
 * For data row i, the predictions-file row with its id. Every file row must have an id, once.
 * Numbers that match by value (the usual case) are keyed as numbers: several times faster than text.
 */
function idIndex(table: Dataset, tableId: Column, dataId: Column, model: string): (i: number) => number | undefined {
  const repeated = (first: number, second: number) =>
    new ModelError(
      `${table.path}: id ${quote(idText(tableId, second))} appears on ${rowWords(table, first)} and ${rowWords(table, second)} (model ${model}). ` +
        'A predictions file needs one row per id: drop the repeated row.',
    );
  if (numericIds(dataId) && numericIds(tableId)) {
    // A typed index of the file's ids (data/ids.ts): no Map of ten million keys.
    const index = numericIdIndex(tableId.values);
    if ('first' in index) throw repeated(index.first, index.second);
    const wanted = dataId.values;
    return (i) => {
      const row = index.rowOf(wanted[i]);
      return row < 0 ? undefined : row;
    };
  }
  const where = new Map<string, number>();
  for (let i = 0; i < table.rowCount; i++) {
    const key = idKey(tableId, i);
    if (key === undefined) {
      throw new ModelError(
        `${rowPlace(table, i)}: this prediction of model ${model} has no id in ${quote(tableId.name)}. Every row needs the id of its evaluation row.`,
      );
    }
    const first = where.get(key);
    if (first !== undefined) throw repeated(first, i);
    where.set(key, i);
  }
  return (i) => {
    const key = idKey(dataId, i);
    return key === undefined ? undefined : where.get(key);
  };
}

/** Both id columns numeric, complete, exactly representable, and equal row by row: the rows pair by position. */
function sameNumericIds(a: Column, b: Column): boolean {
  if (a.kind !== 'numeric' || b.kind !== 'numeric' || a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.values.length; i++) if (a.values[i] !== b.values[i]) return false;
  return numericIds(a);
}

/** An id as written in its file. */
function idText(c: Column, i: number): string {
  return (c.kind === 'numeric' ? c.raw[i] : c.values[i]) ?? '';
}

function missingId(table: Dataset, input: PredictInput, id: string, i: number): ModelError {
  return new ModelError(
    `${table.path}: no prediction for id ${quote(id)} (${rowPlace(input.dataset, i)}) from model ${input.name}. ` +
      'A predictions file needs one row for every evaluation row.',
  );
}
