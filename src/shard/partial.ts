// A shard's partial result: what one runner of the matrix computed, in one .npz. Per model that was run
// (a network or a command; a predictions file is read by the merge itself), the per-row predictions
// exactly as the engine gave them (float64), and the same for the training rows; once, the rows' indices
// in the data file and their ids' keys. meta.json says what must match across shards and what the report
// needs from the model runs (engine, backend, runtime, facts, files, notes, the Hardware line).

import { npyData, parseNpyHeader } from '../data/npy.js';
import type { EngineRuntime, ModelMetadata } from '../engines/engine.js';
import type { HardwareFacts } from '../hardware/line.js';
import type { Facts, ModelFile, Predictions, Role, Task } from '../types.js';
import { quote } from '../untrusted.js';
import { encodeNpz, type NpzMember } from './npz-write.js';
import { MAX_SHARDS, type ShardSpec } from './spec.js';
import { unzipMembers } from './unzip.js';

export const PARTIAL_FORMAT = 'model-gate-shard';
export const PARTIAL_FORMAT_VERSION = 1;
/** The file a shard run writes into its shard-dir. */
export const PARTIAL_FILE = 'model-gate-shard.npz';

/** What the report says about one model, as the engine said it on the shard's runner. */
export interface RecordedModel {
  name: string;
  role: Role;
  path: string;
  files: ModelFile[];
  /** False for a predictions file: the merge reads it itself, nothing of it is recorded but its files. */
  replayed: boolean;
  kind?: Predictions['kind'];
  /** Values per row: 1, or the classes or labels. */
  width?: number;
  /** multiclass: the classes; multilabel: the labels (in the evaluation's order, as predicted). */
  names?: string[];
  /** Predictions on the training rows are recorded too. */
  train?: boolean;
  engine?: string;
  backend?: string;
  runtime?: EngineRuntime;
  facts?: Facts;
  takesFeatures?: boolean;
  needsFeatures?: boolean;
  runsTrainingRows?: boolean;
  /** As the model gave it (its classes in its own output order; the recorded outputs are in the evaluation's). */
  metadata?: ModelMetadata;
  inputWidth?: number;
  inputColumns?: Record<string, string[]>;
  outputWidth?: number;
  notes?: string[];
  log?: string;
}

export interface PartialMeta {
  format: typeof PARTIAL_FORMAT;
  formatVersion: number;
  tool: string;
  shard: ShardSpec;
  /** sha256 of the settings that shape the evaluation (shard/digest.ts), and of those that run the models. */
  settingsDigest: string;
  runDigest: string;
  data: { path: string; sha256: string; rows: number };
  trainData?: { path: string; sha256: string; rows: number };
  seed: number;
  bootstrap: number;
  task: Task;
  classes: string[];
  models: RecordedModel[];
  hardware?: HardwareFacts;
}

export interface Partial {
  meta: PartialMeta;
  /** Row indices (0-based) in the data file, ascending, and their ids' keys. */
  rows: Int32Array;
  keys: Uint32Array;
  trainRows?: Int32Array;
  trainKeys?: Uint32Array;
  /** Per model (by index in meta.models), rows × width values, row-major. */
  predictions: (Float64Array | undefined)[];
  trainPredictions: (Float64Array | undefined)[];
}

/** The flat values of a model's predictions (the bootstrap's layout). */
export function predictionValues(p: Predictions): Float64Array {
  if (p.kind === 'multiclass') return p.probs;
  if (p.kind === 'regression') return p.values;
  return p.scores;
}

export function encodePartial(p: Partial): Uint8Array {
  const members: NpzMember[] = [
    { name: 'meta.json', bytes: new TextEncoder().encode(JSON.stringify(p.meta, null, 1)) },
    { key: 'rows', data: p.rows },
    { key: 'keys', data: p.keys },
  ];
  if (p.trainRows !== undefined && p.trainKeys !== undefined) members.push({ key: 'train_rows', data: p.trainRows }, { key: 'train_keys', data: p.trainKeys });
  p.meta.models.forEach((m, i) => {
    const w = m.width ?? 1;
    const e = p.predictions[i];
    if (e !== undefined) members.push({ key: `model${i}`, data: e, shape: w === 1 ? [e.length] : [e.length / w, w] });
    const t = p.trainPredictions[i];
    if (t !== undefined) members.push({ key: `model${i}_train`, data: t, shape: w === 1 ? [t.length] : [t.length / w, w] });
  });
  // Stored, as np.savez writes: float64 outputs hardly deflate, and upload-artifact compresses the zip anyway.
  return encodeNpz(members);
}

/** Reads a partial; an Error whose message follows its name ("… is not a model-gate shard result"). */
export function decodePartial(bytes: Uint8Array): Partial {
  // Two passes, so that no member is inflated beyond what the rows and the models' widths imply:
  // the metadata and the row lists first, then the arrays sized by them.
  const limits = { maxUnpackedBytes: 8 * 1024 ** 3, maxEntries: 4 + 2 * 1024, known: MEMBER_NAMES };
  const first = unzipMembers(bytes, { ...limits, memberLimit: (name) => (name === 'meta.json' ? META_BYTES : name === 'rows.npy' || name === 'train_rows.npy' ? npyBytesFor(MAX_ROWS, 4) : undefined) });
  const metaBytes = first.get('meta.json');
  if (metaBytes === undefined) throw new Error('is not a model-gate shard result (it has no meta.json)');
  let meta: PartialMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(metaBytes)) as PartialMeta;
  } catch (e) {
    throw new Error(`has a meta.json that is not JSON (${(e as Error).message})`, { cause: e });
  }
  if (meta?.format !== PARTIAL_FORMAT) throw new Error(`is not a model-gate shard result (format ${quote(String(meta?.format))})`);
  if (meta.formatVersion !== PARTIAL_FORMAT_VERSION) throw new Error(`is a shard result of format version ${quote(String(meta.formatVersion))}; this model-gate reads version ${PARTIAL_FORMAT_VERSION}: run the shards and the merge with one version`);
  if (!Array.isArray(meta.models) || typeof meta.shard?.index !== 'number' || typeof meta.shard?.count !== 'number') throw new Error('has a damaged meta.json (no models or no shard)');
  const { index, count } = meta.shard;
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 1 || index > count || count > MAX_SHARDS) throw new Error(`has a damaged meta.json (shard ${quote(`${index}/${count}`)}: i/N needs 1 ≤ i ≤ N ≤ ${MAX_SHARDS})`);
  if (meta.hardware !== undefined && (typeof meta.hardware !== 'object' || meta.hardware === null || typeof (meta.hardware as { text?: unknown }).text !== 'string')) throw new Error('has a damaged meta.json (hardware)');
  if (typeof meta.data?.sha256 !== 'string' || typeof meta.task !== 'string' || !Array.isArray(meta.classes)) throw new Error('has a damaged meta.json (no data digest, task or classes)');
  const digests = typeof meta.settingsDigest === 'string' && typeof meta.runDigest === 'string' && typeof meta.data.path === 'string' && Number.isInteger(meta.data.rows);
  const numbers = Number.isFinite(meta.seed) && Number.isInteger(meta.bootstrap) && meta.classes.every((c) => typeof c === 'string');
  const train = meta.trainData === undefined || (typeof meta.trainData?.path === 'string' && typeof meta.trainData.sha256 === 'string' && Number.isInteger(meta.trainData.rows));
  if (!digests || !numbers || !train) throw new Error('has a damaged meta.json (its digests, data, seed, resamples or classes are not what a shard run writes)');
  for (const m of meta.models) {
    const ok = typeof m?.name === 'string' && typeof m.path === 'string' && Array.isArray(m.files) && m.files.every((f) => typeof f?.path === 'string' && typeof f.sha256 === 'string');
    const shaped = !m?.replayed || (m.kind === meta.task && Number.isInteger(m.width) && m.width! >= 1 && (m.names === undefined || m.names.length === m.width));
    if (!ok || !shaped) throw new Error(`has a damaged meta.json (model ${quote(String(m?.name))} lacks its name, path, files or output shape)`);
    const strings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    const object = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v));
    const columns = m.inputColumns === undefined || (object(m.inputColumns) && Object.values(m.inputColumns as object).every(strings));
    const typed = strings(m.notes) && (m.log === undefined || typeof m.log === 'string') && object(m.facts) && object(m.metadata) && object(m.runtime) && columns && strings(m.names) && (m.width === undefined || (Number.isInteger(m.width) && m.width <= MAX_WIDTH));
    if (!typed) throw new Error(`has a damaged meta.json (model ${quote(String(m.name))}: its notes, log, facts, metadata or output names are not what a shard run writes)`);
  }
  const rowsIn = (name: string) => {
    const b = first.get(name);
    return b === undefined ? 0 : parseNpyHeader(b).shape.reduce((a, c) => a * c, 1);
  };
  const n = rowsIn('rows.npy');
  const nt = rowsIn('train_rows.npy');
  const files = unzipMembers(bytes, {
    ...limits,
    memberLimit: (name) => {
      if (first.has(name)) return undefined;
      if (name === 'keys.npy') return npyBytesFor(n, 4);
      if (name === 'train_keys.npy') return npyBytesFor(nt, 4);
      const m = /^model(\d+)(_train)?\.npy$/.exec(name);
      const model = m === null ? undefined : meta.models[Number(m[1])];
      return model === undefined ? 0 : npyBytesFor(m![2] === undefined ? n : nt, 8 * (model.width ?? 1));
    },
  });
  for (const [name, b] of first) files.set(name, b);
  const array = <T>(key: string, want: string, make: (d: ArrayLike<number>) => T, optional = false): T | undefined => {
    const b = files.get(`${key}.npy`);
    if (b === undefined) {
      if (optional) return undefined;
      throw new Error(`has no array ${quote(key)}`);
    }
    const header = parseNpyHeader(b);
    if (header.descr !== want || header.fortranOrder) throw new Error(`has array ${quote(key)} of dtype ${quote(header.descr)}, not ${want}`);
    const count = header.shape.reduce((a, c) => a * c, 1);
    const d = npyData(header.descr, b.subarray(header.headerBytes), count);
    return make(d.data as ArrayLike<number>);
  };
  const rows = array('rows', '<i4', (d) => Int32Array.from(d))!;
  const keys = array('keys', '<u4', (d) => Uint32Array.from(d))!;
  if (keys.length !== rows.length) throw new Error(`has ${rows.length} rows but ${keys.length} keys`);
  const trainRows = array('train_rows', '<i4', (d) => Int32Array.from(d), true);
  const trainKeys = array('train_keys', '<u4', (d) => Uint32Array.from(d), true);
  const predictions: (Float64Array | undefined)[] = [];
  const trainPredictions: (Float64Array | undefined)[] = [];
  meta.models.forEach((m, i) => {
    const w = m.width ?? 1;
    const get = (key: string, n: number | undefined): Float64Array | undefined => {
      const v = array(key, '<f8', (d) => Float64Array.from(d), true);
      if (v !== undefined && n !== undefined && v.length !== n * w) throw new Error(`has ${v.length} values in ${quote(key)} for ${n} rows of ${w} (model ${quote(m.name)})`);
      return v;
    };
    predictions.push(m.replayed ? (get(`model${i}`, rows.length) ?? missing(`model${i}`)) : undefined);
    trainPredictions.push(m.replayed && m.train ? (get(`model${i}_train`, trainRows?.length) ?? missing(`model${i}_train`)) : undefined);
  });
  return { meta, rows, keys, trainRows, trainKeys, predictions, trainPredictions };
}

/** The members a partial has (encodePartial); anything else in one is refused unread. */
const MEMBER_NAMES = /^(meta\.json|(train_)?(rows|keys)\.npy|model\d{1,4}(_train)?\.npy)$/;
const META_BYTES = 16 * 1024 ** 2;
/** More rows than any data file the readers take (2^28 rows of 4-byte indices is 1 GiB). */
const MAX_ROWS = 2 ** 28;
/** More values per row than any model's outputs (classes or labels). */
const MAX_WIDTH = 1 << 20;

/** An .npy of `rows` values of `bytes` each: the data and a header (at most 64 KiB, the format's limit for version 1 and 2 alike here). */
function npyBytesFor(rows: number, bytes: number): number {
  return 65536 + rows * bytes;
}

function missing(key: string): never {
  throw new Error(`has no array ${quote(key)}`);
}
