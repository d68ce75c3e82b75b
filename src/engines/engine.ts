// The common shape of every engine: describe what was loaded, predict for a whole dataset.

import type { Column, Dataset, ModelFile, Predictions, Task } from '../types.js';

/** What a model may say about itself (TF.js userDefinedMetadata["model-gate"]). */
export interface ModelMetadata {
  task?: Task;
  features?: string[];
  classes?: string[];
  label?: string;
}

export interface PredictInput {
  /** Display name of the model, for messages. */
  name: string;
  dataset: Dataset;
  /** Feature columns in the order the model takes them. */
  features: Column[];
  task: Task;
  /** Class names in the model's output order; for binary, classes[1] is the positive class. */
  classes: string[];
  idColumn?: Column;
  batchSize: number;
}

export interface LoadedModel {
  engine: string;
  backend: string;
  files: ModelFile[];
  metadata: ModelMetadata;
  /** Number of input features the model takes, when the format says. */
  inputWidth?: number;
  /** A model whose inputs take named columns (ONNX `inputs`): graph input → columns, in order; they replace PredictInput.features. */
  inputColumns?: Record<string, string[]>;
  /** Number of output values per row, when the format says. */
  outputWidth?: number;
  predict(input: PredictInput): Promise<Predictions>;
  dispose(): void;
  /** Worth showing in the report: a GPU that was seen but not used, a fallback, and why. */
  notes?: string[];
  /** A command engine's output (the last 64 KB), for a collapsed section of the report. */
  log?: string;
}
