// What a model is, beside how well it does: size, parameter count, input/output signature, classes; what
// changed against a baseline, as its callers see it; the semantic-version bump that change suggests; and
// what the report says about the columns each model was fed.
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
// ONNX facts come from the engine (src/engines/onnx.ts, model.facts); onnxFacts adapts them.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { nameList } from '../data/read.js';
import type { LoadedModel } from '../engines/engine.js';
import type { FeatureOrder, Finding, ModelMeasurement } from '../types.js';
import { quote } from '../untrusted.js';

export type Dim = number | string | null;

export interface TensorFacts {
  name: string;
  /** Fixed sizes as numbers; dynamic ones as null (TF.js), −1, or a symbolic name / "?" (ONNX). */
  shape: Dim[];
  /** float32, float64, int32, int64, bool, string, … */
  dtype: string;
  /** A layers model's output activation (sigmoid, softmax, linear, …), when known. */
  activation?: string;
}

export interface Facts {
  /** Bytes of all the model's files, as passed in. */
  fileBytes: number;
  parameters: number;
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  /** onnx, tfjs layers model, tfjs graph model: callers load each with its own runtime. */
  format: string;
  /**
   * Whether callers bind inputs and outputs by name: ONNX Runtime's run({name: tensor}) and a TF.js graph
   * model's execute({name: tensor}) do; a TF.js layers model's predict(x) takes and returns tensors by
   * position, so its layer names are internal, not a contract.
   */
  bindsByName: boolean;
  /** The class names in output order, when the model's metadata lists them. */
  classes?: string[];
}

export interface FactsComparison {
  /** candidate − baseline. */
  parametersDelta: number;
  fileBytesDelta: number;
  /**
   * A change callers must follow: the format, the number, shape, dtype or output activation of inputs or
   * outputs, their names where callers bind by name, or the classes or their order.
   */
  signatureChanged: boolean;
  /** One line per breaking difference, e.g. "input x: shape [null, 7] → [null, 8]". */
  changes: string[];
  /** Differences callers do not see, e.g. a layers model's last layer renamed. */
  notes: string[];
}

export type VersionBump = 'major' | 'minor' | 'patch';

// --- TF.js --------------------------------------------------------------------------------------------

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

/** Reads model.json and totals its size with the weight shards it names. */
export async function readTfjsFacts(modelJsonPath: string): Promise<Facts> {
  const text = await readFile(modelJsonPath);
  const json = JSON.parse(text.toString('utf8')) as Json;
  let bytes = text.length;
  for (const group of Array.isArray(json.weightsManifest) ? json.weightsManifest : []) {
    for (const p of isObject(group) && Array.isArray(group.paths) ? group.paths : []) {
      bytes += (await readFile(path.join(path.dirname(modelJsonPath), String(p)))).length;
    }
  }
  return tfjsFacts(json, bytes);
}

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

// --- ONNX ---------------------------------------------------------------------------------------------

/** Facts from src/engines/onnx.ts's model.facts; dtypes normalised, shapes kept as the engine gives them. */
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

/**
 * Facts of any loaded model that has them: ONNX (model.facts) and TF.js (its model.json, the first of
 * model.files). Undefined for predictions files and command models, which say nothing about the network.
 */
export async function factsOf(model: LoadedModel): Promise<Facts | undefined> {
  const fileBytes = model.files.reduce((a, f) => a + f.bytes, 0);
  const withFacts = model as LoadedModel & { facts?: { parameters: number; inputs: TensorFacts[]; outputs: TensorFacts[] } };
  if (withFacts.facts !== undefined) return onnxFacts(withFacts.facts, fileBytes, model.metadata.classes);
  if (model.engine.startsWith('tfjs') && model.files.length > 0) {
    const json = JSON.parse(await readFile(model.files[0].path, 'utf8')) as object;
    return tfjsFacts(json, fileBytes);
  }
  return undefined;
}

// --- Comparison ---------------------------------------------------------------------------------------

/** A dynamic dimension: null, negative (−1), or symbolic (a name, "?"). All dynamic dims are equal. */
const dynamic = (d: Dim): boolean => d === null || typeof d === 'string' || d < 0;
const dimsEqual = (a: Dim, b: Dim): boolean => (dynamic(a) && dynamic(b)) || a === b;
const shapesEqual = (a: Dim[], b: Dim[]): boolean => a.length === b.length && a.every((d, i) => dimsEqual(d, b[i]));
const showShape = (s: Dim[]): string => `[${s.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;

/**
 * What changed from baseline to candidate, as callers see it. A change of format (another runtime), of the
 * number, shape (a dynamic dim — null, −1 or symbolic — equals any other dynamic dim, never a fixed size) or
 * dtype of inputs or outputs, of a known output activation (probabilities becoming logits breaks callers as
 * surely as a shape does), or of the classes or their order is breaking.
 * Names count only where both models bind by name (ONNX, TF.js graph models): there inputs and outputs are
 * matched by name, left-over ones paired by position as renames. A TF.js layers model is called by position,
 * so its inputs and outputs are paired by position and a layer renamed inside it is only a note.
 */
export function compareFacts(candidate: Facts, baseline: Facts): FactsComparison {
  const changes: string[] = [];
  const notes: string[] = [];
  if (candidate.format !== baseline.format) changes.push(`format ${baseline.format} → ${candidate.format} (callers load it with another runtime)`);
  const byName = candidate.bindsByName && baseline.bindsByName;
  for (const [kind, cand, base] of [['input', candidate.inputs, baseline.inputs], ['output', candidate.outputs, baseline.outputs]] as const) {
    const side = byName ? compareByName(kind, cand, base) : compareByPosition(kind, cand, base);
    changes.push(...side.changes);
    // Across formats the format change says it all: names from another runtime are no rename.
    if (candidate.format === baseline.format) notes.push(...side.notes);
  }
  const classes = compareClasses(candidate.classes, baseline.classes);
  if (classes !== undefined) changes.push(classes);
  return {
    parametersDelta: candidate.parameters - baseline.parameters,
    fileBytesDelta: candidate.fileBytes - baseline.fileBytes,
    signatureChanged: changes.length > 0,
    changes,
    notes,
  };
}

type Side = { changes: string[]; notes: string[] };

function compareByName(kind: 'input' | 'output', cand: TensorFacts[], base: TensorFacts[]): Side {
  const changes: string[] = [];
  const candNames = new Set(cand.map((t) => t.name));
  const baseNames = new Set(base.map((t) => t.name));
  const pairs: [TensorFacts, TensorFacts][] = [];
  for (const b of base) {
    const c = cand.find((t) => t.name === b.name);
    if (c !== undefined) pairs.push([b, c]);
  }
  const baseLeft = base.filter((t) => !candNames.has(t.name));
  const candLeft = cand.filter((t) => !baseNames.has(t.name));
  const renamed = Math.min(baseLeft.length, candLeft.length);
  for (let i = 0; i < renamed; i++) {
    changes.push(`${kind} renamed ${baseLeft[i].name} → ${candLeft[i].name}`);
    pairs.push([baseLeft[i], candLeft[i]]);
  }
  for (const b of baseLeft.slice(renamed)) changes.push(`${kind} ${b.name} removed (was ${showShape(b.shape)} ${b.dtype})`);
  for (const c of candLeft.slice(renamed)) changes.push(`${kind} ${c.name} added (${showShape(c.shape)} ${c.dtype})`);
  for (const [b, c] of pairs) changes.push(...tensorChanges(kind, b, c));
  return { changes, notes: [] };
}

/** A model called by position: the i-th input (output) of one against the i-th of the other; names are notes. */
function compareByPosition(kind: 'input' | 'output', cand: TensorFacts[], base: TensorFacts[]): Side {
  const changes: string[] = [];
  const notes: string[] = [];
  const paired = Math.min(cand.length, base.length);
  for (let i = 0; i < paired; i++) {
    const [b, c] = [base[i], cand[i]];
    if (b.name !== c.name) notes.push(`${kind} layer renamed ${b.name} → ${c.name} (not breaking: a layers model is called by position)`);
    changes.push(...tensorChanges(kind, b, c));
  }
  for (const b of base.slice(paired)) changes.push(`${kind} ${b.name} removed (was ${showShape(b.shape)} ${b.dtype})`);
  for (const c of cand.slice(paired)) changes.push(`${kind} ${c.name} added (${showShape(c.shape)} ${c.dtype})`);
  return { changes, notes };
}

function tensorChanges(kind: 'input' | 'output', b: TensorFacts, c: TensorFacts): string[] {
  const changes: string[] = [];
  if (!shapesEqual(b.shape, c.shape)) changes.push(`${kind} ${c.name}: shape ${showShape(b.shape)} → ${showShape(c.shape)}`);
  if (normaliseDtype(b.dtype) !== normaliseDtype(c.dtype)) changes.push(`${kind} ${c.name}: dtype ${b.dtype} → ${c.dtype}`);
  if (b.activation !== undefined && c.activation !== undefined && b.activation !== c.activation) {
    changes.push(`${kind} ${c.name}: activation ${b.activation} → ${c.activation}`);
  }
  return changes;
}

/** Classes named by both models' metadata: a different set or order means each output column means something else. */
function compareClasses(cand: string[] | undefined, base: string[] | undefined): string | undefined {
  if (cand === undefined || base === undefined) return undefined;
  if (cand.length === base.length && cand.every((c, i) => c === base[i])) return undefined;
  const sameSet = cand.length === base.length && cand.every((c) => base.includes(c));
  return `classes ${sameSet ? 'reordered' : 'changed'}: ${nameList(base)} → ${nameList(cand)}`;
}

/**
 * The semantic-version bump a change suggests, treating the model's signature as its API:
 * - major: the signature changed (see compareFacts: format, inputs/outputs added, removed, reshaped or retyped,
 *   renamed where callers bind by name, an output activation, the classes or their order): callers must change.
 * - minor: same signature, and no metric regressed (and, when anyMetricImproved is given, at least one
 *   improved): a drop-in improvement.
 * - patch: same signature otherwise — a retrain that regressed somewhere, or changed nothing measurable.
 *   The gate itself decides whether the regression is acceptable; this only names the version.
 */
export function suggestedVersionBump(changes: { signatureChanged: boolean; anyMetricRegressed: boolean; anyMetricImproved?: boolean }): VersionBump {
  if (changes.signatureChanged) return 'major';
  if (!changes.anyMetricRegressed && (changes.anyMetricImproved ?? true)) return 'minor';
  return 'patch';
}

// --- Columns fed --------------------------------------------------------------------------------------

const ORDER_WORDS: Record<FeatureOrder, string> = {
  settings: 'in the order of the `features` / `inputs` setting',
  model: "in the order of the model's own metadata",
  file: "in the data file's column order",
};

/**
 * What the report says about the columns each model was fed (ModelMeasurement.features):
 * - info, per model fed in the data file's order: nothing pins it, so a file with its columns reordered
 *   would feed the model the wrong values with no error;
 * - against each baseline fed other columns or another order than the candidate: a warning when either is
 *   fed in file order (one of them is likely fed the wrong values), else info (each model names its own
 *   columns in its metadata, so each got what it declares: a deliberate change).
 */
export function featureFindings(models: ModelMeasurement[]): Finding[] {
  const findings: Finding[] = [];
  const fed = models.filter((m) => m.features !== undefined && m.featureOrder !== undefined);
  for (const m of fed.filter((x) => x.featureOrder === 'file')) {
    findings.push({
      kind: 'feature_order',
      severity: 'info',
      message:
        `Model ${quote(m.name)} was fed the data's columns in file order (${nameList(m.features!)}): neither its metadata nor \`features\` pins them. ` +
        'A data file with its columns in another order would feed it the wrong values without an error; list them with `features`, or in the model\'s metadata (README: "Which columns a model takes").',
    });
  }
  const cand = fed.find((m) => m.role === 'candidate');
  if (cand === undefined) return findings;
  for (const base of fed.filter((m) => m.role === 'baseline')) {
    const [a, b] = [cand.features!, base.features!];
    if (a.length === b.length && a.every((c, i) => c === b[i])) continue;
    const sameSet = a.length === b.length && a.every((c) => b.includes(c));
    const unpinned = cand.featureOrder === 'file' || base.featureOrder === 'file';
    const what = sameSet ? 'the same columns in another order' : 'different columns';
    findings.push({
      kind: 'feature_mismatch',
      severity: unpinned ? 'warning' : 'info',
      message:
        `The candidate and ${quote(base.name)} were fed ${what}: the candidate ${nameList(a)} (${ORDER_WORDS[cand.featureOrder!]}), ` +
        `${quote(base.name)} ${nameList(b)} (${ORDER_WORDS[base.featureOrder!]}). ` +
        (unpinned
          ? 'One of them is likely fed the wrong values: pin each model\'s columns with `features` or in its metadata.'
          : 'Each model names its own columns in its metadata, so each got what it declares.'),
    });
  }
  return findings;
}
