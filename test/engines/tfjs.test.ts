// TF.js engine against an independent float64 forward pass written from the weight files.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readDataset } from '../../src/data/read.js';
import { selectFeatures } from '../../src/data/read.js';
import { openModel } from '../../src/engines/open.js';
import type { Dataset } from '../../src/types.js';

const fx = (...p: string[]) => path.join(process.cwd(), 'fixtures', ...p);

interface Layer { kernel: Float64Array; bias: Float64Array; rows: number; cols: number; activation: string }

/** Reads a Sequential Dense stack straight from model.json + weights.bin: no TF.js involved. */
function denseStack(modelDir: string): Layer[] {
  const json = JSON.parse(readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
  const bin = readFileSync(path.join(modelDir, 'weights.bin'));
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  let offset = 0;
  const tensors: Float64Array[] = [];
  const shapes: number[][] = [];
  for (const w of json.weightsManifest[0].weights) {
    const size = w.shape.reduce((a: number, b: number) => a * b, 1);
    tensors.push(Float64Array.from(floats.subarray(offset, offset + size)));
    shapes.push(w.shape);
    offset += size;
  }
  const activations = json.modelTopology.config.layers.map((l: { config: { activation: string } }) => l.config.activation);
  return activations.map((activation: string, i: number) => ({ kernel: tensors[2 * i], bias: tensors[2 * i + 1], rows: shapes[2 * i][0], cols: shapes[2 * i][1], activation }));
}

function forward(layers: Layer[], x: number[]): number[] {
  let h = x;
  for (const l of layers) {
    const out = Array.from(l.bias);
    for (let j = 0; j < l.cols; j++) for (let i = 0; i < l.rows; i++) out[j] += h[i] * l.kernel[i * l.cols + j];
    if (l.activation === 'relu') h = out.map((v) => Math.max(0, v));
    else if (l.activation === 'sigmoid') h = out.map((v) => 1 / (1 + Math.exp(-v)));
    else if (l.activation === 'softmax') {
      const m = Math.max(...out);
      const e = out.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      h = e.map((v) => v / s);
    } else h = out;
  }
  return h;
}

async function predictFixture(task: 'binary' | 'multiclass' | 'regression', folder: string, model: string, label: string, classes: string[]) {
  const data: Dataset = await readDataset(fx(folder, 'eval.csv'));
  const loaded = await openModel(fx(folder, model), model);
  const sel = selectFeatures(data, { label, id: 'id', features: loaded.metadata.features });
  const p = await loaded.predict({ name: model, dataset: data, features: sel.features, task, classes, batchSize: 7 });
  loaded.dispose();
  const rows = Array.from({ length: data.rowCount }, (_, i) => sel.features.map((c) => (c.kind === 'numeric' ? c.values[i] : NaN)));
  return { data, loaded, p, rows };
}

test('binary layers model: sigmoid output equals the float64 forward pass (batches of 7)', async () => {
  const { p, rows, loaded } = await predictFixture('binary', 'penguins-sex', 'candidate', 'sex', ['FEMALE', 'MALE']);
  expect(loaded.engine).toBe('tfjs layers model');
  expect(loaded.backend).toMatch(/^(wasm|tensorflow)/);
  expect(loaded.inputWidth).toBe(7);
  expect(loaded.metadata).toMatchObject({ task: 'binary', classes: ['FEMALE', 'MALE'], label: 'sex' });
  const layers = denseStack(fx('penguins-sex', 'candidate'));
  if (p.kind !== 'binary') throw new Error('expected binary');
  const scores = p.scores;
  rows.forEach((x, i) => expect(Math.abs(scores[i] - forward(layers, x)[0])).toBeLessThan(1e-5));
});

test('multiclass layers and graph models agree with the forward pass and each other', async () => {
  const classes = ['Adelie', 'Chinstrap', 'Gentoo'];
  const layersRun = await predictFixture('multiclass', 'penguins-species', 'candidate', 'species', classes);
  const graphRun = await predictFixture('multiclass', 'penguins-species', 'candidate-graph', 'species', classes);
  expect(graphRun.loaded.engine).toBe('tfjs graph model');
  const layers = denseStack(fx('penguins-species', 'candidate'));
  const a = layersRun.p;
  const b = graphRun.p;
  if (a.kind !== 'multiclass' || b.kind !== 'multiclass') throw new Error('expected multiclass');
  layersRun.rows.forEach((x, i) => {
    const want = forward(layers, x);
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(a.probs[i * 3 + j] - want[j])).toBeLessThan(1e-5);
      expect(Math.abs(b.probs[i * 3 + j] - want[j])).toBeLessThan(1e-5);
    }
  });
});

test('regression layers model outputs miles per gallon', async () => {
  const { p, rows } = await predictFixture('regression', 'cars-mpg', 'candidate', 'mpg', []);
  const layers = denseStack(fx('cars-mpg', 'candidate'));
  if (p.kind !== 'regression') throw new Error('expected regression');
  const values = p.values;
  rows.forEach((x, i) => expect(Math.abs(values[i] - forward(layers, x)[0]) / Math.max(1, Math.abs(values[i]))).toBeLessThan(1e-5));
});

test('a folder without model.json, a missing path and an unknown extension are model errors', async () => {
  await expect(openModel(fx('penguins-sex'), 'x')).rejects.toThrow(/holds no model\.json/);
  await expect(openModel(fx('nope', 'model.json'), 'x')).rejects.toThrow(/model x: .*nope\/model\.json not found/);
  await expect(openModel(fx('penguins-sex', 'model-gate.yml'), 'x')).rejects.toThrow(/cannot tell how to run/);
});

test('inference frees every tensor it makes', async () => {
  const { tfRuntime } = await import('../../src/engines/tf-runtime.js');
  const { tf } = await tfRuntime();
  const data = await readDataset(fx('penguins-sex', 'eval.csv'));
  const loaded = await openModel(fx('penguins-sex', 'candidate'), 'candidate');
  const sel = selectFeatures(data, { label: 'sex', id: 'id', features: loaded.metadata.features });
  const before = tf.memory().numTensors;
  await loaded.predict({ name: 'c', dataset: data, features: sel.features, task: 'binary', classes: ['FEMALE', 'MALE'], batchSize: 5 });
  expect(tf.memory().numTensors).toBe(before);
  loaded.dispose();
  expect(tf.memory().numTensors).toBeLessThan(before);
});
