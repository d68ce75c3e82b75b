// The engines, in the order they are asked whether they open a model: a command template, when set, runs
// every model that is not a predictions file; otherwise the path says (a TF.js model.json or its folder, an
// .onnx model, a predictions file). Callers ask here what the models will need before opening them.

import path from 'node:path';
import { commandEngine } from './command.js';
import type { Engine, ModelTarget, OpenModelOptions } from './engine.js';
import { onnxEngine } from './onnx.js';
import { predictionsFileEngine } from './predictions-file.js';
import { tfjsEngine } from './tfjs.js';

export const ENGINES: readonly Engine[] = [commandEngine, tfjsEngine, onnxEngine, predictionsFileEngine];

/** The engine that opens the target: the first that says it does. */
export function engineFor(target: ModelTarget): Engine | undefined {
  return ENGINES.find((e) => e.opens(target));
}

/** A path as engines see it before anything is looked at. */
export function targetOf(modelPath: string, options: OpenModelOptions, found?: ModelTarget['found']): ModelTarget {
  return { path: modelPath, ext: path.extname(modelPath).toLowerCase(), options, ...(found !== undefined ? { found } : {}) };
}

/** Whether any of the models will be opened by an engine that takes rows of float32, so the reader lays them out while it parses. */
export function wantsRowMajor(modelPaths: readonly string[], options: OpenModelOptions): boolean {
  return modelPaths.some((p) => engineFor(targetOf(p, options))?.layout === 'rows');
}

/**
 * Whether any of the models will run on ONNX Runtime and the runtime may be the native one (not 'wasm'):
 * worth installing onnxruntime-node. A command set in the options runs the .onnx files itself.
 */
export function needsNativeOnnx(modelPaths: readonly string[], options: OpenModelOptions): boolean {
  if (options.onnxRuntime === 'wasm') return false;
  return modelPaths.some((p) => engineFor(targetOf(p, options)) === onnxEngine);
}
