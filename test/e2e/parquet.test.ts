// End to end: an evaluation whose data, training data, reference data and predictions-file baseline are
// Parquet (written by pandas' to_parquet from the fixture CSVs: fixtures/parquet/make.py) is the same
// evaluation as from the CSVs, every metric, interval, drift test and gap; only the file names and the
// predictions file's own hash and size differ. Drift between two Parquet files equals drift between the CSVs.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-parquet-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The evaluation as JSON, with the Parquet file names turned back into the CSV ones. */
function normalised(value: unknown, fixture: string): unknown {
  const text = JSON.stringify(value)
    .split(fx('parquet', fixture) + path.sep).join(fx(fixture) + path.sep)
    .replace(/\.parquet"/g, '.csv"');
  return JSON.parse(text, (key, v: unknown) => (key === 'sha256' || key === 'bytes' ? '<file>' : v));
}

const cases: [string, string, string][] = [
  ['penguins-sex', 'binary', 'sex'],
  ['cars-mpg', 'regression', 'mpg'],
];

describe.each(cases)('%s (%s)', (fixture, task, label) => {
  test('data, train-data, reference-data and the predictions-file baseline as Parquet: the same evaluation as from CSV', async () => {
    const run = async (folder: string, ext: string) => {
      const at = (name: string) => path.join(folder, `${name}${ext}`);
      const inputs: RawInputs = {
        candidate: fx(fixture, 'candidate'),
        baselines: `main=${fx(fixture, 'baseline')}\nproduction=${at('baseline-predictions')}`,
        data: at('eval'),
        'train-data': at('train'),
        'reference-data': at('train'),
        'label-column': label,
        'id-column': 'id',
        bootstrap: '200',
      };
      return evaluate(resolveSettings(inputs, undefined, root), silentLog);
    };
    const fromCsv = await run(fx(fixture), '.csv');
    const fromParquet = await run(fx('parquet', fixture), '.parquet');
    expect(fromParquet.task).toBe(task);
    // The runs did measure something: every model has metrics, and the predictions file is the Parquet one.
    expect(fromParquet.models.map((m) => m.name)).toEqual(['candidate', 'main', 'production', 'dummy']);
    const production = fromParquet.models.find((m) => m.name === 'production')!;
    expect(production.path).toBe(fx('parquet', fixture, 'baseline-predictions.parquet'));
    expect(Object.keys(production.metrics).length).toBeGreaterThan(3);
    expect(normalised(fromParquet, fixture)).toEqual(normalised(fromCsv, fixture));
  }, 120_000);
});

test('drift between two Parquet files: the same report as between the CSVs they were made from', async () => {
  const report = async (ext: string, folder: string) => {
    const json = path.join(dir, `drift${ext}.json`);
    const code = await main(['drift', '--reference-data', path.join(folder, `seattle-2012${ext}`), '--current-data', path.join(folder, `seattle-2015${ext}`), '--json', json, '--quiet', '--allowed-roots', dir], root);
    return { code, json: JSON.parse(await readFile(json, 'utf8')) as { drift: { features: unknown[] } } };
  };
  const csv = await report('.csv', fx('drift'));
  const parquet = await report('.parquet', fx('parquet', 'drift'));
  expect(parquet.code).toBe(csv.code);
  expect(parquet.json.drift.features.length).toBe(5);
  expect(normalised(parquet.json, 'drift')).toEqual(normalised(csv.json, 'drift'));
}, 60_000);
