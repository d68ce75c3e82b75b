// Metrics per slice of the evaluation data: every model's metrics on the rows where a column (or a
// pair of columns) takes one value, the candidate − baseline deltas there, the largest gap between
// a column's slices (fairness review), and findings where the candidate regresses in a slice
// although it does not regress overall. Pure: plain data in, plain data out.
//
// Slice values of a column:
// - categorical: one slice per distinct value, in code-unit order of the text;
// - numeric with at most 10 distinct values: one slice per value, ascending, named by the
//   shortest text that round-trips the number ("1", "0.5");
// - numeric with more values: quartile bins. With v the ascending non-missing values (n of them,
//   0-based), the inner edges are v[⌊n/4⌋], v[⌊n/2⌋], v[⌊3n/4⌋], so every edge is an observed
//   value and the bins are [min, e1), [e1, e2), [e2, e3), [e3, max] (the last one closed).
//   Equal edges (heavy ties) merge, giving fewer bins. The edges depend only on the multiset of
//   values, not on the row order;
// - missing cells (null, or NaN in a numeric column) form their own slice "(missing)", last.
// A column with more than MAX_SLICE_VALUES slice values (an id, free text) is not sliced; a note
// says so. A crossed pair "a × b" is the Cartesian product of the two columns' slice values,
// named "x × y" (combinations without rows are listed as skipped with 0 rows). Slices with fewer
// than spec.minSize rows are skipped and listed in `skipped`.
//
// Metrics: measure() on the slice's rows (truth and predictions subset by index). When the
// bootstrap is given, the slice's rows are taken in example-key order (ties by row index), so the
// numbers do not depend on the row order of the file.
//
// Intervals: one paired bootstrap() per slice over every model, on the slice's rows and the
// slice's subset of the example keys. A resample's weight of an example is a hash of (seed, key,
// resample number), so the slice's resample b is exactly the full data's resample b restricted
// to the slice: results are reproducible and independent of row order, and agree with the
// overall intervals. Deltas and changes follow compare.ts (compareOne): with an interval, a
// change counts only when its p-value is below 1 − confidence; accuracy's p-value is McNemar's
// exact test, as in the pipeline (src/pipeline/uncertainty.ts). Without the bootstrap the change
// is the point estimate's.
//
// Cost: the bootstrap of one slice visits rows × models × resamples (row, model) pairs, plus the
// BCa jackknife (rows² × models) when the slice has at most 5000 rows and there are at least 1000
// resamples. One column's slices partition the rows, so a column (or a crossed pair) costs about
// one bootstrap of the full data: in all roughly (columns + pairs) × rows × models × resamples.
// Each slice also pays a fixed cost for its intervals (sorting B replicates for every metric of
// every model and every delta). Measured: the penguins fixture (94 rows, 3 models, 9 slices, 1000
// resamples, BCa) takes 50–100 ms once warm, about 0.35 s on the first call (JIT).
// When the row visits exceed SLICE_BOOTSTRAP_BUDGET (or bootstrap.maxRowVisits), every slice gets
// the same smaller number of resamples, budget / (Σ slice rows × models), but never below
// MIN_SLICE_RESAMPLES and never above the given resamples, and percentile intervals only; a note
// says so. The same resample numbers b = 0.. are used, so a capped run equals a run asked for
// that many resamples.
//
// Findings: slice_regression (warning) when, against the FIRST baseline, the candidate's change
// in a slice is 'regressed' (with the bootstrap: significant) on a metric whose overall change is
// neither 'regressed' nor 'missing'. Without the bootstrap, only where the overall change is
// 'improved', marked "(point estimate, no interval)". With the bootstrap, a metric whose delta has
// no finite interval in the slice (ROC AUC where the slice holds one class) is not flagged, and a
// flagged one must keep its significance after Benjamini–Hochberg over every slice delta against
// the first baseline (the slice tables still show each delta's own, uncorrected change).

import { metricInfo } from '../metrics/index.js';
import { shorten } from '../untrusted.js';
import { bootstrap as runBootstrap, type BootstrapResult } from '../stats/bootstrap.js';
import { benjaminiHochberg } from '../stats/corrections.js';
import { mcnemarExact } from '../stats/mcnemar.js';
import type { Column, Dataset, Predictions, Truth } from '../types.js';
import { compareOne, type DeltaUncertainty } from './compare.js';
import { argmaxRows, measure, type MeasureOptions } from './measure.js';

export interface SliceSpec {
  columns: string[];
  crossed: [string, string][];
  /** Slices with fewer rows are skipped. Default 30 (DEFAULT_MIN_SLICE_SIZE). */
  minSize: number;
}

export interface SliceOutput {
  name: string;
  role: 'candidate' | 'baseline' | 'dummy';
  predictions: Predictions;
}

export interface SliceBootstrap {
  resamples: number;
  confidence: number;
  seed: number;
  /** Per-row example keys of the full data (exampleKeys()). */
  keys: Uint32Array;
  /** Row visits allowed for all slices' bootstraps together; default SLICE_BOOTSTRAP_BUDGET. */
  maxRowVisits?: number;
}

export interface SliceInput {
  dataset: Dataset;
  /** binary | multiclass | regression; other tasks give an empty result with a note. */
  truth: Truth;
  outputs: SliceOutput[];
  measureOptions: MeasureOptions;
  spec: SliceSpec;
  /** undefined: no intervals. */
  bootstrap: SliceBootstrap | undefined;
  /** The overall comparisons against the FIRST baseline. */
  overall: { metric: string; change: 'improved' | 'regressed' | string }[];
}

export interface SliceMetric {
  value: number | null;
  ci?: [number, number];
}

export interface SliceDelta {
  delta: number | null;
  ci?: [number, number];
  pValue?: number;
  change: string;
}

export interface Slice {
  /** A column name, or "a × b" for a crossed pair. */
  column: string;
  /** A slice value, or "x × y" for a crossed pair. */
  value: string;
  rows: number;
  /** model → metric → value. */
  models: Record<string, Record<string, SliceMetric>>;
  /** baseline (every model that is not the candidate) → metric → candidate − baseline. */
  deltas: Record<string, Record<string, SliceDelta>>;
}

export interface SliceGap {
  model: string;
  column: string;
  metric: string;
  best: { value: string; metric: number };
  worst: { value: string; metric: number };
  gap: number;
}

export interface SliceFinding {
  kind: 'slice_regression';
  severity: 'warning';
  message: string;
  /** "column = value". */
  slice: string;
  metric: string;
}

export interface SliceResult {
  slices: Slice[];
  /** Slices below minSize. */
  skipped: { column: string; value: string; rows: number }[];
  /** Per model and column: the bounded metric whose best and worst slice differ most. */
  worstSliceGap: SliceGap[];
  findings: SliceFinding[];
  /** Resamples per slice (0 without the bootstrap). */
  resamples: number;
  /** What was not sliced, and why; the resample reduction. */
  notes: string[];
}

export const DEFAULT_MIN_SLICE_SIZE = 30;
/** Numeric columns with at most this many distinct values are sliced by value; above, by quartile. */
export const MAX_DISTINCT_BY_VALUE = 10;
/** A column with more slice values than this is not sliced. */
export const MAX_SLICE_VALUES = 100;
export const MISSING_SLICE = '(missing)';
/**
 * Row visits (rows × models × resamples summed over slices, plus the BCa jackknife) above which
 * resamples are reduced: about 7 s at the ~70 million row visits per second one thread managed
 * for binary tasks (200,000 rows, 3 models, measured under jest on a 2-core machine).
 */
export const SLICE_BOOTSTRAP_BUDGET = 5e8;
export const MIN_SLICE_RESAMPLES = 200;
// As bootstrap.ts: BCa (with its O(rows²) jackknife) only up to this many rows and from this many resamples.
const BCA_MAX_ROWS = 5000;
const BCA_MIN_RESAMPLES = 1000;

/** Slice values of one column (or crossed pair): a label per slice and each row's slice. */
export interface Slicing {
  column: string;
  labels: string[];
  /** codes[i]: the slice of row i, an index into labels. */
  codes: Int32Array;
}

/** The slices of one column, by the rules above; undefined when it has too many values. */
export function sliceColumn(col: Column): Slicing | undefined {
  const n = col.values.length;
  const codes = new Int32Array(n);
  let labels: string[];
  if (col.kind === 'categorical') {
    const distinct = [...new Set(col.values.filter((v): v is string => v !== null))].sort(byCodeUnits);
    const at = new Map(distinct.map((v, i) => [v, i]));
    labels = distinct;
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      codes[i] = v === null ? distinct.length : at.get(v)!;
    }
  } else {
    const present: number[] = [];
    for (const v of col.values) if (!Number.isNaN(v)) present.push(v);
    present.sort((a, b) => a - b);
    const distinct: number[] = [];
    for (const v of present) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
    if (distinct.length <= MAX_DISTINCT_BY_VALUE) {
      labels = distinct.map(numberText);
      const at = new Map(distinct.map((v, i) => [v, i]));
      for (let i = 0; i < n; i++) {
        const v = col.values[i];
        codes[i] = Number.isNaN(v) ? distinct.length : at.get(v)!;
      }
    } else {
      const edges = quartileEdges(present);
      labels = edges.slice(0, -1).map((lo, j) => {
        const last = j === edges.length - 2;
        return `[${numberText(lo)}, ${numberText(edges[j + 1])}${last ? ']' : ')'}`;
      });
      const bins = labels.length;
      for (let i = 0; i < n; i++) {
        const v = col.values[i];
        if (Number.isNaN(v)) codes[i] = bins;
        else {
          let j = 0;
          while (j < bins - 1 && v >= edges[j + 1]) j++;
          codes[i] = j;
        }
      }
    }
  }
  if (codes.some((c) => c === labels.length)) labels = [...labels, MISSING_SLICE];
  if (labels.length > MAX_SLICE_VALUES) return undefined;
  return { column: col.name, labels, codes };
}

/** Edges min, v[⌊n/4⌋], v[⌊n/2⌋], v[⌊3n/4⌋], max of ascending values, equal ones merged. */
export function quartileEdges(sorted: number[]): number[] {
  const n = sorted.length;
  const raw = [sorted[0], sorted[Math.floor(n / 4)], sorted[Math.floor(n / 2)], sorted[Math.floor((3 * n) / 4)], sorted[n - 1]];
  const edges: number[] = [];
  for (const e of raw) if (edges.length === 0 || edges[edges.length - 1] !== e) edges.push(e);
  // A single distinct value cannot happen here (more than 10 distinct values), but keep one bin.
  if (edges.length === 1) edges.push(edges[0]);
  return edges;
}

/** The Cartesian product of two slicings. */
export function crossSlicings(a: Slicing, b: Slicing): Slicing {
  const nb = b.labels.length;
  const labels: string[] = [];
  for (const x of a.labels) for (const y of b.labels) labels.push(`${x} × ${y}`);
  const codes = new Int32Array(a.codes.length);
  for (let i = 0; i < codes.length; i++) codes[i] = a.codes[i] * nb + b.codes[i];
  return { column: `${a.column} × ${b.column}`, labels, codes };
}

export function subsetTruth(truth: Truth, rows: Int32Array): Truth {
  if (truth.task === 'binary') return { task: 'binary', classes: truth.classes, y: pick(truth.y, rows, Uint8Array) };
  if (truth.task === 'multiclass') return { task: 'multiclass', classes: truth.classes, y: pick(truth.y, rows, Int32Array) };
  if (truth.task === 'regression') return { task: 'regression', y: pick(truth.y, rows, Float64Array) };
  throw new Error(`subsetTruth: ${truth.task} truth is not sliced`);
}

export function subsetPredictions(p: Predictions, rows: Int32Array): Predictions {
  if (p.kind === 'binary') return { kind: 'binary', scores: pick(p.scores, rows, Float64Array) };
  if (p.kind === 'regression') return { kind: 'regression', values: pick(p.values, rows, Float64Array) };
  if (p.kind === 'multiclass') return { kind: 'multiclass', classes: p.classes, probs: pickRows(p.probs, rows, p.classes.length) };
  throw new Error(`subsetPredictions: ${p.kind} predictions are not sliced`);
}

type TypedCtor<T> = new (n: number) => T;
function pick<T extends Uint8Array | Int32Array | Float64Array | Uint32Array>(src: T, rows: Int32Array, Ctor: TypedCtor<T>): T {
  const out = new Ctor(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
  return out;
}

function pickRows(src: Float64Array, rows: Int32Array, k: number): Float64Array {
  const out = new Float64Array(rows.length * k);
  for (let i = 0; i < rows.length; i++) out.set(src.subarray(rows[i] * k, rows[i] * k + k), i * k);
  return out;
}

function emptyResult(notes: string[]): SliceResult {
  return { slices: [], skipped: [], worstSliceGap: [], findings: [], resamples: 0, notes };
}

export function analyseSlices(input: SliceInput): SliceResult {
  const { dataset, truth, outputs, spec } = input;
  if (truth.task !== 'binary' && truth.task !== 'multiclass' && truth.task !== 'regression') {
    return emptyResult([`No slices for ${truth.task} tasks yet.`]);
  }
  const n = dataset.rowCount;
  for (const o of outputs) {
    const len = predictionLength(o.predictions);
    if (len !== n) throw new RangeError(`analyseSlices: ${len} predictions of ${o.name} for ${n} rows`);
  }
  if (input.bootstrap !== undefined && input.bootstrap.keys.length !== n) {
    throw new RangeError(`analyseSlices: ${input.bootstrap.keys.length} example keys for ${n} rows`);
  }
  const notes: string[] = [];
  const minSize = Number.isFinite(spec.minSize) ? spec.minSize : DEFAULT_MIN_SLICE_SIZE;

  // Slicings: single columns, then crossed pairs, in the order the spec lists them.
  const single = new Map<string, Slicing | undefined>();
  const slicingOf = (name: string): Slicing | undefined => {
    if (single.has(name)) return single.get(name);
    const col = dataset.columns.find((c) => c.name === name);
    let s: Slicing | undefined;
    if (col === undefined) notes.push(`Column "${name}" is not in ${dataset.path}: not sliced.`);
    else {
      s = sliceColumn(col);
      if (s === undefined) notes.push(`Column "${name}" has more than ${MAX_SLICE_VALUES} distinct values: not sliced (bin it into fewer values first).`);
    }
    single.set(name, s);
    return s;
  };
  const slicings: Slicing[] = [];
  for (const name of spec.columns) {
    const s = slicingOf(name);
    if (s !== undefined) slicings.push(s);
  }
  for (const [a, b] of spec.crossed) {
    const sa = slicingOf(a);
    const sb = slicingOf(b);
    if (sa === undefined || sb === undefined) continue;
    slicings.push(crossSlicings(sa, sb));
  }

  // Rows of every slice; the ones large enough to measure.
  const keys = input.bootstrap?.keys;
  interface Planned {
    column: string;
    value: string;
    rows: Int32Array;
  }
  const planned: Planned[] = [];
  const skipped: SliceResult['skipped'] = [];
  for (const s of slicings) {
    const counts = new Int32Array(s.labels.length);
    for (let i = 0; i < n; i++) counts[s.codes[i]]++;
    const members = s.labels.map((_, j) => new Int32Array(counts[j]));
    const fill = new Int32Array(s.labels.length);
    for (let i = 0; i < n; i++) members[s.codes[i]][fill[s.codes[i]]++] = i;
    s.labels.forEach((value, j) => {
      if (counts[j] < minSize || counts[j] === 0) skipped.push({ column: s.column, value, rows: counts[j] });
      else planned.push({ column: s.column, value, rows: keys === undefined ? members[j] : byKey(members[j], keys) });
    });
  }

  const candidate = outputs.find((o) => o.role === 'candidate');
  const others = outputs.filter((o) => o !== candidate);
  const firstBaseline = outputs.find((o) => o.role === 'baseline');
  const overall = new Map(input.overall.map((c) => [c.metric, c.change]));

  // Resamples per slice, within the budget.
  let resamples = 0;
  let bcaMaxRows: number | undefined;
  const bs = input.bootstrap;
  if (bs !== undefined && bs.resamples > 0 && outputs.length > 0) {
    const M = outputs.length;
    let perResample = 0;
    let jackknife = 0;
    for (const p of planned) {
      perResample += p.rows.length * M;
      if (p.rows.length <= BCA_MAX_ROWS && bs.resamples >= BCA_MIN_RESAMPLES) jackknife += p.rows.length * p.rows.length * M;
    }
    resamples = bs.resamples;
    const budget = bs.maxRowVisits ?? SLICE_BOOTSTRAP_BUDGET;
    if (perResample * resamples + jackknife > budget) {
      resamples = Math.min(bs.resamples, Math.max(MIN_SLICE_RESAMPLES, Math.floor(budget / perResample)));
      bcaMaxRows = 0;
      notes.push(
        `Slice intervals use ${resamples} resamples (percentile) instead of ${bs.resamples}: ${planned.length} slices × ${M} models × ${bs.resamples} resamples ` +
          `would visit ${fmtCount(perResample * bs.resamples + jackknife)} rows, more than the budget of ${fmtCount(budget)}.`,
      );
    }
  }
  const alpha = bs === undefined ? 1 : 1 - bs.confidence;

  const slices: Slice[] = [];
  const findings: SliceFinding[] = [];
  // p-values of every slice delta against the first baseline, and the regressions among them.
  const family: number[] = [];
  const flagged: { slice: string; rows: number; metric: string; delta: number; ci: [number, number]; pValue: number; whole: string; familyIndex: number }[] = [];
  for (const p of planned) {
    const subTruth = subsetTruth(truth, p.rows);
    const subPreds = outputs.map((o) => subsetPredictions(o.predictions, p.rows));
    const models: Slice['models'] = {};
    const values: Record<string, Record<string, number>> = {};
    outputs.forEach((o, m) => {
      const measured = measure(subTruth, subPreds[m], input.measureOptions).metrics;
      values[o.name] = {};
      models[o.name] = {};
      for (const [metric, mv] of Object.entries(measured)) {
        values[o.name][metric] = mv.value;
        models[o.name][metric] = { value: Number.isFinite(mv.value) ? mv.value : null };
      }
    });

    let boot: BootstrapResult | undefined;
    if (bs !== undefined && resamples > 0) {
      boot = runBootstrap({
        task: truth.task,
        truth: subTruth.y as Uint8Array | Int32Array | Float64Array,
        k: truth.task === 'multiclass' ? truth.classes.length : undefined,
        models: outputs.map((o, m) => ({ name: o.name, predictions: flat(subPreds[m]) })),
        candidate: (candidate ?? outputs[0]).name,
        decisionThreshold: input.measureOptions.decisionThreshold,
        maxFpr: input.measureOptions.maxFpr,
        minRecall: input.measureOptions.minRecall,
        keys: pick(bs.keys, p.rows, Uint32Array),
        resamples,
        confidence: bs.confidence,
        seed: bs.seed,
        bcaMaxRows,
      });
      for (const o of outputs) {
        for (const [metric, entry] of Object.entries(boot.metrics[o.name] ?? {})) {
          const slot = models[o.name][metric];
          if (slot !== undefined && slot.value !== null && finitePair(entry.ci)) slot.ci = entry.ci;
        }
      }
    }

    const deltas: Slice['deltas'] = {};
    if (candidate !== undefined) {
      const candIndex = outputs.indexOf(candidate);
      const candCorrect = truth.task === 'regression' ? undefined : correctness(subTruth.y, subPreds[candIndex], input.measureOptions.decisionThreshold);
      for (const other of others) {
        const perMetric: Record<string, SliceDelta> = {};
        const m = outputs.indexOf(other);
        for (const metric of Object.keys(values[candidate.name])) {
          if (isInformational(metric)) continue;
          let u: DeltaUncertainty | undefined;
          const entry = boot?.deltas[other.name]?.[metric];
          if (entry !== undefined && finitePair(entry.ci) && Number.isFinite(entry.pValue)) {
            u = { ci: entry.ci, pValue: entry.pValue, alpha };
            if (metric === 'accuracy' && candCorrect !== undefined) {
              u.pValue = mcnemarExact(candCorrect, correctness(subTruth.y, subPreds[m], input.measureOptions.decisionThreshold)).pValue;
            }
          }
          const row = compareOne(metric, values[candidate.name][metric], values[other.name]?.[metric], undefined, other.name, u);
          const d: SliceDelta = { delta: row.delta, change: row.change };
          if (row.ci !== undefined) d.ci = row.ci;
          if (row.pValue !== undefined) d.pValue = row.pValue;
          perMetric[metric] = d;
        }
        deltas[other.name] = perMetric;
      }
    }
    const slice: Slice = { column: p.column, value: p.value, rows: p.rows.length, models, deltas };
    slices.push(slice);

    if (firstBaseline !== undefined && candidate !== undefined) {
      for (const [metric, d] of Object.entries(deltas[firstBaseline.name] ?? {})) {
        if (boot !== undefined && d.pValue !== undefined && Number.isFinite(d.pValue)) family.push(d.pValue);
        if (d.change !== 'regressed' || d.delta === null) continue;
        const whole = overall.get(metric);
        const name = `${p.column} = ${p.value}`;
        if (boot !== undefined) {
          if (d.ci === undefined || d.pValue === undefined || whole === undefined || whole === 'regressed' || whole === 'missing') continue;
          flagged.push({ slice: name, rows: p.rows.length, metric, delta: d.delta, ci: d.ci, pValue: d.pValue, whole, familyIndex: family.length - 1 });
        } else if (whole === 'improved') {
          findings.push({
            kind: 'slice_regression',
            severity: 'warning',
            slice: name,
            metric,
            message: `${metric} is worse in the slice ${shorten(name)} (${p.rows.length} rows): ${deltaWords(metric, d.delta)} against ${firstBaseline.name} (point estimate, no interval), although overall it improved.`,
          });
        }
      }
    }
  }

  // Many slices × metrics are tested: a finding needs its p-value to survive Benjamini–Hochberg over
  // all of them (every slice delta against the first baseline that has a p-value), or a dozen
  // slices would raise false alarms at the nominal 5 % each.
  const adjusted = benjaminiHochberg(family);
  const confidence = bs?.confidence ?? 0.95;
  for (const f of flagged) {
    const q = adjusted[f.familyIndex];
    if (!(q < alpha)) continue;
    findings.push({
      kind: 'slice_regression',
      severity: 'warning',
      slice: f.slice,
      metric: f.metric,
      message:
        `${f.metric} regresses in the slice ${shorten(f.slice)} (${f.rows} rows): ${deltaWords(f.metric, f.delta)} against ${firstBaseline!.name} ` +
        `(${fmt(100 * confidence)} % CI ${intervalWords(f.metric, f.ci)}, p = ${fmt(f.pValue)}, ${fmt(q)} after Benjamini–Hochberg over ${family.length} slice tests), although overall it ${overallWords(f.whole)}.`,
    });
  }
  return { slices, skipped, worstSliceGap: worstGaps(slices, outputs.map((o) => o.name)), findings, resamples, notes };
}

/** Per model and column (or pair), the bounded metric with the largest best − worst gap over its measured slices. */
function worstGaps(slices: Slice[], models: string[]): SliceGap[] {
  const columns: string[] = [];
  const byColumn = new Map<string, Slice[]>();
  for (const s of slices) {
    if (!byColumn.has(s.column)) {
      byColumn.set(s.column, []);
      columns.push(s.column);
    }
    byColumn.get(s.column)!.push(s);
  }
  const out: SliceGap[] = [];
  for (const model of models) {
    for (const column of columns) {
      const group = byColumn.get(column)!;
      if (group.length < 2) continue;
      let found: SliceGap | undefined;
      for (const metric of Object.keys(group[0].models[model] ?? {})) {
        const info = metricInfo(metric);
        if (info === undefined || !info.bounded || info.informational === true) continue;
        const up = info.higherIsBetter;
        let best: { value: string; metric: number } | undefined;
        let worst: { value: string; metric: number } | undefined;
        let count = 0;
        for (const s of group) {
          const v = s.models[model]?.[metric]?.value;
          if (v === null || v === undefined) continue;
          count++;
          if (best === undefined || (up ? v > best.metric : v < best.metric)) best = { value: s.value, metric: v };
          if (worst === undefined || (up ? v < worst.metric : v > worst.metric)) worst = { value: s.value, metric: v };
        }
        if (count < 2 || best === undefined || worst === undefined) continue;
        const gap = Math.abs(best.metric - worst.metric);
        if (found === undefined || gap > found.gap) found = { model, column, metric, best, worst, gap };
      }
      if (found !== undefined) out.push(found);
    }
  }
  return out;
}

function predictionLength(p: Predictions): number {
  if (p.kind === 'regression') return p.values.length;
  if (p.kind === 'multiclass') return p.probs.length / p.classes.length;
  return p.scores.length;
}

/** Row indices ordered by example key, ties by index: an order that does not depend on the file's. */
function byKey(rows: Int32Array, keys: Uint32Array): Int32Array {
  const sorted = Array.from(rows).sort((a, b) => keys[a] - keys[b] || a - b);
  return Int32Array.from(sorted);
}

function flat(p: Predictions): Float64Array {
  if (p.kind === 'multiclass') return p.probs;
  if (p.kind === 'regression') return p.values;
  return p.scores;
}

/** 1 where the model's predicted class is the true one (as the pipeline's McNemar input). */
function correctness(y: Truth['y'], p: Predictions, threshold: number): Uint8Array {
  const out = new Uint8Array(y.length);
  if (p.kind === 'binary') for (let i = 0; i < y.length; i++) out[i] = (p.scores[i] >= threshold ? 1 : 0) === y[i] ? 1 : 0;
  else if (p.kind === 'multiclass') {
    const pred = argmaxRows(p.probs, p.classes.length);
    for (let i = 0; i < y.length; i++) out[i] = pred[i] === y[i] ? 1 : 0;
  }
  return out;
}

function isInformational(metric: string): boolean {
  return metric === 'example_count' || metricInfo(metric)?.informational === true;
}

const finitePair = (ci: [number, number]): boolean => Number.isFinite(ci[0]) && Number.isFinite(ci[1]);

function overallWords(change: string): string {
  return change === 'improved' ? 'improved' : change === 'unchanged' ? 'is unchanged' : `shows ${change}`;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The shortest text that round-trips the number; -0 reads as 0. */
function numberText(v: number): string {
  return String(v === 0 ? 0 : v);
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function signed(v: number): string {
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${fmt(Math.abs(v))}`;
}

/** A difference in the metric's unit: percentage points for proportions, as everywhere in the report. */
function deltaWords(metric: string, v: number): string {
  return metricInfo(metric)?.bounded ? `${signed(100 * v)} pp` : signed(v);
}

/** An interval with real minus signs, in percentage points for proportions. */
function intervalWords(metric: string, ci: [number, number]): string {
  const pp = metricInfo(metric)?.bounded === true;
  const end = (v: number) => (v < 0 ? `−${fmt(Math.abs(pp ? 100 * v : v))}` : fmt(pp ? 100 * v : v));
  return `[${end(ci[0])}, ${end(ci[1])}]${pp ? ' pp' : ''}`;
}

function fmtCount(v: number): string {
  return v >= 1e9 ? `${fmt(v / 1e9)}e9` : v >= 1e6 ? `${fmt(v / 1e6)}e6` : String(Math.round(v));
}
