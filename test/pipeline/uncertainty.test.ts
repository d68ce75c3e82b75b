// Intervals and p-values through the whole pipeline on the real binary fixture.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';
import { mcnemarExactCounts } from '../../src/stats/mcnemar.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const settings = (over: RawInputs = {}) =>
  resolveSettings(
    {
      candidate: fx('penguins-sex', 'candidate'),
      baselines: `main=${fx('penguins-sex', 'baseline')}\nproduction=${fx('penguins-sex', 'baseline-predictions.csv')}`,
      data: fx('penguins-sex', 'eval.csv'),
      'label-column': 'sex',
      'id-column': 'id',
      bootstrap: '300',
      ...over,
    },
    undefined,
    root,
  );

test('every delta gets an interval, a p-value and a significance-aware change', async () => {
  const e = await evaluate(settings(), silentLog);
  const r = renderReport(e, { date: '2026-11-27' });
  expect(r.json.uncertainty).toMatchObject({ resamples: 300, confidence: 0.95, seed: 0, accuracyTest: "McNemar's exact test" });
  const rows = r.json.comparisons.filter((c) => c.baseline !== 'dummy' && c.metric === 'roc_auc');
  for (const row of rows) {
    expect(row.ci![0]).toBeLessThanOrEqual(row.delta!);
    expect(row.ci![1]).toBeGreaterThanOrEqual(row.delta!);
    expect(row.pValue).toBeGreaterThan(0);
    const significant = row.pValue! < 0.05;
    expect(row.change).toBe(significant ? (row.delta! > 0 ? 'improved' : 'regressed') : 'no significant change');
  }
  const candidate = r.json.models.find((m) => m.role === 'candidate')!;
  expect(candidate.metrics.accuracy.ci![0]).toBeLessThan(candidate.metrics.accuracy.value!);
  expect(r.markdown).toMatch(/\+\d+\.\d pp \[[+−±]\d+\.\d, [+−]\d+\.\d\]/);
});

test("accuracy p-values are McNemar's exact test on the discordant pairs", async () => {
  const e = await evaluate(settings({ baselines: `production=${fx('penguins-sex', 'baseline-predictions.csv')}` }), silentLog);
  const row = e.gate.comparisons.find((c) => c.baseline === 'production' && c.metric === 'accuracy')!;
  // Independent count of the discordant pairs from the confusion-free raw files.
  const evalRows = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trim().split('\n');
  const col = evalRows[0].split(',').indexOf('sex');
  const prod = new Map(readFileSync(fx('penguins-sex', 'baseline-predictions.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map(([id, s]) => [id, Number(s)]));
  const candAcc = e.models.find((m) => m.role === 'candidate')!.metrics.accuracy.value;
  const prodCorrect: number[] = evalRows.slice(1).map((l) => l.split(',')).map((r) => ((prod.get(r[0])! >= 0.5 ? 'MALE' : 'FEMALE') === r[col] ? 1 : 0));
  const n = prodCorrect.length;
  // b + c and b − c follow from the two accuracies and the total count only when we know one side; use McNemar's counts from the kernel's inputs instead:
  expect(row.pValue).toBeGreaterThan(0);
  expect(row.pValue).toBeLessThanOrEqual(1);
  const prodAcc = prodCorrect.reduce((a, b) => a + b, 0) / n;
  expect(e.models.find((m) => m.name === 'production')!.metrics.accuracy.value).toBeCloseTo(prodAcc, 12);
  // c − b = n · (candidate accuracy − baseline accuracy); the p-value must equal the exact test for some split with that difference.
  const diff = Math.round(n * (candAcc - prodAcc));
  const candidates = Array.from({ length: n }, (_, b) => mcnemarExactCounts(b, b + diff).pValue);
  expect(candidates.some((p) => Math.abs(p - row.pValue!) < 1e-12)).toBe(true);
});

test('same inputs and seed: byte-identical JSON; shuffled rows with ids: the same intervals', async () => {
  const a = renderReport(await evaluate(settings(), silentLog), { date: '2026-11-27' });
  const b = renderReport(await evaluate(settings(), silentLog), { date: '2026-11-27' });
  expect(JSON.stringify(b.json)).toBe(JSON.stringify(a.json));
  const lines = readFileSync(fx('penguins-sex', 'eval.csv'), 'utf8').trim().split('\n');
  const shuffled = [lines[0], ...lines.slice(1).reverse()];
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mg-shuffle-')), 'eval.csv');
  writeFileSync(file, shuffled.join('\n') + '\n');
  const c = renderReport(await evaluate(settings({ data: file }), silentLog), { date: '2026-11-27' });
  const intervals = (j: typeof a.json) => j.comparisons.map((x) => [x.baseline, x.metric, x.ci?.map((v) => v.toFixed(12))]);
  expect(intervals(c.json)).toEqual(intervals(a.json));
  const d = renderReport(await evaluate(settings({ seed: '7' }), silentLog), { date: '2026-11-27' });
  expect(intervals(d.json)).not.toEqual(intervals(a.json));
});

test('--bootstrap 0 turns intervals off: point estimates, no ci, no p-value', async () => {
  const r = renderReport(await evaluate(settings({ bootstrap: '0' }), silentLog), { date: '2026-11-27' });
  expect(r.json.uncertainty).toBeUndefined();
  expect(r.json.comparisons.every((c) => c.ci === undefined && c.pValue === undefined)).toBe(true);
  expect(r.markdown).toContain('the bootstrap was off');
});

test('multilabel and ranking get intervals too: rows, and whole queries, resampled', async () => {
  const traits = await evaluate(
    resolveSettings(
      { candidate: fx('penguins-traits', 'candidate'), baselines: `prod=${fx('penguins-traits', 'baseline-predictions.csv')}`, data: fx('penguins-traits', 'eval.csv'), 'label-column': 'male,heavy,long_bill', 'id-column': 'id', bootstrap: '200' },
      undefined,
      root,
    ),
    silentLog,
  );
  const f1 = traits.gate.comparisons.find((c) => c.baseline === 'prod' && c.metric === 'f1_micro')!;
  expect(f1.ci![0]).toBeLessThanOrEqual(f1.delta!);
  expect(f1.ci![1]).toBeGreaterThanOrEqual(f1.delta!);
  expect(traits.uncertainty?.method).toBe('percentile');
  const ranking = await evaluate(
    resolveSettings(
      { candidate: fx('cars-ranking', 'candidate-scores.csv'), baselines: `base=${fx('cars-ranking', 'baseline-scores.csv')}`, data: fx('cars-ranking', 'eval.csv'), 'label-column': 'relevance', 'query-column': 'model_year', 'id-column': 'id', task: 'ranking', bootstrap: '200' },
      undefined,
      root,
    ),
    silentLog,
  );
  expect(ranking.uncertainty?.method).toBe('percentile (queries resampled)');
  const ndcg = ranking.models.find((m) => m.role === 'candidate')!.metrics['ndcg@5'];
  expect(ndcg.ci![0]).toBeLessThanOrEqual(ndcg.value);
  expect(ndcg.ci![1]).toBeGreaterThanOrEqual(ndcg.value);
});

const RESAMPLED_BINARY = ['ece', 'mce', 'recall_at_fpr', 'precision_at_recall'];

test('calibration and the operating points get intervals for every model and p-values for every delta, the dummy included', async () => {
  const r = renderReport(await evaluate(settings({ 'recall-at-fpr': '0.05', 'precision-at-recall': '0.8' }), silentLog), { date: '2026-11-27' });
  for (const model of r.json.models) {
    for (const metric of RESAMPLED_BINARY) {
      const m = model.metrics[metric];
      expect([model.name, metric, m.ci?.length]).toEqual([model.name, metric, 2]);
      expect(m.ci![0]).toBeLessThanOrEqual(m.ci![1]);
    }
  }
  expect(r.json.models.map((m) => m.name)).toContain('dummy');
  for (const baseline of ['main', 'production', 'dummy']) {
    for (const metric of RESAMPLED_BINARY) {
      const row = r.json.comparisons.find((c) => c.baseline === baseline && c.metric === metric)!;
      expect([baseline, metric, row.ci?.length]).toEqual([baseline, metric, 2]);
      expect(row.pValue).toBeGreaterThan(0);
      expect(row.pValue).toBeLessThanOrEqual(1);
    }
  }
  // The dummy predicts the prior for every row: its recall at 5 % FPR is 0 in every resample, so
  // the interval of the candidate's gain over it is the candidate's own interval.
  const cand = r.json.models.find((m) => m.role === 'candidate')!;
  const vsDummy = r.json.comparisons.find((c) => c.baseline === 'dummy' && c.metric === 'recall_at_fpr')!;
  expect(vsDummy.ci).toEqual(cand.metrics.recall_at_fpr.ci);
});

test('every delta against the dummy has an interval; the no-skill check still reads the point estimate', async () => {
  const e = await evaluate(settings(), silentLog);
  const rows = e.gate.comparisons.filter((c) => c.baseline === 'dummy' && c.candidate !== null && c.baselineValue !== null);
  expect(rows.length).toBeGreaterThan(10);
  for (const row of rows) {
    expect([row.metric, row.ci?.length]).toEqual([row.metric, 2]);
    expect(Number.isFinite(row.pValue)).toBe(true);
  }
  // The candidate clearly beats the prior on log loss: a significant improvement, no no_skill finding.
  const logLoss = rows.find((c) => c.metric === 'log_loss')!;
  expect(logLoss.ci![1]).toBeLessThan(0);
  expect(logLoss.change).toBe('improved');
  expect(e.gate.findings.filter((f) => f.kind === 'no_skill')).toEqual([]);
});

test('multiclass: ece and mce get intervals and p-values, against the baseline and the dummy', async () => {
  const e = await evaluate(
    resolveSettings(
      { candidate: fx('penguins-species', 'candidate'), baselines: `prod=${fx('penguins-species', 'baseline-predictions.jsonl')}`, data: fx('penguins-species', 'eval.csv'), 'label-column': 'species', 'id-column': 'id', bootstrap: '200' },
      undefined,
      root,
    ),
    silentLog,
  );
  expect(e.task).toBe('multiclass');
  for (const model of e.models) {
    for (const metric of ['ece', 'mce']) expect([model.name, metric, model.metrics[metric].ci?.length]).toEqual([model.name, metric, 2]);
  }
  for (const baseline of ['prod', 'dummy']) {
    for (const metric of ['ece', 'mce', 'log_loss']) {
      const row = e.gate.comparisons.find((c) => c.baseline === baseline && c.metric === metric)!;
      expect([baseline, metric, row.ci?.length]).toEqual([baseline, metric, 2]);
      expect(row.pValue).toBeGreaterThan(0);
    }
  }
});
