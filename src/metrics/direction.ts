// Which way is better for each metric the kernels produce, so comparisons never guess.

import { InputError } from '../errors.js';
import type { Task } from '../types.js';

export interface MetricInfo {
  higherIsBetter: boolean;
  /** The value always lies in [0, 1], so a change reads as an absolute difference in points. */
  bounded: boolean;
  /** Human name for reports. */
  label: string;
  /** The tasks whose kernel returns this metric. */
  tasks: Task[];
  /** Describes the run rather than its quality; comparisons skip it. */
  informational?: boolean;
}

// Null prototype, so METRIC_INFO['toString'] and similar are undefined rather than Object methods.
export const METRIC_INFO: Readonly<Record<string, MetricInfo>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, MetricInfo>, {
  // binary
  accuracy: { higherIsBetter: true, bounded: true, label: 'Accuracy', tasks: ['binary', 'multiclass'] },
  balanced_accuracy: { higherIsBetter: true, bounded: true, label: 'Balanced accuracy', tasks: ['binary', 'multiclass'] },
  precision: { higherIsBetter: true, bounded: true, label: 'Precision', tasks: ['binary'] },
  recall: { higherIsBetter: true, bounded: true, label: 'Recall', tasks: ['binary'] },
  f1: { higherIsBetter: true, bounded: true, label: 'F1', tasks: ['binary'] },
  roc_auc: { higherIsBetter: true, bounded: true, label: 'ROC AUC', tasks: ['binary'] },
  pr_auc: { higherIsBetter: true, bounded: true, label: 'PR AUC (average precision)', tasks: ['binary'] },
  log_loss: { higherIsBetter: false, bounded: false, label: 'Log loss', tasks: ['binary', 'multiclass'] },
  brier: { higherIsBetter: false, bounded: true, label: 'Brier score', tasks: ['binary'] },
  // multiclass
  precision_macro: { higherIsBetter: true, bounded: true, label: 'Precision (macro)', tasks: ['multiclass'] },
  recall_macro: { higherIsBetter: true, bounded: true, label: 'Recall (macro)', tasks: ['multiclass'] },
  f1_macro: { higherIsBetter: true, bounded: true, label: 'F1 (macro)', tasks: ['multiclass'] },
  f1_weighted: { higherIsBetter: true, bounded: true, label: 'F1 (weighted)', tasks: ['multiclass'] },
  roc_auc_ovr_macro: { higherIsBetter: true, bounded: true, label: 'ROC AUC (one-vs-rest, macro)', tasks: ['multiclass'] },
  // regression
  mae: { higherIsBetter: false, bounded: false, label: 'Mean absolute error', tasks: ['regression'] },
  mse: { higherIsBetter: false, bounded: false, label: 'Mean squared error', tasks: ['regression'] },
  rmse: { higherIsBetter: false, bounded: false, label: 'Root mean squared error', tasks: ['regression'] },
  // At most 1, unbounded below.
  r2: { higherIsBetter: true, bounded: false, label: 'R²', tasks: ['regression'] },
  mape: { higherIsBetter: false, bounded: false, label: 'Mean absolute percentage error', tasks: ['regression'] },
  max_error: { higherIsBetter: false, bounded: false, label: 'Max error', tasks: ['regression'] },
  // all tasks
  example_count: { higherIsBetter: true, bounded: false, label: 'Examples', tasks: ['binary', 'multiclass', 'regression'], informational: true },
  } satisfies Record<string, MetricInfo>)
);

/** The MetricInfo for a name, or undefined when the kernels do not produce it. */
export function metricInfo(name: string): MetricInfo | undefined {
  return METRIC_INFO[name];
}

/** Whether a larger value is better. An unknown name is a configuration mistake: InputError. */
export function isHigherBetter(name: string): boolean {
  const info = metricInfo(name);
  if (info === undefined) {
    throw new InputError(`Unknown metric "${name}". Known metrics: ${Object.keys(METRIC_INFO).join(', ')}.`);
  }
  return info.higherIsBetter;
}
