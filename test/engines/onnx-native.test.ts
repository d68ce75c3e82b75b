/**
 * @jest-environment ./test/engines/onnx-native.environment.cjs
 */
// The native runtime (onnxruntime-node, a devDependency) against the WebAssembly one and against PyTorch, and
// the device setting on it. Skipped, with the reason logged, where onnxruntime-node does not load.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset, selectFeatures } from '../../src/data/read.js';
import type { PredictInput } from '../../src/engines/engine.js';
import { loadOnnxModel, type OnnxOptions } from '../../src/engines/onnx.js';
import { nativeRuntime } from '../../src/engines/onnx-runtime.js';
import { ModelError } from '../../src/errors.js';
import type { GpuReport } from '../../src/hardware/gpus.js';
import type { Predictions, Task } from '../../src/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = (f: string) => path.join(root, 'fixtures', 'onnx', f);
const native = await nativeRuntime();
const nativeTest = 'ort' in native ? test : test.skip;
if (!('ort' in native)) console.log(`onnxruntime-node tests skipped: ${native.note}`);

const H100: GpuReport = { gpus: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driverVersion: '535.104.05' }], driverVersion: '535.104.05', cudaVersion: '12.2' };
const NO_GPU: GpuReport = { gpus: [], note: 'nvidia-smi not found (no NVIDIA driver on this machine)' };

const CASES: { model: string; expected: string; data: string; label: string; task: Task; classes: string[]; output?: string }[] = [
  { model: 'species.onnx', expected: 'species.expected.json', data: 'penguins-species', label: 'species', task: 'multiclass', classes: ['Adelie', 'Chinstrap', 'Gentoo'] },
  { model: 'species-batch1.onnx', expected: 'species-batch1.expected.json', data: 'penguins-species', label: 'species', task: 'multiclass', classes: ['Adelie', 'Chinstrap', 'Gentoo'] },
  { model: 'species-external.onnx', expected: 'species.expected.json', data: 'penguins-species', label: 'species', task: 'multiclass', classes: ['Adelie', 'Chinstrap', 'Gentoo'] },
  { model: 'species-two-inputs.onnx', expected: 'species-two-inputs.expected.json', data: 'penguins-species', label: 'species', task: 'multiclass', classes: ['Adelie', 'Chinstrap', 'Gentoo'], output: 'logits' },
  { model: 'species-two-inputs.onnx', expected: 'species-two-inputs.expected.json', data: 'penguins-species', label: 'species', task: 'multiclass', classes: ['Adelie', 'Chinstrap', 'Gentoo'], output: 'probabilities' },
  { model: 'sex-int64.onnx', expected: 'sex-int64.expected.json', data: 'penguins-sex', label: 'sex', task: 'binary', classes: ['FEMALE', 'MALE'] },
];

async function input(data: string, label: string, task: Task, classes: string[]): Promise<PredictInput> {
  const dataset = await readDataset(path.join(root, 'fixtures', data, 'eval.csv'), { categorical: [label] });
  const s = selectFeatures(dataset, { label, id: 'id' });
  return { name: 'm', dataset, features: s.features, task, classes, idColumn: s.id, batchSize: 16 };
}

const flat = (p: Predictions) => (p.kind === 'multiclass' ? p.probs : p.kind === 'regression' ? p.values : p.scores);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function run(c: (typeof CASES)[number], options: OnnxOptions) {
  const model = await loadOnnxModel(fixture(c.model), c.model, { ...options, output: c.output });
  try {
    return { model, out: flat(await model.predict(await input(c.data, c.label, c.task, c.classes))) };
  } finally {
    model.dispose();
  }
}

describe('native and WebAssembly runtimes agree on every fixture', () => {
  for (const c of CASES) {
    nativeTest(`${c.model}${c.output ? ` (${c.output})` : ''}: native = wasm = PyTorch to 1e-5`, async () => {
      const exp = JSON.parse(await readFile(fixture(c.expected), 'utf8')) as { outputs: Record<string, number[][]> };
      const torch = (c.output ? exp.outputs[c.output] : Object.values(exp.outputs)[0]).flat();
      const n = await run(c, { runtime: 'native', device: 'cpu' });
      const w = await run(c, { runtime: 'wasm' });
      expect(n.model.backend).toBe('onnxruntime-node cpu');
      expect(n.model.runtime).toMatchObject({ runtime: 'onnxruntime-node', device: 'cpu' });
      expect(w.model.backend).toMatch(/^onnxruntime-web wasm/);
      expect(n.model.facts).toEqual(w.model.facts);
      expect(maxDiff(n.out, w.out)).toBeLessThan(1e-5);
      expect(maxDiff(n.out, torch)).toBeLessThan(1e-5);
    });
  }
});

describe('device on the native runtime', () => {
  const species = CASES[0];

  nativeTest('auto on a CPU machine: native CPU, no note', async () => {
    const { model } = await run(species, { runtime: 'native', device: 'auto', detectGpus: async () => NO_GPU });
    expect(model.backend).toBe('onnxruntime-node cpu');
    expect(model.notes).toEqual([]);
  });

  nativeTest('auto with a GPU but no CUDA provider installed: CPU, and a note saying why', async () => {
    const { model } = await run(species, { runtime: 'native', device: 'auto', detectGpus: async () => H100, cuda: { available: false, why: 'onnxruntime-node 1.30.0 has no CUDA provider' } });
    expect(model.runtime.device).toBe('cpu');
    expect(model.notes).toEqual(['NVIDIA H100 80GB HBM3 (79.6 GiB) found, but ran on the CPU: onnxruntime-node 1.30.0 has no CUDA provider.']);
  });

  nativeTest('auto with a GPU whose CUDA provider fails to start: falls back to CPU with a note', async () => {
    // Claim CUDA is there: onnxruntime-node then really tries the CUDA provider, which cannot load on this machine.
    const { model, out } = await run(species, { runtime: 'native', device: 'auto', detectGpus: async () => H100, cuda: { available: true } });
    expect(model.backend).toBe('onnxruntime-node cpu');
    expect(model.notes).toHaveLength(1);
    expect(model.notes[0]).toMatch(/^NVIDIA H100 80GB HBM3 \(79\.6 GiB\) found, but the GPU did not start \(.+\); ran on the CPU instead\.$/);
    expect(out.length).toBe(98 * 3);
  });

  nativeTest('gpu with a GPU whose CUDA provider fails: ModelError, no fallback', async () => {
    const err = await run(species, { runtime: 'native', device: 'gpu', detectGpus: async () => H100, cuda: { available: true } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/device is gpu, but the CUDA execution provider did not start on NVIDIA H100/);
  });

  nativeTest('gpu without CUDA support, or without a GPU: ModelError saying what is missing', async () => {
    await expect(run(species, { runtime: 'native', device: 'gpu', detectGpus: async () => H100, cuda: { available: false, why: 'no CUDA provider' } })).rejects.toThrow(
      /device is gpu and NVIDIA H100 80GB HBM3 \(79\.6 GiB\) is there, but no CUDA provider/,
    );
    await expect(run(species, { runtime: 'native', device: 'gpu', detectGpus: async () => NO_GPU })).rejects.toThrow(/no NVIDIA GPU was found \(nvidia-smi not found/);
  });
});

test('device gpu with the WebAssembly runtime is refused', async () => {
  await expect(loadOnnxModel(fixture('species.onnx'), 's', { runtime: 'wasm', device: 'gpu' })).rejects.toThrow(/runs on the CPU only/);
});
