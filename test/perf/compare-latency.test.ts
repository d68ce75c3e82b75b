// When is the candidate slower? Seeded simulations through the real measurement (measureLatencyRounds
// on a fake clock), the real test (timingTests) and the real gate: equal models are called slower in
// at most ~5 % of runs, a 30 % slowdown is caught, and a significant 5 % one is negligible.
import { gate, type Comparison } from '../../src/analysis/compare.js';
import { timingTests, LATENCY_MIN_EFFECT } from '../../src/perf/compare-latency.js';
import { latencyMetrics, measureLatencyRounds } from '../../src/perf/latency.js';
import type { Thresholds } from '../../src/settings/thresholds.js';
import type { LatencyResult, ModelMeasurement } from '../../src/types.js';
import { normal, rng } from '../support/rng.js';

/**
 * A machine as CI runners are: each call takes base × batch-cost × the machine's current load ×
 * lognormal noise (σ 0.15), with a 3 % chance of a stall of up to 3 × base (GC, a neighbour's job). The
 * load wanders in phases of ~20 ms of fake time between 1 and 1.5: it falls on whichever model runs then.
 */
function machine(seed: number, slowdown: number, quiet = false) {
  const u = rng(seed);
  let t = 0;
  let load = 1;
  let phaseEnds = 0;
  const call = (base: number) => async (b: number) => {
    if (t >= phaseEnds) {
      load = quiet ? 1 : 1 + 0.5 * u();
      phaseEnds = t + 20 * (0.5 + u());
    }
    const cost = base * (1 + b / 32) * load * Math.exp((quiet ? 0.03 : 0.15) * normal(u)) + (!quiet && u() < 0.03 ? 3 * base * u() : 0);
    t += cost;
  };
  return { now: () => t, runs: [call(slowdown), call(1)] };
}

async function simulate(seed: number, slowdown: number, quiet = false): Promise<LatencyResult[][]> {
  const m = machine(seed, slowdown, quiet);
  return measureLatencyRounds(m.runs, { batchSizes: [1, 32], warmup: 2, maxSeconds: 0, now: m.now });
}

function model(name: string, role: 'candidate' | 'baseline', latency: LatencyResult[]): ModelMeasurement {
  const metrics = Object.fromEntries(Object.entries(latencyMetrics(latency)).map(([k, v]) => [k, { value: v }]));
  return { name, role, path: name, engine: 'sim', backend: 'none', files: [], metrics, perf: { latency, memory: { rssBeforeMB: 0, rssPeakMB: 0, rssDeltaMB: 0, maxRssMB: 0, samples: 0 } } };
}

async function timingRows(seed: number, slowdown: number, thresholds: Thresholds = {}, quiet = false): Promise<Comparison[]> {
  const [cand, base] = await simulate(seed, slowdown, quiet);
  const timings = timingTests(cand, [{ name: 'main', latency: base }], 0.95);
  return gate('binary', [model('candidate', 'candidate', cand), model('main', 'baseline', base)], thresholds, [], {}, { timings }).comparisons;
}

const calledSlower = (c: Comparison) => c.change === 'regressed' && !c.negligible;

test('rounds are interleaved, the first model rotating, and each round keeps its own figures', async () => {
  const order: string[] = [];
  let t = 0;
  const run = (name: string) => async () => {
    order.push(name);
    t += 1;
  };
  const [a, b] = await measureLatencyRounds([run('A'), run('B')], { batchSizes: [1], rounds: 3, warmup: 1, minRuns: 1, maxSeconds: 0, now: () => t });
  // Warmup A, B; then each round: one untimed run, then 5 timed (MIN_RUNS_PER_ROUND), A first in even rounds.
  const round = (x: string) => Array(6).fill(x);
  expect(order).toEqual(['A', 'B', ...round('A'), ...round('B'), ...round('B'), ...round('A'), ...round('A'), ...round('B')]);
  expect(a[0]).toMatchObject({ rounds: 3, runs: 15, p50_ms: 1 });
  expect(b[0].perRound!.p95_ms).toEqual([1, 1, 1]);
});

test('equal models: a timing regression in at most ~5 % of 600 seeded runs; the point estimate alone would cry wolf', async () => {
  let anyCalled = 0;
  let naive = 0;
  let rawP95 = 0;
  const runs = 600;
  for (let seed = 1; seed <= runs; seed++) {
    const rows = await timingRows(seed, 1);
    if (rows.some(calledSlower)) anyCalled++;
    // What the gate did before: a worse pooled figure by more than the minimum effect, no test.
    if (rows.some((c) => c.delta !== null && (c.metric.startsWith('latency') ? c.delta : -c.delta) > LATENCY_MIN_EFFECT * Math.abs(c.baselineValue!))) naive++;
    const p95 = rows.find((c) => c.metric === 'latency_p95_ms@1')!;
    if (p95.pValue! < 0.05) rawP95++;
  }
  // Holm over the run's 8 tests, and a 10 % minimum effect: at most α (measured: 3 of 600 runs).
  expect(anyCalled / runs).toBeLessThanOrEqual(0.05);
  // One figure's raw test holds its level (measured: 13 of 600, 2.2 %; rounds next to each other share the
  // machine's load, which makes the unpaired test a little conservative).
  expect(rawP95 / runs).toBeLessThanOrEqual(0.06);
  // Without the test, the same runs would call the candidate slower most of the time (measured: 402 of 600).
  expect(naive / runs).toBeGreaterThan(0.5);
});

test('a 30 % slower candidate is called slower in at least 80 % of runs (on p50 at batch 1 alone, too)', async () => {
  let any = 0;
  let p50 = 0;
  const runs = 200;
  for (let seed = 5001; seed <= 5000 + runs; seed++) {
    const rows = await timingRows(seed, 1.3);
    if (rows.some(calledSlower)) any++;
    if (calledSlower(rows.find((c) => c.metric === 'latency_p50_ms@1')!)) p50++;
  }
  // Measured: 196 of 200 any figure, 185 of 200 on p50 at batch 1.
  expect(any / runs).toBeGreaterThanOrEqual(0.8);
  expect(p50 / runs).toBeGreaterThanOrEqual(0.8);
});

test('a 5 % slowdown can be significant but is negligible; a min-effect threshold or a drop rule makes it count', async () => {
  // 50 runs of a consistent 5 % slowdown on a quiet machine: p50 at batch 32 is significant in most, and never called a regression.
  let significant = 0;
  for (let seed = 9001; seed <= 9050; seed++) {
    const rows = await timingRows(seed, 1.05, {}, true);
    const p50 = rows.find((c) => c.metric === 'latency_p50_ms@32')!;
    if (p50.change === 'regressed') {
      significant++;
      expect(p50.negligible).toBe(true);
    }
    expect(calledSlower(p50)).toBe(false);
  }
  expect(significant).toBeGreaterThan(25); // measured: 50 of 50
  // One of those runs with `min-effect` in ms (the metric's units) below the change: now it counts, and a drop rule fails it.
  let seed = 9001;
  let rows: Comparison[];
  do rows = await timingRows(seed++, 1.05, { 'latency_p50_ms@32': { severity: 'fail', minEffect: 0, maxRelativeDrop: 0.01 } }, true);
  while (rows.find((c) => c.metric === 'latency_p50_ms@32')!.change !== 'regressed');
  const row = rows.find((c) => c.metric === 'latency_p50_ms@32')!;
  expect(calledSlower(row)).toBe(true);
  expect(row.status).toBe('fail');
});

test('a drop rule on a timing counts only when the test across rounds says so', async () => {
  // Equal models, a strict rule (any worsening of p99 over 1 % fails): the point estimate breaches it
  // in about half the runs, the test in none of these.
  for (let seed = 1; seed <= 20; seed++) {
    const rows = await timingRows(seed, 1, { 'latency_p99_ms@1': { severity: 'fail', maxRelativeDrop: 0.01 } });
    expect(rows.find((c) => c.metric === 'latency_p99_ms@1')!.status).toBe('pass');
  }
});

test('timingTests: Mann–Whitney over the rounds, Hodges–Lehmann interval, Holm over the run, 10 % of the baseline', () => {
  // numpy default_rng(7) samples (test/stats/mann-whitney.test.ts); the candidate's p50 is shifted by +2 ms.
  const a = [5.0018, 5.4688, 4.6052, 3.8277, 4.3625, 3.7134, 5.091, 7.4745, 4.3136, 4.1508];
  const b = [6.4006, 6.1503, 5.7034, 4.1799, 5.4776, 6.8075, 3.692, 4.817, 3.1239, 3.7531];
  const result = (p50: number[], p: number[], pooledP50: number): LatencyResult => ({
    batchSize: 1,
    runs: 60,
    rounds: 10,
    p50_ms: pooledP50,
    p95_ms: 9,
    p99_ms: 12,
    mean_ms: 5,
    rowsPerSecond: 200,
    perRound: { p50_ms: p50, p95_ms: p, p99_ms: p, rowsPerSecond: p.map((v) => 1000 / v) },
  });
  const t = timingTests([result(a.map((v) => v + 2), a, 6.5)], [{ name: 'main', latency: [result(b, b, 5)] }], 0.95).main;
  const p50 = t['latency_p50_ms@1'];
  // scipy 1.17.1: mannwhitneyu(a + 2, b, method='exact').pvalue
  expect(p50.pValue).toBeCloseTo(0.003886206672584382, 14);
  // Holm over the 4 tests (statsmodels multipletests(method='holm') by hand: 4 · the smallest; the rest 3 · 0.7394 → 1).
  expect(p50.adjustedPValue).toBeCloseTo(4 * 0.003886206672584382, 14);
  // The interval of a − b (scipy inversion, test/stats/mann-whitney.test.ts), moved by the +2 ms shift.
  expect(p50.ci[0]).toBeCloseTo(-1.5526 + 2, 12);
  expect(p50.ci[1]).toBeCloseTo(0.9132 + 2, 12);
  expect(p50.minEffect).toBeCloseTo(0.5, 14); // 10 % of main's pooled p50 of 5 ms
  expect(p50.rounds).toEqual([10, 10]);
  // scipy: mannwhitneyu(a, b, method='exact').pvalue = 0.7393643508194593, the same for 1000/a against 1000/b.
  for (const k of ['latency_p95_ms@1', 'latency_p99_ms@1', 'throughput_rows_per_s@1']) {
    expect(t[k].pValue).toBeCloseTo(0.7393643508194593, 14);
    expect(t[k].adjustedPValue).toBe(1);
  }
  expect(t.latency_p95_ms).toBe(t['latency_p95_ms@1']);
  // Without rounds on one side, no test.
  expect(timingTests([{ ...result(a, a, 5), perRound: undefined }], [{ name: 'main', latency: [result(b, b, 5)] }], 0.95).main).toEqual({});
});
