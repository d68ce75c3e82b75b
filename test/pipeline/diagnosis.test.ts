// Diagnosis: label drift, churn and flips, fail-on lists.
import path from 'node:path';
import { escalate, evaluate, stepFails } from '../../src/pipeline/evaluate.js';
import { predictionDrifts } from '../../src/pipeline/drift.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

test('churn and the flip matrix count predicted classes that change, by hand', () => {
  const cand = { kind: 'binary' as const, scores: Float64Array.from([0.9, 0.2, 0.6, 0.4, 0.7]) };
  const base = { kind: 'binary' as const, scores: Float64Array.from([0.8, 0.7, 0.3, 0.1, 0.9]) };
  const [d] = predictionDrifts(cand, [{ name: 'main', predictions: base }], ['no', 'yes'], 0.5);
  // base classes 1,1,0,0,1; candidate 1,0,1,0,1: two flips.
  expect(d.churn).toBeCloseTo(2 / 5, 15);
  expect(d.flips).toEqual({ labels: ['no', 'yes'], counts: [[1, 1], [1, 2]] });
});

test('label drift is tested apart from the features; the Diagnosis section collects it', async () => {
  const e = await evaluate(
    resolveSettings(
      { candidate: fx('penguins-sex', 'candidate'), data: fx('penguins-sex', 'eval.csv'), 'label-column': 'sex', 'id-column': 'id', bootstrap: '0', 'reference-data': fx('penguins-sex', 'train.csv') },
      undefined,
      root,
    ),
    silentLog,
  );
  expect(e.drift!.features.map((f) => f.name)).not.toContain('sex');
  expect(e.labelDrift!.features.map((f) => f.name)).toEqual(['sex']);
  const r = renderReport(e, { date: '2026-11-27' });
  expect(r.markdown).toContain('## Diagnosis');
  expect(r.markdown).toContain('**Label drift**');
  expect(r.json.labelDrift?.features[0].name).toBe('sex');
});

test('fail-on: overfitting and drift findings fail only when listed', () => {
  const findings = [{ kind: 'data_drift', severity: 'warning' as const, message: 'x', features: ['a'] }];
  expect(escalate(findings, ['regression'])[0].severity).toBe('warning');
  expect(escalate(findings, ['drift'])[0].severity).toBe('error');
  const e = { data: { path: '', rows: 0 }, models: [], gate: { comparisons: [], checks: [], verdict: 'fail' as const, findings: escalate(findings, ['drift']) } };
  expect(stepFails(e, ['drift'])).toBe(true);
  expect(stepFails(e, [])).toBe(false);
  const thresholdOnly = { ...e, gate: { ...e.gate, findings: [{ kind: 'threshold', severity: 'error' as const, message: 'y' }] } };
  expect(stepFails(thresholdOnly, ['drift'])).toBe(false);
  expect(stepFails(thresholdOnly, ['regression'])).toBe(true);
  expect(() => resolveSettings({ candidate: 'c', data: 'd', 'label-column': 'y', 'fail-on': 'regression,vibes' }, undefined, root)).toThrow(/fail-on must list regression, overfitting or drift/);
  expect(resolveSettings({ candidate: 'c', data: 'd', 'label-column': 'y', 'fail-on': 'never' }, undefined, root).failOn).toEqual([]);
});
