// Data drift between a reference and a current sample, and prediction drift between models'
// outputs on the same rows. Both are evidence beside the gate: a broken input is reported, never
// fatal to the rest of the run.

import { DRIFT_TESTS, driftFindings, driftReport, predictionDrift, type DriftResult, type DriftTest, type PredictionDrift } from '../analysis/drift.js';
import { readDataset } from '../data/read.js';
import { InputError } from '../errors.js';
import type { Settings } from '../settings/settings.js';
import type { Dataset, Finding, Predictions } from '../types.js';
import type { Log } from './log.js';

export interface DriftStage {
  drift?: DriftResult;
  reference?: { path: string; rows: number };
  current?: { path: string; rows: number };
  findings: Finding[];
}

export type DriftSettings = Pick<Settings, 'referenceData' | 'currentData' | 'data' | 'idColumn' | 'queryColumn' | 'driftTests' | 'driftCorrection' | 'driftShare'>;

/** Reads both samples (the current one defaults to the evaluation data) and tests every column but the id and query. */
export async function measureDataDrift(settings: DriftSettings, log: Log, evalData?: Dataset): Promise<DriftStage> {
  if (settings.referenceData === undefined) return { findings: [] };
  const tests = checkTests(settings.driftTests);
  return log.group(`Data drift: ${settings.referenceData}`, async () => {
    const reference = await readDataset(settings.referenceData!);
    const current =
      settings.currentData !== undefined ? await readDataset(settings.currentData) : evalData ?? (await readDataset(settings.data));
    const exclude = [settings.idColumn, settings.queryColumn].filter((c): c is string => c !== undefined);
    const drift = driftReport(reference, current, {
      exclude,
      tests,
      correction: settings.driftCorrection,
      datasetDriftShare: settings.driftShare,
    });
    log.info(`${drift.features.filter((f) => f.drifted).length} of ${drift.features.length} features drifted (share ${drift.share.toFixed(3)})`);
    return {
      drift,
      reference: { path: reference.path, rows: reference.rowCount },
      current: { path: current.path, rows: current.rowCount },
      findings: driftFindings(drift),
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
}

/** Candidate against each baseline on the same rows: does the candidate behave differently? */
export function predictionDrifts(candidate: Predictions, baselines: { name: string; predictions: Predictions }[]): ModelPredictionDrift[] {
  const c = outputScores(candidate);
  if (c === undefined) return [];
  return baselines.flatMap(({ name, predictions }) => {
    const b = outputScores(predictions);
    return b === undefined ? [] : [{ baseline: name, ...predictionDrift(b, c) }];
  });
}
