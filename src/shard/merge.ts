// The merge: every shard's partial result checked against the others and against this run (the same
// tool, settings, data, models, seed), then one ModelSource that replays each model's recorded outputs
// for all the rows, so the normal pipeline measures, resamples and reports as the unsharded run does.
// Every mismatch is an InputError (exit 2) that names the shard and what differs.

import { InputError, ModelError } from '../errors.js';
import type { LoadedModel, PredictInput } from '../engines/engine.js';
import type { ModelSource } from '../pipeline/evaluate.js';
import type { PreparedRun } from '../pipeline/stages/prepare.js';
import type { ModelTarget } from '../pipeline/stages/predict.js';
import type { Settings } from '../settings/settings.js';
import type { Predictions } from '../types.js';
import { nameList, quote } from '../untrusted.js';
import { VERSION } from '../version.js';
import { canonicalJson, rerooted, settingsDigest } from './digest.js';
import type { Partial, RecordedModel } from './partial.js';
import { idKeys, predictionShape } from './run.js';
import { shardOfKey } from './spec.js';

/** A partial and where it came from (a folder, an artifact), for the errors. */
export interface NamedPartial {
  source: string;
  partial: Partial;
}

function where(p: NamedPartial): string {
  return `shard ${p.partial.meta.shard.index}/${p.partial.meta.shard.count} (${quote(p.source)})`;
}

/**
 * The shards in order 1..N, every one present once and agreeing with the first and with this run.
 * `dataSha256`: this run's data file's; `trainSha256` its training data's.
 */
export function checkShards(parts: NamedPartial[], settings: Settings, dataSha256: string, trainSha256: string | undefined, root: string): NamedPartial[] {
  if (parts.length === 0) throw new InputError('the merge found no shard results: upload each shard run\'s shard-dir (actions/upload-artifact) under the prefix the merge looks for.');
  const first = parts[0];
  const n = first.partial.meta.shard.count;
  const byIndex = new Map<number, NamedPartial>();
  for (const p of parts) {
    const m = p.partial.meta;
    if (m.shard.count !== n) throw new InputError(`${where(p)} is one of ${m.shard.count} shards, but ${where(first)} is one of ${n}: run every shard of one matrix with the same N.`);
    const twice = byIndex.get(m.shard.index);
    if (twice !== undefined) throw new InputError(`shard ${m.shard.index}/${n} is there twice: ${quote(twice.source)} and ${quote(p.source)}. Give each matrix job its own shard number and artifact name.`);
    byIndex.set(m.shard.index, p);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new InputError(`shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${n}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (found ${[...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i}/${n}`).join(', ')}): every shard of the matrix must finish and upload its result before the merge.`);
  }
  const sorted = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
  const ref = sorted[0];
  for (const p of sorted) {
    const a = ref.partial.meta;
    const b = p.partial.meta;
    if (b.tool !== VERSION) throw new InputError(`${where(p)} was written by model-gate ${quote(b.tool)}, this merge is ${VERSION}: run the shards and the merge with one version.`);
    const differs = (what: string, x: unknown, y: unknown): void => {
      if (canonicalJson(x) !== canonicalJson(y)) throw new InputError(`${where(p)} differs from ${where(ref)} in ${what}: ${shortJson(y)} against ${shortJson(x)}. Run every shard with the same inputs.`);
    };
    differs('its settings (digest)', a.settingsDigest, b.settingsDigest);
    differs('how the models run (device, runtime, batch size; digest)', a.runDigest, b.runDigest);
    differs('the data file (sha256)', a.data.sha256, b.data.sha256);
    differs('the training data (sha256)', a.trainData?.sha256, b.trainData?.sha256);
    differs('the seed', a.seed, b.seed);
    differs('the bootstrap resamples', a.bootstrap, b.bootstrap);
    differs('the task', a.task, b.task);
    differs('the classes', a.classes, b.classes);
    differs('the models (names, paths, files)', a.models.map(identity), b.models.map(identity));
  }
  const m = ref.partial.meta;
  const own = settingsDigest(settings, root);
  if (m.settingsDigest !== own) throw new InputError(`the shards were run with other settings than this merge (settings digest ${m.settingsDigest.slice(0, 12)}, this run's ${own.slice(0, 12)}): give the merge the same inputs as the shard runs, \`shard\` and \`mode\` aside.`);
  if (m.data.sha256 !== dataSha256) throw new InputError(`the shards read a data file with sha256 ${m.data.sha256.slice(0, 12)}…, but ${quote(settings.data)} here has ${dataSha256.slice(0, 12)}…: the merge must read the same data file.`);
  if ((m.trainData?.sha256 ?? '') !== (trainSha256 ?? '')) throw new InputError(`the shards read other training data than this merge (${quote(m.trainData?.path ?? 'none')} against ${quote(settings.trainData ?? 'none')}): the merge must read the same training data.`);
  return sorted;
}

function identity(m: RecordedModel): unknown {
  return { name: m.name, role: m.role, path: m.path, replayed: m.replayed, files: m.files.map((f) => [f.path, f.sha256, f.bytes]) };
}

function shortJson(v: unknown): string {
  const t = canonicalJson(v) ?? 'nothing';
  return quote(t.length > 160 ? `${t.slice(0, 157)}…` : t);
}

/** Shard rows placed back in the data's order: every row once, by the shard its id hashes to. */
function placeRows(sorted: NamedPartial[], keys: Uint32Array, path: string, pick: (p: Partial) => { rows?: Int32Array; keys?: Uint32Array }, what: string): Int32Array {
  const n = keys.length;
  const owner = new Int32Array(n).fill(-1);
  for (const [s, np] of sorted.entries()) {
    const { rows, keys: k } = pick(np.partial);
    if (rows === undefined || k === undefined) throw new InputError(`${where(np)} holds no ${what} rows.`);
    const count = np.partial.meta.shard.count;
    for (let j = 0; j < rows.length; j++) {
      const r = rows[j];
      if (!(r >= 0 && r < n)) throw new InputError(`${where(np)} holds ${what} row ${r}, but ${quote(path)} has ${n} rows.`);
      if (k[j] !== keys[r]) throw new InputError(`${where(np)} holds ${what} row ${r} with another id than ${quote(path)} has there: the shard read other data.`);
      if (shardOfKey(keys[r], count) !== np.partial.meta.shard.index) throw new InputError(`${where(np)} holds ${what} row ${r}, whose id belongs to shard ${shardOfKey(keys[r], count)}/${count}.`);
      if (owner[r] !== -1) throw new InputError(`${what} row ${r} of ${quote(path)} is covered twice: by ${where(sorted[owner[r]])} and ${where(np)}.`);
      owner[r] = s;
    }
  }
  const uncovered = owner.indexOf(-1);
  if (uncovered !== -1) throw new InputError(`${what} row ${uncovered} of ${quote(path)} is covered by no shard: the shards did not read all of the data.`);
  return owner;
}

/** The replay source for a checked set of shards (checkShards). */
export function replaySource(sorted: NamedPartial[], root: string): ModelSource {
  // The report's facts about each model (notes, runtime, the Hardware line) come from the first shard
  // that ran it on rows: an empty shard may not have loaded everything a prediction loads.
  const describing = sorted.find((p) => p.partial.rows.length > 0) ?? sorted[0];
  const meta = describing.partial.meta;
  let evalValues: Float64Array[] | undefined;
  let trainValues: (Float64Array | undefined)[] | undefined;
  let prepared: PreparedRun | undefined;
  const gather = (owner: Int32Array, get: (p: Partial) => { rows?: Int32Array; values?: Float64Array }, width: number): Float64Array => {
    const out = new Float64Array(owner.length * width);
    for (const np of sorted) {
      const { rows, values } = get(np.partial);
      if (rows === undefined || values === undefined) continue;
      for (let j = 0; j < rows.length; j++) out.set(values.subarray(j * width, j * width + width), rows[j] * width);
    }
    return out;
  };
  return {
    hardware: meta.hardware,
    prepared(run: PreparedRun): void {
      prepared = run;
      const { prep, trainPrep } = run;
      if (prep.task !== meta.task || canonicalJson(prep.classes) !== canonicalJson(meta.classes)) {
        throw new InputError(`this merge reads the task as ${prep.task} with classes ${nameList(prep.classes)}, the shards as ${meta.task} with ${nameList(meta.classes)}: give the merge the same inputs.`);
      }
      const { width } = predictionShape(prep.task, prep.classes);
      const misshapen = meta.models.find((m) => m.replayed && m.width !== width);
      if (misshapen !== undefined) throw new InputError(`${where(describing)} recorded ${misshapen.width} outputs per row for model ${quote(misshapen.name)}, where a ${prep.task} task with these classes takes ${width}.`);
      // The candidate the merge opened (its metadata settles the task) must be the one the shards ran.
      const ran = meta.models.find((m) => m.role === 'candidate');
      const digests = (files: { sha256: string }[]) => files.map((f) => f.sha256).sort().join(',');
      if (ran !== undefined && digests(ran.files) !== digests(run.candidate.files)) {
        throw new InputError(`the candidate ${quote(ran.name)} here is not the one the shards ran (its files' sha256 differ): check out the same commit in the merge job as in the shard jobs.`);
      }
      const owner = placeRows(sorted, idKeys(prep, 'data'), prep.dataset.path, (p) => p, 'data');
      const trainOwner =
        trainPrep !== undefined ? placeRows(sorted, idKeys(trainPrep, 'train-data'), trainPrep.dataset.path, (p) => ({ rows: p.trainRows, keys: p.trainKeys }), 'training') : undefined;
      evalValues = meta.models.map((m, i) => (m.replayed ? gather(owner, (p) => ({ rows: p.rows, values: p.predictions[i] }), m.width ?? 1) : new Float64Array(0)));
      trainValues = meta.models.map((m, i) =>
        m.replayed && m.train && trainOwner !== undefined ? gather(trainOwner, (p) => ({ rows: p.trainRows, values: p.trainPredictions[i] }), m.width ?? 1) : undefined,
      );
    },
    replay(target: ModelTarget): LoadedModel | undefined {
      const i = meta.models.findIndex((m) => m.name === target.spec.name && m.role === target.role);
      if (i === -1) throw new InputError(`the shards ran no model named ${quote(target.spec.name)} (${target.role}): give the merge the same models as the shard runs.`);
      const m = meta.models[i];
      if (!m.replayed) return undefined;
      if (prepared === undefined || evalValues === undefined) throw new Error('replaySource: replay before prepared');
      return replayedModel(m, prepared, evalValues[i], trainValues?.[i], root);
    },
  };
}

/** A model that answers with its recorded outputs: the evaluation rows' or the training rows'. */
function replayedModel(m: RecordedModel, run: PreparedRun, evalValues: Float64Array, trainValues: Float64Array | undefined, root: string): LoadedModel {
  const here = (t: string) => rerooted(t, root);
  const as = (values: Float64Array): Predictions => {
    const v = values.slice();
    switch (m.kind) {
      case 'multiclass':
        return { kind: 'multiclass', classes: [...(m.names ?? [])], probs: v };
      case 'multilabel':
        return { kind: 'multilabel', labels: [...(m.names ?? [])], scores: v };
      case 'regression':
        return { kind: 'regression', values: v };
      case 'ranking':
        return { kind: 'ranking', scores: v };
      default:
        return { kind: 'binary', scores: v };
    }
  };
  const model: LoadedModel = {
    engine: m.engine ?? 'unknown',
    backend: m.backend ?? 'none',
    runtime: m.runtime,
    facts: m.facts,
    takesFeatures: m.takesFeatures ?? true,
    needsFeatures: m.needsFeatures ?? true,
    runsTrainingRows: m.train === true,
    files: m.files.map((f) => ({ ...f, path: here(f.path) })),
    // Recorded outputs are in the evaluation's class order already (predict's inEvaluationOrder ran on the shard).
    metadata: { ...(m.metadata ?? {}), classes: undefined },
    inputWidth: m.inputWidth,
    inputColumns: m.inputColumns,
    outputWidth: m.outputWidth,
    predict(input: PredictInput): Promise<Predictions> {
      if (input.dataset === run.prep.dataset) return Promise.resolve(as(evalValues));
      if (run.trainPrep !== undefined && input.dataset === run.trainPrep.dataset && trainValues !== undefined) return Promise.resolve(as(trainValues));
      return Promise.reject(new ModelError(`model ${m.name}: the shards recorded no outputs for ${input.dataset.path}`));
    },
    dispose(): void {},
  };
  if (m.notes !== undefined) model.notes = m.notes.map(here);
  if (m.log !== undefined) model.log = here(m.log);
  return model;
}
