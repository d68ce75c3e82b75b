// Latency measurement: exact percentiles and throughput under a fake clock, the run-count rule, the
// b-row inputs latencyRunner builds, the gating metric names, and a smoke run on the real TF.js fixture.

import path from 'node:path';
import { readDataset, selectFeatures } from '../../src/data/read.js';
import type { LoadedModel, PredictInput } from '../../src/engines/engine.js';
import { openModel } from '../../src/engines/open.js';
import { latencyMetricInfo } from '../../src/metrics/latency-info.js';
import { latencyMeasurable, latencyMetrics, latencyRunner, measureLatency, percentile, sliceInput } from '../../src/perf/latency.js';
import { stressRun } from '../../src/perf/load.js';
import { peakMemory } from '../../src/perf/memory.js';
import type { Column, Dataset, LatencyResult, NumericColumn, Predictions } from '../../src/types.js';

/** A clock that only moves when the fake run says so: run i takes durations[i] ms. */
function fake(durations: number[]) {
  let t = 1000;
  let i = 0;
  const calls: number[] = [];
  return {
    calls,
    now: () => t,
    run: async (b: number) => {
      calls.push(b);
      t += durations[i++ % durations.length];
    },
  };
}

describe('percentile (numpy linear)', () => {
  test('hand-computed values', () => {
    // x sorted = [3, 4, 5, 6, 7, 8, 9, 12, 30, 100], n = 10.
    const x = Float64Array.from([12, 3, 7, 30, 5, 8, 4, 9, 6, 100]).sort();
    expect(percentile(x, 50)).toBeCloseTo(7.5, 12); // h = 4.5: 7 + 0.5·(8 − 7)
    expect(percentile(x, 95)).toBeCloseTo(68.5, 12); // h = 8.55: 30 + 0.55·(100 − 30)
    expect(percentile(x, 99)).toBeCloseTo(93.7, 12); // h = 8.91: 30 + 0.91·70
    expect(percentile(x, 0)).toBe(3);
    expect(percentile(x, 100)).toBe(100);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(x, 101)).toThrow(RangeError);
  });
});

describe('measureLatency with a fake clock', () => {
  test('percentiles, mean and rows/s are exactly those of the timed runs; warmup runs are not counted', async () => {
    const timed = [12, 3, 7, 30, 5, 8, 4, 9, 6, 100];
    // Two warmup runs of 1000 ms each: counted, they would dominate every figure.
    const f = fake([1000, 1000, ...timed]);
    const [r] = await measureLatency(f.run, { batchSizes: [4], warmup: 2, minRuns: 10, maxSeconds: 0, now: f.now });
    expect(f.calls).toEqual(Array(12).fill(4));
    expect(r.batchSize).toBe(4);
    expect(r.runs).toBe(10);
    expect(r.p50_ms).toBeCloseTo(7.5, 12);
    expect(r.p95_ms).toBeCloseTo(68.5, 12);
    expect(r.p99_ms).toBeCloseTo(93.7, 12);
    expect(r.mean_ms).toBeCloseTo(18.4, 12);
    // 4 rows × 10 runs in 184 ms.
    expect(r.rowsPerSecond).toBeCloseTo((4 * 10 * 1000) / 184, 9);
  });

  test('runs: at least minRuns, then until maxSeconds, at most maxRuns', async () => {
    // 10 ms a run, 50 ms budget: 5 runs once the floor of 3 is met.
    let f = fake([10]);
    let [r] = await measureLatency(f.run, { batchSizes: [1], warmup: 0, minRuns: 3, maxSeconds: 0.05, now: f.now });
    expect(r.runs).toBe(5);
    // The floor wins over the budget.
    f = fake([10]);
    [r] = await measureLatency(f.run, { batchSizes: [1], warmup: 0, minRuns: 8, maxSeconds: 0.05, now: f.now });
    expect(r.runs).toBe(8);
    // maxRuns caps a budget that would allow more.
    f = fake([10]);
    [r] = await measureLatency(f.run, { batchSizes: [1], warmup: 0, minRuns: 3, maxSeconds: 100, maxRuns: 4, now: f.now });
    expect(r.runs).toBe(4);
  });

  test('one result per batch size, in order, each with its own warmup', async () => {
    const f = fake([2]);
    const results = await measureLatency(f.run, { batchSizes: [1, 32, 256], warmup: 1, minRuns: 2, maxSeconds: 0, now: f.now });
    expect(results.map((r) => r.batchSize)).toEqual([1, 32, 256]);
    expect(f.calls).toEqual([1, 1, 1, 32, 32, 32, 256, 256, 256]);
    expect(results.map((r) => r.rowsPerSecond)).toEqual([500, 16000, 128000]);
    const sampled: number[] = [];
    const g = fake([1]);
    await measureLatency(g.run, { batchSizes: [1], warmup: 2, minRuns: 3, maxSeconds: 0, now: g.now, onRun: () => sampled.push(1) });
    expect(sampled).toHaveLength(5);
  });

  test('defaults: batch sizes 1, 32, 256 with 5 warmup runs and at least 30 timed', async () => {
    const f = fake([1]);
    const results = await measureLatency(f.run, { now: f.now, maxSeconds: 0 });
    expect(results.map((r) => [r.batchSize, r.runs])).toEqual([[1, 30], [32, 30], [256, 30]]);
    expect(f.calls).toHaveLength(3 * 35);
  });

  test('bad options are refused', async () => {
    const f = fake([1]);
    await expect(measureLatency(f.run, { batchSizes: [0] })).rejects.toThrow(RangeError);
    await expect(measureLatency(f.run, { batchSizes: [] })).rejects.toThrow(RangeError);
    await expect(measureLatency(f.run, { minRuns: 0 })).rejects.toThrow(RangeError);
    await expect(measureLatency(f.run, { minRuns: 5, maxRuns: 4 })).rejects.toThrow(RangeError);
  });
});

describe('gating metric names', () => {
  const results: LatencyResult[] = [
    { batchSize: 1, runs: 30, p50_ms: 1, p95_ms: 2, p99_ms: 3, mean_ms: 1.2, rowsPerSecond: 800 },
    { batchSize: 32, runs: 30, p50_ms: 4, p95_ms: 5, p99_ms: 6, mean_ms: 4.5, rowsPerSecond: 7000 },
  ];

  test('latencyMetrics names every figure by batch size, and latency_p95_ms is batch 1', () => {
    expect(latencyMetrics(results)).toEqual({
      'latency_p50_ms@1': 1,
      'latency_p95_ms@1': 2,
      'latency_p99_ms@1': 3,
      'throughput_rows_per_s@1': 800,
      latency_p95_ms: 2,
      'latency_p50_ms@32': 4,
      'latency_p95_ms@32': 5,
      'latency_p99_ms@32': 6,
      'throughput_rows_per_s@32': 7000,
    });
    expect(latencyMetrics(results.slice(1))).not.toHaveProperty('latency_p95_ms');
  });

  test('latencyMetricInfo: lower is better for latency, higher for throughput, every task', () => {
    const all = ['binary', 'multiclass', 'regression', 'multilabel', 'ranking'];
    for (const name of Object.keys(latencyMetrics(results))) {
      const info = latencyMetricInfo(name);
      expect(info).toBeDefined();
      expect(info!.higherIsBetter).toBe(name.startsWith('throughput'));
      expect(info!.bounded).toBe(false);
      expect([...info!.tasks].sort()).toEqual([...all].sort());
    }
    expect(latencyMetricInfo('latency_p99_ms@256')!.label).toBe('Latency p99 (ms, batch 256)');
    expect(latencyMetricInfo('latency_p95_ms')!.label).toBe('Latency p95 (ms, batch 1)');
    expect(latencyMetricInfo('throughput_rows_per_s@7')!.label).toBe('Throughput (rows/s, batch 7)');
    for (const bad of ['latency_p90_ms@1', 'latency_p50_ms', 'latency_p50_ms@0', 'ndcg@5', 'accuracy', 'throughput_rows_per_s@x']) {
      expect(latencyMetricInfo(bad)).toBeUndefined();
    }
  });
});

describe('b-row inputs', () => {
  const num = (name: string, values: number[]): NumericColumn => ({
    name,
    kind: 'numeric',
    values: Float64Array.from(values),
    raw: values.map(String),
    missing: 0,
  });
  const a = num('a', [1, 2, 3]);
  const b = num('b', [10, 20, 30]);
  const id: Column = { name: 'id', kind: 'categorical', values: ['x', 'y', null], missing: 1 };
  const dataset: Dataset = { path: 'd.csv', rowCount: 3, columns: [id, a, b], recordLines: Int32Array.from([2, 3, 4]) };
  const input: PredictInput = { name: 'm', dataset, features: [b, a], task: 'regression', classes: [], idColumn: id, batchSize: 7 };

  test('fewer rows than the dataset: the first b, features still the dataset columns, in model order', () => {
    const s = sliceInput(input, 2);
    expect(s.batchSize).toBe(2);
    expect(s.dataset.rowCount).toBe(2);
    expect(s.features.map((c) => c.name)).toEqual(['b', 'a']);
    expect(Array.from((s.features[0] as NumericColumn).values)).toEqual([10, 20]);
    expect(s.features[0]).toBe(s.dataset.columns[2]);
    expect(s.idColumn).toBe(s.dataset.columns[0]);
    expect(Array.from(s.dataset.recordLines)).toEqual([2, 3]);
  });

  test('more rows than the dataset: rows repeat from the top', () => {
    const s = sliceInput(input, 7);
    expect(s.dataset.rowCount).toBe(7);
    expect(Array.from((s.features[1] as NumericColumn).values)).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect((s.features[1] as NumericColumn).raw).toEqual(['1', '2', '3', '1', '2', '3', '1']);
    expect(s.idColumn!.values).toEqual(['x', 'y', null, 'x', 'y', null, 'x']);
    expect(s.idColumn!.missing).toBe(2);
    expect(Array.from(s.dataset.recordLines)).toEqual([2, 3, 4, 2, 3, 4, 2]);
    expect(s.dataset.path).toBe('d.csv');
  });

  test('latencyRunner predicts b rows as one batch, building each b-row input once', async () => {
    const seen: PredictInput[] = [];
    const model: LoadedModel = {
      engine: 'test',
      backend: 'none',
      files: [],
      metadata: {},
      takesFeatures: true,
      needsFeatures: true,
      runsTrainingRows: true,
      predict: async (i): Promise<Predictions> => {
        seen.push(i);
        return { kind: 'regression', values: new Float64Array(i.dataset.rowCount) };
      },
      dispose: () => undefined,
    };
    const run = latencyRunner(model, input);
    await run(5);
    await run(5);
    await run(1);
    expect(seen.map((i) => [i.dataset.rowCount, i.batchSize])).toEqual([[5, 5], [5, 5], [1, 1]]);
    expect(seen[0]).toBe(seen[1]);
    expect(latencyMeasurable(model)).toBe(true);
    // A predictions file and a command take no features from model-gate (their engines say so).
    expect(latencyMeasurable({ ...model, takesFeatures: false })).toBe(false);
  });
});

describe('smoke run on the real TF.js fixture (structure only, never timings)', () => {
  test('penguins-sex candidate: latency per batch size, a short load test, peak memory', async () => {
    const dir = path.join(process.cwd(), 'fixtures', 'penguins-sex');
    const data = await readDataset(path.join(dir, 'eval.csv'));
    const model = await openModel(path.join(dir, 'candidate'), 'candidate');
    try {
      const sel = selectFeatures(data, { label: 'sex', id: 'id', features: model.metadata.features });
      const input: PredictInput = { name: 'candidate', dataset: data, features: sel.features, task: 'binary', classes: ['FEMALE', 'MALE'], idColumn: sel.id, batchSize: 32 };
      const run = latencyRunner(model, input);
      const { value, memory } = await peakMemory(async (sample) => {
        // 256 > the 94 evaluation rows: rows repeat.
        const latency = await measureLatency(run, { batchSizes: [1, 32, 256], warmup: 1, minRuns: 5, maxSeconds: 0, onRun: sample });
        const load = await stressRun(run, { concurrency: 2, seconds: 0.2, batchRows: 1, onRun: sample });
        return { latency, load };
      });
      expect(value.latency.map((r) => [r.batchSize, r.runs])).toEqual([[1, 5], [32, 5], [256, 5]]);
      for (const r of value.latency) {
        expect(r.p50_ms).toBeGreaterThanOrEqual(0);
        expect(r.p50_ms).toBeLessThanOrEqual(r.p95_ms);
        expect(r.p95_ms).toBeLessThanOrEqual(r.p99_ms);
        expect(r.mean_ms).toBeGreaterThan(0);
        expect(r.rowsPerSecond).toBeGreaterThan(0);
      }
      expect(Object.keys(latencyMetrics(value.latency))).toHaveLength(13);
      expect(value.load.errors).toBe(0);
      expect(value.load.requests).toBeGreaterThan(0);
      expect(value.load.throughputPerSecond).toBeGreaterThan(0);
      expect(value.load.p50_ms).toBeLessThanOrEqual(value.load.p95_ms);
      expect(value.load.p95_ms).toBeLessThanOrEqual(value.load.p99_ms);
      expect(memory.rssBeforeMB).toBeGreaterThan(0);
      expect(memory.rssPeakMB).toBeGreaterThanOrEqual(memory.rssBeforeMB);
      expect(memory.maxRssMB).toBeGreaterThan(0);
      expect(memory.samples).toBeGreaterThan(value.latency.length * 6);
    } finally {
      model.dispose();
    }
  });
});
