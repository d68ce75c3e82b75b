// Intervals and p-values: a paired bootstrap over every model at once (same resampling weights
// for all, so deltas are paired), and McNemar's exact test for accuracy deltas.

import { verdictMetrics, type DeltaUncertainty, type Uncertainties } from '../analysis/compare.js';
import { predictedClasses } from '../analysis/measure.js';
import type { Settings } from '../settings/settings.js';
import { bootstrap, bootstrapReplicates, type BootstrapInput, type Replicates } from '../stats/bootstrap.js';
import { defaultPrimaryMetrics } from '../metrics/direction.js';
import { mcnemarExact } from '../stats/mcnemar.js';
import { exampleKeys, exampleKeysBy } from '../stats/resample-weights.js';
import { expandRows, groupedBootstrap } from '../stats/resample-bootstrap.js';
import { metricInfo, multilabelMetrics, rankingMetrics } from '../metrics/index.js';
import type { Column, Finding, ModelMeasurement, Predictions, Task } from '../types.js';
import { writtenIds } from '../data/ids.js';
import type { Prepared } from './prepare.js';

export interface UncertaintyInfo {
  method: string;
  resamples: number;
  confidence: number;
  seed: number;
  /** What the accuracy p-value comes from. */
  accuracyTest?: string;
}

export interface UncertaintyStage {
  info?: UncertaintyInfo;
  deltas: Uncertainties;
  /** The measurements with each metric's interval added. */
  models: ModelMeasurement[];
  findings: Finding[];
  /** The paired bootstrap's replicates (binary, multiclass, regression), which the generalisation gaps reuse. */
  replicates?: Replicates;
}

export interface ModelOutput {
  name: string;
  predictions: Predictions;
}

/**
 * outputs: every model to resample, the dummy included (the candidate first: the binary bootstrap
 * numbers rows in the first model's score order).
 */
export function measureUncertainty(settings: Settings, prep: Prepared, outputs: ModelOutput[], models: ModelMeasurement[]): UncertaintyStage {
  const none: UncertaintyStage = { deltas: {}, models, findings: [] };
  if (settings.bootstrap === 0 || !outputs.some((o) => o.name === 'candidate')) return none;
  const { truth } = prep;
  if (truth.task === 'multilabel' || truth.task === 'ranking') return materialisedUncertainty(settings, prep, outputs, models);
  const input: BootstrapInput = {
    task: truth.task,
    truth: truth.y,
    k: truth.task === 'multiclass' ? truth.classes.length : undefined,
    models: outputs.map((o) => ({ name: o.name, predictions: flat(o.predictions) })),
    candidate: 'candidate',
    decisionThreshold: settings.decisionThreshold,
    maxFpr: settings.recallAtFpr,
    minRecall: settings.precisionAtRecall,
    keys: rowKeys(prep),
    resamples: settings.bootstrap,
    confidence: settings.confidence,
    seed: settings.seed,
    family: verdictFamily(settings, truth.task, models),
  };
  // Kept for the generalisation gaps, which resample the same evaluation rows with the same weights.
  const replicates = bootstrapReplicates(input);
  const result = bootstrap(input, replicates);
  const alpha = 1 - settings.confidence;
  const deltas: Uncertainties = {};
  for (const [baseline, perMetric] of Object.entries(result.deltas)) {
    deltas[baseline] = {};
    for (const [metric, entry] of Object.entries(perMetric)) {
      if (Number.isFinite(entry.ci[0]) && Number.isFinite(entry.ci[1]) && Number.isFinite(entry.pValue)) {
        deltas[baseline][metric] = { ci: entry.ci, pValue: entry.pValue, alpha } satisfies DeltaUncertainty;
        if (entry.familyPValue !== undefined) deltas[baseline][metric].familyPValue = entry.familyPValue;
      }
    }
  }
  let accuracyTest: string | undefined;
  if (truth.task !== 'regression') {
    const cand = outputs.find((o) => o.name === 'candidate')!;
    const correctCand = correctness(truth.y, cand.predictions, settings.decisionThreshold);
    for (const o of outputs) {
      if (o === cand || deltas[o.name]?.accuracy === undefined) continue;
      deltas[o.name].accuracy.pValue = mcnemarExact(correctCand, correctness(truth.y, o.predictions, settings.decisionThreshold)).pValue;
      accuracyTest = "McNemar's exact test";
    }
  }
  return {
    info: { method: result.method === 'bca' ? 'BCa' : 'percentile', resamples: result.resamples, confidence: result.confidence, seed: result.seed, accuracyTest },
    deltas,
    models: withIntervals(models, result.metrics),
    findings: [],
    // Without the prepared rows (sorted copies of every model's scores): only the values are reused.
    replicates: { models: replicates.models, metrics: replicates.metrics, resamples: replicates.resamples, values: replicates.values, estimates: replicates.estimates, resamplesByThread: replicates.resamplesByThread },
  };
}

/**
 * The verdict's family for the bootstrap's max-T p-values: the primary metrics (the input, or the
 * task's defaults among those measured) and the metrics a threshold judges by their difference
 * (compare.ts verdictMetrics), against every real baseline; the dummy stays out.
 */
function verdictFamily(settings: Settings, task: Task, models: ModelMeasurement[]): BootstrapInput['family'] {
  const measured = Object.keys(models.find((m) => m.role === 'candidate')?.metrics ?? {});
  const members = verdictMetrics(settings.primaryMetrics ?? defaultPrimaryMetrics(task, measured), settings.thresholds).filter((m) => measured.includes(m));
  return {
    baselines: models.filter((m) => m.role === 'baseline').map((m) => m.name),
    metrics: members.filter((m) => metricInfo(m) !== undefined).map((name) => ({ name, higherIsBetter: metricInfo(name)!.higherIsBetter })),
  };
}

/** The id of row i as written, the key its resampling weights hash. */
export /**
 * Multilabel and ranking: each resample materialised and measured by the task's own kernel. Rows
 * are the units for multilabel; whole queries are the units for ranking (a query's items stay
 * together, and a query drawn twice counts as two queries).
 */
function materialisedUncertainty(settings: Settings, prep: Prepared, outputs: ModelOutput[], models: ModelMeasurement[]): UncertaintyStage {
  const { truth } = prep;
  const n = prep.dataset.rowCount;
  let units: Int32Array[];
  let unitNames: (string | null)[] | undefined;
  if (truth.task === 'ranking') {
    const byQuery = new Map<string, number[]>();
    truth.queries.forEach((q, i) => (byQuery.get(q) ?? byQuery.set(q, []).get(q)!).push(i));
    unitNames = [...byQuery.keys()];
    units = [...byQuery.values()].map((rows) => Int32Array.from(rows));
  } else {
    unitNames = prep.id === undefined ? undefined : Array.from({ length: n }, (_, i) => idText(prep, i));
    units = Array.from({ length: n }, (_, i) => Int32Array.of(i));
  }
  const byName = new Map(outputs.map((o) => [o.name, o.predictions]));
  const metricsOn = (model: string, weights: Uint8Array): Record<string, number> => {
    const rows = expandRows(weights, units);
    const p = byName.get(model)!;
    if (truth.task === 'multilabel' && p.kind === 'multilabel') {
      const L = truth.classes.length;
      const y = new Uint8Array(rows.length * L);
      const s = new Float64Array(rows.length * L);
      rows.forEach((r, i) => {
        y.set(truth.y.subarray(r * L, r * L + L), i * L);
        s.set(p.scores.subarray(r * L, r * L + L), i * L);
      });
      return multilabelMetrics(y, s, L, truth.classes, settings.decisionThreshold).metrics;
    }
    if (truth.task === 'ranking' && p.kind === 'ranking') {
      // A query drawn k times becomes k distinct queries.
      const queries: string[] = [];
      let u = 0;
      for (let unit = 0; unit < weights.length; unit++) {
        for (let w = 0; w < weights[unit]; w++, u++) for (let j = 0; j < units[unit].length; j++) queries.push(`${u}`);
      }
      return rankingMetrics(queries, Float64Array.from(rows, (r) => p.scores[r]), Float64Array.from(rows, (r) => truth.y[r]), settings.rankingK);
    }
    return {};
  };
  const result = groupedBootstrap({
    units: units.length,
    keys: exampleKeys(unitNames, units.length),
    models: outputs.map((o) => o.name),
    candidate: 'candidate',
    metricsOn,
    resamples: settings.bootstrap,
    confidence: settings.confidence,
    seed: settings.seed,
  });
  const alpha = 1 - settings.confidence;
  const deltas: Uncertainties = {};
  for (const [baseline, perMetric] of Object.entries(result.deltas)) {
    deltas[baseline] = {};
    for (const [metric, entry] of Object.entries(perMetric)) deltas[baseline][metric] = { ...entry, alpha };
  }
  return {
    info: { method: truth.task === 'ranking' ? 'percentile (queries resampled)' : 'percentile', resamples: settings.bootstrap, confidence: settings.confidence, seed: settings.seed },
    deltas,
    models: withIntervals(models, result.metrics),
    findings: [],
  };
}

function withIntervals(models: ModelMeasurement[], intervals: Record<string, Record<string, { ci: [number, number] }>>): ModelMeasurement[] {
  return models.map((m) => {
    const perMetric = intervals[m.name];
    if (perMetric === undefined) return m;
    const metrics = { ...m.metrics };
    for (const [metric, entry] of Object.entries(perMetric)) {
      // A count (example_count, query_count) describes the data, not the model: resampled, it varies by construction, so no interval.
      if (metricInfo(metric)?.informational === true) continue;
      if (metrics[metric] && Number.isFinite(entry.ci[0]) && Number.isFinite(entry.ci[1])) metrics[metric] = { ...metrics[metric], ci: entry.ci };
    }
    return { ...m, metrics };
  });
}

// One reader per id column: numbers written as their shortest form need no `raw` text (10^7 strings).
const idReaders = new WeakMap<Column, (row: number) => string | null>();

/** The id of row i as written: the key its resampling weights hash. */
export function idText(prep: Prepared, i: number): string | null {
  const col = prep.id!;
  let read = idReaders.get(col);
  if (read === undefined) idReaders.set(col, (read = writtenIds(col)));
  return read(i);
}

// Computed once per data set: the bootstrap, the slices and the gaps all ask (10^7 ids hashed: a second).
const keysOf = new WeakMap<Prepared, Uint32Array>();

/** Each row's example key (its id as written, else its index): what its resampling weights hash. Callers must not modify it. */
export function rowKeys(prep: Prepared): Uint32Array {
  let keys = keysOf.get(prep);
  if (keys === undefined) {
    const n = prep.dataset.rowCount;
    keys = exampleKeysBy(n, prep.id === undefined ? undefined : (i) => idText(prep, i));
    keysOf.set(prep, keys);
  }
  return keys;
}

/** The predictions as the bootstrap takes them: one flat array. */
export function flat(p: Predictions): Float64Array {
  if (p.kind === 'multiclass') return p.probs;
  if (p.kind === 'regression') return p.values;
  return p.scores;
}

/** 1 where the model's predicted class is the true one. */
function correctness(y: Uint8Array | Int32Array, p: Predictions, threshold: number): Uint8Array {
  const predicted = predictedClasses(p, threshold);
  const out = new Uint8Array(y.length);
  if (predicted !== undefined) for (let i = 0; i < y.length; i++) out[i] = predicted[i] === y[i] ? 1 : 0;
  return out;
}
