// Which columns each model was fed, in order, on real models: the report records them, says when nothing
// pinned the order, and names a candidate and a baseline fed differently. Data with only an id and a label
// serves predictions files. A TF.js layers model whose last layer got another internal name is no breaking change.
//
// Reference accuracy: fixtures/onnx/species.expected.json, "accuracy" 0.9897959232330322, computed by PyTorch
// for species.onnx on every eval row: 97 of 98. species-bare.onnx and species-pinned.onnx hold the same graph
// (fixtures/onnx/make_metadata_variants.py changes only metadata_props).

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluate } from '../../src/pipeline/evaluate.js';
import { silentLog } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { resolveSettings, type RawInputs } from '../../src/settings/settings.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'model-gate-columns-'));
const PYTORCH_ACCURACY = 97 / 98;
const expected = JSON.parse(readFileSync(fx('onnx', 'species.expected.json'), 'utf8')) as {
  accuracy: number;
  ids: number[];
  outputs: { probabilities: number[][] };
};
const FILE_ORDER = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];
const REVERSED = [...FILE_ORDER].reverse();

/** eval.csv with its feature columns in the given order (same rows, same values). */
function evalWithColumns(columns: string[]): string {
  const [head, ...rows] = readFileSync(fx('penguins-species', 'eval.csv'), 'utf8').trim().split('\n');
  const names = head.split(',');
  const order = ['id', ...columns, 'species'].map((c) => names.indexOf(c));
  const file = path.join(tmp, `eval-${columns.map((c) => c.split('_')[0]).join('-')}.csv`);
  writeFileSync(file, [order.map((i) => names[i]).join(','), ...rows.map((r) => order.map((i) => r.split(',')[i]).join(','))].join('\n') + '\n');
  return file;
}

const run = (over: RawInputs) =>
  evaluate(
    resolveSettings(
      { data: fx('penguins-species', 'eval.csv'), 'label-column': 'species', 'id-column': 'id', bootstrap: '0', 'onnx-runtime': 'wasm', ...over },
      undefined,
      root,
    ),
    silentLog,
  );

test('the accuracy reference: 97 of 98 rows, as PyTorch computed it', () => {
  expect(expected.accuracy).toBeCloseTo(PYTORCH_ACCURACY, 7);
});

describe('an ONNX model without metadata', () => {
  test('reversed columns: it is fed in file order, the report says so and names both lists against a pinned baseline', async () => {
    const e = await run({ candidate: fx('onnx', 'species-bare.onnx'), baselines: `main=${fx('penguins-species', 'candidate')}`, data: evalWithColumns(REVERSED) });
    const [cand, main] = e.models;
    expect(cand).toMatchObject({ name: 'candidate', features: REVERSED, featureOrder: 'file' });
    // The TF.js baseline lists its columns in userDefinedMetadata["model-gate"].features: the file's order does not matter to it.
    expect(main).toMatchObject({ name: 'main', features: FILE_ORDER, featureOrder: 'model' });
    expect(main.metrics.accuracy.value).toBeGreaterThan(0.9);
    // What the issue saw: fed the wrong columns, the network learns nothing usable, and only these findings say why.
    expect(cand.metrics.accuracy.value).toBeLessThan(0.5);
    const order = e.gate.findings.filter((f) => f.kind === 'feature_order');
    expect(order).toEqual([
      {
        kind: 'feature_order',
        severity: 'info',
        message: expect.stringContaining('Model "candidate" was fed the data\'s columns in file order ("body_mass_g", "flipper_length_mm", "bill_depth_mm", "bill_length_mm")'),
      },
    ]);
    const mismatch = e.gate.findings.filter((f) => f.kind === 'feature_mismatch');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0].severity).toBe('warning');
    expect(mismatch[0].message).toContain(
      'The candidate and "main" were fed the same columns in another order: the candidate "body_mass_g", "flipper_length_mm", "bill_depth_mm", "bill_length_mm" ' +
        "(in the data file's column order), \"main\" \"bill_length_mm\", \"bill_depth_mm\", \"flipper_length_mm\", \"body_mass_g\" (in the order of the model's own metadata).",
    );
    expect(e.gate.verdict).not.toBe('pass');
    const r = renderReport(e, { date: '2026-12-02' });
    expect(r.json.models[0]).toMatchObject({ features: REVERSED, featureOrder: 'file' });
    expect(r.json.models[1]).toMatchObject({ features: FILE_ORDER, featureOrder: 'model' });
    // The dummy is fed nothing.
    expect(r.json.models.find((m) => m.role === 'dummy')).not.toHaveProperty('features');
    // The comment's model details list each model's columns and say which were fed in file order.
    const lines = r.markdown.split('\n');
    const candLine = lines.find((l) => l.startsWith('- **candidate** was fed'));
    expect(candLine).toMatch(/file's column order/);
    expect(candLine?.replace(/\\/g, '')).toContain('body_mass_g, flipper_length_mm, bill_depth_mm, bill_length_mm');
    const mainLine = lines.find((l) => l.startsWith('- **main** was fed'));
    expect(mainLine).not.toMatch(/file's column order/);
    expect(mainLine?.replace(/\\/g, '')).toContain('bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g');
  });

  test('columns in the model\'s order: PyTorch\'s accuracy, still a note that nothing pins the order', async () => {
    const e = await run({ candidate: fx('onnx', 'species-bare.onnx') });
    expect(e.models[0]).toMatchObject({ features: FILE_ORDER, featureOrder: 'file' });
    expect(e.models[0].metrics.accuracy.value).toBeCloseTo(PYTORCH_ACCURACY, 12);
    expect(e.gate.findings.map((f) => [f.kind, f.severity])).toContainEqual(['feature_order', 'info']);
  });
});

test('the README snippet pins the columns: species-pinned.onnx takes them in its order from a reversed file', async () => {
  // The snippet as the README shows it; fixtures/onnx/make_metadata_variants.py ran this very text to make species-pinned.onnx.
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const snippet = /<!-- pin-onnx-columns[^>]*-->\s*```python\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet?.trim().split('\n')).toEqual([
    'import json, onnx',
    "m = onnx.load('model.onnx')",
    expect.stringMatching(/^onnx\.helper\.set_model_props\(m, \{'model-gate': json\.dumps\(\{.*\}\)\}\)$/),
    "onnx.save(m, 'model.onnx')",
  ]);
  const pinned = JSON.parse(/json\.dumps\((\{[^{}]*\})\)/.exec(snippet!)![1].replace(/'/g, '"')) as { features: string[]; classes: string[]; task: string };
  expect(pinned.features).toEqual(FILE_ORDER);

  const e = await run({ candidate: fx('onnx', 'species-pinned.onnx'), data: evalWithColumns(REVERSED) });
  expect(e.task).toBe(pinned.task);
  expect(e.classes).toEqual(pinned.classes);
  expect(e.models[0]).toMatchObject({ features: pinned.features, featureOrder: 'model' });
  expect(e.models[0].metrics.accuracy.value).toBeCloseTo(PYTORCH_ACCURACY, 12);
  expect(e.gate.findings.filter((f) => f.kind.startsWith('feature_'))).toEqual([]);
});

test('the `features` setting wins, and the report says the setting set the order', async () => {
  const e = await run({ candidate: fx('onnx', 'species-bare.onnx'), data: evalWithColumns(REVERSED), features: FILE_ORDER.join(',') });
  expect(e.models[0]).toMatchObject({ features: FILE_ORDER, featureOrder: 'settings' });
  expect(e.models[0].metrics.accuracy.value).toBeCloseTo(PYTORCH_ACCURACY, 12);
  expect(e.gate.findings.filter((f) => f.kind.startsWith('feature_'))).toEqual([]);
});

test('an ONNX graph with two inputs records the columns of each, from its metadata', async () => {
  const e = await run({ candidate: fx('onnx', 'species-two-inputs.onnx'), 'onnx-output': 'probabilities' });
  expect(e.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(e.models[0]).toMatchObject({
    features: FILE_ORDER,
    featureOrder: 'model',
    featureInputs: { bill: ['bill_length_mm', 'bill_depth_mm'], body: ['flipper_length_mm', 'body_mass_g'] },
  });
  expect(renderReport(e, { date: '2026-12-02' }).json.models[0].featureInputs).toEqual({ bill: ['bill_length_mm', 'bill_depth_mm'], body: ['flipper_length_mm', 'body_mass_g'] });
});

describe('data with only an id and a label', () => {
  const labelsOnly = () => evalWithColumns([]);
  // The candidate's predictions: PyTorch's outputs of species.onnx, one p_<class> column per class.
  const predictionsFile = () => {
    const file = path.join(tmp, 'pytorch-predictions.csv');
    const rows = expected.ids.map((id, i) => [id, ...expected.outputs.probabilities[i]].join(','));
    writeFileSync(file, ['id,p_Adelie,p_Chinstrap,p_Gentoo', ...rows].join('\n') + '\n');
    return file;
  };

  test('works when every model is a predictions file', async () => {
    const data = labelsOnly();
    expect(readFileSync(data, 'utf8').split('\n')[0]).toBe('id,species');
    const e = await run({ candidate: predictionsFile(), baselines: `main=${fx('penguins-species', 'baseline-predictions.jsonl')}`, data });
    expect(e.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(e.models.map((m) => m.name)).toEqual(['candidate', 'main', 'dummy']);
    expect(e.models[0].metrics.accuracy.value).toBeCloseTo(PYTORCH_ACCURACY, 12);
    // A predictions file is fed no columns: nothing to record, nothing to warn about.
    expect(e.models[0]).not.toHaveProperty('features');
    expect(e.gate.findings.filter((f) => f.kind.startsWith('feature_'))).toEqual([]);
  });

  test('is still an error when a model needs features', async () => {
    const e = await run({ candidate: predictionsFile(), baselines: `main=${fx('onnx', 'species-bare.onnx')}`, data: labelsOnly() });
    const errors = e.gate.findings.filter((f) => f.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/eval-\.csv has no feature columns besides the label and id; available columns: "id", "species"$/);
    expect(e.models.map((m) => m.name)).toEqual(['candidate', 'dummy']);
    // A model that names its columns: the first one missing.
    const named = await run({ candidate: predictionsFile(), baselines: `main=${fx('penguins-species', 'candidate')}`, data: labelsOnly() });
    expect(named.gate.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([
      expect.stringMatching(/^feature column "bill_length_mm" is not in .*eval-\.csv; available columns: "id", "species"$/),
    ]);
  });
});

test('a TF.js layers model whose last layer got another internal name: a note, no breaking change, no major version', async () => {
  // The case: retrained in a fresh Keras session, the last Dense layer gets the next free name.
  const dir = path.join(tmp, 'renamed');
  mkdirSync(dir);
  const json = JSON.parse(readFileSync(fx('penguins-species', 'candidate', 'model.json'), 'utf8'));
  const layers = json.modelTopology.config.layers;
  expect(layers.map((l: { config: { name: string } }) => l.config.name)).toEqual(['dense_1', 'dense_2', 'output']);
  layers[2].config.name = 'dense_3';
  for (const w of json.weightsManifest[0].weights) w.name = w.name.replace(/^output\//, 'dense_3/');
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  copyFileSync(fx('penguins-species', 'candidate', 'weights.bin'), path.join(dir, 'weights.bin'));

  const e = await run({ candidate: dir, baselines: `main=${fx('penguins-species', 'candidate')}` });
  expect(e.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
  // The same weights: the same predictions, so the rename is all that differs.
  expect(e.models[0].metrics.accuracy.value).toBe(e.models[1].metrics.accuracy.value);
  expect(e.models[0].facts?.outputs[0].name).toBe('dense_3');
  expect(e.gate.findings.filter((f) => f.kind === 'breaking_change')).toEqual([]);
  expect(e.gate.findings).toContainEqual({
    kind: 'signature_note',
    severity: 'info',
    message: 'Against main: output layer renamed output → dense_3 (not breaking: a layers model is called by position).',
  });
  expect(e.release).toMatchObject({ baseline: 'main', facts: { signatureChanged: false, changes: [] } });
  expect(e.release?.versionBump).not.toBe('major');
  expect(renderReport(e, { date: '2026-12-02' }).changelog).not.toContain('Breaking');
});

describe("a network's own class order (its metadata) is the order of its outputs", () => {
  test('positive-class picks the other class: the sigmoid output P(MALE) is turned into P(FEMALE), not read as it', async () => {
    const sexRun = (over: RawInputs) => run({ candidate: fx('penguins-sex', 'candidate'), data: fx('penguins-sex', 'eval.csv'), 'label-column': 'sex', ...over });
    const male = await sexRun({});
    const female = await sexRun({ 'positive-class': 'FEMALE' });
    expect(male.classes).toEqual(['FEMALE', 'MALE']);
    expect(female.classes).toEqual(['MALE', 'FEMALE']);
    // Reference: the same decisions, so the same accuracy (0.9362 in the demo); ROC AUC is symmetric in the positive class.
    expect(female.models[0].metrics.accuracy.value).toBe(male.models[0].metrics.accuracy.value);
    expect(female.models[0].metrics.roc_auc.value).toBeCloseTo(male.models[0].metrics.roc_auc.value, 12);
    expect(female.models[0].metrics.accuracy.value).toBeGreaterThan(0.9);
  });

  test('a baseline trained with the classes in another order: its outputs are reordered, and the change is breaking', async () => {
    // The candidate's network with its output units permuted to Gentoo, Adelie, Chinstrap, and its metadata saying so.
    const dir = path.join(tmp, 'reordered');
    mkdirSync(dir);
    const json = JSON.parse(readFileSync(fx('penguins-species', 'candidate', 'model.json'), 'utf8'));
    const weights = new Float32Array(new Uint8Array(readFileSync(fx('penguins-species', 'candidate', 'weights.bin'))).buffer);
    const specs = json.weightsManifest[0].weights as { name: string; shape: number[] }[];
    const offset = (name: string) => specs.slice(0, specs.findIndex((w) => w.name === name)).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
    const from = [2, 0, 1]; // new output j is old output from[j]
    const [k0, b0] = [offset('output/kernel'), offset('output/bias')];
    const old = Float32Array.from(weights);
    for (let r = 0; r < 8; r++) for (let j = 0; j < 3; j++) weights[k0 + r * 3 + j] = old[k0 + r * 3 + from[j]];
    for (let j = 0; j < 3; j++) weights[b0 + j] = old[b0 + from[j]];
    json.userDefinedMetadata['model-gate'].classes = ['Gentoo', 'Adelie', 'Chinstrap'];
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(weights.buffer));

    const e = await run({ candidate: fx('penguins-species', 'candidate'), baselines: `reordered=${dir}` });
    expect(e.gate.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const [cand, base] = e.models;
    // The same network: the same metrics, once its outputs are read in its own order.
    expect(base.metrics.accuracy.value).toBe(cand.metrics.accuracy.value);
    expect(base.metrics.log_loss.value).toBeCloseTo(cand.metrics.log_loss.value, 6);
    expect(e.gate.findings).toContainEqual({
      kind: 'breaking_change',
      severity: 'warning',
      message: expect.stringContaining('classes reordered: "Gentoo", "Adelie", "Chinstrap" → "Adelie", "Chinstrap", "Gentoo"'),
    });
    expect(e.release?.versionBump).toBe('major');
  });

  test('a network whose metadata names other classes than the data: an error naming both', async () => {
    const dir = path.join(tmp, 'other-classes');
    mkdirSync(dir);
    const json = JSON.parse(readFileSync(fx('penguins-species', 'candidate', 'model.json'), 'utf8'));
    json.userDefinedMetadata['model-gate'].classes = ['Adelie', 'Chinstrap', 'Emperor'];
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    copyFileSync(fx('penguins-species', 'candidate', 'weights.bin'), path.join(dir, 'weights.bin'));
    const e = await run({ candidate: fx('penguins-species', 'candidate'), baselines: `other=${dir}` });
    expect(e.gate.findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual([
      'model other names its classes "Adelie", "Chinstrap", "Emperor" in its metadata, but this evaluation\'s classes are "Adelie", "Chinstrap", "Gentoo". ' +
        'Its outputs cannot be matched to them: list its classes in its metadata as the labels of the data, in its output order.',
    ]);
  });
});
