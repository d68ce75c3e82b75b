// Counts describe the data, not the model: example_count and query_count get no interval (issue 15:
// the comment printed "94 [75.975, 112]", the spread of the resample sizes, as if it were uncertainty).
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

test('binary (weighted bootstrap): example_count has no interval, accuracy has one', async () => {
  const e = await evaluate(
    resolveSettings(
      { candidate: fx('penguins-sex', 'candidate'), data: fx('penguins-sex', 'eval.csv'), 'label-column': 'sex', 'id-column': 'id', bootstrap: '200' },
      undefined,
      root,
    ),
    silentLog,
  );
  for (const m of e.models) {
    expect(m.metrics.example_count).toEqual({ value: 94 });
    expect(m.metrics.accuracy.ci).toHaveLength(2);
  }
  const r = renderReport(e, { date: '2026-12-02' });
  expect(r.json.models[0].metrics.example_count).toEqual({ value: 94 });
  expect(r.markdown).not.toMatch(/\b94 \[/);
});

test('ranking (queries resampled): query_count and example_count have no interval, ndcg has one', async () => {
  const e = await evaluate(
    resolveSettings(
      {
        candidate: fx('cars-ranking', 'candidate-scores.csv'),
        data: fx('cars-ranking', 'eval.csv'),
        task: 'ranking',
        'label-column': 'relevance',
        'query-column': 'model_year',
        'ranking-k': '5',
        'id-column': 'id',
        bootstrap: '50',
      },
      undefined,
      root,
    ),
    silentLog,
  );
  const cand = e.models.find((m) => m.role === 'candidate')!;
  expect(cand.metrics.query_count.ci).toBeUndefined();
  expect(cand.metrics.example_count.ci).toBeUndefined();
  expect(cand.metrics['ndcg@5'].ci).toHaveLength(2);
});
