// From the label column to the task, the class names and the encoded truth.

import { DataError } from '../errors.js';
import type { Column, Dataset, Task, TaskSetting } from '../types.js';
import { rowPlace } from '../data/row-place.js';

export type Truth =
  | { task: 'binary'; classes: string[]; y: Uint8Array }
  | { task: 'multiclass'; classes: string[]; y: Int32Array }
  | { task: 'regression'; y: Float64Array }
  /** Row-major n×L indicators, one label per column. */
  | { task: 'multilabel'; classes: string[]; y: Uint8Array }
  /** Graded relevance per item, and the query each item belongs to. */
  | { task: 'ranking'; queries: string[]; y: Float64Array };

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
        `binary task but the label has ${classes.length} classes (${classes.slice(0, 10).join(', ')}). ` +
          'Set `task: multiclass`, or `classes` to the two labels.',
      );
    }
    if (positive !== undefined) {
      if (!classes.includes(positive)) {
        throw new DataError(`positive-class "${positive}" is not one of the classes (${classes.join(', ')}).`);
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
      `${rowPlace(dataset, i)}: the label "${label.name}" is missing here (${label.missing} rows in all). ` +
        'Every evaluation row needs a label: drop unlabelled rows.',
    );
  }
  if (task === 'regression') {
    if (label.kind !== 'numeric') {
      const i = label.values.findIndex((v) => v !== null && !Number.isFinite(Number(v)));
      throw new DataError(
        `${rowPlace(dataset, Math.max(i, 0))}: regression needs a numeric label, but "${label.name}" holds "${label.values[Math.max(i, 0)]}".`,
      );
    }
    return { task, y: label.values };
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = task === 'binary' ? new Uint8Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = labelText(label, i)!;
    const k = index.get(t);
    if (k === undefined) {
      throw new DataError(
        `${rowPlace(dataset, i)}: label "${t}" is not a class the model can output (${classes.join(', ')}). ` +
          'Set `classes` to every label in the model\'s output order, or fix the data.',
      );
    }
    y[i] = k;
  }
  return task === 'binary' ? { task, classes, y: y as Uint8Array } : { task: 'multiclass', classes, y: y as Int32Array };
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
          `${rowPlace(dataset, i)}: multilabel column "${col.name}" holds "${t ?? ''}"; each label column must hold 0 or 1 (or true/false).`,
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
      `${rowPlace(dataset, Math.max(i, 0))}: ranking needs a numeric relevance in "${relevance.name}" on every row.`,
    );
  }
  const queries: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const q = labelText(query, i);
    if (q === null) throw new DataError(`${rowPlace(dataset, i)}: the query column "${query.name}" is empty here; every item needs a query.`);
    queries[i] = q;
  }
  return { task: 'ranking', queries, y: relevance.values };
}
