// `model-gate drift`: two samples, no model. Checked against the scipy-computed reference for the
// same seattle-weather split (fixtures/reference/drift_reference.py).
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';

const root = process.cwd();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'model-gate-drift-'));

function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const o = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return fn().finally(() => (o.mockRestore(), e.mockRestore()));
}

test('2012 against 2015: dataset drift, exit 1, JSON and markdown agree with the reference', async () => {
  const json = path.join(tmp, 'drift.json');
  const md = path.join(tmp, 'drift.md');
  const code = await quiet(() =>
    main(['drift', '--reference-data', 'fixtures/drift/seattle-2012.csv', '--current-data', 'fixtures/drift/seattle-2015.csv', '--json', json, '--markdown', md, '-q'], root),
  );
  expect(code).toBe(1);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  expect(report).toMatchObject({ schemaVersion: 1, kind: 'drift' });
  // scipy 1.10 / statsmodels values for this split, from fixtures/reference/drift_reference.py.
  const reference = JSON.parse(readFileSync(path.join(root, 'fixtures', 'reference', 'drift_reference.json'), 'utf8'));
  const want = reference.drift.find((c: { name: string }) => c.name === '2012_vs_2015');
  expect(report.drift.datasetDrift).toBe(want.datasetDrift);
  expect(report.drift.share).toBeCloseTo(want.share, 12);
  expect(report.drift.features.map((f: { name: string }) => f.name)).toEqual(want.features.map((f: { name: string }) => f.name));
  for (const f of want.features) {
    const got = report.drift.features.find((g: { name: string }) => g.name === f.name);
    expect(got.test).toBe(f.test);
    expect(got.drifted).toBe(f.drifted);
    if (f.pValueAdjusted !== undefined) expect(Math.abs(got.pValueAdjusted - f.pValueAdjusted)).toBeLessThanOrEqual(1e-9 * Math.max(1e-300, Math.abs(f.pValueAdjusted)) + 1e-15);
    if (f.ks_pvalue !== undefined) expect(Math.abs(got.ks_pvalue - f.ks_pvalue)).toBeLessThanOrEqual(1e-9 * Math.abs(f.ks_pvalue) + 1e-15);
    if (f.psi !== null && f.psi !== undefined) expect(got.psi).toBeCloseTo(f.psi, 9);
  }
  const markdown = readFileSync(md, 'utf8');
  expect(markdown).toMatch(/^## 🔴 model-gate drift: dataset drift/);
  expect(markdown).toContain('Benjamini–Hochberg');
  expect(report.findings.some((f: { kind: string; features: string[] }) => f.kind === 'data_drift' && f.features.length > 0)).toBe(true);
  // The command fails on the decision, so the decision is the error, and nothing else is.
  expect(report.findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { kind: string }) => f.kind)).toEqual(['data_drift']);
});

test('2014 against 2015: one feature of five drifted and a new category warn, but no dataset drift: exit 0', async () => {
  const json = path.join(tmp, 'drift-2014.json');
  const code = await quiet(() =>
    main(['drift', '--reference-data', 'fixtures/drift/seattle-2014.csv', '--current-data', 'fixtures/drift/seattle-2015.csv', '--json', json, '-q'], root),
  );
  expect(code).toBe(0);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  expect(report.findings.map((f: { kind: string; severity: string }) => [f.kind, f.severity])).toEqual([
    ['feature_drift', 'warning'],
    ['new_categories', 'warning'],
  ]);
});

// `fail-on: drift` in evaluate follows the same decision (issue 15: a run with 0 of 7 features drifted
// failed on "PSI ≥ 0.25", and on prediction drift, which only says the candidate's outputs differ).
const evaluateArgs = [
  'evaluate',
  '--candidate', 'fixtures/penguins-sex/candidate',
  '--baseline', 'main=fixtures/penguins-sex/baseline',
  '--baseline', 'production=fixtures/penguins-sex/baseline-predictions.csv',
  '--data', 'fixtures/penguins-sex/eval.csv',
  '--label', 'sex',
  '--id', 'id',
  '--bootstrap', '0',
  '-q',
];

test('fail-on drift with no feature drifted passes the step: PSI alone and prediction drift are information', async () => {
  const json = path.join(tmp, 'no-drift.json');
  const code = await quiet(() => main([...evaluateArgs, '--reference-data', 'fixtures/penguins-sex/train.csv', '--fail-on', 'drift', '--json', json], root));
  const report = JSON.parse(readFileSync(json, 'utf8'));
  expect(report.drift.features.filter((f: { drifted: boolean }) => f.drifted)).toEqual([]);
  const byKind = (kind: string) => report.findings.filter((f: { kind: string }) => f.kind === kind).map((f: { severity: string }) => f.severity);
  expect(byKind('psi_shift')).toEqual(['info']);
  expect(byKind('prediction_drift')).toEqual(['info']);
  expect(byKind('data_drift')).toEqual([]);
  expect(code).toBe(0);
});

test('dataset drift fails the step under fail-on drift only', async () => {
  // The demo's training data with four of its seven features moved by about one standard deviation.
  const shift: Record<string, number> = { bill_length_mm: 5, bill_depth_mm: 2, flipper_length_mm: 14, body_mass_g: 800 };
  const [head, ...rows] = readFileSync(path.join(root, 'fixtures/penguins-sex/train.csv'), 'utf8').trimEnd().split('\n');
  const names = head.split(',');
  const moved = rows.map((r) => r.split(',').map((v, j) => (shift[names[j]] !== undefined && v !== '' ? String(Number(v) + shift[names[j]]) : v)).join(','));
  const reference = path.join(tmp, 'shifted-train.csv');
  writeFileSync(reference, [head, ...moved].join('\n') + '\n');
  const args = [...evaluateArgs, '--reference-data', reference, '--allowed-roots', tmp];

  const failJson = path.join(tmp, 'drift-fail.json');
  expect(await quiet(() => main([...args, '--fail-on', 'drift', '--json', failJson], root))).toBe(1);
  const failed = JSON.parse(readFileSync(failJson, 'utf8'));
  expect(failed.drift.datasetDrift).toBe(true);
  expect(failed.findings.filter((f: { kind: string }) => f.kind === 'data_drift').map((f: { severity: string }) => f.severity)).toEqual(['error']);

  // Not listed in fail-on: the same decision warns, and the step passes.
  const warnJson = path.join(tmp, 'drift-warn.json');
  expect(await quiet(() => main([...args, '--fail-on', 'regression', '--json', warnJson], root))).toBe(0);
  const warned = JSON.parse(readFileSync(warnJson, 'utf8'));
  expect(warned.findings.filter((f: { kind: string }) => f.kind === 'data_drift').map((f: { severity: string }) => f.severity)).toEqual(['warning']);
});

test('the same file against itself: no drift, exit 0', async () => {
  const code = await quiet(() => main(['drift', '--reference-data', 'fixtures/drift/seattle-2015.csv', '--current-data', 'fixtures/drift/seattle-2015.csv', '-q'], root));
  expect(code).toBe(0);
});

test('missing flags and bad tests are input errors (exit 2)', async () => {
  expect(await quiet(() => main(['drift', '--reference-data', 'fixtures/drift/seattle-2015.csv'], root))).toBe(2);
  expect(
    await quiet(() => main(['drift', '--reference-data', 'fixtures/drift/seattle-2012.csv', '--current-data', 'fixtures/drift/seattle-2015.csv', '--drift-tests', 'wind=magic'], root)),
  ).toBe(2);
});
