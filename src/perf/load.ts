// A short load test: N concurrent callers, each awaiting one request after another, for T seconds.
//
// What the figure means: in one Node process, TF.js and onnxruntime-web requests interleave on the one
// JavaScript thread rather than run in parallel (the native backends may use several threads inside one
// call, but calls from concurrent callers still queue). So throughputPerSecond is the engine's in-process
// throughput under `concurrency` concurrent callers, and each request's latency includes its wait behind
// the others — roughly concurrency × the single-call latency. It is not what N server processes would do.
//
// Bounded: no request starts after `seconds`, nor after `maxRequests` requests, so it stops by itself even
// with a clock that does not move. A request that throws counts in `errors`, not in `requests` or the
// latencies.

import { messageOf } from '../errors.js';
import { percentile } from './latency.js';
import type { StressResult } from '../types.js';
import { numberDefault } from '../settings/inputs.js';

export interface StressOptions {
  /** Concurrent request loops. Default the stress-concurrency input's (4). */
  concurrency?: number;
  /** No request starts after this many seconds. Default the stress-seconds input's (5). */
  seconds?: number;
  /** Rows per request. Default 1. */
  batchRows?: number;
  /** Clock in milliseconds. Default performance.now. */
  now?: () => number;
  /** No request starts after this many have started (successful or not). Default 1 000 000. */
  maxRequests?: number;
  /** Called after every request, outside its timed span: e.g. a memory sampler. */
  onRun?: () => void;
}

export async function stressRun(run: (batchRows: number) => Promise<void>, options: StressOptions = {}): Promise<StressResult> {
  const concurrency = options.concurrency ?? numberDefault('stress-concurrency');
  const seconds = options.seconds ?? numberDefault('stress-seconds');
  const batchRows = options.batchRows ?? 1;
  const maxRequests = options.maxRequests ?? 1_000_000;
  const now = options.now ?? (() => performance.now());
  const onRun = options.onRun ?? (() => undefined);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`stressRun: concurrency must be an integer ≥ 1, got ${concurrency}`);
  if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`stressRun: seconds must be a finite number ≥ 0, got ${seconds}`);
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`stressRun: batchRows must be an integer ≥ 1, got ${batchRows}`);
  if (!Number.isInteger(maxRequests) || maxRequests < 0) throw new RangeError(`stressRun: maxRequests must be an integer ≥ 0, got ${maxRequests}`);

  const durations: number[] = [];
  let started = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = now();
  const deadline = start + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (started < maxRequests && now() < deadline) {
      started++;
      const t0 = now();
      try {
        await run(batchRows);
        durations.push(now() - t0);
      } catch (e) {
        errors++;
        firstError ??= messageOf(e);
      }
      onRun();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = now() - start;
  const sorted = Float64Array.from(durations).sort();
  const throughput = elapsed > 0 ? (durations.length * 1000) / elapsed : NaN;
  return {
    concurrency,
    seconds,
    elapsedSeconds: elapsed / 1000,
    batchRows,
    requests: durations.length,
    throughputPerSecond: throughput,
    rowsPerSecond: throughput * batchRows,
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    p99_ms: percentile(sorted, 99),
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
  };
}
