// The settings an engine is opened with, in the engines' own terms.

import type { OpenModelOptions } from '../../engines/open.js';
import type { Settings } from '../../settings/settings.js';

export function openOptions(s: Settings): OpenModelOptions {
  return { command: s.command, commandTimeout: s.commandTimeout, commandEnv: s.commandEnv, device: s.device, onnxInputs: s.onnxInputs, onnxOutput: s.onnxOutput, onnxRuntime: s.onnxRuntime, idColumn: s.idColumn };
}
