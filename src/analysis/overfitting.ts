// Generalisation gaps (train against evaluation) per model and metric, and the findings they call
// for: a candidate that memorised its training set, one whose gap grew against a baseline's by
// more than the noise, and one that learned nothing even on its training data.

import { metricInfo } from '../metrics/index.js';
import type { Thresholds } from '../settings/thresholds.js';
import type { Finding, ModelMeasurement, Task } from '../types.js';
import { primaryMetric, type Uncertainties } from './compare.js';

export interface Gap {
  model: string;
  metric: string;
  train: number | null;
  eval: number | null;
  /** How much worse evaluation is than training, in the metric's units (direction-aware: > 0 is worse). */
  gap: number | null;
  /** gap / |train|. */
  relativeGap: number | null;
  /** The relative gap allowed for this metric, when one applies. */
  maxGap?: number;
  flagged: boolean;
}

/**
 * Relative gap allowed by default for scores bounded in [0, 1] where higher is better (accuracy,
 * AUC, F1...). Errors near zero (brier, ece) make relative gaps explode, and unbounded metrics
 * have no natural scale: those need a configured max-gap.
 */
export const DEFAULT_MAX_GAP = 0.1;

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

export function gapOf(model: string, metric: string, train: number | undefined, evalValue: number | undefined, maxGap: number | undefined): Gap {
  const t = finite(train);
  const e = finite(evalValue);
  const higher = metricInfo(metric)?.higherIsBetter ?? true;
  const gap = t === null || e === null ? null : higher ? t - e : e - t;
  // Relative to a training value of (almost) zero, any gap is infinite: no relative gap then.
  const relativeGap = gap === null || t === null || Math.abs(t) < 1e-9 ? null : gap / Math.abs(t);
  return { model, metric, train: t, eval: e, gap, relativeGap, maxGap, flagged: maxGap !== undefined && relativeGap !== null && relativeGap > maxGap };
}

function maxGapFor(metric: string, thresholds: Thresholds): number | undefined {
  const configured = thresholds[metric]?.maxGap;
  if (configured !== undefined) return configured;
  const info = metricInfo(metric);
  return info?.bounded && info.higherIsBetter ? DEFAULT_MAX_GAP : undefined;
}

export interface Generalisation {
  gaps: Gap[];
  findings: Finding[];
}

/**
 * Gaps for every model with training metrics. Findings: the candidate's relative gap above its
 * max-gap; its gap larger than a baseline's by more than the half-width of the delta's interval
 * (only when the bootstrap ran: without it there is no noise level to compare with); and
 * underfitting, when the candidate does not beat the dummy on the task's primary metric even on
 * the training data.
 */
export function generalisation(task: Task, models: ModelMeasurement[], thresholds: Thresholds, uncertainties: Uncertainties = {}): Generalisation {
  const gaps: Gap[] = [];
  const findings: Finding[] = [];
  const candidate = models.find((m) => m.role === 'candidate');
  // The dummy's train metrics only serve the underfitting check: its "gap" is sampling noise of a prior.
  for (const m of models) {
    if (m.trainMetrics === undefined || m.role === 'dummy') continue;
    for (const metric of Object.keys(m.metrics)) {
      if (metricInfo(metric)?.informational || metric === 'example_count') continue;
      gaps.push(gapOf(m.name, metric, m.trainMetrics[metric]?.value, m.metrics[metric]?.value, maxGapFor(metric, thresholds)));
    }
  }
  if (candidate?.trainMetrics === undefined) return { gaps, findings };

  const mine = gaps.filter((g) => g.model === candidate.name);
  const flagged = mine.filter((g) => g.flagged);
  if (flagged.length > 0) {
    findings.push({
      kind: 'overfitting',
      severity: 'warning',
      message:
        'The candidate does much better on its training data than on the evaluation data: ' +
        flagged.map((g) => `${g.metric} ${fmt(g.train)} on training, ${fmt(g.eval)} on evaluation (gap ${fmtPct(g.relativeGap)}, allowed ${fmtPct(g.maxGap ?? null)})`).join('; ') +
        '.',
    });
  }
  for (const base of models.filter((m) => m.role === 'baseline' && m.trainMetrics !== undefined)) {
    const grown = mine.flatMap((g) => {
      const other = gaps.find((x) => x.model === base.name && x.metric === g.metric);
      const u = uncertainties[base.name]?.[g.metric];
      // Only a real gap (evaluation worse than training) can grow into a problem.
      if (other?.gap === null || other === undefined || g.gap === null || g.gap <= 0 || u === undefined) return [];
      const noise = (u.ci[1] - u.ci[0]) / 2;
      const growth = g.gap - other.gap;
      return growth > noise ? [`${g.metric} gap ${fmt(g.gap)} against ${fmt(other.gap)} (noise ±${fmt(noise)})`] : [];
    });
    if (grown.length > 0) {
      findings.push({
        kind: 'overfitting',
        severity: 'warning',
        message: `The candidate's generalisation gap grew against ${base.name}'s by more than the noise: ${grown.join('; ')}.`,
      });
    }
  }
  const dummy = models.find((m) => m.role === 'dummy');
  const primary = primaryMetric(task, Object.keys(candidate.metrics));
  const c = finite(candidate.trainMetrics[primary]?.value);
  const d = finite(dummy?.trainMetrics?.[primary]?.value);
  if (c !== null && d !== null) {
    const better = (metricInfo(primary)?.higherIsBetter ?? true) ? c > d : c < d;
    if (!better) {
      findings.push({
        kind: 'underfitting',
        severity: 'error',
        message: `The candidate does not beat the dummy baseline on ${primary} even on its training data (${fmt(c)} against ${fmt(d)}): it is underfitting, or its training failed.`,
      });
    }
  }
  return { gaps, findings };
}

function fmt(v: number | null): string {
  return v === null ? '—' : Number(v.toPrecision(4)).toString();
}

function fmtPct(v: number | null): string {
  return v === null ? '—' : `${Number((v * 100).toPrecision(3))} %`;
}
