// Every metric in every case of fixtures/reference/metrics_reference.json (written by scikit-learn,
// see metrics_reference.py) must match the kernels.
// Tolerance: |actual - expected| <= 1e-9 * max(1, |expected|), i.e. absolute 1e-9 for values up to
// 1 in magnitude and relative 1e-9 above (mape reaches ~1e14 on zero targets).
// null in the JSON means scikit-learn raised: the kernel must return NaN, and only then.
import { readFileSync } from 'node:fs';
import { binaryMetrics } from '../../src/metrics/binary.js';
import { multiclassMetrics } from '../../src/metrics/multiclass.js';
import { regressionMetrics } from '../../src/metrics/regression.js';
import { confusionMatrix } from '../../src/metrics/confusion.js';
import { expectClose } from '../support/close.js';

type Expected = Record<string, number | null>;
interface BinaryCase { name: string; threshold: number; y_true: number[]; score: number[]; expected: Expected }
interface MulticlassCase { name: string; k: number; y_true: number[]; probs: number[][]; expected: Expected }
interface RegressionCase { name: string; y_true: number[]; y_pred: number[]; expected: Expected }
interface ConfusionCase { name: string; k: number; y_true: number[]; y_pred: number[]; expected: number[][] | null }
interface Reference {
  provenance: Record<string, unknown>;
  binary: BinaryCase[];
  multiclass: MulticlassCase[];
  regression: RegressionCase[];
  confusion: ConfusionCase[];
}

const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/metrics_reference.json', import.meta.url), 'utf8')
) as Reference;

function expectMatches(actual: Record<string, number>, expected: Expected): void {
  // Same key set: the kernels return exactly the metrics the reference records.
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  // null: sklearn raises, and the kernel returns NaN.
  for (const [key, want] of Object.entries(expected)) expectClose(actual[key], want, 1e-9, key);
}

test('reference was produced by the expected toolchain', () => {
  expect(reference.provenance['scikit-learn']).toBe('1.2.1');
  expect(reference.provenance.script).toBe('fixtures/reference/metrics_reference.py');
});

describe('binaryMetrics matches scikit-learn', () => {
  test.each(reference.binary.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = binaryMetrics(Uint8Array.from(c.y_true), Float64Array.from(c.score), c.threshold);
    expectMatches(actual, c.expected);
  });
});

describe('multiclassMetrics matches scikit-learn', () => {
  test.each(reference.multiclass.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = multiclassMetrics(Int32Array.from(c.y_true), Float64Array.from(c.probs.flat()), c.k);
    expectMatches(actual, c.expected);
  });
});

describe('regressionMetrics matches scikit-learn', () => {
  test.each(reference.regression.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = regressionMetrics(Float64Array.from(c.y_true), Float64Array.from(c.y_pred));
    expectMatches(actual, c.expected);
  });
});

describe('confusionMatrix matches scikit-learn', () => {
  test.each(reference.confusion.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = confusionMatrix(Int32Array.from(c.y_true), Int32Array.from(c.y_pred), c.k);
    if (c.expected === null) {
      expect(actual).toHaveLength(c.k);
      for (const row of actual) expect(row.every(Number.isNaN)).toBe(true);
    } else {
      expect(actual).toEqual(c.expected);
    }
  });
});

test('the reference covers the required situations', () => {
  const names = (cases: { name: string }[]) => cases.map((c) => c.name);
  expect(names(reference.binary)).toEqual(
    expect.arrayContaining([
      'many_tied_scores',
      'imbalance_3_of_150',
      'only_negatives',
      'scores_exactly_0_and_1',
      'no_predicted_positives',
      'perfect',
    ])
  );
  expect(reference.multiclass.some((c) => c.k === 3)).toBe(true);
  expect(reference.multiclass.some((c) => c.k === 4)).toBe(true);
  expect(names(reference.regression)).toEqual(expect.arrayContaining(['zero_targets', 'constant_prediction']));
});
