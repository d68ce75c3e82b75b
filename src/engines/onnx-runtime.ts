// Picks ONNX Runtime for a model: the native onnxruntime-node (CPU, or CUDA on a GPU runner) when it
// resolves from the workspace, from model-gate's own node_modules or from the runner's tool cache; else
// onnxruntime-web's WebAssembly build, which model-gate bundles (no install), multi-threaded with one
// worker per core. Its two run-time files (ORT_WASM_FILES) sit beside the bundle, or in node_modules
// when running from source.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as OrtWeb from 'onnxruntime-web';
import { ModelError, messageOf } from '../errors.js';
import { inline } from '../untrusted.js';
import { planDevice, startOnDevice, type CudaSupport, type DeviceSetting } from '../hardware/device.js';
import { detectGpusOnce, type GpuReport } from '../hardware/gpus.js';

/** The part of the ONNX Runtime JS API used here; onnxruntime-web and onnxruntime-node both have it. */
export type Ort = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor' | 'env'>;
export type OrtSession = OrtWeb.InferenceSession;
export type OrtTensor = OrtWeb.Tensor;

/** onnxruntime-web's files loaded at run time, not bundled: build.mjs copies them beside the bundle. */
export const ORT_WASM_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'] as const;

export type RuntimeSetting = 'auto' | 'native' | 'wasm';

export interface NativeRuntime {
  ort: Ort;
  version: string;
  /** Folder of the onnxruntime-node package that loaded. */
  packageDir: string;
  /** Where it was found: "the workspace", "model-gate's node_modules", "the tool cache". */
  foundIn: string;
  cuda: CudaSupport;
}

export interface WebRuntime {
  ort: Ort;
  version: string;
  wasmDir: string;
  /** Threads asked for; ONNX Runtime lowers env.wasm.numThreads to 1 where threads cannot start. */
  threads: number;
}

export interface OpenOptions {
  /** auto (default): native when it loads, else wasm. MODEL_GATE_ONNX_RUNTIME=wasm|native turns auto into that runtime for the process. */
  runtime?: RuntimeSetting;
  device?: DeviceSetting;
  /** CPU threads: intra-op threads (native) or WebAssembly workers (wasm; only the first model of a process sets it). */
  threads?: number;
  /** Replaces nvidia-smi (tests). */
  detectGpus?: () => Promise<GpuReport>;
  /** Replaces the check for onnxruntime-node's CUDA provider library (tests). */
  cuda?: CudaSupport;
}

export interface ModelBytes {
  path: string;
  bytes: Uint8Array;
  /** Reads the tensors stored outside the .onnx file: location as written in the model, and its bytes. */
  externalData: () => Promise<{ path: string; data: Uint8Array }[]>;
}

export interface OpenedSession {
  session: OrtSession;
  ort: Ort;
  runtime: 'onnxruntime-node' | 'onnxruntime-web';
  version: string;
  /** Where it runs: cuda or cpu (native), wasm (onnxruntime-web). */
  device: 'cuda' | 'cpu' | 'wasm';
  threads: number;
  /** "onnxruntime-web wasm (2 threads)", "onnxruntime-node cpu", "onnxruntime-node cuda". */
  backend: string;
  /** Worth telling the user: why a GPU that was there is not used. */
  notes: string[];
  /** What nvidia-smi said, when it was asked (device auto or gpu). */
  gpus?: GpuReport;
}

const coreCount = () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length) || 1;

/** Opens an inference session on the runtime and device the options (and what is installed) allow. */
export async function openOnnxSession(model: ModelBytes, name: string, options: OpenOptions = {}): Promise<OpenedSession> {
  // auto (the settings' default) gives way to the environment variable, so it can steer a whole process.
  const runtime = options.runtime === undefined || options.runtime === 'auto' ? runtimeFromEnv() : options.runtime;
  const device = options.device ?? 'auto';
  const threads = options.threads ?? coreCount();
  if (runtime === 'wasm') {
    if (device === 'gpu') throw new ModelError(`model ${name}: device is gpu, but the WebAssembly runtime was asked for (runtime: wasm); it runs on the CPU only.`);
    return openWeb(model, name, threads, []);
  }
  const native = await nativeRuntime();
  if (!('ort' in native) && runtime === 'native') {
    throw new ModelError(`model ${name}: the native ONNX Runtime was asked for, but ${native.note}. Add onnxruntime-node to the workspace (npm install onnxruntime-node).`);
  }
  if (device === 'cpu') {
    return 'ort' in native ? openNative(native, model, name, 'cpu', threads, []) : openWeb(model, name, threads, []);
  }
  const gpus = await (options.detectGpus ?? detectGpusOnce)();
  const cuda: CudaSupport = 'ort' in native ? (options.cuda ?? native.cuda) : { available: false, why: `${native.note} (add it to the workspace for CUDA)` };
  const plan = planDevice(device, gpus, cuda, name);
  const started = await startOnDevice(
    plan,
    (d) => ('ort' in native ? openNative(native, model, name, d, threads, []) : openWeb(model, name, threads, [])),
    name,
  );
  const opened = started.value;
  if (started.note !== undefined) opened.notes.push(started.note);
  opened.gpus = gpus;
  return opened;
}

function runtimeFromEnv(): RuntimeSetting {
  const v = (process.env.MODEL_GATE_ONNX_RUNTIME ?? '').trim().toLowerCase();
  if (v === 'wasm' || v === 'web') return 'wasm';
  if (v === 'native' || v === 'node') return 'native';
  return 'auto';
}

async function openNative(native: NativeRuntime, model: ModelBytes, name: string, device: 'cuda' | 'cpu', threads: number, notes: string[]): Promise<OpenedSession> {
  const options: OrtWeb.InferenceSession.SessionOptions = {
    executionProviders: device === 'cuda' ? [{ name: 'cuda', deviceId: 0 } as OrtWeb.InferenceSession.ExecutionProviderConfig] : ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    logSeverityLevel: 3,
  };
  let session: OrtSession;
  try {
    // From the path, so tensors in external data files are found beside the model.
    session = await native.ort.InferenceSession.create(model.path, options);
  } catch (e) {
    if (device === 'cuda') throw e; // startOnDevice turns it into a fallback or a ModelError
    // ONNX Runtime's message quotes the graph's own names: shortened and on one line, as every untrusted value.
    throw new ModelError(`${model.path}: onnxruntime-node ${native.version} could not load model ${name} (${inline(messageOf(e))}).`);
  }
  return {
    session,
    ort: native.ort,
    runtime: 'onnxruntime-node',
    version: native.version,
    device,
    threads,
    backend: `onnxruntime-node ${device}`,
    notes,
  };
}

async function openWeb(model: ModelBytes, name: string, threads: number, notes: string[]): Promise<OpenedSession> {
  const web = await webRuntime(threads);
  const options: OrtWeb.InferenceSession.SessionOptions = {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  const externalData = await model.externalData();
  if (externalData.length > 0) options.externalData = externalData;
  let session: OrtSession;
  try {
    session = await web.ort.InferenceSession.create(model.bytes, options);
  } catch (e) {
    throw new ModelError(`${model.path}: onnxruntime-web ${web.version} could not load model ${name} (${inline(messageOf(e))}).`);
  }
  // Known only once the WebAssembly module has started: 1 where worker threads were not available.
  const actual = Number(web.ort.env.wasm.numThreads) || 1;
  return {
    session,
    ort: web.ort,
    runtime: 'onnxruntime-web',
    version: web.version,
    device: 'wasm',
    threads: actual,
    backend: `onnxruntime-web wasm (${actual} ${actual === 1 ? 'thread' : 'threads'})`,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// onnxruntime-web

let web: Promise<WebRuntime> | undefined;

/** Starts onnxruntime-web once per process; the first caller's thread count stays (the wasm module starts once). */
export function webRuntime(threads = coreCount()): Promise<WebRuntime> {
  web ??= startWeb(threads);
  return web;
}

async function startWeb(threads: number): Promise<WebRuntime> {
  const ort = (await import('onnxruntime-web')) as unknown as Ort;
  const dir = onnxWasmDirectory();
  if (dir === undefined) {
    web = undefined;
    throw new ModelError(
      `The ONNX Runtime WebAssembly files (${ORT_WASM_FILES.join(', ')}) were not found next to model-gate. ` +
        'Reinstall the action, or install onnxruntime-node in the workspace for the native runtime.',
    );
  }
  // A file: URL prefix; ONNX Runtime imports <prefix>ort-wasm-simd-threaded.mjs and reads the .wasm beside it.
  ort.env.wasm.wasmPaths = pathToFileURL(dir + path.sep).href;
  ort.env.wasm.numThreads = Math.max(1, Math.floor(threads));
  ort.env.logLevel = 'error';
  const version = (ort.env.versions as { web?: string }).web ?? 'unknown';
  return { ort, version, wasmDir: dir, threads: ort.env.wasm.numThreads };
}

/** The folder holding ORT_WASM_FILES: beside this module (the bundle), else onnxruntime-web's dist/ in node_modules. */
export function onnxWasmDirectory(): string | undefined {
  const candidates = [path.dirname(fileURLToPath(import.meta.url))];
  try {
    // "onnxruntime-web" resolves (CommonJS condition) to dist/ort.node.min.js, beside the .wasm files.
    candidates.push(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web')));
  } catch {
    // bundled: no node_modules to look in
  }
  return candidates.find((d) => ORT_WASM_FILES.every((f) => existsSync(path.join(d, f))));
}

// ---------------------------------------------------------------------------------------------
// onnxruntime-node

let native: Promise<NativeRuntime | { note: string }> | undefined;

/** Loads onnxruntime-node once per process, from the first place it resolves; `{ note }` says why not. */
export function nativeRuntime(): Promise<NativeRuntime | { note: string }> {
  native ??= loadNative(nativeSearchPlaces());
  return native;
}

export interface SearchPlace {
  /** In words, for messages. */
  label: string;
  /** A file path (or file: URL) to resolve "onnxruntime-node" from, as createRequire takes it. */
  from: string;
}

/**
 * Where onnxruntime-node is looked for, in order: the workspace (GITHUB_WORKSPACE, else the current
 * folder), model-gate's own node_modules (running from source), then the runner's tool cache, where
 * `install-native: true` puts it: RUNNER_TOOL_CACHE/onnxruntime-node/<version>/<arch>/node_modules/
 * onnxruntime-node, completed versions only, `preferVersion` first, then newest first.
 */
export function nativeSearchPlaces(
  env: NodeJS.ProcessEnv = process.env,
  here: string = import.meta.url,
  preferVersion?: string,
  arch: string = os.arch(),
): SearchPlace[] {
  const places: SearchPlace[] = [
    { label: 'the workspace', from: path.join(env.GITHUB_WORKSPACE || process.cwd(), 'package.json') },
    { label: "model-gate's node_modules", from: here },
  ];
  for (const dir of toolCacheDirs(env.RUNNER_TOOL_CACHE, arch, preferVersion)) places.push({ label: 'the tool cache', from: path.join(dir, 'package.json') });
  return places;
}

/** Completed tool-cache folders of onnxruntime-node (the layout @actions/tool-cache's cacheDir writes). */
export function toolCacheDirs(toolCache: string | undefined, arch: string, preferVersion?: string): string[] {
  if (!toolCache) return [];
  const root = path.join(toolCache, 'onnxruntime-node');
  let versions: string[];
  try {
    versions = readdirSync(root).filter((v) => /^\d+\.\d+\.\d+/.test(v) && existsSync(path.join(root, v, `${arch}.complete`)));
  } catch {
    return [];
  }
  versions.sort((a, b) => (a === preferVersion ? -1 : b === preferVersion ? 1 : compareVersions(b, a)));
  return versions.map((v) => path.join(root, v, arch));
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

async function loadNative(places: SearchPlace[]): Promise<NativeRuntime | { note: string }> {
  const failures: string[] = [];
  for (const place of places) {
    let resolved: string;
    const load = createRequire(place.from);
    try {
      resolved = load.resolve('onnxruntime-node');
    } catch {
      continue; // not installed there
    }
    try {
      // Node's own require on a computed path: bundlers leave it alone (the native addon is never bundled),
      // and the package with its onnxruntime-common and addon share one realm, as their instanceof checks need.
      const mod = load(resolved) as { default?: Ort } & Partial<Ort>;
      const ort = (mod.InferenceSession ? mod : mod.default) as Ort | undefined;
      if (ort?.InferenceSession === undefined) throw new Error('it exports no InferenceSession');
      const packageDir = packageRoot(resolved);
      const version = readVersion(packageDir);
      return { ort, version, packageDir, foundIn: place.label, cuda: cudaSupport(packageDir, version, place.label) };
    } catch (e) {
      failures.push(`onnxruntime-node in ${place.label} did not load (${messageOf(e).split('\n')[0]})`);
    }
  }
  return { note: failures.length > 0 ? failures.join('; ') : 'onnxruntime-node is not installed' };
}

function packageRoot(resolvedMain: string): string {
  let dir = path.dirname(resolvedMain);
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return path.dirname(path.dirname(resolvedMain));
}

function readVersion(packageDir: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** CUDA needs the provider library that onnxruntime-node's install script downloads (it is not in the npm package). */
export function cudaSupport(packageDir: string, version: string, foundIn: string, platform: string = process.platform, arch: string = os.arch()): CudaSupport {
  const file = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (platform !== 'linux' && platform !== 'win32') return { available: false, why: `onnxruntime-node has no CUDA build for ${platform}` };
  if (existsSync(path.join(packageDir, 'bin', 'napi-v6', platform, arch, file))) return { available: true };
  return {
    available: false,
    why:
      `onnxruntime-node ${version} in ${foundIn} has no CUDA provider (${file}): its install script downloads it, ` +
      'so install it where that download can run (npm install onnxruntime-node --onnxruntime-node-install=cuda12)',
  };
}
