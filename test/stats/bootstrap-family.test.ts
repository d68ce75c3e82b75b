// The verdict family's max-T p-values (src/stats/bootstrap.ts, input.family): one-sided tests of
// "the candidate is worse", adjusted over the family from the joint replicates.
import { bootstrap, bootstrapReplicates, type BootstrapInput } from '../../src/stats/bootstrap.js';
import { exampleKeys } from '../../src/stats/resample-weights.js';
import { rng } from '../support/rng.js';


const n = 400;
const rand = rng(3);
const y = Uint8Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
const noisy = (s: number) => Float64Array.from(y, (v) => 1 / (1 + Math.exp(-(2 * v - 1 + s * (rand() - 0.5)))));
const cand = noisy(3); // noisier: worse
const base = noisy(2);
const other = noisy(2);
const input = (family?: BootstrapInput['family']): BootstrapInput => ({
  task: 'binary',
  truth: y,
  models: [
    { name: 'candidate', predictions: cand },
    { name: 'main', predictions: base },
    { name: 'old', predictions: other },
  ],
  candidate: 'candidate',
  keys: exampleKeys(undefined, n),
  resamples: 500,
  confidence: 0.95,
  seed: 11,
  bcaMaxRows: 0,
});

test('one member: the p-value is the share of replicates at least twice the estimate (the basic bootstrap), counted from the replicates', () => {
  const family = { baselines: ['main'], metrics: [{ name: 'log_loss', higherIsBetter: false }] };
  const p = bootstrap({ ...input(), family }).deltas.main.log_loss.familyPValue!;
  // Independent count: with one member, (w* − ŵ)/se ≥ ŵ/se ⇔ w* ≥ 2ŵ, w = candidate − baseline log loss.
  const reps = bootstrapReplicates(input());
  const S = reps.metrics.length;
  const s = reps.metrics.indexOf('log_loss');
  const estimate = reps.estimates[s] - reps.estimates[S + s];
  let atLeast = 0;
  for (let b = 0; b < reps.resamples; b++) if (reps.values[(b * 3) * S + s] - reps.values[(b * 3 + 1) * S + s] >= 2 * estimate) atLeast++;
  expect(estimate).toBeGreaterThan(0);
  expect(p).toBeCloseTo((1 + atLeast) / (reps.resamples + 1), 15);
  expect(p).toBeLessThan(0.5);
  // Members not in the family get none.
  expect(bootstrap({ ...input(), family }).deltas.main.roc_auc.familyPValue).toBeUndefined();
});

test('a larger family never lowers a p-value (the price of asking more questions), and an improvement is never significant', () => {
  const one = bootstrap({ ...input(), family: { baselines: ['main'], metrics: [{ name: 'log_loss', higherIsBetter: false }] } });
  const all = bootstrap({
    ...input(),
    family: { baselines: ['main', 'old'], metrics: [{ name: 'log_loss', higherIsBetter: false }, { name: 'roc_auc', higherIsBetter: true }] },
  });
  expect(all.deltas.main.log_loss.familyPValue!).toBeGreaterThan(one.deltas.main.log_loss.familyPValue!);
  // Reversed direction (pretend higher log loss is better): the candidate is then better: far from significant.
  const reversed = bootstrap({ ...input(), family: { baselines: ['main'], metrics: [{ name: 'log_loss', higherIsBetter: true }] } });
  expect(reversed.deltas.main.log_loss.familyPValue!).toBeGreaterThan(0.5);
});

test('identical predictions: a member with no spread gets p = 1', () => {
  const same = bootstrap({
    ...input(),
    models: [
      { name: 'candidate', predictions: base },
      { name: 'main', predictions: base },
    ],
    family: { baselines: ['main'], metrics: [{ name: 'roc_auc', higherIsBetter: true }] },
  });
  expect(same.deltas.main.roc_auc.familyPValue).toBe(1);
});
