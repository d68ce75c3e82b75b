// The JSON report (CLI --json, action output report-json). Its shape is kept stable:
// schemaVersion 1. Non-finite numbers become null, since JSON has no NaN.

import type { BoundCheck, Comparison } from '../analysis/compare.js';
import type { CurveAnalysis } from '../analysis/training-curves.js';
import type { Gap } from '../analysis/overfitting.js';
import type { SliceResult } from '../analysis/slices.js';
import type { Evaluation, UncertaintyInfo } from '../pipeline/evaluate.js';
import type { Finding, ModelFile, ModelMeasurement, Role, Verdict } from '../types.js';
import { clipStrings } from '../untrusted.js';

export interface JsonReport {
  schemaVersion: 1;
  tool: { name: 'model-gate'; version: string };
  verdict: Verdict;
  task: string | null;
  classes?: string[];
  data: { path: string; rows: number };
  models: {
    name: string;
    role: Role;
    engine: string;
    backend: string;
    path: string;
    files: ModelFile[];
    /** unreliable: why the value cannot be trusted (an operating point the data cannot resolve); such a metric raises no finding. */
    metrics: Record<string, { value: number | null; ci?: [number, number]; unreliable?: string }>;
    /** The same metrics on the training data, when it was given. */
    trainMetrics?: Record<string, { value: number | null; unreliable?: string }>;
    notes?: string[];
    /** Size, parameter count, input and output signature. */
    facts?: ModelMeasurement['facts'];
    /** The data columns fed to the model, in the order it took them (absent for predictions files and commands). */
    features?: string[];
    /** Who set that order: the `features` / `inputs` setting, the model's metadata, or nobody (`file`: the data file's column order). */
    featureOrder?: ModelMeasurement['featureOrder'];
    /** A model with several inputs: the columns of each input, by name. */
    featureInputs?: Record<string, string[]>;
    /** Latency per batch size, the stress run and peak memory. */
    perf?: ModelMeasurement['perf'];
    confusionMatrix?: { labels: string[]; counts: number[][] };
    /** Multilabel: each label's precision, recall, F1, ROC AUC and support (null where undefined). */
    perLabel?: { label: string; precision: number | null; recall: number | null; f1: number | null; roc_auc: number | null; support: number | null }[];
    /** Empty bins have null confidence and accuracy. */
    reliability?: { lower: number; upper: number; count: number; confidence: number | null; accuracy: number | null }[];
  }[];
  /** How the intervals and p-values were made, when the bootstrap ran. */
  uncertainty?: UncertaintyInfo;
  trainData?: { path: string; rows: number };
  /** Against the first baseline: parameter and size deltas, signature changes, the suggested version bump. */
  release?: NonNullable<Evaluation['release']>;
  /** CPU model and cores, GPUs, engine, backend and threads of the candidate's run. */
  hardware?: NonNullable<Evaluation['hardware']>;
  /** Generalisation gaps per model and metric: (train − eval) in the metric's bad direction, absolute and relative. */
  generalisation?: Gap[];
  /** Every metric per slice, per model, with intervals; the flagged slices are findings. */
  slices?: SliceResult;
  /** Data drift between the reference and current samples, per feature. */
  drift?: NonNullable<Evaluation['drift']>;
  /** The label's distribution, reference against current, when both samples have it. */
  labelDrift?: NonNullable<Evaluation['labelDrift']>;
  /** The candidate's outputs against each baseline's on the same rows. */
  predictionDrift?: NonNullable<Evaluation['predictionDrift']>;
  /** From the training log: where the monitored validation metric turned, and whether the shipped weights come after it. */
  training?: Omit<CurveAnalysis, 'findings'> & { source: string; format: string };
  comparisons: Omit<Comparison, 'reason'>[];
  checks: BoundCheck[];
  findings: Finding[];
  changelog: string;
}

function trainingJson(t: NonNullable<Evaluation['training']>): JsonReport['training'] {
  const { findings: _findings, ...analysis } = t.analysis;
  return { source: t.log.source, format: t.log.format, ...analysis };
}

const num = (v: number | null | undefined): number | null => (v !== null && v !== undefined && Number.isFinite(v) ? v : null);

export function jsonReport(e: Evaluation, changelog: string, version: string): JsonReport {
  // Names, paths and labels come from pull requests: each is shortened (untrusted.ts documents the lengths).
  return clipStrings({
    schemaVersion: 1,
    tool: { name: 'model-gate', version },
    verdict: e.gate.verdict,
    task: e.task ?? null,
    ...(e.classes ? { classes: e.classes } : {}),
    data: e.data,
    models: e.models.map((m) => ({
      name: m.name,
      role: m.role,
      engine: m.engine,
      backend: m.backend,
      path: m.path,
      files: m.files,
      metrics: Object.fromEntries(Object.entries(m.metrics).map(([k, v]) => [k, { value: num(v.value), ...(v.ci ? { ci: v.ci } : {}), ...(v.unreliable !== undefined ? { unreliable: v.unreliable } : {}) }])),
      ...(m.notes ? { notes: m.notes } : {}),
      ...(m.facts !== undefined ? { facts: m.facts } : {}),
      ...(m.features !== undefined ? { features: m.features, featureOrder: m.featureOrder } : {}),
      ...(m.featureInputs !== undefined ? { featureInputs: m.featureInputs } : {}),
      ...(m.perf !== undefined ? { perf: m.perf } : {}),
      ...(m.trainMetrics ? { trainMetrics: Object.fromEntries(Object.entries(m.trainMetrics).map(([k, v]) => [k, { value: num(v.value), ...(v.unreliable !== undefined ? { unreliable: v.unreliable } : {}) }])) } : {}),
      ...(m.confusion ? { confusionMatrix: m.confusion } : {}),
      ...(m.perLabel
        ? { perLabel: m.perLabel.map((l) => ({ label: l.label, precision: num(l.precision), recall: num(l.recall), f1: num(l.f1), roc_auc: num(l.roc_auc), support: num(l.support) })) }
        : {}),
      ...(m.reliability ? { reliability: m.reliability.map((b) => ({ ...b, confidence: num(b.confidence), accuracy: num(b.accuracy) })) } : {}),
    })),
    ...(e.trainData ? { trainData: e.trainData } : {}),
    ...(e.hardware ? { hardware: e.hardware } : {}),
    ...(e.release ? { release: e.release } : {}),
    ...(e.uncertainty ? { uncertainty: e.uncertainty } : {}),
    ...(e.gaps ? { generalisation: e.gaps } : {}),
    ...(e.slices ? { slices: e.slices } : {}),
    ...(e.drift ? { drift: e.drift } : {}),
    ...(e.labelDrift ? { labelDrift: e.labelDrift } : {}),
    ...(e.predictionDrift?.length ? { predictionDrift: e.predictionDrift } : {}),
    ...(e.training ? { training: trainingJson(e.training) } : {}),
    comparisons: e.gate.comparisons.map((c) => ({
      baseline: c.baseline,
      metric: c.metric,
      candidate: num(c.candidate),
      baselineValue: num(c.baselineValue),
      delta: num(c.delta),
      relativeDelta: num(c.relativeDelta),
      ...(c.ci ? { ci: c.ci } : {}),
      ...(c.pValue !== undefined ? { pValue: c.pValue } : {}),
      ...(c.adjustedPValue !== undefined ? { adjustedPValue: c.adjustedPValue } : {}),
      ...(c.familyPValue !== undefined ? { familyPValue: c.familyPValue } : {}),
      ...(c.primary !== undefined ? { primary: c.primary } : {}),
      ...(c.minEffect !== undefined && Number.isFinite(c.minEffect) ? { minEffect: c.minEffect } : {}),
      ...(c.negligible !== undefined ? { negligible: c.negligible } : {}),
      change: c.change,
      status: c.status,
    })),
    checks: e.gate.checks.map((c) => ({ ...c, value: num(c.value) })),
    findings: e.gate.findings,
    changelog,
  });
}
