// mode: monitor's inputs: what it needs to watch, and its own inputs, each bad value an InputError naming it.

import { InputError } from '../../src/errors.js';
import { monitorOptions, readMonitorSettings } from '../../src/monitor/settings.js';
import { inputError } from '../support/input-error.js';

const getter = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
const base = { candidate: 'test/monitor/fixtures/temp-max-model.mjs', command: 'node {model} {data} {predictions}', 'label-column': 'temp_max' };

describe('monitor options', () => {
  test('defaults', () => {
    expect(monitorOptions(getter({}))).toEqual({ labels: [], assignees: [], history: 30 });
  });

  test('lists, history and the event type', () => {
    expect(monitorOptions(getter({ 'issue-labels': 'model-gate, monitoring\nml', 'issue-assignees': 'octocat,mona', history: '7', 'retrain-event': 'retrain-model' }))).toEqual({
      labels: ['model-gate', 'monitoring', 'ml'],
      assignees: ['octocat', 'mona'],
      history: 7,
      retrainEvent: 'retrain-model',
    });
  });

  test.each([
    ['history', '0', /^history: "0" must be a whole number of runs from 1 to 200/],
    ['history', '2.5', /^history: /],
    ['history', '201', /^history: /],
    ['retrain-event', 'retrain model', /^retrain-event: "retrain model" must be an event type/],
    ['retrain-event', 'x'.repeat(101), /^retrain-event: /],
    ['issue-assignees', 'not a login', /^issue-assignees: "not a login" is not a GitHub login/],
    ['issue-assignees', Array.from({ length: 11 }, (_, i) => `u${i}`).join(','), /^issue-assignees: at most 10/],
    ['issue-labels', 'x'.repeat(51), /^issue-labels: /],
  ])('%s: %s is refused, naming the input', (name, value, message) => {
    expect(() => monitorOptions(getter({ [name]: value }))).toThrow(InputError);
    expect(() => monitorOptions(getter({ [name]: value }))).toThrow(message);
  });
});

describe('readMonitorSettings', () => {
  test('labelled data, or drift inputs, or both', async () => {
    const labelled = await readMonitorSettings(getter({ ...base, data: 'fixtures/drift/seattle-2015.csv' }));
    expect(labelled).toMatchObject({ labelled: true, settings: { labelColumns: ['temp_max'] } });
    const drift = await readMonitorSettings(getter({ candidate: base.candidate, 'reference-data': 'fixtures/drift/seattle-2014.csv', 'current-data': 'fixtures/drift/seattle-2015.csv' }));
    expect(drift.labelled).toBe(false);
    // No label was named: none is excluded from drift, and nothing stands for one.
    expect(drift.settings.labelColumns).toEqual([]);
  });

  test('neither, or half the drift inputs: bad input naming them', async () => {
    expect(await inputError(readMonitorSettings(getter(base)))).toMatch(/needs the latest labelled data \(`data`, with `label-column`\) or both `reference-data` and `current-data`/);
    expect(await inputError(readMonitorSettings(getter({ ...base, data: 'fixtures/drift/seattle-2015.csv', 'reference-data': 'fixtures/drift/seattle-2014.csv' })))).toMatch(
      /`current-data` against `reference-data`: set both, or neither/,
    );
  });

  test('paths are confined to the workspace', async () => {
    expect(await inputError(readMonitorSettings(getter({ ...base, 'reference-data': '/etc/passwd', 'current-data': 'fixtures/drift/seattle-2015.csv' })))).toMatch(/reference-data/);
  });
});
