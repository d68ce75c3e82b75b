// Issue 15, item 8: each message printed once, and exit code 2 for bad input (a missing data file, a
// model of no known type), whether the candidate or a baseline is at fault. The CLI runs in-process.

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';
import { capture } from '../support/capture.js';

const root = process.cwd();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'model-gate-once-'));
const fx = (...p: string[]) => path.join('fixtures', ...p);
const args = (over: { candidate?: string; baseline?: string; data?: string }) => [
  'evaluate',
  '--candidate', over.candidate ?? fx('penguins-sex', 'candidate'),
  '--baseline', `main=${over.baseline ?? fx('penguins-sex', 'baseline')}`,
  '--data', over.data ?? fx('penguins-sex', 'eval.csv'),
  '--label', 'sex',
  '--id', 'id',
  '--bootstrap', '0',
  '--json', path.join(tmp, 'r.json'),
  '--allowed-roots', tmp,
];

async function run(argv: string[]) {
  const c = capture();
  const code = await main(argv, root).finally(c.restore);
  return { code, err: c.err.join('') };
}

/** How many stderr lines carry this text. */
const linesWith = (err: string, text: string) => err.split('\n').filter((l) => l.includes(text)).length;

test('a baseline of no known type: its message is printed once (not as a warning and again as an error), exit 2', async () => {
  const weird = path.join(tmp, 'model.weird');
  writeFileSync(weird, 'not a model\n');
  const { code, err } = await run(args({ baseline: weird }));
  expect(code).toBe(2);
  expect(linesWith(err, 'cannot tell how to run')).toBe(1);
  expect(err).toMatch(/^error: model main: cannot tell how to run .*model\.weird/m);
  expect(err).not.toMatch(/^warning: /m);
});

test('a candidate of no known type: one message, exit 2', async () => {
  const weird = path.join(tmp, 'candidate.weird');
  writeFileSync(weird, 'not a model\n');
  const { code, err } = await run(args({ candidate: weird }));
  expect(code).toBe(2);
  expect(linesWith(err, 'cannot tell how to run')).toBe(1);
});

test('a missing data file: one message naming it, exit 2', async () => {
  const { code, err } = await run(args({ data: path.join(tmp, 'nope.csv') }));
  expect(code).toBe(2);
  // The progress line "▸ Reading …/nope.csv" names the file too; the message is the one line that says what is wrong.
  expect(linesWith(err, 'not found')).toBe(1);
  expect(err).toMatch(/^error: data file not found: .*nope\.csv/m);
  expect(err).not.toMatch(/\n\s+at /);
});
