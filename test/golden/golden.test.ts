// Golden files: every fixture's JSON report and comment, pinned byte for byte (after the machine's own
// facts are normalised). A refactor must leave them as they are; a change that means to alter a report
// regenerates them with UPDATE_GOLDEN=1 and shows the difference in review.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join('fixtures', ...p);
const GOLDEN = path.join(root, 'test', 'golden', 'files');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Each scenario is one CLI run; names become file names. */
const SCENARIOS: Record<string, string[]> = {
  // The demo's config: binary, two baselines (a model and a predictions file), training data, thresholds.
  'penguins-sex': ['evaluate', '--config', fx('penguins-sex', 'model-gate.yml')],
  // Multiclass with a graph model and a JSONL predictions file, slices, training data and data drift.
  'penguins-species': [
    'evaluate', '--candidate', fx('penguins-species', 'candidate-graph'),
    '--baseline', `main=${fx('penguins-species', 'baseline')}`, '--baseline', `production=${fx('penguins-species', 'baseline-predictions.jsonl')}`,
    '--data', fx('penguins-species', 'eval.csv'), '--train-data', fx('penguins-species', 'train.csv'),
    '--label', 'species', '--id', 'id', '--reference-data', fx('penguins-species', 'train.csv'),
    '--slices', path.join('test', 'golden', 'species-slices.yml'), '--bootstrap', '300',
  ],
  // An ONNX candidate against a TF.js baseline: the engines' facts and the columns each was fed.
  'species-onnx': [
    'evaluate', '--candidate', fx('onnx', 'species.onnx'), '--baseline', `main=${fx('penguins-species', 'candidate')}`,
    '--data', fx('penguins-species', 'eval.csv'), '--label', 'species', '--id', 'id', '--bootstrap', '200', '--onnx-runtime', 'wasm',
  ],
  // Regression with training data (gaps), a predictions-file baseline and a training log that overfits.
  'cars-mpg': [
    'evaluate', '--candidate', fx('cars-mpg', 'candidate'), '--baseline', `main=${fx('cars-mpg', 'baseline')}`,
    '--baseline', `production=${fx('cars-mpg', 'baseline-predictions.csv')}`, '--data', fx('cars-mpg', 'eval.csv'),
    '--train-data', fx('cars-mpg', 'train.csv'), '--label', 'mpg', '--id', 'id',
    '--training-log', fx('training-logs', 'overfit', 'history.json'), '--bootstrap', '300',
  ],
  'penguins-traits': [
    'evaluate', '--candidate', fx('penguins-traits', 'candidate'), '--baseline', `main=${fx('penguins-traits', 'baseline')}`,
    '--baseline', `production=${fx('penguins-traits', 'baseline-predictions.csv')}`, '--data', fx('penguins-traits', 'eval.csv'),
    '--label', 'male,heavy,long_bill', '--id', 'id', '--bootstrap', '200',
  ],
  'cars-ranking': [
    'evaluate', '--candidate', fx('cars-mpg', 'candidate'), '--baseline', `main=${fx('cars-ranking', 'baseline-scores.csv')}`,
    '--data', fx('cars-ranking', 'eval.csv'), '--task', 'ranking', '--label', 'relevance', '--query', 'model_year',
    '--ranking-k', '5,10', '--id', 'id', '--bootstrap', '200',
  ],
  // Bad input: the report still says what went wrong.
  'bad-label': ['evaluate', '--candidate', fx('penguins-sex', 'candidate'), '--data', fx('penguins-sex', 'eval.csv'), '--label', 'no_such_column'],
  'seattle-drift': ['drift', '--reference-data', fx('drift', 'seattle-2012.csv'), '--current-data', fx('drift', 'seattle-2015.csv')],
};

/** What differs between machines and runs: the repository's place, the CPU, the runtime's backend. */
function normalise(text: string): string {
  return text
    .split(root + path.sep).join('<repo>/')
    .replace(/"hardware": \{[\s\S]*?\n {2}\}/, '"hardware": "<machine>"')
    .replace(/\*\*Hardware\*\* [^\n]*/g, '**Hardware** <machine>');
}

let dir: string;
let savedEpoch: string | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mg-golden-'));
  savedEpoch = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = '1764633600'; // 2025-12-02
});
afterAll(async () => {
  if (savedEpoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
  else process.env.SOURCE_DATE_EPOCH = savedEpoch;
  await rm(dir, { recursive: true, force: true });
});

describe.each(Object.entries(SCENARIOS))('%s', (name, argv) => {
  test('JSON report and comment match the golden files', async () => {
    const json = path.join(dir, `${name}.json`);
    const md = path.join(dir, `${name}.md`);
    const code = await main([...argv, '--json', json, '--markdown', md, '--quiet', '--allowed-roots', dir], root);
    const got = { exit: `${code}\n`, json: normalise(await readFile(json, 'utf8')), md: normalise(await readFile(md, 'utf8')) };
    for (const [ext, text] of Object.entries(got)) {
      const file = path.join(GOLDEN, `${name}.${ext === 'exit' ? 'exit.txt' : ext}`);
      if (UPDATE) await writeFile(file, text);
      expect(text).toBe(await readFile(file, 'utf8'));
    }
  });
});
