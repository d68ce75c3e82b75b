// A predictions file may be a NumPy archive (one 1-D array per column: id, score, p_<class>, prediction),
// as np.savez writes it: the evaluation is the one from the CSV the archive was made from, value for value.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';
import { encodeNpz } from '../../src/shard/npz-write.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-npz-predictions-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The CSV's columns as float64 arrays (every cell of these fixtures is a number). */
async function csvToNpz(csv: string, npz: string): Promise<void> {
  const [header, ...lines] = (await readFile(csv, 'utf8')).trim().split('\n');
  const names = header!.split(',');
  const columns = names.map(() => [] as number[]);
  for (const line of lines) line.split(',').forEach((cell, c) => columns[c]!.push(Number(cell)));
  await writeFile(npz, encodeNpz(names.map((key, c) => ({ key, data: Float64Array.from(columns[c]!) }))));
}

test.each([
  ['penguins-sex', 'sex'],
  ['cars-mpg', 'mpg'],
])('%s: a predictions-file baseline as .npz gives the metrics its CSV gives', async (fixture, label) => {
  const npz = path.join(dir, `${fixture}-baseline-predictions.npz`);
  await csvToNpz(fx(fixture, 'baseline-predictions.csv'), npz);
  const run = (predictions: string) => {
    const inputs: RawInputs = {
      candidate: fx(fixture, 'candidate'),
      baselines: `production=${predictions}`,
      data: fx(fixture, 'eval.csv'),
      'label-column': label,
      'id-column': 'id',
      bootstrap: '200',
    };
    return evaluate(resolveSettings(inputs, undefined, root), silentLog);
  };
  const fromCsv = await run(fx(fixture, 'baseline-predictions.csv'));
  const fromNpz = await run(npz);
  const production = (e: typeof fromCsv) => e.models.find((m) => m.name === 'production')!;
  expect(production(fromNpz).path).toBe(npz);
  expect(Object.keys(production(fromNpz).metrics).length).toBeGreaterThan(3);
  expect(production(fromNpz).metrics).toEqual(production(fromCsv).metrics);
  expect(fromNpz.gate).toEqual(fromCsv.gate);
  expect(fromNpz.uncertainty).toEqual(fromCsv.uncertainty);
  expect(fromNpz.uncertainty).toBeDefined();
});
