// TF.js layers and graph models (model.json plus weight shards), run in batches.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelError, messageOf } from '../errors.js';
import type { Predictions, Task } from '../types.js';
import { inline, quote } from '../untrusted.js';
import type { Engine, LoadedModel, ModelMetadata, PredictInput } from './engine.js';
import { tfjsFacts } from './facts.js';
import { featureMatrix } from './feature-matrix.js';
import { describeBytes, fileInModelFolder, readRegularFile, regularFileSize } from './files.js';
import { toPredictions } from './network-outputs.js';
import { tfRuntime, type Tf } from './tf-runtime.js';

type TfModel = { predict(x: unknown): unknown; dispose(): void; inputs: { shape: (number | null)[] }[]; outputs: { shape?: (number | null)[] }[] };

interface ModelJson {
  format?: string;
  modelTopology?: Record<string, unknown>;
  weightsManifest?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

/** One entry of weightsManifest[].weights, as tfjs-core's WeightsManifestEntry. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

interface Shard {
  /** As shown in the report: the model's folder joined with the path in weightsManifest. */
  path: string;
  bytes: Uint8Array;
}

/** A model.json, or a folder holding one. */
export const tfjsEngine: Engine = {
  name: 'tfjs',
  opens: (t) => t.found === 'folder' || (t.found !== 'nothing' && t.ext === '.json'),
  layout: 'columns',
  load: (modelPath, name) => openTfjsModel(modelPath, name),
};

/** A model.json, or the model.json in a folder. */
export async function openTfjsModel(modelPath: string, name: string): Promise<LoadedModel> {
  if (!(await stat(modelPath).catch(() => undefined))?.isDirectory()) return loadTfjsModel(modelPath, name);
  const json = path.join(modelPath, 'model.json');
  // A model.json that is a symlink must still lie inside the folder (the settings only checked the folder).
  if ((await stat(json).catch(() => undefined))?.isFile()) {
    await fileInModelFolder(json, 'model.json', 'model file');
    return loadTfjsModel(json, name);
  }
  throw new ModelError(`model ${name}: the folder ${modelPath} holds no model.json. Point at a TF.js model folder or file.`);
}

export async function loadTfjsModel(modelJsonPath: string, name: string): Promise<LoadedModel> {
  const { json, bytes } = await readModelJson(modelJsonPath, name);
  const groups = manifestOf(json, modelJsonPath);
  const shards = await readWeightShards(modelJsonPath, groups);
  const files = [describeBytes(modelJsonPath, bytes), ...shards.map((s) => describeBytes(s.path, s.bytes))];
  // From model.json as read, before TF.js takes it.
  const facts = tfjsFacts(json, files.reduce((a, f) => a + f.bytes, 0));
  const { tf, backend } = await tfRuntime();
  const kind = modelKind(json);
  const handler = memoryHandler(tf, json, groups, shards);
  let model: TfModel;
  try {
    model = (kind === 'graph' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler)) as unknown as TfModel;
  } catch (e) {
    // TF.js and JSON.parse quote the file's own text in their messages: shortened and on one line, as every untrusted value.
    throw new ModelError(`${modelJsonPath}: TF.js could not load this ${kind} model (${inline(messageOf(e))}).`);
  }
  const inputShape = model.inputs[0]?.shape ?? [];
  const outputShape = model.outputs[0]?.shape ?? [];
  const width = (s: (number | null)[]) => (s.length === 2 && s[1] !== null && s[1]! > 0 ? (s[1] as number) : undefined);
  return {
    engine: kind === 'graph' ? 'tfjs graph model' : 'tfjs layers model',
    backend,
    facts,
    takesFeatures: true,
    needsFeatures: true,
    runsTrainingRows: true,
    files,
    metadata: metadataOf(json, modelJsonPath),
    inputWidth: width(inputShape),
    outputWidth: width(outputShape),
    predict: (input) => predictInBatches(tf, model, input),
    dispose: () => model.dispose(),
  };
}

async function readModelJson(p: string, name: string): Promise<{ json: ModelJson; bytes: Uint8Array }> {
  if (!(await stat(p).catch(() => undefined))) {
    throw new ModelError(`model ${name}: ${p} not found. Point it at a TF.js model.json, its folder, or a predictions file.`);
  }
  const bytes = await readRegularFile(p, p);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ModelError(`${p}: not valid JSON (${inline(messageOf(e))}); expected a TF.js model.json.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelError(`${p}: not a TF.js model.json (expected a JSON object).`);
  return { json: json as ModelJson, bytes };
}

/** Bytes per stored value (tfjs-core 4.22 src/io/types.ts, DTYPE_VALUE_SIZE_MAP). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, float16: 2, int32: 4, uint16: 2, uint8: 1, bool: 1, complex64: 8 };
/** The dtypes a quantized weight may be stored as (tfjs-core io_utils.ts decodeWeight). */
const QUANTIZED = ['uint8', 'uint16', 'float16'];

/** weightsManifest, checked for shape: each group lists its weight files and weights of known dtype and whole-number shape. */
export function manifestOf(json: ModelJson, p: string): ManifestGroup[] {
  const manifest = json.weightsManifest ?? [];
  const bad = (what: string) => new ModelError(`${p}: weightsManifest${what}. Export the model again with TF.js or tensorflowjs_converter.`);
  if (!Array.isArray(manifest)) throw bad(' must be a list of groups');
  return manifest.map((group: unknown, i): ManifestGroup => {
    const g = group as Partial<Record<'paths' | 'weights', unknown>> | null;
    if (typeof g !== 'object' || g === null || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw bad(`[${i}] must have "paths" and "weights" lists`);
    }
    if (!g.paths.every((x): x is string => typeof x === 'string' && x !== '')) throw bad(`[${i}].paths must list file names`);
    const weights = g.weights.map((w: unknown, j): WeightSpec => {
      const spec = w as Partial<WeightSpec> | null;
      const at = `[${i}].weights[${j}]`;
      if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string') throw bad(`${at} has no name`);
      if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad(`${at} (${quote(spec.name)}) has a shape that is not a list of whole numbers`);
      const stored = spec.quantization === undefined ? spec.dtype : spec.quantization?.dtype;
      const known = spec.quantization === undefined ? typeof stored === 'string' && (stored in DTYPE_BYTES || stored === 'string') : QUANTIZED.includes(stored as string);
      if (!known) throw bad(`${at} (${quote(spec.name)}) has dtype ${quote(stored)}, which TF.js does not store`);
      if (!Number.isSafeInteger(spec.shape.reduce((a, b) => a * b, 1) * 16)) throw bad(`${at} (${quote(spec.name)}) has a shape too large to be real`);
      return spec as WeightSpec;
    });
    return { paths: g.paths, weights };
  });
}

/**
 * Bytes a weight takes in its group's data, as tfjs-core's decodeWeights counts them: elements × bytes per
 * stored value (the quantized dtype's when quantized). String weights are length-prefixed values, so their
 * size is read from `data` at `offset`; undefined when the data runs out first.
 */
export function weightBytes(spec: WeightSpec, data?: Uint8Array, offset = 0): number | undefined {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization !== undefined) return size * DTYPE_BYTES[spec.quantization.dtype];
  if (spec.dtype !== 'string') return size * DTYPE_BYTES[spec.dtype];
  if (data === undefined) return undefined;
  // Each string: a little-endian uint32 byte count, then the bytes (tfjs-core io_utils.ts, NUM_BYTES_STRING_LENGTH = 4).
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = offset;
  for (let k = 0; k < size; k++) {
    if (at + 4 > data.length) return undefined;
    at += 4 + view.getUint32(at, true);
  }
  return at <= data.length ? at - offset : undefined;
}

/**
 * The weight files of every manifest group, each inside the model's folder, a regular file, and together
 * exactly as long as the group's weights: a file longer or shorter than its manifest says is refused, and no
 * read goes past the size a file had when it was checked.
 */
async function readWeightShards(modelJsonPath: string, groups: ManifestGroup[]): Promise<Shard[]> {
  const dir = path.dirname(modelJsonPath);
  const out: Shard[] = [];
  for (const [i, group] of groups.entries()) {
    const files: { path: string; real: string; shown: string; size: number }[] = [];
    for (const p of group.paths) {
      const real = await fileInModelFolder(modelJsonPath, p, 'weight file');
      const shown = `${modelJsonPath}: weight file ${quote(p)}`;
      files.push({ path: path.join(dir, p), real, shown, size: await regularFileSize(real, shown) });
    }
    const held = files.reduce((a, f) => a + f.size, 0);
    const fixed = group.weights.every((w) => weightBytes(w) !== undefined);
    const names = group.paths.slice(0, 3).map(quote).join(', ') + (group.paths.length > 3 ? ` and ${group.paths.length - 3} more` : '');
    const mismatch = (declared: number | undefined) =>
      new ModelError(
        `${modelJsonPath}: the weight file${files.length === 1 ? '' : 's'} ${names} of weightsManifest[${i}] ` +
          `${files.length === 1 ? 'holds' : 'hold'} ${held} bytes, but its ${group.weights.length} weights ${declared === undefined ? 'do not fit in them' : `take ${declared} bytes`}. ` +
          'The weight files must be the ones written with this model.json: export the model again, or copy the matching files.',
      );
    const declared = fixed ? group.weights.reduce((a, w) => a + weightBytes(w)!, 0) : undefined;
    if (declared !== undefined && declared !== held) throw mismatch(declared);
    const read: Shard[] = [];
    for (const f of files) read.push({ path: f.path, bytes: await readRegularFile(f.real, f.shown, f.size) });
    if (read.reduce((a, s) => a + s.bytes.length, 0) !== held) throw new ModelError(`${modelJsonPath}: a weight file of weightsManifest[${i}] changed while it was read; run again.`);
    if (declared === undefined) {
      // String weights: their lengths are in the data, so the group's size is known only now.
      const data = concat(read.map((s) => s.bytes));
      let used = 0;
      for (const w of group.weights) {
        const b = weightBytes(w, data, used);
        if (b === undefined) throw mismatch(undefined);
        used += b;
      }
      if (used !== held) throw mismatch(used);
    }
    out.push(...read);
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function modelKind(json: ModelJson): 'graph' | 'layers' {
  if (json.format === 'graph-model') return 'graph';
  if (json.format === 'layers-model') return 'layers';
  const topo = json.modelTopology ?? {};
  return 'node' in topo ? 'graph' : 'layers';
}

function metadataOf(json: ModelJson, p: string): ModelMetadata {
  const m = json.userDefinedMetadata?.['model-gate'];
  if (m === undefined) return {};
  if (typeof m !== 'object' || m === null) throw new ModelError(`${p}: userDefinedMetadata["model-gate"] must be an object.`);
  const o = m as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  const tasks: Task[] = ['binary', 'multiclass', 'regression', 'multilabel', 'ranking'];
  const task = tasks.find((t) => t === o.task);
  return { task, features: strings(o.features), classes: strings(o.classes), label: typeof o.label === 'string' ? o.label : undefined };
}

/** Hands TF.js the weight shards already read and checked (tfjs without tfjs-node has no file:// loader anyway). */
function memoryHandler(tf: Tf, json: ModelJson, groups: ManifestGroup[], shards: Shard[]) {
  const buffers = shards.map((s) => s.bytes.buffer.slice(s.bytes.byteOffset, s.bytes.byteOffset + s.bytes.byteLength) as ArrayBuffer);
  return {
    load: () => tf.io.getModelArtifactsForJSON(json as never, async () => [groups.flatMap((g) => g.weights) as never, tf.io.concatenateArrayBuffers(buffers)]),
  };
}

async function predictInBatches(tf: Tf, model: TfModel, input: PredictInput): Promise<Predictions> {
  const n = input.dataset.rowCount;
  const d = input.features.length;
  let width = 0;
  let out = new Float64Array(0);
  for (let start = 0; start < n; start += input.batchSize) {
    const end = Math.min(n, start + input.batchSize);
    const x = tf.tensor2d(featureMatrix(input.features, start, end), [end - start, d]);
    let y: { shape: number[]; data(): Promise<ArrayLike<number>>; dispose(): void };
    try {
      const raw = model.predict(x);
      y = (Array.isArray(raw) ? raw[0] : raw) as typeof y;
      for (const extra of Array.isArray(raw) ? raw.slice(1) : []) (extra as typeof y).dispose();
    } catch (e) {
      throw new ModelError(`model ${input.name}: inference failed on rows ${start + 1}–${end} (${messageOf(e)}).`);
    } finally {
      x.dispose();
    }
    try {
      const w = y.shape.length === 1 ? 1 : y.shape.slice(1).reduce((a, b) => a * b, 1);
      if (start === 0) {
        width = w;
        out = new Float64Array(n * width);
      }
      out.set(await y.data(), start * width);
    } finally {
      y.dispose();
    }
  }
  return toPredictions(out, width, input);
}
