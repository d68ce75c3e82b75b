// TF.js layers and graph models (model.json plus weight shards), run in batches.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelError, messageOf } from '../errors.js';
import type { Predictions, Task } from '../types.js';
import type { LoadedModel, ModelMetadata, PredictInput } from './engine.js';
import { featureMatrix } from './feature-matrix.js';
import { describeFiles } from './files.js';
import { tfRuntime, type Tf } from './tf-runtime.js';

type TfModel = { predict(x: unknown): unknown; dispose(): void; inputs: { shape: (number | null)[] }[]; outputs: { shape?: (number | null)[] }[] };

interface ModelJson {
  format?: string;
  modelTopology?: Record<string, unknown>;
  weightsManifest?: { paths: string[]; weights: unknown[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

export async function loadTfjsModel(modelJsonPath: string, name: string): Promise<LoadedModel> {
  const json = await readModelJson(modelJsonPath, name);
  const dir = path.dirname(modelJsonPath);
  const shardPaths = (json.weightsManifest ?? []).flatMap((g) => g.paths.map((p) => path.join(dir, p)));
  for (const p of shardPaths) {
    try {
      await readFile(p, { flag: 'r' }).then(() => undefined);
    } catch {
      throw new ModelError(`${modelJsonPath}: weight file ${p} named in weightsManifest is missing. Copy all shards beside model.json.`);
    }
  }
  const files = await describeFiles([modelJsonPath, ...shardPaths]);
  const { tf, backend } = await tfRuntime();
  const kind = modelKind(json);
  const handler = nodeFileHandler(tf, modelJsonPath, json);
  let model: TfModel;
  try {
    model = (kind === 'graph' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler)) as unknown as TfModel;
  } catch (e) {
    throw new ModelError(`${modelJsonPath}: TF.js could not load this ${kind} model (${messageOf(e)}).`);
  }
  const inputShape = model.inputs[0]?.shape ?? [];
  const outputShape = model.outputs[0]?.shape ?? [];
  const width = (s: (number | null)[]) => (s.length === 2 && s[1] !== null && s[1]! > 0 ? (s[1] as number) : undefined);
  return {
    engine: kind === 'graph' ? 'tfjs graph model' : 'tfjs layers model',
    backend,
    files,
    metadata: metadataOf(json, modelJsonPath),
    inputWidth: width(inputShape),
    outputWidth: width(outputShape),
    predict: (input) => predictInBatches(tf, model, input),
    dispose: () => model.dispose(),
  };
}

async function readModelJson(p: string, name: string): Promise<ModelJson> {
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch {
    throw new ModelError(`model ${name}: ${p} not found. Point it at a TF.js model.json, its folder, or a predictions file.`);
  }
  try {
    return JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new ModelError(`${p}: not valid JSON (${messageOf(e)}); expected a TF.js model.json.`);
  }
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

/** Reads model.json's weight shards from disk; tfjs without tfjs-node has no file:// loader. */
function nodeFileHandler(tf: Tf, modelJsonPath: string, json: ModelJson) {
  const dir = path.dirname(modelJsonPath);
  return {
    load: () =>
      tf.io.getModelArtifactsForJSON(json as never, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const b = await readFile(path.join(dir, p));
            buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      }),
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

/** Maps raw network outputs onto the task: one sigmoid or two softmax units for binary, k for multiclass. */
export function toPredictions(out: Float64Array, width: number, input: PredictInput): Predictions {
  const n = input.dataset.rowCount;
  const k = input.classes.length;
  if (input.task === 'regression' || input.task === 'ranking') {
    if (width !== 1) throw new ModelError(`model ${input.name} outputs ${width} values per row; a ${input.task} model must output 1.`);
    return input.task === 'regression' ? { kind: 'regression', values: out } : { kind: 'ranking', scores: out };
  }
  if (input.task === 'multilabel') {
    if (width !== k) {
      throw new ModelError(`model ${input.name} outputs ${width} values per row but there are ${k} label columns (${input.classes.join(', ')}).`);
    }
    return { kind: 'multilabel', labels: input.classes, scores: out };
  }
  if (input.task === 'binary') {
    if (width === 1) return { kind: 'binary', scores: out };
    if (width === 2) {
      const scores = new Float64Array(n);
      for (let i = 0; i < n; i++) scores[i] = out[i * 2 + 1];
      return { kind: 'binary', scores };
    }
    throw new ModelError(`model ${input.name} outputs ${width} values per row; a binary model must output 1 (sigmoid) or 2 (softmax).`);
  }
  if (width !== k) {
    throw new ModelError(
      `model ${input.name} outputs ${width} values per row but there are ${k} classes (${input.classes.join(', ')}). ` +
        'Set `classes` to the labels in the model\'s output order.',
    );
  }
  return { kind: 'multiclass', classes: input.classes, probs: out };
}
