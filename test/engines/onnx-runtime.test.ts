// Where ONNX Runtime is looked for: onnxruntime-node's search order (workspace, model-gate, tool cache), the
// CUDA provider check, and onnxruntime-web's run-time files.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cudaSupport, nativeSearchPlaces, onnxWasmDirectory, openOnnxSession, ORT_WASM_FILES, toolCacheDirs } from '../../src/engines/onnx-runtime.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'model-gate-ort-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('onnxruntime-node is looked for in the workspace, then in model-gate, then in the tool cache', async () => {
  const cache = path.join(tmp, 'toolcache');
  for (const v of ['1.29.1', '1.30.0', '1.31.0']) {
    await mkdir(path.join(cache, 'onnxruntime-node', v, 'x64'), { recursive: true });
    await writeFile(path.join(cache, 'onnxruntime-node', v, 'x64.complete'), '');
  }
  await mkdir(path.join(cache, 'onnxruntime-node', '1.32.0', 'x64'), { recursive: true }); // never completed
  const places = nativeSearchPlaces({ GITHUB_WORKSPACE: '/ws', RUNNER_TOOL_CACHE: cache }, 'file:///action/dist/bundle/index.js', '1.30.0', 'x64');
  expect(places).toEqual([
    { label: 'the workspace', from: path.join('/ws', 'package.json') },
    { label: "model-gate's node_modules", from: 'file:///action/dist/bundle/index.js' },
    { label: 'the tool cache', from: path.join(cache, 'onnxruntime-node', '1.30.0', 'x64', 'package.json') },
    { label: 'the tool cache', from: path.join(cache, 'onnxruntime-node', '1.31.0', 'x64', 'package.json') },
    { label: 'the tool cache', from: path.join(cache, 'onnxruntime-node', '1.29.1', 'x64', 'package.json') },
  ]);
  expect(nativeSearchPlaces({}, 'file:///x.js')[0].from).toBe(path.join(process.cwd(), 'package.json'));
  expect(toolCacheDirs(undefined, 'x64')).toEqual([]);
  expect(toolCacheDirs(path.join(tmp, 'missing'), 'x64')).toEqual([]);
  expect(toolCacheDirs(cache, 'arm64')).toEqual([]);
});

test('CUDA needs the provider library that the install script downloads', async () => {
  const pkg = path.join(tmp, 'onnxruntime-node');
  const bin = path.join(pkg, 'bin', 'napi-v6', 'linux', 'x64');
  await mkdir(bin, { recursive: true });
  const missing = cudaSupport(pkg, '1.30.0', 'the workspace', 'linux', 'x64');
  expect(missing.available).toBe(false);
  expect(missing.why).toMatch(/onnxruntime-node 1\.30\.0 in the workspace has no CUDA provider \(libonnxruntime_providers_cuda\.so\)/);
  expect(missing.why).toContain('--onnxruntime-node-install=cuda12');
  await writeFile(path.join(bin, 'libonnxruntime_providers_cuda.so'), '');
  expect(cudaSupport(pkg, '1.30.0', 'the workspace', 'linux', 'x64')).toEqual({ available: true });
  expect(cudaSupport(pkg, '1.30.0', 'the workspace', 'darwin', 'arm64').available).toBe(false);
});

test("onnxruntime-web's run-time files are found (in node_modules when running from source)", () => {
  const dir = onnxWasmDirectory();
  expect(dir).toBeDefined();
  for (const f of ORT_WASM_FILES) expect(existsSync(path.join(dir!, f))).toBe(true);
});

test('MODEL_GATE_ONNX_RUNTIME turns runtime auto (the settings\' default) into that runtime; an explicit runtime wins', async () => {
  const file = path.join(process.cwd(), 'fixtures', 'onnx', 'species.onnx');
  const model = { path: file, bytes: new Uint8Array(await readFile(file)), externalData: async () => [] };
  const saved = process.env.MODEL_GATE_ONNX_RUNTIME;
  process.env.MODEL_GATE_ONNX_RUNTIME = 'wasm';
  try {
    const opened = await openOnnxSession(model, 'species', { runtime: 'auto', device: 'cpu', threads: 1 });
    expect(opened.runtime).toBe('onnxruntime-web');
    await opened.session.release?.();
    process.env.MODEL_GATE_ONNX_RUNTIME = 'native';
    await expect(openOnnxSession(model, 'species', { runtime: 'wasm', device: 'gpu' })).rejects.toThrow('the WebAssembly runtime was asked for (runtime: wasm)');
  } finally {
    if (saved === undefined) delete process.env.MODEL_GATE_ONNX_RUNTIME;
    else process.env.MODEL_GATE_ONNX_RUNTIME = saved;
  }
});
