// The measure step sorts a binary model's scores once for binaryMetrics and imbalanceMetrics together:
// the shared split gives exactly (bit for bit) what each computes on its own, ties and one-class data included.

import { binaryMetrics } from '../../src/metrics/binary.js';
import { imbalanceMetrics, splitChecked } from '../../src/metrics/imbalance.js';
import { rng } from '../support/rng.js';

test.each([
  ['distinct scores', 0, 0.3],
  ['scores with ties (2 decimals)', 2, 0.3],
  ['only negatives', 3, 0],
])('%s: the shared split changes nothing', (_, decimals, prevalence) => {
  const rand = rng(41);
  for (let round = 0; round < 20; round++) {
    const n = 1 + Math.floor(rand() * 3000);
    const y = Uint8Array.from({ length: n }, () => (rand() < prevalence ? 1 : 0));
    const s = Float64Array.from(y, (v) => {
      const x = Math.min(1, Math.max(0, 0.3 * v + 0.7 * rand()));
      return decimals === 0 ? x : Math.round(x * 10 ** decimals) / 10 ** decimals;
    });
    const sorted = splitChecked(y, s);
    expect(sorted).not.toBeNull();
    expect(binaryMetrics(y, s, 0.5, sorted!)).toEqual(binaryMetrics(y, s, 0.5));
    expect(imbalanceMetrics(y, s, { maxFpr: 0.05, minRecall: 0.8 }, sorted)).toEqual(imbalanceMetrics(y, s, { maxFpr: 0.05, minRecall: 0.8 }));
  }
});

test('invalid input: no split, and the metrics are NaN either way', () => {
  const y = Uint8Array.of(0, 1, 1);
  const s = Float64Array.of(0.2, NaN, 0.9);
  expect(splitChecked(y, s)).toBeNull();
  expect(imbalanceMetrics(y, s, {}, null)).toEqual({ recall_at_fpr: NaN, precision_at_recall: NaN });
  expect(binaryMetrics(y, s, 0.5).roc_auc).toBeNaN();
});
