// Metric kernels: pure functions defined as scikit-learn 1.2.1 defines them.
export { binaryMetrics, BINARY_METRICS, LOG_LOSS_EPS } from './binary.js';
export { multiclassMetrics, argmaxRow, MULTICLASS_METRICS } from './multiclass.js';
export { regressionMetrics, REGRESSION_METRICS } from './regression.js';
export { confusionMatrix } from './confusion.js';
export { rocAuc, averagePrecision, rankingFromSorted, splitSorted } from './ranking.js';
export type { RankingSummary, SplitScores } from './ranking.js';
export { METRIC_INFO, metricInfo, isHigherBetter } from './direction.js';
export type { MetricInfo } from './direction.js';
export { calibration, CALIBRATION_METRICS, CALIBRATION_DEFAULT_BINS } from './calibration.js';
export type { CalibrationBin, CalibrationResult, CalibrationOptions } from './calibration.js';
export {
  recallAtFpr,
  precisionAtRecall,
  imbalanceMetrics,
  splitChecked,
  IMBALANCE_METRICS,
  DEFAULT_MAX_FPR,
  DEFAULT_MIN_RECALL,
} from './imbalance.js';
export type { ImbalanceOptions } from './imbalance.js';
export { multilabelMetrics, MULTILABEL_METRICS } from './multilabel.js';
export type { MultilabelResult, MultilabelLabelMetrics } from './multilabel.js';
export { rankingMetrics, rankingMetricInfo, RANKING_FAMILIES, RANKING_STANDARD_KS } from './retrieval.js';
export type { RankingFamily } from './retrieval.js';
