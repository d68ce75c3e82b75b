// The paired bootstrap: per-resample values against brute force (each resample materialised by
// repeating rows per weight and measured with src/metrics' unweighted kernels), identical results
// for every thread count, row-order invariance, the p-value formula, undefined resamples, BCa on
// small data, and the result's shape.
import { binaryMetrics } from '../../src/metrics/binary.js';
import { calibration } from '../../src/metrics/calibration.js';
import { imbalanceMetrics, type ImbalanceOptions } from '../../src/metrics/imbalance.js';
import { multiclassMetrics } from '../../src/metrics/multiclass.js';
import { regressionMetrics } from '../../src/metrics/regression.js';
import { bootstrap, bootstrapReplicates, workerSource, type BootstrapInput } from '../../src/stats/bootstrap.js';
import { bcaInterval, finiteSorted, percentileInterval } from '../../src/stats/intervals.js';
import { exampleKeys, resampleWeights } from '../../src/stats/resample-weights.js';
import { rng } from '../support/rng.js';


function repeatRows<T extends { length: number; [i: number]: number }>(make: (n: number) => T, values: T, weights: Uint8Array, width = 1): T {
  let total = 0;
  for (const w of weights) total += w;
  const out = make(total * width);
  let at = 0;
  weights.forEach((w, i) => {
    for (let r = 0; r < w; r++) for (let j = 0; j < width; j++) out[at++] = values[i * width + j];
  });
  return out;
}

// Counts, ROC AUC, average precision and the operating points are formed by the same operations
// as src/metrics: exact. Sums of floats (losses, errors, the calibration bins' score sums) run in a
// different order: within 1e-12.
const SUMS = new Set(['log_loss', 'brier', 'mae', 'mse', 'rmse', 'r2', 'mape', 'ece', 'mce']);

/** Every binary metric the bootstrap resamples, from the unweighted src/metrics kernels. */
function binaryReference(y: Uint8Array, s: Float64Array, threshold = 0.5, limits: ImbalanceOptions = {}): Record<string, number> {
  const cal = calibration(y, s, { task: 'binary' });
  return { ...binaryMetrics(y, s, threshold), ece: cal.ece, mce: cal.mce, ...imbalanceMetrics(y, s, limits) };
}

function multiclassReference(y: Int32Array, probs: Float64Array, k: number): Record<string, number> {
  const cal = calibration(y, probs, { task: 'multiclass', k });
  return { ...multiclassMetrics(y, probs, k), ece: cal.ece, mce: cal.mce };
}

function expectReplicate(metric: string, got: number, want: number, context: string): void {
  if (Number.isNaN(want)) {
    if (!Number.isNaN(got)) throw new Error(`${context} ${metric}: expected NaN, got ${got}`);
    return;
  }
  if (SUMS.has(metric)) {
    if (!(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)))) throw new Error(`${context} ${metric}: expected ${want}, got ${got}`);
  } else if (!Object.is(got, want)) {
    throw new Error(`${context} ${metric}: expected exactly ${want}, got ${got}`);
  }
}

function binaryData(n: number, seed: number, digits = 1) {
  const next = rng(seed);
  const truth = Uint8Array.from({ length: n }, () => (next() < 0.4 ? 1 : 0));
  const scale = 10 ** digits;
  const cand = Float64Array.from(truth, (y) => Math.min(1, Math.max(0, Math.round((y ? 0.65 : 0.35) * scale + (next() - 0.5) * 0.8 * scale) / scale)));
  const base = Float64Array.from(truth, (y) => Math.min(1, Math.max(0, Math.round((y ? 0.6 : 0.4) * scale + (next() - 0.5) * 0.9 * scale) / scale)));
  return { truth, cand, base };
}

describe('per-resample values equal brute force (n = 30, B = 50)', () => {
  const n = 30;
  const B = 50;
  const seed = 314159;

  test('binary, tied scores, two models and the constant dummy, every metric', () => {
    const { truth, cand, base } = binaryData(n, 1);
    // The dummy: the class prior on every row (a constant model: computed from the class totals).
    const dummy = new Float64Array(n).fill(truth.reduce((a, v) => a + v, 0) / n);
    const keys = exampleKeys(undefined, n);
    const limits = { maxFpr: 0.2, minRecall: 0.8 };
    const reps = bootstrapReplicates({
      task: 'binary', truth, models: [{ name: 'c', predictions: cand }, { name: 'b', predictions: base }, { name: 'dummy', predictions: dummy }], candidate: 'c',
      decisionThreshold: 0.5, ...limits, keys, resamples: B, confidence: 0.95, seed, threads: 1,
    });
    expect(reps.metrics).toEqual(expect.arrayContaining(['ece', 'mce', 'recall_at_fpr', 'precision_at_recall']));
    const S = reps.metrics.length;
    let undefinedAuc = 0;
    for (let b = 0; b < B; b++) {
      const w = resampleWeights(keys, seed, b);
      const y = repeatRows((m) => new Uint8Array(m), truth, w);
      [cand, base, dummy].forEach((scores, m) => {
        const expected = binaryReference(y, repeatRows((k) => new Float64Array(k), scores, w), 0.5, limits);
        reps.metrics.forEach((metric, s) => expectReplicate(metric, reps.values[(b * 3 + m) * S + s], expected[metric], `b=${b} m=${m}`));
        if (Number.isNaN(expected.roc_auc)) undefinedAuc++;
      });
    }
    // The full-data estimates equal src/metrics exactly.
    const full = binaryReference(truth, cand, 0.5, limits);
    reps.metrics.forEach((metric, s) => expect(reps.estimates[s]).toBe(full[metric]));
    expect(undefinedAuc).toBe(0);
    // The operating points and calibration vary across resamples (they are resampled, not copied).
    for (const metric of ['ece', 'recall_at_fpr', 'precision_at_recall']) {
      const s = reps.metrics.indexOf(metric);
      const values = new Set(Array.from({ length: B }, (_, b) => reps.values[b * 3 * S + s]));
      expect(values.size).toBeGreaterThan(5);
    }
  });

  test('multiclass, k = 3', () => {
    const next = rng(2);
    const k = 3;
    const truth = Int32Array.from({ length: n }, () => Math.floor(next() * k));
    const palette = [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.25, 0.25, 0.5], [0.4, 0.4, 0.2]];
    const model = () => {
      const p = new Float64Array(n * k);
      for (let i = 0; i < n; i++) palette[Math.floor(next() * palette.length)].forEach((v, j) => (p[i * k + j] = v));
      return p;
    };
    const a = model();
    const c = model();
    const dummy = new Float64Array(n * k);
    for (let i = 0; i < n; i++) dummy.set([0.3, 0.3, 0.4], i * k);
    const keys = exampleKeys(Array.from({ length: n }, (_, i) => `row${i}`), n);
    const reps = bootstrapReplicates({
      task: 'multiclass', truth, k, models: [{ name: 'a', predictions: a }, { name: 'c', predictions: c }, { name: 'dummy', predictions: dummy }], candidate: 'c', keys, resamples: B, confidence: 0.95, seed, threads: 1,
    });
    expect(reps.metrics).toEqual(expect.arrayContaining(['ece', 'mce']));
    const S = reps.metrics.length;
    for (let b = 0; b < B; b++) {
      const w = resampleWeights(keys, seed, b);
      const y = repeatRows((m) => new Int32Array(m), truth, w);
      [a, c, dummy].forEach((probs, m) => {
        const expected = multiclassReference(y, repeatRows((x) => new Float64Array(x), probs, w, k), k);
        reps.metrics.forEach((metric, s) => expectReplicate(metric, reps.values[(b * 3 + m) * S + s], expected[metric], `b=${b} m=${m}`));
      });
    }
  });

  test('regression', () => {
    const next = rng(3);
    const truth = Float64Array.from({ length: n }, () => Math.round(next() * 8) / 2);
    const p1 = Float64Array.from(truth, (y) => y + (next() - 0.5));
    const p2 = Float64Array.from(truth, (y) => (next() < 0.3 ? y : y + (next() - 0.5) * 2));
    const keys = exampleKeys(undefined, n);
    const reps = bootstrapReplicates({ task: 'regression', truth, models: [{ name: 'one', predictions: p1 }, { name: 'two', predictions: p2 }], candidate: 'two', keys, resamples: B, confidence: 0.9, seed, threads: 1 });
    const S = reps.metrics.length;
    for (let b = 0; b < B; b++) {
      const w = resampleWeights(keys, seed, b);
      const y = repeatRows((m) => new Float64Array(m), truth, w);
      [p1, p2].forEach((pred, m) => {
        const expected = regressionMetrics(y, repeatRows((x) => new Float64Array(x), pred, w));
        reps.metrics.forEach((metric, s) => expectReplicate(metric, reps.values[(b * 2 + m) * S + s], expected[metric], `b=${b} m=${m}`));
      });
    }
  });
});

describe('threads', () => {
  // Large enough for the workers to take part, small enough for a quick test.
  const n = 20000;
  const { truth, cand, base } = binaryData(n, 7, 4);
  const input: BootstrapInput = {
    task: 'binary', truth,
    models: [{ name: 'cand', predictions: cand }, { name: 'base', predictions: base }, { name: 'dummy', predictions: new Float64Array(n).fill(0.4) }, { name: 'other', predictions: Float64Array.from(base, (v) => 1 - v) }],
    candidate: 'cand', keys: exampleKeys(undefined, n), resamples: 60, confidence: 0.95, seed: 2024, bcaMaxRows: 0,
  };

  test('the worker source is self-contained code', () => {
    // Evaluates in a scope with nothing but globals: it must not refer to module-level names.
    const source = workerSource();
    expect(source).toContain('runner.workerMain(workerData)');
    const make = new Function('require', 'workerData', source.replace('const { workerData } = require("node:worker_threads");', ''));
    expect(() => make(() => ({}), { plan: { n: 0, B: 0, M: 0, S: 0, preps: [], rowKeys: new Int32Array(0), seedB: 0, values: new Float64Array(0) }, ctl: new Int32Array(new SharedArrayBuffer(8)), state: new Int32Array(new SharedArrayBuffer(4)), thread: 1 })).not.toThrow();
  });

  test('1, 2 and 3 threads give byte-identical replicates and results', () => {
    const one = bootstrapReplicates({ ...input, threads: 1 });
    const two = bootstrapReplicates({ ...input, threads: 2 });
    const three = bootstrapReplicates({ ...input, threads: 3 });
    expect(one.resamplesByThread).toEqual([60]);
    expect(two.resamplesByThread.reduce((a, b) => a + b)).toBe(60);
    expect(three.resamplesByThread.length).toBe(3);
    expect(Buffer.from(two.values.buffer)).toEqual(Buffer.from(one.values.buffer));
    expect(Buffer.from(three.values.buffer)).toEqual(Buffer.from(one.values.buffer));
    expect(JSON.stringify(bootstrap({ ...input, threads: 2 }))).toBe(JSON.stringify(bootstrap({ ...input, threads: 1 })));
  });

  test('resamples are independent of how they are batched: B = 7 equals the first 7 of B = 8', () => {
    // Resamples are computed in pairs with a lone last one; resample 6 is alone in the first run
    // and paired with 7 in the second.
    const seven = bootstrapReplicates({ ...input, resamples: 7, threads: 1 });
    const eight = bootstrapReplicates({ ...input, resamples: 8, threads: 1 });
    expect(Buffer.from(seven.values.buffer)).toEqual(Buffer.from(eight.values.buffer, 0, seven.values.byteLength));
  });

  test('workers take part', () => {
    // Long enough (about a second on one thread) that the worker is up before the calling
    // thread has claimed every resample.
    const big = 100000;
    const d = binaryData(big, 8, 4);
    const r = bootstrapReplicates({ ...input, truth: d.truth, models: [{ name: 'cand', predictions: d.cand }, { name: 'base', predictions: d.base }], keys: exampleKeys(undefined, big), resamples: 600, threads: 2 });
    expect(r.resamplesByThread[1]).toBeGreaterThan(0);
    expect(r.resamplesByThread[0] + r.resamplesByThread[1]).toBe(600);
  });
});

test('permuting the rows (with their ids) leaves the result unchanged', () => {
  const n = 400;
  const { truth, cand, base } = binaryData(n, 9, 3);
  const ids = Array.from({ length: n }, (_, i) => `id-${i}`);
  const perm = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  const pick = <T extends { [i: number]: number }>(make: (m: number) => T, a: T): T => {
    const out = make(n);
    perm.forEach((i, j) => (out[j] = a[i]));
    return out;
  };
  const common = { task: 'binary' as const, candidate: 'c', resamples: 100, confidence: 0.95, seed: 5, threads: 1 };
  const r1 = bootstrap({ ...common, truth, keys: exampleKeys(ids, n), models: [{ name: 'c', predictions: cand }, { name: 'b', predictions: base }] });
  const r2 = bootstrap({
    ...common,
    truth: pick((m) => new Uint8Array(m), truth),
    keys: exampleKeys(perm.map((i) => ids[i]), n),
    models: [{ name: 'c', predictions: pick((m) => new Float64Array(m), cand) }, { name: 'b', predictions: pick((m) => new Float64Array(m), base) }],
  });
  // Counts-based metrics are exactly invariant; sums may differ in the last bits (summation order).
  for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc', 'balanced_accuracy', 'recall_at_fpr', 'precision_at_recall']) {
    expect(r2.metrics.c[metric]).toEqual(r1.metrics.c[metric]);
    expect(r2.deltas.b[metric]).toEqual(r1.deltas.b[metric]);
  }
  for (const metric of ['log_loss', 'brier', 'ece', 'mce']) {
    expect(r2.deltas.b[metric].ci[0]).toBeCloseTo(r1.deltas.b[metric].ci[0], 12);
    expect(r2.deltas.b[metric].ci[1]).toBeCloseTo(r1.deltas.b[metric].ci[1], 12);
  }
});

describe('result', () => {
  const n = 6000; // above the BCa limit: percentile intervals
  const { truth, cand, base } = binaryData(n, 11, 3);
  const input: BootstrapInput = {
    task: 'binary', truth, models: [{ name: 'cand', predictions: cand }, { name: 'base', predictions: base }], candidate: 'cand',
    keys: exampleKeys(undefined, n), resamples: 200, confidence: 0.9, seed: 77, threads: 1,
  };

  test('intervals and p-values follow from the replicates', () => {
    const result = bootstrap(input);
    const reps = bootstrapReplicates(input);
    expect(reps.metrics).toEqual(expect.arrayContaining(['ece', 'mce', 'recall_at_fpr', 'precision_at_recall']));
    expect(result.method).toBe('percentile');
    expect(result.resamples).toBe(200);
    expect(result.confidence).toBe(0.9);
    expect(result.seed).toBe(77);
    expect(Object.keys(result.metrics)).toEqual(['cand', 'base']);
    expect(Object.keys(result.deltas)).toEqual(['base']);
    const S = reps.metrics.length;
    reps.metrics.forEach((metric, s) => {
      const cands = Float64Array.from({ length: 200 }, (_, b) => reps.values[(b * 2) * S + s]);
      const deltas = Float64Array.from({ length: 200 }, (_, b) => reps.values[(b * 2) * S + s] - reps.values[(b * 2 + 1) * S + s]);
      expect(result.metrics.cand[metric].ci).toEqual(percentileInterval(finiteSorted(cands).sorted, 0.9));
      expect(result.deltas.base[metric].ci).toEqual(percentileInterval(finiteSorted(deltas).sorted, 0.9));
      let le = 0;
      let ge = 0;
      for (const d of deltas) {
        if (d <= 0) le++;
        if (d >= 0) ge++;
      }
      expect(result.deltas.base[metric].pValue).toBe(Math.min(1, (2 * Math.min(1 + le, 1 + ge)) / 201));
      expect(result.metrics.cand[metric].ci[0]).toBeLessThanOrEqual(result.metrics.cand[metric].ci[1]);
    });
  });

  test('a delta against the constant dummy gets an interval and a p-value for every metric', () => {
    const prior = truth.reduce((a, v) => a + v, 0) / n;
    const r = bootstrap({ ...input, models: [...input.models, { name: 'dummy', predictions: new Float64Array(n).fill(prior) }] });
    for (const [metric, e] of Object.entries(r.deltas.dummy)) {
      // ROC AUC, ECE etc. of the dummy are defined; its precision is 0 below the threshold, so every metric has a finite interval.
      expect([metric, Number.isFinite(e.ci[0]) && Number.isFinite(e.ci[1])]).toEqual([metric, true]);
      expect(e.pValue).toBeGreaterThan(0);
    }
    expect(r.metrics.dummy.roc_auc.ci).toEqual([0.5, 0.5]);
    expect(r.deltas.dummy.roc_auc.ci[0]).toBeGreaterThan(0);
    expect(r.deltas.dummy.log_loss.ci[1]).toBeLessThan(0);
    expect(r.deltas.dummy.log_loss.pValue).toBe(2 / 201);
    // The other model's numbers do not change when the dummy joins.
    expect(r.deltas.base).toEqual(bootstrap(input).deltas.base);
  });

  test('identical models: every delta is 0 with p = 1', () => {
    const r = bootstrap({ ...input, models: [{ name: 'cand', predictions: cand }, { name: 'same', predictions: Float64Array.from(cand) }] });
    for (const e of Object.values(r.deltas.same)) {
      expect(e.ci).toEqual([0, 0]);
      expect(e.pValue).toBe(1);
    }
  });

  test('a clearly better candidate: small p-value, interval away from 0', () => {
    const better = Float64Array.from(truth, (y) => (y ? 0.9 : 0.1));
    const r = bootstrap({ ...input, models: [{ name: 'cand', predictions: better }, { name: 'base', predictions: base }] });
    expect(r.deltas.base.accuracy.ci[0]).toBeGreaterThan(0);
    expect(r.deltas.base.accuracy.pValue).toBe(2 / 201);
    expect(r.deltas.base.log_loss.ci[1]).toBeLessThan(0);
  });

  test('resamples = 0 turns the bootstrap off', () => {
    const r = bootstrap({ ...input, resamples: 0 });
    expect(r).toEqual({ resamples: 0, confidence: 0.9, seed: 77, method: 'percentile', metrics: {}, deltas: {} });
  });

  test('same inputs and seed: byte-identical; another seed: different', () => {
    expect(JSON.stringify(bootstrap(input))).toBe(JSON.stringify(bootstrap(input)));
    expect(JSON.stringify(bootstrap({ ...input, seed: 78 }))).not.toBe(JSON.stringify(bootstrap(input)));
  });

  test('bad input throws RangeError', () => {
    expect(() => bootstrap({ ...input, candidate: 'nobody' })).toThrow(RangeError);
    expect(() => bootstrap({ ...input, confidence: 1 })).toThrow(RangeError);
    expect(() => bootstrap({ ...input, resamples: -1 })).toThrow(RangeError);
    expect(() => bootstrap({ ...input, keys: new Uint32Array(3) })).toThrow(RangeError);
    expect(() => bootstrap({ ...input, models: [input.models[0], input.models[0]] })).toThrow(RangeError);
    expect(() => bootstrap({ ...input, task: 'multiclass' })).toThrow(RangeError);
  });
});

test('undefined resamples are skipped and counted', () => {
  // 12 rows, 1 positive: many resamples leave it out, so ROC AUC is undefined there.
  const n = 12;
  const truth = Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
  const score = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0.8 : i / 20));
  const r = bootstrap({ task: 'binary', truth, models: [{ name: 'c', predictions: score }, { name: 'b', predictions: Float64Array.from(score).reverse() }], candidate: 'c', keys: exampleKeys(undefined, n), resamples: 100, confidence: 0.95, seed: 1, threads: 1, bcaMaxRows: 0 });
  const undefinedAuc = r.metrics.c.roc_auc.undefinedResamples ?? 0;
  // P(weight 0) = e^-1: about 37 of 100.
  expect(undefinedAuc).toBeGreaterThan(20);
  expect(undefinedAuc).toBeLessThan(55);
  expect(r.deltas.b.roc_auc.undefinedResamples).toBe(undefinedAuc);
  expect(r.metrics.c.accuracy.undefinedResamples).toBeUndefined();
  expect(Number.isFinite(r.metrics.c.roc_auc.ci[0])).toBe(true);
});

test('a metric undefined on the full data is undefined on every resample', () => {
  const n = 50;
  const truth = new Uint8Array(n); // one class
  const score = Float64Array.from({ length: n }, (_, i) => i / n);
  const r = bootstrap({ task: 'binary', truth, models: [{ name: 'c', predictions: score }, { name: 'b', predictions: score }], candidate: 'c', keys: exampleKeys(undefined, n), resamples: 30, confidence: 0.95, seed: 1, threads: 1 });
  expect(r.metrics.c.roc_auc.undefinedResamples).toBe(30);
  expect(r.metrics.c.roc_auc.ci[0]).toBeNaN();
  expect(r.deltas.b.roc_auc.pValue).toBeNaN();
});

test('BCa on small data uses the jackknife over example keys', () => {
  const n = 300;
  const { truth, cand, base } = binaryData(n, 13, 2);
  const keys = exampleKeys(undefined, n);
  const input: BootstrapInput = { task: 'binary', truth, models: [{ name: 'c', predictions: cand }, { name: 'b', predictions: base }], candidate: 'c', keys, resamples: 1000, confidence: 0.95, seed: 3, threads: 1 };
  const r = bootstrap(input);
  expect(r.method).toBe('bca');
  // Recompute one entry by hand: leave-one-out values with src/metrics, then bcaInterval.
  const reps = bootstrapReplicates(input);
  const S = reps.metrics.length;
  const s = reps.metrics.indexOf('accuracy');
  const jack = Float64Array.from({ length: n }, (_, i) => {
    const keep = (a: ArrayLike<number>) => Array.from(a).filter((_, j) => j !== i);
    return binaryMetrics(Uint8Array.from(keep(truth)), Float64Array.from(keep(cand))).accuracy;
  });
  const replicates = Float64Array.from({ length: 1000 }, (_, b) => reps.values[b * 2 * S + s]);
  const expected = bcaInterval(finiteSorted(replicates).sorted, binaryMetrics(truth, cand).accuracy, jack, 0.95);
  // (The bootstrap visits the jackknife in key order, so the acceleration's sums may differ in the last bits.)
  expect(r.metrics.c.accuracy.ci[0]).toBeCloseTo(expected!.ci[0], 12);
  expect(r.metrics.c.accuracy.ci[1]).toBeCloseTo(expected!.ci[1], 12);
  // percentile when asked, and below 1000 resamples
  expect(bootstrap({ ...input, bcaMaxRows: 0 }).method).toBe('percentile');
  expect(bootstrap({ ...input, resamples: 999 }).method).toBe('percentile');
});

test('binary with an invalid first model: no relabelling, threads still agree', () => {
  const n = 20000;
  const { truth, cand, base } = binaryData(n, 17, 3);
  const broken = Float64Array.from(cand);
  broken[5] = NaN;
  const input: BootstrapInput = {
    task: 'binary', truth, models: [{ name: 'broken', predictions: broken }, { name: 'cand', predictions: cand }, { name: 'base', predictions: base }],
    candidate: 'cand', keys: exampleKeys(undefined, n), resamples: 40, confidence: 0.95, seed: 4,
  };
  const one = bootstrapReplicates({ ...input, threads: 1 });
  const two = bootstrapReplicates({ ...input, threads: 2 });
  expect(Buffer.from(two.values.buffer)).toEqual(Buffer.from(one.values.buffer));
  const r = bootstrap({ ...input, threads: 1 });
  expect(r.metrics.broken.accuracy.undefinedResamples).toBe(40);
  expect(r.deltas.base.accuracy.pValue).toBeGreaterThan(0);
});

test('binary with a constant first model: no relabelling, threads still agree, the others as without it', () => {
  const n = 20000;
  const { truth, cand, base } = binaryData(n, 19, 3);
  const input: BootstrapInput = {
    task: 'binary', truth, models: [{ name: 'dummy', predictions: new Float64Array(n).fill(0.4) }, { name: 'cand', predictions: cand }, { name: 'base', predictions: base }],
    candidate: 'cand', keys: exampleKeys(undefined, n), resamples: 40, confidence: 0.95, seed: 4,
  };
  const one = bootstrapReplicates({ ...input, threads: 1 });
  const two = bootstrapReplicates({ ...input, threads: 2 });
  expect(Buffer.from(two.values.buffer)).toEqual(Buffer.from(one.values.buffer));
  const S = one.metrics.length;
  const relabelled = bootstrapReplicates({ ...input, models: [input.models[1], input.models[2], input.models[0]], threads: 1 });
  for (let b = 0; b < 40; b++) {
    one.metrics.forEach((metric, s) => {
      // cand, then dummy: counts exact, sums (relabelled row order) to 1e-12.
      expectReplicate(metric, relabelled.values[(b * 3) * S + s], one.values[(b * 3 + 1) * S + s], `b=${b} cand`);
      expectReplicate(metric, relabelled.values[(b * 3 + 2) * S + s], one.values[(b * 3) * S + s], `b=${b} dummy`);
    });
  }
});

test('multiclass and regression run on two threads with identical results', () => {
  const n = 30000;
  const next = rng(23);
  const k = 3;
  const truth = Int32Array.from({ length: n }, () => Math.floor(next() * k));
  const probs = (bias: number) => {
    const p = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += p[i * k + j] = next() + (j === truth[i] ? bias : 0);
      for (let j = 0; j < k; j++) p[i * k + j] /= sum;
    }
    return p;
  };
  const mc: BootstrapInput = { task: 'multiclass', truth, k, models: [{ name: 'a', predictions: probs(0.6) }, { name: 'b', predictions: probs(0.3) }], candidate: 'a', keys: exampleKeys(undefined, n), resamples: 30, confidence: 0.95, seed: 8 };
  expect(Buffer.from(bootstrapReplicates({ ...mc, threads: 2 }).values.buffer)).toEqual(Buffer.from(bootstrapReplicates({ ...mc, threads: 1 }).values.buffer));
  const y = Float64Array.from({ length: n }, () => next() * 10);
  const rg: BootstrapInput = { task: 'regression', truth: y, models: [{ name: 'a', predictions: Float64Array.from(y, (v) => v + next() - 0.5) }, { name: 'b', predictions: Float64Array.from(y, (v) => v + 2 * (next() - 0.5)) }], candidate: 'a', keys: exampleKeys(undefined, n), resamples: 30, confidence: 0.95, seed: 8 };
  expect(Buffer.from(bootstrapReplicates({ ...rg, threads: 2 }).values.buffer)).toEqual(Buffer.from(bootstrapReplicates({ ...rg, threads: 1 }).values.buffer));
  const r = bootstrap({ ...rg, threads: 1 });
  expect(r.deltas.b.mae.ci[1]).toBeLessThan(0);
});
