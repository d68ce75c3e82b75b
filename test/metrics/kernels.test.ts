// Hand-reasoned cases and the degenerate-input contract (NaN, never throw).
import {
  BINARY_METRICS,
  METRIC_INFO,
  MULTICLASS_METRICS,
  REGRESSION_METRICS,
  binaryMetrics,
  confusionMatrix,
  isHigherBetter,
  metricInfo,
  multiclassMetrics,
  regressionMetrics,
} from '../../src/metrics/index.js';
import { InputError } from '../../src/errors.js';

function allNaNExceptCount(result: Record<string, number>, count: number): void {
  for (const [key, value] of Object.entries(result)) {
    if (key === 'example_count') expect(value).toBe(count);
    else expect(value).toBeNaN();
  }
}

describe('binaryMetrics by hand', () => {
  // y:     1    1    0    0    1
  // score: 0.9  0.4  0.6  0.1  0.5   → pred 1 0 1 0 1: tp 2, fn 1, fp 1, tn 1
  const r = binaryMetrics(Uint8Array.from([1, 1, 0, 0, 1]), Float64Array.from([0.9, 0.4, 0.6, 0.1, 0.5]));
  test('counts-based metrics', () => {
    expect(r.accuracy).toBe(3 / 5);
    expect(r.precision).toBe(2 / 3);
    expect(r.recall).toBe(2 / 3);
    expect(r.f1).toBeCloseTo(2 / 3, 15);
    expect(r.balanced_accuracy).toBeCloseTo((2 / 3 + 1 / 2) / 2, 15);
    expect(r.example_count).toBe(5);
  });
  test('probabilistic metrics', () => {
    expect(r.brier).toBeCloseTo((0.01 + 0.36 + 0.36 + 0.01 + 0.25) / 5, 15);
    const ll = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.4) + Math.log(0.9) + Math.log(0.5)) / 5;
    expect(r.log_loss).toBeCloseTo(ll, 14);
    // Pairs: positives {0.9, 0.4, 0.5} vs negatives {0.6, 0.1}: 0.9 wins 2, 0.4 wins 1, 0.5 wins 1 → 4/6.
    expect(r.roc_auc).toBeCloseTo(4 / 6, 15);
  });
  test('exactly the documented keys', () => {
    expect(Object.keys(r).sort()).toEqual([...BINARY_METRICS].sort());
  });
  test('score equal to the threshold predicts positive', () => {
    expect(binaryMetrics(Uint8Array.from([1, 0]), Float64Array.from([0.3, 0.2]), 0.3).accuracy).toBe(1);
  });
  test('log loss of p = 0.5 everywhere is ln 2', () => {
    expect(binaryMetrics(Uint8Array.from([0, 1, 1]), Float64Array.from([0.5, 0.5, 0.5])).log_loss).toBeCloseTo(
      Math.LN2,
      15
    );
  });
  test('a confidently wrong 0 or 1 is clipped, as sklearn clips', () => {
    const r1 = binaryMetrics(Uint8Array.from([1, 0]), Float64Array.from([0, 1]));
    // y=1, p=0 → p clipped to 1e-15. y=0, p=1 → p clipped to 1 - 1e-15, and 1 - (1 - 1e-15) in
    // float64 is 9.992e-16, not 1e-15 (sklearn gives the same 34.53917619362578).
    expect(r1.log_loss).toBeCloseTo((-Math.log(1e-15) - Math.log(1 - (1 - 1e-15))) / 2, 12);
    expect(r1.log_loss).toBeCloseTo(34.53917619362578, 12);
  });
});

describe('binaryMetrics degenerate input', () => {
  test('empty → NaN, example_count 0', () => {
    allNaNExceptCount(binaryMetrics(new Uint8Array(0), new Float64Array(0)), 0);
  });
  test('invalid input → NaN, never throws', () => {
    allNaNExceptCount(binaryMetrics(Uint8Array.from([0, 1]), Float64Array.from([0.5])), 2);
    allNaNExceptCount(binaryMetrics(Uint8Array.from([0, 2]), Float64Array.from([0.5, 0.5])), 2);
    allNaNExceptCount(binaryMetrics(Uint8Array.from([0, 1]), Float64Array.from([0.5, NaN])), 2);
    allNaNExceptCount(binaryMetrics(Uint8Array.from([0, 1]), Float64Array.from([0.5, Infinity])), 2);
    allNaNExceptCount(binaryMetrics(Uint8Array.from([0, 1]), Float64Array.from([0.5, 0.5]), NaN), 2);
  });
  test('only one class: roc_auc NaN, the rest defined', () => {
    const r = binaryMetrics(Uint8Array.from([0, 0, 0]), Float64Array.from([0.1, 0.7, 0.2]));
    expect(r.roc_auc).toBeNaN();
    expect(r.pr_auc).toBe(0);
    expect(r.precision).toBe(0);
    expect(r.recall).toBe(0);
    expect(r.balanced_accuracy).toBeCloseTo(2 / 3, 15);
    expect(Number.isFinite(r.log_loss)).toBe(true);
  });
});

describe('multiclassMetrics by hand', () => {
  // rows (k = 3):          argmax
  // [0.6, 0.3, 0.1] y=0 →  0 hit
  // [0.2, 0.5, 0.3] y=1 →  1 hit
  // [0.4, 0.4, 0.2] y=1 →  0 (first index on ties) miss
  // [0.1, 0.2, 0.7] y=2 →  2 hit
  const probs = Float64Array.from([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.2, 0.7]);
  const r = multiclassMetrics(Int32Array.from([0, 1, 1, 2]), probs, 3);
  test('accuracy and macro averages', () => {
    expect(r.accuracy).toBe(3 / 4);
    // precision: class 0 1/2, class 1 1/1, class 2 1/1; recall: 1, 1/2, 1.
    expect(r.precision_macro).toBeCloseTo((0.5 + 1 + 1) / 3, 15);
    expect(r.recall_macro).toBeCloseTo((1 + 0.5 + 1) / 3, 15);
    expect(r.balanced_accuracy).toBeCloseTo((1 + 0.5 + 1) / 3, 15);
    expect(r.f1_macro).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 15);
    expect(r.f1_weighted).toBeCloseTo((2 / 3 + 2 * (2 / 3) + 1) / 4, 15);
    expect(r.log_loss).toBeCloseTo(-(Math.log(0.6) + Math.log(0.5) + Math.log(0.4) + Math.log(0.7)) / 4, 14);
    expect(Object.keys(r).sort()).toEqual([...MULTICLASS_METRICS].sort());
  });
  test('a class absent from y_true and y_pred counts as 0 in macro averages', () => {
    // Same rows with a fourth, never-used class of probability 0.
    const p4 = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) p4[i * 4 + j] = probs[i * 3 + j];
    const r4 = multiclassMetrics(Int32Array.from([0, 1, 1, 2]), p4, 4);
    expect(r4.precision_macro).toBeCloseTo((r.precision_macro * 3) / 4, 15);
    expect(r4.f1_macro).toBeCloseTo((r.f1_macro * 3) / 4, 15);
    expect(r4.f1_weighted).toBeCloseTo(r.f1_weighted, 15);
    expect(r4.balanced_accuracy).toBeCloseTo(r.balanced_accuracy, 15);
    expect(r4.roc_auc_ovr_macro).toBeNaN();
  });
  test('invalid or empty input → NaN, never throws', () => {
    allNaNExceptCount(multiclassMetrics(new Int32Array(0), new Float64Array(0), 3), 0);
    allNaNExceptCount(multiclassMetrics(Int32Array.from([0, 3]), probs.subarray(0, 6), 3), 2);
    allNaNExceptCount(multiclassMetrics(Int32Array.from([0, -1]), probs.subarray(0, 6), 3), 2);
    allNaNExceptCount(multiclassMetrics(Int32Array.from([0, 1]), probs.subarray(0, 5), 3), 2);
    allNaNExceptCount(multiclassMetrics(Int32Array.from([0, 0]), Float64Array.from([1, 1]), 1), 2);
    allNaNExceptCount(multiclassMetrics(Int32Array.from([0, 1]), Float64Array.from([NaN, 1, 0, 1]), 2), 2);
  });
});

describe('regressionMetrics by hand', () => {
  test('tiny case', () => {
    const r = regressionMetrics(Float64Array.from([1, 2, 3]), Float64Array.from([2, 2, 2]));
    expect(r.mae).toBeCloseTo(2 / 3, 15);
    expect(r.mse).toBeCloseTo(2 / 3, 15);
    expect(r.rmse).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(r.r2).toBeCloseTo(0, 15); // predicting the mean
    expect(r.mape).toBeCloseTo((1 + 0 + 1 / 3) / 3, 15);
    expect(r.max_error).toBe(1);
    expect(Object.keys(r).sort()).toEqual([...REGRESSION_METRICS].sort());
  });
  test('degenerate cases', () => {
    allNaNExceptCount(regressionMetrics(new Float64Array(0), new Float64Array(0)), 0);
    allNaNExceptCount(regressionMetrics(Float64Array.from([1, 2]), Float64Array.from([1])), 2);
    allNaNExceptCount(regressionMetrics(Float64Array.from([1, NaN]), Float64Array.from([1, 2])), 2);
    expect(regressionMetrics(Float64Array.from([5]), Float64Array.from([4])).r2).toBeNaN();
    expect(regressionMetrics(Float64Array.from([0.1, 0.1, 0.1]), Float64Array.from([0.1, 0.1, 0.2])).r2).toBe(0);
    expect(regressionMetrics(Float64Array.from([0.1, 0.1, 0.1]), Float64Array.from([0.1, 0.1, 0.1])).r2).toBe(1);
    // Zero target: divided by float64 eps, large but finite.
    expect(regressionMetrics(Float64Array.from([0]), Float64Array.from([1])).mape).toBe(1 / 2.220446049250313e-16);
  });
});

describe('confusionMatrix', () => {
  test('rows are true, columns predicted', () => {
    expect(confusionMatrix(Int32Array.from([0, 0, 1, 2, 2]), Int32Array.from([0, 1, 1, 2, 0]), 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
  });
  test('degenerate cases', () => {
    expect(confusionMatrix(new Int32Array(0), new Int32Array(0), 2)).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(confusionMatrix(Int32Array.from([0]), Int32Array.from([0]), -1)).toEqual([]);
    expect(confusionMatrix(Int32Array.from([0]), Int32Array.from([0]), 0)).toEqual([]);
    const mismatch = confusionMatrix(Int32Array.from([0, 1]), Int32Array.from([0]), 2);
    expect(mismatch.flat().every(Number.isNaN)).toBe(true);
  });
});

describe('METRIC_INFO', () => {
  test('covers every metric the kernels return', () => {
    for (const name of [...BINARY_METRICS, ...MULTICLASS_METRICS, ...REGRESSION_METRICS]) {
      expect(metricInfo(name)).toBeDefined();
    }
  });
  test('tasks list exactly the metrics each kernel returns', () => {
    // Calibration and imbalance metrics come from their own kernels, measured beside these (src/analysis/measure.ts).
    const byTask = {
      binary: [...BINARY_METRICS, 'ece', 'mce', 'recall_at_fpr', 'precision_at_recall'],
      multiclass: [...MULTICLASS_METRICS, 'ece', 'mce'],
      regression: REGRESSION_METRICS,
    };
    for (const [task, names] of Object.entries(byTask)) {
      const listed = Object.keys(METRIC_INFO).filter((n) => METRIC_INFO[n].tasks.includes(task as never));
      expect(listed.sort()).toEqual([...names].sort());
    }
  });
  test('directions', () => {
    expect(isHigherBetter('roc_auc')).toBe(true);
    expect(isHigherBetter('log_loss')).toBe(false);
    expect(isHigherBetter('r2')).toBe(true);
    expect(isHigherBetter('mape')).toBe(false);
    expect(METRIC_INFO.example_count.informational).toBe(true);
    expect(metricInfo('toString')).toBeUndefined();
    expect(() => isHigherBetter('nope')).toThrow(InputError);
  });
});
