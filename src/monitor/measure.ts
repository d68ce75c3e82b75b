// What a monitoring run measures, with the pipeline's own stages: the production model's metrics on the
// latest labelled data against the thresholds (evaluate() with no baselines), data drift of the current data
// against the reference, and prediction drift: the model's outputs on the reference against the current data.

import { predictionDrift as comparePredictions } from '../analysis/drift.js';
import { errorFinding } from '../analysis/findings.js';
import { readDataset } from '../data/read.js';
import type { LoadedModel, PredictInput } from '../engines/engine.js';
import { checkFeatureColumns } from '../engines/feature-matrix.js';
import { openModel } from '../engines/open.js';
import { wantsRowMajor } from '../engines/registry.js';
import { ModelError } from '../errors.js';
import { defaultPrimaryMetrics } from '../metrics/direction.js';
import { measureDataDrift, outputScores } from '../pipeline/drift.js';
import { evaluate, type Evaluation } from '../pipeline/evaluate.js';
import type { Log } from '../pipeline/log.js';
import { predict } from '../pipeline/predict.js';
import { featureNames, findColumn } from '../pipeline/prepare.js';
import { openOptions } from '../pipeline/stages/open-options.js';
import type { Settings } from '../settings/settings.js';
import type { Dataset, Task } from '../types.js';
import type { DataDriftSummary, FailedGate, Measurements } from './result.js';

export interface MonitorSettings {
  settings: Settings;
  /** Whether `data` (labelled) was given: without it there are no metrics, only drift. */
  labelled: boolean;
}

export async function measureProduction({ settings, labelled }: MonitorSettings, log: Log, now: () => Date = () => new Date()): Promise<Measurements> {
  const notes: string[] = [];
  const findings = [];
  let evaluation: Evaluation | undefined;
  let drift: DataDriftSummary | undefined;
  if (labelled) {
    // No baselines and no candidate comparison: the thresholds, the dummy, and the data drift the diagnose stage measures.
    evaluation = await evaluate({ ...settings, baselines: [] }, log);
    findings.push(...evaluation.gate.findings.filter((f) => f.severity === 'error'));
    if (evaluation.drift) drift = summariseDrift(evaluation.drift, evaluation.drift.reference, evaluation.drift.current);
  } else {
    try {
      const d = await measureDataDrift(settings, log);
      if (d.drift) drift = summariseDrift(d.drift, d.reference!, d.current!);
    } catch (e) {
      findings.push(errorFinding(e));
    }
  }
  const measurements: Measurements = { at: now().toISOString(), model: settings.candidate.path, notes, findings };
  if (drift) measurements.drift = drift;
  if (evaluation && evaluation.task !== undefined) {
    const cand = evaluation.models.find((m) => m.role === 'candidate');
    const metrics: Record<string, number> = {};
    if (cand) {
      const measured = Object.keys(cand.metrics);
      const tracked = [...(settings.primaryMetrics ?? defaultPrimaryMetrics(evaluation.task, measured)), ...Object.keys(settings.thresholds)];
      for (const name of tracked) {
        const v = cand.metrics[name]?.value;
        if (typeof v === 'number' && Number.isFinite(v) && !(name in metrics)) metrics[name] = v;
      }
    }
    const failedGates: FailedGate[] = evaluation.gate.checks
      .filter((c) => c.status === 'fail')
      .map((c) => ({ metric: c.metric, value: c.value, ...(c.min !== undefined ? { min: c.min } : {}), ...(c.max !== undefined ? { max: c.max } : {}) }));
    measurements.labelled = { path: evaluation.data.path, rows: evaluation.data.rows, gate: evaluation.gate.verdict, metrics, failedGates, gateFindings: evaluation.gate.findings };
  }
  if (settings.referenceData !== undefined && settings.currentData !== undefined) {
    try {
      const p = await outputDrift(settings, log, evaluation, notes);
      if (p) measurements.predictionDrift = p;
    } catch (e) {
      notes.push(`Prediction drift not measured: ${errorFinding(e).message}`);
    }
  }
  return measurements;
}

function summariseDrift(
  d: { share: number; datasetDrift: boolean; datasetDriftShare: number; features: { name: string; drifted: boolean }[] },
  reference: { path: string; rows: number },
  current: { path: string; rows: number },
): DataDriftSummary {
  return {
    share: d.share,
    datasetDrift: d.datasetDrift,
    limit: d.datasetDriftShare,
    drifted: d.features.filter((f) => f.drifted).map((f) => f.name),
    compared: d.features.length,
    reference,
    current,
  };
}

/** The production model on the reference and on the current data: KS and PSI of its outputs. */
async function outputDrift(settings: Settings, log: Log, evaluation: Evaluation | undefined, notes: string[]) {
  const options = openOptions(settings);
  const model = await openModel(settings.candidate.path, settings.candidate.name, options);
  try {
    if (!model.runsTrainingRows) {
      notes.push('Prediction drift not measured: the production model is a predictions file, which holds outputs for the labelled rows only.');
      return undefined;
    }
    const task: Task | undefined = evaluation?.task ?? model.metadata.task ?? (settings.task === 'auto' ? undefined : settings.task);
    if (task === undefined) {
      notes.push('Prediction drift not measured: the task is not known without labelled data; set the `task` input.');
      return undefined;
    }
    const classes = evaluation?.classes ?? model.metadata.classes ?? settings.classes ?? [];
    const rows = wantsRowMajor([settings.candidate.path], options);
    const notFeatures = [...settings.labelColumns, settings.idColumn, settings.queryColumn].filter((c): c is string => c !== undefined);
    const run = async (file: string, input: 'reference-data' | 'current-data') => {
      const dataset = await readDataset(file, { input, ...(rows ? { rowMajor: { exclude: notFeatures } } : {}) });
      return outputScores(await predict(model, inputFor(settings, dataset, model, task, classes), log));
    };
    const ref = await run(settings.referenceData!, 'reference-data');
    const cur = await run(settings.currentData!, 'current-data');
    if (ref === undefined || cur === undefined) {
      notes.push(`Prediction drift not measured: a ${task} model's outputs are not one number per row.`);
      return undefined;
    }
    return comparePredictions(ref, cur);
  } finally {
    model.dispose();
  }
}

/** The model's input for data that may have no label: its feature columns, checked as the pipeline checks them. */
function inputFor(settings: Settings, dataset: Dataset, model: LoadedModel, task: Task, classes: string[]): PredictInput {
  const features = featureNames(settings, dataset, model)
    .filter((n) => n !== settings.idColumn && n !== settings.queryColumn)
    .map((n) => findColumn(dataset, n));
  if (model.needsFeatures) {
    checkFeatureColumns(dataset, features, settings.candidate.name);
    if (model.inputWidth !== undefined && model.inputWidth !== features.length) {
      throw new ModelError(`the production model takes ${model.inputWidth} inputs, but ${dataset.path} has ${features.length} feature columns; list them with the \`features\` setting.`);
    }
  }
  const idColumn = settings.idColumn !== undefined ? dataset.columns.find((c) => c.name === settings.idColumn) : undefined;
  return { name: settings.candidate.name, dataset, features, task, classes, idColumn, batchSize: settings.batchSize };
}
