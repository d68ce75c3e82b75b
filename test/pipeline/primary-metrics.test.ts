// The `primary-metrics` input from settings to the gate and the JSON report (issue 15, item 1).
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { jsonReport } from '../../src/report/json.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const sex = (over: RawInputs = {}) =>
  resolveSettings(
    { candidate: fx('penguins-sex', 'candidate'), baselines: `production=${fx('penguins-sex', 'baseline-predictions.csv')}`, data: fx('penguins-sex', 'eval.csv'), 'label-column': 'sex', 'id-column': 'id', bootstrap: '200', ...over },
    undefined,
    root,
  );

test('settings: a comma-separated list, none, or the task default (undefined)', () => {
  expect(sex({ 'primary-metrics': 'roc_auc, pr_auc' }).primaryMetrics).toEqual(['roc_auc', 'pr_auc']);
  expect(sex({ 'primary-metrics': 'none' }).primaryMetrics).toEqual([]);
  expect(sex().primaryMetrics).toBeUndefined();
  expect(() => sex({ 'primary-metrics': 'none,roc_auc' })).toThrow('primary-metrics: "none" cannot be listed with metric names; give either names or none.');
});

test('a primary metric the task does not have is an input error naming it', async () => {
  const e = await evaluate(sex({ 'primary-metrics': 'mse' }), silentLog);
  expect(e.gate.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([
    expect.stringMatching(/^primary-metrics names "mse", which is not a binary metric\. binary metrics: accuracy, /),
  ]);
});

test('the default family reaches the JSON: primary flags, family p-values, minimum effects', async () => {
  const e = await evaluate(sex(), silentLog);
  const rows = jsonReport(e, '', 'test').comparisons.filter((c) => c.baseline === 'production');
  expect(rows.filter((c) => c.primary).map((c) => c.metric).sort()).toEqual(['log_loss', 'roc_auc']);
  // One-sided max-T p-values for the family members only; every row has its minimum effect.
  for (const c of rows) {
    if (c.primary) expect(c.familyPValue).toBeGreaterThan(0);
    else expect(c.familyPValue).toBeUndefined();
    expect(c.minEffect).toBe(c.metric === 'log_loss' ? 0.01 * Math.abs(c.baselineValue!) : 0.005);
    expect(typeof c.negligible).toBe('boolean');
  }
  // With primary-metrics: ece, ece joins the family and roc_auc leaves it.
  const own = jsonReport(await evaluate(sex({ 'primary-metrics': 'ece' }), silentLog), '', 'test').comparisons.filter((c) => c.baseline === 'production');
  expect(own.filter((c) => c.familyPValue !== undefined).map((c) => c.metric)).toEqual(['ece']);
});
