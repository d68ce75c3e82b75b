// Data drift between a reference and a current dataset, feature by feature, the way Evidently's
// DataDriftPreset decides it, plus what Evidently lacks: PSI for every feature, missing-rate
// changes, new categories, and a multiple-testing correction of the p-value tests.
// Pure: datasets in, plain JSON-ready data out (no NaN or Infinity in the result).
//
// Per feature (missing values — NaN, null, and ±Infinity — are dropped before any test, as Evidently does):
// - kind: 'numerical' for a numeric column, 'categorical' otherwise. A column that is numeric in
//   one dataset and categorical in the other is compared as categorical, on its text.
// - default test (Evidently's _get_default_stattest), n = non-missing reference rows and
//   k = distinct non-missing values of reference and current together:
//     numerical,   n ≤ 1000: k ≤ 2 → 'z', k ≤ 5 → 'chi-square', else 'ks'
//     numerical,   n > 1000: k ≤ 5 → 'jensen-shannon', else 'wasserstein'
//     categorical, n ≤ 1000: k ≤ 2 → 'z', else 'chi-square'
//     categorical, n > 1000: 'jensen-shannon'
//   options.tests[column] overrides ('ks' and 'wasserstein' only for numerical features).
// - drift decision at the test's threshold (defaults as Evidently's: 0.05 for the p-value tests,
//   0.1 for the distances and PSI), with Evidently's comparison per test:
//     ks: p ≤ t;  chi-square, z: p < t;  wasserstein, jensen-shannon, psi: statistic ≥ t.
//   The p-value tests (ks, chi-square, z) of all features form one family and are corrected
//   together (Benjamini–Hochberg by default, or Bonferroni, or none); the decision uses the
//   corrected p-value.
// - psi and psiBand for every feature (see src/stats/psi.ts), ks_pvalue for every numerical
//   feature (the raw two-sample KS p-value, whatever the test).
// - missingRate: missing cells / rows on each side; newCategories (categorical features): values
//   in current never seen in the reference, in order of first appearance.
// - A feature with no non-missing values on one side cannot be tested (Evidently raises): its
//   statistic is null and it counts as drifted when exactly one side is empty (the column has
//   become, or stopped being, entirely missing), not drifted when both are; `note` says why.
// Dataset drift: share of drifted features ≥ datasetDriftShare (default 0.5), as Evidently.

import { DataError, InputError } from '../errors.js';
import type { Column, Dataset, Finding } from '../types.js';
import { type CategoryValue, chiSquareHomogeneity, valueCounts, distinctAtMost } from '../stats/chi-square.js';
import { adjustPValues, type Correction } from '../stats/corrections.js';
import { jensenShannon } from '../stats/jensen-shannon.js';
import { ks2Samp } from '../stats/ks.js';
import { zTestCategories } from '../stats/proportions.js';
import { psi as psiOf, psiBand, type FeatureKind, type PsiBand } from '../stats/psi.js';
import { distinctSortedAtMost, sortedFinite } from '../stats/sorted.js';
import { wassersteinNormed } from '../stats/wasserstein.js';
import { quote } from '../untrusted.js';
import { choiceDefault, numberDefault } from '../settings/inputs.js';

export type DriftTest = 'ks' | 'chi-square' | 'z' | 'wasserstein' | 'jensen-shannon' | 'psi';

export const DRIFT_TESTS: readonly DriftTest[] = ['ks', 'chi-square', 'z', 'wasserstein', 'jensen-shannon', 'psi'];

/** Evidently's default thresholds. */
export const DEFAULT_DRIFT_THRESHOLDS: Readonly<Record<DriftTest, number>> = {
  ks: 0.05,
  'chi-square': 0.05,
  z: 0.05,
  wasserstein: 0.1,
  'jensen-shannon': 0.1,
  psi: 0.1
};

/** Tests whose score is a p-value (drift when small); the others are distances (drift when large). */
export const P_VALUE_TESTS: ReadonlySet<DriftTest> = new Set<DriftTest>(['ks', 'chi-square', 'z']);

/** Evidently's reference size above which the distances replace the tests. */
export const LARGE_REFERENCE_ROWS = 1000;
/** Evidently's cut-off: at most this many distinct values make a numerical feature "low cardinality". */
export const LOW_CARDINALITY = 5;

export interface DriftOptions {
  /** Columns to compare, in this order; default every column of the reference, in file order. */
  columns?: string[];
  /** Columns to leave out. */
  exclude?: string[];
  /** Test per column, overriding the default choice. */
  tests?: Record<string, DriftTest>;
  /** Multiple-testing correction over the p-value tests; default the drift-correction input's ('bh', Benjamini–Hochberg). */
  correction?: Correction;
  /** Share of drifted features at or above which the dataset has drifted; default the drift-share input's (0.5). */
  datasetDriftShare?: number;
  /** Threshold per test, overriding DEFAULT_DRIFT_THRESHOLDS. */
  thresholds?: Partial<Record<DriftTest, number>>;
  /** Threshold per column; wins over `thresholds`. */
  featureThresholds?: Record<string, number>;
}

export interface FeatureDrift {
  name: string;
  kind: FeatureKind;
  test: DriftTest;
  /** The test's score: KS D, chi-square statistic, z, normalised Wasserstein, JS distance or PSI. null when not computable (see `note`, or a chi-square statistic that is infinite). */
  statistic: number | null;
  /** Raw p-value, for the p-value tests. */
  pValue?: number;
  /** p-value after the multiple-testing correction (equal to pValue with correction 'none'). */
  pValueAdjusted?: number;
  /** Raw two-sample KS p-value; present for every numerical feature. */
  ks_pvalue?: number;
  psi: number | null;
  psiBand: PsiBand;
  threshold: number;
  drifted: boolean;
  missingRate: { reference: number; current: number };
  /** Categorical features: values in current never seen in the reference. */
  newCategories?: string[];
  note?: string;
}

export interface DriftResult {
  datasetDrift: boolean;
  /** Drifted features / features compared (0 when none are compared). */
  share: number;
  /** The datasetDriftShare the decision used. */
  datasetDriftShare: number;
  correction: Correction;
  features: FeatureDrift[];
}

/**
 * data_drift: the drift decision (share of drifted features ≥ datasetDriftShare), the one finding that
 * `fail-on: drift` turns into a failure. feature_drift: features the corrected tests flag, below that
 * share. new_categories: values never seen in the reference. psi_shift: a major PSI the tests did not
 * confirm, information only (PSI has no sampling distribution: on small samples it is large by chance).
 */
export type DriftFindingKind = 'data_drift' | 'feature_drift' | 'new_categories' | 'psi_shift';

export interface DriftFinding {
  kind: DriftFindingKind;
  severity: 'info' | 'warning';
  message: string;
  features: string[];
}

// ------------------------------------------------------------------ helpers

type Values = Float64Array | (string | null)[];

interface Side {
  values: Values;
  rows: number;
  missing: number;
}

function numericSide(column: Column): Side {
  const values = column.values as Float64Array;
  // The sorted sample (which every numeric feature's tests need, and stats/presort.ts may have made
  // already) tells the missing count and whether there are infinities without another pass.
  const sorted = sortedFinite(values);
  const n = sorted.length;
  if (n > 0 && (sorted[0] === -Infinity || sorted[n - 1] === Infinity)) {
    // ±Infinity (pandas writes inf) has no distance to anything: counted with the missing values, as
    // NaN is, so the tests compare the finite values and the missing rate shows the change.
    const finiteValues = values.map((v) => (Number.isFinite(v) ? v : NaN));
    let missing = 0;
    for (let i = 0; i < finiteValues.length; i++) if (Number.isNaN(finiteValues[i])) missing++;
    return { values: finiteValues, rows: values.length, missing };
  }
  return { values, rows: values.length, missing: values.length - n };
}

/** A column as text (numeric columns keep the text as written), null for missing. */
function textSide(column: Column): Side {
  let values: (string | null)[];
  if (column.kind === 'categorical') values = column.values;
  else values = Array.from(column.values, (v, i) => (Number.isNaN(v) ? null : column.raw[i] ?? String(v)));
  let missing = 0;
  for (const v of values) if (v === null) missing++;
  return { values, rows: values.length, missing };
}

function nonMissingCount(side: Side): number {
  return side.rows - side.missing;
}

function rate(side: Side): number {
  return side.rows === 0 ? 0 : side.missing / side.rows;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function checkThreshold(value: number, what: string, test: DriftTest): void {
  if (!Number.isFinite(value) || value < 0 || (P_VALUE_TESTS.has(test) && value > 1)) {
    const range = P_VALUE_TESTS.has(test) ? 'a number between 0 and 1' : 'a number ≥ 0';
    throw new InputError(`drift threshold for ${what} is ${value}; it must be ${range}`);
  }
}

function defaultTest(kind: FeatureKind, referenceRows: number, distinct: number): DriftTest {
  if (referenceRows <= LARGE_REFERENCE_ROWS) {
    if (kind === 'numerical' && distinct > LOW_CARDINALITY) return 'ks';
    return distinct > 2 ? 'chi-square' : 'z';
  }
  if (kind === 'numerical' && distinct > LOW_CARDINALITY) return 'wasserstein';
  return 'jensen-shannon';
}

function decide(test: DriftTest, score: number, threshold: number): boolean {
  if (Number.isNaN(score)) return false;
  if (test === 'ks') return score <= threshold;
  if (test === 'chi-square' || test === 'z') return score < threshold;
  return score >= threshold;
}

interface Pending {
  feature: FeatureDrift;
  /** Raw p-value to correct, for the p-value tests with a result. */
  rawP?: number;
}

// ------------------------------------------------------------------ report

/**
 * The numeric features' two samples, as driftReport reads them: what stats/presort.ts can sort and
 * walk on worker threads beforehand. (A column with infinities is tested as a copy without them,
 * sorted when the tests run; its own sorted form still tells them that it has some.)
 */
export function numericSamples(reference: Dataset, current: Dataset, options: Pick<DriftOptions, 'columns' | 'exclude'> = {}): [Float64Array, Float64Array][] {
  const excluded = new Set(options.exclude ?? []);
  const curByName = new Map(current.columns.map((c) => [c.name, c] as const));
  const pairs: [Float64Array, Float64Array][] = [];
  for (const ref of reference.columns) {
    const cur = curByName.get(ref.name);
    if (excluded.has(ref.name) || (options.columns !== undefined && !options.columns.includes(ref.name))) continue;
    if (ref.kind === 'numeric' && cur?.kind === 'numeric') pairs.push([ref.values, cur.values]);
  }
  return pairs;
}

/** Feature-by-feature drift of `current` against `reference`; rules at the top of this file. */
export function driftReport(reference: Dataset, current: Dataset, options: DriftOptions = {}): DriftResult {
  const correction: Correction = options.correction ?? (choiceDefault('drift-correction') as Correction);
  if (!['bh', 'bonferroni', 'none'].includes(correction)) {
    throw new InputError(`drift correction "${String(correction)}" is not one of bh, bonferroni, none`);
  }
  const datasetDriftShare = options.datasetDriftShare ?? numberDefault('drift-share');
  if (!(datasetDriftShare >= 0 && datasetDriftShare <= 1)) {
    throw new InputError(`datasetDriftShare is ${datasetDriftShare}; it must be a share between 0 and 1`);
  }
  const thresholds: Record<DriftTest, number> = { ...DEFAULT_DRIFT_THRESHOLDS };
  for (const [test, value] of Object.entries(options.thresholds ?? {})) {
    if (!DRIFT_TESTS.includes(test as DriftTest)) {
      throw new InputError(`drift threshold given for unknown test "${test}"; tests: ${DRIFT_TESTS.join(', ')}`);
    }
    if (value === undefined) continue;
    checkThreshold(value, `test ${test}`, test as DriftTest);
    thresholds[test as DriftTest] = value;
  }

  const refByName = new Map(reference.columns.map((c) => [c.name, c] as const));
  const curByName = new Map(current.columns.map((c) => [c.name, c] as const));
  const known = (name: string, role: string): void => {
    if (!refByName.has(name)) {
      throw new DataError(
        `drift ${role} column "${name}" is not in the reference data ${reference.path}; available columns: ${[...refByName.keys()].join(', ')}`
      );
    }
  };
  for (const name of options.columns ?? []) known(name, 'comparison');
  for (const name of options.exclude ?? []) known(name, 'excluded');
  for (const name of Object.keys(options.tests ?? {})) known(name, 'test override');
  for (const name of Object.keys(options.featureThresholds ?? {})) known(name, 'threshold override');
  const excluded = new Set(options.exclude ?? []);
  const names = (options.columns ?? reference.columns.map((c) => c.name)).filter((n) => !excluded.has(n));
  if (new Set(names).size !== names.length) throw new InputError('drift columns list a column twice — list each column once');

  const pending: Pending[] = [];
  for (const name of names) {
    const refColumn = refByName.get(name)!;
    const curColumn = curByName.get(name);
    if (curColumn === undefined) {
      throw new DataError(
        `column "${name}" of the reference data ${reference.path} is not in the current data ${current.path} — add it, or exclude it from the drift check`
      );
    }
    pending.push(featureDrift(name, refColumn, curColumn, options, thresholds));
  }

  // One family of p-values across features, corrected together.
  const family = pending.filter((p) => p.rawP !== undefined);
  const adjusted = adjustPValues(
    family.map((p) => p.rawP!),
    correction
  );
  family.forEach((p, i) => {
    const f = p.feature;
    f.pValueAdjusted = adjusted[i];
    f.drifted = decide(f.test, adjusted[i], f.threshold);
  });

  const features = pending.map((p) => p.feature);
  const drifted = features.filter((f) => f.drifted).length;
  const share = features.length === 0 ? 0 : drifted / features.length;
  return {
    datasetDrift: features.length > 0 && share >= datasetDriftShare,
    share,
    datasetDriftShare,
    correction,
    features
  };
}

function featureDrift(
  name: string,
  refColumn: Column,
  curColumn: Column,
  options: DriftOptions,
  thresholds: Record<DriftTest, number>
): Pending {
  const numeric = refColumn.kind === 'numeric' && curColumn.kind === 'numeric';
  const kind: FeatureKind = numeric ? 'numerical' : 'categorical';
  const ref = numeric ? numericSide(refColumn) : textSide(refColumn);
  const cur = numeric ? numericSide(curColumn) : textSide(curColumn);
  const refN = nonMissingCount(ref);
  const curN = nonMissingCount(cur);
  const refValues = ref.values as ArrayLike<CategoryValue | null>;
  const curValues = cur.values as ArrayLike<CategoryValue | null>;

  // The test choice only asks whether there are more than LOW_CARDINALITY values: count no further.
  const distinct = numeric
    ? distinctSortedAtMost(LOW_CARDINALITY, sortedFinite(ref.values as Float64Array), sortedFinite(cur.values as Float64Array))
    : distinctAtMost(LOW_CARDINALITY, refValues, curValues);

  const override = options.tests?.[name];
  if (override !== undefined) {
    if (!DRIFT_TESTS.includes(override)) {
      throw new InputError(`drift test "${String(override)}" for column "${name}" is not one of ${DRIFT_TESTS.join(', ')}`);
    }
    if (!numeric && (override === 'ks' || override === 'wasserstein')) {
      throw new InputError(
        `drift test "${override}" needs a numerical column, but "${name}" is categorical — use chi-square, z, jensen-shannon or psi`
      );
    }
  }
  const test = override ?? defaultTest(kind, refN, distinct);
  const featureThreshold = options.featureThresholds?.[name];
  if (featureThreshold !== undefined) checkThreshold(featureThreshold, `column "${name}"`, test);
  const threshold = featureThreshold ?? thresholds[test];

  const feature: FeatureDrift = {
    name,
    kind,
    test,
    statistic: null,
    psi: null,
    psiBand: 'none',
    threshold,
    drifted: false,
    missingRate: { reference: rate(ref), current: rate(cur) }
  };
  if (kind === 'categorical') {
    const refCounts = valueCounts(refValues);
    feature.newCategories = [...valueCounts(curValues).keys()].filter((k) => !refCounts.has(k)).map(String);
  }
  if (refN === 0 || curN === 0) {
    const which = refN === 0 && curN === 0 ? 'either dataset' : refN === 0 ? 'the reference' : 'the current data';
    feature.note = `no non-missing values in ${which}: not tested`;
    feature.drifted = refN + curN > 0;
    return { feature };
  }

  const psi = psiOf(refValues, curValues, kind);
  feature.psi = finite(psi.statistic);
  feature.psiBand = psiBand(psi.statistic);
  let ksP: number | undefined;
  if (kind === 'numerical') {
    const ks = ks2Samp(ref.values as Float64Array, cur.values as Float64Array);
    ksP = ks.pValue;
    feature.ks_pvalue = ks.pValue;
    if (test === 'ks') feature.statistic = ks.statistic;
  }

  let rawP: number | undefined;
  switch (test) {
    case 'ks':
      rawP = ksP;
      break;
    case 'chi-square': {
      const r = chiSquareHomogeneity(refValues, curValues);
      feature.statistic = finite(r.statistic);
      if (r.statistic === Infinity) feature.note = 'chi-square statistic is infinite: a category in the current data has expected count 0 (never seen in the reference)';
      rawP = r.pValue;
      break;
    }
    case 'z': {
      const r = zTestCategories(refValues, curValues);
      feature.statistic = finite(r.statistic);
      rawP = r.pValue;
      break;
    }
    case 'wasserstein': {
      const r = wassersteinNormed(ref.values as Float64Array, cur.values as Float64Array);
      feature.statistic = finite(r.statistic);
      feature.drifted = decide(test, r.statistic, threshold);
      break;
    }
    case 'jensen-shannon': {
      const r = jensenShannon(refValues, curValues, kind);
      feature.statistic = finite(r.statistic);
      feature.drifted = decide(test, r.statistic, threshold);
      break;
    }
    case 'psi':
      feature.statistic = feature.psi;
      feature.drifted = decide(test, psi.statistic, threshold);
      break;
  }
  if (rawP !== undefined && !Number.isNaN(rawP)) {
    feature.pValue = rawP;
    return { feature, rawP };
  }
  return { feature };
}

// ------------------------------------------------------------------ findings

function list(names: string[]): string {
  return names.map(quote).join(', ');
}

/**
 * Findings for a report. Every one is a warning or information: what fails a step is the caller's
 * choice (`fail-on: drift` escalates the data_drift decision; `model-gate drift` exits 1 on it).
 */
export function driftFindings(result: DriftResult): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const drifted = result.features.filter((f) => f.drifted);
  const total = result.features.length;
  if (drifted.length > 0) {
    const names = drifted.map((f) => f.name);
    const share = `${drifted.length} of ${total} features (${(result.share * 100).toFixed(0)}%)`;
    findings.push(
      result.datasetDrift
        ? {
            kind: 'data_drift',
            severity: 'warning',
            message: `dataset drift: ${share} drifted, at or above the ${(result.datasetDriftShare * 100).toFixed(0)}% limit: ${list(names)}`,
            features: names
          }
        : {
            kind: 'feature_drift',
            severity: 'warning',
            message: `${share} drifted, below the ${(result.datasetDriftShare * 100).toFixed(0)}% that makes dataset drift: ${list(names)}`,
            features: names
          }
    );
  }
  const psiOnly = result.features.filter((f) => !f.drifted && f.psiBand === 'major');
  if (psiOnly.length > 0) {
    const names = psiOnly.map((f) => f.name);
    findings.push({
      kind: 'psi_shift',
      severity: 'info',
      message: `PSI ≥ 0.25 though the drift test found no significant change: ${list(names)}. PSI alone is not a drift decision: on small samples it is large by chance.`,
      features: names
    });
  }
  const withNew = result.features.filter((f) => (f.newCategories?.length ?? 0) > 0);
  if (withNew.length > 0) {
    const parts = withNew.map((f) => {
      const shown = f.newCategories!.slice(0, 5).map(quote).join(', ');
      const more = f.newCategories!.length > 5 ? ` and ${f.newCategories!.length - 5} more` : '';
      return `${quote(f.name)}: ${shown}${more}`;
    });
    findings.push({
      kind: 'new_categories',
      severity: 'warning',
      message: `categories in the current data never seen in the reference — ${parts.join('; ')}`,
      features: withNew.map((f) => f.name)
    });
  }
  return findings;
}

// ------------------------------------------------------------------ prediction drift

export interface PredictionDrift {
  /** Two-sample KS statistic D and p-value (scipy ks_2samp semantics). */
  ks_statistic: number | null;
  ks_pvalue: number | null;
  psi: number | null;
  psiBand: PsiBand;
  /** KS p ≤ alpha. */
  drifted: boolean;
  n: { reference: number; current: number };
}

/**
 * KS and PSI between two sets of model outputs, e.g. the baseline's and the candidate's scores on
 * the same rows. Scores on the same rows are paired, not independent, so read the KS p-value as a
 * yardstick, not an exact error rate. NaN scores are dropped; either side empty gives nulls and
 * drifted = false.
 */
export function predictionDrift(
  referenceScores: Float64Array,
  currentScores: Float64Array,
  alpha: number = DEFAULT_DRIFT_THRESHOLDS.ks
): PredictionDrift {
  const ks = ks2Samp(referenceScores, currentScores);
  const p = psiOf(referenceScores, currentScores, 'numerical');
  const count = (a: Float64Array): number => a.reduce((n, v) => (Number.isNaN(v) ? n : n + 1), 0);
  return {
    ks_statistic: finite(ks.statistic),
    ks_pvalue: finite(ks.pValue),
    psi: finite(p.statistic),
    psiBand: psiBand(p.statistic),
    drifted: !Number.isNaN(ks.pValue) && ks.pValue <= alpha,
    n: { reference: count(referenceScores), current: count(currentScores) }
  };
}

/** A drifted label is a prior shift: a warning, tested apart from the features. */
export function labelDriftFindings(labelDrift: DriftResult | undefined): Finding[] {
  return (labelDrift?.features ?? [])
    .filter((f) => f.drifted)
    .map((f) => ({
      kind: 'label_drift',
      severity: 'warning',
      message: `The label ${quote(f.name)} is distributed differently in the current data than in the reference (${f.test} ${f.statistic === null ? '' : f.statistic.toPrecision(3)}${f.pValueAdjusted !== undefined ? `, p = ${f.pValueAdjusted.toPrecision(3)}` : ''}): a prior shift.`,
      features: [f.name],
    }));
}
