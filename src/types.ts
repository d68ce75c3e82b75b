// Plain data passed between pipeline stages. No behaviour lives here.

export type Task = 'binary' | 'multiclass' | 'regression' | 'multilabel' | 'ranking';
export type TaskSetting = Task | 'auto';

/** A column typed after reading. Missing numeric cells are NaN; missing categorical cells are null. */
export interface NumericColumn {
  name: string;
  kind: 'numeric';
  values: Float64Array;
  /** The text as written, kept so a numeric-looking label ("1", "1.0") can still be a class name. */
  raw: (string | null)[];
  missing: number;
}
export interface CategoricalColumn {
  name: string;
  kind: 'categorical';
  values: (string | null)[];
  missing: number;
}
export type Column = NumericColumn | CategoricalColumn;

export interface Dataset {
  path: string;
  rowCount: number;
  columns: Column[];
  /** 1-based line in the file where each record starts, so later errors can point at it (data/row-place.ts); empty for an array file (.npz), whose rows are counted instead. */
  recordLines: Int32Array;
  /** Every column of the file in file order, when the run read only some (data/read.ts keepColumn): messages about a missing column name them all. */
  allColumns?: string[];
  /**
   * When the reader was asked for it: these columns as float32, row after row (row r, column k of
   * `columns` at r × columns.length + k; NaN where a cell is missing or text), the layout a network takes.
   */
  rowMajor?: { data: Float32Array; columns: Column[] };
}

/** What a model produced for every data row. */
export type Predictions =
  | { kind: 'binary'; scores: Float64Array }
  | { kind: 'multiclass'; classes: string[]; probs: Float64Array }
  | { kind: 'regression'; values: Float64Array }
  /** Row-major n×L: P(label j applies to row i). */
  | { kind: 'multilabel'; labels: string[]; scores: Float64Array }
  /** One score per item; items are ranked within their query by it. */
  | { kind: 'ranking'; scores: Float64Array };

/** The labels encoded for the kernels (pipeline/labels.ts encodes them). */
export type Truth =
  | { task: 'binary'; classes: string[]; y: Uint8Array }
  | { task: 'multiclass'; classes: string[]; y: Int32Array }
  | { task: 'regression'; y: Float64Array }
  /** Row-major n×L indicators, one label per column. */
  | { task: 'multilabel'; classes: string[]; y: Uint8Array }
  /** Graded relevance per item, and the query each item belongs to. */
  | { task: 'ranking'; queries: string[]; y: Float64Array };

export type Role = 'candidate' | 'baseline' | 'dummy';

export type FeatureOrder = 'settings' | 'model' | 'file';

export interface ModelFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface MetricValue {
  value: number;
  /** Bootstrap confidence interval, when the bootstrap ran and the metric is defined in enough resamples. */
  ci?: [number, number];
  /** Why the value cannot be trusted (an operating point the data cannot resolve); such a metric raises no finding. */
  unreliable?: string;
}

export type ConfusionMatrix = { labels: string[]; counts: number[][] };

/** One bin of a reliability diagram: mean confidence against observed frequency (or accuracy). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number;
  accuracy: number;
}

export interface ModelMeasurement {
  name: string;
  role: Role;
  path: string;
  engine: string;
  backend: string;
  files: ModelFile[];
  metrics: Record<string, MetricValue>;
  /** The same metrics on the training data, when it was given. */
  trainMetrics?: Record<string, MetricValue>;
  /** What the engine said worth reporting: a GPU fallback, a runtime choice. */
  notes?: string[];
  /** A command engine's output, last 64 KB. */
  log?: string;
  /** Size, parameter count and input/output signature, where the format tells. */
  facts?: Facts;
  /** The data columns model-gate fed the model, in the order it took them; absent for models that read no columns from it (a predictions file, a command). */
  features?: string[];
  /** Who set that order: the `features` / `inputs` setting, the model's own metadata, or nobody (the data file's column order). */
  featureOrder?: FeatureOrder;
  /** A model with several inputs (ONNX `inputs`): the columns feeding each input, by its name. */
  featureInputs?: Record<string, string[]>;
  /** Latency, stress run and memory, when measured (`perf`). */
  perf?: PerfReport;
  confusion?: ConfusionMatrix;
  reliability?: ReliabilityBin[];
  perLabel?: PerLabelMetrics[];
}

export interface PerLabelMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
  support: number;
}

export type Severity = 'info' | 'warning' | 'error';
export interface Finding {
  kind: string;
  severity: Severity;
  message: string;
  /** The features a data_drift finding is about. */
  features?: string[];
}

export type Verdict = 'pass' | 'warn' | 'fail';

/** Latency at one batch size (perf/latency.ts measures it). */
export interface LatencyResult {
  batchSize: number;
  /** Timed runs. */
  runs: number;
  /** Interleaved rounds the runs were spread over (measureLatencyRounds); absent when measured in one go. */
  rounds?: number;
  /** Each round's own figures: the independent replicates a comparison between models tests. */
  perRound?: RoundFigures;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  mean_ms: number;
  rowsPerSecond: number;
}

export interface RoundFigures {
  p50_ms: number[];
  p95_ms: number[];
  p99_ms: number[];
  rowsPerSecond: number[];
}

/** A short load test's figures (perf/load.ts). */
export interface StressResult {
  concurrency: number;
  /** The configured duration. */
  seconds: number;
  /** Measured wall time from the first start to the last completion. */
  elapsedSeconds: number;
  batchRows: number;
  /** Requests that completed without an error. */
  requests: number;
  /** Completed requests per second of elapsed time. */
  throughputPerSecond: number;
  /** throughputPerSecond × batchRows. */
  rowsPerSecond: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
  /** The first error's message, when there were errors. */
  firstError?: string;
}

/** Peak memory while some work ran (perf/memory.ts; MB means MiB). */
export interface MemoryReport {
  /** RSS when sampling started. */
  rssBeforeMB: number;
  /** Largest RSS sampled while the work ran (including the start and the end). */
  rssPeakMB: number;
  /** rssPeakMB − rssBeforeMB. */
  rssDeltaMB: number;
  /** process.resourceUsage().maxRSS at the end: the process's peak RSS since it started. */
  maxRssMB: number;
  samples: number;
}

export interface PerfReport {
  latency: LatencyResult[];
  load?: StressResult;
  memory: MemoryReport;
}

/** A tensor dimension: a fixed size, or a dynamic one as null (TF.js), −1, or a symbolic name / "?" (ONNX). */
export type Dim = number | string | null;

export interface TensorFacts {
  name: string;
  /** Fixed sizes as numbers; dynamic ones as null (TF.js), −1, or a symbolic name / "?" (ONNX). */
  shape: Dim[];
  /** float32, float64, int32, int64, bool, string, … */
  dtype: string;
  /** A layers model's output activation (sigmoid, softmax, linear, …), when known. */
  activation?: string;
}

/** What a model is, beside how well it does; its engine computes them when it loads the model. */
export interface Facts {
  /** Bytes of all the model's files. */
  fileBytes: number;
  parameters: number;
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  /** onnx, tfjs layers model, tfjs graph model: callers load each with its own runtime. */
  format: string;
  /**
   * Whether callers bind inputs and outputs by name: ONNX Runtime's run({name: tensor}) and a TF.js graph
   * model's execute({name: tensor}) do; a TF.js layers model's predict(x) takes and returns tensors by
   * position, so its layer names are internal, not a contract.
   */
  bindsByName: boolean;
  /** The class names in output order, when the model's metadata lists them. */
  classes?: string[];
}
