// The messages of findings that the pipeline's stages raise outside a single analysis: errors turned
// into findings, the training data's and the training log's troubles, slices' notes, prediction drift.

import { GateError, InputError, messageOf } from '../errors.js';
import { METRIC_INFO, metricInfo } from '../metrics/index.js';
import type { Thresholds } from '../settings/thresholds.js';
import type { TrainingLog } from '../training-log/types.js';
import type { Finding, Task } from '../types.js';
import { quote } from '../untrusted.js';
import type { PredictionDrift } from './drift.js';
import type { SliceResult } from './slices.js';

/** A named error is bad input or a model's fault, and says so; anything else is a bug to report. */
export function errorFinding(e: unknown): Finding {
  if (e instanceof GateError) return { kind: kindOf(e), severity: 'error', message: e.message };
  return { kind: 'internal_error', severity: 'error', message: `model-gate failed unexpectedly: ${messageOf(e)}. Please report this with the log.` };
}

function kindOf(e: GateError): string {
  return e.name.replace(/Error$/, '').toLowerCase() + '_error';
}

/** A model that fails on the training rows loses only its gaps: a warning, not an error. */
export function trainingDataFinding(e: unknown): Finding {
  return { ...errorFinding(e), severity: 'warning', message: `on the training data: ${messageOf(e)}` };
}

/** Every metric a threshold or primary-metrics names must be one of the task's. */
export function checkMetricNames(thresholds: Thresholds, primaryMetrics: readonly string[] | undefined, task: Task): void {
  const named = [...Object.keys(thresholds).map((m) => ['thresholds name', m]), ...(primaryMetrics ?? []).map((m) => ['primary-metrics names', m])];
  for (const [input, metric] of named) {
    const info = metricInfo(metric);
    if (info === undefined || !info.tasks.includes(task)) {
      const known = Object.entries(METRIC_INFO)
        .filter(([, i]) => i.tasks.includes(task))
        .map(([n]) => n);
      throw new InputError(`${input} ${quote(metric)}, which is not a ${task} metric. ${task} metrics: ${known.join(', ')}.`);
    }
  }
}

/** The flagged slices, then the notes (slices skipped, resamples cut to fit the budget) as information. */
export function sliceFindings(slices: SliceResult): Finding[] {
  return [
    ...slices.findings.map(({ kind, severity, message }): Finding => ({ kind, severity, message })),
    ...slices.notes.map((note): Finding => ({ kind: 'slices', severity: 'info', message: note })),
  ];
}

/** What the reader could not make sense of in the training log. */
export function trainingLogWarnings(log: TrainingLog): Finding[] {
  return (log.warnings ?? []).map((w) => ({ kind: 'training_log', severity: 'warning', message: w }));
}

/**
 * Information only: a better candidate's outputs differ from its baseline's too, so prediction drift on
 * the same rows never moves the verdict.
 */
export function predictionDriftFindings(drifts: readonly (PredictionDrift & { baseline: string; churn?: number })[]): Finding[] {
  return drifts
    .filter((p) => p.drifted)
    .map((p) => ({
      kind: 'prediction_drift',
      severity: 'info',
      message: `The candidate's outputs are distributed differently from ${p.baseline}'s on the same rows (KS D = ${p.ks_statistic?.toFixed(3)}, PSI ${p.psi?.toFixed(3)}${p.churn !== undefined ? `; ${(p.churn * 100).toFixed(1)} % of predicted classes flip` : ''}).`,
    }));
}
