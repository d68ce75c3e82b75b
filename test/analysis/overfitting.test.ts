import { gapOf, generalisation } from '../../src/analysis/overfitting.js';
import type { ModelMeasurement } from '../../src/types.js';

const mm = (name: string, role: ModelMeasurement['role'], evalM: Record<string, number>, trainM: Record<string, number>): ModelMeasurement => ({
  name,
  role,
  path: name,
  engine: 'x',
  backend: 'x',
  files: [],
  metrics: Object.fromEntries(Object.entries(evalM).map(([k, value]) => [k, { value }])),
  trainMetrics: Object.fromEntries(Object.entries(trainM).map(([k, value]) => [k, { value }])),
});

test('gap is direction-aware: positive when evaluation is worse', () => {
  expect(gapOf('c', 'accuracy', 0.99, 0.8, 0.1)).toMatchObject({ gap: 0.99 - 0.8, flagged: true });
  expect(gapOf('c', 'accuracy', 0.99, 0.8, 0.1).relativeGap).toBeCloseTo((0.99 - 0.8) / 0.99, 15);
  expect(gapOf('c', 'log_loss', 0.1, 0.3, undefined)).toMatchObject({ gap: 0.3 - 0.1, flagged: false });
  expect(gapOf('c', 'accuracy', 0.8, 0.85, 0.1)).toMatchObject({ flagged: false });
  expect(gapOf('c', 'ece', 0, 0.05, 0.1).relativeGap).toBeNull();
});

test('a memorising candidate is flagged; the default max-gap applies to bounded higher-is-better metrics only', () => {
  const g = generalisation('binary', [
    mm('candidate', 'candidate', { accuracy: 0.8, brier: 0.15, log_loss: 0.5 }, { accuracy: 1.0, brier: 0.01, log_loss: 0.02 }),
    mm('dummy', 'dummy', { accuracy: 0.5, brier: 0.25, log_loss: 0.69 }, { accuracy: 0.5, brier: 0.25, log_loss: 0.69 }),
  ], {});
  expect(g.findings.map((f) => f.kind)).toEqual(['overfitting']);
  expect(g.findings[0].message).toContain('accuracy 1 on training, 0.8 on evaluation');
  expect(g.gaps.find((x) => x.metric === 'brier')!.flagged).toBe(false);
  expect(g.gaps.some((x) => x.model === 'dummy')).toBe(false);
});

test('max-gap per metric from the thresholds', () => {
  const g = generalisation('binary', [mm('candidate', 'candidate', { log_loss: 0.5 }, { log_loss: 0.3 }), mm('dummy', 'dummy', { log_loss: 0.69 }, { log_loss: 0.69 })], {
    log_loss: { maxGap: 0.5, severity: 'fail' },
  });
  expect(g.gaps[0]).toMatchObject({ maxGap: 0.5, flagged: true });
});

test('underfitting: no better than the dummy even on the training data', () => {
  const g = generalisation('binary', [mm('candidate', 'candidate', { log_loss: 0.7 }, { log_loss: 0.7 }), mm('dummy', 'dummy', { log_loss: 0.69 }, { log_loss: 0.69 })], {});
  expect(g.findings).toEqual([expect.objectContaining({ kind: 'underfitting', severity: 'error' })]);
});

test('a gap that grew against the baseline by more than the noise', () => {
  const models = [
    mm('candidate', 'candidate', { accuracy: 0.85 }, { accuracy: 0.99 }),
    mm('main', 'baseline', { accuracy: 0.86 }, { accuracy: 0.88 }),
    mm('dummy', 'dummy', { accuracy: 0.5 }, { accuracy: 0.5 }),
  ];
  const noisy = generalisation('binary', models, { accuracy: { maxGap: 1, severity: 'fail' } }, { main: { accuracy: { ci: [-0.2, 0.2], pValue: 0.9, alpha: 0.05 } } });
  expect(noisy.findings).toEqual([]);
  const tight = generalisation('binary', models, { accuracy: { maxGap: 1, severity: 'fail' } }, { main: { accuracy: { ci: [-0.02, 0.0], pValue: 0.1, alpha: 0.05 } } });
  expect(tight.findings.map((f) => f.message)).toEqual([expect.stringContaining("gap grew against main's")]);
});
