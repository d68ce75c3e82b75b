// `model-gate drift`: two samples, no model. Checked against the scipy-computed reference for the
// same seattle-weather split (fixtures/reference/drift_reference.py).
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
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
