// Chooses the engine: a command template when one is set, else from the path: a TF.js model.json
// (or its folder), an ONNX model, or a predictions file.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '../errors.js';
import type { DeviceSetting } from '../hardware/device.js';
import { loadCommandModel } from './command.js';
import type { LoadedModel } from './engine.js';
import { fileInModelFolder } from './files.js';
import { loadOnnxModel } from './onnx.js';
import type { RuntimeSetting } from './onnx-runtime.js';
import { loadPredictionsFile } from './predictions-file.js';
import { loadTfjsModel } from './tfjs.js';

const PREDICTION_EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.ndjson'];

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
}

export async function openModel(modelPath: string, name: string, options: OpenModelOptions = {}): Promise<LoadedModel> {
  const ext = path.extname(modelPath).toLowerCase();
  if (options.command !== undefined && !PREDICTION_EXTENSIONS.includes(ext)) {
    return loadCommandModel(modelPath, name, {
      command: options.command,
      timeoutSeconds: options.commandTimeout,
      device: options.device,
      passEnv: options.commandEnv,
    });
  }
  const info = await stat(modelPath).catch(() => undefined);
  if (info === undefined) {
    throw new ModelError(`model ${name}: ${modelPath} not found. Check the path (relative paths start at the workspace or the config file's folder).`);
  }
  if (info.isDirectory()) {
    const json = path.join(modelPath, 'model.json');
    // A model.json that is a symlink must still lie inside the folder (the settings only checked the folder).
    if ((await stat(json).catch(() => undefined))?.isFile()) {
      await fileInModelFolder(json, 'model.json', 'model file');
      return loadTfjsModel(json, name);
    }
    throw new ModelError(`model ${name}: the folder ${modelPath} holds no model.json. Point at a TF.js model folder or file.`);
  }
  if (ext === '.json') return loadTfjsModel(modelPath, name);
  if (ext === '.onnx') {
    return loadOnnxModel(modelPath, name, { inputs: options.onnxInputs, output: options.onnxOutput, device: options.device, runtime: options.onnxRuntime });
  }
  if (PREDICTION_EXTENSIONS.includes(ext)) return loadPredictionsFile(modelPath, name, name === 'candidate' ? 'candidate' : 'baselines');
  throw new ModelError(
    `model ${name}: cannot tell how to run ${modelPath}. Use a TF.js model.json (or its folder), an .onnx model, a predictions file (${PREDICTION_EXTENSIONS.join(', ')}), or set \`command\` to run it with your own framework.`,
  );
}
