// Picks the TensorFlow.js runtime once per process: the native `tensorflow` backend when
// @tensorflow/tfjs-node loads (from this package or the workspace), else WebAssembly with SIMD.
// Never the slow pure-JS `cpu` backend: when neither starts, loading a model fails with a message.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ModelError, messageOf } from '../errors.js';

export type Tf = typeof import('@tensorflow/tfjs');

export interface TfRuntime {
  tf: Tf;
  backend: string;
  /** Why the native backend was not used, when it was not. */
  note?: string;
}

let runtime: Promise<TfRuntime> | undefined;

export function tfRuntime(): Promise<TfRuntime> {
  runtime ??= startRuntime();
  return runtime;
}

async function startRuntime(): Promise<TfRuntime> {
  const native = process.env.MODEL_GATE_TF_BACKEND === 'wasm' ? undefined : await loadNative();
  if (native && 'tf' in native) return native;
  const wasm = await loadWasm();
  return { ...wasm, note: native?.note ?? 'MODEL_GATE_TF_BACKEND=wasm' };
}

async function loadNative(): Promise<TfRuntime | { note: string }> {
  const places = [import.meta.url, pathToFileURL(path.join(process.env.GITHUB_WORKSPACE ?? process.cwd(), 'package.json')).href];
  for (const from of places) {
    try {
      const resolved = createRequire(from).resolve('@tensorflow/tfjs-node');
      const tf = (await import(pathToFileURL(resolved).href)) as Tf;
      await tf.setBackend('tensorflow');
      await tf.ready();
      if (tf.getBackend() === 'tensorflow') return { tf, backend: 'tensorflow' };
    } catch {
      // not installed here, or its native library is missing: try the next place
    }
  }
  return { note: '@tensorflow/tfjs-node is not installed' };
}

async function loadWasm(): Promise<TfRuntime> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = wasmDirectory();
  if (dir === undefined) {
    throw new ModelError(
      'The TensorFlow.js WebAssembly files (tfjs-backend-wasm-simd.wasm) were not found next to model-gate. ' +
        'Reinstall the action, or install @tensorflow/tfjs-node for the native backend.',
    );
  }
  wasm.setWasmPaths(dir + path.sep);
  // Emscripten's Node loader reads CommonJS's __dirname, which an ESM bundle lacks.
  const g = globalThis as { __dirname?: string };
  g.__dirname ??= dir;
  try {
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    if (!ok || tf.getBackend() !== 'wasm') throw new Error(`setBackend returned ${ok}`);
  } catch (e) {
    throw new ModelError(
      `The TensorFlow.js WebAssembly backend did not start (${messageOf(e)}). ` +
        'Install @tensorflow/tfjs-node in the workspace for the native backend.',
    );
  }
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  return { tf: tf as unknown as Tf, backend: simd ? 'wasm (SIMD)' : 'wasm' };
}

/** The bundle ships the .wasm files beside itself; from source they sit in node_modules. */
function wasmDirectory(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [here];
  try {
    candidates.push(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')));
  } catch {
    // bundled: no node_modules to look in
  }
  return candidates.find((d) => existsSync(path.join(d, 'tfjs-backend-wasm-simd.wasm')));
}
