// The input table (src/settings/inputs.ts) is the one declaration of every input: action.yml, the README's
// Inputs table, the CLI's parser and --help, the config-file keys and the action's defaults must agree with it.
// `node scripts/inputs.mjs --write` rewrites action.yml's inputs and the README table from it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ACTION_DEFAULTS } from '../../src/settings/action-inputs.js';
import { cliFlags, DRIFT_USAGE, EVALUATE_USAGE, readCliSettings, readDriftArgs } from '../../src/settings/cli-args.js';
import { ACTION_INPUTS, DRIFT_FLAGS, EVALUATE_FLAGS, flagNames, helpFlags, INPUT_NAMES, INPUTS, type InputSpec } from '../../src/settings/inputs.js';
import { parseConfig } from '../../src/settings/settings.js';

const root = process.cwd();
const specs: readonly InputSpec[] = INPUTS;
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('action.yml', () => {
  const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { description: string; required: boolean; default: string }>;
  };

  test('declares exactly the action inputs of the table, in its order', () => {
    expect(Object.keys(action.inputs)).toEqual(ACTION_INPUTS.map((i) => i.name));
  });

  test.each(ACTION_INPUTS.map((i) => [i.name, i]))('%s: same description and default, not required', (name, spec) => {
    expect(action.inputs[name]).toEqual({ description: spec.description, required: false, default: spec.default });
  });
});

describe('the README Inputs table', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Inputs\n'), readme.indexOf('\n## ', readme.indexOf('\n## Inputs\n') + 1));
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
  const rows = section
    .split('\n')
    .filter((l) => /^\| `/.test(l))
    .map(cells)
    .map(([name, def, description]) => ({ name: name.replace(/`/g, ''), default: def.replace(/^`|`$/g, ''), description }));

  test('has one row per action input, in the table order, with its default and description', () => {
    expect(rows).toEqual(ACTION_INPUTS.map((i) => ({ name: i.name, default: i.default, description: i.description })));
  });
});

describe('the CLI', () => {
  test('--help shows every flag of evaluate (aliases too) with its description and default', () => {
    for (const spec of EVALUATE_FLAGS) {
      const head = spec.default !== '' && spec.type !== 'boolean' ? `${helpFlags(spec)}  (default ${spec.default})\n` : `${helpFlags(spec)}\n`;
      expect(EVALUATE_USAGE).toContain(`\n  ${head}`);
      expect(oneLine(EVALUATE_USAGE)).toContain(oneLine(spec.description));
    }
    // What --help used to lack.
    expect(EVALUATE_USAGE).toContain('--batch-size N');
    expect(EVALUATE_USAGE).toContain('.npz');
    for (const spec of DRIFT_FLAGS) expect(DRIFT_USAGE).toContain(`\n  ${helpFlags(spec)}`);
  });

  test('the flags are the table: every input but the action-only ones, under its own name, plus the aliases', () => {
    const names = cliFlags('evaluate');
    for (const spec of specs) expect(names.includes(`--${spec.name}`)).toBe(spec.only !== 'action');
    for (const alias of ['--label', '--id', '--baseline', '--query', '-q', '-h']) expect(names).toContain(alias);
  });

  test.each(EVALUATE_FLAGS.flatMap((spec) => flagNames(spec).map((flag) => [flag, spec] as const)))('the parser takes %s', async (flag, spec) => {
    // --help returns once the flags are parsed: no files are needed to see that the parser takes the flag.
    const argv = spec.type === 'boolean' ? [flag, '--help'] : [flag, 'x', '--help'];
    await expect(readCliSettings(argv, root)).resolves.toBe('help');
  });

  test('model-gate drift takes its flags from the same table', () => {
    for (const spec of DRIFT_FLAGS) {
      for (const flag of flagNames(spec)) expect(readDriftArgs(spec.type === 'boolean' ? [flag, '--help'] : [flag, 'x', '--help'], root)).toBe('help');
    }
    expect(() => readDriftArgs(['--candidate', 'x'], root)).toThrow(/Unknown option '--candidate'.*drift --help/);
  });

  test('action-only inputs are not flags', async () => {
    for (const spec of specs.filter((s) => s.only === 'action')) {
      await expect(readCliSettings([`--${spec.name}`, 'x'], root)).rejects.toThrow(new RegExp(`Unknown option '--${spec.name}'`));
    }
  });
});

describe('the settings', () => {
  test('the resolver reads every input but the CLI-only ones and the token', () => {
    expect(INPUT_NAMES).toEqual(specs.filter((s) => s.only !== 'cli' && s.name !== 'github-token').map((s) => s.name));
  });

  test("the action's defaults are the table's", () => {
    expect(ACTION_DEFAULTS).toEqual(Object.fromEntries(specs.filter((s) => s.only !== 'cli' && !s.edge && s.default !== '').map((s) => [s.name, s.default])));
  });

  test('a config file takes the keys the table allows, and names the file and key of any other', () => {
    for (const spec of specs) {
      const text = `${spec.name}: x\n`;
      if (spec.config) expect(parseConfig(text, 'gate.yml').values).toEqual({ [spec.name]: 'x' });
      else if (spec.only === 'cli') expect(() => parseConfig(text, 'gate.yml')).toThrow(`gate.yml: unknown key "${spec.name}"`);
      else expect(() => parseConfig(text, 'gate.yml')).toThrow(`gate.yml: "${spec.name}" cannot be set in a config file`);
    }
    // The security-relevant ones, by name: they run code or widen what is read.
    for (const key of ['command', 'command-env', 'allowed-roots']) expect(specs.find((s) => s.name === key)!.config).toBe(false);
  });
});
