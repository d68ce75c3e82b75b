// Which way is better for each metric the kernels produce, so comparisons never guess.

import { InputError } from '../errors.js';
import type { Task } from '../types.js';
import { rankingMetricInfo } from './retrieval.js';
import { latencyMetricInfo } from './latency-info.js';
import type { MetricInfo } from './metric-info.js';

export type { MetricInfo } from './metric-info.js';

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
  precision_macro: { higherIsBetter: true, bounded: true, label: 'Precision (macro)', tasks: ['multiclass', 'multilabel'] },
  recall_macro: { higherIsBetter: true, bounded: true, label: 'Recall (macro)', tasks: ['multiclass', 'multilabel'] },
  f1_macro: { higherIsBetter: true, bounded: true, label: 'F1 (macro)', tasks: ['multiclass', 'multilabel'] },
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
  example_count: { higherIsBetter: true, bounded: false, label: 'Examples', tasks: ['binary', 'multiclass', 'regression', 'multilabel', 'ranking'], informational: true },
  // calibration (src/metrics/calibration.ts). tasks stays empty until binaryMetrics/multiclassMetrics
  // return these (test/metrics/kernels.test.ts requires tasks to list exactly what a kernel returns);
  // then ['binary', 'multiclass'].
  ece: { higherIsBetter: false, bounded: true, label: 'Expected calibration error', tasks: ['binary', 'multiclass'] },
  mce: { higherIsBetter: false, bounded: true, label: 'Maximum calibration error', tasks: ['binary', 'multiclass'] },
  // imbalance (src/metrics/imbalance.ts). tasks: ['binary'] once the binary kernel returns them.
  recall_at_fpr: { higherIsBetter: true, bounded: true, label: 'Recall at max FPR', tasks: ['binary'] },
  precision_at_recall: { higherIsBetter: true, bounded: true, label: 'Precision at min recall', tasks: ['binary'] },
  // multilabel (src/metrics/multilabel.ts), which also returns precision_macro, recall_macro,
  // f1_macro and example_count (listed above). 'multilabel' is not in Task yet: cast.
  precision_micro: { higherIsBetter: true, bounded: true, label: 'Precision (micro)', tasks: ['multilabel'] },
  recall_micro: { higherIsBetter: true, bounded: true, label: 'Recall (micro)', tasks: ['multilabel'] },
  f1_micro: { higherIsBetter: true, bounded: true, label: 'F1 (micro)', tasks: ['multilabel'] },
  roc_auc_micro: { higherIsBetter: true, bounded: true, label: 'ROC AUC (micro)', tasks: ['multilabel'] },
  roc_auc_macro: { higherIsBetter: true, bounded: true, label: 'ROC AUC (macro)', tasks: ['multilabel'] },
  subset_accuracy: { higherIsBetter: true, bounded: true, label: 'Subset accuracy', tasks: ['multilabel'] },
  hamming_loss: { higherIsBetter: false, bounded: true, label: 'Hamming loss', tasks: ['multilabel'] },
  // ranking (src/metrics/retrieval.ts): family@k for the usual k (rankingMetricInfo there parses any
  // k), mrr and query_count; the kernel also returns example_count. 'ranking' is not in Task yet: cast.
  mrr: { higherIsBetter: true, bounded: true, label: 'Mean reciprocal rank', tasks: ['ranking'] },
  query_count: { higherIsBetter: true, bounded: false, label: 'Queries', tasks: ['ranking'], informational: true },
  'ndcg@1': { higherIsBetter: true, bounded: true, label: 'NDCG@1', tasks: ['ranking'] },
  'ndcg@3': { higherIsBetter: true, bounded: true, label: 'NDCG@3', tasks: ['ranking'] },
  'ndcg@5': { higherIsBetter: true, bounded: true, label: 'NDCG@5', tasks: ['ranking'] },
  'ndcg@10': { higherIsBetter: true, bounded: true, label: 'NDCG@10', tasks: ['ranking'] },
  'ndcg@20': { higherIsBetter: true, bounded: true, label: 'NDCG@20', tasks: ['ranking'] },
  'ndcg@50': { higherIsBetter: true, bounded: true, label: 'NDCG@50', tasks: ['ranking'] },
  'ndcg@100': { higherIsBetter: true, bounded: true, label: 'NDCG@100', tasks: ['ranking'] },
  'map@1': { higherIsBetter: true, bounded: true, label: 'MAP@1', tasks: ['ranking'] },
  'map@3': { higherIsBetter: true, bounded: true, label: 'MAP@3', tasks: ['ranking'] },
  'map@5': { higherIsBetter: true, bounded: true, label: 'MAP@5', tasks: ['ranking'] },
  'map@10': { higherIsBetter: true, bounded: true, label: 'MAP@10', tasks: ['ranking'] },
  'map@20': { higherIsBetter: true, bounded: true, label: 'MAP@20', tasks: ['ranking'] },
  'map@50': { higherIsBetter: true, bounded: true, label: 'MAP@50', tasks: ['ranking'] },
  'map@100': { higherIsBetter: true, bounded: true, label: 'MAP@100', tasks: ['ranking'] },
  'recall@1': { higherIsBetter: true, bounded: true, label: 'Recall@1', tasks: ['ranking'] },
  'recall@3': { higherIsBetter: true, bounded: true, label: 'Recall@3', tasks: ['ranking'] },
  'recall@5': { higherIsBetter: true, bounded: true, label: 'Recall@5', tasks: ['ranking'] },
  'recall@10': { higherIsBetter: true, bounded: true, label: 'Recall@10', tasks: ['ranking'] },
  'recall@20': { higherIsBetter: true, bounded: true, label: 'Recall@20', tasks: ['ranking'] },
  'recall@50': { higherIsBetter: true, bounded: true, label: 'Recall@50', tasks: ['ranking'] },
  'recall@100': { higherIsBetter: true, bounded: true, label: 'Recall@100', tasks: ['ranking'] },
  'hit_rate@1': { higherIsBetter: true, bounded: true, label: 'Hit rate@1', tasks: ['ranking'] },
  'hit_rate@3': { higherIsBetter: true, bounded: true, label: 'Hit rate@3', tasks: ['ranking'] },
  'hit_rate@5': { higherIsBetter: true, bounded: true, label: 'Hit rate@5', tasks: ['ranking'] },
  'hit_rate@10': { higherIsBetter: true, bounded: true, label: 'Hit rate@10', tasks: ['ranking'] },
  'hit_rate@20': { higherIsBetter: true, bounded: true, label: 'Hit rate@20', tasks: ['ranking'] },
  'hit_rate@50': { higherIsBetter: true, bounded: true, label: 'Hit rate@50', tasks: ['ranking'] },
  'hit_rate@100': { higherIsBetter: true, bounded: true, label: 'Hit rate@100', tasks: ['ranking'] },
  } satisfies Record<string, MetricInfo>)
);

/**
 * The metrics that move the verdict by default (the `primary-metrics` input replaces them): per
 * task, one threshold-free measure of ranking or fit and the task's proper scoring rule, or its
 * usual loss. Few, so that family-wise control keeps its power; smooth, so that their bootstrap
 * p-values are reliable (binned, maximum and operating-point metrics are not: they stay in the
 * report and move the verdict only when a threshold names them).
 * - binary: roc_auc (ranking at every threshold) and log_loss (the proper scoring rule);
 * - multiclass: roc_auc_ovr_macro and log_loss, for the same reasons;
 * - regression: mse (the proper scoring rule for the mean) and mae (its robust companion, in the
 *   target's units; rmse would repeat mse's test);
 * - multilabel: roc_auc_macro and hamming_loss; ranking: the smallest ndcg@k and mrr.
 */
export const DEFAULT_PRIMARY_METRICS: Readonly<Record<Task, readonly string[]>> = Object.freeze({
  binary: ['roc_auc', 'log_loss'],
  multiclass: ['roc_auc_ovr_macro', 'log_loss'],
  regression: ['mse', 'mae'],
  multilabel: ['roc_auc_macro', 'hamming_loss'],
  ranking: ['ndcg@', 'mrr'],
});

/** The default primary metrics among those measured (ranking: ndcg at the smallest k measured, and mrr). */
export function defaultPrimaryMetrics(task: Task, measured: readonly string[]): string[] {
  if (task !== 'ranking') return DEFAULT_PRIMARY_METRICS[task].filter((m) => measured.includes(m));
  const ndcg = measured.filter((m) => m.startsWith('ndcg@')).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))[0];
  return [...(ndcg === undefined ? [] : [ndcg]), ...(measured.includes('mrr') ? ['mrr'] : [])];
}

/** Default minimum effect on bounded metrics: 0.5 percentage points. */
export const DEFAULT_MIN_EFFECT_POINTS = 0.005;
/** Default minimum effect on unbounded metrics (log_loss, mse, mae, …): 1 % of the baseline's value. */
export const DEFAULT_MIN_RELATIVE_EFFECT = 0.01;

/**
 * The smallest change of a metric worth a warning, in its units, against a baseline value: 0.5
 * percentage points for metrics bounded in [0, 1], 1 % of |baseline| for the others. Timings: 0
 * (their own rule lives with the latency measurement).
 */
export function defaultMinEffect(metric: string, baselineValue: number): number {
  const info = metricInfo(metric);
  if (info === undefined || metric.startsWith('latency_') || metric.startsWith('throughput_')) return 0;
  return info.bounded ? DEFAULT_MIN_EFFECT_POINTS : DEFAULT_MIN_RELATIVE_EFFECT * Math.abs(baselineValue);
}

/** The MetricInfo for a name, or undefined when the kernels do not produce it. */
export function metricInfo(name: string): MetricInfo | undefined {
  // Ranking metrics take any k ("ndcg@7"); the table lists only the usual ones.
  return METRIC_INFO[name] ?? rankingMetricInfo(name) ?? latencyMetricInfo(name);
}

/** Whether a larger value is better. An unknown name is a configuration mistake: InputError. */
export function isHigherBetter(name: string): boolean {
  const info = metricInfo(name);
  if (info === undefined) {
    throw new InputError(`Unknown metric "${name}". Known metrics: ${Object.keys(METRIC_INFO).join(', ')}.`);
  }
  return info.higherIsBetter;
}
