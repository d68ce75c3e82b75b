// Inference latency per batch size: warm up, time single predict calls, summarise as percentiles.
//
// What one "run" is: the caller's `run(b)` predicts b rows once (latencyRunner builds it from a loaded
// model). Each batch size gets `warmup` untimed runs, then timed runs until at least `minRuns` have been
// timed and `maxSeconds` of timed runs have passed — the same rule as hyperfine's --min-runs with a time
// budget: `minRuns` is a floor that always holds (a slow model may overrun maxSeconds to reach it), and
// once the floor is met no run starts after maxSeconds. `maxRuns` (default 10 000) bounds the samples
// for very fast models.
//
// Percentiles are numpy.percentile's default ('linear', type 7 of Hyndman & Fan): for n sorted values
// x[0..n-1] and p in [0, 100], h = (n − 1)·p/100 and the value is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
// rowsPerSecond is b · runs / (total timed seconds), i.e. b / mean latency.
//
// These are wall-clock timings of one process on one machine: comparable between models measured in the
// same run, not across machines or CI runners. The pipeline times its models with measureLatencyRounds:
// the same rule spread over interleaved rounds, whose per-round figures src/perf/compare-latency.ts tests.

import type { LoadedModel, PredictInput } from '../engines/engine.js';
import type { Column, Dataset, LatencyResult } from '../types.js';
import { numberDefault, numberListDefault } from '../settings/inputs.js';

export interface LatencyOptions {
  /** Rows per predict call; one result per size. Default the perf-batch-sizes input's ([1, 32, 256]). */
  batchSizes?: number[];
  /** Untimed runs per size before timing. Default 5. */
  warmup?: number;
  /** Timed runs per size, at least. Default 30. */
  minRuns?: number;
  /** Once minRuns are timed, no run starts after this many seconds of timed runs (per size). Default the perf-max-seconds input's (3). */
  maxSeconds?: number;
  /** Timed runs per size, at most. Default 10 000. */
  maxRuns?: number;
  /** Clock in milliseconds. Default performance.now. */
  now?: () => number;
  /** Called after every run (warmup included), outside the timed span: e.g. a memory sampler. */
  onRun?: () => void;
}

export const DEFAULT_BATCH_SIZES: readonly number[] = numberListDefault('perf-batch-sizes');

/** The options both measurements share, with their defaults, checked alike (RangeError naming the function). */
function resolveOptions(fn: string, options: Omit<LatencyOptions, 'onRun'>) {
  const o = {
    batchSizes: options.batchSizes ?? [...DEFAULT_BATCH_SIZES],
    warmup: options.warmup ?? 5,
    minRuns: options.minRuns ?? 30,
    maxSeconds: options.maxSeconds ?? numberDefault('perf-max-seconds'),
    maxRuns: options.maxRuns ?? 10_000,
    now: options.now ?? (() => performance.now()),
  };
  if (o.batchSizes.length === 0 || !o.batchSizes.every((b) => Number.isInteger(b) && b >= 1)) {
    throw new RangeError(`${fn}: batch sizes must be positive integers, got [${o.batchSizes.join(', ')}]`);
  }
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new RangeError(`${fn}: warmup must be an integer ≥ 0, got ${o.warmup}`);
  if (!Number.isInteger(o.minRuns) || o.minRuns < 1) throw new RangeError(`${fn}: minRuns must be an integer ≥ 1, got ${o.minRuns}`);
  if (!Number.isInteger(o.maxRuns) || o.maxRuns < o.minRuns) throw new RangeError(`${fn}: maxRuns must be an integer ≥ minRuns, got ${o.maxRuns}`);
  if (!(o.maxSeconds >= 0)) throw new RangeError(`${fn}: maxSeconds must be ≥ 0, got ${o.maxSeconds}`);
  return o;
}

export async function measureLatency(run: (batchRows: number) => Promise<void>, options: LatencyOptions = {}): Promise<LatencyResult[]> {
  const { batchSizes, warmup, minRuns, maxSeconds, maxRuns, now } = resolveOptions('measureLatency', options);
  const onRun = options.onRun ?? (() => undefined);

  const results: LatencyResult[] = [];
  for (const b of batchSizes) {
    for (let i = 0; i < warmup; i++) {
      await run(b);
      onRun();
    }
    const durations: number[] = [];
    const start = now();
    while (durations.length < maxRuns) {
      const t0 = now();
      await run(b);
      const t1 = now();
      durations.push(t1 - t0);
      onRun();
      if (durations.length >= minRuns && t1 - start >= maxSeconds * 1000) break;
    }
    results.push(summarise(b, durations));
  }
  return results;
}

/** Rounds per model in measureLatencyRounds: the replicates behind a latency comparison (the test needs ≥ 4 a side). */
export const DEFAULT_ROUNDS = 10;
/** Timed runs per round, at least: fewer make a round's p95 little more than its largest run. */
export const MIN_RUNS_PER_ROUND = 5;

export interface RoundsOptions extends Omit<LatencyOptions, 'onRun'> {
  /** Rounds per model. Default DEFAULT_ROUNDS. */
  rounds?: number;
  /** Called after every run of model i (warmup included), outside the timed span. */
  onRun?: (model: number) => void;
}

/**
 * Several models' latency, interleaved so that whatever else the machine does (another job, a clock
 * change, a warming cache) falls on every model alike. For each batch size: every model gets `warmup`
 * untimed runs; then `rounds` rounds, each of which times every model in turn, the first model of
 * round r being model r mod M. In a round a model gets one untimed run (the other models ran in
 * between), then timed runs until at least max(MIN_RUNS_PER_ROUND, ⌈minRuns / rounds⌉) are timed and
 * maxSeconds / rounds have passed, at most ⌈maxRuns / rounds⌉. The result per model and batch size
 * pools every timed run (its percentiles and rows/s) and keeps each round's figures in perRound.
 */
export async function measureLatencyRounds(runs: ((batchRows: number) => Promise<void>)[], options: RoundsOptions = {}): Promise<LatencyResult[][]> {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`measureLatencyRounds: rounds must be an integer ≥ 1, got ${rounds}`);
  const { batchSizes, warmup, minRuns, maxSeconds, maxRuns, now } = resolveOptions('measureLatencyRounds', options);
  const onRun = options.onRun ?? (() => undefined);
  const perRoundMin = Math.max(MIN_RUNS_PER_ROUND, Math.ceil(minRuns / rounds));
  const perRoundMax = Math.max(perRoundMin, Math.ceil(maxRuns / rounds));
  const perRoundMs = (maxSeconds * 1000) / rounds;

  const results: LatencyResult[][] = runs.map(() => []);
  for (const b of batchSizes) {
    for (let m = 0; m < runs.length; m++) {
      for (let i = 0; i < warmup; i++) {
        await runs[m](b);
        onRun(m);
      }
    }
    const all: number[][] = runs.map(() => []);
    const byRound: number[][][] = runs.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < runs.length; k++) {
        const m = (r + k) % runs.length;
        await runs[m](b);
        onRun(m);
        const durations: number[] = [];
        const start = now();
        while (durations.length < perRoundMax) {
          const t0 = now();
          await runs[m](b);
          const t1 = now();
          durations.push(t1 - t0);
          onRun(m);
          if (durations.length >= perRoundMin && t1 - start >= perRoundMs) break;
        }
        all[m].push(...durations);
        byRound[m].push(durations);
      }
    }
    for (let m = 0; m < runs.length; m++) {
      const figures = byRound[m].map((d) => summarise(b, d));
      results[m].push({
        ...summarise(b, all[m]),
        rounds,
        perRound: {
          p50_ms: figures.map((f) => f.p50_ms),
          p95_ms: figures.map((f) => f.p95_ms),
          p99_ms: figures.map((f) => f.p99_ms),
          rowsPerSecond: figures.map((f) => f.rowsPerSecond),
        },
      });
    }
  }
  return results;
}

function summarise(batchSize: number, durations: number[]): LatencyResult {
  const sorted = Float64Array.from(durations).sort();
  const total = durations.reduce((a, d) => a + d, 0);
  const mean = total / durations.length;
  return {
    batchSize,
    runs: durations.length,
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    p99_ms: percentile(sorted, 99),
    mean_ms: mean,
    rowsPerSecond: total > 0 ? (batchSize * durations.length * 1000) / total : NaN,
  };
}

/** numpy.percentile(x, p) with method='linear' (the default), for x sorted ascending; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must lie in [0, 100], got ${p}`);
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Whether timing predict() measures the model. A predictions file only reads a file, and a command model
 * runs the user's program on the whole data file whatever rows it is given: neither is timed.
 */
export function latencyMeasurable(model: LoadedModel): boolean {
  return model.takesFeatures;
}

/**
 * A run(b) for measureLatency/stressRun: model.predict on the first b rows of input.dataset (rows repeated
 * from the top when the dataset has fewer than b), as one batch (batchSize = b). The b-row inputs are
 * built once per b, on first use (a warmup run when warmup > 0), so slicing is not timed.
 */
export function latencyRunner(model: LoadedModel, input: PredictInput): (batchRows: number) => Promise<void> {
  const inputs = new Map<number, PredictInput>();
  return async (b: number) => {
    let sliced = inputs.get(b);
    if (sliced === undefined) {
      sliced = sliceInput(input, b);
      inputs.set(b, sliced);
    }
    await model.predict(sliced);
  };
}

/** The first `rows` rows of a PredictInput (repeating rows when it has fewer), with batchSize = rows. */
export function sliceInput(input: PredictInput, rows: number): PredictInput {
  const { dataset } = input;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`sliceInput: rows must be a positive integer, got ${rows}`);
  if (dataset.rowCount === 0) throw new RangeError(`sliceInput: ${dataset.path} has no rows`);
  const map = new Map<Column, Column>();
  const sliceOf = (c: Column): Column => {
    let s = map.get(c);
    if (s === undefined) {
      s = sliceColumn(c, dataset.rowCount, rows);
      map.set(c, s);
    }
    return s;
  };
  const columns = dataset.columns.map(sliceOf);
  const sliced: Dataset = { path: dataset.path, rowCount: rows, columns, recordLines: dataset.recordLines.length === 0 ? dataset.recordLines : take(dataset.recordLines, dataset.rowCount, rows) };
  return {
    ...input,
    dataset: sliced,
    features: input.features.map(sliceOf),
    ...(input.idColumn !== undefined ? { idColumn: sliceOf(input.idColumn) } : {}),
    batchSize: rows,
  };
}

function sliceColumn(c: Column, n: number, rows: number): Column {
  if (c.kind === 'numeric') {
    const values = take(c.values, n, rows);
    let missing = 0;
    for (const v of values) if (Number.isNaN(v)) missing++;
    // The text is decoded only if asked for (see data/csv-fast.ts): a latency run never is.
    let raw: (string | null)[] | undefined;
    return {
      name: c.name,
      kind: 'numeric',
      values,
      missing,
      get raw(): (string | null)[] {
        raw ??= takeArray(c.raw, n, rows);
        return raw;
      },
    };
  }
  const values = takeArray(c.values, n, rows);
  return { name: c.name, kind: 'categorical', values, missing: values.filter((v) => v === null).length };
}

/** First `rows` of a typed array of length n: a view when n ≥ rows, else repeated from the top. */
function take<T extends Float64Array | Int32Array>(a: T, n: number, rows: number): T {
  if (rows <= n) return a.subarray(0, rows) as T;
  const out = new (a.constructor as new (len: number) => T)(rows);
  for (let i = 0; i < rows; i++) out[i] = a[i % n];
  return out;
}

function takeArray<T>(a: T[], n: number, rows: number): T[] {
  if (rows <= n) return a.slice(0, rows);
  return Array.from({ length: rows }, (_, i) => a[i % n]);
}

// --- Metric names for gating ------------------------------------------------------------------------

/**
 * latency_p50_ms@b, latency_p95_ms@b, latency_p99_ms@b and throughput_rows_per_s@b for every batch size
 * b measured, plus latency_p95_ms (batch 1) when batch 1 was measured.
 */
export function latencyMetrics(results: LatencyResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    out[`latency_p50_ms@${r.batchSize}`] = r.p50_ms;
    out[`latency_p95_ms@${r.batchSize}`] = r.p95_ms;
    out[`latency_p99_ms@${r.batchSize}`] = r.p99_ms;
    out[`throughput_rows_per_s@${r.batchSize}`] = r.rowsPerSecond;
    if (r.batchSize === 1) out.latency_p95_ms = r.p95_ms;
  }
  return out;
}
