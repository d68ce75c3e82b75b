// Opens a model with the engine that says it opens it (registry.ts), after looking at what is at the path.

import { stat } from 'node:fs/promises';
import { ModelError } from '../errors.js';
import type { LoadedModel, OpenModelOptions } from './engine.js';
import { PREDICTION_EXTENSIONS } from './predictions-file.js';
import { engineFor, targetOf } from './registry.js';

export type { OpenModelOptions } from './engine.js';

export async function openModel(modelPath: string, name: string, options: OpenModelOptions = {}): Promise<LoadedModel> {
  const info = await stat(modelPath).catch(() => undefined);
  const engine = engineFor(targetOf(modelPath, options, info === undefined ? 'nothing' : info.isDirectory() ? 'folder' : 'file'));
  if (engine !== undefined) return engine.load(modelPath, name, options);
  if (info === undefined) {
    throw new ModelError(`model ${name}: ${modelPath} not found. Check the path (relative paths start at the workspace or the config file's folder).`);
  }
  throw new ModelError(
    `model ${name}: cannot tell how to run ${modelPath}. Use a TF.js model.json (or its folder), an .onnx model, a predictions file (${PREDICTION_EXTENSIONS.join(', ')}), or set \`command\` to run it with your own framework.`,
  );
}
