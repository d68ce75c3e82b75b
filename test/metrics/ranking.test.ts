// The sweep-based ROC AUC and average precision against O(n²) definitions on random data with
// heavy ties.
import { averagePrecision, rocAuc } from '../../src/metrics/ranking.js';
import { binaryMetrics } from '../../src/metrics/binary.js';
import { rng } from '../support/rng.js';

/** Mann–Whitney: P(score of a random positive > a random negative), ties counted 1/2. */
function bruteRocAuc(y: Uint8Array, s: Float64Array): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      if (s[i] > s[j]) wins += 1;
      else if (s[i] === s[j]) wins += 0.5;
    }
  }
  return pairs === 0 ? NaN : wins / pairs;
}

/** AP = Σ over distinct thresholds t of (positives scored exactly t / P) · precision(score >= t). */
function bruteAveragePrecision(y: Uint8Array, s: Float64Array): number {
  const thresholds = [...new Set(s)];
  let nPos = 0;
  for (const v of y) nPos += v;
  let ap = 0;
  for (const t of thresholds) {
    let atT = 0;
    let above = 0;
    let posAbove = 0;
    for (let i = 0; i < y.length; i++) {
      if (s[i] >= t) {
        above++;
        posAbove += y[i];
        if (s[i] === t) atT += y[i];
      }
    }
    ap += (atT / nPos) * (posAbove / above);
  }
  return ap;
}

function randomCase(next: () => number, n: number, levels: number, prevalence: number) {
  const y = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = next() < prevalence ? 1 : 0;
    // Few distinct levels → many ties; shift positives up a little so AUC is not ~0.5.
    s[i] = Math.min(levels - 1, Math.floor((next() + 0.3 * y[i]) * levels)) / (levels - 1);
  }
  return { y, s };
}

describe('ROC AUC equals Mann–Whitney pair counting', () => {
  const next = rng(12345);
  for (let trial = 0; trial < 40; trial++) {
    const n = 5 + Math.floor(next() * 300);
    const levels = 2 + Math.floor(next() * 20);
    const prevalence = 0.05 + next() * 0.9;
    const { y, s } = randomCase(next, n, levels, prevalence);
    test(`trial ${trial}: n=${n}, ${levels} levels`, () => {
      const brute = bruteRocAuc(y, s);
      const fast = rocAuc(y, s);
      if (Number.isNaN(brute)) expect(fast).toBeNaN();
      else expect(Math.abs(fast - brute)).toBeLessThanOrEqual(1e-12);
      expect(binaryMetrics(y, s).roc_auc).toBe(fast);
    });
  }
});

describe('average precision equals the step-sum definition', () => {
  const next = rng(777);
  for (let trial = 0; trial < 40; trial++) {
    const n = 5 + Math.floor(next() * 300);
    const levels = 2 + Math.floor(next() * 20);
    const { y, s } = randomCase(next, n, levels, 0.1 + next() * 0.8);
    test(`trial ${trial}: n=${n}, ${levels} levels`, () => {
      const brute = bruteAveragePrecision(y, s);
      const fast = averagePrecision(y, s);
      if (y.every((v) => v === 0)) expect(fast).toBe(0);
      else expect(Math.abs(fast - brute)).toBeLessThanOrEqual(1e-12);
    });
  }
});

describe('ranking edge cases', () => {
  test('hand-worked ROC AUC with a tie', () => {
    // Pairs (pos, neg): (0.8,0.3) win, (0.8,0.5) win, (0.5,0.3) win, (0.5,0.5) tie → 3.5 / 4.
    expect(rocAuc(Uint8Array.from([1, 1, 0, 0]), Float64Array.from([0.8, 0.5, 0.5, 0.3]))).toBe(0.875);
  });
  test('hand-worked average precision', () => {
    // Descending: 0.9 (pos) P=1, 0.8 (neg), 0.7 (pos) P=2/3 → (1 + 2/3) / 2.
    const ap = averagePrecision(Uint8Array.from([1, 0, 1]), Float64Array.from([0.9, 0.8, 0.7]));
    expect(ap).toBeCloseTo(5 / 6, 15);
  });
  test('-0 and +0 are one threshold', () => {
    expect(rocAuc(Uint8Array.from([1, 0]), Float64Array.from([-0, 0]))).toBe(0.5);
  });
  test('one class, empty input, NaN scores, length mismatch', () => {
    expect(rocAuc(Uint8Array.from([0, 0]), Float64Array.from([0.1, 0.2]))).toBeNaN();
    expect(rocAuc(Uint8Array.from([1, 1]), Float64Array.from([0.1, 0.2]))).toBeNaN();
    expect(averagePrecision(Uint8Array.from([0, 0]), Float64Array.from([0.1, 0.2]))).toBe(0);
    expect(averagePrecision(Uint8Array.from([1, 1]), Float64Array.from([0.1, 0.2]))).toBe(1);
    expect(rocAuc(new Uint8Array(0), new Float64Array(0))).toBeNaN();
    expect(averagePrecision(new Uint8Array(0), new Float64Array(0))).toBeNaN();
    expect(rocAuc(Uint8Array.from([1, 0]), Float64Array.from([NaN, 0.2]))).toBeNaN();
    expect(rocAuc(Uint8Array.from([1, 0]), Float64Array.from([0.1, -Infinity]))).toBeNaN();
    expect(averagePrecision(Uint8Array.from([1, 0]), Float64Array.from([0.1, NaN]))).toBeNaN();
    expect(rocAuc(Uint8Array.from([1, 0]), Float64Array.from([0.1]))).toBeNaN();
  });
});
