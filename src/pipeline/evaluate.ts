// The pipeline from settings to findings: datasets → predictions → measurements → gate.
// Errors become findings so the report can still say what went wrong and keep what was computed.

import { dummyPredictions } from '../analysis/dummy.js';
import { gate, type Gate } from '../analysis/compare.js';
import { measure, type MeasureOptions } from '../analysis/measure.js';
import { readDataset, selectFeatures } from '../data/read.js';
import type { LoadedModel } from '../engines/engine.js';
import { checkFeatureColumns } from '../engines/feature-matrix.js';
import { openModel } from '../engines/open.js';
import { GateError, InputError, ModelError, messageOf } from '../errors.js';
import { METRIC_INFO, metricInfo } from '../metrics/index.js';
import type { ModelSpec, Settings } from '../settings/settings.js';
import type { Column, Dataset, Finding, ModelMeasurement, Role, Task } from '../types.js';
import { checkPredictions } from './check-predictions.js';
import { encodeMultilabel, encodeRanking, encodeTruth, resolveClasses, resolveTask, type Truth } from './labels.js';
import type { Log } from './log.js';
import { analyseCurves, type CurveAnalysis } from '../analysis/training-curves.js';
import { readTrainingLog } from '../training-log/read.js';
import type { TrainingLog } from '../training-log/types.js';

export interface UncertaintyInfo {
  method: string;
  resamples: number;
  confidence: number;
  seed: number;
  /** What the accuracy p-value comes from. */
  accuracyTest?: string;
}

export interface TrainingCurves {
  log: TrainingLog;
  analysis: CurveAnalysis;
}

export interface Evaluation {
  task?: Task;
  classes?: string[];
  data: { path: string; rows: number };
  dummyFitOn?: 'training data' | 'evaluation data';
  models: ModelMeasurement[];
  gate: Gate;
  uncertainty?: UncertaintyInfo;
  training?: TrainingCurves;
}

interface Prepared {
  dataset: Dataset;
  label: Column;
  id?: Column;
  task: Task;
  classes: string[];
  truth: Truth;
}

export async function evaluate(settings: Settings, log: Log): Promise<Evaluation> {
  const findings: Finding[] = [];
  const models: ModelMeasurement[] = [];
  const result = (extra: Partial<Evaluation> = {}): Evaluation => ({
    data: { path: settings.data, rows: 0 },
    models,
    gate: gate(extra.task ?? 'binary', models, {}, findings),
    ...extra,
  });

  let candidate: LoadedModel;
  let prepared: Prepared;
  try {
    const dataset = await log.group(`Reading ${settings.data}`, async () => {
      const d = await readDataset(settings.data);
      log.info(`${d.rowCount} rows, ${d.columns.length} columns`);
      return d;
    });
    candidate = await openModel(settings.candidate.path, settings.candidate.name);
    prepared = prepare(settings, dataset, candidate);
  } catch (e) {
    findings.push(errorFinding(e));
    return result();
  }
  const { dataset, task, truth } = prepared;
  const base = { task, classes: task === 'regression' ? undefined : prepared.classes, data: { path: dataset.path, rows: dataset.rowCount } };

  try {
    checkThresholdNames(settings, task);
  } catch (e) {
    findings.push(errorFinding(e));
    return { ...result(base), gate: gate(task, models, {}, findings) };
  }

  const specs: { spec: ModelSpec; role: Role }[] = [
    { spec: settings.candidate, role: 'candidate' },
    ...settings.baselines.map((spec) => ({ spec, role: 'baseline' as Role })),
  ];
  for (const { spec, role } of specs) {
    await log.group(`Evaluating ${role} ${spec.name} (${spec.path})`, async () => {
      try {
        const model = role === 'candidate' ? candidate : await openModel(spec.path, spec.name);
        try {
          models.push(await runModel(settings, prepared, model, spec, role, log));
        } finally {
          model.dispose();
        }
      } catch (e) {
        findings.push(errorFinding(e));
        log.warning(messageOf(e));
      }
    });
  }

  let dummyFitOn: Evaluation['dummyFitOn'] = 'evaluation data';
  let fitOn = truth;
  if (settings.trainData !== undefined) {
    try {
      const train = await readDataset(settings.trainData);
      const label = findColumn(train, settings.labelColumn);
      fitOn =
        task === 'multilabel'
          ? encodeMultilabel(train, settings.labelColumns.map((c) => findColumn(train, c)))
          : task === 'ranking'
            ? truth
            : encodeTruth(train, label, task, prepared.classes);
      dummyFitOn = 'training data';
    } catch (e) {
      findings.push(errorFinding(e));
    }
  }
  const dummy = dummyPredictions(fitOn, dataset.rowCount);
  const m = measure(truth, dummy, measureOptions(settings));
  models.push({ name: 'dummy', role: 'dummy', path: `prior of the ${dummyFitOn}`, engine: 'dummy', backend: 'none', files: [], ...m });

  const training = await readCurves(settings, findings, log);
  if (!models.some((x) => x.role === 'candidate')) return { ...result(base), dummyFitOn, training };
  return { ...base, dummyFitOn, models, training, gate: gate(task, models, settings.thresholds, findings) };
}

/** The training log is evidence beside the evaluation: a broken one is reported, never fatal to the rest. */
async function readCurves(settings: Settings, findings: Finding[], log: Log): Promise<TrainingCurves | undefined> {
  if (settings.trainingLog === undefined) return undefined;
  try {
    const trainingLog = await readTrainingLog(settings.trainingLog);
    for (const w of trainingLog.warnings ?? []) findings.push({ kind: 'training_log', severity: 'warning', message: w });
    const analysis = analyseCurves(trainingLog, { patience: settings.patience });
    findings.push(...analysis.findings);
    log.info(`training log ${settings.trainingLog}: best ${analysis.monitor} at epoch ${analysis.bestEpoch} of ${analysis.lastEpoch}`);
    return { log: trainingLog, analysis };
  } catch (e) {
    findings.push(errorFinding(e));
    return undefined;
  }
}

function prepare(settings: Settings, dataset: Dataset, candidate: LoadedModel): Prepared {
  const label = findColumn(dataset, settings.labelColumn);
  const task = resolveTask(settings.task, label, candidate.metadata.task, {
    labels: settings.labelColumns.length,
    query: settings.queryColumn !== undefined,
  });
  const id = settings.idColumn !== undefined ? findColumn(dataset, settings.idColumn) : undefined;
  if (task === 'multilabel') {
    const truth = encodeMultilabel(dataset, settings.labelColumns.map((c) => findColumn(dataset, c)));
    return { dataset, label, id, task, classes: truth.task === 'multilabel' ? truth.classes : [], truth };
  }
  if (task === 'ranking') {
    if (settings.queryColumn === undefined) {
      throw new InputError('a ranking task needs `query-column` (--query): the column that groups items into queries.');
    }
    return { dataset, label, id, task, classes: [], truth: encodeRanking(dataset, label, findColumn(dataset, settings.queryColumn)) };
  }
  const classes =
    task === 'regression' ? [] : resolveClasses(task, label, settings.classes, candidate.metadata.classes, settings.positiveClass);
  const truth = encodeTruth(dataset, label, task, classes);
  return { dataset, label, id, task, classes, truth };
}

/** Every column that is not a label, the id or the query is a feature unless settings or the model say otherwise. */
function featureNames(settings: Settings, dataset: Dataset, model: LoadedModel): string[] | undefined {
  const explicit = settings.features ?? model.metadata.features;
  if (explicit !== undefined) return explicit;
  const taken = new Set([...settings.labelColumns, settings.idColumn, settings.queryColumn]);
  return dataset.columns.map((c) => c.name).filter((n) => !taken.has(n));
}

async function runModel(settings: Settings, prep: Prepared, model: LoadedModel, spec: ModelSpec, role: Role, log: Log): Promise<ModelMeasurement> {
  const { dataset } = prep;
  const selected = selectFeatures(dataset, {
    label: settings.labelColumn,
    id: settings.idColumn,
    features: featureNames(settings, dataset, model),
  });
  if (model.engine !== 'predictions file') {
    checkFeatureColumns(dataset, selected.features, spec.name);
    if (model.inputWidth !== undefined && model.inputWidth !== selected.features.length) {
      throw new ModelError(
        `model ${spec.name} takes ${model.inputWidth} inputs, but ${dataset.path} has ${selected.features.length} feature columns ` +
          `(${selected.features.map((c) => c.name).join(', ')}). List the model's inputs in order with the \`features\` setting.`,
      );
    }
  }
  const started = performance.now();
  const predictions = await model.predict({
    name: spec.name,
    dataset,
    features: selected.features,
    task: prep.task,
    classes: prep.classes,
    idColumn: prep.id,
    batchSize: settings.batchSize,
  });
  checkPredictions(predictions, spec.name, dataset);
  log.info(`${model.engine}${model.backend === "none" ? "" : ` on ${model.backend}`}: ${dataset.rowCount} rows in ${Math.round(performance.now() - started)} ms`);
  const m = measure(prep.truth, predictions, measureOptions(settings));
  return { name: spec.name, role, path: spec.path, engine: model.engine, backend: model.backend, files: model.files, ...m };
}

function measureOptions(s: Settings): MeasureOptions {
  return { decisionThreshold: s.decisionThreshold, maxFpr: s.recallAtFpr, minRecall: s.precisionAtRecall, ks: s.rankingK };
}

function findColumn(dataset: Dataset, name: string): Column {
  const col = dataset.columns.find((c) => c.name === name);
  if (col === undefined) {
    throw new InputError(
      `${dataset.path}: no column "${name}". Columns: ${dataset.columns.map((c) => c.name).join(', ')}. Check label-column / id-column.`,
    );
  }
  return col;
}

function checkThresholdNames(settings: Settings, task: Task): void {
  for (const metric of Object.keys(settings.thresholds)) {
    const info = metricInfo(metric);
    if (info === undefined || !info.tasks.includes(task)) {
      const known = Object.entries(METRIC_INFO)
        .filter(([, i]) => i.tasks.includes(task))
        .map(([n]) => n);
      throw new InputError(`thresholds name "${metric}", which is not a ${task} metric. ${task} metrics: ${known.join(', ')}.`);
    }
  }
}

export function errorFinding(e: unknown): Finding {
  if (e instanceof GateError) return { kind: kindOf(e), severity: 'error', message: e.message };
  return { kind: 'internal_error', severity: 'error', message: `model-gate failed unexpectedly: ${messageOf(e)}. Please report this with the log.` };
}

function kindOf(e: GateError): string {
  return e.name.replace(/Error$/, '').toLowerCase() + '_error';
}
