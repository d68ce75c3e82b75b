import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capture } from '../support/capture.js';
import { writeFileSync } from 'node:fs';
import { main } from '../../src/cli.js';

const root = process.cwd();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'model-gate-cli-'));
const fx = (...p: string[]) => path.join('fixtures', ...p);


const evaluateArgs = [
  'evaluate',
  '--candidate', fx('penguins-sex', 'candidate'),
  '--baseline', `main=${fx('penguins-sex', 'baseline')}`,
  '--baseline', fx('penguins-sex', 'baseline-predictions.csv'),
  '--data', fx('penguins-sex', 'eval.csv'),
  '--label', 'sex',
  '--id', 'id',
];

test('evaluate writes the JSON and markdown reports and exits 0 when the gate passes', async () => {
  const json = path.join(tmp, 'r.json');
  const md = path.join(tmp, 'r.md');
  const c = capture();
  const code = await main([...evaluateArgs, '--json', json, '--markdown', md, '-q'], root).finally(c.restore);
  expect(code).toBe(0);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  expect(report.models.map((m: { name: string }) => m.name)).toEqual(['candidate', 'main', 'baseline-predictions.csv', 'dummy']);
  expect(readFileSync(md, 'utf8')).toContain('| Metric');
});

test('a failing gate exits 1', async () => {
  const thresholds = path.join(tmp, 't.yml');
  writeFileSync(thresholds, 'roc_auc: { min: 0.999 }\n');
  const c = capture();
  // The thresholds file lies in a temp folder, outside the workspace (the repository): allowed by name.
  const code = await main([...evaluateArgs, '--thresholds', thresholds, '--allowed-roots', tmp, '--json', path.join(tmp, 'f.json'), '-q'], root).finally(c.restore);
  expect(code).toBe(1);
  expect(JSON.parse(readFileSync(path.join(tmp, 'f.json'), 'utf8')).verdict).toBe('fail');
});

test('bad flags and unknown commands exit 2 with one line, no stack', async () => {
  const c = capture();
  const a = await main(['evaluate', '--candidat', 'x'], root);
  const b = await main(['frobnicate'], root);
  c.restore();
  expect([a, b]).toEqual([2, 2]);
  expect(c.err.join('')).toMatch(/^model-gate: Unknown option '--candidat'.*evaluate --help/m);
  expect(c.err.join('')).toMatch(/unknown command "frobnicate"/);
  expect(c.err.join('')).not.toMatch(/\n\s+at /);
});

test('the bundle runs the demo and evaluate from a folder with no node_modules', () => {
  if (!existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run npm run build');
  const copy = mkdtempSync(path.join(os.tmpdir(), 'model-gate-bare-'));
  cpSync(path.join(root, 'dist'), path.join(copy, 'dist'), { recursive: true });
  cpSync(path.join(root, 'fixtures'), path.join(copy, 'fixtures'), { recursive: true });
  expect(existsSync(path.join(copy, 'node_modules'))).toBe(false);
  const demo = spawnSync(process.execPath, ['dist/cli.js', 'demo'], { cwd: copy, encoding: 'utf8' });
  expect(demo.status).toBe(0);
  expect(demo.stdout).toMatch(/^## (✅|⚠️) model-gate: (pass|warn) · binary · 94 rows/);
  expect(demo.stdout).toContain('<summary>Changelog entry</summary>');
  const json = path.join(copy, 'out.json');
  execFileSync(process.execPath, ['dist/cli.js', ...evaluateArgs, '--json', json, '-q'], { cwd: copy });
  expect(JSON.parse(readFileSync(json, 'utf8')).data.rows).toBe(94);
}, 60000);
