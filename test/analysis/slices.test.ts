// Slice analysis: slice assignment, per-slice metrics against measure() on hand-filtered rows,
// planted slice regressions, the worst-slice gap, reproducibility and speed on the real fixture.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareOne } from '../../src/analysis/compare.js';
import { DEFAULT_MEASURE, measure } from '../../src/analysis/measure.js';
import {
  analyseSlices,
  crossSlicings,
  DEFAULT_MIN_SLICE_SIZE,
  quartileEdges,
  sliceColumn,
  type SliceInput,
  type SliceResult,
} from '../../src/analysis/slices.js';
import { readDataset, selectFeatures } from '../../src/data/read.js';
import { openModel } from '../../src/engines/open.js';
import { metricInfo } from '../../src/metrics/index.js';
import { encodeTruth } from '../../src/pipeline/labels.js';
import type { Truth } from '../../src/types.js';
import { bootstrap } from '../../src/stats/bootstrap.js';
import { benjaminiHochberg } from '../../src/stats/corrections.js';
import { exampleKeys } from '../../src/stats/resample-weights.js';
import type { CategoricalColumn, Column, Dataset, NumericColumn, Predictions } from '../../src/types.js';
import { normal, rng } from '../support/rng.js';

const fx = (...p: string[]) => path.join(process.cwd(), 'fixtures', ...p);

// ---------------------------------------------------------------------------------------------
// Synthetic data helpers (independent of the module under test).

function numCol(name: string, values: number[]): NumericColumn {
  return {
    name,
    kind: 'numeric',
    values: Float64Array.from(values),
    raw: values.map((v) => (Number.isNaN(v) ? null : String(v))),
    missing: values.filter((v) => Number.isNaN(v)).length,
  };
}
function catCol(name: string, values: (string | null)[]): CategoricalColumn {
  return { name, kind: 'categorical', values, missing: values.filter((v) => v === null).length };
}
function dataset(columns: Column[]): Dataset {
  const n = columns[0].values.length;
  return { path: 'synthetic.csv', rowCount: n, columns, recordLines: Int32Array.from({ length: n }, (_, i) => i + 2) };
}
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const spec = (columns: string[], crossed: [string, string][] = [], minSize = DEFAULT_MIN_SLICE_SIZE) => ({ columns, crossed, minSize });

/** Metric values as analyseSlices reports them: non-finite → null. */
function valuesOf(metrics: Record<string, { value: number }>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v.value) ? v.value : null]));
}

// ---------------------------------------------------------------------------------------------
// The real binary fixture: eval.csv with the TF.js candidate, the TF.js "main" baseline and the
// "production" predictions file.

interface Fixture {
  data: Dataset;
  truth: Truth;
  outputs: SliceInput['outputs'];
  csv: { header: string[]; rows: string[][] };
}
let penguins: Fixture;

beforeAll(async () => {
  const data = await readDataset(fx('penguins-sex', 'eval.csv'));
  const label = data.columns.find((c) => c.name === 'sex')!;
  const idColumn = data.columns.find((c) => c.name === 'id')!;
  const classes = ['FEMALE', 'MALE'];
  const truth = encodeTruth(data, label, 'binary', classes);
  const run = async (p: string, name: string): Promise<Predictions> => {
    const loaded = await openModel(p, name);
    const sel = selectFeatures(data, { label: 'sex', id: 'id', features: loaded.metadata.features });
    const out = await loaded.predict({ name, dataset: data, features: sel.features, task: 'binary', classes, idColumn, batchSize: 64 });
    loaded.dispose();
    return out;
  };
  const outputs: SliceInput['outputs'] = [
    { name: 'candidate', role: 'candidate', predictions: await run(fx('penguins-sex', 'candidate'), 'candidate') },
    { name: 'main', role: 'baseline', predictions: await run(fx('penguins-sex', 'baseline'), 'main') },
    { name: 'production', role: 'baseline', predictions: await run(fx('penguins-sex', 'baseline-predictions.csv'), 'production') },
  ];
  const lines = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trim().split('\n');
  penguins = { data, truth, outputs, csv: { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) } };
});

const penguinKeys = () => exampleKeys(penguins.csv.rows.map((r) => r[0]), penguins.data.rowCount);

function penguinInput(over: Partial<SliceInput> = {}): SliceInput {
  return {
    dataset: penguins.data,
    truth: penguins.truth,
    outputs: penguins.outputs,
    measureOptions: DEFAULT_MEASURE,
    spec: spec(['species_Adelie', 'species_Gentoo', 'body_mass_g'], [['species_Adelie', 'body_mass_g']], 20),
    bootstrap: { resamples: 1000, confidence: 0.95, seed: 7, keys: penguinKeys() },
    overall: [],
    ...over,
  };
}

// ---------------------------------------------------------------------------------------------
describe('slice assignment', () => {
  test('categorical columns slice by value in code-unit order, missing last', () => {
    const s = sliceColumn(catCol('c', ['b', null, 'a', 'B', 'b', null]))!;
    expect(s.labels).toEqual(['B', 'a', 'b', '(missing)']);
    expect(Array.from(s.codes, (c) => s.labels[c])).toEqual(['b', '(missing)', 'a', 'B', 'b', '(missing)']);
  });

  test('numeric columns with at most 10 distinct values slice by value, ascending', () => {
    const s = sliceColumn(numCol('k', [2, 0.5, 0, -0, 1, NaN, 2]))!;
    expect(s.labels).toEqual(['0', '0.5', '1', '2', '(missing)']);
    expect(Array.from(s.codes, (c) => s.labels[c])).toEqual(['2', '0.5', '0', '0', '1', '(missing)', '2']);
    const ten = sliceColumn(numCol('t', Array.from({ length: 40 }, (_, i) => i % 10)))!;
    expect(ten.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  test('more than 10 distinct values: quartile bins with observed values as edges, last bin closed', () => {
    // 0..99 shuffled, plus three missing cells.
    const r = rng(1);
    const values = Array.from({ length: 100 }, (_, i) => i);
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [values[i], values[j]] = [values[j], values[i]];
    }
    values.splice(10, 0, NaN);
    values.splice(50, 0, NaN);
    values.push(NaN);
    const s = sliceColumn(numCol('x', values))!;
    expect(s.labels).toEqual(['[0, 25)', '[25, 50)', '[50, 75)', '[75, 99]', '(missing)']);
    values.forEach((v, i) => {
      const expected = Number.isNaN(v) ? '(missing)' : v < 25 ? '[0, 25)' : v < 50 ? '[25, 50)' : v < 75 ? '[50, 75)' : '[75, 99]';
      expect(s.labels[s.codes[i]]).toBe(expected);
    });
    // 11 distinct values is already binned.
    expect(sliceColumn(numCol('e', Array.from({ length: 11 }, (_, i) => i / 10)))!.labels).toEqual(['[0, 0.2)', '[0.2, 0.5)', '[0.5, 0.8)', '[0.8, 1]']);
  });

  test('equal quartile edges merge (heavy ties)', () => {
    // 60 zeros and 1..40: v[25] = v[50] = 0, v[75] = 16.
    const values = [...Array.from({ length: 60 }, () => 0), ...Array.from({ length: 40 }, (_, i) => i + 1)];
    expect(quartileEdges([...values].sort((a, b) => a - b))).toEqual([0, 16, 40]);
    const s = sliceColumn(numCol('z', values))!;
    expect(s.labels).toEqual(['[0, 16)', '[16, 40]']);
    const counts = s.labels.map((_, j) => Array.from(s.codes).filter((c) => c === j).length);
    expect(counts).toEqual([75, 25]);
  });

  test('crossed pairs are the Cartesian product; minSize skips; unknown and id-like columns are notes', () => {
    const n = 300;
    const r = rng(2);
    const g = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'u' : i % 3 === 1 ? 'v' : i % 10 === 5 ? null : 'w'));
    const b = Array.from({ length: n }, () => (r() < 0.8 ? 1 : 0));
    const ids = Array.from({ length: n }, (_, i) => `row${i}`);
    const y = Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
    const scores = Float64Array.from(y, (v) => sigmoid((2 * v - 1) + normal(r)));
    const data = dataset([catCol('g', g), numCol('b', b), catCol('id', ids)]);
    const result = analyseSlices({
      dataset: data,
      truth: { task: 'binary', classes: ['0', '1'], y },
      outputs: [{ name: 'candidate', role: 'candidate', predictions: { kind: 'binary', scores } }],
      measureOptions: DEFAULT_MEASURE,
      spec: spec(['g', 'b', 'nope', 'id'], [['g', 'b']], 30),
      bootstrap: undefined,
      overall: [],
    });
    expect(result.notes.some((m) => m.includes('"nope" is not in'))).toBe(true);
    expect(result.notes.some((m) => m.includes('"id" has more than 100 distinct values'))).toBe(true);

    // Independent counts of every (column, value) and (pair, value) combination.
    const expected = new Map<string, number>();
    const add = (k: string) => expected.set(k, (expected.get(k) ?? 0) + 1);
    for (let i = 0; i < n; i++) {
      const gv = g[i] ?? '(missing)';
      add(`g|${gv}`);
      add(`b|${b[i]}`);
      add(`g × b|${gv} × ${b[i]}`);
    }
    const gValues = ['u', 'v', 'w', '(missing)'];
    for (const gv of gValues) for (const bv of ['0', '1']) if (!expected.has(`g × b|${gv} × ${bv}`)) expected.set(`g × b|${gv} × ${bv}`, 0);
    const seen = new Map<string, number>();
    for (const s of result.slices) seen.set(`${s.column}|${s.value}`, s.rows);
    for (const s of result.skipped) seen.set(`${s.column}|${s.value}`, s.rows);
    expect(seen).toEqual(expected);
    // Exactly the combinations below 30 rows are skipped, in column then value order.
    for (const s of result.slices) expect(s.rows).toBeGreaterThanOrEqual(30);
    for (const s of result.skipped) expect(s.rows).toBeLessThan(30);
    expect(result.slices.map((s) => `${s.column}|${s.value}`)).toEqual(
      [...expected.keys()]
        .filter((k) => expected.get(k)! >= 30)
        .sort((p, q) => order(p) - order(q)),
    );
    function order(k: string): number {
      const [col, value] = k.split('|');
      const c = ['g', 'b', 'g × b'].indexOf(col);
      const crossedValues = gValues.flatMap((gv) => ['0', '1'].map((bv) => `${gv} × ${bv}`));
      const values = col === 'g' ? gValues : col === 'b' ? ['0', '1'] : crossedValues;
      return c * 100 + values.indexOf(value);
    }
    // g is missing on rows ≡ 5 (mod 30): 10 rows, skipped.
    expect(result.skipped.find((s) => s.column === 'g' && s.value === '(missing)')!.rows).toBe(g.filter((v) => v === null).length);
  });

  test('crossSlicings names values "x × y" and codes rows by both', () => {
    const a = sliceColumn(catCol('a', ['p', 'q', 'p']))!;
    const b = sliceColumn(numCol('b', [1, 1, NaN]))!;
    const c = crossSlicings(a, b);
    expect(c.column).toBe('a × b');
    expect(c.labels).toEqual(['p × 1', 'p × (missing)', 'q × 1', 'q × (missing)']);
    expect(Array.from(c.codes, (k) => c.labels[k])).toEqual(['p × 1', 'q × 1', 'p × (missing)']);
  });

  test('multilabel and ranking give an empty result with a note', () => {
    const data = dataset([catCol('g', ['a', 'b'])]);
    const r = analyseSlices({
      dataset: data,
      truth: { task: 'ranking', queries: ['q', 'q'], y: Float64Array.of(1, 0) },
      outputs: [{ name: 'candidate', role: 'candidate', predictions: { kind: 'ranking', scores: Float64Array.of(1, 0) } }],
      measureOptions: DEFAULT_MEASURE,
      spec: spec(['g']),
      bootstrap: undefined,
      overall: [],
    });
    expect(r).toMatchObject({ slices: [], skipped: [], worstSliceGap: [], findings: [] });
    expect(r.notes[0]).toMatch(/ranking/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('per-slice metrics equal measure() on hand-filtered rows', () => {
  test('penguins: every model, every metric, single columns and the crossed pair', () => {
    const result = analyseSlices(penguinInput({ bootstrap: undefined }));
    const col = (name: string) => penguins.csv.header.indexOf(name);
    const rows = penguins.csv.rows;
    // Independent quartile edges of body_mass_g from the CSV text.
    const mass = rows.map((r) => Number(r[col('body_mass_g')])).sort((a, b) => a - b);
    const q = [mass[Math.floor(mass.length / 4)], mass[Math.floor(mass.length / 2)], mass[Math.floor((3 * mass.length) / 4)]];
    const binOf = (v: number) => (v < q[0] ? `[${mass[0]}, ${q[0]})` : v < q[1] ? `[${q[0]}, ${q[1]})` : v < q[2] ? `[${q[1]}, ${q[2]})` : `[${q[2]}, ${mass[mass.length - 1]}]`);
    const sliceValue = (r: string[], column: string): string => {
      if (column === 'body_mass_g') return binOf(Number(r[col(column)]));
      if (column.includes(' × ')) return column.split(' × ').map((c) => sliceValue(r, c)).join(' × ');
      return r[col(column)];
    };
    expect(result.slices.length).toBeGreaterThanOrEqual(6);
    for (const s of result.slices) {
      const keep: number[] = [];
      rows.forEach((r, i) => {
        if (sliceValue(r, s.column) === s.value) keep.push(i);
      });
      expect(s.rows).toBe(keep.length);
      const y = Uint8Array.from(keep, (i) => (rows[i][col('sex')] === 'MALE' ? 1 : 0));
      for (const o of penguins.outputs) {
        const scores = Float64Array.from(keep, (i) => (o.predictions as { scores: Float64Array }).scores[i]);
        const expected = valuesOf(measure({ task: 'binary', classes: ['FEMALE', 'MALE'], y }, { kind: 'binary', scores }, DEFAULT_MEASURE).metrics);
        const got = Object.fromEntries(Object.entries(s.models[o.name]).map(([k, v]) => [k, v.value]));
        expect(Object.keys(got)).toEqual(Object.keys(expected));
        for (const [k, v] of Object.entries(expected)) {
          if (v === null) expect(got[k]).toBeNull();
          else expect(got[k]).toBeCloseTo(v, 12);
        }
      }
      // Deltas against each baseline: candidate − baseline of the same numbers.
      for (const base of ['main', 'production']) {
        const d = s.deltas[base].roc_auc;
        expect(d.delta).toBeCloseTo(s.models.candidate.roc_auc.value! - s.models[base].roc_auc.value!, 12);
        expect(d.ci).toBeUndefined();
        expect(['improved', 'regressed', 'unchanged']).toContain(d.change);
      }
    }
  });

  test('multiclass and regression (synthetic)', () => {
    const r = rng(3);
    const n = 240;
    const group = Array.from({ length: n }, () => (r() < 0.5 ? 'a' : 'b'));
    const yc = Int32Array.from({ length: n }, () => Math.floor(r() * 3));
    const probs = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      const logits = [0, 1, 2].map((k) => (k === yc[i] ? 1.5 : 0) + normal(r));
      const e = logits.map(Math.exp);
      const sum = e[0] + e[1] + e[2];
      for (let k = 0; k < 3; k++) probs[i * 3 + k] = e[k] / sum;
    }
    const yr = Float64Array.from({ length: n }, () => 10 * r());
    const pr = Float64Array.from(yr, (v) => v + normal(r));
    const data = dataset([catCol('group', group)]);
    const classes = ['x', 'y', 'z'];
    const mc = analyseSlices({
      dataset: data,
      truth: { task: 'multiclass', classes, y: yc },
      outputs: [{ name: 'candidate', role: 'candidate', predictions: { kind: 'multiclass', classes, probs } }],
      measureOptions: DEFAULT_MEASURE,
      spec: spec(['group']),
      bootstrap: { resamples: 200, confidence: 0.9, seed: 1, keys: exampleKeys(undefined, n) },
      overall: [],
    });
    const rg = analyseSlices({
      dataset: data,
      truth: { task: 'regression', y: yr },
      outputs: [{ name: 'candidate', role: 'candidate', predictions: { kind: 'regression', values: pr } }],
      measureOptions: DEFAULT_MEASURE,
      spec: spec(['group']),
      bootstrap: undefined,
      overall: [],
    });
    for (const value of ['a', 'b']) {
      const keep = group.flatMap((g, i) => (g === value ? [i] : []));
      const p = new Float64Array(keep.length * 3);
      keep.forEach((i, j) => p.set(probs.subarray(i * 3, i * 3 + 3), j * 3));
      const expMc = valuesOf(measure({ task: 'multiclass', classes, y: Int32Array.from(keep, (i) => yc[i]) }, { kind: 'multiclass', classes, probs: p }).metrics);
      const gotMc = mc.slices.find((s) => s.value === value)!.models.candidate;
      for (const [k, v] of Object.entries(expMc)) expect(gotMc[k].value).toBeCloseTo(v!, 12);
      // Intervals (where resampled) contain... at least are ordered and finite.
      expect(gotMc.accuracy.ci![0]).toBeLessThanOrEqual(gotMc.accuracy.ci![1]);
      const expRg = valuesOf(measure({ task: 'regression', y: Float64Array.from(keep, (i) => yr[i]) }, { kind: 'regression', values: Float64Array.from(keep, (i) => pr[i]) }).metrics);
      const gotRg = rg.slices.find((s) => s.value === value)!.models.candidate;
      for (const [k, v] of Object.entries(expRg)) expect(gotRg[k].value).toBeCloseTo(v!, 10);
    }
    // Regression has no bounded metric: no worst-slice gap.
    expect(rg.worstSliceGap).toEqual([]);
    expect(mc.worstSliceGap.length).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
describe('slice regressions', () => {
  // 1000 rows; region A (200 rows) is where the candidate is clearly worse than the baseline,
  // B and C (400 each) where it is clearly better; "coin" is a random split with no planted effect.
  function planted() {
    const r = rng(11);
    const n = 1000;
    const region = Array.from({ length: n }, (_, i) => (i < 200 ? 'A' : i < 600 ? 'B' : 'C'));
    const coin = Array.from({ length: n }, () => (r() < 0.5 ? 'heads' : 'tails'));
    const y = Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
    const base = Float64Array.from(y, (v) => sigmoid(1.2 * (2 * v - 1) + normal(r)));
    const cand = Float64Array.from(y, (v, i) => sigmoid((region[i] === 'A' ? 0.1 : 2.5) * (2 * v - 1) + normal(r)));
    const truth: Truth = { task: 'binary', classes: ['0', '1'], y };
    const outputs: SliceInput['outputs'] = [
      { name: 'candidate', role: 'candidate', predictions: { kind: 'binary', scores: cand } },
      { name: 'main', role: 'baseline', predictions: { kind: 'binary', scores: base } },
    ];
    const keys = exampleKeys(undefined, n);
    // The overall comparisons as the pipeline makes them: compareOne with the full-data bootstrap.
    const whole = bootstrap({ task: 'binary', truth: y, models: outputs.map((o) => ({ name: o.name, predictions: (o.predictions as { scores: Float64Array }).scores })), candidate: 'candidate', keys, resamples: 500, confidence: 0.95, seed: 3 });
    const mc = measure(truth, outputs[0].predictions).metrics;
    const mb = measure(truth, outputs[1].predictions).metrics;
    const overall = Object.keys(mc)
      .filter((m) => m !== 'example_count')
      .map((metric) => {
        const d = whole.deltas.main[metric];
        const u = d !== undefined && Number.isFinite(d.pValue) ? { ci: d.ci, pValue: d.pValue, alpha: 0.05 } : undefined;
        return compareOne(metric, mc[metric].value, mb[metric].value, undefined, 'main', u);
      });
    const input: SliceInput = {
      dataset: dataset([catCol('region', region), catCol('coin', coin)]),
      truth,
      outputs,
      measureOptions: DEFAULT_MEASURE,
      spec: spec(['region', 'coin']),
      bootstrap: { resamples: 500, confidence: 0.95, seed: 3, keys },
      overall,
    };
    return { input, overall };
  }

  test('a finding needs its p-value to survive Benjamini–Hochberg over every slice delta', () => {
    const { input, overall } = planted();
    const result = analyseSlices(input);
    // Independent of the selection code: the family is every slice delta against main with a p-value,
    // in slice order, adjusted by the statsmodels-checked benjaminiHochberg.
    const tests = result.slices.flatMap((sl) =>
      Object.entries(sl.deltas.main)
        .filter(([, d]) => d.pValue !== undefined && Number.isFinite(d.pValue))
        .map(([metric, d]) => ({ slice: `${sl.column} = ${sl.value}`, metric, d })),
    );
    const q = benjaminiHochberg(tests.map((t) => t.d.pValue!));
    const whole = new Map(overall.map((c) => [c.metric, c.change]));
    const expected = tests
      .filter((t, i) => t.d.change === 'regressed' && q[i] < 0.05 && !['regressed', 'missing', undefined].includes(whole.get(t.metric)))
      .map((t) => `${t.slice} ${t.metric}`);
    expect(result.findings.map((f) => `${f.slice} ${f.metric}`)).toEqual(expected);
    for (const f of result.findings) expect(f.message).toContain(`after Benjamini–Hochberg over ${tests.length} slice tests`);
  });

  test('with no planted effect, chance regressions in single slices are not findings', () => {
    // Candidate and baseline of equal quality, independent noise; 8 random slices × 13 metrics.
    let chance = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(100 + seed);
      const n = 1600;
      const bucket = Array.from({ length: n }, () => `b${Math.floor(r() * 8)}`);
      const y = Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
      const scores = () => Float64Array.from(y, (v) => sigmoid(1.2 * (2 * v - 1) + normal(r)));
      const outputs: SliceInput['outputs'] = [
        { name: 'candidate', role: 'candidate', predictions: { kind: 'binary', scores: scores() } },
        { name: 'main', role: 'baseline', predictions: { kind: 'binary', scores: scores() } },
      ];
      const truth: Truth = { task: 'binary', classes: ['0', '1'], y };
      const mc = measure(truth, outputs[0].predictions).metrics;
      const mb = measure(truth, outputs[1].predictions).metrics;
      // Overall "no significant change" everywhere, so every slice regression could be reported.
      const overall = Object.keys(mc)
        .filter((m) => m !== 'example_count')
        .map((metric) => compareOne(metric, mc[metric].value, mb[metric].value, undefined, 'main', { ci: [-1, 1], pValue: 0.5, alpha: 0.05 }));
      const result = analyseSlices({
        dataset: dataset([catCol('bucket', bucket)]),
        truth,
        outputs,
        measureOptions: DEFAULT_MEASURE,
        spec: spec(['bucket']),
        bootstrap: { resamples: 300, confidence: 0.95, seed, keys: exampleKeys(undefined, n) },
        overall,
      });
      chance += result.slices.flatMap((sl) => Object.values(sl.deltas.main)).filter((d) => d.change === 'regressed').length;
      expect(result.findings).toEqual([]);
    }
    // Uncorrected, these would have been warnings.
    expect(chance).toBeGreaterThan(0);
  });

  test('a planted regression in one slice of 200 rows is flagged; other slices are not', () => {
    const { input, overall } = planted();
    // Overall the candidate improves significantly on ROC AUC and log loss; on accuracy the gain is
    // not significant, which is still "not a regression".
    for (const m of ['roc_auc', 'log_loss']) expect(overall.find((c) => c.metric === m)!.change).toBe('improved');
    expect(overall.find((c) => c.metric === 'accuracy')!.change).toBe('no significant change');
    const result = analyseSlices(input);
    expect(result.findings.length).toBeGreaterThan(0);
    // The synthetic candidate is also under-confident everywhere (its scores are sigmoid(2.5 z)
    // where the true odds follow 5 z), worse than the baseline's; calibration (now resampled too)
    // may therefore be flagged in the other slices. Every other metric is flagged in A only.
    const calibration = new Set(['ece', 'mce']);
    for (const f of result.findings.filter((x) => !calibration.has(x.metric))) {
      expect(f).toMatchObject({ kind: 'slice_regression', severity: 'warning', slice: 'region = A' });
      expect(f.message).toContain('region = A');
      expect(f.message).toContain(f.metric);
      // Proportions in percentage points, with real minus signs, as everywhere in the report (issue 15, item 7).
      if (metricInfo(f.metric)?.bounded) expect(f.message).toMatch(/: [−+][\d.]+ pp against main \(95 % CI \[−?[\d.e]+, −?[\d.e]+\] pp, p = /);
      else expect(f.message).toMatch(/: [−+][\d.e]+ against main \(95 % CI \[−?[\d.e]+, −?[\d.e]+\], p = /);
      expect(f.message).not.toMatch(/\[-|, -/); // no ASCII hyphen for a minus
      expect(f.message).toContain('against main');
    }
    const flagged = result.findings.map((f) => f.metric);
    for (const m of ['accuracy', 'roc_auc', 'log_loss']) expect(flagged).toContain(m);
    // The operating points get intervals now, and the planted regression shows in them as well.
    const inA = result.findings.filter((f) => f.slice === 'region = A').map((f) => f.metric);
    for (const m of ['recall_at_fpr', 'precision_at_recall']) expect(inA).toContain(m);
    const a = result.slices.find((s) => s.value === 'A')!;
    expect(a.rows).toBe(200);
    expect(a.deltas.main.roc_auc.change).toBe('regressed');
    expect(a.deltas.main.roc_auc.pValue!).toBeLessThan(0.05);
    expect(a.deltas.main.roc_auc.ci![1]).toBeLessThan(0);
    // The finding's delta is the slice's.
    const f = result.findings.find((x) => x.metric === 'roc_auc')!;
    expect(f.message).toContain(`−${Number((100 * Math.abs(a.deltas.main.roc_auc.delta!)).toPrecision(3))} pp`);
    for (const v of ['B', 'C']) expect(result.slices.find((s) => s.value === v)!.deltas.main.roc_auc.change).toBe('improved');
    // The random split mixes A into both halves: no significant regression in it. Every binary
    // metric has an interval, calibration and the operating points included.
    for (const v of ['heads', 'tails']) {
      const deltas = Object.values(result.slices.find((s) => s.value === v)!.deltas.main).filter((d) => d.ci !== undefined);
      expect(deltas.length).toBe(13);
      for (const d of deltas) expect(d.change).not.toBe('regressed');
    }
  });

  test('no finding where the metric also regresses overall', () => {
    const { input } = planted();
    const result = analyseSlices({ ...input, overall: input.overall.map((c) => ({ ...c, change: c.metric === 'roc_auc' ? 'regressed' : c.change })) });
    expect(result.findings.map((f) => f.metric)).not.toContain('roc_auc');
    expect(result.findings.map((f) => f.metric)).toContain('accuracy');
  });

  test('an unplanted dataset (the candidate better everywhere) gives no finding', () => {
    const r = rng(12);
    const n = 800;
    const group = Array.from({ length: n }, () => ['p', 'q', 'r', 's'][Math.floor(r() * 4)]);
    const y = Uint8Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
    const base = Float64Array.from(y, (v) => sigmoid(1.0 * (2 * v - 1) + normal(r)));
    const cand = Float64Array.from(y, (v) => sigmoid(1.1 * (2 * v - 1) + normal(r)));
    const truth: Truth = { task: 'binary', classes: ['0', '1'], y };
    const mc = measure(truth, { kind: 'binary', scores: cand }).metrics;
    const result = analyseSlices({
      dataset: dataset([catCol('group', group)]),
      truth,
      outputs: [
        { name: 'candidate', role: 'candidate', predictions: { kind: 'binary', scores: cand } },
        { name: 'main', role: 'baseline', predictions: { kind: 'binary', scores: base } },
      ],
      measureOptions: DEFAULT_MEASURE,
      spec: spec(['group']),
      bootstrap: { resamples: 500, confidence: 0.95, seed: 5, keys: exampleKeys(undefined, n) },
      overall: Object.keys(mc).map((metric) => ({ metric, change: 'improved' })),
    });
    expect(result.slices).toHaveLength(4);
    expect(result.findings).toEqual([]);
  });

  test('without the bootstrap: point estimates, flagged only where the overall change improved', () => {
    const { input } = planted();
    const result = analyseSlices({ ...input, bootstrap: undefined });
    expect(result.resamples).toBe(0);
    const a = result.slices.find((s) => s.value === 'A')!;
    expect(a.deltas.main.roc_auc).toEqual({ delta: a.models.candidate.roc_auc.value! - a.models.main.roc_auc.value!, change: 'regressed' });
    expect(a.models.candidate.roc_auc.ci).toBeUndefined();
    const aFindings = result.findings.filter((f) => f.slice === 'region = A');
    expect(aFindings.map((f) => f.metric)).toContain('roc_auc');
    for (const f of result.findings) expect(f.message).toContain('(point estimate, no interval)');
    // Only metrics whose overall change is "improved".
    const improved = new Set(input.overall.filter((c) => c.change === 'improved').map((c) => c.metric));
    for (const f of result.findings) expect(improved.has(f.metric)).toBe(true);
    // Every slice where the point delta is worse on an overall-improved metric is flagged, nothing else.
    const expected: string[] = [];
    for (const s of result.slices) {
      for (const [m, d] of Object.entries(s.deltas.main)) if (d.change === 'regressed' && improved.has(m)) expected.push(`${s.column} = ${s.value}|${m}`);
    }
    expect(result.findings.map((f) => `${f.slice}|${f.metric}`)).toEqual(expected);
  });

  test('findings are against the first baseline only; a dummy gets deltas but no findings', () => {
    const { input } = planted();
    const prior = Float64Array.from({ length: 1000 }, () => 0.5);
    const result = analyseSlices({
      ...input,
      outputs: [{ name: 'dummy', role: 'dummy', predictions: { kind: 'binary', scores: prior } }, ...input.outputs],
    });
    expect(Object.keys(result.slices[0].deltas)).toEqual(['dummy', 'main']);
    for (const f of result.findings) expect(f.message).toContain('against main');
  });
});

// ---------------------------------------------------------------------------------------------
describe('worst-slice gap', () => {
  function bruteForce(result: SliceResult, model: string, column: string) {
    const group = result.slices.filter((s) => s.column === column);
    let best: { metric: string; gap: number; hi: number; lo: number } | undefined;
    for (const metric of Object.keys(group[0].models[model])) {
      const info = metricInfo(metric);
      if (!info?.bounded || info.informational) continue;
      const values = group.map((s) => s.models[model][metric].value).filter((v): v is number => v !== null);
      if (values.length < 2) continue;
      const gap = Math.max(...values) - Math.min(...values);
      if (best === undefined || gap > best.gap) best = { metric, gap, hi: Math.max(...values), lo: Math.min(...values) };
    }
    return best;
  }

  test('equals a brute-force max − min over slice values, per model and column', () => {
    const result = analyseSlices(penguinInput({ bootstrap: undefined }));
    const columns = [...new Set(result.slices.map((s) => s.column))];
    let checked = 0;
    for (const o of penguins.outputs) {
      for (const column of columns) {
        const expected = bruteForce(result, o.name, column);
        const got = result.worstSliceGap.find((g) => g.model === o.name && g.column === column);
        if (result.slices.filter((s) => s.column === column).length < 2) {
          expect(got).toBeUndefined();
          continue;
        }
        expect(got).toBeDefined();
        expect(got!.metric).toBe(expected!.metric);
        expect(got!.gap).toBeCloseTo(expected!.gap, 14);
        const up = metricInfo(got!.metric)!.higherIsBetter;
        expect(got!.best.metric).toBe(up ? expected!.hi : expected!.lo);
        expect(got!.worst.metric).toBe(up ? expected!.lo : expected!.hi);
        const slice = (v: string) => result.slices.find((s) => s.column === column && s.value === v)!;
        expect(slice(got!.best.value).models[o.name][got!.metric].value).toBe(got!.best.metric);
        expect(slice(got!.worst.value).models[o.name][got!.metric].value).toBe(got!.worst.metric);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  test('a planted gap: a perfect slice and a slice where every row scores 0.9', () => {
    const n = 200;
    const g = Array.from({ length: n }, (_, i) => (i < 100 ? 'good' : 'bad'));
    const y = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const scores = Float64Array.from(y, (v, i) => (i < 100 ? (v ? 0.9 : 0.1) : 0.9));
    const result = analyseSlices({
      dataset: dataset([catCol('g', g)]),
      truth: { task: 'binary', classes: ['0', '1'], y },
      outputs: [{ name: 'candidate', role: 'candidate', predictions: { kind: 'binary', scores } }],
      measureOptions: DEFAULT_MEASURE,
      spec: spec(['g']),
      bootstrap: undefined,
      overall: [],
    });
    const gap = result.worstSliceGap[0];
    // On "bad" every row scores 0.9: accuracy, precision and ROC AUC 0.5, and no threshold keeps
    // the false-positive rate at 1 % with any recall (recall_at_fpr 0); on "good" all of them are 1.
    expect(result.worstSliceGap).toHaveLength(1);
    expect(gap).toEqual({ model: 'candidate', column: 'g', metric: 'recall_at_fpr', best: { value: 'good', metric: 1 }, worst: { value: 'bad', metric: 0 }, gap: 1 });
    const bad = result.slices.find((s) => s.value === 'bad')!.models.candidate;
    expect(bad.accuracy.value).toBe(0.5);
    expect(bad.roc_auc.value).toBe(0.5);
  });
});

// ---------------------------------------------------------------------------------------------
describe('reproducibility and speed', () => {
  const intervals = (r: SliceResult) =>
    r.slices.map((s) => ({
      slice: `${s.column}|${s.value}`,
      rows: s.rows,
      models: s.models,
      deltas: s.deltas,
    }));

  test('same seed → identical intervals; another seed → different ones', () => {
    const a = analyseSlices(penguinInput());
    const b = analyseSlices(penguinInput());
    expect(a.resamples).toBe(1000);
    expect(intervals(b)).toEqual(intervals(a));
    expect(a.slices[0].models.candidate.roc_auc.ci).toBeDefined();
    expect(a.slices[0].deltas.main.roc_auc.pValue).toBeDefined();
    const c = analyseSlices(penguinInput({ bootstrap: { resamples: 1000, confidence: 0.95, seed: 8, keys: penguinKeys() } }));
    expect(intervals(c)).not.toEqual(intervals(a));
  });

  test('shuffled row order with an id column → identical values and intervals', () => {
    const n = penguins.data.rowCount;
    const r = rng(99);
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const permCol = (c: Column): Column =>
      c.kind === 'numeric'
        ? { ...c, values: Float64Array.from(perm, (i) => c.values[i]), raw: perm.map((i) => c.raw[i]) }
        : { ...c, values: perm.map((i) => c.values[i]) };
    const data: Dataset = { ...penguins.data, columns: penguins.data.columns.map(permCol), recordLines: Int32Array.from(perm, (i) => penguins.data.recordLines[i]) };
    const truth: Truth = { ...(penguins.truth as Extract<Truth, { task: 'binary' }>), y: Uint8Array.from(perm, (i) => penguins.truth.y[i]) };
    const outputs = penguins.outputs.map((o) => ({ ...o, predictions: { kind: 'binary' as const, scores: Float64Array.from(perm, (i) => (o.predictions as { scores: Float64Array }).scores[i]) } }));
    const ids = perm.map((i) => penguins.csv.rows[i][0]);
    const shuffled = analyseSlices(penguinInput({ dataset: data, truth, outputs, bootstrap: { resamples: 1000, confidence: 0.95, seed: 7, keys: exampleKeys(ids, n) } }));
    const original = analyseSlices(penguinInput());
    expect(intervals(shuffled)).toEqual(intervals(original));
    expect(shuffled.skipped).toEqual(original.skipped);
    expect(shuffled.worstSliceGap).toEqual(original.worstSliceGap);
  });

  test('the resamples per slice are capped by the row-visit budget, never above the given number', () => {
    // 9 slices over 94 rows: Σ slice rows = 94 · 2 + 94 · 2 + 94 + 94 = 564 (the pair and the
    // quartile bins of body_mass_g lose their small slices), × 3 models per resample.
    const full = analyseSlices(penguinInput({ bootstrap: { resamples: 300, confidence: 0.95, seed: 7, keys: penguinKeys() } }));
    expect(full.resamples).toBe(300);
    expect(full.notes).toEqual([]);
    const perResample = 3 * full.slices.reduce((a, s) => a + s.rows, 0);
    const capped = analyseSlices(penguinInput({ bootstrap: { resamples: 1000, confidence: 0.95, seed: 7, keys: penguinKeys(), maxRowVisits: perResample * 250 } }));
    expect(capped.resamples).toBe(250);
    expect(capped.notes[0]).toMatch(/^Slice intervals use 250 resamples \(percentile\) instead of 1000/);
    // Percentile intervals from the same first 250 resamples as an uncapped run with 250.
    const direct = analyseSlices(penguinInput({ bootstrap: { resamples: 250, confidence: 0.95, seed: 7, keys: penguinKeys() } }));
    expect(intervals(capped)).toEqual(intervals(direct));
    const floor = analyseSlices(penguinInput({ bootstrap: { resamples: 1000, confidence: 0.95, seed: 7, keys: penguinKeys(), maxRowVisits: 1 } }));
    expect(floor.resamples).toBe(200);
  });

  test('penguins (94 rows, 3 models, 1000 resamples, BCa): well under a second', () => {
    const cold = performance.now();
    analyseSlices(penguinInput());
    const coldMs = performance.now() - cold;
    const started = performance.now();
    const result = analyseSlices(penguinInput());
    const ms = performance.now() - started;
    expect(result.slices.length).toBeGreaterThanOrEqual(6);
    expect(result.resamples).toBe(1000);
    if (process.env.SLICES_TIMING) console.log(`analyseSlices: ${result.slices.length} slices, first call ${coldMs.toFixed(0)} ms, then ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
  });
});
