// ONNX models (.onnx) through ONNX Runtime (see onnx-runtime.ts for which one), run in batches.
//
// Inputs: by default the graph's single input takes every feature column, in order. A graph with several
// inputs needs `inputs: { <input name>: [columns…] }` (or the same map as "inputs" in the model's
// "model-gate" metadata). Values are cast to each input's dtype (float32, float64, int64, int32, bool).
// A dynamic batch dimension takes the batch size; a fixed one (say 1) is respected by running batches of
// exactly that size, the last one padded. Output: `output: <name>`, else the first output, holds the scores.
//
// The model's own facts come from reading its protobuf here (no ONNX library): the input/output
// signature, the parameter count (elements in all initializers) and metadata_props.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ModelError, messageOf } from '../errors.js';
import type { Column, Facts, Predictions } from '../types.js';
import type { Engine, LoadedModel, ModelMetadata, PredictInput } from './engine.js';
import { onnxFacts } from './facts.js';
import { checkFeatureColumns } from './feature-matrix.js';
import { describeBytes, describeFiles, fileInModelFolder, readRegularFile, regularFileSize } from './files.js';
import { toPredictions } from './network-outputs.js';
import { openOnnxSession, type OpenOptions, type OpenedSession, type Ort, type OrtSession, type OrtTensor } from './onnx-runtime.js';
import { inline, quote } from '../untrusted.js';

export interface OnnxOptions extends OpenOptions {
  /** Graph input name → dataset columns feeding it, in order. */
  inputs?: Record<string, string[]>;
  /** Graph output holding the scores; default the first output. */
  output?: string;
}

export interface TensorSignature {
  name: string;
  /** Fixed sizes as numbers, symbolic ones by name ("batch"), unknown ones as "?". */
  shape: (number | string)[];
  /** ONNX Runtime's names: float32, float64, int64, int32, bool, … */
  dtype: string;
}

export interface OnnxRuntimeFacts {
  runtime: 'onnxruntime-node' | 'onnxruntime-web';
  version: string;
  device: 'cuda' | 'cpu' | 'wasm';
  threads: number;
}

export interface OnnxModel extends LoadedModel {
  /** Parameters: elements in all initializers (weights, biases, and any constant tensors stored as initializers). */
  facts: Facts;
  runtime: OnnxRuntimeFacts;
  /** Worth showing in the report: a GPU that was there but not used, and why. */
  notes: string[];
  /** The ONNX Runtime session and module underneath (benchmarks, advanced use). */
  session: OrtSession;
  ort: Ort;
}

const FEEDABLE = ['float32', 'float64', 'int64', 'int32', 'bool'];

/** An .onnx file; it takes rows of float32, as the readers can lay them out while they parse. */
export const onnxEngine: Engine = {
  name: 'onnx',
  opens: (t) => t.found !== 'folder' && t.found !== 'nothing' && t.ext === '.onnx',
  layout: 'rows',
  load: (modelPath, name, options) =>
    loadOnnxModel(modelPath, name, { inputs: options.onnxInputs, output: options.onnxOutput, device: options.device, runtime: options.onnxRuntime }),
};

export async function loadOnnxModel(modelPath: string, name: string, options: OnnxOptions = {}): Promise<OnnxModel> {
  if (!(await stat(modelPath).catch(() => undefined))) throw new ModelError(`model ${name}: ${modelPath} not found. Point it at an .onnx file.`);
  const bytes = await readRegularFile(modelPath, modelPath);
  let info: OnnxModelInfo;
  try {
    info = readOnnxModel(bytes);
  } catch (e) {
    throw new ModelError(`${modelPath}: not a valid ONNX model (${messageOf(e)}).`);
  }
  const external = await externalDataFiles(modelPath, info.externalTensors);
  // Read only by the WebAssembly runtime; the native one reads them itself, beside the model, once checked here.
  const externalData = () =>
    Promise.all(external.map(async (f) => ({ path: f.location, data: await readRegularFile(f.real, f.shown, f.size) })));
  const files = [describeBytes(modelPath, bytes), ...(await describeFiles(external.map((f) => f.path), path.dirname(modelPath)))];
  const metadata = metadataOf(info.metadata, modelPath);
  const mapping = options.inputs ?? metadataInputs(info.metadata, modelPath);
  checkSignature(info, mapping, options.output, modelPath, name);

  const opened = await openOnnxSession({ path: modelPath, bytes, externalData }, name, options);
  // Feed what the runtime asks for (the same inputs, unless an exporter listed initializers as inputs oddly).
  const wanted = opened.session.inputNames;
  const inputs = wanted.length > 0 && wanted.every((n) => info.inputs.some((i) => i.name === n)) ? info.inputs.filter((i) => wanted.includes(i.name)) : info.inputs;
  const output = options.output ?? info.outputs[0].name;
  const scores = info.outputs.find((o) => o.name === output)!;
  const single = inputs.length === 1 ? inputs[0] : undefined;
  let released = false;
  return {
    engine: 'onnx',
    backend: opened.backend,
    files,
    metadata,
    inputWidth: single !== undefined && mapping === undefined ? rowWidth(single.shape) : undefined,
    ...(mapping !== undefined ? { inputColumns: Object.fromEntries(inputs.map((i) => [i.name, [...mapping[i.name]]])) } : {}),
    outputWidth: rowWidth(scores.shape),
    facts: onnxFacts(info, files.reduce((a, f) => a + f.bytes, 0), metadata.classes),
    takesFeatures: true,
    needsFeatures: true,
    runsTrainingRows: true,
    runtime: { runtime: opened.runtime, version: opened.version, device: opened.device, threads: opened.threads },
    notes: opened.notes,
    session: opened.session,
    ort: opened.ort,
    predict: (input) => predictInBatches(opened, inputs, mapping, output, input),
    dispose: () => {
      if (released) return;
      released = true;
      void opened.session.release().catch(() => undefined);
    },
  };
}

/** Values per row of a [batch, …] tensor when every non-batch dimension is fixed. */
function rowWidth(shape: (number | string)[]): number | undefined {
  if (shape.length === 0) return undefined;
  if (shape.length === 1) return 1;
  const rest = shape.slice(1);
  return rest.every((d) => typeof d === 'number' && d > 0) ? (rest as number[]).reduce((a, b) => a * b, 1) : undefined;
}

function fmt(s: TensorSignature): string {
  return `${inline(s.name)} [${s.shape.map((d) => (typeof d === 'number' ? d : inline(d))).join(', ')}] ${s.dtype}`;
}

/** Signatures for a message: the first few, then how many more (a graph may declare thousands). */
function fmtList(sigs: TensorSignature[], max = 8): string {
  const shown = sigs.slice(0, max).map(fmt).join('; ');
  return sigs.length > max ? `${shown}; … and ${sigs.length - max} more` : shown;
}

function checkSignature(info: OnnxModelInfo, mapping: Record<string, string[]> | undefined, output: string | undefined, p: string, name: string): void {
  if (info.inputs.length === 0) throw new ModelError(`${p}: the graph of model ${name} has no inputs.`);
  if (info.outputs.length === 0) throw new ModelError(`${p}: the graph of model ${name} has no outputs.`);
  const inputNames = info.inputs.map((i) => i.name);
  if (mapping !== undefined) {
    for (const key of Object.keys(mapping)) {
      if (!inputNames.includes(key)) {
        throw new ModelError(`model ${name}: \`inputs\` names ${quote(key)}, but ${p} has no such input; its inputs are ${fmtList(info.inputs)}.`);
      }
      const cols = mapping[key];
      if (!Array.isArray(cols) || cols.length === 0 || !cols.every((c) => typeof c === 'string')) {
        throw new ModelError(`model ${name}: \`inputs.${inline(key)}\` must be a non-empty list of column names.`);
      }
    }
    const unfed = inputNames.filter((n) => !(n in mapping));
    if (unfed.length > 0) {
      throw new ModelError(`model ${name}: \`inputs\` says nothing about ${unfed.slice(0, 8).map(quote).join(', ')}${unfed.length > 8 ? ` and ${unfed.length - 8} more` : ''}; every input of ${p} needs its columns (${fmtList(info.inputs)}).`);
    }
  } else if (info.inputs.length > 1) {
    throw new ModelError(
      `model ${name}: ${p} has ${info.inputs.length} inputs (${fmtList(info.inputs)}). ` +
        `Say which columns feed each one with \`inputs: { ${inputNames.slice(0, 8).map((n) => `${inline(n)}: [...]`).join(', ')}${inputNames.length > 8 ? ', …' : ''} }\`.`,
    );
  }
  for (const i of info.inputs) {
    if (!FEEDABLE.includes(i.dtype)) {
      throw new ModelError(`model ${name}: input ${fmt(i)} of ${p} has a dtype model-gate cannot feed; inputs must be ${FEEDABLE.join(', ')}.`);
    }
  }
  if (output !== undefined && !info.outputs.some((o) => o.name === output)) {
    throw new ModelError(`model ${name}: \`output\` is ${quote(output)}, but ${p} has no such output; its outputs are ${fmtList(info.outputs)}.`);
  }
}

interface Feed {
  sig: TensorSignature;
  columns: Column[];
  /** Tensor shape without the batch dimension. */
  rowShape: number[];
  /** For a float32 input whose columns sit side by side in the reader's row-major matrix: where. */
  rows?: { data: Float32Array; width: number; first: number };
}

function planFeeds(inputs: TensorSignature[], mapping: Record<string, string[]> | undefined, input: PredictInput): Feed[] {
  const byName = new Map(input.dataset.columns.map((c) => [c.name, c] as const));
  return inputs.map((sig) => {
    let columns: Column[];
    if (mapping === undefined) columns = input.features;
    else {
      columns = mapping[sig.name].map((c) => {
        const col = byName.get(c);
        if (col === undefined) {
          throw new ModelError(
            `model ${input.name}: \`inputs.${sig.name}\` names column "${c}", which is not in ${input.dataset.path} (columns: ${input.dataset.columns.map((x) => x.name).join(', ')}).`,
          );
        }
        return col;
      });
      checkFeatureColumns(input.dataset, columns, input.name);
    }
    const feed: Feed = { sig, columns, rowShape: rowShapeFor(sig, columns.length, input.name) };
    const rows = rowMajorRun(input, columns);
    if (sig.dtype === 'float32' && rows !== undefined) feed.rows = rows;
    return feed;
  });
}

/** Where `columns` sit, side by side and in this order, in the dataset's row-major float32 matrix (see data/csv-fast.ts). */
function rowMajorRun(input: PredictInput, columns: Column[]): Feed['rows'] {
  const { rowMajor, rowCount } = input.dataset;
  if (rowMajor === undefined || columns.length === 0) return undefined;
  const all = rowMajor.columns;
  if (rowMajor.data.length !== rowCount * all.length) return undefined;
  const first = all.indexOf(columns[0]);
  if (first < 0 || first + columns.length > all.length || !columns.every((c, k) => all[first + k] === c)) return undefined;
  return { data: rowMajor.data, width: all.length, first };
}

/** Rows [start, end) of the feed into a row-major float matrix whose row 0 is row `origin`. */
function fillFeed(data: Float32Array | Float64Array, f: Feed, start: number, end: number, origin: number): void {
  const r = f.rows;
  if (r === undefined || data.BYTES_PER_ELEMENT !== 4) {
    fillFloat(data, f.columns, start, end, origin);
    return;
  }
  // A copy of each row's run: no transposition (a memcpy, about 10× faster than fillFloat).
  const d = f.columns.length;
  if (d === r.width) {
    data.set(r.data.subarray(start * d, end * d), (start - origin) * d);
    return;
  }
  for (let i = start; i < end; i++) data.set(r.data.subarray(i * r.width + r.first, i * r.width + r.first + d), (i - origin) * d);
}

/** The per-row part of an input's shape for `d` columns: fixed dims must multiply to d. */
function rowShapeFor(sig: TensorSignature, d: number, model: string): number[] {
  const rest = sig.shape.slice(1);
  if (sig.shape.length === 0) throw new ModelError(`model ${model}: input ${fmt(sig)} is a scalar; model-gate feeds [batch, features] tensors.`);
  if (rest.length === 0) {
    if (d !== 1) throw new ModelError(`model ${model}: input ${fmt(sig)} takes one value per row, but ${d} columns feed it.`);
    return [];
  }
  if (rest.every((x) => typeof x === 'number' && x > 0)) {
    const width = (rest as number[]).reduce((a, b) => a * b, 1);
    if (width !== d) {
      throw new ModelError(`model ${model}: input ${fmt(sig)} takes ${width} values per row, but ${d} columns feed it. Check \`features\`${sig.name ? ` / \`inputs.${sig.name}\`` : ''}.`);
    }
    return rest as number[];
  }
  if (rest.length === 1) return [d];
  throw new ModelError(`model ${model}: input ${fmt(sig)} has more than one unknown non-batch dimension; model-gate cannot tell how to shape ${d} columns into it.`);
}

async function predictInBatches(
  opened: OpenedSession,
  inputs: TensorSignature[],
  mapping: Record<string, string[]> | undefined,
  output: string,
  input: PredictInput,
): Promise<Predictions> {
  const feeds = planFeeds(inputs, mapping, input);
  const n = input.dataset.rowCount;
  // A fixed batch dimension (the same on every input) wins over the batch-size setting.
  const fixed = inputs.map((s) => s.shape[0]).find((d): d is number => typeof d === 'number' && d > 0);
  const batch = fixed ?? Math.max(1, input.batchSize);
  // Float inputs come from one row-major matrix per feed, shared with every model run on the same columns.
  const matrices = feeds.map((f) => sharedMatrix(opened, f, n, input.name));
  const tensorsFor = (start: number): Record<string, OrtTensor> => {
    const end = Math.min(n, start + batch);
    const rows = fixed ?? end - start;
    const tensors: Record<string, OrtTensor> = {};
    feeds.forEach((f, i) => {
      const m = matrices[i];
      if (m === undefined || rows !== end - start) {
        tensors[f.sig.name] = makeTensor(opened, f, start, end, rows, input.name);
        return;
      }
      const d = f.columns.length;
      // Filled batch by batch on first use (while the previous batch runs), complete for every later model.
      if (m.filled < end) {
        fillFeed(m.data, f, m.filled, end, 0);
        m.filled = end;
      }
      tensors[f.sig.name] = new opened.ort.Tensor(f.sig.dtype as 'float32', m.data.subarray(start * d, end * d) as Float32Array, [rows, ...f.rowShape]);
    });
    return tensors;
  };
  const dispose = (ts: Record<string, OrtTensor> | undefined) => {
    for (const t of Object.values(ts ?? {})) t.dispose?.();
  };
  let width = 0;
  let out = new Float64Array(0);
  let next: Record<string, OrtTensor> | undefined = n > 0 ? tensorsFor(0) : undefined;
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const rows = fixed ?? end - start; // a fixed-size batch is padded past the last row
    const tensors = next!;
    next = undefined;
    let result: Record<string, OrtTensor>;
    try {
      const running = opened.session.run(tensors, [output]) as Promise<Record<string, OrtTensor>>;
      // onnxruntime-node runs off the main thread: build the next batch meanwhile.
      try {
        if (end < n) next = tensorsFor(end);
      } catch (e) {
        await running.then(dispose, () => undefined);
        throw e;
      }
      result = await running;
    } catch (e) {
      dispose(next);
      if (e instanceof ModelError) throw e;
      throw new ModelError(`model ${input.name}: inference failed on rows ${start + 1}–${end} (${messageOf(e)}).`);
    } finally {
      dispose(tensors);
    }
    const y = result[output];
    try {
      if (y === undefined) throw new ModelError(`model ${input.name}: ONNX Runtime returned no output "${output}".`);
      const dims = y.dims.map(Number);
      if (dims.length === 0 || dims[0] !== rows) {
        throw new ModelError(`model ${input.name}: output ${output} has shape [${dims.join(', ')}] for a batch of ${rows} rows; its first dimension must be the batch.`);
      }
      const w = dims.slice(1).reduce((a, b) => a * b, 1);
      if (start === 0) {
        width = w;
        out = new Float64Array(n * width);
      } else if (w !== width) {
        throw new ModelError(`model ${input.name}: output ${output} has ${w} values per row on rows ${start + 1}–${end} but ${width} before.`);
      }
      const data = numbersOf(y, output, input.name);
      out.set(data.subarray(0, (end - start) * width), start * width); // past the last row: padding
    } catch (e) {
      dispose(next);
      throw e;
    } finally {
      dispose(result);
    }
  }
  return toPredictions(out, width, input);
}

/** Above this, float inputs are converted batch by batch instead of kept as one matrix. */
const SHARED_MATRIX_BYTES = 256 * 1024 * 1024;

interface SharedMatrix {
  columns: Column[];
  arrayClass: StorageConstructor;
  data: Float32Array | Float64Array;
  /** Rows [0, filled) are written. */
  filled: number;
}
const sharedMatrices = new WeakMap<Column, SharedMatrix[]>();

/**
 * The feed's columns as one row-major float matrix, kept as long as the columns are (per set of columns and
 * typed-array class): the candidate and every baseline taking the same features share it, and each batch is a
 * view into it. Undefined for integer inputs and for matrices over SHARED_MATRIX_BYTES (converted per batch).
 */
function sharedMatrix(opened: OpenedSession, f: Feed, n: number, model: string): SharedMatrix | undefined {
  const dtype = f.sig.dtype;
  if ((dtype !== 'float32' && dtype !== 'float64') || f.columns.length === 0) return undefined;
  const d = f.columns.length;
  for (const col of f.columns) {
    if (col.kind !== 'numeric') throw new ModelError(`model ${model}: column "${col.name}" feeding input ${f.sig.name} is not numeric.`);
  }
  const arrayClass = arrayClassFor(opened.ort, dtype);
  // The reader's row-major rows are this very matrix when the feed takes every column of it: no copy, at any size.
  const whole = f.rows !== undefined && f.rows.width === d && f.rows.data.constructor === arrayClass;
  if (!whole && n * d * (dtype === 'float32' ? 4 : 8) > SHARED_MATRIX_BYTES) return undefined;
  const list = sharedMatrices.get(f.columns[0]) ?? [];
  const hit = list.find((e) => e.arrayClass === arrayClass && e.columns.length === d && e.columns.every((c, i) => c === f.columns[i]));
  if (hit !== undefined && hit.data.length === n * d) return hit;
  const data = whole ? f.rows!.data : (new arrayClass(n * d) as Float32Array | Float64Array);
  const entry: SharedMatrix = { columns: [...f.columns], arrayClass, data, filled: whole ? n : 0 };
  list.push(entry);
  sharedMatrices.set(f.columns[0], list);
  return entry;
}

/**
 * Rows [start, end) of numeric columns into a row-major float matrix whose row 0 is row `origin`: the
 * transposition every float input needs (about 2 ns a value). It goes 64 rows at a time, so the rows being
 * written stay in cache, and 8 columns at a time, so each row gets 8 neighbouring values per visit.
 */
function fillFloat(data: Float32Array | Float64Array, columns: Column[], start: number, end: number, origin: number): void {
  const d = columns.length;
  const v = columns.map((c) => (c as { values: Float64Array }).values);
  const d8 = d - (d % 8);
  for (let b = start; b < end; b += 64) {
    const e = Math.min(end, b + 64);
    let j = 0;
    for (; j < d8; j += 8) {
      const [v0, v1, v2, v3, v4, v5, v6, v7] = [v[j], v[j + 1], v[j + 2], v[j + 3], v[j + 4], v[j + 5], v[j + 6], v[j + 7]];
      for (let i = b, k = (b - origin) * d + j; i < e; i++, k += d) {
        data[k] = v0[i];
        data[k + 1] = v1[i];
        data[k + 2] = v2[i];
        data[k + 3] = v3[i];
        data[k + 4] = v4[i];
        data[k + 5] = v5[i];
        data[k + 6] = v6[i];
        data[k + 7] = v7[i];
      }
    }
    for (; j < d; j++) {
      const vj = v[j];
      for (let i = b, k = (b - origin) * d + j; i < e; i++, k += d) data[k] = vj[i];
    }
  }
}

function makeTensor(opened: OpenedSession, f: Feed, start: number, end: number, rows: number, model: string): OrtTensor {
  const dtype = f.sig.dtype;
  const data = makeTensorData(f, start, end, rows, dtype, LOCAL_ARRAYS[dtype] === undefined ? undefined : arrayClassFor(opened.ort, dtype), model);
  return new opened.ort.Tensor(dtype as 'float32', data as Float32Array, [rows, ...f.rowShape]);
}

/** Rows [start, end) of the feed's columns, row-major, cast to the input's dtype; `rows` ≥ end − start (padding). */
function makeTensorData(f: Feed, start: number, end: number, rows: number, dtype: string, arrayClass: StorageConstructor | undefined, model: string): Storage {
  const d = f.columns.length;
  const put = castWriter(dtype, rows * d, arrayClass);
  for (const col of f.columns) {
    if (col.kind !== 'numeric') throw new ModelError(`model ${model}: column "${col.name}" feeding input ${f.sig.name} is not numeric.`);
  }
  if (dtype === 'float32' || dtype === 'float64') {
    fillFeed(put.data as Float32Array | Float64Array, f, start, end, start);
    return put.data;
  }
  for (let j = 0; j < d; j++) {
    const col = f.columns[j];
    const v = (col as { values: Float64Array }).values;
    for (let i = start, k = j; i < end; i++, k += d) {
      if (!put.set(k, v[i])) {
        throw new ModelError(
          `model ${model}: input ${f.sig.name} is ${dtype}, but column "${col.name}" holds ${v[i]} (row ${i + 1}); ${dtype} inputs take whole numbers${dtype === 'bool' ? ' 0 or 1' : ''}.`,
        );
      }
    }
  }
  return put.data;
}

type Storage = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
type StorageConstructor = new (size: number) => Storage;

const LOCAL_ARRAYS: Record<string, StorageConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/**
 * The typed-array classes of the realm the runtime's Tensor lives in. ONNX Runtime checks tensor data with
 * instanceof, so an array made in another realm (a test runner's sandbox loading onnxruntime-node natively)
 * would be refused; in a plain process these are the global classes.
 */
const realmArrays = new WeakMap<object, Map<string, StorageConstructor>>();
function arrayClassFor(ort: OpenedSession['ort'], dtype: string): StorageConstructor {
  let classes = realmArrays.get(ort.Tensor);
  if (classes === undefined) realmArrays.set(ort.Tensor, (classes = new Map()));
  let c = classes.get(dtype);
  if (c === undefined) {
    const probe = new ort.Tensor(dtype as 'float32', [0], [1]);
    c = (probe.data as Storage).constructor as StorageConstructor;
    classes.set(dtype, c);
  }
  return c;
}

/** Typed storage for a dtype and a setter that casts, false where a value cannot be cast exactly. */
export function castWriter(dtype: string, size: number, arrayClass?: StorageConstructor): { data: Storage; set(i: number, x: number): boolean } {
  const make = <T extends Storage>(local: new (n: number) => T): T => new (arrayClass ?? local)(size) as T;
  switch (dtype) {
    case 'float32': {
      const data = make(Float32Array);
      return { data, set: (i, x) => ((data[i] = x), true) };
    }
    case 'float64': {
      const data = make(Float64Array);
      return { data, set: (i, x) => ((data[i] = x), true) };
    }
    case 'int64': {
      const data = make(BigInt64Array);
      return { data, set: (i, x) => Number.isSafeInteger(x) && ((data[i] = BigInt(x)), true) };
    }
    case 'int32': {
      const data = make(Int32Array);
      return { data, set: (i, x) => Number.isInteger(x) && x >= -2147483648 && x <= 2147483647 && ((data[i] = x), true) };
    }
    case 'bool': {
      const data = make(Uint8Array);
      return { data, set: (i, x) => (x === 0 || x === 1) && ((data[i] = x), true) };
    }
    default:
      throw new ModelError(`model-gate cannot feed ${dtype} inputs (only ${FEEDABLE.join(', ')}).`);
  }
}

const NUMERIC_OUTPUTS = ['float32', 'float64', 'int32', 'uint32', 'int16', 'uint16', 'int8', 'uint8', 'bool'];

type NumericArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

function numbersOf(t: OrtTensor, name: string, model: string): NumericArray {
  // By dtype and ArrayBuffer.isView, not instanceof: the arrays may come from another realm (see arrayClassFor).
  const data = t.data as unknown;
  if (!ArrayBuffer.isView(data)) throw new ModelError(`model ${model}: output ${name} is ${t.type} with data outside the process (${t.location}); model-gate reads CPU tensors.`);
  if (t.type === 'int64' || t.type === 'uint64') return Float64Array.from(data as unknown as ArrayLike<bigint>, (x) => Number(x));
  if (NUMERIC_OUTPUTS.includes(t.type)) return data as unknown as NumericArray;
  throw new ModelError(`model ${model}: output ${name} is ${t.type}; model-gate reads numeric outputs (float32, float64, integer types).`);
}

// ---------------------------------------------------------------------------------------------
// Metadata

function metadataOf(props: Record<string, string>, p: string): ModelMetadata {
  const o = modelGateProps(props, p);
  if (o === undefined) return {};
  const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  const task = o.task === 'binary' || o.task === 'multiclass' || o.task === 'regression' ? o.task : undefined;
  const out: ModelMetadata = {};
  if (task !== undefined) out.task = task;
  const features = strings(o.features);
  if (features !== undefined) out.features = features;
  const classes = strings(o.classes);
  if (classes !== undefined) out.classes = classes;
  if (typeof o.label === 'string') out.label = o.label;
  return out;
}

function metadataInputs(props: Record<string, string>, p: string): Record<string, string[]> | undefined {
  const v = modelGateProps(props, p)?.inputs;
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ModelError(`${p}: metadata "model-gate".inputs must map input names to lists of columns.`);
  return v as Record<string, string[]>;
}

/** metadata_props["model-gate"]: a JSON object like TF.js's userDefinedMetadata["model-gate"]. */
function modelGateProps(props: Record<string, string>, p: string): Record<string, unknown> | undefined {
  const text = props['model-gate'];
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ModelError(`${p}: metadata_props "model-gate" is not valid JSON (${inline(messageOf(e))}).`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ModelError(`${p}: metadata_props "model-gate" must be a JSON object.`);
  return v as Record<string, unknown>;
}

interface ExternalFile {
  /** As written in the model. */
  location: string;
  /** As shown in the report: the model's folder joined with the location. */
  path: string;
  /** Where it really is, after symlinks (inside the model's folder). */
  real: string;
  /** Names it in messages. */
  shown: string;
  /** Its size when checked; reads stop there. */
  size: number;
}

/**
 * The external data files, each inside the model's folder after symlinks, a regular file, and long enough
 * for every tensor stored in it: offset + length within the file (length as the tensor declares it, else its
 * elements × dtype size), so no runtime reads past what the model declares.
 */
async function externalDataFiles(modelPath: string, tensors: ExternalTensor[]): Promise<ExternalFile[]> {
  const out: ExternalFile[] = [];
  for (const location of [...new Set(tensors.map((t) => t.location))]) {
    const real = await fileInModelFolder(modelPath, location, 'external data file');
    const shown = `${modelPath}: external data file ${quote(location)}`;
    const size = await regularFileSize(real, shown);
    for (const t of tensors.filter((x) => x.location === location)) {
      if (t.length === undefined) {
        throw new ModelError(`${modelPath}: tensor ${quote(t.name)} in ${quote(location)} has no "length" and a dtype whose size model-gate cannot tell; export it with onnx.save_model(..., save_as_external_data=True).`);
      }
      if (t.offset + t.length > size) {
        throw new ModelError(
          `${modelPath}: tensor ${quote(t.name)} takes bytes ${t.offset}–${t.offset + t.length} of ${quote(location)}, which holds only ${size} bytes. ` +
            'The external data file is not the one written with this model: export the model again, or copy the matching file.',
        );
      }
    }
    out.push({ location, path: path.join(path.dirname(modelPath), location), real, shown, size });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading the ONNX protobuf (onnx.proto3: ModelProto, GraphProto, TensorProto, ValueInfoProto, TypeProto)

export interface OnnxModelInfo {
  irVersion?: number;
  producer?: string;
  /** Version of the default ("" / "ai.onnx") operator set. */
  opset?: number;
  /** Graph inputs that are fed (initializers listed as inputs, as older exporters do, are left out). */
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  parameters: number;
  metadata: Record<string, string>;
  /** Distinct external data files named by initializers, as written (relative to the model). */
  externalData: string[];
  /** Every initializer stored in an external data file, with where it says it lies there. */
  externalTensors: ExternalTensor[];
}

export interface ExternalTensor {
  name: string;
  /** The file, as written (relative to the model). */
  location: string;
  /** Where its bytes start in the file ("offset", default 0). */
  offset: number;
  /** How many bytes it takes: "length", else elements × dtype size; undefined when neither is known. */
  length?: number;
}

const DTYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16',
  11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16', 17: 'float8e4m3fn',
  18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4', 23: 'float4e2m1',
};

class Reader {
  pos: number;
  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
  }
  done(): boolean {
    return this.pos >= this.end;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  }
  /** A varint read as a signed 64-bit number (dims may be -1). */
  int(): number {
    return Number(BigInt.asIntN(64, this.varint()));
  }
  tag(): { field: number; wire: number } {
    const t = Number(this.varint());
    return { field: t >>> 3, wire: t & 7 };
  }
  bytes(): Reader {
    const len = Number(this.varint());
    if (this.pos + len > this.end) throw new Error('truncated field');
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }
  string(): string {
    const r = this.bytes();
    return new TextDecoder().decode(this.buf.subarray(r.pos, r.end));
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw new Error('truncated field');
  }
  /** Each tag in this message, with the reader positioned at its value; `on` reads it or returns false to skip. */
  each(on: (field: number, wire: number) => boolean): void {
    while (!this.done()) {
      const { field, wire } = this.tag();
      if (!on(field, wire)) this.skip(wire);
    }
  }
}

/** Reads the facts model-gate needs from an ONNX file's bytes. Throws on malformed protobuf. */
export function readOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  const r = new Reader(bytes);
  const info: OnnxModelInfo = { inputs: [], outputs: [], parameters: 0, metadata: {}, externalData: [], externalTensors: [] };
  let graph: Reader | undefined;
  r.each((field, wire) => {
    if (field === 1 && wire === 0) info.irVersion = r.int();
    else if (field === 2 && wire === 2) info.producer = r.string();
    else if (field === 3 && wire === 2) info.producer = `${info.producer ?? ''} ${r.string()}`.trim();
    else if (field === 7 && wire === 2) graph = r.bytes();
    else if (field === 8 && wire === 2) {
      const o = r.bytes();
      let domain = '';
      let version: number | undefined;
      o.each((f, w) => {
        if (f === 1 && w === 2) domain = o.string();
        else if (f === 2 && w === 0) version = o.int();
        else return false;
        return true;
      });
      if ((domain === '' || domain === 'ai.onnx') && version !== undefined) info.opset = version;
    } else if (field === 14 && wire === 2) {
      const e = r.bytes();
      let key = '';
      let value = '';
      e.each((f, w) => {
        if (f === 1 && w === 2) key = e.string();
        else if (f === 2 && w === 2) value = e.string();
        else return false;
        return true;
      });
      info.metadata[key] = value;
    } else return false;
    return true;
  });
  if (graph === undefined) throw new Error('no graph');
  const g = graph;
  const initializers = new Set<string>();
  const inputs: TensorSignature[] = [];
  g.each((field, wire) => {
    if (field === 5 && wire === 2) {
      const t = readTensor(g.bytes());
      initializers.add(t.name);
      info.parameters += t.size;
      if (t.external !== undefined) info.externalTensors.push(t.external);
    } else if (field === 15 && wire === 2) {
      // SparseTensorProto: values (1) holds the stored elements.
      const s = g.bytes();
      s.each((f, w) => {
        if (f === 1 && w === 2) {
          const t = readTensor(s.bytes());
          initializers.add(t.name);
          info.parameters += t.size;
          if (t.external !== undefined) info.externalTensors.push(t.external);
          return true;
        }
        return false;
      });
    } else if (field === 11 && wire === 2) inputs.push(readValueInfo(g.bytes()));
    else if (field === 12 && wire === 2) info.outputs.push(readValueInfo(g.bytes()));
    else return false;
    return true;
  });
  info.inputs = inputs.filter((i) => !initializers.has(i.name));
  info.externalData = [...new Set(info.externalTensors.map((t) => t.location))];
  return info;
}

/** Bytes per element of each TensorProto.DataType with a fixed size (onnx.proto3); 4-bit types count half. */
const DTYPE_BYTES: Record<number, number> = {
  1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2, 17: 1, 18: 1, 19: 1, 20: 1, 21: 0.5, 22: 0.5, 23: 0.5,
};

function readTensor(t: Reader): { name: string; size: number; external?: ExternalTensor } {
  const dims: number[] = [];
  let name = '';
  let dataType = 0;
  const keys: Record<string, string> = {};
  let dataLocation = 0;
  t.each((f, w) => {
    if (f === 1 && w === 0) dims.push(t.int());
    else if (f === 1 && w === 2) {
      const packed = t.bytes();
      while (!packed.done()) dims.push(packed.int());
    } else if (f === 2 && w === 0) dataType = t.int();
    else if (f === 8 && w === 2) name = t.string();
    else if (f === 13 && w === 2) {
      const e = t.bytes();
      let key = '';
      let value = '';
      e.each((ff, ww) => {
        if (ff === 1 && ww === 2) key = e.string();
        else if (ff === 2 && ww === 2) value = e.string();
        else return false;
        return true;
      });
      keys[key] = value;
    } else if (f === 14 && w === 0) dataLocation = t.int();
    else return false;
    return true;
  });
  const size = dims.reduce((a, b) => a * Math.max(0, b), 1);
  if (dataLocation !== 1 || keys.location === undefined) return { name, size };
  const whole = (key: string): number | undefined => {
    const v = keys[key];
    if (v === undefined) return undefined;
    if (!/^\d{1,15}$/.test(v)) throw new Error(`tensor ${quote(name)}: external data "${key}" is ${quote(v)}, not a byte count`);
    return Number(v);
  };
  const perElement = DTYPE_BYTES[dataType];
  const length = whole('length') ?? (perElement === undefined ? undefined : Math.ceil(size * perElement));
  return { name, size, external: { name, location: keys.location, offset: whole('offset') ?? 0, ...(length !== undefined ? { length } : {}) } };
}

function readValueInfo(v: Reader): TensorSignature {
  const sig: TensorSignature = { name: '', shape: [], dtype: 'unknown' };
  v.each((f, w) => {
    if (f === 1 && w === 2) sig.name = v.string();
    else if (f === 2 && w === 2) {
      const type = v.bytes();
      type.each((tf, tw) => {
        if (tf === 1 && tw === 2) readTensorType(type.bytes(), sig);
        else if (tw === 2) {
          type.bytes();
          sig.dtype = tf === 4 ? 'sequence' : tf === 5 ? 'map' : tf === 9 ? 'optional' : tf === 8 ? 'sparse tensor' : 'unknown';
        } else return false;
        return true;
      });
    } else return false;
    return true;
  });
  return sig;
}

function readTensorType(t: Reader, sig: TensorSignature): void {
  t.each((f, w) => {
    if (f === 1 && w === 0) sig.dtype = DTYPES[t.int()] ?? 'unknown';
    else if (f === 2 && w === 2) {
      const shape = t.bytes();
      shape.each((sf, sw) => {
        if (sf !== 1 || sw !== 2) return false;
        const dim = shape.bytes();
        let d: number | string = '?';
        dim.each((df, dw) => {
          if (df === 1 && dw === 0) d = dim.int();
          else if (df === 2 && dw === 2) d = dim.string() || '?';
          else return false;
          return true;
        });
        // A dim of 2^53 or more cannot be held exactly (nor be real): unknown, like a negative one.
        sig.shape.push(typeof d === 'number' && (d < 0 || !Number.isSafeInteger(d)) ? '?' : d);
        return true;
      });
    } else return false;
    return true;
  });
}
