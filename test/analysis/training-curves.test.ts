import { readFileSync } from 'node:fs';
import { analyseCurves, defaultMode } from '../../src/analysis/training-curves.js';
import { DataError, InputError } from '../../src/errors.js';
import { readTrainingLog, type TrainingLog } from '../../src/training-log/index.js';

const expected = JSON.parse(readFileSync('fixtures/training-logs/expected.json', 'utf8'));

const logOf = (series: Record<string, number[]>): TrainingLog => ({
  source: 'run.json',
  format: 'keras-history',
  series: Object.fromEntries(Object.entries(series).map(([k, vs]) => [k, vs.map((value, step) => ({ step, value }))]))
});

describe('on the real runs, against the independent Python port of EarlyStopping', () => {
  test.each([
    ['overfit', 'history.json'],
    ['overfit', 'training.csv'],
    ['overfit', 'logs'],
    ['healthy', 'history.json'],
    ['healthy', 'logs']
  ])('%s/%s', async (run, file) => {
    const e = expected[run];
    const a = analyseCurves(await readTrainingLog(`fixtures/training-logs/${run}/${file}`), { patience: e.patience });
    expect(a.monitor).toBe('val_loss');
    expect(a.mode).toBe('min');
    expect(a.bestEpoch).toBe(e.best_epoch);
    expect(a.bestValue).toBe(file === 'logs' ? Math.fround(e.best_val_loss) : e.best_val_loss);
    expect(a.lastEpoch).toBe(e.last_epoch);
    expect(a.stoppedImprovingAt).toBe(e.early_stopping_stop_epoch ?? undefined);
    expect(a.overfitting).toBe(e.overfitting);
    expect(a.shippedAfterTurn).toBe(e.overfitting);
    if (file !== 'logs') expect(a.trainTrendAfterBest).toBeCloseTo(e.train_loss_slope_after_best, 12);
    else expect(a.trainTrendAfterBest).toBeCloseTo(e.train_loss_slope_after_best, 6);
  });

  test('the overfit run reads as a warning that names the turn and the shipped epoch', async () => {
    const a = analyseCurves(await readTrainingLog('fixtures/training-logs/overfit/history.json'));
    const warnings = a.findings.filter((f) => f.severity === 'warning').map((f) => f.message);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Overfitting: val_loss stopped improving at epoch 35 \(0\.1199\) and did not beat it in the 84 evaluations that followed \(0\.1467 at epoch 119\), while loss kept falling/);
    expect(warnings[0]).toContain('EarlyStopping(monitor="val_loss", patience=5) would have stopped at epoch 40.');
    expect(warnings[1]).toMatch(/^The shipped weights are from epoch 119, 84 epochs after the best val_loss at epoch 35 \(val_loss 0\.1467 vs 0\.1199\)/);
    expect(a.findings.every((f) => f.kind === 'training_curve')).toBe(true);
  });

  test('shipping the best epoch is not after the turn, though the run still overfit', async () => {
    const a = analyseCurves(await readTrainingLog('fixtures/training-logs/overfit/history.json'), { shippedEpoch: 35 });
    expect(a.overfitting).toBe(true);
    expect(a.shippedAfterTurn).toBe(false);
    expect(a.shippedEpoch).toBe(35);
  });

  test('the healthy run has no warning', async () => {
    const a = analyseCurves(await readTrainingLog('fixtures/training-logs/healthy/training.csv'));
    expect(a.findings.map((f) => f.severity)).toEqual(['info']);
    expect(a.findings[0]!.message).toContain('which is the best');
  });
});

describe('the EarlyStopping rule on small curves', () => {
  const curve = {
    loss: [1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2],
    val_loss: [1.0, 0.8, 0.7, 0.72, 0.74, 0.69, 0.75, 0.8]
  };

  test('patience counts evaluations since the last improvement', () => {
    const a = analyseCurves(logOf(curve), { patience: 2 });
    expect(a.bestEpoch).toBe(5);
    expect(a.stoppedImprovingAt).toBe(4); // 0.72, 0.74 without beating 0.7
    expect(a.epochsSinceBest).toBe(2);
    expect(a.overfitting).toBe(true);
    expect(a.findings.some((f) => /would have stopped at epoch 4, before the best epoch 5/.test(f.message))).toBe(true);
  });

  test('minDelta: 0.69 is not enough of an improvement on 0.7', () => {
    const a = analyseCurves(logOf(curve), { patience: 2, minDelta: 0.02 });
    expect(a.bestEpoch).toBe(2);
    expect(a.bestValue).toBe(0.7);
    expect(a.stoppedImprovingAt).toBe(4);
  });

  test('patience larger than the stall: not overfitting', () => {
    const a = analyseCurves(logOf(curve), { patience: 3 });
    expect(a.overfitting).toBe(false);
    expect(a.shippedAfterTurn).toBe(false);
  });

  test('a flat training loss makes a plateau, not overfitting', () => {
    const a = analyseCurves(logOf({ loss: [1, 0.5, 0.4, 0.4, 0.4, 0.4], val_loss: [1, 0.6, 0.5, 0.55, 0.56, 0.55] }), { patience: 3 });
    expect(a.overfitting).toBe(false);
    expect(a.trainTrendAfterBest).toBe(0);
    expect(a.findings.some((f) => /training has plateaued/.test(f.message))).toBe(true);
  });

  test('mode from the name: accuracy is maximised', () => {
    expect(defaultMode('val_accuracy')).toBe('max');
    expect(defaultMode('val_sparse_categorical_accuracy')).toBe('max');
    expect(defaultMode('val_acc')).toBe('max');
    expect(defaultMode('run1/val_auc')).toBe('max');
    expect(defaultMode('val_loss')).toBe('min');
    expect(defaultMode('mean_absolute_error')).toBe('min');
    expect(defaultMode('val_accuracy_loss')).toBe('min');
    const a = analyseCurves(logOf({ loss: [1, 0.5, 0.3, 0.2, 0.1], val_accuracy: [0.5, 0.9, 0.8, 0.85, 0.8] }), { monitor: 'val_accuracy', patience: 2 });
    expect(a.mode).toBe('max');
    expect(a.bestEpoch).toBe(1);
    expect(a.overfitting).toBe(true);
  });

  test('NaN never improves and is reported', () => {
    const a = analyseCurves(logOf({ loss: [1, 0.5, NaN], val_loss: [NaN, 0.6, NaN] }));
    expect(a.bestEpoch).toBe(1);
    expect(a.lastValue).toBeNaN();
    expect(a.findings.find((f) => f.severity === 'warning')!.message).toBe(
      'val_loss is NaN or infinite at 2 epochs (first at epoch 0): training diverged or the metric could not be computed.'
    );
  });

  test('without val_loss the training loss is read, with a note that overfitting cannot show', () => {
    const a = analyseCurves(logOf({ loss: [1, 0.9, 0.95, 0.97, 0.99, 1, 1.1, 1.2] }));
    expect(a.monitor).toBe('loss');
    expect(a.overfitting).toBe(false);
    expect(Number.isNaN(a.trainTrendAfterBest)).toBe(true);
    expect(a.findings[0]!.message).toMatch(/has no val_loss, so the training curve was read from loss/);
  });

  test('errors: a named monitor that is missing, no finite values, bad options', () => {
    expect(() => analyseCurves(logOf({ loss: [1] }), { monitor: 'val_auc' })).toThrow('run.json: no series "val_auc" to monitor — the log has "loss"');
    expect(() => analyseCurves(logOf({ val_loss: [NaN, NaN] }))).toThrow(DataError);
    expect(() => analyseCurves(logOf({ val_loss: [1] }), { patience: -1 })).toThrow(InputError);
    expect(() => analyseCurves(logOf({ val_loss: [1] }), { shippedEpoch: NaN })).toThrow(InputError);
  });
});
