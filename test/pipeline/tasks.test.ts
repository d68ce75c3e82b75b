// The multilabel and ranking tasks end to end on real fixtures (fixtures/penguins-traits,
// fixtures/cars-ranking, made by fixtures/make_tasks.mjs): every metric the pipeline reports against
// scikit-learn / brute-force values computed independently by fixtures/reference/tasks_reference.py.
// Tolerances: 1e-9 where model-gate reads the same float32 text the reference read (predictions
// files), 1e-6 where model-gate runs the TF.js network itself (on its own backend: the reference
// used the cpu backend's outputs, and backends differ by a few float32 ulps).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate, type Evaluation } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

interface RefModel {
  source: string;
  metrics: Record<string, number>;
  per_label?: { label: string; precision: number; recall: number; f1: number; roc_auc: number; support: number }[];
}
const ref = JSON.parse(readFileSync(fx('reference', 'tasks_reference.json'), 'utf8')) as {
  multilabel: { labels: string[]; rows: number; models: Record<string, RefModel> };
  ranking: { ks: number[]; rows: number; queries: number; models: Record<string, RefModel> };
};

const TF = 1e-6; // a TF.js network run by model-gate
const FILE = 1e-9; // a predictions file, or the dummy

/** Every reference metric of one model against what the pipeline measured: a list of mismatches. */
function mismatches(e: Evaluation, name: string, want: RefModel, tol: number): string[] {
  const got = e.models.find((m) => m.name === name);
  if (got === undefined) return [`no model ${name} in ${e.models.map((m) => m.name).join(', ')}`];
  const bad: string[] = [];
  const check = (what: string, g: number | undefined, w: number) => {
    if (g === undefined || !(Math.abs(g - w) <= tol)) bad.push(`${name} ${what}: got ${g}, want ${w} (±${tol})`);
  };
  for (const [metric, w] of Object.entries(want.metrics)) check(metric, got.metrics[metric]?.value, w);
  const extra = Object.keys(got.metrics).filter((k) => !(k in want.metrics));
  if (extra.length > 0) bad.push(`${name}: metrics without a reference value: ${extra.join(', ')}`);
  if (want.per_label !== undefined) {
    if (got.perLabel?.map((p) => p.label).join() !== want.per_label.map((p) => p.label).join()) bad.push(`${name}: per-label labels ${got.perLabel?.map((p) => p.label)}`);
    want.per_label.forEach((w, j) => {
      for (const k of ['precision', 'recall', 'f1', 'roc_auc', 'support'] as const) check(`${w.label}.${k}`, got.perLabel?.[j]?.[k], w[k]);
    });
  }
  return bad;
}

function noSkill(e: Evaluation) {
  return e.gate.findings.filter((f) => f.kind === 'no_skill');
}

/** Findings that are neither info nor expected: errors and warnings. */
function problems(e: Evaluation) {
  return e.gate.findings.filter((f) => f.severity !== 'info');
}

// ------------------------------------------------------------------------------------------------
// Multilabel: penguins-traits

const TRAITS = ['male', 'heavy', 'long_bill'];

const traits = (over: RawInputs = {}) =>
  resolveSettings(
    {
      candidate: fx('penguins-traits', 'candidate'),
      baselines: `main=${fx('penguins-traits', 'baseline')}\nproduction=${fx('penguins-traits', 'baseline-predictions.csv')}`,
      data: fx('penguins-traits', 'eval.csv'),
      'label-column': TRAITS.join(','),
      'id-column': 'id',
      ...over,
    },
    undefined,
    root,
  );

describe('multilabel: penguins-traits', () => {
  let e: Evaluation;
  beforeAll(async () => {
    e = await evaluate(traits(), silentLog);
  });

  test('the task, labels and models', () => {
    expect(e.task).toBe('multilabel');
    expect(e.classes).toEqual(TRAITS);
    expect(e.data.rows).toBe(ref.multilabel.rows);
    expect(e.models.map((m) => [m.name, m.role])).toEqual([
      ['candidate', 'candidate'],
      ['main', 'baseline'],
      ['production', 'baseline'],
      ['dummy', 'dummy'],
    ]);
    expect(e.models[0].engine).toBe('tfjs layers model');
    expect(e.models[2].engine).toBe('predictions file');
  });

  test('every metric and per-label value equals scikit-learn', () => {
    const m = ref.multilabel.models;
    expect([
      ...mismatches(e, 'candidate', m.candidate, TF),
      ...mismatches(e, 'main', m.main, TF),
      ...mismatches(e, 'production', m.production, FILE),
      ...mismatches(e, 'dummy', m.dummy_eval_prior, FILE),
    ]).toEqual([]);
  });

  test('the dummy predicts each label\'s eval prevalence and the candidate beats it', () => {
    const dummy = e.models.find((m) => m.role === 'dummy')!;
    expect(e.dummyFitOn).toBe('evaluation data');
    expect(dummy.metrics.roc_auc_macro.value).toBe(0.5);
    expect(dummy.perLabel!.map((p) => p.roc_auc)).toEqual([0.5, 0.5, 0.5]);
    expect(noSkill(e)).toEqual([]);
    const row = e.gate.comparisons.find((c) => c.baseline === 'dummy' && c.metric === 'roc_auc_macro')!;
    expect(row.change).toBe('improved');
    expect(row.status).toBe('pass');
  });

  test('the real candidate improves on both baselines, and nothing fails', () => {
    expect(problems(e)).toEqual([]);
    expect(e.gate.verdict).not.toBe('fail');
    for (const baseline of ['main', 'production']) {
      const rows = e.gate.comparisons.filter((c) => c.baseline === baseline);
      expect(rows.map((c) => c.metric).sort()).toEqual(Object.keys(ref.multilabel.models.candidate.metrics).filter((k) => k !== 'example_count').sort());
      // The fixture candidate is better on every averaged metric (lower hamming loss, higher the rest).
      expect(rows.filter((c) => c.change === 'regressed')).toEqual([]);
    }
  });

  test('the JSON report carries the task, the labels and every metric', () => {
    const { json, markdown } = renderReport(e, { date: '2024-06-11' });
    const parsed = JSON.parse(JSON.stringify(json));
    expect(parsed.task).toBe('multilabel');
    expect(parsed.classes).toEqual(TRAITS);
    expect(parsed.models.map((m: { name: string }) => m.name)).toEqual(['candidate', 'main', 'production', 'dummy']);
    for (const [metric, want] of Object.entries(ref.multilabel.models.candidate.metrics)) {
      expect(Math.abs(parsed.models[0].metrics[metric].value - want)).toBeLessThanOrEqual(TF);
    }
    expect(parsed.verdict).toBe(e.gate.verdict);
    expect(markdown.length).toBeGreaterThan(0);
  });

  test('with train-data the dummy is fitted on the training prevalence', async () => {
    const t = await evaluate(traits({ 'train-data': fx('penguins-traits', 'train.csv'), baselines: '', bootstrap: '0' }), silentLog);
    expect(t.dummyFitOn).toBe('training data');
    expect(mismatches(t, 'dummy', ref.multilabel.models.dummy_train_prior, FILE)).toEqual([]);
    expect(mismatches(t, 'candidate', ref.multilabel.models.candidate, TF)).toEqual([]);
    expect(noSkill(t)).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// Ranking: cars-ranking

const cars = (over: RawInputs = {}) =>
  resolveSettings(
    {
      candidate: fx('cars-mpg', 'candidate'),
      baselines: `main=${fx('cars-ranking', 'baseline-scores.csv')}\nmain-model=${fx('cars-mpg', 'baseline')}`,
      data: fx('cars-ranking', 'eval.csv'),
      task: 'ranking',
      'label-column': 'relevance',
      'query-column': 'model_year',
      'ranking-k': '5,10',
      'id-column': 'id',
      ...over,
    },
    undefined,
    root,
  );

describe('ranking: cars-ranking', () => {
  let e: Evaluation;
  beforeAll(async () => {
    e = await evaluate(cars(), silentLog);
  });

  test('the task and models', () => {
    expect(e.task).toBe('ranking');
    expect(e.data.rows).toBe(ref.ranking.rows);
    expect(e.models.map((m) => [m.name, m.role, m.engine])).toEqual([
      ['candidate', 'candidate', 'tfjs layers model'],
      ['main', 'baseline', 'predictions file'],
      ['main-model', 'baseline', 'tfjs layers model'],
      ['dummy', 'dummy', 'dummy'],
    ]);
    expect(e.models[0].metrics.query_count.value).toBe(ref.ranking.queries);
  });

  test('every metric equals sklearn ndcg_score and the brute-force reference', () => {
    const m = ref.ranking.models;
    expect([
      ...mismatches(e, 'candidate', m.candidate, TF),
      ...mismatches(e, 'main', m.main, FILE),
      ...mismatches(e, 'main-model', m.main, TF),
      ...mismatches(e, 'dummy', m.dummy, FILE),
    ]).toEqual([]);
  });

  test('the candidate beats the all-ties dummy on ndcg@5, and nothing fails', () => {
    expect(noSkill(e)).toEqual([]);
    const row = e.gate.comparisons.find((c) => c.baseline === 'dummy' && c.metric === 'ndcg@5')!;
    expect(row.change).toBe('improved');
    expect(row.candidate!).toBeGreaterThan(row.baselineValue! + 0.1);
    expect(problems(e)).toEqual([]);
    expect(e.gate.verdict).not.toBe('fail');
    expect(e.gate.comparisons.filter((c) => c.baseline === 'main' && c.change === 'regressed')).toEqual([]);
  });

  test('the scores file gives the same metrics as running the model', async () => {
    const s = await evaluate(cars({ candidate: fx('cars-ranking', 'candidate-scores.csv'), baselines: fx('cars-ranking', 'baseline-scores.csv'), bootstrap: '0' }), silentLog);
    expect(s.models.map((m) => m.name)).toEqual(['candidate', 'baseline-scores.csv', 'dummy']);
    expect(mismatches(s, 'candidate', ref.ranking.models.candidate, FILE)).toEqual([]);
    expect(mismatches(s, 'baseline-scores.csv', ref.ranking.models.main, FILE)).toEqual([]);
    expect(noSkill(s)).toEqual([]);
  });

  test('the JSON report carries the task and every metric at both cut-offs', () => {
    const { json } = renderReport(e, { date: '2024-06-11' });
    const parsed = JSON.parse(JSON.stringify(json));
    expect(parsed.task).toBe('ranking');
    const metrics = parsed.models[0].metrics;
    for (const k of ref.ranking.ks) for (const f of ['ndcg', 'map', 'recall', 'hit_rate']) expect(metrics).toHaveProperty([`${f}@${k}`]);
    for (const [metric, want] of Object.entries(ref.ranking.models.candidate.metrics)) {
      expect(Math.abs(metrics[metric].value - want)).toBeLessThanOrEqual(TF);
    }
    expect(parsed.comparisons.some((c: { baseline: string; metric: string }) => c.baseline === 'dummy' && c.metric === 'ndcg@5')).toBe(true);
  });
});
