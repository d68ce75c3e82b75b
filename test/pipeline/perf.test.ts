// Latency, load, memory and model facts through the pipeline (short timings; values are never asserted).
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

test('perf: latency per batch size, stress run and memory per model; timings do not warn without a threshold', async () => {
  const e = await evaluate(
    resolveSettings(
      {
        candidate: fx('penguins-sex', 'candidate'),
        baselines: `main=${fx('penguins-sex', 'baseline')}\nprod=${fx('penguins-sex', 'baseline-predictions.csv')}`,
        data: fx('penguins-sex', 'eval.csv'),
        'label-column': 'sex',
        'id-column': 'id',
        bootstrap: '0',
        perf: 'true',
        'perf-batch-sizes': '1,32',
        'perf-max-seconds': '0.05',
        'stress-concurrency': '2',
        'stress-seconds': '0.2',
      },
      undefined,
      root,
    ),
    silentLog,
  );
  const cand = e.models.find((m) => m.role === 'candidate')!;
  expect(cand.perf!.latency.map((l) => l.batchSize)).toEqual([1, 32]);
  for (const l of cand.perf!.latency) {
    expect(l.p50_ms).toBeLessThanOrEqual(l.p95_ms);
    expect(l.p95_ms).toBeLessThanOrEqual(l.p99_ms);
    expect(l.runs).toBeGreaterThanOrEqual(30);
  }
  expect(cand.perf!.load!.requests).toBeGreaterThan(0);
  expect(cand.metrics.latency_p95_ms.value).toBe(cand.perf!.latency[0].p95_ms);
  // A predictions file has no network to time.
  expect(e.models.find((m) => m.name === 'prod')!.perf).toBeUndefined();
  const timing = e.gate.comparisons.filter((c) => c.metric.startsWith('latency_') || c.metric.startsWith('throughput_'));
  expect(timing.length).toBeGreaterThan(0);
  expect(timing.every((c) => c.status !== 'warn')).toBe(true);
  expect(timing.some((c) => c.baseline === 'dummy')).toBe(false);
  const r = renderReport(e, { date: '2026-11-27' });
  expect(r.markdown).toContain('Latency and load');
  expect(r.json.models[0].facts).toMatchObject({ parameters: expect.any(Number) });
});

test('perf: the same model twice, timed in interleaved rounds, is never called slower; the comment says how many runs back it', async () => {
  const candidate = fx('penguins-sex', 'candidate');
  const e = await evaluate(
    resolveSettings(
      {
        candidate,
        baselines: `twin=${candidate}`,
        data: fx('penguins-sex', 'eval.csv'),
        'label-column': 'sex',
        'id-column': 'id',
        bootstrap: '0',
        perf: 'true',
        'perf-batch-sizes': '1,32',
        'perf-max-seconds': '0.2',
        'stress-concurrency': '0',
      },
      undefined,
      root,
    ),
    silentLog,
  );
  const [cand, twin] = ['candidate', 'twin'].map((n) => e.models.find((m) => m.name === n)!);
  for (const m of [cand, twin]) {
    for (const l of m.perf!.latency) {
      expect(l.rounds).toBe(10);
      expect(l.perRound!.p95_ms).toHaveLength(10);
      expect(l.runs).toBeGreaterThanOrEqual(50); // at least 5 timed runs a round
    }
  }
  const rows = e.gate.comparisons.filter((c) => c.baseline === 'twin' && /^(latency|throughput)_/.test(c.metric));
  // 4 figures × 2 batch sizes, and latency_p95_ms (batch 1's p95 under its short name).
  expect(rows).toHaveLength(9);
  for (const row of rows) {
    expect(row.ci).toHaveLength(2);
    expect(row.pValue).toBeGreaterThan(0);
    expect(row.adjustedPValue).toBeGreaterThanOrEqual(row.pValue!);
    expect(row.minEffect).toBeCloseTo(0.1 * Math.abs(row.baselineValue!), 12);
    // Equal models: at most α of runs raise any timing regression (Holm over the 8 tests), and a
    // regression must also exceed 10 %; simulated in test/perf/compare-latency.test.ts.
    expect(row.change === 'regressed' && !row.negligible).toBe(false);
    expect(row.status).toBe('pass');
  }
  const r = renderReport(e, { date: '2026-12-02' });
  expect(r.markdown).toMatch(/batch 1: [\d.]+ \/ [\d.]+ \/ [\d.]+ ms, \d+ rows\/s \(\d+ runs in 10 rounds\)/);
  expect(r.markdown).toContain('candidate p95 against **twin**');
});

test('a signature change against the baseline is breaking: finding, changelog, major version', async () => {
  const e = await evaluate(
    resolveSettings(
      {
        candidate: fx('onnx', 'species.onnx'),
        baselines: `main=${fx('penguins-species', 'candidate')}`,
        data: fx('penguins-species', 'eval.csv'),
        'label-column': 'species',
        'id-column': 'id',
        bootstrap: '0',
        // onnxruntime-node's tensors fail jest's cross-realm typed-array checks; the native path has its own test environment.
        'onnx-runtime': 'wasm',
      },
      undefined,
      root,
    ),
    silentLog,
  );
  expect(e.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(e.release).toMatchObject({ baseline: 'main', versionBump: 'major', facts: { signatureChanged: true } });
  expect(e.gate.findings.some((f) => f.kind === 'breaking_change')).toBe(true);
  const r = renderReport(e, { date: '2026-11-27' });
  expect(r.changelog).toContain('**Breaking:** the input/output signature changed');
  expect(r.changelog).toContain('Suggested version bump: **major**');
});
