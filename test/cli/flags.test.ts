// The CLI's flags are the action's inputs: the long names, the old short aliases, YAML inline or from a file,
// `-` for standard output, and `model-gate drift` resolved from the same table.

import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capture } from '../support/capture.js';
import { main } from '../../src/cli.js';
import { readCliSettings, readDriftArgs } from '../../src/settings/cli-args.js';
import { inputError } from '../support/input-error.js';

const root = process.cwd();
const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'model-gate-flags-')));
const fx = (...p: string[]) => path.join('fixtures', ...p);
const data = ['--candidate', fx('penguins-sex', 'candidate'), '--data', fx('penguins-sex', 'eval.csv')];

async function settingsOf(argv: string[]) {
  const r = await readCliSettings(argv, root, [tmp]);
  if (r === 'help') throw new Error('unexpected help');
  return r.settings;
}

describe('names', () => {
  test("the action's names and the short aliases give the same settings; --baselines and --baseline keep their order", async () => {
    const long = await settingsOf([
      ...data, '--label-column', 'sex', '--id-column', 'id', '--query-column', 'q',
      '--baselines', `main=${fx('penguins-sex', 'baseline')}`, '--baseline', fx('penguins-sex', 'baseline-predictions.csv'),
    ]);
    const short = await settingsOf([
      ...data, '--label', 'sex', '--id', 'id', '--query', 'q',
      '--baseline', `main=${fx('penguins-sex', 'baseline')}`, '--baselines', fx('penguins-sex', 'baseline-predictions.csv'),
    ]);
    expect(long).toEqual(short);
    expect([long.labelColumn, long.idColumn, long.queryColumn]).toEqual(['sex', 'id', 'q']);
    expect(long.baselines.map((b) => b.name)).toEqual(['main', 'baseline-predictions.csv']);
  });

  test('--label-column is no longer an unknown option', async () => {
    const c = capture();
    const code = await main(['evaluate', ...data, '--label-column', 'sex', '--bootstrap', '0', '--json', path.join(tmp, 'l.json'), '-q'], root).finally(c.restore);
    expect(c.err.join('')).not.toMatch(/Unknown option/);
    expect(code).toBe(0);
  });

  test('a missing label names the input by its flag', async () => {
    expect(await inputError(readCliSettings(data, root))).toMatch(/`label-column` input \(or --label-column\)/);
  });
});

describe('YAML inputs: inline or a file', () => {
  const base = [...data, '--label-column', 'sex'];
  const file = (name: string, text: string) => {
    const p = path.join(tmp, name);
    writeFileSync(p, text);
    return p;
  };

  test('--thresholds, --slices and --onnx-inputs read the same from a file and inline', async () => {
    const thresholds = 'accuracy: { min: 0.8, max-drop: 0.02 }\nroc_auc: { max-relative-drop: 0.01 }\n';
    const slices = 'columns: [island]\ncrossed: [[island, sex]]\nmin-size: 10\n';
    const onnx = 'bill: [bill_length_mm, bill_depth_mm]\n';
    const fromFiles = await settingsOf([...base, '--thresholds', file('t.yml', thresholds), '--slices', file('s.yml', slices), '--onnx-inputs', file('o.yaml', onnx)]);
    const inline = await settingsOf([...base, '--thresholds', thresholds, '--slices', slices, '--onnx-inputs', onnx]);
    expect(inline).toEqual(fromFiles);
    expect(inline.thresholds.accuracy).toEqual({ min: 0.8, maxDrop: 0.02, severity: 'fail' });
    expect(inline.slices).toEqual({ columns: ['island'], crossed: [['island', 'sex']], minSize: 10 });
    expect(inline.onnxInputs).toEqual({ bill: ['bill_length_mm', 'bill_depth_mm'] });
    // One line: a flow mapping or "key: value" is YAML too.
    const oneLine = await settingsOf([...base, '--thresholds', '{accuracy: {min: 0.8}}', '--slices', 'columns: [island]']);
    expect(oneLine.thresholds.accuracy).toEqual({ min: 0.8, severity: 'fail' });
    expect(oneLine.slices?.columns).toEqual(['island']);
  });

  test('a file outside the workspace is refused before it is read; a missing one is named', async () => {
    const outside = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'model-gate-flags-outside-')));
    writeFileSync(path.join(outside, 't.yml'), 'accuracy: { min: 0.8 }\n');
    expect(await inputError(readCliSettings([...base, '--thresholds', path.join(outside, 't.yml')], root))).toMatch(/^thresholds: .*lies outside the workspace/);
    expect(await inputError(readCliSettings([...base, '--onnx-inputs', path.join(outside, 't.yml')], root))).toMatch(/^onnx-inputs: .*lies outside the workspace/);
    expect(await inputError(readCliSettings([...base, '--slices', 'no-such-slices.yml'], root))).toMatch(/^slices file not found: "no-such-slices\.yml"/);
  });

  test('bad inline YAML is an input error naming the input', async () => {
    expect(await inputError(readCliSettings([...base, '--slices', 'columns: [unclosed'], root))).toMatch(/the slices input/);
  });
});

describe('- is standard output', () => {
  const evaluate = ['evaluate', ...data, '--label-column', 'sex', '--id-column', 'id', '--bootstrap', '0'];

  test('--json - prints the JSON report and nothing else on standard output', async () => {
    const c = capture();
    const code = await main([...evaluate, '--json', '-'], root).finally(c.restore);
    expect(code).toBe(0);
    expect(JSON.parse(c.out.join(''))).toMatchObject({ schemaVersion: 1, verdict: 'pass' });
  });

  test('--markdown - prints the comment, and --json still goes to its file', async () => {
    const json = path.join(tmp, 'm.json');
    const c = capture();
    const code = await main([...evaluate, '--markdown', '-', '--json', json, '-q'], root).finally(c.restore);
    expect(code).toBe(0);
    expect(c.out.join('')).toMatch(/^## (✅|⚠️) model-gate: /);
  });

  test('both - at once is bad input (exit 2), for evaluate and drift', async () => {
    const c = capture();
    const a = await main([...evaluate, '--json', '-', '--markdown', '-'], root);
    const b = await main(['drift', '--reference-data', fx('drift', 'seattle-2014.csv'), '--current-data', fx('drift', 'seattle-2015.csv'), '--json', '-', '--markdown', '-'], root);
    c.restore();
    expect([a, b]).toEqual([2, 2]);
    expect(c.out.join('')).toBe('');
    expect(c.err.join('')).toMatch(/--json - and --markdown - both write to standard output/);
  });

  test('model-gate drift --json - prints only the JSON', async () => {
    const c = capture();
    const code = await main(['drift', '--reference-data', fx('drift', 'seattle-2014.csv'), '--current-data', fx('drift', 'seattle-2015.csv'), '--json', '-'], root).finally(c.restore);
    expect(code).toBe(0);
    expect(JSON.parse(c.out.join(''))).toMatchObject({ kind: 'drift' });
  });
});

describe('model-gate drift resolves only the drift inputs', () => {
  const samples = ['--reference-data', fx('drift', 'seattle-2014.csv'), '--current-data', fx('drift', 'seattle-2015.csv')];

  test('no model, no label, the id under either name', () => {
    const a = readDriftArgs([...samples, '--id-column', 'date', '--drift-share', '0.3', '--drift-tests', 'wind=psi'], root);
    const b = readDriftArgs([...samples, '--id', 'date', '--drift-share', '0.3', '--drift-tests', 'wind=psi'], root);
    expect(a).toEqual(b);
    expect(a !== 'help' && a.settings).toEqual({
      referenceData: path.join(root, fx('drift', 'seattle-2014.csv')),
      currentData: path.join(root, fx('drift', 'seattle-2015.csv')),
      data: path.join(root, fx('drift', 'seattle-2015.csv')),
      idColumn: 'date',
      queryColumn: undefined,
      driftCorrection: 'bh',
      driftShare: 0.3,
      driftTests: { wind: 'psi' },
      labelColumns: [],
    });
  });

  test('each sample is required and each bad value is named', () => {
    expect(() => readDriftArgs([samples[0], samples[1]], root)).toThrow(/needs --reference-data and --current-data/);
    expect(() => readDriftArgs([...samples, '--drift-share', '2'], root)).toThrow(/^drift-share must be a number from 0 to 1/);
    expect(() => readDriftArgs([...samples, '--drift-correction', 'holm'], root)).toThrow(/^drift-correction must be one of bh, bonferroni, none/);
    expect(() => readDriftArgs([...samples, '--label-column', 'y'], root)).toThrow(/Unknown option '--label-column'/);
  });
});

describe('the demo', () => {
  test('prints its comment; with --json - it prints the JSON report instead', async () => {
    const c = capture();
    const a = await main(['demo', '-q'], root);
    const comment = c.out.splice(0).join('');
    const b = await main(['demo', '-q', '--json', '-'], root);
    c.restore();
    expect([a, b]).toEqual([0, 0]);
    expect(comment).toMatch(/^## (✅|⚠️) model-gate: (pass|warn) · binary · 94 rows/);
    expect(JSON.parse(c.out.join(''))).toMatchObject({ schemaVersion: 1, data: { rows: 94 } });
  });
});
