// The training log rides along with an evaluation: the TensorBoard folder of a real overfitting run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const expected = JSON.parse(readFileSync(fx('training-logs', 'expected.json'), 'utf8'));

const settings = (log: string) =>
  resolveSettings(
    { candidate: fx('penguins-sex', 'candidate'), data: fx('penguins-sex', 'eval.csv'), 'label-column': 'sex', 'id-column': 'id', 'training-log': log, bootstrap: '0' },
    undefined,
    root,
  );

test('an overfitting run: the turn is found, flagged, charted and in the JSON', async () => {
  const e = await evaluate(settings(fx('training-logs', 'overfit', 'logs')), silentLog);
  expect(e.training?.log.format).toBe('tensorboard');
  expect(e.training?.analysis.bestEpoch).toBe(expected.overfit.best_epoch);
  expect(e.training?.analysis.overfitting).toBe(true);
  expect(e.gate.findings.some((f) => f.kind === 'training_curve' && f.severity === 'warning')).toBe(true);
  const r = renderReport(e, { date: '2026-11-27' });
  expect(r.markdown).toContain('### Training curves');
  expect(r.markdown).toMatch(/```mermaid\nxychart-beta/);
  expect(r.json.training).toMatchObject({ bestEpoch: 35, lastEpoch: 119, overfitting: true, shippedAfterTurn: true, format: 'tensorboard' });
});

test('a healthy run raises no warning; all three formats agree', async () => {
  for (const file of ['history.json', 'training.csv', 'logs']) {
    const e = await evaluate(settings(fx('training-logs', 'healthy', file)), silentLog);
    expect(e.training?.analysis).toMatchObject({ bestEpoch: expected.healthy.best_epoch, overfitting: false });
    expect(e.gate.findings.filter((f) => f.kind === 'training_curve' && f.severity !== 'info')).toEqual([]);
  }
});

test('a missing training log is one error; the evaluation is kept', async () => {
  const e = await evaluate(settings(fx('training-logs', 'nope.json')), silentLog);
  expect(e.models.map((m) => m.name)).toEqual(['candidate', 'dummy']);
  expect(e.gate.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([expect.stringContaining('nope.json')]);
});
