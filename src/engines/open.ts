// Chooses the engine from the path: a TF.js model.json (or its folder), or a predictions file.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '../errors.js';
import type { LoadedModel } from './engine.js';
import { loadPredictionsFile } from './predictions-file.js';
import { loadTfjsModel } from './tfjs.js';

const PREDICTION_EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.ndjson'];

export async function openModel(modelPath: string, name: string): Promise<LoadedModel> {
  const info = await stat(modelPath).catch(() => undefined);
  if (info === undefined) {
    throw new ModelError(`model ${name}: ${modelPath} not found. Check the path (relative paths start at the workspace or the config file's folder).`);
  }
  if (info.isDirectory()) {
    const json = path.join(modelPath, 'model.json');
    if ((await stat(json).catch(() => undefined))?.isFile()) return loadTfjsModel(json, name);
    throw new ModelError(`model ${name}: the folder ${modelPath} holds no model.json. Point at a TF.js model folder or file.`);
  }
  const ext = path.extname(modelPath).toLowerCase();
  if (ext === '.json') return loadTfjsModel(modelPath, name);
  if (PREDICTION_EXTENSIONS.includes(ext)) return loadPredictionsFile(modelPath, name);
  throw new ModelError(
    `model ${name}: cannot tell how to run ${modelPath}. Use a TF.js model.json (or its folder), or a predictions file (${PREDICTION_EXTENSIONS.join(', ')}).`,
  );
}
