import { installCommand, installNativeOnnx, type InstallDeps } from '../../src/engines/install-native.js';
import { toolCacheDirs } from '../../src/engines/onnx-runtime.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function fakeDeps(found = '') {
  const calls: string[] = [];
  const deps: InstallDeps = {
    find: (tool, version, arch) => (calls.push(`find ${tool} ${version} ${arch}`), found),
    cacheDir: async (dir, tool, version, arch) => (calls.push(`cache ${dir} ${tool} ${version} ${arch}`), `/cache/${tool}/${version}/${arch}`),
    exec: async (file, args, env) => void calls.push(`exec ${file} ${args.join(' ')} ONNXRUNTIME_NODE_INSTALL=${env.ONNXRUNTIME_NODE_INSTALL}`),
    makeTempDir: () => '/tmp/ort',
  };
  return { deps, calls };
}

test('first use installs with npm (CUDA libraries only with a GPU) and caches the folder', async () => {
  const { deps, calls } = fakeDeps();
  const r = await installNativeOnnx('1.30.0', true, deps, 'x64');
  expect(r).toEqual({ path: '/cache/onnxruntime-node/1.30.0/x64', installed: true });
  expect(calls).toEqual([
    'find onnxruntime-node 1.30.0 x64',
    'exec npm install --no-save --no-audit --no-fund --prefix /tmp/ort onnxruntime-node@1.30.0 ONNXRUNTIME_NODE_INSTALL=cuda12',
    'cache /tmp/ort onnxruntime-node 1.30.0 x64',
  ]);
  expect(installCommand('/d', '1.30.0', false).env.ONNXRUNTIME_NODE_INSTALL).toBe('skip');
});

test('a cached version is used as it is', async () => {
  const { deps, calls } = fakeDeps('/cache/onnxruntime-node/1.30.0/x64');
  expect(await installNativeOnnx('1.30.0', false, deps, 'x64')).toEqual({ path: '/cache/onnxruntime-node/1.30.0/x64', installed: false });
  expect(calls).toHaveLength(1);
});

test('a failed install is a model error that says what happens next', async () => {
  const { deps } = fakeDeps();
  deps.exec = async () => {
    throw new Error('exit code 1');
  };
  await expect(installNativeOnnx('1.30.0', false, deps, 'x64')).rejects.toThrow(/install-native: "npm install onnxruntime-node@1\.30\.0" failed \(exit code 1\)\. The run goes on with the bundled WebAssembly runtime/);
});

test('the engine finds what cacheDir wrote (the tool cache layout)', () => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'toolcache-'));
  mkdirSync(path.join(cache, 'onnxruntime-node', '1.30.0', 'x64'), { recursive: true });
  writeFileSync(path.join(cache, 'onnxruntime-node', '1.30.0', 'x64.complete'), '');
  expect(toolCacheDirs(cache, 'x64')).toEqual([path.join(cache, 'onnxruntime-node', '1.30.0', 'x64')]);
});
