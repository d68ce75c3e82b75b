// Slices wired through the pipeline and the report, on the real binary fixture.
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

test('slices by a column and a crossed pair: metrics per slice, intervals, skipped slices, report sections', async () => {
  const settings = resolveSettings(
    {
      candidate: fx('penguins-sex', 'candidate'),
      baselines: `main=${fx('penguins-sex', 'baseline')}`,
      data: fx('penguins-sex', 'eval.csv'),
      'label-column': 'sex',
      'id-column': 'id',
      bootstrap: '200',
      slices: 'columns: [species_Adelie, species_Gentoo]\ncrossed: [[species_Adelie, species_Gentoo]]\nmin-size: 25',
    },
    undefined,
    root,
  );
  const e = await evaluate(settings, silentLog);
  const r = renderReport(e, { date: '2026-11-27' });
  const slices = r.json.slices!;
  const adelie = slices.slices.filter((s) => s.column === 'species_Adelie');
  expect(adelie.map((s) => s.value)).toEqual(['0', '1']);
  expect(adelie.reduce((a, s) => a + s.rows, 0)).toBe(94);
  expect(adelie[0].models.candidate.accuracy.ci).toHaveLength(2);
  // Calibration and the operating points are resampled per slice too, for every model and delta, the dummy included.
  for (const slice of adelie) {
    for (const metric of ['ece', 'mce', 'recall_at_fpr', 'precision_at_recall']) {
      for (const model of ['candidate', 'main', 'dummy']) expect([slice.value, model, metric, slice.models[model][metric].ci?.length]).toEqual([slice.value, model, metric, 2]);
      for (const baseline of ['main', 'dummy']) {
        const d = slice.deltas[baseline][metric];
        expect([slice.value, baseline, metric, d.ci?.length]).toEqual([slice.value, baseline, metric, 2]);
        expect(d.pValue).toBeGreaterThan(0);
      }
    }
  }
  // Adelie × Gentoo = 1 × 1 cannot happen (one-hot): it has no rows and is skipped.
  expect(slices.skipped.some((s) => s.value === '1 × 1' && s.rows === 0)).toBe(true);
  expect(r.markdown).toContain('<summary>Slices');
  expect(r.markdown).toMatch(/Every metric per slice \(\d+ slices\)/);
});

test('a slices setting naming no mapping is an input error', () => {
  expect(() =>
    resolveSettings({ candidate: 'c', data: 'd', 'label-column': 'y', slices: 'columns: island' }, undefined, root),
  ).toThrow(/the slices input: columns must be a list of column names/);
});

test('malformed slices YAML names the line and column instead of being read half-way', () => {
  expect(() =>
    resolveSettings({ candidate: 'c', data: 'd', 'label-column': 'y', slices: 'columns: [island\nmin-size: 3' }, undefined, root),
  ).toThrow(/^the slices input:\d+:\d+: it is not valid YAML/);
});
