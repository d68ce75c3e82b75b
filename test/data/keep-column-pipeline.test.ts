// The prepare stage reads only the data columns a run uses (pipeline/prepare.ts dataColumns): with
// predictions files only, the features are left unread, and the run's numbers are those of the same
// data written without its feature columns; with a model that takes features, or a drift test on the
// evaluation data, every column is read.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { dataColumns } from '../../src/pipeline/prepare.js';
import { prepareStage } from '../../src/pipeline/stages/prepare.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const ranking: RawInputs = {
  candidate: fx('cars-ranking', 'candidate-scores.csv'),
  baselines: `prod=${fx('cars-ranking', 'baseline-scores.csv')}`,
  data: fx('cars-ranking', 'eval.csv'),
  task: 'ranking',
  'label-column': 'relevance',
  'query-column': 'model_year',
  'ranking-k': '5',
  'id-column': 'id',
  bootstrap: '50'
};
const settings = (over: RawInputs = {}) => resolveSettings({ ...ranking, ...over }, undefined, root);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'model-gate-keep-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('which columns: labels, id, query, slices and named features when no model takes features; all otherwise', () => {
  const keep = dataColumns(settings(), false)!;
  const names = ['id', 'cylinders', 'weight', 'model_year', 'origin_USA', 'mpg', 'relevance'];
  expect(names.filter(keep)).toEqual(['id', 'model_year', 'relevance']);
  const sliced = dataColumns({ ...settings(), slices: { columns: ['origin_USA'], crossed: [['cylinders', 'weight']], minSize: 5 }, features: ['mpg'] }, false)!;
  expect(names.filter(sliced)).toEqual(['id', 'cylinders', 'weight', 'model_year', 'origin_USA', 'mpg', 'relevance']);
  expect(dataColumns(settings(), true)).toBeUndefined();
  expect(dataColumns({ ...settings(), referenceData: fx('cars-ranking', 'eval.csv') }, false)).toBeUndefined();
  expect(names.filter(dataColumns({ ...settings(), referenceData: 'ref.csv', currentData: 'cur.csv' }, false)!)).toEqual(['id', 'model_year', 'relevance']);
});

test('predictions files only: the prepare stage holds the id, query and label, and the run equals one on the data without its features', async () => {
  const stage = await prepareStage({ settings: settings(), log: silentLog });
  expect(stage.findings).toEqual([]);
  expect(stage.part!.prep.dataset.columns.map((c) => c.name)).toEqual(['id', 'model_year', 'relevance']);
  stage.part!.candidate.dispose();

  // The same rows with only those columns, written out: the evaluation must not change.
  const lines = (await readFile(fx('cars-ranking', 'eval.csv'), 'utf8')).trimEnd().split('\n');
  const header = lines[0].split(',');
  const at = ['id', 'model_year', 'relevance'].map((n) => header.indexOf(n));
  const narrow = path.join(dir, 'eval.csv');
  await writeFile(narrow, lines.map((l) => at.map((k) => l.split(',')[k]).join(',')).join('\n') + '\n');
  const full = await evaluate(settings(), silentLog);
  const lean = await evaluate(settings({ data: narrow }), silentLog);
  expect(full.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(full.models.map((m) => m.name)).toEqual(expect.arrayContaining(['candidate', 'prod']));
  expect(JSON.stringify(lean.models)).toBe(JSON.stringify(full.models));
});

test('a label column that is not there: the message lists every column of the file, the unread ones too', async () => {
  const { main } = await import('../../src/cli.js');
  const { capture } = await import('../support/capture.js');
  const { err, restore } = capture();
  try {
    const code = await main(['evaluate', '--candidate', 'fixtures/penguins-sex/baseline-predictions.csv', '--data', 'fixtures/penguins-sex/eval.csv', '--label-column', 'sexx', '--id-column', 'id', '--quiet'], process.cwd());
    expect(code).toBe(2);
  } finally {
    restore();
  }
  expect(err.join('')).toContain('no column "sexx". Columns: id, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, species_Adelie, species_Chinstrap, species_Gentoo, sex.');
});
