// From the label column to the task, the class names and the encoded truth.

import { DataError } from '../errors.js';
import type { Column, Dataset, Task, TaskSetting } from '../types.js';

export type Truth =
  | { task: 'binary'; classes: string[]; y: Uint8Array }
  | { task: 'multiclass'; classes: string[]; y: Int32Array }
  | { task: 'regression'; y: Float64Array };

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
export function resolveTask(setting: TaskSetting, label: Column, modelTask: Task | undefined): Task {
  if (setting !== 'auto') return setting;
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

export function encodeTruth(dataset: Dataset, label: Column, task: Task, classes: string[]): Truth {
  const n = dataset.rowCount;
  const missingAt = () => {
    for (let i = 0; i < n; i++) if (labelText(label, i) === null) return i;
    return -1;
  };
  if (label.missing > 0) {
    const i = missingAt();
    throw new DataError(
      `${dataset.path}:${dataset.recordLines[i]}: the label "${label.name}" is missing here (${label.missing} rows in all). ` +
        'Every evaluation row needs a label: drop unlabelled rows.',
    );
  }
  if (task === 'regression') {
    if (label.kind !== 'numeric') {
      const i = label.values.findIndex((v) => v !== null && !Number.isFinite(Number(v)));
      throw new DataError(
        `${dataset.path}:${dataset.recordLines[Math.max(i, 0)]}: regression needs a numeric label, but "${label.name}" holds "${label.values[Math.max(i, 0)]}".`,
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
        `${dataset.path}:${dataset.recordLines[i]}: label "${t}" is not a class the model can output (${classes.join(', ')}). ` +
          'Set `classes` to every label in the model\'s output order, or fix the data.',
      );
    }
    y[i] = k;
  }
  return task === 'binary' ? { task, classes, y: y as Uint8Array } : { task, classes, y: y as Int32Array };
}
