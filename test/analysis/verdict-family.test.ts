// Issue 15, item 1: only primary metrics move the verdict by default, tested one-sided as one
// family across primary metrics × baselines, and only beyond a minimum effect; the dummy never warns.
import { compareOne, gate, type Uncertainties } from '../../src/analysis/compare.js';
import { defaultMinEffect, defaultPrimaryMetrics } from '../../src/metrics/direction.js';
import { parseThresholdsYaml } from '../../src/settings/thresholds.js';
import { holm } from '../../src/stats/corrections.js';
import type { ModelMeasurement } from '../../src/types.js';

const model = (name: string, role: ModelMeasurement['role'], metrics: Record<string, number>): ModelMeasurement => ({
  name,
  role,
  path: name,
  engine: 'test',
  backend: 'none',
  files: [],
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, value]) => [k, { value }])),
});
const u = (ci: [number, number], pValue: number, familyPValue?: number) => ({ ci, pValue, alpha: 0.05, ...(familyPValue === undefined ? {} : { familyPValue }) });
const row = (g: ReturnType<typeof gate>, baseline: string, metric: string) => g.comparisons.find((c) => c.baseline === baseline && c.metric === metric)!;

describe('primary metrics', () => {
  test('documented defaults per task, among the metrics measured', () => {
    expect(defaultPrimaryMetrics('binary', ['accuracy', 'roc_auc', 'log_loss', 'ece'])).toEqual(['roc_auc', 'log_loss']);
    expect(defaultPrimaryMetrics('multiclass', ['accuracy', 'log_loss', 'roc_auc_ovr_macro'])).toEqual(['roc_auc_ovr_macro', 'log_loss']);
    expect(defaultPrimaryMetrics('regression', ['mae', 'mse', 'rmse', 'r2'])).toEqual(['mse', 'mae']);
    expect(defaultPrimaryMetrics('ranking', ['ndcg@10', 'ndcg@5', 'mrr', 'map@5'])).toEqual(['ndcg@5', 'mrr']);
  });

  // Binary at the defaults: roc_auc and log_loss move the verdict; ece does not.
  const cand = model('candidate', 'candidate', { roc_auc: 0.9, log_loss: 0.3, ece: 0.08 });
  const main = model('main', 'baseline', { roc_auc: 0.9, log_loss: 0.3, ece: 0.03 });
  const dummy = model('dummy', 'dummy', { roc_auc: 0.5, log_loss: 0.69, ece: 0.0 });
  const deltas: Uncertainties = {
    main: { roc_auc: u([-0.01, 0.01], 0.9, 1), log_loss: u([-0.01, 0.01], 0.9, 1), ece: u([0.03, 0.07], 0.002) },
    dummy: { roc_auc: u([0.35, 0.45], 0.002), log_loss: u([-0.42, -0.36], 0.002), ece: u([0.06, 0.1], 0.002) },
  };

  test('a significant regression of a non-primary metric is shown but does not warn', () => {
    const g = gate('binary', [cand, main, dummy], {}, [], deltas);
    expect(row(g, 'main', 'ece')).toMatchObject({ change: 'regressed', status: 'pass', primary: false, negligible: false });
    expect(row(g, 'main', 'roc_auc').primary).toBe(true);
    expect(g.verdict).toBe('pass');
  });

  test('a threshold that names the metric puts it back into the verdict', () => {
    const g = gate('binary', [cand, main, dummy], parseThresholdsYaml('ece: { min-effect: 0.01 }', 't'), [], deltas);
    expect(row(g, 'main', 'ece')).toMatchObject({ change: 'regressed', status: 'warn', minEffect: 0.01 });
    expect(g.verdict).toBe('warn');
  });

  test('primary-metrics replaces the defaults; a name not measured is a warning that says so', () => {
    const g = gate('binary', [cand, main, dummy], {}, [], deltas, { primaryMetrics: ['ece'] });
    expect(row(g, 'main', 'ece').status).toBe('warn');
    expect(row(g, 'main', 'roc_auc').primary).toBe(false);
    const missing = gate('binary', [cand, main, dummy], {}, [], deltas, { primaryMetrics: ['pr_auc'] });
    expect(missing.findings).toEqual([
      { kind: 'primary_metrics', severity: 'warning', message: 'primary-metrics names pr_auc, which is not measured for this binary task, so it cannot move the verdict.' },
    ]);
  });

  test('deltas against the dummy never warn, even on a primary metric and significantly worse', () => {
    // Candidate worse than the dummy on roc_auc (significant) but better on log loss (the no_skill check passes).
    const weak = model('candidate', 'candidate', { roc_auc: 0.45, log_loss: 0.6, ece: 0.0 });
    const g = gate('binary', [weak, dummy], {}, [], { dummy: { roc_auc: u([-0.08, -0.02], 0.004), log_loss: u([-0.12, -0.06], 0.002), ece: u([-0.01, 0.01], 1) } });
    expect(row(g, 'dummy', 'roc_auc')).toMatchObject({ change: 'regressed', status: 'pass' });
    expect(g.verdict).toBe('pass');
  });
});

describe('the family test: one-sided, adjusted across primary metrics × baselines', () => {
  test('the family p-value decides a worsening, not the marginal two-sided one', () => {
    // Marginally significant (p 0.01, interval below 0) but not after adjustment: no regression.
    expect(compareOne('roc_auc', 0.88, 0.9, undefined, 'main', u([-0.035, -0.005], 0.01), { familyPValue: 0.08 })).toMatchObject({
      change: 'no significant change',
      status: 'pass',
      familyPValue: 0.08,
    });
    // One-sided: worse at 5 % across the family although the two-sided 95 % interval touches 0.
    expect(compareOne('roc_auc', 0.88, 0.9, undefined, 'main', u([-0.04, 0.001], 0.07), { familyPValue: 0.035 })).toMatchObject({ change: 'regressed', status: 'warn' });
    // An improvement keeps the two-sided rule.
    expect(compareOne('roc_auc', 0.92, 0.9, undefined, 'main', u([0.005, 0.035], 0.01), { familyPValue: 0.99 }).change).toBe('improved');
  });

  test('without max-T p-values (multilabel, ranking) the gate uses Holm over the one-sided p-values', () => {
    // Two members: roc_auc_macro worse with two-sided p 0.04 (one-sided 0.02, Holm × 2 = 0.04 < 0.05);
    // hamming_loss better with p 0.5 (one-sided 0.75, Holm 0.75).
    const cand = model('candidate', 'candidate', { roc_auc_macro: 0.8, hamming_loss: 0.1 });
    const main = model('main', 'baseline', { roc_auc_macro: 0.82, hamming_loss: 0.11 });
    const g = gate('multilabel', [cand, main], {}, [], { main: { roc_auc_macro: u([-0.04, -0.001], 0.04), hamming_loss: u([-0.02, 0.01], 0.5) } });
    expect(row(g, 'main', 'roc_auc_macro')).toMatchObject({ familyPValue: 0.04, change: 'regressed', status: 'warn' });
    expect(row(g, 'main', 'hamming_loss').familyPValue).toBeCloseTo(0.75, 15);
    // A second baseline doubles the family: the same p-value no longer makes a regression.
    const old = model('old', 'baseline', { roc_auc_macro: 0.8, hamming_loss: 0.1 });
    const wide = gate('multilabel', [cand, main, old], {}, [], {
      main: { roc_auc_macro: u([-0.04, -0.001], 0.04), hamming_loss: u([-0.02, 0.01], 0.5) },
      old: { roc_auc_macro: u([-0.01, 0.01], 0.9), hamming_loss: u([-0.01, 0.01], 0.9) },
    });
    expect(row(wide, 'main', 'roc_auc_macro')).toMatchObject({ familyPValue: 0.08, status: 'pass' });
  });

  test('holm() matches Holm (1979) from its definition', () => {
    // Reference: the smallest α at which the step-down procedure (reject while p_(j) ≤ α / (m − j + 1))
    // rejects each hypothesis, found by brute force over α in Python (numpy 1.24); NaN is left out.
    const adjusted = holm([0.01, 0.04, 0.03, 0.005, 0.2, NaN, 0.04]);
    [0.05, 0.12, 0.12, 0.03, 0.2, NaN, 0.12].forEach((v, i) => (Number.isNaN(v) ? expect(adjusted[i]).toBeNaN() : expect(adjusted[i]).toBeCloseTo(v, 15)));
    expect(holm([])).toEqual([]);
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
  });
});

describe('minimum effect', () => {
  test('defaults: 0.5 percentage points on bounded metrics, 1 % of the baseline on unbounded ones', () => {
    expect(defaultMinEffect('roc_auc', 0.9)).toBe(0.005);
    expect(defaultMinEffect('ece', 0.001)).toBe(0.005);
    expect(defaultMinEffect('log_loss', 0.6)).toBeCloseTo(0.006, 15);
    expect(defaultMinEffect('mse', 200)).toBeCloseTo(2, 15);
  });

  test('a significant regression no larger than the minimum effect is negligible and passes', () => {
    const sig = u([-0.004, -0.002], 0.001, 0.001);
    expect(compareOne('roc_auc', 0.897, 0.9, undefined, 'main', sig)).toMatchObject({ change: 'regressed', negligible: true, minEffect: 0.005, status: 'pass' });
    expect(compareOne('roc_auc', 0.89, 0.9, undefined, 'main', u([-0.014, -0.006], 0.001, 0.001))).toMatchObject({ change: 'regressed', negligible: false, status: 'warn' });
    // log_loss 0.6 → 0.605: 0.83 % of the baseline, below the 1 % default.
    expect(compareOne('log_loss', 0.605, 0.6, undefined, 'main', u([0.002, 0.008], 0.001, 0.001))).toMatchObject({ negligible: true, status: 'pass' });
  });

  test('without intervals (bootstrap 0): a primary metric worse beyond its minimum effect warns; within it, or another metric, passes', () => {
    const cand = model('candidate', 'candidate', { roc_auc: 0.88, log_loss: 0.302, ece: 0.2 });
    const main = model('main', 'baseline', { roc_auc: 0.9, log_loss: 0.3, ece: 0.01 });
    const g = gate('binary', [cand, main], {}, []);
    expect(row(g, 'main', 'roc_auc')).toMatchObject({ change: 'regressed', status: 'warn' });
    expect(row(g, 'main', 'log_loss')).toMatchObject({ change: 'regressed', negligible: true, status: 'pass' });
    expect(row(g, 'main', 'ece')).toMatchObject({ change: 'regressed', status: 'pass' });
  });

  test('min-effect in thresholds sets it per metric', () => {
    const rule = parseThresholdsYaml('roc_auc: { min-effect: 0.001 }', 't').roc_auc;
    expect(rule).toEqual({ minEffect: 0.001, severity: 'fail' });
    expect(compareOne('roc_auc', 0.897, 0.9, rule, 'main', u([-0.004, -0.002], 0.001, 0.001))).toMatchObject({ negligible: false, status: 'warn' });
    expect(() => parseThresholdsYaml('roc_auc: { min-effect: -0.01 }', 'the thresholds input')).toThrow(
      'the thresholds input: min-effect for "roc_auc" must be zero or more (it is the smallest worsening that counts).',
    );
  });
});
