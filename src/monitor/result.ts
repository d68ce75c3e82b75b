// One monitoring run's result, and the verdict drawn from it: degraded when a gate fails (a threshold, or
// the model no better than the dummy) or the dataset drifts; healthy otherwise. Pure.

import type { PredictionDrift } from '../analysis/drift.js';
import type { Finding, Verdict } from '../types.js';
import { inline } from '../untrusted.js';
import type { HistoryEntry } from './history.js';
import type { MonitorVerdict } from './state.js';

export interface DataDriftSummary {
  share: number;
  datasetDrift: boolean;
  /** drift-share: the share at which the dataset counts as drifted. */
  limit: number;
  drifted: string[];
  compared: number;
  reference: { path: string; rows: number };
  current: { path: string; rows: number };
}

export interface FailedGate {
  metric: string;
  value: number | null;
  min?: number;
  max?: number;
}

export interface MonitorResult {
  verdict: MonitorVerdict;
  /** When the run ended (ISO 8601, UTC). */
  at: string;
  /** The production model as the `candidate` input names it. */
  model: string;
  /** Why it is degraded, one sentence each (empty when healthy). */
  reasons: string[];
  failedGates: FailedGate[];
  /** The gate's own verdict on the labelled data, when there was any. */
  gate?: Verdict;
  /** The primary metrics and those a threshold names, on the labelled data. */
  metrics: Record<string, number>;
  labelled?: { path: string; rows: number };
  drift?: DataDriftSummary;
  predictionDrift?: PredictionDrift;
  /** What could not be measured and why (prediction drift of a predictions file, …). */
  notes: string[];
  findings: Finding[];
}

export interface Measurements {
  at: string;
  model: string;
  labelled?: { path: string; rows: number; gate: Verdict; metrics: Record<string, number>; failedGates: FailedGate[]; gateFindings: Finding[] };
  drift?: DataDriftSummary;
  predictionDrift?: PredictionDrift;
  notes: string[];
  findings: Finding[];
}

function bound(g: FailedGate): string {
  const parts = [g.min !== undefined ? `min ${g.min}` : '', g.max !== undefined ? `max ${g.max}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The verdict and its reasons (names escaped onto one line: they come from data files). */
export function judge(m: Measurements): MonitorResult {
  const reasons: string[] = [];
  const failedGates = m.labelled?.failedGates ?? [];
  for (const g of failedGates) reasons.push(`gate failed: ${inline(g.metric)} is ${g.value === null ? 'not measured' : String(Number(g.value.toPrecision(4)))}${bound(g)}`);
  if (m.labelled?.gate === 'fail' && failedGates.length === 0) {
    const why = m.labelled.gateFindings.find((f) => f.severity === 'error');
    reasons.push(`gate failed${why ? `: ${why.message}` : ''}`);
  }
  if (m.drift?.datasetDrift) {
    reasons.push(`dataset drift: ${m.drift.drifted.length} of ${m.drift.compared} features drifted (share ${m.drift.share.toFixed(3)}, limit ${m.drift.limit}): ${m.drift.drifted.slice(0, 30).map((n) => inline(n)).join(', ')}${m.drift.drifted.length > 30 ? ` and ${m.drift.drifted.length - 30} more` : ''}`);
  }
  return {
    verdict: reasons.length > 0 ? 'degraded' : 'healthy',
    at: m.at,
    model: m.model,
    reasons,
    failedGates,
    gate: m.labelled?.gate,
    metrics: m.labelled?.metrics ?? {},
    labelled: m.labelled ? { path: m.labelled.path, rows: m.labelled.rows } : undefined,
    drift: m.drift,
    predictionDrift: m.predictionDrift,
    notes: m.notes,
    findings: m.findings,
  };
}

/** What the issue remembers of this run. */
export function historyEntry(r: MonitorResult): HistoryEntry {
  const e: HistoryEntry = { t: r.at, verdict: r.verdict, metrics: { ...r.metrics } };
  if (r.drift) e.driftShare = r.drift.share;
  if (r.predictionDrift?.ks_statistic !== null && r.predictionDrift?.ks_statistic !== undefined) e.predictionDrift = r.predictionDrift.ks_statistic;
  return e;
}
