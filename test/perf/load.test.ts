// The load test under a fake clock: it stops by itself, counts requests and errors, and its latencies
// show that concurrent callers in one process interleave rather than run in parallel.

import { stressRun } from '../../src/perf/load.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('one caller: percentiles and throughput of a known sequence of durations', async () => {
  const c = clock(500);
  const durations = [5, 1, 3, 2, 4];
  let i = 0;
  const r = await stressRun(async () => void c.advance(durations[i++ % 5]), { concurrency: 1, seconds: 0.015, now: c.now });
  // 5 + 1 + 3 + 2 + 4 = 15 ms: the 15 ms window holds exactly these five.
  expect(r.requests).toBe(5);
  expect(r.errors).toBe(0);
  expect(r.elapsedSeconds).toBeCloseTo(0.015, 12);
  expect(r.throughputPerSecond).toBeCloseTo(5 / 0.015, 9);
  expect(r.rowsPerSecond).toBeCloseTo(5 / 0.015, 9);
  // sorted [1, 2, 3, 4, 5]: h = 2, 3.8, 3.96.
  expect(r.p50_ms).toBeCloseTo(3, 12);
  expect(r.p95_ms).toBeCloseTo(4.8, 12);
  expect(r.p99_ms).toBeCloseTo(4.96, 12);
});

test('four callers sharing one clock: requests interleave, so each waits behind the other three', async () => {
  const c = clock();
  let calls = 0;
  const r = await stressRun(
    async (rows) => {
      expect(rows).toBe(8);
      calls++;
      c.advance(10);
    },
    { concurrency: 4, seconds: 1, batchRows: 8, now: c.now },
  );
  // 10 ms of engine time per request, one at a time: 100 requests fit in 1 s, whatever the concurrency.
  expect(calls).toBe(100);
  expect(r.requests).toBe(100);
  expect(r.concurrency).toBe(4);
  expect(r.seconds).toBe(1);
  expect(r.elapsedSeconds).toBeCloseTo(1, 12);
  expect(r.throughputPerSecond).toBeCloseTo(100, 9);
  expect(r.rowsPerSecond).toBeCloseTo(800, 9);
  // A request started at t completes when its caller resumes, after the other three ran: 40 ms.
  // Only the last three end early (30, 20, 10 ms), below the 1st percentile's reach from p50 up.
  expect(r.p50_ms).toBe(40);
  expect(r.p95_ms).toBe(40);
  expect(r.p99_ms).toBe(40);
});

test('errors are counted apart, with the first message', async () => {
  const c = clock();
  let n = 0;
  const r = await stressRun(
    async () => {
      n++;
      c.advance(10);
      if (n % 3 === 0) throw new Error(`boom ${n}`);
    },
    { concurrency: 1, seconds: 0.1, now: c.now },
  );
  expect(n).toBe(10);
  expect(r.errors).toBe(3);
  expect(r.requests).toBe(7);
  expect(r.firstError).toBe('boom 3');
  expect(r.throughputPerSecond).toBeCloseTo(70, 9);
});

test('a clock that never moves still stops, at maxRequests', async () => {
  let n = 0;
  const r = await stressRun(async () => void n++, { concurrency: 3, seconds: 5, now: () => 0, maxRequests: 500 });
  expect(n).toBe(500);
  expect(r.requests).toBe(500);
  expect(r.throughputPerSecond).toBeNaN(); // no time passed
  expect(r.p50_ms).toBe(0);
});

test('zero seconds runs nothing; bad options are refused', async () => {
  let n = 0;
  const r = await stressRun(async () => void n++, { seconds: 0, now: () => 0 });
  expect(n).toBe(0);
  expect(r.requests).toBe(0);
  expect(r.p50_ms).toBeNaN();
  await expect(stressRun(async () => undefined, { concurrency: 0 })).rejects.toThrow(RangeError);
  await expect(stressRun(async () => undefined, { batchRows: 1.5 })).rejects.toThrow(RangeError);
  await expect(stressRun(async () => undefined, { seconds: Infinity })).rejects.toThrow(RangeError);
});

test('defaults: four callers, one row each, five seconds', async () => {
  const c = clock();
  const rows = new Set<number>();
  const r = await stressRun(async (b) => void (rows.add(b), c.advance(50)), { now: c.now });
  expect(r.concurrency).toBe(4);
  expect(r.batchRows).toBe(1);
  expect(r.seconds).toBe(5);
  expect(r.requests).toBe(100);
  expect([...rows]).toEqual([1]);
});
