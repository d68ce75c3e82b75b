// Predictions made elsewhere (any framework), one row per data row: binary `score` = P(positive),
// multiclass `p_<class>` per class, regression `prediction`. Rows match by id when both files have
// the id column, else by order.

import { readDataset } from '../data/read.js';
import { DataError, ModelError } from '../errors.js';
import type { Column, Dataset, NumericColumn, Predictions } from '../types.js';
import type { LoadedModel, PredictInput } from './engine.js';
import { describeFiles } from './files.js';
import { rowPlace } from '../data/row-place.js';

export async function loadPredictionsFile(filePath: string, name: string): Promise<LoadedModel> {
  let table: Dataset;
  try {
    table = await readDataset(filePath);
  } catch (e) {
    if (e instanceof DataError) throw new ModelError(`predictions of model ${name}: ${e.message}`);
    throw e;
  }
  const files = await describeFiles([filePath]);
  return {
    engine: 'predictions file',
    backend: 'none',
    files,
    metadata: {},
    predict: async (input) => predictionsFromTable(table, input),
    dispose: () => undefined,
  };
}

export function predictionsFromTable(table: Dataset, input: PredictInput): Predictions {
  const order = rowOrder(table, input);
  const take = (col: NumericColumn): Float64Array => {
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

function numeric(table: Dataset, names: string[], input: PredictInput): NumericColumn {
  const col = table.columns.find((c) => names.includes(c.name));
  if (col === undefined) {
    throw new ModelError(
      `${table.path}: no column ${names.map((n) => `"${n}"`).join(' or ')} for model ${input.name}. ` +
        `A ${input.task} predictions file needs ${expected(input)}; it has ${table.columns.map((c) => c.name).join(', ')}.`,
    );
  }
  if (col.kind !== 'numeric') {
    const row = col.values.findIndex((v) => v !== null && !Number.isFinite(Number(v)));
    throw new ModelError(
      `${rowPlace(table, Math.max(row, 0))}: column "${col.name}" must hold numbers, found "${col.values[Math.max(row, 0)]}".`,
    );
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
function rowOrder(table: Dataset, input: PredictInput): Int32Array {
  const n = input.dataset.rowCount;
  const idName = input.idColumn?.name;
  const tableId = idName === undefined ? undefined : table.columns.find((c) => c.name === idName);
  if (input.idColumn !== undefined && tableId !== undefined) return orderById(table, tableId, input);
  if (table.rowCount !== n) {
    throw new ModelError(
      `${table.path}: ${table.rowCount} predictions for ${n} evaluation rows (model ${input.name}). ` +
        `Write one row per evaluation row in the same order, or add the id column${idName ? ` "${idName}"` : ''} to both files.`,
    );
  }
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** Matches rows by id. Numeric ids in the same order (the usual case) cost one pass and no map. */
function orderById(table: Dataset, tableId: Column, input: PredictInput): Int32Array {
  const dataId = input.idColumn!;
  const n = input.dataset.rowCount;
  if (dataId.kind === 'numeric' && tableId.kind === 'numeric' && dataId.missing === 0 && tableId.missing === 0) {
    const a = dataId.values;
    const b = tableId.values;
    let same = a.length === b.length;
    for (let i = 0; same && i < n; i++) same = a[i] === b[i];
    if (same) return Int32Array.from({ length: n }, (_, i) => i);
    const where = new Map<number, number>();
    for (let i = 0; i < table.rowCount; i++) where.set(b[i], i);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const at = where.get(a[i]);
      if (at === undefined) throw missingId(table, input, dataId.raw[i] ?? String(a[i]), i);
      order[i] = at;
    }
    return order;
  }
  const where = new Map<string, number>();
  const key = (c: Column, i: number) => (c.kind === 'numeric' ? c.raw[i] : c.values[i]) ?? '';
  for (let i = 0; i < table.rowCount; i++) where.set(canonicalId(key(tableId, i)), i);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = key(dataId, i);
    const at = where.get(canonicalId(id));
    if (at === undefined) throw missingId(table, input, id, i);
    order[i] = at;
  }
  return order;
}

function missingId(table: Dataset, input: PredictInput, id: string, i: number): ModelError {
  return new ModelError(
    `${table.path}: no prediction for id "${id}" (${rowPlace(input.dataset, i)}) from model ${input.name}. ` +
      'A predictions file needs one row for every evaluation row.',
  );
}

/** "7" and "7.0" name the same row. */
function canonicalId(s: string): string {
  const t = s.trim();
  const x = Number(t);
  return t !== '' && Number.isFinite(x) ? String(x) : t;
}
