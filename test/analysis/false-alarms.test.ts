// Issue 15, item 1: a small seeded version of scripts/bench-verdicts.mjs (the README's table).
// Exchangeable models through the real verdict path at the defaults: few runs end other than
// `pass`. Without the family-wise correction (each of the 6 one-sided tests of 2 primary metrics ×
// 3 baselines at 5 %), 5 of these 50 runs warn; with it, none (measured 2026-12-02). Detection: 16
// of these 20 runs (25 of 30).
import { alarmRate, DETECTION_CASE, simulateData } from './simulate-verdicts.js';
import { binaryMetrics } from '../../src/metrics/index.js';
import { thresholdsFrom } from '../../src/settings/thresholds.js';

describe('false alarms and detection, simulated (seeded)', () => {
  test('exchangeable binary models, 500 rows, 3 baselines: at most 5 % of 50 runs do not pass', () => {
    const r = alarmRate({ task: 'binary', rows: 500, baselines: 3 }, 50, 1);
    expect(r.alarms).toBeLessThanOrEqual(2);
  });

  test('a bound or a max-gap on a non-primary metric does not switch on an uncorrected difference test', () => {
    // Found in review: any threshold naming a metric made its difference from each baseline warn at 5 % on
    // its own. On these 100 runs the old rule warned 5 times, from accuracy, recall and pr_auc rows.
    const thresholds = thresholdsFrom(
      { accuracy: { min: 0.5 }, ece: { max: 0.5 }, recall: { min: 0.1 }, mce: { 'min-effect': 0.02 }, pr_auc: { 'max-gap': 0.2 } },
      'test',
    );
    const r = alarmRate({ task: 'binary', rows: 2000, baselines: 1 }, 100, 1, { thresholds, resamples: 400 });
    for (const metric of ['accuracy', 'ece', 'recall', 'pr_auc']) expect(r.byRow[`base1:${metric}`] ?? 0).toBe(0);
    expect(r.alarms).toBeLessThanOrEqual(5);
  });

  test("the issue's regression (ROC AUC 0.747 → 0.729, 2,000 rows) is caught in at least 80 % of 20 runs", () => {
    const r = alarmRate(DETECTION_CASE, 20, 1);
    expect(r.alarms).toBeGreaterThanOrEqual(16);
  });

  test('the detection case is the one the issue describes', () => {
    // Population values of the generating model, from sklearn 1.2.1 on 400,000 rows drawn the same way
    // (scripts/verdict_sim_reference.py): ROC AUC 0.747 and 0.729, log loss 0.594 and 0.614. One draw
    // of 100,000 rows here lands within sampling error of them.
    const { truth, predictions } = simulateData({ ...DETECTION_CASE, rows: 100_000 }, 7);
    const y = truth.y as Uint8Array;
    const [cand, base] = predictions.map((p) => binaryMetrics(y, (p as { scores: Float64Array }).scores, 0.5));
    expect(base.roc_auc).toBeCloseTo(0.747, 2);
    expect(cand.roc_auc).toBeCloseTo(0.729, 2);
    expect(base.log_loss).toBeCloseTo(0.594, 2);
    expect(cand.log_loss).toBeCloseTo(0.614, 2);
  });
});
