// Metric kernels: pure functions defined as scikit-learn 1.2.1 defines them.
export { binaryMetrics, BINARY_METRICS, LOG_LOSS_EPS } from './binary.js';
export { multiclassMetrics, argmaxRow, MULTICLASS_METRICS } from './multiclass.js';
export { regressionMetrics, REGRESSION_METRICS } from './regression.js';
export { confusionMatrix } from './confusion.js';
export { rocAuc, averagePrecision, rankingFromSorted, splitSorted } from './ranking.js';
export type { RankingSummary, SplitScores } from './ranking.js';
export { METRIC_INFO, metricInfo, isHigherBetter } from './direction.js';
export type { MetricInfo } from './direction.js';
