// Input paths must resolve, after symlinks, inside the workspace or an allowed root: real folders, real
// symlinks, the real CLI flag parser and the real @actions/core input reader.

import { jest } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readActionSettings } from '../../src/settings/action-inputs.js';
import { readCliSettings, readDriftArgs } from '../../src/settings/cli-args.js';
import { confinePath, realPathOf, rootsOf } from '../../src/settings/confine.js';
import { parseConfig } from '../../src/settings/settings.js';
import { InputError } from '../../src/errors.js';

// tmp/ws is the workspace; tmp/outside holds files it must not reach.
const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'model-gate-confine-')));
const ws = path.join(tmp, 'ws');
const outside = path.join(tmp, 'outside');
mkdirSync(ws);
mkdirSync(outside);
writeFileSync(path.join(outside, 'secret.csv'), 'SECRET_HEADER,x\n1,2\n');
writeFileSync(path.join(ws, 'eval.csv'), 'id,x,y\n1,2,0\n');
writeFileSync(path.join(ws, 'preds.csv'), 'id,score\n1,0.5\n');
symlinkSync(path.join(outside, 'secret.csv'), path.join(ws, 'link.csv'));
symlinkSync(outside, path.join(ws, 'linked-folder'));
mkdirSync(path.join(ws, 'inner'));
writeFileSync(path.join(ws, 'inner', 'real.csv'), 'id,x,y\n1,2,0\n');
symlinkSync(path.join(ws, 'inner', 'real.csv'), path.join(ws, 'inner-link.csv'));
// Dangling links: their targets do not exist (yet); writing through one would create the target outside.
symlinkSync('../outside/pwned.md', path.join(ws, 'dangling.md'));
symlinkSync('dangling.md', path.join(ws, 'dangling-chain.md'));
symlinkSync('../outside/no-such-folder', path.join(ws, 'dangling-folder'));
symlinkSync('inner/new.md', path.join(ws, 'dangling-inside.md'));
symlinkSync('loop-b.md', path.join(ws, 'loop-a.md'));
symlinkSync('loop-a.md', path.join(ws, 'loop-b.md'));

const base = ['--candidate', 'preds.csv', '--label', 'y'];

async function cliError(argv: string[], extraRoots?: string[]): Promise<InputError> {
  const e = await readCliSettings(argv, ws, extraRoots).then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof InputError)) throw new Error(`expected an InputError, got ${String(e)}`);
  return e;
}

describe('the CLI (workspace: its current folder)', () => {
  test('data that is a symlink to a file outside the workspace is refused, naming the input, both paths and the fix', async () => {
    const e = await cliError([...base, '--data', 'link.csv']);
    expect(e.message).toBe(
      `data: "${path.join(ws, 'link.csv')}" (it resolves to "${path.join(outside, 'secret.csv')}") lies outside the workspace (${ws}). ` +
        'model-gate reads only files inside the workspace: move the file there, or add its folder to the `allowed-roots` input (--allowed-roots in the CLI).',
    );
  });

  test('a path through a symlinked folder, or a plain ../ path, is refused too', async () => {
    expect((await cliError([...base, '--data', 'linked-folder/secret.csv'])).message).toMatch(/^data: .* lies outside the workspace/);
    expect((await cliError([...base, '--data', '../outside/secret.csv'])).message).toMatch(/^data: .* lies outside the workspace/);
    // Missing files behind a symlinked folder are judged by where the folder leads.
    expect((await cliError([...base, '--data', 'linked-folder/not-there.csv'])).message).toMatch(/lies outside the workspace/);
  });

  test('every path input is checked: candidate, baselines, train-data, reference-data, current-data, training-log', async () => {
    const at = (flag: string, input: string) => cliError([...base, '--data', 'eval.csv', flag, 'link.csv']).then((e) => expect(e.message).toMatch(new RegExp(`^${input}: `)));
    await at('--train-data', 'train-data');
    await at('--reference-data', 'reference-data');
    await at('--current-data', 'current-data');
    await at('--training-log', 'training-log');
    await at('--baseline', 'baselines \\("link.csv"\\)');
    expect((await cliError(['--candidate', 'link.csv', '--label', 'y', '--data', 'eval.csv'])).message).toMatch(/^candidate: /);
  });

  test('files read by the flags themselves are checked before they are read: thresholds, slices, config', async () => {
    expect((await cliError([...base, '--data', 'eval.csv', '--thresholds', 'link.csv'])).message).toMatch(/^thresholds: .*lies outside/);
    expect((await cliError([...base, '--data', 'eval.csv', '--slices', 'link.csv'])).message).toMatch(/^slices: .*lies outside/);
    expect((await cliError([...base, '--data', 'eval.csv', '--config', 'link.csv'])).message).toMatch(/^config: .*lies outside/);
  });

  test('a config file inside the workspace cannot reach out with its own relative paths', async () => {
    writeFileSync(path.join(ws, 'gate.yml'), 'candidate: preds.csv\ndata: ../outside/secret.csv\nlabel-column: y\n');
    expect((await cliError(['--config', 'gate.yml'])).message).toMatch(/^data: ".*outside\/secret\.csv" lies outside the workspace/);
  });

  test('--allowed-roots (relative or absolute, comma-separated) and the extra roots of the caller let a folder in', async () => {
    const a = await readCliSettings([...base, '--data', 'link.csv', '--allowed-roots', `../outside`], ws);
    expect(a !== 'help' && a.settings.data).toBe(path.join(ws, 'link.csv'));
    const b = await readCliSettings([...base, '--data', 'link.csv', '--allowed-roots', `/nowhere, ${outside}`], ws);
    expect(b !== 'help' && b.settings.data).toBe(path.join(ws, 'link.csv'));
    await expect(readCliSettings([...base, '--data', 'link.csv'], ws, [outside])).resolves.toBeDefined();
    // An allowed root names a folder; a sibling with the same prefix is not inside it.
    mkdirSync(path.join(tmp, 'outside-2'), { recursive: true });
    writeFileSync(path.join(tmp, 'outside-2', 'x.csv'), 'a\n1\n');
    expect((await cliError([...base, '--data', path.join(tmp, 'outside-2', 'x.csv'), '--allowed-roots', outside])).message).toMatch(
      /lies outside the workspace .* or the allowed roots \(.*outside\)/,
    );
  });

  test('symlinks that stay inside the workspace, and files that do not exist yet, pass (the reader reports a missing file)', async () => {
    const s = await readCliSettings([...base, '--data', 'inner-link.csv', '--train-data', 'inner/missing.csv'], ws);
    expect(s !== 'help' && [s.settings.data, s.settings.trainData]).toEqual([path.join(ws, 'inner-link.csv'), path.join(ws, 'inner', 'missing.csv')]);
  });

  test('the demo passes its fixtures folder as an extra root, so its config works from any current folder', async () => {
    const config = path.join(process.cwd(), 'fixtures', 'penguins-sex', 'model-gate.yml');
    expect((await cliError(['--config', config])).message).toMatch(/^config: .*model-gate\.yml" lies outside the workspace/);
    const demo = await readCliSettings(['--config', config], ws, [path.dirname(config)]);
    expect(demo !== 'help' && demo.settings.candidate.path).toBe(path.join(path.dirname(config), 'candidate', 'model.json'));
  });

  test('model-gate drift checks both samples', () => {
    expect(() => readDriftArgs(['--reference-data', 'eval.csv', '--current-data', 'link.csv'], ws)).toThrow(/^current-data: .*lies outside the workspace/);
    expect(() => readDriftArgs(['--reference-data', 'link.csv', '--current-data', 'eval.csv'], ws)).toThrow(/^reference-data: /);
    expect(readDriftArgs(['--reference-data', 'link.csv', '--current-data', 'eval.csv', '--allowed-roots', outside], ws)).not.toBe('help');
  });
});

describe('the config file', () => {
  test('cannot set allowed-roots: only the workflow step or the CLI caller widens what is read', () => {
    expect(() => parseConfig('allowed-roots: /\n', 'gate.yml')).toThrow(/^gate\.yml: "allowed-roots" cannot be set in a config file/);
  });
});

describe('the action (workspace: GITHUB_WORKSPACE)', () => {
  const saved = { ...process.env };
  // @actions/core's debug lines go to stdout: keep them out of the test output.
  let silence: { mockRestore(): void };
  beforeEach(() => {
    silence = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    silence.mockRestore();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  const inputs = (values: Record<string, string>) => {
    process.env.GITHUB_WORKSPACE = ws;
    // @actions/core reads INPUT_<NAME> with spaces as underscores, upper-cased; hyphens stay.
    for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  };

  test('a data input that is a symlink out of the workspace is refused', async () => {
    inputs({ candidate: 'preds.csv', data: 'link.csv', 'label-column': 'y' });
    await expect(readActionSettings()).rejects.toThrow(/^data: ".*link\.csv" \(it resolves to ".*secret\.csv"\) lies outside the workspace/);
  });

  test('the allowed-roots input lets it in', async () => {
    inputs({ candidate: 'preds.csv', data: 'link.csv', 'label-column': 'y', 'allowed-roots': `\n${outside}\n` });
    const s = await readActionSettings();
    expect(s.data).toBe(path.join(ws, 'link.csv'));
  });

  test('changelog-file and model-card inputs that are dangling symlinks out of the workspace are refused', async () => {
    inputs({ candidate: 'preds.csv', data: 'eval.csv', 'label-column': 'y', 'changelog-file': 'dangling.md' });
    await expect(readActionSettings()).rejects.toThrow(/^changelog-file: ".*dangling\.md" \(it resolves to ".*outside\/pwned\.md"\) lies outside the workspace/);
    inputs({ 'changelog-file': '', 'model-card': 'dangling-chain.md' });
    await expect(readActionSettings()).rejects.toThrow(/^model-card: ".*dangling-chain\.md" \(it resolves to ".*outside\/pwned\.md"\) lies outside/);
    expect(existsSync(path.join(outside, 'pwned.md'))).toBe(false);
  });

  test('a config input outside the workspace is refused before it is read', async () => {
    writeFileSync(path.join(outside, 'gate.yml'), 'not: [valid');
    inputs({ config: path.join(outside, 'gate.yml') });
    await expect(readActionSettings()).rejects.toThrow(/^config: .*gate\.yml" lies outside the workspace/);
  });
});

describe('realPathOf and confinePath', () => {
  test('a missing path resolves through its nearest existing folder', () => {
    expect(realPathOf(path.join(ws, 'linked-folder', 'a', 'b.csv'))).toBe(path.join(outside, 'a', 'b.csv'));
    expect(realPathOf(path.join(ws, 'no', 'such.csv'))).toBe(path.join(ws, 'no', 'such.csv'));
  });

  test('a dangling symlink is judged by where it leads, through chains of links and dangling folders', () => {
    expect(realPathOf(path.join(ws, 'dangling.md'))).toBe(path.join(outside, 'pwned.md'));
    expect(realPathOf(path.join(ws, 'dangling-chain.md'))).toBe(path.join(outside, 'pwned.md'));
    expect(realPathOf(path.join(ws, 'dangling-folder', 'x.md'))).toBe(path.join(outside, 'no-such-folder', 'x.md'));
    expect(realPathOf(path.join(ws, 'dangling-inside.md'))).toBe(path.join(ws, 'inner', 'new.md'));
    // A loop ends (inside, where it is: reading or writing it fails).
    expect(path.dirname(realPathOf(path.join(ws, 'loop-a.md')))).toBe(ws);
    const roots = rootsOf(ws, []);
    expect(() => confinePath('changelog-file', path.join(ws, 'dangling.md'), roots)).toThrow(
      `changelog-file: "${path.join(ws, 'dangling.md')}" (it resolves to "${path.join(outside, 'pwned.md')}") lies outside the workspace (${ws}).`,
    );
    expect(() => confinePath('model-card', path.join(ws, 'dangling-chain.md'), roots)).toThrow(/^model-card: .* lies outside the workspace/);
    expect(() => confinePath('model-card', path.join(ws, 'dangling-inside.md'), roots)).not.toThrow();
    expect(existsSync(path.join(outside, 'pwned.md'))).toBe(false);
  });

  test('an untrusted path is shown quoted and escaped, on one line', () => {
    const roots = rootsOf(ws, []);
    expect(() => confinePath('data', path.join(outside, 'a\n::error::x.csv'), roots)).toThrow(/^data: ".*a\\n::error::x\.csv" lies outside/);
  });
});
