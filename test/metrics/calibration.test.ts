// calibration() against fixtures/reference/metrics_extra_reference.json (a numpy re-implementation
// of torchmetrics' binary/multiclass_calibration_error, see metrics_extra_reference.py), plus the
// bin boundary convention and degenerate input.
// Tolerance: |actual - expected| <= 1e-9; null in the JSON means NaN.
import { readFileSync } from 'node:fs';
import { calibration, type CalibrationResult } from '../../src/metrics/calibration.js';
import { metricInfo } from '../../src/metrics/direction.js';
import { expectClose } from '../support/close.js';
import { rng } from '../support/rng.js';

interface Row { lower: number; upper: number; count: number; confidence: number | null; accuracy: number | null }
interface CalibrationCase {
  name: string;
  task: 'binary' | 'multiclass';
  bins: number;
  k?: number;
  y_true: number[];
  probs: number[] | number[][];
  expected: { ece: number | null; mce: number | null; table: Row[] };
}
const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/reference/metrics_extra_reference.json', import.meta.url), 'utf8')
) as { provenance: Record<string, unknown>; calibration: CalibrationCase[] };

function run(c: CalibrationCase): CalibrationResult {
  const probs = Float64Array.from((c.probs as (number | number[])[]).flat());
  return calibration(Int32Array.from(c.y_true), probs, { task: c.task, k: c.k, bins: c.bins });
}

test('reference provenance', () => {
  expect(reference.provenance['scikit-learn']).toBe('1.2.1');
  expect(reference.provenance.script).toBe('fixtures/reference/metrics_extra_reference.py');
  expect(String(reference.provenance.calibration_source)).toMatch(/re-implementation/);
});

describe('calibration matches the reference', () => {
  test.each(reference.calibration.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = run(c);
    expectClose(actual.ece, c.expected.ece, 1e-9, 'ece');
    expectClose(actual.mce, c.expected.mce, 1e-9, 'mce');
    expect(actual.table).toHaveLength(c.expected.table.length);
    c.expected.table.forEach((want, j) => {
      const got = actual.table[j];
      expect(got.lower).toBe(want.lower);
      expect(got.upper).toBe(want.upper);
      expect(got.count).toBe(want.count);
      expectClose(got.confidence, want.confidence, 1e-9, `table[${j}].confidence`);
      expectClose(got.accuracy, want.accuracy, 1e-9, `table[${j}].accuracy`);
    });
  });

  test('the reference covers the required situations', () => {
    const names = reference.calibration.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'binary_on_bin_edges',
        'binary_ties_0_1_grid',
        'binary_single_class',
        'binary_empty',
        'multiclass_edges_and_ties',
      ])
    );
  });
});

/** Which table row holds a single binary confidence c. */
function binOf(c: number, bins = 15): number {
  const result = calibration([1], Float64Array.of(c), { task: 'binary', bins });
  return result.table.findIndex((row) => row.count === 1);
}

function nextDown(x: number): number {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  buf.setBigUint64(0, buf.getBigUint64(0) - 1n);
  return buf.getFloat64(0);
}

describe('bin boundaries (torch.bucketize right=True)', () => {
  test('a confidence on an interior edge goes to the bin above; just below stays below', () => {
    for (let j = 1; j < 15; j++) {
      expect(binOf(j / 15)).toBe(j);
      expect(binOf(nextDown(j / 15))).toBe(j - 1);
    }
    // 0.1-grid values that are edges with 10 bins.
    for (let j = 1; j < 10; j++) expect(binOf(Number((j / 10).toFixed(1)), 10)).toBe(j);
  });

  test('0 is in the first bin and 1 in its own point bin', () => {
    expect(binOf(0)).toBe(0);
    expect(binOf(nextDown(1))).toBe(14);
    expect(binOf(1)).toBe(15);
    const table = calibration([1], Float64Array.of(1), { task: 'binary' }).table;
    expect(table).toHaveLength(16);
    expect(table[15]).toMatchObject({ lower: 1, upper: 1, count: 1, confidence: 1, accuracy: 1 });
    expect(table[0]).toMatchObject({ lower: 0, upper: 1 / 15, count: 0 });
    expect(table[0].confidence).toBeNaN();
  });

  test('agrees with a direct O(n·bins) definition on random data', () => {
    const next = rng(7);
    for (const bins of [1, 3, 10, 15, 20]) {
      const n = 500;
      const y = new Int32Array(n);
      const p = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        // Half the values on a grid that hits edges, half continuous.
        p[i] = i % 2 === 0 ? Math.round(next() * 2 * bins) / (2 * bins) : next();
        y[i] = next() < p[i] ? 1 : 0;
      }
      const got = calibration(y, p, { task: 'binary', bins });
      let ece = 0;
      let mce = 0;
      for (let j = 0; j <= bins; j++) {
        const lo = j < bins ? j / bins : 1;
        const hi = j < bins ? (j + 1) / bins : Infinity;
        let cnt = 0;
        let cs = 0;
        let as = 0;
        for (let i = 0; i < n; i++) {
          if (p[i] >= lo && p[i] < hi) {
            cnt++;
            cs += p[i];
            as += y[i];
          }
        }
        expect(got.table[j].count).toBe(cnt);
        if (cnt > 0) {
          const gap = Math.abs(as / cnt - cs / cnt);
          ece += (gap * cnt) / n;
          mce = Math.max(mce, gap);
        }
      }
      expect(got.ece).toBeCloseTo(ece, 12);
      expect(got.mce).toBeCloseTo(mce, 12);
    }
  });
});

describe('degenerate input gives NaN, never throws', () => {
  const p = Float64Array.of(0.2, 0.7);
  test.each([
    ['label 2 (binary)', () => calibration([0, 2], p, { task: 'binary' })],
    ['probability NaN', () => calibration([0, 1], Float64Array.of(0.2, NaN), { task: 'binary' })],
    ['probability below 0', () => calibration([0, 1], Float64Array.of(-0.1, 0.5), { task: 'binary' })],
    ['length mismatch', () => calibration([0, 1, 1], p, { task: 'binary' })],
    ['bins 0', () => calibration([0, 1], p, { task: 'binary', bins: 0 })],
    ['bins 2.5', () => calibration([0, 1], p, { task: 'binary', bins: 2.5 })],
    ['multiclass without k', () => calibration([0], p, { task: 'multiclass' })],
    ['multiclass k = 1', () => calibration([0, 0], p, { task: 'multiclass', k: 1 })],
    ['multiclass label out of range', () => calibration([2], p, { task: 'multiclass', k: 2 })],
    ['multiclass wrong length', () => calibration([0, 1], p, { task: 'multiclass', k: 2 })],
    ['unknown task', () => calibration([0, 1], p, { task: 'regression' as never })],
  ])('%s', (_name, call) => {
    const result = call();
    expect(result.ece).toBeNaN();
    expect(result.mce).toBeNaN();
    expect(result.table).toEqual([]);
  });

  test('empty input: NaN with an all-empty table', () => {
    const result = calibration([], new Float64Array(0), { task: 'multiclass', k: 3 });
    expect(result.ece).toBeNaN();
    expect(result.mce).toBeNaN();
    expect(result.table).toHaveLength(16);
    expect(result.table.every((row) => row.count === 0)).toBe(true);
  });

  test('perfectly calibrated bins give 0', () => {
    // Bin [0.5, 0.5667): confidence 0.5, half the rows positive.
    const result = calibration([0, 1, 0, 1], Float64Array.of(0.5, 0.5, 0.5, 0.5), { task: 'binary' });
    expect(result.ece).toBe(0);
    expect(result.mce).toBe(0);
  });
});

test('linear time: a million rows', () => {
  const n = 1_000_000;
  const y = new Uint8Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = (i % 1000) / 999;
    y[i] = i % 3 === 0 ? 1 : 0;
  }
  const t0 = performance.now();
  const result = calibration(y, p, { task: 'binary' });
  expect(performance.now() - t0).toBeLessThan(2000);
  expect(result.table.reduce((s, r) => s + r.count, 0)).toBe(n);
});

test('METRIC_INFO: ece and mce are lower-is-better and bounded', () => {
  for (const name of ['ece', 'mce']) {
    expect(metricInfo(name)).toMatchObject({ higherIsBetter: false, bounded: true });
  }
});
