// Issue 15: "Significant is taken for important." A fraud detector on 300,000 transactions with
// 0.3 % fraud: the candidate is far better on ROC and PR AUC, and its ece rises by a few hundredths
// of a percentage point. At this size that rise is significant; it is also negligible, so the
// verdict is pass, and the ece row says both.
//
// Binormal scores (negatives N(0, 1), positives N(d, 1)) turned into calibrated probabilities
// logit p = log(π / (1 − π)) + d·x − d²/2; the candidate has d = 3.1 and a logit shifted by +0.35
// (slightly overconfident), the baseline d = 2.55. Values from the same model in Python (sklearn
// 1.2.1, 300,000 rows, another draw): ROC AUC 0.970 and 0.986, average precision 0.35 and 0.55.
import { gateOn } from './simulate-verdicts.js';
import type { Truth } from '../../src/types.js';
import type { Predictions } from '../../src/types.js';
import { rng } from '../support/rng.js';


test('fraud: a far better candidate with a tiny, significant ece rise passes, and the rise is shown as negligible', () => {
  const n = 300_000;
  const prior = 0.003;
  const rand = rng(15);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const y = Uint8Array.from({ length: n }, () => (rand() < prior ? 1 : 0));
  const scores = (d: number, shift: number): Predictions => ({
    kind: 'binary',
    scores: Float64Array.from(y, (label) => {
      const x = gauss() + d * label;
      return 1 / (1 + Math.exp(-(Math.log(prior / (1 - prior)) + d * x - (d * d) / 2 + shift)));
    }),
  });
  const truth: Truth = { task: 'binary', classes: ['legit', 'fraud'], y };
  const g = gateOn(truth, [scores(3.1, 0.35), scores(2.55, 0)], 0, { resamples: 1000 });
  const row = (metric: string) => g.comparisons.find((c) => c.baseline === 'base1' && c.metric === metric)!;

  expect(row('roc_auc')).toMatchObject({ change: 'improved', primary: true });
  expect(row('roc_auc').delta!).toBeGreaterThan(0.01);
  expect(row('pr_auc').delta!).toBeGreaterThan(0.1);
  expect(row('log_loss')).toMatchObject({ change: 'improved', primary: true });
  // The ece rise: positive, below 0.1 percentage points, significant (regressed), negligible, and no warning.
  const ece = row('ece');
  expect(ece.delta!).toBeGreaterThan(0);
  expect(ece.delta!).toBeLessThan(0.001);
  expect(ece).toMatchObject({ change: 'regressed', negligible: true, minEffect: 0.005, status: 'pass', primary: false });
  expect(g.verdict).toBe('pass');
});
