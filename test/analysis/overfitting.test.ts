import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gapOf, generalisation, type GapUncertainty } from '../../src/analysis/overfitting.js';
import { measure, DEFAULT_MEASURE } from '../../src/analysis/measure.js';
import { dummyPredictions } from '../../src/analysis/dummy.js';
import { gapReplicates, sideReplicates } from '../../src/stats/gap-bootstrap.js';
import { bootstrapReplicates } from '../../src/stats/bootstrap.js';
import { exampleKeys, resampleWeights, streamSeed } from '../../src/stats/resample-weights.js';
import type { Truth } from '../../src/types.js';
import type { ModelMeasurement, Predictions } from '../../src/types.js';
import { normal, rng } from '../support/rng.js';

const mm = (name: string, role: ModelMeasurement['role'], evalM: Record<string, number>, trainM: Record<string, number>): ModelMeasurement => ({
  name,
  role,
  path: name,
  engine: 'x',
  backend: 'x',
  files: [],
  metrics: Object.fromEntries(Object.entries(evalM).map(([k, value]) => [k, { value }])),
  trainMetrics: Object.fromEntries(Object.entries(trainM).map(([k, value]) => [k, { value }])),
});

test('gap is direction-aware and absolute; a relative gap only for scores in [0, 1]', () => {
  expect(gapOf('c', 'accuracy', 0.99, 0.8, 0.1)).toMatchObject({ gap: 0.99 - 0.8, flagged: true });
  expect(gapOf('c', 'accuracy', 0.99, 0.8, 0.1).relativeGap).toBeCloseTo((0.99 - 0.8) / 0.99, 15);
  expect(gapOf('c', 'accuracy', 0.99, 0.9, 0.1)).toMatchObject({ flagged: false }); // 9 pp
  expect(gapOf('c', 'log_loss', 0.1, 0.3, undefined)).toMatchObject({ gap: 0.3 - 0.1, relativeGap: null, flagged: false });
  expect(gapOf('c', 'accuracy', 0.8, 0.85, 0.1)).toMatchObject({ flagged: false });
  // A training loss near zero: the absolute gap, never "+11148 %".
  expect(gapOf('c', 'log_loss', 0.0007, 0.18, 0.05)).toMatchObject({ relativeGap: null, flagged: true });
});

test('without replicates: the point estimate decides, on the tested metrics only (scoring rule, primary metrics, thresholds)', () => {
  const g = generalisation('binary', [
    mm('candidate', 'candidate', { accuracy: 0.8, roc_auc: 0.7, brier: 0.15, log_loss: 0.5 }, { accuracy: 1.0, roc_auc: 1.0, brier: 0.01, log_loss: 0.02 }),
    mm('dummy', 'dummy', { accuracy: 0.5, roc_auc: 0.5, brier: 0.25, log_loss: 0.69 }, { accuracy: 0.5, roc_auc: 0.5, brier: 0.25, log_loss: 0.69 }),
  ], {});
  expect(g.findings.map((f) => f.kind)).toEqual(['overfitting']);
  const flagged = g.gaps.filter((x) => x.flagged).map((x) => x.metric);
  // accuracy is not a primary metric: its gap is shown, not tested; log_loss is allowed 10 % of the dummy's 0.69.
  expect(flagged).toEqual(['roc_auc', 'log_loss']);
  expect(g.gaps.find((x) => x.metric === 'log_loss')!.maxGap).toBeCloseTo(0.05 * 0.69, 15);
  expect(g.findings[0].message).toContain('log_loss 0.02 on training, 0.5 on evaluation (gap 0.48, no interval');
  expect(g.findings[0].message).not.toContain('accuracy');
  // Proportions in percentage points, as everywhere in the report.
  expect(g.findings[0].message).toContain('roc_auc 1 on training, 0.7 on evaluation (gap 30 pp, no interval: the bootstrap did not run; allowed 10 pp, default)');
  expect(g.gaps.some((x) => x.model === 'dummy')).toBe(false);
});

test('max-gap per metric from the thresholds, in the metric units for losses', () => {
  const models = [mm('candidate', 'candidate', { log_loss: 0.5, brier: 0.2 }, { log_loss: 0.3, brier: 0.1 }), mm('dummy', 'dummy', { log_loss: 0.69 }, { log_loss: 0.69 })];
  expect(generalisation('binary', models, { log_loss: { maxGap: 0.25, severity: 'fail' } }).gaps[0]).toMatchObject({ maxGap: 0.25, flagged: false });
  expect(generalisation('binary', models, { log_loss: { maxGap: 0.15, severity: 'fail' } }).gaps[0]).toMatchObject({ maxGap: 0.15, flagged: true });
  expect(generalisation('binary', models, { brier: { maxGap: 0.05, severity: 'fail' } }).gaps[1]).toMatchObject({ metric: 'brier', tested: true, flagged: true });
});

test('underfitting: no better than the dummy even on the training data', () => {
  const g = generalisation('binary', [mm('candidate', 'candidate', { log_loss: 0.7 }, { log_loss: 0.7 }), mm('dummy', 'dummy', { log_loss: 0.69 }, { log_loss: 0.69 })], {});
  expect(g.findings).toEqual([expect.objectContaining({ kind: 'underfitting', severity: 'error' })]);
});

// ---------------------------------------------------------------------------------------------
// A real overfit: test/analysis/fixtures/overfit-mlp (make_overfit.py), a 30-256-256-1 MLP on the
// breast-cancer data, 60 training rows (20 negatives: recall at FPR 1 % cannot be resolved there) and
// 509 held-out rows. "last" is the network after 120 epochs, "best" the same network after its best
// epoch (40).

interface Side {
  truth: Truth;
  ids: string[];
  columns: Record<string, Float64Array>;
}

function readSide(name: string): Side {
  const lines = readFileSync(path.join(process.cwd(), 'test/analysis/fixtures/overfit-mlp', name), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (c: string) => Float64Array.from(rows, (r) => Number(r[head.indexOf(c)]));
  const y = Uint8Array.from(rows, (r) => Number(r[head.indexOf('label')]));
  return { truth: { task: 'binary', y, classes: ['0', '1'] } as Truth, ids: rows.map((r) => r[0]), columns: { best: col('best'), last: col('last') } };
}

const binary = (scores: Float64Array): Predictions => ({ kind: 'binary', scores }) as Predictions;
const expected = JSON.parse(readFileSync(path.join(process.cwd(), 'test/analysis/fixtures/overfit-mlp/expected.json'), 'utf8'));

/** The models as evaluate() measures them: candidate "last", baseline "best", the dummy fitted on the training labels. */
function mlpModels(train: Side, ev: Side): ModelMeasurement[] {
  const model = (name: string, role: ModelMeasurement['role'], col: string): ModelMeasurement => ({
    name,
    role,
    path: col,
    engine: 'x',
    backend: 'x',
    files: [],
    metrics: measure(ev.truth, binary(ev.columns[col]), DEFAULT_MEASURE).metrics,
    trainMetrics: measure(train.truth, binary(train.columns[col]), DEFAULT_MEASURE).metrics,
  });
  const dummyOn = (s: Side) => measure(s.truth, dummyPredictions(train.truth, s.truth.y.length), DEFAULT_MEASURE).metrics;
  return [model('candidate', 'candidate', 'last'), model('best', 'baseline', 'best'), { name: 'dummy', role: 'dummy', path: '', engine: 'dummy', backend: 'none', files: [], metrics: dummyOn(ev), trainMetrics: dummyOn(train) }];
}

function mlpUncertainty(train: Side, ev: Side, resamples: number, seed: number): GapUncertainty {
  const side = (s: Side) => ({ truth: s.truth.y, keys: exampleKeys(s.ids, s.ids.length), models: [{ name: 'candidate', predictions: s.columns.last }, { name: 'best', predictions: s.columns.best }] });
  return { replicates: gapReplicates({ task: 'binary', train: side(train), eval: side(ev), resamples, seed }), confidence: 0.95 };
}

test('the MLP trained past its best epoch: the log-loss gap is flagged, and recall_at_fpr (20 training negatives at FPR 1 %) is not', () => {
  const train = readSide('train.csv');
  const ev = readSide('eval.csv');
  const models = mlpModels(train, ev);
  // The fixture's numbers are sklearn's (expected.json, scikit-learn 1.2.1 log_loss with eps=1e-15).
  expect(models[0].trainMetrics!.log_loss.value).toBeCloseTo(expected.train.last_log_loss, 12);
  expect(models[0].metrics.log_loss.value).toBeCloseTo(expected.eval.last_log_loss, 12);
  expect(ev.truth.y.length - Array.from(ev.truth.y).reduce((a, b) => a + b, 0)).toBe(expected.eval.negatives);

  const g = generalisation('binary', models, {}, { uncertainty: mlpUncertainty(train, ev, 1000, 20261202) });
  const byMetric = (model: string, metric: string) => g.gaps.find((x) => x.model === model && x.metric === metric)!;
  const logLoss = byMetric('candidate', 'log_loss');
  expect(logLoss).toMatchObject({ relativeGap: null, tested: true, flagged: true });
  expect(logLoss.gap).toBeCloseTo(expected.eval.last_log_loss - expected.train.last_log_loss, 12);
  expect(logLoss.ci![0]).toBeGreaterThan(logLoss.maxGap!);
  expect(logLoss.pValue).toBeLessThan(0.05);
  // recall_at_fpr: a gap of 20.5 % on paper (what a relative max-gap of 10 % used to flag), but 20
  // training negatives cannot resolve FPR 1 %: the training value is the recall above the single
  // highest-scored negative. Marked, never flagged.
  const raf = byMetric('candidate', 'recall_at_fpr');
  expect(raf.relativeGap).toBeCloseTo(0.205, 3);
  expect(raf.unreliable).toBe('20 negatives cannot resolve a false-positive rate of 1 % (at least 100 are needed)');
  expect(raf.flagged).toBe(false);
  expect(models[0].trainMetrics!.recall_at_fpr.unreliable).toBeDefined();
  expect(models[0].metrics.recall_at_fpr.unreliable).toBeUndefined(); // 192 negatives

  const messages = g.findings.map((f) => f.message);
  expect(g.findings.every((f) => f.kind === 'overfitting')).toBe(true);
  expect(messages[0]).toMatch(/^The candidate does much better on its training data than on the evaluation data: log_loss 0.00101 on training, 0.109 on evaluation \(gap 0.108, interval 0.0\d+ to 0.1\d+, p = 0.00\d+; allowed 0.0333, default: 5 % of the dummy's 0.667\)\.$/);
  expect(messages.join(' ')).not.toContain('recall_at_fpr');
  // The early-stopped network's gap is smaller, by more than the noise.
  expect(messages[1]).toMatch(/^The candidate's generalisation gap is significantly larger than "best"'s: log_loss gap 0.108 against 0.072 \(difference interval 0.0\d+ to 0.0\d+\)\.$/);
  expect(messages).toHaveLength(2);
});

test('the gap interval equals a brute-force bootstrap over both sides, with independent training weights', () => {
  const train = readSide('train.csv');
  const ev = readSide('eval.csv');
  const seed = 42;
  const B = 300;
  const u = mlpUncertainty(train, ev, B, seed);
  const g = generalisation('binary', mlpModels(train, ev), {}, { uncertainty: u });
  const gap = g.gaps.find((x) => x.model === 'candidate' && x.metric === 'log_loss')!;

  // Brute force: sklearn's log loss (clipped at 1e-15) weighted by each resample's Poisson counts,
  // read straight from resampleWeights; evaluation rows with the seed, training rows with streamSeed(seed, 'train').
  const loss = (s: Side, w: Uint8Array) => {
    let sum = 0;
    let n = 0;
    s.columns.last.forEach((p0, i) => {
      const p = Math.min(Math.max(p0, 1e-15), 1 - 1e-15);
      sum -= w[i] * Math.log(s.truth.y[i] === 1 ? p : 1 - p);
      n += w[i];
    });
    return sum / n;
  };
  const trainKeys = exampleKeys(train.ids, train.ids.length);
  const evalKeys = exampleKeys(ev.ids, ev.ids.length);
  const gaps: number[] = [];
  for (let b = 0; b < B; b++) gaps.push(loss(ev, resampleWeights(evalKeys, seed, b)) - loss(train, resampleWeights(trainKeys, streamSeed(seed, 'train'), b)));
  gaps.sort((a, b) => a - b);
  // numpy.percentile(gaps, [2.5, 97.5]) ('linear'): virtual index (B − 1) · q.
  const pctl = (q: number) => {
    const v = (B - 1) * q;
    const lo = Math.floor(v);
    return gaps[lo] + (gaps[lo + 1] - gaps[lo]) * (v - lo);
  };
  expect(gap.ci![0]).toBeCloseTo(pctl(0.025), 9);
  expect(gap.ci![1]).toBeCloseTo(pctl(0.975), 9);

  // Independence: with row-index keys on both sides (no id column), the same seed would give row i
  // of each side the same weight; the training stream's does not.
  const keys = exampleKeys(undefined, 200);
  const same = (w1: Uint8Array, w2: Uint8Array) => w1.every((v, i) => v === w2[i]);
  expect(same(resampleWeights(keys, seed, 0), resampleWeights(keys, seed, 0))).toBe(true);
  expect(same(resampleWeights(keys, seed, 0), resampleWeights(keys, streamSeed(seed, 'train'), 0))).toBe(false);
  expect(Number.isSafeInteger(streamSeed(2 ** 53 - 1, 'train'))).toBe(true);
  expect(streamSeed(seed, 'train')).toBe(streamSeed(seed, 'train'));
});

// ---------------------------------------------------------------------------------------------
// Equal models: training and evaluation rows from the same distribution, scored by fixed functions
// that learned nothing from either (every true gap is 0, and so is every difference of gaps).

function exchangeableSide(next: () => number, n: number, prefix: string): Side {
  const y = new Uint8Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const z = () => normal(next);
  for (let i = 0; i < n; i++) {
    const x = z();
    y[i] = next() < 1 / (1 + Math.exp(-1.2 * x)) ? 1 : 0;
    // Two noisy readings of the same feature: equally good models.
    a[i] = 1 / (1 + Math.exp(-(x + 0.6 * z())));
    b[i] = 1 / (1 + Math.exp(-(x + 0.6 * z())));
  }
  return { truth: { task: 'binary', y, classes: ['0', '1'] } as Truth, ids: Array.from({ length: n }, (_, i) => `${prefix}${i}`), columns: { last: a, best: b } };
}

test('equal models from one distribution: no overfitting finding in at least 95 % of seeded runs', () => {
  const runs = 40;
  let alarms = 0;
  let pointAlarms = 0;
  for (let r = 0; r < runs; r++) {
    const next = rng(1000 + r);
    const train = exchangeableSide(next, 120, 't');
    const ev = exchangeableSide(next, 120, 'e');
    const models = mlpModels(train, ev);
    const g = generalisation('binary', models, {}, { uncertainty: mlpUncertainty(train, ev, 200, r) });
    if (g.findings.some((f) => f.kind === 'overfitting')) alarms++;
    // What a rule without intervals would have said: the candidate's gap above max-gap or the baseline's.
    const point = generalisation('binary', models, {});
    const larger = point.gaps.filter((x) => x.model === 'candidate' && x.tested).some((x) => (x.gap ?? 0) > (point.gaps.find((o) => o.model === 'best' && o.metric === x.metric)?.gap ?? Infinity));
    if (point.findings.length > 0 || larger) pointAlarms++;
  }
  expect(alarms).toBeLessThanOrEqual(Math.floor(0.05 * runs));
  // The runs are noisy enough that the point estimates alone cry wolf in most of them.
  expect(pointAlarms).toBeGreaterThan(runs / 2);
});

test("the evaluation side reuses the deltas' replicates: the same gaps as resampling the evaluation rows again", () => {
  // evaluate() hands the paired bootstrap's replicates (candidate first, more models, the same seed and keys)
  // to the gap bootstrap instead of computing the evaluation side a second time.
  const train = readSide('train.csv');
  const ev = readSide('eval.csv');
  const seed = 5;
  const resamples = 60;
  const side = (s: Side) => ({ truth: s.truth.y, keys: exampleKeys(s.ids, s.ids.length), models: [{ name: 'candidate', predictions: s.columns.last }, { name: 'best', predictions: s.columns.best }] });
  const fresh = gapReplicates({ task: 'binary', train: side(train), eval: side(ev), resamples, seed });
  const constant = new Float64Array(ev.ids.length).fill(0.4);
  const deltas = bootstrapReplicates({
    task: 'binary',
    truth: ev.truth.y,
    keys: exampleKeys(ev.ids, ev.ids.length),
    models: [...side(ev).models, { name: 'dummy', predictions: constant }],
    candidate: 'candidate',
    resamples,
    confidence: 0.95,
    seed,
  });
  const reused = gapReplicates({ task: 'binary', train: side(train), evalReplicates: deltas, resamples, seed });
  for (const model of ['candidate', 'best']) {
    for (const metric of ['log_loss', 'roc_auc', 'accuracy']) {
      for (const s of ['train', 'eval'] as const) expect(sideReplicates(reused, s, model, metric)).toEqual(sideReplicates(fresh, s, model, metric));
    }
  }
  expect(() => gapReplicates({ task: 'binary', train: side(train), evalReplicates: deltas, resamples: resamples + 1, seed })).toThrow(/60 resamples, not 61/);
});
