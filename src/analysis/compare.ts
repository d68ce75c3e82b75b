// Candidate against each baseline, metric by metric: deltas, threshold checks, findings, verdict.
// Pure: plain measurements and thresholds in, plain comparisons out.

import { metricInfo } from '../metrics/index.js';
import { defaultMinEffect, defaultPrimaryMetrics } from '../metrics/direction.js';
import { holm } from '../stats/corrections.js';
import type { MetricThreshold, Thresholds } from '../settings/thresholds.js';
import type { Finding, ModelMeasurement, Task, Verdict } from '../types.js';

export type Change = 'improved' | 'regressed' | 'no significant change' | 'unchanged' | 'missing';
export type Status = 'pass' | 'warn' | 'fail' | 'missing';

export interface Comparison {
  baseline: string;
  metric: string;
  candidate: number | null;
  baselineValue: number | null;
  delta: number | null;
  relativeDelta: number | null;
  /** Confidence interval of the delta (paired bootstrap), when the bootstrap ran. */
  ci?: [number, number];
  /** Two-sided p-value of "no difference": McNemar's exact test for accuracy, else the bootstrap's. */
  pValue?: number;
  /** pValue after a correction across a family of tests (timings: Holm over the run's timing tests). */
  adjustedPValue?: number;
  /**
   * Rows of the verdict's family (primary metric × real baseline): the one-sided p-value of "the
   * candidate is worse", adjusted across the family (max-T from the joint bootstrap replicates, or
   * Holm where there are none). It alone decides whether a worse value is a significant regression.
   */
  familyPValue?: number;
  /** A primary metric: it moves the verdict without a threshold. Others move it only when a threshold names them. */
  primary?: boolean;
  /** The smallest worsening that counts, in the metric's units: the threshold's `min-effect`, or the default. */
  minEffect?: number;
  /** |delta| is at most minEffect: too small to matter, significant or not. A negligible regression never warns by itself. */
  negligible?: boolean;
  change: Change;
  status: Status;
  reason?: string;
}

/** The uncertainty of one delta, from the bootstrap (and McNemar for accuracy). */
export interface DeltaUncertainty {
  ci: [number, number];
  pValue: number;
  /** 1 − confidence: a p-value below it is a significant change. */
  alpha: number;
  /** Timings (src/perf/compare-latency.ts): the p-value after Holm over the run's timing tests, and the smallest change that counts. */
  adjustedPValue?: number;
  minEffect?: number;
  /** Members of the verdict's family (primary metric × real baseline): one-sided max-T adjusted p-value of "worse" (src/stats/bootstrap.ts). */
  familyPValue?: number;
}

/** How compareOne judges a row beyond its rule: the gate's family-wise p-value and minimum effect. */
export interface CompareOptions {
  /** Adjusted two-sided p-value; replaces uncertainty.pValue in the significance call. */
  adjustedPValue?: number;
  /** The verdict's family: the adjusted one-sided p-value of "worse"; it decides whether a worse value is a regression. */
  familyPValue?: number;
  /** Smallest worsening that counts when the rule sets no min-effect; default defaultMinEffect(metric, baseline). */
  minEffect?: number;
}

export interface GateOptions {
  /** The metrics that move the verdict without a threshold (the `primary-metrics` input); default per task (direction.ts). */
  primaryMetrics?: readonly string[];
  /** Latency and throughput: per baseline, per metric, the test across interleaved rounds (src/perf/compare-latency.ts). */
  timings?: Uncertainties;
}

export interface BoundCheck {
  metric: string;
  value: number | null;
  min?: number;
  max?: number;
  status: Status;
}

export interface Gate {
  comparisons: Comparison[];
  checks: BoundCheck[];
  findings: Finding[];
  verdict: Verdict;
}

/**
 * What a model must beat the dummy on. Proper scoring rules where the task has one: a model that
 * does not beat the class prior (or the mean) on them has learned nothing usable. Multilabel: ROC
 * AUC averaged over labels; ranking: NDCG at the smallest k, against an order that is all ties.
 */
export function primaryMetric(task: Task, metrics: string[]): string {
  if (task === 'ranking') return metrics.filter((m) => m.startsWith('ndcg@')).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))[0] ?? 'mrr';
  return { binary: 'log_loss', multiclass: 'log_loss', regression: 'mse', multilabel: 'roc_auc_macro' }[task];
}

// Differences below this are float noise from different summation orders, not changes.
const EPS = 1e-12;

export function higherIsBetter(metric: string): boolean {
  return metricInfo(metric)?.higherIsBetter ?? true;
}

function isTiming(metric: string): boolean {
  return metric.startsWith('latency_') || metric.startsWith('throughput_');
}

function isInformational(metric: string): boolean {
  return metric === 'example_count' || metricInfo(metric)?.informational === true;
}

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

export function compareOne(
  metric: string,
  cand: number | undefined,
  base: number | undefined,
  rule: MetricThreshold | undefined,
  baseline: string,
  uncertainty?: DeltaUncertainty,
  options: CompareOptions = {},
): Comparison {
  const c = finite(cand);
  const b = finite(base);
  const row: Comparison = { baseline, metric, candidate: c, baselineValue: b, delta: null, relativeDelta: null, change: 'missing', status: 'missing' };
  if (c === null || b === null) {
    row.reason = c === null ? 'no value for the candidate' : `no value for ${baseline}`;
    return row;
  }
  row.delta = c - b;
  row.relativeDelta = b !== 0 ? (c - b) / Math.abs(b) : null;
  const gain = higherIsBetter(metric) ? c - b : b - c;
  const scale = Math.max(1, Math.abs(b));
  row.change = gain > EPS * scale ? 'improved' : gain < -EPS * scale ? 'regressed' : 'unchanged';
  // Significant is not important: at 300,000 rows a rise of ece by 0.07 percentage points is
  // significant and harmless. A change no larger than the minimum effect is negligible.
  row.minEffect = rule?.minEffect ?? options.minEffect ?? defaultMinEffect(metric, b);
  row.negligible = Math.abs(gain) <= row.minEffect + EPS * scale;
  let significant = true;
  if (uncertainty !== undefined) {
    row.ci = uncertainty.ci;
    row.pValue = uncertainty.pValue;
    if (options.adjustedPValue !== undefined) row.adjustedPValue = options.adjustedPValue;
    // Both must agree: the p-value (McNemar's for accuracy, else the bootstrap's) and the interval the
    // reader sees (BCa on small data), so no "improved" is ever printed beside an interval holding 0.
    const [lo, hi] = uncertainty.ci;
    significant = (options.adjustedPValue ?? uncertainty.pValue) < uncertainty.alpha && (lo > 0 || hi < 0);
    if (options.familyPValue !== undefined) {
      // The verdict's question is one-sided, "is the candidate worse?", and asked of the whole family
      // at once: its adjusted p-value decides a worsening (an improvement keeps the rule above).
      row.familyPValue = options.familyPValue;
      if (gain < 0) significant = options.familyPValue < uncertainty.alpha;
    }
    // With intervals, only a significant change is called a change: the rest is noise.
    if (row.change !== 'unchanged' && !significant) row.change = 'no significant change';
  }
  row.status = row.change === 'regressed' && !row.negligible ? 'warn' : 'pass';
  const worsening = Math.max(0, -gain);
  // A timing delta is a regression only when the test across rounds says so: a drop rule on one counts only then.
  const counts = !((rule?.significant === true || isTiming(metric)) && uncertainty !== undefined && !significant);
  if (rule?.ciMaxDrop !== undefined && uncertainty !== undefined) {
    // The bad end of the interval: its lower end for higher-is-better metrics, its upper end otherwise.
    const badEnd = higherIsBetter(metric) ? -uncertainty.ci[0] : uncertainty.ci[1];
    if (badEnd > rule.ciMaxDrop + EPS * scale) {
      row.status = rule.severity;
      row.reason = `the ${fmt(100 * (1 - uncertainty.alpha))} % interval reaches a worsening of ${amount(metric, badEnd)}, more than ci-max-drop ${limit(metric, rule.ciMaxDrop)}`;
      return row;
    }
  }
  if (!counts) return row;
  if (rule?.maxDrop !== undefined && worsening > rule.maxDrop + EPS * scale) {
    row.status = rule.severity;
    row.reason = `worse by ${amount(metric, worsening)}, more than max-drop ${limit(metric, rule.maxDrop)}`;
  } else if (rule?.maxRelativeDrop !== undefined && worsening > 0) {
    const rel = b === 0 ? Infinity : worsening / Math.abs(b);
    if (rel > rule.maxRelativeDrop + EPS) {
      row.status = rule.severity;
      row.reason = `worse by ${fmt(rel * 100)} %, more than max-relative-drop ${fmt(rule.maxRelativeDrop * 100)} %`;
    }
  }
  if (rule?.ciMaxDrop !== undefined && uncertainty === undefined && row.reason === undefined) {
    // Fail closed: the rule asked for an interval that was not computed (bootstrap off, or a metric it does not cover).
    row.status = rule.ifMissing ?? 'fail';
    row.reason = 'no confidence interval for the delta (is `bootstrap` 0?), so ci-max-drop could not be checked';
  }
  return row;
}

export function checkBounds(metric: string, value: number | undefined, rule: MetricThreshold): BoundCheck | undefined {
  if (rule.min === undefined && rule.max === undefined) return undefined;
  const v = finite(value);
  const check: BoundCheck = { metric, value: v, min: rule.min, max: rule.max, status: 'pass' };
  if (v === null) check.status = 'missing';
  else if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) check.status = rule.severity;
  return check;
}

/** Per baseline, per metric: the uncertainty of candidate − baseline. */
export type Uncertainties = Record<string, Record<string, DeltaUncertainty>>;

export function gate(
  task: Task,
  models: ModelMeasurement[],
  thresholds: Thresholds,
  extraFindings: Finding[] = [],
  uncertainties: Uncertainties = {},
  options: GateOptions = {},
): Gate {
  const findings: Finding[] = [...extraFindings];
  const checks: BoundCheck[] = [];
  const { comparisons, primaryFindings } = compareModels(task, models, thresholds, uncertainties, options);
  findings.push(...primaryFindings);
  const candidate = models.find((m) => m.role === 'candidate');
  if (candidate === undefined) return { comparisons, checks, findings, verdict: verdictOf(comparisons, checks, findings) };
  const metricNames = Object.keys(candidate.metrics).filter((m) => !isInformational(m));

  for (const [metric, rule] of Object.entries(thresholds)) {
    const value = candidate.metrics[metric]?.value;
    const check = checkBounds(metric, value, rule);
    if (check) checks.push(check);
    if (finite(value) === null) findings.push(unmeasuredThreshold(metric, value, rule));
  }

  const dummyRows = comparisons.filter((c) => models.find((m) => m.name === c.baseline)?.role === 'dummy');
  const primary = primaryMetric(task, metricNames);
  const dummy = models.find((m) => m.role === 'dummy');
  const primaryRow = dummyRows.find((row) => row.metric === primary);
  if (dummy !== undefined && (primaryRow === undefined || primaryRow.change === 'missing')) {
    // Fail closed: a check that cannot run is not a pass.
    if (primaryRow !== undefined) {
      primaryRow.status = 'fail';
      primaryRow.reason = `cannot be compared with the dummy baseline on ${primary}`;
    }
    findings.push({
      kind: 'no_skill',
      severity: 'error',
      message:
        `The candidate cannot be compared with the dummy baseline (${DUMMY_WORDS[task]}) on ${primary}: ${valueWords(candidate.metrics[primary]?.value)} ` +
        `against ${valueWords(dummy.metrics[primary]?.value)}, so nothing shows it has learned anything usable.`,
    });
  }
  for (const row of dummyRows) {
    // On the point estimate: a candidate better than the dummy but not significantly so (its delta
    // has an interval too) is not called "no skill".
    if (row.metric === primary && row.change !== 'missing' && !beatsOnPoint(row)) {
      row.status = 'fail';
      row.reason = `does not beat the dummy baseline on ${primary}`;
      findings.push({
        kind: 'no_skill',
        severity: 'error',
        message: `The candidate does not beat the dummy baseline (${DUMMY_WORDS[task]}) on ${primary}: ${fmt(row.candidate)} against ${fmt(row.baselineValue)}. It has learned nothing usable, or its outputs are miscalibrated.`,
      });
    }
  }
  for (const row of comparisons) {
    if (row.status === 'fail' || (row.status === 'warn' && row.reason !== undefined)) {
      if (dummyRows.includes(row)) continue;
      findings.push({
        kind: 'threshold',
        severity: row.status === 'fail' ? 'error' : 'warning',
        message: `${row.metric} against ${row.baseline}: ${fmt(row.candidate)} vs ${fmt(row.baselineValue)}, ${row.reason}.`,
      });
    }
  }
  for (const check of checks) {
    if (check.status === 'fail' || check.status === 'warn') {
      const bound = check.min !== undefined && check.value !== null && check.value < check.min ? `below min ${check.min}` : `above max ${check.max}`;
      findings.push({ kind: 'threshold', severity: check.status === 'fail' ? 'error' : 'warning', message: `${check.metric} is ${fmt(check.value)}, ${bound}.` });
    }
  }
  return { comparisons, checks, findings, verdict: verdictOf(comparisons, checks, findings) };
}

/**
 * The candidate against every other model, metric by metric: each row's change, and its status under
 * the thresholds. No verdict: the slices and the release notes read the changes before the gate.
 */
export function compareModels(
  task: Task,
  models: ModelMeasurement[],
  thresholds: Thresholds,
  uncertainties: Uncertainties = {},
  options: GateOptions = {},
): { comparisons: Comparison[]; primaryFindings: Finding[] } {
  const comparisons: Comparison[] = [];
  const findings: Finding[] = [];
  const candidate = models.find((m) => m.role === 'candidate');
  if (candidate === undefined) return { comparisons, primaryFindings: findings };
  const metricNames = Object.keys(candidate.metrics).filter((m) => !isInformational(m));
  const bootstrapped = Object.keys(uncertainties).length > 0;
  const primarySet = new Set(options.primaryMetrics ?? defaultPrimaryMetrics(task, metricNames));
  for (const metric of primarySet) {
    if (!metricNames.includes(metric)) {
      findings.push({ kind: 'primary_metrics', severity: 'warning', message: `primary-metrics names ${metric}, which is not measured for this ${task} task, so it cannot move the verdict.` });
    }
  }
  const familySet = new Set(verdictMetrics([...primarySet], thresholds));
  const family = familyPValues(models, familySet, uncertainties);
  for (const other of models) {
    if (other === candidate) continue;
    for (const metric of metricNames) {
      const rule = other.role === 'dummy' ? undefined : thresholds[metric];
      if (isTiming(metric) && other.role === 'dummy') continue;
      const u = isTiming(metric) ? options.timings?.[other.name]?.[metric] : uncertainties[other.name]?.[metric];
      const row = compareOne(metric, candidate.metrics[metric]?.value, other.metrics[metric]?.value, rule, other.name, u, {
        familyPValue: family.get(familyKey(other.name, metric)),
        adjustedPValue: u?.adjustedPValue,
        minEffect: u?.minEffect,
      });
      row.primary = primarySet.has(metric);
      // Only primary metrics move the verdict by default: the others stay in the report and warn only
      // when a threshold names them. Timings are noisy, and so is any metric the bootstrap gave no
      // interval for while it ran for the others. The dummy is only there to be beaten on the
      // scoring rule (the no_skill check below).
      // An operating point the data cannot resolve (metric.unreliable, set by measure()) never warns by default either.
      const unresolved = candidate.metrics[metric]?.unreliable !== undefined || other.metrics[metric]?.unreliable !== undefined;
      const unsure = !familySet.has(metric) || isTiming(metric) || (bootstrapped && u === undefined) || other.role === 'dummy' || unresolved;
      if (unsure && !judgesDeltas(rule) && row.status === 'warn') row.status = 'pass';
      comparisons.push(row);
    }
  }
  return { comparisons, primaryFindings: findings };
}

const familyKey = (baseline: string, metric: string): string => `${baseline}\u0000${metric}`;

/** A rule about the difference from a baseline (not a bound on the candidate's own value, nor a gap). */
function judgesDeltas(rule: MetricThreshold | undefined): boolean {
  if (rule === undefined) return false;
  return rule.maxDrop !== undefined || rule.maxRelativeDrop !== undefined || rule.ciMaxDrop !== undefined || rule.minEffect !== undefined || rule.significant !== undefined;
}

/**
 * The metrics whose regressions move the verdict, tested together as one family: the primary metrics,
 * and every metric a threshold judges by its difference from a baseline (max-drop, max-relative-drop,
 * ci-max-drop, min-effect, significant). A bound (min, max) or a max-gap does not make its metric a member:
 * those rules are checked on their own, and a member tested outside the family would bring back the
 * false alarms the family exists to prevent.
 */
export function verdictMetrics(primary: readonly string[], thresholds: Thresholds): string[] {
  const named = Object.entries(thresholds)
    .filter(([metric, rule]) => judgesDeltas(rule) && !isTiming(metric) && !primary.includes(metric))
    .map(([metric]) => metric);
  return [...primary, ...named];
}

/**
 * One-sided p-values of "worse", adjusted over the family that moves the verdict: every primary
 * metric against every real baseline (the dummy is left out: the no_skill check covers it), so the
 * chance that noise alone makes any member a regression stays near α. The bootstrap's max-T
 * p-values when it gave them for every member (binary, multiclass, regression); else Holm over
 * the one-sided halves of the two-sided p-values (multilabel, ranking).
 */
function familyPValues(models: ModelMeasurement[], primary: ReadonlySet<string>, uncertainties: Uncertainties): Map<string, number> {
  const keys: string[] = [];
  const members: DeltaUncertainty[] = [];
  const worse: boolean[] = [];
  const candidate = models.find((m) => m.role === 'candidate');
  for (const m of models) {
    if (m.role !== 'baseline') continue;
    for (const metric of primary) {
      const u = uncertainties[m.name]?.[metric];
      if (u === undefined || isTiming(metric) || !Number.isFinite(u.pValue)) continue;
      keys.push(familyKey(m.name, metric));
      members.push(u);
      const c = candidate?.metrics[metric]?.value ?? NaN;
      const b = m.metrics[metric]?.value ?? NaN;
      worse.push(higherIsBetter(metric) ? c < b : c > b);
    }
  }
  if (members.every((u) => u.familyPValue !== undefined)) return new Map(keys.map((k, i) => [k, members[i].familyPValue!]));
  const adjusted = holm(members.map((u, i) => (worse[i] ? u.pValue / 2 : 1 - u.pValue / 2)));
  return new Map(keys.map((k, i) => [k, adjusted[i]]));
}

/**
 * A threshold whose metric the candidate has no finite value for: an error (the gate fails closed),
 * or a warning when the rule says `if-missing: warn`.
 */
function unmeasuredThreshold(metric: string, value: number | undefined, rule: MetricThreshold): Finding {
  const why =
    value === undefined
      ? `the candidate has no ${metric}${isTiming(metric) ? ' (latency and throughput are measured only with `perf: true`)' : ''}`
      : `the candidate's ${metric} is ${valueWords(value)}`;
  const fails = (rule.ifMissing ?? 'fail') === 'fail';
  const advice = fails ? ' An unchecked threshold fails the gate; add "if-missing: warn" to it to warn instead.' : '';
  return { kind: 'threshold', severity: fails ? 'error' : 'warning', message: `${metric} has a threshold, but ${why}, so it could not be checked.${advice}` };
}

/** A metric value in words, for one that may be missing or not finite. */
function valueWords(v: number | undefined): string {
  if (v === undefined) return 'not measured';
  if (Number.isNaN(v)) return 'undefined on this data (NaN)';
  return Number.isFinite(v) ? fmt(v) : String(v);
}

/** The point estimate alone says the candidate is better (compareOne's rule, before significance). */
function beatsOnPoint(row: Comparison): boolean {
  if (row.candidate === null || row.baselineValue === null) return false;
  const gain = higherIsBetter(row.metric) ? row.candidate - row.baselineValue : row.baselineValue - row.candidate;
  return gain > EPS * Math.max(1, Math.abs(row.baselineValue));
}

const DUMMY_WORDS: Record<Task, string> = {
  binary: 'predicting the class prior',
  multiclass: 'predicting the class prior',
  regression: 'predicting the mean',
  multilabel: 'predicting each label\'s prior',
  ranking: 'scoring every item the same',
};

export function verdictOf(comparisons: Comparison[], checks: BoundCheck[], findings: Finding[]): Verdict {
  const statuses = [...comparisons.map((c) => c.status), ...checks.map((c) => c.status)];
  if (statuses.includes('fail') || findings.some((f) => f.severity === 'error')) return 'fail';
  if (statuses.includes('warn') || findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

/** A worsening in the comment's unit: percentage points for a proportion, else the metric's own unit. */
function amount(metric: string, v: number): string {
  return metricInfo(metric)?.bounded ? `${fmt(v * 100)} pp` : fmt(v);
}

/** A drop limit as written in the thresholds, and in points for a proportion: "0.02 (2 pp)". */
function limit(metric: string, v: number): string {
  return metricInfo(metric)?.bounded ? `${v} (${fmt(v * 100)} pp)` : String(v);
}

function fmt(v: number | null): string {
  if (v === null) return '—';
  return Number(v.toPrecision(4)).toString();
}
