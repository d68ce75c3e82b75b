// driftReport end to end on real data — vega-datasets' seattle-weather.csv split by year into
// fixtures/drift/ — against the per-feature values that fixtures/reference/drift_reference.py
// computes with scipy/statsmodels along Evidently's code paths; then the report's own rules
// (missing rates, new categories, overrides, corrections, findings) on small hand-made datasets.
// Tolerance for the reference: relative 1e-9 (1e-300 absolute), 'Infinity' must be reported as null.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataError, InputError } from '../../src/errors.js';
import { readDataset } from '../../src/data/read.js';
import { driftFindings, driftReport, predictionDrift, type DriftResult } from '../../src/analysis/drift.js';
import { ks2Samp } from '../../src/stats/ks.js';
import type { CategoricalColumn, Column, Dataset, NumericColumn } from '../../src/types.js';
import { rng } from '../support/rng.js';

type Num = number | null | 'Infinity';
interface ExpectedFeature {
  name: string;
  kind: 'numerical' | 'categorical';
  test: string;
  statistic: Num;
  pValue?: Num;
  pValueAdjusted?: Num;
  ks_pvalue?: Num;
  psi: Num;
  drifted: boolean;
  newCategories?: string[];
}
interface Scenario {
  name: string;
  reference: string;
  current: string;
  correction: string;
  share: number;
  datasetDrift: boolean;
  features: ExpectedFeature[];
}

const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/drift_reference.json', import.meta.url), 'utf8')
) as { drift: Scenario[] };

const root = fileURLToPath(new URL('../../', import.meta.url));

function expectClose(actual: number | null | undefined, expected: Num | undefined, what: string): void {
  if (expected === undefined) {
    expect(actual).toBeUndefined();
    return;
  }
  if (expected === 'Infinity') {
    // JSON-ready output: an infinite statistic is reported as null.
    if (actual !== null) throw new Error(`${what}: expected null for an infinite statistic, got ${actual}`);
    return;
  }
  if (expected === null || actual === null || actual === undefined) {
    throw new Error(`${what}: expected ${expected}, got ${actual}`);
  }
  if (actual === expected) return;
  const diff = Math.abs(actual - expected);
  if (!(diff <= 1e-9 * Math.abs(expected) || diff <= 1e-300)) {
    throw new Error(`${what}: expected ${expected}, got ${actual} (relative error ${diff / Math.abs(expected)})`);
  }
}

describe('driftReport on seattle-weather matches the scipy/statsmodels reference', () => {
  test('the scenarios exercise both size regimes and a new category', () => {
    const tests = new Set(reference.drift.flatMap((s) => s.features.map((f) => f.test)));
    expect(tests).toEqual(new Set(['ks', 'chi-square', 'wasserstein', 'jensen-shannon']));
    expect(reference.drift.some((s) => s.features.some((f) => (f.newCategories ?? []).length > 0))).toBe(true);
  });

  test.each(reference.drift.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const ref = await readDataset(root + s.reference);
    const cur = await readDataset(root + s.current);
    const result = driftReport(ref, cur);
    expect(result.correction).toBe(s.correction);
    expect(result.share).toBeCloseTo(s.share, 15);
    expect(result.datasetDrift).toBe(s.datasetDrift);
    expect(result.features.map((f) => f.name)).toEqual(s.features.map((f) => f.name));
    for (const want of s.features) {
      const got = result.features.find((f) => f.name === want.name)!;
      const at = `${s.name}/${want.name}`;
      expect({ kind: got.kind, test: got.test, drifted: got.drifted }).toEqual({
        kind: want.kind,
        test: want.test,
        drifted: want.drifted
      });
      expectClose(got.statistic, want.statistic, `${at} statistic`);
      expectClose(got.pValue, want.pValue, `${at} pValue`);
      expectClose(got.pValueAdjusted, want.pValueAdjusted, `${at} pValueAdjusted`);
      expectClose(got.ks_pvalue, want.ks_pvalue, `${at} ks_pvalue`);
      expectClose(got.psi, want.psi, `${at} psi`);
      expect(got.newCategories).toEqual(want.newCategories);
      expect(got.missingRate).toEqual({ reference: 0, current: 0 });
    }
    // JSON-ready: survives a round trip unchanged (no NaN, no Infinity, no typed arrays).
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  test('findings for 2012 vs 2015: dataset drift is the data_drift decision naming the drifted features', async () => {
    const result = driftReport(
      await readDataset(root + 'fixtures/drift/seattle-2012.csv'),
      await readDataset(root + 'fixtures/drift/seattle-2015.csv')
    );
    const findings = driftFindings(result);
    // A warning here: `fail-on: drift` (or `model-gate drift`'s exit code) makes it a failure.
    expect(findings[0]).toMatchObject({
      kind: 'data_drift',
      severity: 'warning',
      features: ['temp_max', 'temp_min', 'weather']
    });
    expect(findings[0].message).toContain('3 of 5 features (60%)');
  });

  test('2014 vs 2015: one of five features drifted is feature_drift, not the data_drift decision', async () => {
    const result = driftReport(
      await readDataset(root + 'fixtures/drift/seattle-2014.csv'),
      await readDataset(root + 'fixtures/drift/seattle-2015.csv')
    );
    expect(result.datasetDrift).toBe(false);
    expect(driftFindings(result).map((f) => [f.kind, f.severity, f.features])).toEqual([
      ['feature_drift', 'warning', ['weather']],
      ['new_categories', 'warning', ['weather']]
    ]);
  });

  test('penguins train vs eval: no feature drifted, so a major PSI is information, not a drift finding (issue 15)', async () => {
    // The demo's own data: 239 training rows against 94 evaluation rows. KS finds nothing (adjusted
    // p 0.96 for every feature), but PSI on 94 rows in 10 bins is above 0.25 for two bill measures.
    const result = driftReport(
      await readDataset(root + 'fixtures/penguins-sex/train.csv'),
      await readDataset(root + 'fixtures/penguins-sex/eval.csv'),
      { exclude: ['id', 'sex'] }
    );
    expect(result.features.filter((f) => f.drifted)).toEqual([]);
    expect(result.features.filter((f) => f.psiBand === 'major').map((f) => f.name)).toEqual(['bill_length_mm', 'bill_depth_mm']);
    const findings = driftFindings(result);
    expect(findings.map((f) => [f.kind, f.severity])).toEqual([['psi_shift', 'info']]);
    expect(findings.filter((f) => f.kind === 'data_drift')).toEqual([]);
  });
});

// ------------------------------------------------------------------ hand-made datasets

function numeric(name: string, values: number[]): NumericColumn {
  const arr = Float64Array.from(values);
  return {
    name,
    kind: 'numeric',
    values: arr,
    raw: values.map((v) => (Number.isNaN(v) ? null : String(v))),
    missing: values.filter((v) => Number.isNaN(v)).length
  };
}

function categorical(name: string, values: (string | null)[]): CategoricalColumn {
  return { name, kind: 'categorical', values, missing: values.filter((v) => v === null).length };
}

function dataset(path: string, columns: Column[]): Dataset {
  const rowCount = columns[0]?.values.length ?? 0;
  return { path, rowCount, columns, recordLines: Int32Array.from({ length: rowCount }, (_, i) => i + 2) };
}

function series(n: number, seed: number, shift = 0): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.round((r() + r() + r() + shift) * 1000) / 1000);
}

describe('driftReport rules', () => {
  const ref = dataset('ref.csv', [
    numeric('x', series(200, 1)),
    numeric('shifted', series(200, 2)),
    numeric('flag', Array.from({ length: 200 }, (_, i) => i % 2)),
    numeric('level', Array.from({ length: 200 }, (_, i) => i % 4)),
    categorical('colour', Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? null : ['red', 'green', 'blue'][i % 3]))),
    categorical('yesno', Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 'yes' : 'no')))
  ]);
  const cur = dataset('cur.csv', [
    numeric('x', series(150, 3)),
    numeric('shifted', series(150, 4, 0.8)),
    numeric('flag', Array.from({ length: 150 }, (_, i) => (i % 5 === 0 ? NaN : i % 3 === 0 ? 1 : 0))),
    numeric('level', Array.from({ length: 150 }, (_, i) => i % 4)),
    categorical('colour', Array.from({ length: 150 }, (_, i) => ['red', 'green', 'blue', 'purple', 'teal'][i % 5])),
    categorical('yesno', Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? 'yes' : 'no'))),
    categorical('extra', Array.from({ length: 150 }, () => 'ignored'))
  ]);

  test("Evidently's default test per feature; columns of the current data not in the reference are ignored", () => {
    const r = driftReport(ref, cur);
    expect(r.features.map((f) => [f.name, f.kind, f.test])).toEqual([
      ['x', 'numerical', 'ks'],
      ['shifted', 'numerical', 'ks'],
      ['flag', 'numerical', 'z'],
      ['level', 'numerical', 'chi-square'],
      ['colour', 'categorical', 'chi-square'],
      ['yesno', 'categorical', 'z']
    ]);
  });

  test('missing rates, new categories, KS p-value for every numerical feature', () => {
    const r = driftReport(ref, cur);
    const by = Object.fromEntries(r.features.map((f) => [f.name, f]));
    expect(by.colour.missingRate).toEqual({ reference: 20 / 200, current: 0 });
    expect(by.flag.missingRate).toEqual({ reference: 0, current: 30 / 150 });
    expect(by.colour.newCategories).toEqual(['purple', 'teal']);
    expect(by.yesno.newCategories).toEqual([]);
    expect(by.x.newCategories).toBeUndefined();
    for (const f of r.features) {
      if (f.kind === 'numerical') expect(f.ks_pvalue).toEqual(expect.any(Number));
      else expect(f.ks_pvalue).toBeUndefined();
    }
    // The KS p-value of a numerical feature is ks_2samp on the non-missing values.
    const flagKs = ks2Samp(
      ref.columns[2].values as Float64Array,
      (cur.columns[2].values as Float64Array).filter((v) => !Number.isNaN(v))
    );
    expect(by.flag.ks_pvalue).toBe(flagKs.pValue);
    // A category never seen in the reference: infinite chi-square reported as null, p = 0.
    expect(by.colour.statistic).toBeNull();
    expect(by.colour.pValue).toBe(0);
    expect(by.colour.drifted).toBe(true);
    expect(by.shifted.drifted).toBe(true);
    expect(by.level.drifted).toBe(false);
    // 67/200 against 50/150 "yes": no real change.
    expect(by.yesno.pValue).toBeGreaterThan(0.9);
    expect(by.yesno.drifted).toBe(false);
  });

  test('±Infinity (pandas writes inf) counts as missing: the same share of inf on both sides is no drift', () => {
    // 1,200 rows a side: Wasserstein, the test that inf used to turn into an infinite distance ("drifted").
    const withInf = (n: number, seed: number) => series(n, seed).map((v, i) => (i % 10 === 0 ? (i % 20 === 0 ? Infinity : -Infinity) : v));
    const a = dataset('a.csv', [numeric('v', withInf(1200, 1))]);
    const b = dataset('b.csv', [numeric('v', withInf(1200, 2))]);
    const f = driftReport(a, b).features[0];
    expect(f.test).toBe('wasserstein');
    expect(f.drifted).toBe(false);
    expect(f.missingRate).toEqual({ reference: 120 / 1200, current: 120 / 1200 });
    // The statistic is the one of the finite values alone.
    const finiteOnly = driftReport(
      dataset('a.csv', [numeric('v', withInf(1200, 1).map((v) => (Number.isFinite(v) ? v : NaN)))]),
      dataset('b.csv', [numeric('v', withInf(1200, 2).map((v) => (Number.isFinite(v) ? v : NaN)))]),
    ).features[0];
    expect(f.statistic).toBe(finiteOnly.statistic);
    expect(Number.isFinite(f.statistic)).toBe(true);
  });

  test('BH by default; Bonferroni and none on request; the decision uses the adjusted p-value', () => {
    const bh = driftReport(ref, cur);
    const bonf = driftReport(ref, cur, { correction: 'bonferroni' });
    const none = driftReport(ref, cur, { correction: 'none' });
    const m = bh.features.filter((f) => f.pValue !== undefined).length;
    expect(m).toBe(6);
    bonf.features.forEach((f) => expect(f.pValueAdjusted).toBe(Math.min(f.pValue! * m, 1)));
    none.features.forEach((f) => expect(f.pValueAdjusted).toBe(f.pValue));
    for (const f of bh.features) {
      expect(f.pValueAdjusted!).toBeGreaterThanOrEqual(f.pValue!);
      expect(f.drifted).toBe(f.test === 'ks' ? f.pValueAdjusted! <= f.threshold : f.pValueAdjusted! < f.threshold);
    }
  });

  test('a raw p-value under 0.05 that the correction lifts above it does not count as drift', () => {
    const a = dataset('a.csv', [numeric('mild', series(200, 1)), numeric('same1', series(200, 6)), numeric('same2', series(200, 7))]);
    const b = dataset('b.csv', [numeric('mild', series(150, 5, 0.125)), numeric('same1', series(150, 8)), numeric('same2', series(150, 9))]);
    const none = driftReport(a, b, { correction: 'none' });
    const bh = driftReport(a, b);
    expect(none.features[0].pValue!).toBeLessThan(0.05);
    expect(none.features[0].drifted).toBe(true);
    expect(bh.features[0].pValue).toBe(none.features[0].pValue);
    expect(bh.features[0].pValueAdjusted!).toBeGreaterThan(0.05);
    expect(bh.features[0].drifted).toBe(false);
  });

  test('dataset drift at share ≥ datasetDriftShare', () => {
    const r = driftReport(ref, cur);
    const drifted = r.features.filter((f) => f.drifted).length;
    expect(r.share).toBe(drifted / 6);
    expect(driftReport(ref, cur, { datasetDriftShare: r.share }).datasetDrift).toBe(true);
    expect(driftReport(ref, cur, { datasetDriftShare: r.share + 0.01 }).datasetDrift).toBe(false);
  });

  test('columns, exclude, per-column tests and thresholds', () => {
    const r = driftReport(ref, cur, {
      columns: ['shifted', 'colour', 'x'],
      exclude: ['x'],
      tests: { shifted: 'wasserstein', colour: 'jensen-shannon' },
      featureThresholds: { colour: 0.99 }
    });
    expect(r.features.map((f) => [f.name, f.test, f.threshold])).toEqual([
      ['shifted', 'wasserstein', 0.1],
      ['colour', 'jensen-shannon', 0.99]
    ]);
    expect(r.features[0].pValue).toBeUndefined();
    expect(r.features[1].drifted).toBe(false);
    const psiOnly = driftReport(ref, cur, { columns: ['shifted'], tests: { shifted: 'psi' }, thresholds: { psi: 0.2 } });
    expect(psiOnly.features[0].statistic).toBe(psiOnly.features[0].psi);
    expect(psiOnly.features[0].threshold).toBe(0.2);
  });

  test('a column with no values on one side is drifted and says why; both sides empty is not', () => {
    const a = dataset('a.csv', [numeric('v', [1, 2, 3]), categorical('c', [null, null, null])]);
    const b = dataset('b.csv', [numeric('v', [NaN, NaN]), categorical('c', [null, null])]);
    const r = driftReport(a, b);
    expect(r.features[0]).toMatchObject({ name: 'v', drifted: true, statistic: null, psi: null, missingRate: { reference: 0, current: 1 } });
    expect(r.features[0].note).toContain('the current data');
    expect(r.features[1]).toMatchObject({ name: 'c', drifted: false, statistic: null });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test('a column numeric on one side and text on the other is compared as categorical text', () => {
    const a = dataset('a.csv', [numeric('v', [1, 2, 2, 3])]);
    const b = dataset('b.csv', [categorical('v', ['1', '2', 'n/a?', '3'])]);
    const f = driftReport(a, b).features[0];
    expect(f.kind).toBe('categorical');
    expect(f.newCategories).toEqual(['n/a?']);
  });

  test('errors name the problem', () => {
    const a = dataset('a.csv', [numeric('v', [1, 2, 3])]);
    const b = dataset('b.csv', [numeric('w', [1, 2, 3])]);
    expect(() => driftReport(a, b)).toThrow(DataError);
    expect(() => driftReport(a, b)).toThrow(/column "v" of the reference data a.csv is not in the current data b.csv/);
    expect(() => driftReport(a, a, { columns: ['nope'] })).toThrow(DataError);
    expect(() => driftReport(a, a, { tests: { v: 'magic' as never } })).toThrow(InputError);
    const c = dataset('c.csv', [categorical('v', ['x'])]);
    expect(() => driftReport(c, c, { tests: { v: 'ks' } })).toThrow(/needs a numerical column/);
    expect(() => driftReport(a, a, { datasetDriftShare: 2 })).toThrow(InputError);
    expect(() => driftReport(a, a, { thresholds: { ks: 1.5 } })).toThrow(InputError);
    expect(() => driftReport(a, a, { correction: 'holm' as never })).toThrow(InputError);
  });

  test('no columns: nothing drifted, share 0', () => {
    const a = dataset('a.csv', [numeric('v', [1, 2, 3])]);
    expect(driftReport(a, a, { exclude: ['v'] })).toMatchObject({ datasetDrift: false, share: 0, features: [] });
  });
});

describe('driftFindings', () => {
  const base: DriftResult = { datasetDrift: false, share: 0, datasetDriftShare: 0.5, correction: 'bh', features: [] };
  const feature = (name: string, drifted: boolean, extra: object = {}) => ({
    name,
    kind: 'categorical' as const,
    test: 'chi-square' as const,
    statistic: 1,
    psi: 0.01,
    psiBand: 'none' as const,
    threshold: 0.05,
    drifted,
    missingRate: { reference: 0, current: 0 },
    ...extra
  });

  test('no drift, no findings', () => {
    expect(driftFindings({ ...base, features: [feature('a', false)] })).toEqual([]);
  });
  test('some drift below the dataset share is a feature_drift warning; new categories warn; PSI alone is information', () => {
    const result: DriftResult = {
      ...base,
      share: 1 / 3,
      features: [
        feature('a', true),
        feature('b', false, { psi: 0.3, psiBand: 'major' }),
        feature('c', false, { newCategories: ['x', 'y', 'z', 'u', 'v', 'w'] })
      ]
    };
    const findings = driftFindings(result);
    expect(findings.map((f) => [f.kind, f.severity, f.features])).toEqual([
      ['feature_drift', 'warning', ['a']],
      ['psi_shift', 'info', ['b']],
      ['new_categories', 'warning', ['c']]
    ]);
    expect(findings[2].message).toContain('"x", "y", "z", "u", "v" and 1 more');
  });
});

describe('predictionDrift', () => {
  test('KS and PSI between two score vectors', () => {
    const a = Float64Array.from(series(300, 11).map((v) => v / 3));
    const b = Float64Array.from(series(300, 12, 0.3).map((v) => v / 3.3));
    const r = predictionDrift(a, b);
    const ks = ks2Samp(a, b);
    expect(r.ks_statistic).toBe(ks.statistic);
    expect(r.ks_pvalue).toBe(ks.pValue);
    expect(r.drifted).toBe(ks.pValue <= 0.05);
    expect(r.psi).toBeGreaterThan(0);
    expect(r.n).toEqual({ reference: 300, current: 300 });
    const same = predictionDrift(a, a);
    expect(same).toMatchObject({ ks_statistic: 0, ks_pvalue: 1, psi: 0, psiBand: 'none', drifted: false });
  });
  test('empty scores give nulls', () => {
    expect(predictionDrift(new Float64Array(0), Float64Array.from([1]))).toEqual({
      ks_statistic: null,
      ks_pvalue: null,
      psi: null,
      psiBand: 'none',
      drifted: false,
      n: { reference: 0, current: 1 }
    });
  });
});
