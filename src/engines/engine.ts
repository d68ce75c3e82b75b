// The common shape of every engine: what it opens and how (Engine, listed in registry.ts), and what it
// loaded (LoadedModel): its facts, runtime and capabilities, and predictions for a whole dataset.

import type { DeviceSetting } from '../hardware/device.js';
import type { Column, Dataset, Facts, ModelFile, Predictions, Task } from '../types.js';
import type { RuntimeSetting } from './onnx-runtime.js';

export interface OpenModelOptions {
  /** Any framework: a command template run for every model that is not a predictions file. */
  command?: string;
  commandTimeout?: number;
  /** Variables passed to the command beyond the allow-list. */
  commandEnv?: readonly string[];
  device?: DeviceSetting;
  /** ONNX: graph input name → columns feeding it; the output holding the scores; the runtime. */
  onnxInputs?: Record<string, string[]>;
  onnxOutput?: string;
  onnxRuntime?: RuntimeSetting;
  /** The data's id column: a predictions file then reads only it and its prediction columns. */
  idColumn?: string;
}

/** A model's path as each engine's `opens` sees it. */
export interface ModelTarget {
  path: string;
  /** The path's extension in lower case, with its dot ('' when it has none). */
  ext: string;
  /** What is at the path once looked at; undefined when the engine is chosen from the path alone. */
  found?: 'file' | 'folder' | 'nothing';
  options: OpenModelOptions;
}

/** How an engine wants the data's feature columns: one array per column, or rows of float32 (data/csv-fast.ts). */
export type DataLayout = 'columns' | 'rows';

/** One engine: registry.ts asks each in turn whether it opens a model. */
export interface Engine {
  name: string;
  /** Whether this engine runs the model at the target (from the path alone when target.found is undefined). */
  opens(target: ModelTarget): boolean;
  layout: DataLayout;
  load(modelPath: string, name: string, options: OpenModelOptions): Promise<LoadedModel>;
}

/** The runtime underneath an engine, when it says (ONNX Runtime's name, version, device and threads). */
export interface EngineRuntime {
  runtime?: string;
  version?: string;
  device?: string;
  threads?: number;
}

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
  /** What runs it, for the report and the Hardware line: "onnxruntime-web wasm (4 threads)", "none". */
  backend: string;
  runtime?: EngineRuntime;
  /** Size, parameters and signature, computed at load; absent for predictions files and commands, which say nothing about the network. */
  facts?: Facts;
  /**
   * model-gate feeds it the feature columns of the rows it is given (a network). False for a predictions file and
   * a command, which read no columns from model-gate: nothing to report as fed, and timing predict() times no model.
   */
  takesFeatures: boolean;
  /** The evaluation data must hold its feature columns. False for a predictions file: an id and a label serve it. */
  needsFeatures: boolean;
  /** It can predict for the training rows too. False for a predictions file, which holds the evaluation rows' only. */
  runsTrainingRows: boolean;
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
