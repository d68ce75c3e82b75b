// Data drift between a reference and a current sample, and prediction drift between models'
// outputs on the same rows. Both are evidence beside the gate: a broken input is reported, never
// fatal to the rest of the run.

import { DRIFT_TESTS, driftFindings, driftReport, labelDriftFindings, numericSamples, predictionDrift, type DriftResult, type DriftTest, type PredictionDrift } from '../analysis/drift.js';
import { predictedClasses } from '../analysis/measure.js';
import { readDataset } from '../data/read.js';
import { InputError } from '../errors.js';
import { presortPairs } from '../stats/presort.js';
import type { DriftSettings } from '../settings/settings.js';
import type { Dataset, Finding, Predictions } from '../types.js';
import type { Log } from './log.js';

export interface DriftStage {
  drift?: DriftResult;
  /** The label's distribution, reference against current, when both samples have it. */
  labelDrift?: DriftResult;
  reference?: { path: string; rows: number };
  current?: { path: string; rows: number };
  findings: Finding[];
}

/** Reads both samples (the current one defaults to the evaluation data) and tests every column but the id and query. */
export async function measureDataDrift(settings: DriftSettings, log: Log, evalData?: Dataset): Promise<DriftStage> {
  if (settings.referenceData === undefined) return { findings: [] };
  const tests = checkTests(settings.driftTests);
  return log.group(`Data drift: ${settings.referenceData}`, async () => {
    // Both samples at once, the cores shared between them: one's workers scan while the other's chunks are assembled.
    // The reference's error, if any, is the one reported, as when they were read in turn.
    const readers = evalData !== undefined && settings.currentData === undefined ? 1 : 2;
    const [referenceRead, currentRead] = await Promise.allSettled([
      readDataset(settings.referenceData!, { input: 'reference-data', readers }),
      settings.currentData !== undefined ? readDataset(settings.currentData, { input: 'current-data', readers }) : evalData ?? readDataset(settings.data, { readers }),
    ]);
    if (referenceRead.status === 'rejected') throw referenceRead.reason;
    if (currentRead.status === 'rejected') throw currentRead.reason;
    const reference = referenceRead.value;
    const current = currentRead.value;
    const labels = (settings.labelColumns ?? []).filter((l) => reference.columns.some((c) => c.name === l) && current.columns.some((c) => c.name === l));
    const inReference = (c: string | undefined): c is string => c !== undefined && reference.columns.some((x) => x.name === c);
    const exclude = [settings.idColumn, settings.queryColumn, ...(settings.labelColumns ?? [])].filter(inReference);
    // The tests need every numeric column sorted: done on worker threads first, where the samples are large.
    await presortPairs([...numericSamples(reference, current, { exclude }), ...(labels.length > 0 ? numericSamples(reference, current, { columns: labels }) : [])]);
    const drift = driftReport(reference, current, {
      exclude,
      tests,
      correction: settings.driftCorrection,
      datasetDriftShare: settings.driftShare,
    });
    // Label drift (prior shift) is its own question: tested apart, so it neither dilutes nor inflates the feature share.
    const labelDrift = labels.length > 0 ? driftReport(reference, current, { columns: labels, tests, correction: settings.driftCorrection }) : undefined;
    const labelFindings = labelDriftFindings(labelDrift);
    log.info(`${drift.features.filter((f) => f.drifted).length} of ${drift.features.length} features drifted (share ${drift.share.toFixed(3)})`);
    return {
      drift,
      labelDrift,
      reference: { path: reference.path, rows: reference.rowCount },
      current: { path: current.path, rows: current.rowCount },
      findings: [...driftFindings(drift), ...labelFindings],
    };
  });
}

function checkTests(tests: Record<string, string>): Record<string, DriftTest> {
  for (const [column, test] of Object.entries(tests)) {
    if (!(DRIFT_TESTS as readonly string[]).includes(test)) {
      throw new InputError(`drift-tests: "${test}" for column "${column}" is not a drift test; use one of ${DRIFT_TESTS.join(', ')}.`);
    }
  }
  return tests as Record<string, DriftTest>;
}

/** The one number per row whose distribution is compared: score, prediction, or top-class confidence. */
export function outputScores(p: Predictions): Float64Array | undefined {
  if (p.kind === 'binary' || p.kind === 'ranking') return p.scores;
  if (p.kind === 'regression') return p.values;
  if (p.kind === 'multiclass') {
    const k = p.classes.length;
    const out = new Float64Array(p.probs.length / k);
    for (let i = 0; i < out.length; i++) {
      let m = 0;
      for (let j = 0; j < k; j++) m = Math.max(m, p.probs[i * k + j]);
      out[i] = m;
    }
    return out;
  }
  return undefined;
}

export interface ModelPredictionDrift extends PredictionDrift {
  baseline: string;
  /** Classification: the share of rows whose predicted class differs between the two models. */
  churn?: number;
  /** Classification: rows by the baseline's predicted class (rows) and the candidate's (columns). */
  flips?: { labels: string[]; counts: number[][] };
}

/** Candidate against each baseline on the same rows: does the candidate behave differently? */
export function predictionDrifts(
  candidate: Predictions,
  baselines: { name: string; predictions: Predictions }[],
  classes: string[] = [],
  threshold = 0.5,
): ModelPredictionDrift[] {
  const c = outputScores(candidate);
  if (c === undefined) return [];
  const cc = predictedClasses(candidate, threshold);
  return baselines.flatMap(({ name, predictions }) => {
    const b = outputScores(predictions);
    if (b === undefined) return [];
    const row: ModelPredictionDrift = { baseline: name, ...predictionDrift(b, c) };
    const bc = predictedClasses(predictions, threshold);
    if (cc !== undefined && bc !== undefined && cc.length === bc.length && cc.length > 0) {
      const k = Math.max(classes.length, 2);
      const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
      let flipped = 0;
      for (let i = 0; i < cc.length; i++) {
        counts[bc[i]][cc[i]]++;
        if (bc[i] !== cc[i]) flipped++;
      }
      row.churn = flipped / cc.length;
      row.flips = { labels: classes.length ? classes : ['0', '1'], counts };
    }
    return [row];
  });
}
