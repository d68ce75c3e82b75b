// Messages the review of issue 11 found wrong: a YAML file path holding ": ", --seed -1, drift's help and
// missing-file messages, the ranking hint, the command list.

import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capture } from '../support/capture.js';
import { COMMANDS, main } from '../../src/cli.js';
import { readDataset } from '../../src/data/read.js';
import { prepareAs } from '../../src/pipeline/prepare.js';
import { cliFlags, DRIFT_USAGE, readCliSettings } from '../../src/settings/cli-args.js';
import type { Settings } from '../../src/settings/settings.js';
import { inputError } from '../support/input-error.js';

const root = process.cwd();
const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'model-gate-review-')));
const fx = (...p: string[]) => path.join('fixtures', ...p);
const base = ['--candidate', fx('penguins-sex', 'candidate'), '--data', fx('penguins-sex', 'eval.csv'), '--label-column', 'sex'];

describe('a YAML input given as a path that holds ": "', () => {
  const dir = path.join(tmp, 'exp: 3');
  mkdirSync(dir);
  const file = path.join(dir, 'thr.yml');
  writeFileSync(file, 'accuracy: { min: 0.8 }\n');

  test('an existing file inside the roots is read as the file', async () => {
    const r = await readCliSettings([...base, '--thresholds', file], root, [tmp]);
    if (r === 'help') throw new Error('help');
    expect(r.settings.thresholds.accuracy).toEqual({ min: 0.8, severity: 'fail' });
  });

  test('a relative path from the current folder too', async () => {
    writeFileSync(path.join(dir, 'slices: a.yml'), 'columns: [island]\n');
    const s = await readCliSettings(['--candidate', path.resolve(fx('penguins-sex', 'candidate')), '--data', path.resolve(fx('penguins-sex', 'eval.csv')), '--label-column', 'sex', '--slices', 'slices: a.yml'], dir, [root]);
    if (s === 'help') throw new Error('help');
    expect(s.settings.slices?.columns).toEqual(['island']);
  });

  test('a missing one is read as inline YAML, and the error says so and how to pass a file', async () => {
    const message = await inputError(readCliSettings([...base, '--thresholds', path.join(tmp, 'exp: 9', 'thr.yml')], root, [tmp]));
    expect(message).toMatch(/^the thresholds input/);
    expect(message).toContain('The --thresholds value was read as inline YAML');
    expect(message).toContain('the path of an existing file inside the current folder or an --allowed-roots folder');
  });

  test('bad inline YAML and a non-mapping say it too; YAML on several lines is plainly YAML and does not', async () => {
    expect(await inputError(readCliSettings([...base, '--slices', 'columns: [unclosed'], root))).toMatch(/^the slices input.*The --slices value was read as inline YAML/s);
    expect(await inputError(readCliSettings([...base, '--onnx-inputs', '{a: 1}'], root))).toMatch(/^the onnx-inputs input.*read as inline YAML/s);
    expect(await inputError(readCliSettings([...base, '--slices', 'columns: [unclosed\nmin-size: 3'], root))).not.toContain('read as inline YAML');
  });

  test('an existing file outside the roots is not read', async () => {
    const outside = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'model-gate-review-out-')));
    mkdirSync(path.join(outside, 'a: b'));
    writeFileSync(path.join(outside, 'a: b', 't.yml'), 'accuracy: { min: 0.8 }\n');
    const message = await inputError(readCliSettings([...base, '--thresholds', path.join(outside, 'a: b', 't.yml')], root));
    expect(message).toContain('read as inline YAML');
  });
});

test('--seed -1 is one line that says how to give a value starting with a dash', async () => {
  const message = await inputError(readCliSettings([...base, '--seed', '-1'], root));
  expect(message).not.toMatch(/\n/);
  expect(message).toBe('--seed needs a value, and the argument after it starts with "-"; for a value that starts with a dash write --seed=VALUE. Run "model-gate evaluate --help" for the flags.');
  expect(await inputError(readCliSettings([...base, '--seed=-1'], root))).toMatch(/^seed must be a number from 0/);
});

test("drift --help mentions no flag drift lacks, and does not promise current-data's default", () => {
  const flags = [...DRIFT_USAGE.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]);
  expect(flags.filter((f) => !cliFlags('drift').includes(f))).toEqual([]);
  expect(DRIFT_USAGE).not.toContain('Defaults to data.');
  expect(DRIFT_USAGE.replace(/\s+/g, ' ')).toContain('model-gate drift needs it');
});

test.each([
  ['--reference-data', 'reference-data'],
  ['--current-data', 'current-data'],
])('drift: a missing %s file names that flag', async (flag, input) => {
  const args = { '--reference-data': fx('drift', 'seattle-2012.csv'), '--current-data': fx('drift', 'seattle-2015.csv'), [flag]: 'no-such-sample.csv' };
  const c = capture();
  const code = await main(['drift', ...Object.entries(args).flat(), '--json', path.join(tmp, 'd.json'), '-q'], root).finally(c.restore);
  const err = c.err.join('');
  expect(code).toBe(2);
  expect(err).toContain(`data file not found: ${path.resolve(root, 'no-such-sample.csv')}`);
  expect(err).toContain(`check the \`${input}\` input / ${flag} path`);
  expect(err).not.toContain('`data` input');
});

test('a ranking task without a query column names the input and its flag', async () => {
  const dataset = await readDataset(fx('penguins-sex', 'eval.csv'));
  const settings = { labelColumn: 'sex', labelColumns: ['sex'] } as unknown as Settings;
  expect(() => prepareAs(settings, dataset, 'ranking', [])).toThrow('a ranking task needs the `query-column` input (or --query-column)');
});

test('an unknown command lists every command, drift included', async () => {
  const c = capture();
  const code = await main(['nope'], root).finally(c.restore);
  expect(code).toBe(2);
  expect(c.err.join('')).toContain(`unknown command "nope". Commands: ${COMMANDS.join(', ')}.`);
  expect(COMMANDS).toContain('drift');
});
