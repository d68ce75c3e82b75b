// From the label column to the task, the class names and the encoded truth.

import { DataError } from '../errors.js';
import type { Column, Dataset, NumericColumn, Task, TaskSetting, Truth } from '../types.js';
import { rowPlace } from '../data/row-place.js';
import { quote, shorten } from '../untrusted.js';


/** Label text as a class name: numeric labels are canonical, so "1" and "1.0" are one class. */
export function labelText(col: Column, i: number): string | null {
  if (col.kind === 'categorical') return col.values[i];
  const v = col.values[i];
  return Number.isNaN(v) ? null : String(v);
}

export function distinctLabels(col: Column): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < col.values.length; i++) {
    const t = labelText(col, i);
    if (t !== null) seen.add(t);
  }
  const out = [...seen];
  // sklearn orders classes by np.unique: numbers numerically, text lexically.
  return col.kind === 'numeric' ? out.sort((a, b) => Number(a) - Number(b)) : out.sort();
}

/**
 * The task: the setting, else what the candidate says about itself, else the label's shape:
 * text or two values are classification; numbers with more than two values are regression.
 */
export function resolveTask(setting: TaskSetting, label: Column, modelTask: Task | undefined, shape: { labels: number; query: boolean } = { labels: 1, query: false }): Task {
  if (setting !== 'auto') return setting;
  // What the settings say about the data's shape wins over the model's own word.
  if (shape.labels > 1) return 'multilabel';
  if (shape.query) return 'ranking';
  if (modelTask !== undefined) return modelTask;
  const distinct = distinctLabels(label).length;
  if (label.kind === 'categorical') return distinct <= 2 ? 'binary' : 'multiclass';
  return distinct <= 2 ? 'binary' : 'regression';
}

/**
 * Class names in the model's output order: the setting, else the model's metadata, else sorted
 * labels. For binary, classes[1] is the positive class; `positive` moves it there.
 */
export function resolveClasses(
  task: 'binary' | 'multiclass',
  label: Column,
  fromSettings: string[] | undefined,
  fromModel: string[] | undefined,
  positive: string | undefined,
): string[] {
  let classes = fromSettings ?? fromModel ?? distinctLabels(label);
  if (task === 'binary') {
    if (classes.length === 1) classes = positive !== undefined && positive !== classes[0] ? [classes[0], positive] : ['(other)', classes[0]];
    if (classes.length !== 2) {
      throw new DataError(
        `binary task but the label has ${classes.length} classes (${shorten(classes.slice(0, 10).join(', '))}). ` +
          'Set `task: multiclass`, or `classes` to the two labels.',
      );
    }
    if (positive !== undefined) {
      if (!classes.includes(positive)) {
        throw new DataError(`positive-class ${quote(positive)} is not one of the classes (${shorten(classes.join(', '))}).`);
      }
      classes = [classes.find((c) => c !== positive)!, positive];
    }
  }
  return classes;
}

/** Binary, multiclass and regression truth from one label column (multilabel and ranking have their own). */
export function encodeTruth(dataset: Dataset, label: Column, task: Task, classes: string[]): Truth {
  if (task === 'multilabel' || task === 'ranking') throw new Error(`encodeTruth: use encode${task === 'ranking' ? 'Ranking' : 'Multilabel'}`);
  const n = dataset.rowCount;
  const missingAt = () => {
    for (let i = 0; i < n; i++) if (labelText(label, i) === null) return i;
    return -1;
  };
  if (label.missing > 0) {
    const i = missingAt();
    throw new DataError(
      `${rowPlace(dataset, i)}: the label ${quote(label.name)} is missing here (${label.missing} rows in all). ` +
        'Every evaluation row needs a label: drop unlabelled rows.',
    );
  }
  if (task === 'regression') {
    if (label.kind !== 'numeric') {
      const i = label.values.findIndex((v) => v !== null && !Number.isFinite(Number(v)));
      throw new DataError(
        `${rowPlace(dataset, Math.max(i, 0))}: regression needs a numeric label, but ${quote(label.name)} holds ${quote(label.values[Math.max(i, 0)])}.`,
      );
    }
    checkFiniteLabels(dataset, label);
    return { task, y: label.values };
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = task === 'binary' ? new Uint8Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = labelText(label, i)!;
    const k = index.get(t);
    if (k === undefined) {
      throw new DataError(
        `${rowPlace(dataset, i)}: label ${quote(t)} is not a class the model can output (${shorten(classes.join(', '))}). ` +
          'Set `classes` to every label in the model\'s output order, or fix the data.',
      );
    }
    y[i] = k;
  }
  return task === 'binary' ? { task, classes, y: y as Uint8Array } : { task: 'multiclass', classes, y: y as Int32Array };
}

/**
 * A numeric label must be finite (a column typed numeric may hold inf or 1e400), and small enough
 * that its spread can be squared in float64: else mse and r2 overflow for every model, the dummy
 * included, and no threshold can be checked.
 */
function checkFiniteLabels(dataset: Dataset, label: NumericColumn): void {
  const y = label.values;
  const at = (i: number) => `${rowPlace(dataset, i)}: the label ${quote(label.name)} holds ${quote(label.raw[i] ?? String(y[i]))}`;
  let mean = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw new DataError(`${at(i)}, which is not a finite number. Every label must be one: drop or fix the row.`);
    mean += y[i] / y.length; // divided first: the sum of finite values can overflow, their mean cannot
  }
  let spread = 0;
  let largest = 0;
  for (let i = 0; i < y.length; i++) {
    spread += (y[i] - mean) ** 2;
    if (Math.abs(y[i]) > Math.abs(y[largest])) largest = i;
  }
  if (!Number.isFinite(spread)) {
    throw new DataError(
      `${at(largest)}: labels this large overflow float64 arithmetic (their squared spread exceeds ${Number.MAX_VALUE}), ` +
        'so no error metric can be computed. Rescale the target.',
    );
  }
}

/** Several 0/1 label columns (0/1, true/false, yes/no) become one n×L indicator matrix. */
export function encodeMultilabel(dataset: Dataset, labels: Column[]): Truth {
  const n = dataset.rowCount;
  const L = labels.length;
  const y = new Uint8Array(n * L);
  labels.forEach((col, j) => {
    for (let i = 0; i < n; i++) {
      const t = labelText(col, i);
      const v = t === null ? undefined : INDICATOR[t.toLowerCase()];
      if (v === undefined) {
        throw new DataError(
          `${rowPlace(dataset, i)}: multilabel column ${quote(col.name)} holds ${quote(t ?? '')}; each label column must hold 0 or 1 (or true/false).`,
        );
      }
      y[i * L + j] = v;
    }
  });
  return { task: 'multilabel', classes: labels.map((c) => c.name), y };
}

const INDICATOR: Record<string, number> = { '0': 0, '1': 1, false: 0, true: 1, no: 0, yes: 1 };

/** Ranking truth: the label is graded relevance (a number ≥ 0); the query column groups items. */
export function encodeRanking(dataset: Dataset, relevance: Column, query: Column): Truth {
  const n = dataset.rowCount;
  if (relevance.kind !== 'numeric' || relevance.missing > 0) {
    const i = relevance.kind === 'numeric' ? relevance.values.findIndex(Number.isNaN) : relevance.values.findIndex((v) => v === null || !Number.isFinite(Number(v)));
    throw new DataError(
      `${rowPlace(dataset, Math.max(i, 0))}: ranking needs a numeric relevance in ${quote(relevance.name)} on every row.`,
    );
  }
  const infinite = relevance.values.findIndex((v) => !Number.isFinite(v));
  if (infinite >= 0) {
    throw new DataError(
      `${rowPlace(dataset, infinite)}: the relevance ${quote(relevance.name)} holds ${quote(relevance.raw[infinite])}, which is not a finite number. ` +
        'Every relevance must be one: drop or fix the row.',
    );
  }
  const queries: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const q = labelText(query, i);
    if (q === null) throw new DataError(`${rowPlace(dataset, i)}: the query column ${quote(query.name)} is empty here; every item needs a query.`);
    queries[i] = q;
  }
  return { task: 'ranking', queries, y: relevance.values };
}
