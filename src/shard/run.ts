// A shard run (`shard: i/N`): read the whole data file (the task, the classes and every id are decided on
// all of it, as the unsharded run decides them), keep the rows whose id hashes to shard i, run every model
// on them (and on the training rows of the shard, by the same rule), and record what the merge needs.
// Nothing is measured or published here: the merge computes every number from all the rows at once.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GateError, InputError, ModelError } from '../errors.js';
import { gitBaselines, shownFiles } from '../pipeline/git-baselines.js';
import type { Log } from '../pipeline/log.js';
import { modelInput, predict } from '../pipeline/predict.js';
import { prepareAs, type Prepared } from '../pipeline/prepare.js';
import { modelTargets, predictStage, type ModelTarget } from '../pipeline/stages/predict.js';
import { openOptions } from '../pipeline/stages/open-options.js';
import { openModel } from '../engines/open.js';
import type { LoadedModel } from '../engines/engine.js';
import { prepareStage } from '../pipeline/stages/prepare.js';
import { idText } from '../pipeline/uncertainty.js';
import type { Settings } from '../settings/settings.js';
import { murmur3Utf8 } from '../stats/resample-weights.js';
import type { Finding, Task } from '../types.js';
import { VERSION } from '../version.js';
import { rowWords } from '../data/ids.js';
import { fileSha256, portable, runDigest, settingsDigest, workspaceRoot } from './digest.js';
import { encodePartial, PARTIAL_FILE, PARTIAL_FORMAT, PARTIAL_FORMAT_VERSION, predictionValues, type Partial, type RecordedModel } from './partial.js';
import { shardOfKey, shardText, type ShardSpec } from './spec.js';
import { subsetDataset } from './subset.js';
import { writeRowsFile } from './rows-file.js';
import { engineFor, targetOf } from '../engines/registry.js';

/** The settings sharding cannot take: an InputError that says why. */
export function checkShardable(settings: Settings, what: string): void {
  if (settings.idColumn === undefined) {
    throw new InputError(`${what} needs \`id-column\`: a row's shard is decided by its id, so every runner splits the data the same way. Add an id column to the data and name it.`);
  }
  if (settings.perf) {
    throw new InputError(
      `${what} cannot measure latency (\`perf: true\`): each shard times its own rows on its own runner, and no merge of those timings is the unsharded run's. Measure latency in an unsharded run.`,
    );
  }
}

/** Each row's id key (exampleKeys' MurmurHash3 of the id as written); a row without an id cannot be placed. */
export function idKeys(prep: Prepared, input: string): Uint32Array {
  const n = prep.dataset.rowCount;
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const id = idText(prep, i);
    if (id === null) throw new InputError(`${prep.dataset.path}: ${rowWords(prep.dataset, i)} has no id in ${input === 'data' ? '`id-column`' : 'the id column'}; sharding places each row by its id: give every row one.`);
    keys[i] = murmur3Utf8(id);
  }
  return keys;
}

/** The rows (ascending) of shard `s` and their keys. */
export function shardRows(keys: Uint32Array, s: ShardSpec): { rows: Int32Array; keys: Uint32Array } {
  const rows: number[] = [];
  for (let i = 0; i < keys.length; i++) if (shardOfKey(keys[i], s.count) === s.index) rows.push(i);
  const r = Int32Array.from(rows);
  return { rows: r, keys: Uint32Array.from(r, (i) => keys[i]) };
}

/** Values per row of a task's predictions, and their names. */
export function predictionShape(task: Task, classes: string[]): { kind: Task; width: number; names?: string[] } {
  if (task === 'multiclass' || task === 'multilabel') return { kind: task, width: classes.length, names: [...classes] };
  return { kind: task, width: 1 };
}

/** Runs shard `s` and returns its partial result; errors (the data, a model) are thrown as the findings' errors. */
export async function runShard(given: Settings, s: ShardSpec, log: Log, root: string = workspaceRoot()): Promise<Partial> {
  checkShardable(given, `\`shard: ${shardText(s)}\``);
  const git = await gitBaselines(given, log);
  const rowsFiles: string[] = [];
  try {
    fail(git.findings);
    const settings = git.settings;
    const ctx = { settings, log };
    const stage = await prepareStage(ctx);
    fail(stage.findings);
    const run = stage.part!;
    const { prep, trainPrep } = run;
    const all = shardRows(idKeys(prep, 'data'), s);
    const sub = prepareAs(settings, subsetDataset(prep.dataset, all.rows), prep.task, prep.classes);
    let train: { rows: Int32Array; keys: Uint32Array } | undefined;
    let subTrain: Prepared | undefined;
    if (trainPrep !== undefined) {
      if (trainPrep.id === undefined) throw new InputError(`${trainPrep.dataset.path}: the training data has no id column; sharding places training rows by their id too.`);
      train = shardRows(idKeys(trainPrep, 'train-data'), s);
      subTrain = prepareAs(settings, subsetDataset(trainPrep.dataset, train.rows), prep.task, prep.classes);
    }
    log.info(`shard ${shardText(s)}: ${all.rows.length} of ${prep.dataset.rowCount} rows${train ? `, ${train.rows.length} of ${trainPrep!.dataset.rowCount} training rows` : ''}`);
    // A command reads the data file itself: it is handed a file of this shard's rows only.
    const isCommand = (t: ModelTarget) => engineFor(targetOf(t.openPath, openOptions(settings)))?.name === 'command';
    const targets = modelTargets(settings);
    let commandSub: Prepared | undefined;
    let commandTrain: Prepared | undefined;
    if (targets.some(isCommand) && sub.dataset.rowCount > 0) {
      const rowsFile = async (d: Prepared['dataset'], rows: Int32Array, input: string) => {
        const file = await writeRowsFile(d, rows, input);
        rowsFiles.push(file);
        return file;
      };
      commandSub = { ...sub, dataset: { ...sub.dataset, path: await rowsFile(prep.dataset, all.rows, 'data') } };
      if (subTrain !== undefined && train !== undefined) commandTrain = { ...subTrain, dataset: { ...subTrain.dataset, path: await rowsFile(trainPrep!.dataset, train.rows, 'train-data') } };
    }
    const shape = predictionShape(prep.task, prep.classes);
    const models: RecordedModel[] = [];
    const predictions: (Float64Array | undefined)[] = [];
    const trainPredictions: (Float64Array | undefined)[] = [];
    let hardware;
    for (const target of targets) {
      const command = isCommand(target) && commandSub !== undefined;
      const ran = await log.group(`Running ${target.role} ${target.spec.name} on shard ${shardText(s)}`, async () => {
        // No rows: nothing to run, but the model is still opened, for what the report says about it.
        if (sub.dataset.rowCount === 0) return { ...target, model: await openEmpty(settings, target, run.candidate), predictions: undefined, hardware: undefined };
        const r = await predictStage(ctx, { prep: command ? commandSub! : sub, trainPrep: command ? commandTrain : subTrain, candidate: run.candidate }, target);
        fail(r.findings);
        return r.part!;
      });
      const { model, spec, role } = ran;
      try {
        if (role === 'candidate') hardware = ran.hardware;
        const here = (t: string) => portable(t, root);
        const base = { name: spec.name, role, path: here(spec.path), files: model.files.map((f) => ({ ...f, path: here(f.path) })) };
        // A predictions file is cheap to read and holds every row: the merge reads it itself.
        if (!model.needsFeatures) {
          models.push({ ...base, replayed: false });
          predictions.push(undefined);
          trainPredictions.push(undefined);
          continue;
        }
        if (ran.predictions !== undefined && ran.predictions.kind !== shape.kind) throw new ModelError(`model ${spec.name} gave ${ran.predictions.kind} predictions for a ${shape.kind} task`);
        // As the measure stage copies them: after the evaluation rows ran, before the training rows do.
        const notes = model.notes?.map(here);
        const commandLog = model.log === undefined ? undefined : here(model.log);
        let t: Float64Array | undefined;
        if (subTrain !== undefined && model.runsTrainingRows) {
          const rowsOf = command && commandTrain !== undefined ? commandTrain : subTrain;
          t = subTrain.dataset.rowCount === 0 ? new Float64Array(0) : predictionValues(await predict(model, modelInput(settings, rowsOf, model, spec.name), log)).slice();
        }
        models.push({
          ...base,
          replayed: true,
          ...shape,
          train: t !== undefined,
          engine: model.engine,
          backend: model.backend,
          runtime: model.runtime,
          facts: model.facts,
          takesFeatures: model.takesFeatures,
          needsFeatures: model.needsFeatures,
          runsTrainingRows: model.runsTrainingRows,
          metadata: model.metadata,
          inputWidth: model.inputWidth,
          inputColumns: model.inputColumns,
          outputWidth: model.outputWidth,
          notes,
          log: commandLog,
        });
        predictions.push(ran.predictions === undefined ? new Float64Array(0) : predictionValues(ran.predictions).slice());
        trainPredictions.push(t);
      } finally {
        model.dispose();
      }
    }
    const data = { path: portable(settings.data, root), sha256: await fileSha256(settings.data), rows: prep.dataset.rowCount };
    const trainData =
      settings.trainData !== undefined && trainPrep !== undefined
        ? { path: portable(settings.trainData, root), sha256: await fileSha256(settings.trainData), rows: trainPrep.dataset.rowCount }
        : undefined;
    return {
      meta: {
        format: PARTIAL_FORMAT,
        formatVersion: PARTIAL_FORMAT_VERSION,
        tool: VERSION,
        shard: s,
        settingsDigest: settingsDigest(given, root),
        runDigest: runDigest(given),
        data,
        trainData,
        seed: settings.seed,
        bootstrap: settings.bootstrap,
        task: prep.task,
        classes: prep.classes,
        models,
        hardware,
      },
      rows: all.rows,
      keys: all.keys,
      trainRows: train?.rows,
      trainKeys: train?.keys,
      predictions,
      trainPredictions,
    };
  } finally {
    for (const file of rowsFiles) await rm(path.dirname(file), { recursive: true, force: true });
    await git.remove();
  }
}

/** A model opened as the predict stage opens it (a git baseline's files named by its revision), for a shard with no rows. */
async function openEmpty(settings: Settings, target: ModelTarget, candidate: LoadedModel): Promise<LoadedModel> {
  const model = target.role === 'candidate' ? candidate : await openModel(target.openPath, target.spec.name, openOptions(settings));
  if (target.spec.fromGit !== undefined) model.files = shownFiles(model.files, target.spec.fromGit);
  return model;
}

/** Writes the partial into `dir` (made when missing); returns the file's path. */
export async function writePartial(dir: string, p: Partial): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, PARTIAL_FILE);
  await writeFile(file, encodePartial(p));
  return file;
}

/** A shard run stops at its first error: the merge could not give the unsharded report without that model's rows. */
function fail(findings: Finding[]): void {
  const e = findings.find((f) => f.severity === 'error');
  if (e === undefined) return;
  throw new ShardRunError(e);
}

/** An error of the shard run, kept as the finding it would have been (its kind decides the exit code). */
export class ShardRunError extends GateError {
  override name = 'ShardRunError';
  constructor(readonly finding: Finding) {
    super(finding.message);
  }
}
