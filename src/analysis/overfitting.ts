// Generalisation gaps (train against evaluation) per model and metric, with their bootstrap
// intervals, and the findings they call for: a candidate whose gap is significantly above max-gap,
// one whose gap is significantly larger than a baseline's, and one that learned nothing even on its
// training data.
//
// Which gaps are tested: the task's proper scoring rule (log_loss; mse for regression), its primary
// metrics, and any metric whose max-gap `thresholds` set. The other gaps stay in the report. Tests are
// one-sided bootstrap tests on the replicates of both sides (gap-bootstrap.ts: the training rows are
// resampled too), Holm-corrected over every test of the run, so a gap that is large only by noise
// raises nothing. Without replicates (bootstrap off, multilabel and ranking) the point estimate is
// compared with max-gap and the finding says there is no interval.

import { defaultPrimaryMetrics } from '../metrics/direction.js';
import { metricInfo } from '../metrics/index.js';
import type { Thresholds } from '../settings/thresholds.js';
import { holm } from '../stats/corrections.js';
import { sideReplicates, type GapReplicates } from '../stats/gap-bootstrap.js';
import { finiteSorted, percentileInterval } from '../stats/intervals.js';
import type { Finding, ModelMeasurement, Task } from '../types.js';
import { quote } from '../untrusted.js';
import { primaryMetric } from './compare.js';

export interface Gap {
  model: string;
  metric: string;
  train: number | null;
  eval: number | null;
  /** How much worse evaluation is than training, in the metric's units (direction-aware: > 0 is worse). */
  gap: number | null;
  /** gap / |train|, for scores in [0, 1] where higher is better (information only; null for the others, whose training value can be near zero). */
  relativeGap: number | null;
  /** Interval of the gap, with both sides resampled. */
  ci?: [number, number];
  /** The gap allowed, in the metric's units, when this gap is tested. */
  maxGap?: number;
  /** Where maxGap comes from, for the report. */
  maxGapSource?: string;
  /** Holm-adjusted one-sided p-value of "gap <= maxGap" (tested gaps with replicates only). */
  pValue?: number;
  /** Whether this gap is tested (scoring rule, primary metric or a configured max-gap). */
  tested: boolean;
  /** Why the gap cannot be trusted (an operating point the data cannot resolve): never flagged. */
  unreliable?: string;
  flagged: boolean;
}

/**
 * Gaps are absolute, in the metric's units (percentage points for proportions): a relative gap
 * explodes when the training value is near zero (a memorised log loss of 0.001). Allowed by default
 * for scores in [0, 1] where higher is better (accuracy, AUC...): 0.1, ten percentage points.
 */
export const DEFAULT_MAX_GAP = 0.1;
/**
 * Absolute gap allowed by default for the other tested metrics (log_loss, mse, mae...): this share of
 * the dummy's value on the evaluation data, the cost of knowing nothing. Scale-free: 5 % of the
 * prior's log loss; for mse, of the target's variance (an R² gap of 0.05).
 */
export const DEFAULT_MAX_GAP_SHARE_OF_DUMMY = 0.05;

const finite = (v: number | undefined | null): number | null => (v !== undefined && v !== null && Number.isFinite(v) ? v : null);

const isScore = (metric: string): boolean => {
  const info = metricInfo(metric);
  return info?.bounded === true && info.higherIsBetter;
};

/** The gap of one metric (direction-aware: > 0 when evaluation is worse), from a training and an evaluation value. */
function gapBetween(metric: string, train: number, evalValue: number): number {
  return (metricInfo(metric)?.higherIsBetter ?? true) ? train - evalValue : evalValue - train;
}

export function gapOf(model: string, metric: string, train: number | undefined, evalValue: number | undefined, maxGap: number | undefined): Gap {
  const t = finite(train);
  const e = finite(evalValue);
  const gap = t === null || e === null ? null : gapBetween(metric, t, e);
  const relativeGap = gap === null || !isScore(metric) || Math.abs(t!) < 1e-9 ? null : gap / Math.abs(t!);
  return { model, metric, train: t, eval: e, gap, relativeGap, maxGap, tested: maxGap !== undefined, flagged: maxGap !== undefined && gap !== null && gap > maxGap };
}

/** The allowed gap and where it comes from, or undefined when the metric is not tested. */
function maxGapFor(metric: string, thresholds: Thresholds, defaults: ReadonlySet<string>, dummyEval: number | null): { maxGap: number; source: string } | undefined {
  const configured = thresholds[metric]?.maxGap;
  if (configured !== undefined) return { maxGap: configured, source: 'thresholds' };
  if (!defaults.has(metric)) return undefined;
  if (isScore(metric)) return { maxGap: DEFAULT_MAX_GAP, source: 'default' };
  if (dummyEval === null || dummyEval === 0) return undefined;
  const share = DEFAULT_MAX_GAP_SHARE_OF_DUMMY;
  return { maxGap: share * Math.abs(dummyEval), source: `default: ${pct(share)} of the dummy's ${fmt(dummyEval)}` };
}

export interface GapUncertainty {
  replicates: GapReplicates;
  /** Confidence of the intervals; the tests run at 1 − confidence. */
  confidence: number;
}

export interface GeneralisationOptions {
  /** Bootstrap replicates of both sides; without them the point estimates decide. */
  uncertainty?: GapUncertainty;
  /** The task's primary metrics (the `primary-metrics` setting); default: the shared per-task list. */
  primaryMetrics?: readonly string[];
}

export interface Generalisation {
  gaps: Gap[];
  findings: Finding[];
}

/** The gap replicates of one model and metric, or undefined without replicates. */
function gapReplicatesOf(u: GapUncertainty | undefined, model: string, metric: string): Float64Array | undefined {
  if (u === undefined) return undefined;
  const t = sideReplicates(u.replicates, 'train', model, metric);
  const e = sideReplicates(u.replicates, 'eval', model, metric);
  if (t === undefined || e === undefined) return undefined;
  return t.map((tv, b) => gapBetween(metric, tv, e[b]));
}

/** One-sided bootstrap p-value of "the statistic is at most `limit`": (1 + #{replicate <= limit}) / (B + 1), finite replicates. */
function pAbove(replicates: Float64Array, limit: number): number {
  // A count needs no sort: finite replicates, and those at most the limit.
  let finite = 0;
  let atMost = 0;
  for (const v of replicates) {
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v <= limit) atMost++;
  }
  return finite === 0 ? NaN : (1 + atMost) / (finite + 1);
}

/** Whether the candidate's evaluation value is worse than the baseline's (unknown counts as worse). */
function worseOnEvaluation(metric: string, candidate: number | null | undefined, baseline: number | null | undefined): boolean {
  const c = finite(candidate);
  const b = finite(baseline);
  if (c === null || b === null) return true;
  return (metricInfo(metric)?.higherIsBetter ?? true) ? c < b : c > b;
}

/**
 * Gaps for every model with training metrics, and the findings on the candidate: overfitting when
 * a tested gap is significantly above its max-gap, or significantly larger than a baseline's;
 * underfitting when the candidate does not beat the dummy on the task's scoring rule even on the
 * training data.
 */
export function generalisation(task: Task, models: ModelMeasurement[], thresholds: Thresholds, options: GeneralisationOptions = {}): Generalisation {
  const gaps: Gap[] = [];
  const findings: Finding[] = [];
  const u = options.uncertainty;
  const alpha = 1 - (u?.confidence ?? 0.95);
  const candidate = models.find((m) => m.role === 'candidate');
  const dummy = models.find((m) => m.role === 'dummy');
  const measured = Object.keys(candidate?.metrics ?? {});
  const defaults = new Set([primaryMetric(task, measured), ...(options.primaryMetrics ?? defaultPrimaryMetrics(task, measured))]);
  const replicates = new Map<Gap, Float64Array>();
  // The dummy's train metrics only serve the underfitting check: its "gap" is sampling noise of a prior.
  for (const m of models) {
    if (m.trainMetrics === undefined || m.role === 'dummy') continue;
    for (const metric of Object.keys(m.metrics)) {
      if (metricInfo(metric)?.informational || metric === 'example_count') continue;
      const rule = maxGapFor(metric, thresholds, defaults, finite(dummy?.metrics[metric]?.value));
      const g = gapOf(m.name, metric, m.trainMetrics[metric]?.value, m.metrics[metric]?.value, rule?.maxGap);
      if (rule) g.maxGapSource = rule.source;
      const unreliable = m.metrics[metric]?.unreliable ?? m.trainMetrics[metric]?.unreliable;
      if (unreliable !== undefined) {
        g.unreliable = unreliable;
        g.flagged = false;
      }
      const reps = gapReplicatesOf(u, m.name, metric);
      if (reps !== undefined && u !== undefined) {
        const { sorted } = finiteSorted(reps);
        if (sorted.length > 0) g.ci = percentileInterval(sorted, u.confidence);
        replicates.set(g, reps);
        // With replicates, significance decides below.
        g.flagged = false;
      }
      gaps.push(g);
    }
  }
  if (candidate?.trainMetrics === undefined) return { gaps, findings };

  // The family: every tested gap of the candidate against its max-gap, and against each baseline's.
  const mine = gaps.filter((g) => g.model === candidate.name && g.tested && g.unreliable === undefined);
  const tests: { p: number; apply: () => void }[] = [];
  const aboveMax: Gap[] = [];
  const grown = new Map<string, string[]>();
  for (const g of mine) {
    const reps = replicates.get(g);
    if (reps === undefined) {
      if (g.flagged) aboveMax.push(g);
      continue;
    }
    const p = pAbove(reps, g.maxGap!);
    tests.push({
      p,
      apply: () => {
        g.flagged = true;
        aboveMax.push(g);
      },
    });
    g.pValue = p;
  }
  const bases = models.filter((m) => m.role === 'baseline' && m.trainMetrics !== undefined);
  for (const base of bases) {
    for (const g of mine) {
      const other = gaps.find((x) => x.model === base.name && x.metric === g.metric);
      const a = replicates.get(g);
      const b = other && replicates.get(other);
      if (other === undefined || other.unreliable !== undefined || a === undefined || b === undefined || g.gap === null || other.gap === null) continue;
      // A candidate that does at least as well as the baseline on the evaluation data has nothing to fix:
      // fitting its training data more closely is then no finding a reviewer can act on.
      if (!worseOnEvaluation(g.metric, candidate.metrics[g.metric]?.value, base.metrics[g.metric]?.value)) continue;
      const growth = a.map((v, i) => v - b[i]);
      const { sorted } = finiteSorted(growth);
      const ci = percentileInterval(sorted, u!.confidence);
      tests.push({
        p: pAbove(growth, 0),
        apply: () => {
          const list = grown.get(base.name) ?? grown.set(base.name, []).get(base.name)!;
          list.push(`${g.metric} gap ${gapText(g.metric, g.gap)} against ${gapText(g.metric, other.gap)} (difference ${interval(g.metric, ci)})`);
        },
      });
    }
  }
  const adjusted = holm(tests.map((t) => t.p));
  // The max-gap p-values are reported adjusted (the first tests are theirs).
  let i = 0;
  for (const g of mine) if (replicates.has(g)) g.pValue = adjusted[i++];
  tests.forEach((t, j) => {
    if (adjusted[j] < alpha) t.apply();
  });

  if (aboveMax.length > 0) {
    findings.push({
      kind: 'overfitting',
      severity: 'warning',
      message:
        'The candidate does much better on its training data than on the evaluation data: ' +
        aboveMax.map((g) => aboveMaxText(g)).join('; ') +
        '.',
    });
  }
  for (const [name, items] of grown) {
    findings.push({
      kind: 'overfitting',
      severity: 'warning',
      message: `The candidate's generalisation gap is significantly larger than ${quote(name)}'s: ${items.join('; ')}.`,
    });
  }

  const scoring = primaryMetric(task, measured);
  const c = finite(candidate.trainMetrics[scoring]?.value);
  const d = finite(dummy?.trainMetrics?.[scoring]?.value);
  if (c !== null && d !== null) {
    const better = (metricInfo(scoring)?.higherIsBetter ?? true) ? c > d : c < d;
    if (!better) {
      findings.push({
        kind: 'underfitting',
        severity: 'error',
        message: `The candidate does not beat the dummy baseline on ${scoring} even on its training data (${fmt(c)} against ${fmt(d)}): it is underfitting, or its training failed.`,
      });
    }
  }
  return { gaps, findings };
}

function aboveMaxText(g: Gap): string {
  const evidence = g.ci ? `${interval(g.metric, g.ci)}, p = ${fmt(g.pValue ?? null)}` : 'no interval: the bootstrap did not run';
  return `${g.metric} ${fmt(g.train)} on training, ${fmt(g.eval)} on evaluation (gap ${gapText(g.metric, g.gap)}, ${evidence}; allowed ${gapText(g.metric, g.maxGap ?? null)}, ${g.maxGapSource ?? 'thresholds'})`;
}

/** Percentage points for proportions, the metric's units otherwise. */
function gapText(metric: string, v: number | null): string {
  if (v === null) return '—';
  return metricInfo(metric)?.bounded ? `${Number((v * 100).toPrecision(3))} pp` : fmt(v);
}

function interval(metric: string, ci: [number, number]): string {
  return `interval ${gapText(metric, ci[0])} to ${gapText(metric, ci[1])}`;
}

function fmt(v: number | null): string {
  return v === null ? '—' : Number(v.toPrecision(3)).toString();
}

function pct(v: number | null): string {
  return v === null ? '—' : `${Number((v * 100).toPrecision(3))} %`;
}
