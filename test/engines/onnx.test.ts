// The ONNX engine on the PyTorch-exported fixtures (fixtures/onnx/, made by make_onnx.py) and on small graphs
// written by fixtures/onnx/onnx-writer.mjs. Every fixture's outputs must match PyTorch's to 1e-5.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset, selectFeatures } from '../../src/data/read.js';
import type { PredictInput } from '../../src/engines/engine.js';
import { loadOnnxModel, readOnnxModel, castWriter, type OnnxOptions } from '../../src/engines/onnx.js';
import { ModelError } from '../../src/errors.js';
import type { Predictions, Task } from '../../src/types.js';
import { mlp, mlpForward, onnxModel } from '../../fixtures/onnx/onnx-writer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const onnxDir = path.join(root, 'fixtures', 'onnx');
const fixture = (f: string) => path.join(onnxDir, f);
const wasm: OnnxOptions = { runtime: 'wasm' };

interface Expected {
  model: string;
  data: string;
  inputs: Record<string, string[]>;
  ids: number[];
  outputs: Record<string, number[][]>;
}

async function expected(name: string): Promise<Expected> {
  return JSON.parse(await readFile(fixture(name), 'utf8')) as Expected;
}

async function predictInput(data: string, label: string, task: Task, classes: string[], batchSize = 32, features?: string[]): Promise<PredictInput> {
  const dataset = await readDataset(data, { categorical: [label] });
  const selected = selectFeatures(dataset, { label, id: 'id', features });
  return { name: 'm', dataset, features: selected.features, task, classes, idColumn: selected.id, batchSize };
}

function flat(p: Predictions): Float64Array {
  if (p.kind === 'multiclass') return p.probs;
  if (p.kind === 'regression') return p.values;
  return p.scores;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];
const speciesData = path.join(root, 'fixtures', 'penguins-species', 'eval.csv');
const sexData = path.join(root, 'fixtures', 'penguins-sex', 'eval.csv');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'model-gate-onnx-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function written(name: string, bytes: Uint8Array): Promise<string> {
  const p = path.join(tmp, name);
  await writeFile(p, bytes);
  return p;
}

describe('readOnnxModel', () => {
  test('reads the signature, parameter count, opset and metadata of a PyTorch export', async () => {
    const info = readOnnxModel(await readFile(fixture('species.onnx')));
    expect(info.inputs).toEqual([{ name: 'features', shape: ['batch', 4], dtype: 'float32' }]);
    expect(info.outputs).toEqual([{ name: 'probabilities', shape: ['batch', 3], dtype: 'float32' }]);
    expect(info.parameters).toBe(4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
    expect(info.opset).toBe(13);
    expect(info.producer).toMatch(/^pytorch/);
    expect(JSON.parse(info.metadata['model-gate'])).toMatchObject({ task: 'multiclass', classes: SPECIES });
    expect(info.externalData).toEqual([]);
  });

  test('two inputs of different dtypes, two outputs, a fixed batch, external data', async () => {
    const two = readOnnxModel(await readFile(fixture('species-two-inputs.onnx')));
    expect(two.inputs).toEqual([
      { name: 'bill', shape: ['batch', 2], dtype: 'float32' },
      { name: 'body', shape: ['batch', 2], dtype: 'float64' },
    ]);
    expect(two.outputs.map((o) => o.name)).toEqual(['logits', 'probabilities']);
    expect(two.parameters).toBe(2 * 8 + 8 + 2 * 8 + 8 + 16 * 3 + 3);
    expect(readOnnxModel(await readFile(fixture('species-batch1.onnx'))).inputs[0].shape).toEqual([1, 4]);
    expect(readOnnxModel(await readFile(fixture('sex-int64.onnx'))).inputs[1]).toEqual({ name: 'species', shape: ['batch', 3], dtype: 'int64' });
    const ext = readOnnxModel(await readFile(fixture('species-external.onnx')));
    expect(ext.externalData).toEqual(['species-external.onnx.data']);
    expect(ext.parameters).toBe(243);
  });

  test('rejects bytes that are not an ONNX model', () => {
    expect(() => readOnnxModel(new TextEncoder().encode('{"format": "layers-model"}'))).toThrow();
    expect(() => readOnnxModel(new Uint8Array(0))).toThrow(/no graph/);
  });
});

describe('loadOnnxModel on onnxruntime-web (WebAssembly)', () => {
  test('multiclass: matches PyTorch to 1e-5 on every eval row, with facts and metadata', async () => {
    const exp = await expected('species.expected.json');
    const model = await loadOnnxModel(fixture('species.onnx'), 'species', wasm);
    try {
      expect(model.engine).toBe('onnx');
      expect(model.backend).toMatch(/^onnxruntime-web wasm \(\d+ threads?\)$/);
      expect(model.runtime).toMatchObject({ runtime: 'onnxruntime-web', device: 'wasm' });
      expect(model.inputWidth).toBe(4);
      expect(model.outputWidth).toBe(3);
      expect(model.metadata).toEqual({ task: 'multiclass', features: exp.inputs.features, classes: SPECIES, label: 'species' });
      expect(model.facts.parameters).toBe(243);
      expect(model.facts.inputs[0]).toEqual({ name: 'features', shape: ['batch', 4], dtype: 'float32' });
      expect(model.files).toHaveLength(1);
      expect(model.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
      const input = await predictInput(speciesData, 'species', 'multiclass', SPECIES);
      expect(input.dataset.rowCount).toBe(exp.ids.length);
      const p = await model.predict(input);
      expect(p.kind).toBe('multiclass');
      expect(maxDiff(flat(p), exp.outputs.probabilities.flat())).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });

  test('from NumPy arrays (.npz): one array per column, or the float32 matrix fed as it is', async () => {
    const exp = (await expected('species.expected.json')).outputs.probabilities.flat();
    const model = await loadOnnxModel(fixture('species.onnx'), 'species', wasm);
    try {
      const npz = (f: string) => path.join(root, 'fixtures', 'npz', f);
      const columns = await predictInput(npz('penguins-species.npz'), 'species', 'multiclass', SPECIES, 32, undefined);
      expect(maxDiff(flat(await model.predict(columns)), exp)).toBeLessThan(1e-5);
      const features = ['x[0]', 'x[1]', 'x[2]', 'x[3]'];
      const dataset = await readDataset(npz('penguins-species-rows.npz'), { categorical: ['species'], rowMajor: { exclude: ['id', 'species'] } });
      const selected = selectFeatures(dataset, { label: 'species', id: 'id', features });
      const matrix = { name: 'm', dataset, features: selected.features, task: 'multiclass' as Task, classes: SPECIES, idColumn: selected.id, batchSize: 32 };
      expect(maxDiff(flat(await model.predict(matrix)), exp)).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });

  test('the batch size does not change the outputs', async () => {
    const model = await loadOnnxModel(fixture('species.onnx'), 'species', wasm);
    const a = flat(await model.predict(await predictInput(speciesData, 'species', 'multiclass', SPECIES, 1)));
    const b = flat(await model.predict(await predictInput(speciesData, 'species', 'multiclass', SPECIES, 1000)));
    const c = flat(await model.predict(await predictInput(speciesData, 'species', 'multiclass', SPECIES, 7)));
    model.dispose();
    expect(maxDiff(a, b)).toBeLessThan(1e-6);
    expect(maxDiff(a, c)).toBeLessThan(1e-6);
  });

  test('models on the same columns share the converted matrix: same outputs on every call and for every model', async () => {
    const exp = (await expected('species.expected.json')).outputs.probabilities.flat();
    const a = await loadOnnxModel(fixture('species.onnx'), 'a', wasm);
    const b = await loadOnnxModel(fixture('species-external.onnx'), 'b', wasm);
    const input = await predictInput(speciesData, 'species', 'multiclass', SPECIES, 40);
    const outs = [flat(await a.predict(input)), flat(await b.predict(input)), flat(await a.predict({ ...input, batchSize: 7 })), flat(await a.predict(input))];
    a.dispose();
    b.dispose();
    for (const o of outs) expect(maxDiff(o, exp)).toBeLessThan(1e-5);
  });

  test("the reader's row-major float32 rows feed the model as they are: the same outputs as from the columns", async () => {
    const model = await loadOnnxModel(fixture('species.onnx'), 'species', wasm);
    const fromColumns = await predictInput(speciesData, 'species', 'multiclass', SPECIES, 32);
    expect(fromColumns.dataset.rowMajor).toBeUndefined();
    const dataset = await readDataset(speciesData, { categorical: ['species'], rowMajor: { exclude: ['id', 'species'] } });
    const selected = selectFeatures(dataset, { label: 'species', id: 'id' });
    const input: PredictInput = { name: 'm', dataset, features: selected.features, task: 'multiclass', classes: SPECIES, idColumn: selected.id, batchSize: 32 };
    const a = flat(await model.predict(fromColumns));
    const b = flat(await model.predict(input));
    expect(Array.from(b)).toEqual(Array.from(a));
    // The rows really come from the matrix: change it (in a fresh read: converted rows are shared per columns), and the outputs change.
    const again = await readDataset(speciesData, { categorical: ['species'], rowMajor: { exclude: ['id', 'species'] } });
    again.rowMajor!.data.fill(0);
    const c = flat(await model.predict({ ...input, dataset: again, features: selectFeatures(again, { label: 'species', id: 'id' }).features }));
    model.dispose();
    expect(maxDiff(c, a)).toBeGreaterThan(1e-3);
  });

  test('a fixed batch of 1 is respected whatever the batch-size setting', async () => {
    const exp = await expected('species-batch1.expected.json');
    const model = await loadOnnxModel(fixture('species-batch1.onnx'), 'b1', wasm);
    expect(model.facts.inputs[0].shape).toEqual([1, 4]);
    expect(model.inputWidth).toBe(4);
    const p = await model.predict(await predictInput(speciesData, 'species', 'multiclass', SPECIES, 64));
    model.dispose();
    expect(maxDiff(flat(p), exp.outputs.probabilities.flat())).toBeLessThan(1e-5);
  });

  test('two inputs fed from metadata "inputs", float64 input cast, probabilities output by name', async () => {
    const exp = await expected('species-two-inputs.expected.json');
    const model = await loadOnnxModel(fixture('species-two-inputs.onnx'), 'two', { ...wasm, output: 'probabilities' });
    expect(model.inputWidth).toBeUndefined();
    expect(model.outputWidth).toBe(3);
    const p = await model.predict(await predictInput(speciesData, 'species', 'multiclass', SPECIES));
    model.dispose();
    expect(maxDiff(flat(p), exp.outputs.probabilities.flat())).toBeLessThan(1e-5);
  });

  test('`inputs` option wins over metadata; by default the first output (logits) is the scores', async () => {
    const exp = await expected('species-two-inputs.expected.json');
    const model = await loadOnnxModel(fixture('species-two-inputs.onnx'), 'two', { ...wasm, inputs: exp.inputs });
    const p = await model.predict(await predictInput(speciesData, 'species', 'multiclass', SPECIES, 10));
    model.dispose();
    expect(maxDiff(flat(p), exp.outputs.logits.flat())).toBeLessThan(1e-5);
  });

  test('binary with an int64 one-hot input: one sigmoid unit is P(MALE)', async () => {
    const exp = await expected('sex-int64.expected.json');
    const model = await loadOnnxModel(fixture('sex-int64.onnx'), 'sex', wasm);
    expect(model.metadata.classes).toEqual(['FEMALE', 'MALE']);
    const p = await model.predict(await predictInput(sexData, 'sex', 'binary', ['FEMALE', 'MALE']));
    model.dispose();
    expect(p.kind).toBe('binary');
    expect(maxDiff(flat(p), exp.outputs.p_male.flat())).toBeLessThan(1e-5);
  });

  test('external data: both files hashed, same outputs as the single-file model', async () => {
    const exp = await expected('species.expected.json');
    const model = await loadOnnxModel(fixture('species-external.onnx'), 'ext', wasm);
    expect(model.files.map((f) => path.basename(f.path))).toEqual(['species-external.onnx', 'species-external.onnx.data']);
    const p = await model.predict(await predictInput(speciesData, 'species', 'multiclass', SPECIES));
    model.dispose();
    expect(maxDiff(flat(p), exp.outputs.probabilities.flat())).toBeLessThan(1e-5);
  });

  test('a missing external data file is named', async () => {
    const copy = path.join(tmp, 'species-external.onnx');
    await writeFile(copy, await readFile(fixture('species-external.onnx')));
    await expect(loadOnnxModel(copy, 'ext', wasm)).rejects.toThrow(/species-external\.onnx\.data.*missing/);
  });
});

describe('shapes and dtypes (graphs from onnx-writer)', () => {
  const rows = 11;
  const dataPath = () => path.join(tmp, 'grid.csv');
  beforeAll(async () => {
    const lines = ['id,a,b,c,d,label'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${i % 3},${(i * 7) % 5},${i - 4},${(i * i) % 2},${i % 2 ? 'yes' : 'no'}`);
    await writeFile(dataPath(), lines.join('\n') + '\n');
  });
  const x = async () => {
    const input = await predictInput(dataPath(), 'label', 'regression', [], 4);
    const d = input.features.length;
    const m = new Float64Array(rows * d);
    input.features.forEach((c, j) => {
      for (let i = 0; i < rows; i++) m[i * d + j] = (c as { values: Float64Array }).values[i];
    });
    return { input, m };
  };

  test('a fixed batch of 3 for 11 rows: the last batch is padded and cut off', async () => {
    const { bytes, layers } = mlp([4, 5, 1], { seed: 3, batch: 3 });
    const model = await loadOnnxModel(await written('batch3.onnx', bytes), 'b3', wasm);
    const { input, m } = await x();
    const p = await model.predict(input);
    model.dispose();
    expect(maxDiff(flat(p), mlpForward(layers, m, rows))).toBeLessThan(1e-5);
  });

  test('11 columns × 70 rows (past the 8-column and 64-row blocks of the conversion), fixed and dynamic batch', async () => {
    const n = 70;
    const d = 11;
    const lines = [['id', ...Array.from({ length: d }, (_, j) => `x${j}`), 'label'].join(',')];
    const m = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: d }, (_, j) => Math.round(Math.sin(i * 1.3 + j * 0.7) * 1000) / 100);
      row.forEach((x, j) => (m[i * d + j] = x));
      lines.push([i, ...row, i % 2].join(','));
    }
    const wide = path.join(tmp, 'wide.csv');
    await writeFile(wide, lines.join('\n') + '\n');
    const input = await predictInput(wide, 'label', 'regression', [], 16);
    for (const batch of ['batch', 5] as const) {
      const { bytes, layers } = mlp([d, 6, 1], { seed: 9, batch });
      const model = await loadOnnxModel(await written(`wide-${batch}.onnx`, bytes), 'wide', wasm);
      const p = flat(await model.predict(input));
      model.dispose();
      expect(maxDiff(p, mlpForward(layers, m, n))).toBeLessThan(1e-4);
    }
  });

  test('a rank-4 input [batch, 1, 2, 2] takes 4 columns', async () => {
    const w = Float32Array.from([0.5, -1, 2, 0.25]);
    const bytes = onnxModel({
      inputs: [{ name: 'img', shape: ['n', 1, 2, 2] }],
      outputs: [{ name: 'y', shape: ['n', 1] }],
      nodes: [
        { op: 'Flatten', inputs: ['img'], outputs: ['flat'], attrs: { axis: 1 } },
        { op: 'MatMul', inputs: ['flat', 'w'], outputs: ['y'] },
      ],
      initializers: [{ name: 'w', dims: [4, 1], data: w }],
    });
    const model = await loadOnnxModel(await written('rank4.onnx', bytes), 'img', wasm);
    expect(model.inputWidth).toBe(4);
    expect(model.outputWidth).toBe(1);
    const { input, m } = await x();
    const p = flat(await model.predict(input));
    model.dispose();
    for (let i = 0; i < rows; i++) expect(p[i]).toBeCloseTo(m[i * 4] * 0.5 - m[i * 4 + 1] + 2 * m[i * 4 + 2] + 0.25 * m[i * 4 + 3], 5);
  });

  test('int32 and bool inputs are cast; a fractional value for an int input is an error naming the column', async () => {
    const bytes = onnxModel({
      inputs: [
        { name: 'counts', dtype: 'int32', shape: ['batch', 3] },
        { name: 'flag', dtype: 'bool', shape: ['batch', 1] },
      ],
      outputs: [{ name: 'y', shape: ['batch', 1] }],
      nodes: [
        { op: 'Cast', inputs: ['counts'], outputs: ['cf'], attrs: { to: 1 } },
        { op: 'Cast', inputs: ['flag'], outputs: ['ff'], attrs: { to: 1 } },
        { op: 'MatMul', inputs: ['cf', 'ones'], outputs: ['s'] },
        { op: 'Add', inputs: ['s', 'ff'], outputs: ['y'] },
      ],
      initializers: [{ name: 'ones', dims: [3, 1], data: [1, 1, 1] }],
    });
    const model = await loadOnnxModel(await written('ints.onnx', bytes), 'ints', { ...wasm, inputs: { counts: ['a', 'b', 'c'], flag: ['d'] } });
    const { input, m } = await x();
    const out = flat(await model.predict(input));
    for (let i = 0; i < rows; i++) expect(out[i]).toBeCloseTo(m[i * 4] + m[i * 4 + 1] + m[i * 4 + 2] + m[i * 4 + 3], 5);
    const bad = path.join(tmp, 'frac.csv');
    await writeFile(bad, 'id,a,b,c,d,label\n0,1,2,3,1,no\n1,1,2.5,3,0,yes\n');
    const badInput = await predictInput(bad, 'label', 'regression', []);
    await expect(model.predict(badInput)).rejects.toThrow(/input counts is int32, but column "b" holds 2\.5 \(row 2\)/);
    model.dispose();
  });

  test('several inputs and no mapping: the message lists them and shows the setting', async () => {
    const bytes = onnxModel({
      inputs: [
        { name: 'left', shape: ['batch', 2] },
        { name: 'right', shape: ['batch', 2] },
      ],
      outputs: [{ name: 'y', shape: ['batch', 2] }],
      nodes: [{ op: 'Add', inputs: ['left', 'right'], outputs: ['y'] }],
    });
    const p = await written('two.onnx', bytes);
    const err = await loadOnnxModel(p, 'two', wasm).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/has 2 inputs \(left \[batch, 2\] float32; right \[batch, 2\] float32\)/);
    expect((err as Error).message).toContain('inputs: { left: [...], right: [...] }');
    await expect(loadOnnxModel(p, 'two', { ...wasm, inputs: { left: ['a', 'b'] } })).rejects.toThrow(/says nothing about "right"/);
    await expect(loadOnnxModel(p, 'two', { ...wasm, inputs: { left: ['a'], right: ['b'], middle: ['c'] } })).rejects.toThrow(/names "middle", but .* has no such input/);
    await expect(loadOnnxModel(p, 'two', { ...wasm, inputs: { left: ['a', 'b'], right: ['c', 'd'] }, output: 'z' })).rejects.toThrow(/`output` is "z".*outputs are y \[batch, 2\] float32/);
    const model = await loadOnnxModel(p, 'two', { ...wasm, inputs: { left: ['a', 'b'], right: ['c', 'nope'] } });
    await expect(model.predict((await x()).input)).rejects.toThrow(/`inputs.right` names column "nope", which is not in/);
    const narrow = await loadOnnxModel(p, 'two', { ...wasm, inputs: { left: ['a'], right: ['c', 'd'] } });
    await expect(narrow.predict((await x()).input)).rejects.toThrow(/input left \[batch, 2\] float32 takes 2 values per row, but 1 columns feed it/);
    model.dispose();
    narrow.dispose();
  });

  test('feature count that does not fit the single input', async () => {
    const { bytes } = mlp([3, 2, 1], { seed: 1 });
    const model = await loadOnnxModel(await written('three.onnx', bytes), 'three', wasm);
    expect(model.inputWidth).toBe(3);
    await expect(model.predict((await x()).input)).rejects.toThrow(/takes 3 values per row, but 4 columns feed it/);
    model.dispose();
  });

  test('a file that is not ONNX, and a missing file', async () => {
    const p = path.join(tmp, 'garbage.onnx');
    await writeFile(p, 'not a model at all, just text\n');
    await expect(loadOnnxModel(p, 'g', wasm)).rejects.toThrow(/not a valid ONNX model/);
    await expect(loadOnnxModel(path.join(tmp, 'nope.onnx'), 'g', wasm)).rejects.toThrow(/nope\.onnx not found/);
  });

  test('castWriter: exact casts only', () => {
    const i64 = castWriter('int64', 2);
    expect(i64.set(0, 3)).toBe(true);
    expect(i64.set(1, 3.5)).toBe(false);
    expect(Array.from(i64.data as BigInt64Array)).toEqual([3n, 0n]);
    const b = castWriter('bool', 1);
    expect(b.set(0, 2)).toBe(false);
    expect(castWriter('int32', 1).set(0, 2 ** 31)).toBe(false);
    expect(castWriter('float64', 1).set(0, 0.1)).toBe(true);
    expect(() => castWriter('float16', 1)).toThrow(ModelError);
  });
});
