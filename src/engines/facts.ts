// What a model is, beside how well it does (types.ts Facts), worked out from what each engine read at load:
// no file is read here.
//
// TF.js facts come from model.json alone:
// - parameters: elements in every weight of weightsManifest (product of each shape; a scalar counts 1).
//   For a graph model that includes every stored constant, as ONNX's count includes every initializer.
// - layers models: inputs from the InputLayer(s) (config.batch_input_shape / batch_shape), or, in a
//   Sequential model without one, the first layer's batch_input_shape, named "<layer>_input" as TF.js
//   names it; outputs from the last layer (the output_layers of a functional model): its units replace
//   the last input dimension, and its activation is kept. Shapes of layers without `units` are taken as
//   the input shape of the layer before (enough for Dense stacks; not a full shape inference).
// - graph models: signature.inputs / signature.outputs (names are the signature keys; shapes from
//   tensorShape.dim sizes, -1 → null; DT_FLOAT → float32 and so on), or without a signature the
//   Placeholder nodes as inputs (outputs then unknown).
// ONNX facts come from the engine's own protobuf reading (onnx.ts readOnnxModel); onnxFacts adapts them.

import type { Dim, Facts, TensorFacts } from '../types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Facts of a TF.js model from its parsed model.json. fileBytes is reported as given: pass the bytes of
 * model.json and all weight shards (the sum of LoadedModel.files[].bytes), or of the shards alone.
 */
export function tfjsFacts(modelJson: object, fileBytes: number): Facts {
  const json = modelJson as Json;
  const topology = isObject(json.modelTopology) ? json.modelTopology : {};
  const graph = json.format === 'graph-model' || (json.format !== 'layers-model' && 'node' in topology);
  const signature = graph ? graphSignature(json, topology) : layersSignature(topology);
  const meta = isObject(json.userDefinedMetadata) && isObject(json.userDefinedMetadata['model-gate']) ? json.userDefinedMetadata['model-gate'] : {};
  const classes = stringsOf(meta.classes);
  return {
    fileBytes,
    parameters: countParameters(json.weightsManifest),
    ...signature,
    format: graph ? 'tfjs graph model' : 'tfjs layers model',
    bindsByName: graph,
    ...(classes !== undefined ? { classes } : {}),
  };
}

const stringsOf = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...(v as string[])] : undefined);

function countParameters(manifest: unknown): number {
  let total = 0;
  for (const group of Array.isArray(manifest) ? manifest : []) {
    for (const w of isObject(group) && Array.isArray(group.weights) ? group.weights : []) {
      const shape = isObject(w) && Array.isArray(w.shape) ? (w.shape as unknown[]) : [];
      total += shape.reduce<number>((a, d) => a * Number(d), 1);
    }
  }
  return total;
}

interface LayerJson {
  class_name: string;
  config: Json;
  name: string;
  inbound_nodes?: unknown;
}

function layersOf(topology: Json): { layers: LayerJson[]; config: Json; className: string } {
  // model.json from TF.js / Keras 2 wraps the model in {class_name, config}; Keras' very old Sequential
  // format has config as the bare list of layers.
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const className = typeof model.class_name === 'string' ? model.class_name : '';
  const raw = model.config;
  const list = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.layers) ? raw.layers : [];
  const layers = list.filter(isObject).map((l) => {
    const config = isObject(l.config) ? l.config : {};
    const name = typeof l.name === 'string' ? l.name : typeof config.name === 'string' ? config.name : '';
    return { class_name: String(l.class_name ?? ''), config, name, inbound_nodes: l.inbound_nodes };
  });
  return { layers, config: isObject(raw) ? raw : {}, className };
}

function batchShapeOf(config: Json): Dim[] | undefined {
  const s = config.batch_input_shape ?? config.batch_shape ?? config.batchInputShape;
  if (Array.isArray(s)) return s.map(dimOf);
  const input = config.input_shape ?? config.inputShape;
  if (Array.isArray(input)) return [null, ...input.map(dimOf)];
  return undefined;
}

function dimOf(d: unknown): Dim {
  if (d === null || d === undefined) return null;
  const n = Number(d);
  if (Number.isFinite(n)) return n < 0 ? null : n;
  return typeof d === 'string' ? d : null;
}

function layersSignature(topology: Json): Pick<Facts, 'inputs' | 'outputs'> {
  const { layers, config, className } = layersOf(topology);
  const byName = new Map(layers.map((l) => [l.name, l] as const));
  const dtypeOf = (l: LayerJson) => normaliseDtype(typeof l.config.dtype === 'string' ? l.config.dtype : 'float32');
  const inputs: TensorFacts[] = [];
  const outputs: TensorFacts[] = [];
  const functional = className !== 'Sequential' && Array.isArray(config.input_layers);
  if (functional) {
    for (const name of endpointNames(config.input_layers)) {
      const l = byName.get(name);
      inputs.push({ name, shape: l ? (batchShapeOf(l.config) ?? []) : [], dtype: l ? dtypeOf(l) : 'float32' });
    }
    for (const name of endpointNames(config.output_layers)) {
      const l = byName.get(name);
      outputs.push(l ? outputOf(l, (x) => predecessor(x, byName), inputs[0]?.shape ?? [null]) : { name, shape: [], dtype: 'float32' });
    }
    return { inputs, outputs };
  }
  if (layers.length === 0) return { inputs, outputs };
  const first = layers[0];
  const shape = batchShapeOf(first.config) ?? [null];
  const inputName = first.class_name === 'InputLayer' ? first.name : `${first.name}_input`;
  inputs.push({ name: inputName, shape, dtype: dtypeOf(first) });
  const index = new Map(layers.map((l, i) => [l, i] as const));
  const last = layers[layers.length - 1];
  outputs.push(outputOf(last, (x) => layers[(index.get(x) ?? 0) - 1], shape));
  return { inputs, outputs };
}

/** [[name, node, tensor], …] or [name, node, tensor] → names. */
function endpointNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (v.length > 0 && typeof v[0] === 'string') return [v[0]];
  return v.filter(Array.isArray).map((e) => String(e[0]));
}

/** The layer feeding a functional model's layer (its first inbound node's first input). */
function predecessor(l: LayerJson, byName: Map<string, LayerJson>): LayerJson | undefined {
  const nodes = l.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return undefined;
  const node = nodes[0];
  // Keras 2 / TF.js: [[["dense_1", 0, 0, {}]]]; Keras 3: [{args: [{config: {keras_history: ["dense_1", 0, 0]}}]}].
  if (Array.isArray(node) && Array.isArray(node[0])) return byName.get(String(node[0][0]));
  if (isObject(node) && Array.isArray(node.args)) {
    const arg = node.args[0];
    const history = isObject(arg) && isObject(arg.config) ? arg.config.keras_history : undefined;
    if (Array.isArray(history)) return byName.get(String(history[0]));
  }
  return undefined;
}

/** A layer as a model output: units (of it or the nearest layer before it) replace the last dimension. */
function outputOf(l: LayerJson, before: (l: LayerJson) => LayerJson | undefined, inputShape: Dim[]): TensorFacts {
  const activation = typeof l.config.activation === 'string' ? l.config.activation : l.class_name === 'Softmax' ? 'softmax' : undefined;
  let units: number | undefined;
  const seen = new Set<LayerJson>();
  for (let x: LayerJson | undefined = l; x !== undefined && !seen.has(x); x = before(x)) {
    seen.add(x);
    if (typeof x.config.units === 'number') {
      units = x.config.units;
      break;
    }
  }
  const shape = units === undefined ? [...inputShape] : inputShape.length >= 2 ? [...inputShape.slice(0, -1), units] : [null, units];
  const dtype = normaliseDtype(typeof l.config.dtype === 'string' ? l.config.dtype : 'float32');
  return { name: l.name, shape, dtype, ...(activation !== undefined ? { activation } : {}) };
}

function graphSignature(json: Json, topology: Json): Pick<Facts, 'inputs' | 'outputs'> {
  const meta = isObject(json.userDefinedMetadata) ? json.userDefinedMetadata : {};
  const signature = isObject(json.signature) ? json.signature : isObject(meta.signature) ? meta.signature : undefined;
  if (signature !== undefined && (isObject(signature.inputs) || isObject(signature.outputs))) {
    const side = (v: unknown): TensorFacts[] =>
      isObject(v)
        ? Object.entries(v).map(([key, t]) => {
            const info = isObject(t) ? t : {};
            return { name: key, shape: tensorShapeOf(info.tensorShape), dtype: normaliseDtype(String(info.dtype ?? 'DT_FLOAT')) };
          })
        : [];
    return { inputs: side(signature.inputs), outputs: side(signature.outputs) };
  }
  const nodes = Array.isArray(topology.node) ? topology.node.filter(isObject) : [];
  const inputs = nodes
    .filter((n) => n.op === 'Placeholder')
    .map((n) => {
      const attr = isObject(n.attr) ? n.attr : {};
      const shape = isObject(attr.shape) ? tensorShapeOf(attr.shape.shape) : [];
      const dtype = isObject(attr.dtype) ? String(attr.dtype.type ?? 'DT_FLOAT') : 'DT_FLOAT';
      return { name: String(n.name), shape, dtype: normaliseDtype(dtype) };
    });
  return { inputs, outputs: [] };
}

function tensorShapeOf(v: unknown): Dim[] {
  if (!isObject(v) || !Array.isArray(v.dim)) return [];
  return v.dim.map((d) => (isObject(d) ? dimOf(d.size ?? -1) : null));
}

const TF_DTYPES: Record<string, string> = {
  DT_FLOAT: 'float32',
  DT_DOUBLE: 'float64',
  DT_HALF: 'float16',
  DT_BFLOAT16: 'bfloat16',
  DT_INT8: 'int8',
  DT_INT16: 'int16',
  DT_INT32: 'int32',
  DT_INT64: 'int64',
  DT_UINT8: 'uint8',
  DT_UINT16: 'uint16',
  DT_UINT32: 'uint32',
  DT_UINT64: 'uint64',
  DT_BOOL: 'bool',
  DT_STRING: 'string',
  DT_COMPLEX64: 'complex64',
  DT_COMPLEX128: 'complex128',
};
const ALIASES: Record<string, string> = { float: 'float32', double: 'float64', half: 'float16', boolean: 'bool' };

/** One spelling for a dtype across TF.js (float32), TF graph (DT_FLOAT) and ONNX (float32, float). */
export function normaliseDtype(dtype: string): string {
  const upper = dtype.toUpperCase();
  if (upper in TF_DTYPES) return TF_DTYPES[upper];
  const lower = dtype.toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** Facts of an ONNX model from what onnx.ts read of its graph; dtypes normalised, shapes kept as read. */
export function onnxFacts(facts: { parameters: number; inputs: TensorFacts[]; outputs: TensorFacts[] }, fileBytes: number, classes?: string[]): Facts {
  const side = (ts: TensorFacts[]) => ts.map((t) => ({ name: t.name, shape: [...t.shape], dtype: normaliseDtype(t.dtype) }));
  return {
    fileBytes,
    parameters: facts.parameters,
    inputs: side(facts.inputs),
    outputs: side(facts.outputs),
    format: 'onnx',
    bindsByName: true,
    ...(classes !== undefined ? { classes: [...classes] } : {}),
  };
}
