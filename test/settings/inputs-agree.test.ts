// The input table (src/settings/inputs.ts) is the one declaration of every input: action.yml, the README's
// Inputs table, the CLI's parser and --help, the config-file keys and the action's defaults must agree with it.
// `node scripts/inputs.mjs --write` rewrites action.yml's inputs and the README table from it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { COMMANDS, USAGE } from '../../src/cli.js';
import { ACTION_DEFAULTS } from '../../src/settings/action-inputs.js';
import { cliFlags, DRIFT_USAGE, EVALUATE_USAGE, readCliSettings, readDriftArgs } from '../../src/settings/cli-args.js';
import { ACTION_INPUTS, DRIFT_FLAGS, EVALUATE_FLAGS, flagNames, helpFlags, INPUT_NAMES, INPUTS, type InputSpec } from '../../src/settings/inputs.js';
import { parseConfig } from '../../src/settings/settings.js';
import { CHANGELOG_FLAGS, MODEL_CARD_FLAGS } from '../../src/publish/changelog-file.js';

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
  test('the resolver reads every input but the CLI-only ones and the edge ones (the token, mode, …)', () => {
    expect(INPUT_NAMES).toEqual(specs.filter((s) => s.only !== 'cli' && !s.edge).map((s) => s.name));
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

describe('the README and the usage text against the CLI and the action', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  // The changelog and model-card commands' flags count too (publish/changelog-file.ts declares them).
  const evaluateFlags = new Set([...cliFlags('evaluate'), ...[...CHANGELOG_FLAGS, ...MODEL_CARD_FLAGS].flatMap(flagNames)]);
  const driftFlags = new Set(cliFlags('drift'));
  const actionInputs = new Set(ACTION_INPUTS.map((i) => i.name));
  // Lines that show other programs' flags: npm, gh, the repository's scripts, a command template's program.
  const otherProgram = /\bnpm (install|run)\b|\bgh release\b|scripts\/inputs\.mjs|python \S+\.py/;

  test('every --flag written in the README is a flag of the CLI', () => {
    const written = readme
      .split('\n')
      .flatMap((line, i) => (otherProgram.test(line) ? [] : [...line.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => `${i + 1}: ${m[0]}`)));
    expect(written.length).toBeGreaterThan(20);
    expect(written.filter((hit) => !evaluateFlags.has(hit.split(': ')[1]!))).toEqual([]);
  });

  test("the README's drift command line uses drift's flags only", () => {
    const lines = readme.split('\n').filter((l) => /\bdrift --reference-data\b/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      for (const m of line.slice(line.indexOf('drift --')).matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)) expect([line, driftFlags.has(m[0])]).toEqual([line, true]);
    }
  });

  test("every with: key of a README yaml block's model-gate step is an input of the action", () => {
    const blocks = [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => m[1]!).filter((b) => /uses: *\S*model-gate@/.test(b));
    expect(blocks.length).toBeGreaterThan(0);
    const steps: { with?: Record<string, unknown> }[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node !== null && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (typeof o.uses === 'string' && /model-gate@/.test(o.uses)) steps.push(o);
        Object.values(o).forEach(visit);
      }
    };
    for (const block of blocks) {
      const docs = parseAllDocuments(block);
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        expect(doc.errors.map((e) => `${e.message}\n${block}`)).toEqual([]);
        visit(doc.toJS());
      }
    }
    expect(steps.some((s) => s.with !== undefined)).toBe(true);
    const unknown = steps.flatMap((s) => Object.keys(s.with ?? {})).filter((k) => !actionInputs.has(k));
    expect(unknown).toEqual([]);
  });

  test("the README names the action-only inputs as the table has them", () => {
    const m = /Every input of the action is a flag of the same name[^]*?except\s+([^]*?),?\s+which\s+only\s+the\s+action\s+uses/.exec(readme);
    expect(m).not.toBeNull();
    const named = [...m![1]!.matchAll(/`([a-z-]+)`/g)].map((x) => x[1]).sort();
    expect(named).toEqual(specs.filter((s) => s.only === 'action').map((s) => s.name).sort());
  });

  test('the usage text lists every command, and only the flags each command takes', () => {
    const lines = USAGE.split('\n');
    const listed = lines.flatMap((l) => /^ {2}model-gate (\S+)/.exec(l)?.[1] ?? []);
    expect([...listed].sort()).toEqual([...COMMANDS].sort());
    for (const command of ['evaluate', 'drift'] as const) {
      const line = lines.find((l) => l.startsWith(`  model-gate ${command} `))!;
      const flags = [...line.matchAll(/(?<![\w-])--?[a-z][a-z0-9-]*/g)].map((x) => x[0]);
      expect(flags.filter((f) => !cliFlags(command).includes(f))).toEqual([]);
    }
  });
});
