// `install-native: true`: put onnxruntime-node into the runner's tool cache on first use, so later
// jobs on the same self-hosted runner find it there (src/engines/onnx-runtime.ts looks in the tool
// cache after the workspace). The CUDA libraries are fetched only when a GPU is present.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelError } from '../errors.js';

export const NATIVE_TOOL = 'onnxruntime-node';

export interface InstallDeps {
  /** @actions/tool-cache find: the cached folder, or '' when none. */
  find(tool: string, version: string, arch: string): string;
  /** @actions/tool-cache cacheDir: copies the folder in and marks it complete. */
  cacheDir(dir: string, tool: string, version: string, arch: string): Promise<string>;
  /** Runs a program without a shell; rejects on a non-zero exit. */
  exec(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void>;
  makeTempDir(): string;
}

export interface InstallResult {
  path: string;
  installed: boolean;
}

/** The npm command and environment that install onnxruntime-node `version` into `dir`. */
export function installCommand(dir: string, version: string, gpu: boolean): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  return {
    file: process.platform === 'win32' ? 'npm.cmd' : 'npm',
    args: ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `${NATIVE_TOOL}@${version}`],
    // onnxruntime-node's install script reads this: cuda12 fetches the CUDA provider, skip fetches nothing.
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: gpu ? 'cuda12' : 'skip' },
  };
}

export async function installNativeOnnx(version: string, gpu: boolean, deps: InstallDeps, arch: string = os.arch()): Promise<InstallResult> {
  const cached = deps.find(NATIVE_TOOL, version, arch);
  if (cached) return { path: cached, installed: false };
  const dir = deps.makeTempDir();
  const { file, args, env } = installCommand(dir, version, gpu);
  try {
    await deps.exec(file, args, env);
  } catch (e) {
    throw new ModelError(
      `install-native: "npm install ${NATIVE_TOOL}@${version}" failed (${e instanceof Error ? e.message : String(e)}). ` +
        'The run goes on with the bundled WebAssembly runtime; install onnxruntime-node in the workspace to use the native one.',
    );
  }
  return { path: await deps.cacheDir(dir, NATIVE_TOOL, version, arch), installed: true };
}

/** The real dependencies: @actions/tool-cache and npm. */
export async function realInstallDeps(): Promise<InstallDeps> {
  const tc = await import('@actions/tool-cache');
  return {
    find: (tool, version, arch) => tc.find(tool, version, arch),
    cacheDir: (dir, tool, version, arch) => tc.cacheDir(dir, tool, version, arch),
    exec: (file, args, env) =>
      new Promise((resolve, reject) => {
        const child = spawn(file, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}`))));
      }),
    makeTempDir: () => mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'onnxruntime-node-')),
  };
}
