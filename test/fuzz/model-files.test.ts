// Fuzz: the model readers. TF.js model.json (loadTfjsModel, the whole load: manifest, weight files, TF.js)
// and ONNX (readOnnxModel, the protobuf reader model-gate owns, on many cases; loadOnnxModel, which adds the
// metadata and signature checks and ONNX Runtime's WebAssembly build, on fewer, since each opens a session).
// Every case must end in a loaded model or a named error with a short message that starts no log line with `::`.

import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadOnnxModel, readOnnxModel, type OnnxModelInfo } from '../../src/engines/onnx.js';
import { loadTfjsModel } from '../../src/engines/tfjs.js';
import type { LoadedModel } from '../../src/engines/engine.js';
import { onnxModel, type ModelSpec, type WriterDtype } from '../../fixtures/onnx/onnx-writer.mjs';
import { FUZZ_SEED, type Random, caseCount, failureReport, mutate, runSuite, textToken, utf8 } from './fuzz.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-fuzz-models-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// TF.js

const TFJS_SEEDS = [fx('penguins-sex', 'candidate'), fx('penguins-species', 'candidate'), fx('penguins-species', 'candidate-graph')];

interface TfjsCase {
  seed: string;
  modelJson: Uint8Array;
  /** Weight file bytes, or undefined to copy the seed's. */
  weights?: Uint8Array;
  what: string;
}

/** Every place in a JSON value, as a path of keys. */
function places(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => places(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) places((value as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

/** A value that does not belong where it is put: wrong type, odd number, adversarial text, a path out of the folder. */
function strangeValue(rng: Random): unknown {
  return rng.pick<() => unknown>([
    () => textToken(rng),
    () => rng.pick([null, true, 0, -1, 1.5, 1e308, 2 ** 53, -(2 ** 31), Number.MAX_SAFE_INTEGER]),
    () => rng.pick([[], {}, [null], [1e9, 1e9], ['x'], { paths: [], weights: [] }]),
    () => rng.pick(['../weights.bin', '../../../../etc/passwd', '/etc/hostname', 'weights.bin/', '.', '', 'missing.bin', 'weights.bin\u0000x', 'model.json']),
    () => rng.pick(['float32', 'int32', 'string', 'complex64', 'bool', 'uint8', 'float16', 'float64']),
  ])();
}

/** model.json with one to three values replaced, removed or duplicated (structure-aware), or its bytes mutated. */
function mutateModelJson(rng: Random, text: string, applied: string[]): Uint8Array {
  if (rng.chance(0.35)) return mutate(rng, utf8(text), applied, 3);
  const json = JSON.parse(text) as unknown;
  let root = json;
  for (let k = 1 + rng.small(2); k >= 0; k--) {
    const all = places(root).filter((p) => p.length > 0);
    const at = rng.chance(0.5) ? rng.pick(all) : rng.pick(all.filter((p) => p[0] === 'weightsManifest' || p[0] === 'userDefinedMetadata').concat(all.slice(0, 1)));
    if (at === undefined) continue;
    const parent = at.slice(0, -1).reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], root) as Record<string | number, unknown>;
    const key = at[at.length - 1]!;
    const r = rng.next();
    if (r < 0.6) {
      parent[key] = strangeValue(rng);
      applied.push(`${at.join('.')} = ${JSON.stringify(parent[key])?.slice(0, 60)}`);
    } else if (r < 0.8) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      applied.push(`delete ${at.join('.')}`);
    } else {
      const v = parent[key];
      if (Array.isArray(v)) v.push(...Array.from({ length: 1 + rng.small(5) }, () => structuredClone(v[0] ?? null)));
      else parent[key] = [v, v];
      applied.push(`grow ${at.join('.')}`);
    }
  }
  if (rng.chance(0.1)) root = rng.pick([null, [], 'x', 1, { format: 'graph-model' }]);
  return utf8(JSON.stringify(root));
}

// ---------------------------------------------------------------------------------------------
// ONNX

const ONNX_SEEDS = ['species.onnx', 'species-batch1.onnx', 'species-two-inputs.onnx', 'sex-int64.onnx', 'species-external.onnx'].map((f) => fx('onnx', f));

const DTYPES: WriterDtype[] = ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8', 'float16'];

/** A small valid graph (Identity from input to output) whose names, shapes, dtypes and metadata are hostile. */
function hostileGraph(rng: Random): { spec: ModelSpec; what: string } {
  const name = () => (rng.chance(0.5) ? rng.pick(['x', 'y', 'input', 'scores']) : textToken(rng).slice(0, 5000));
  const dim = () => (rng.chance(0.6) ? rng.pick([1, 3, 7, -1, 0, 2 ** 40]) : rng.chance(0.5) ? 'batch' : textToken(rng).slice(0, 3000));
  // Half the graphs are ones ONNX Runtime opens (one input, output of the same dtype): hostile names must get through a successful load too.
  const loadable = rng.chance(0.5);
  const inputs = Array.from({ length: loadable ? 1 : 1 + rng.small(2) }, () => ({ name: name(), dtype: rng.pick(loadable ? DTYPES.slice(0, 5) : DTYPES), shape: Array.from({ length: loadable ? 2 : rng.small(4) }, dim) }));
  const outputs = [{ name: name(), dtype: loadable ? inputs[0]!.dtype : rng.pick(DTYPES), shape: loadable ? inputs[0]!.shape : Array.from({ length: rng.small(3) }, dim) }];
  if (loadable && inputs[0]!.name === outputs[0]!.name) outputs[0]!.name += '_out';
  const metadata: Record<string, string> = {};
  if (rng.chance(0.5)) {
    const gate = rng.pick<() => unknown>([
      () => ({ task: textToken(rng), features: [textToken(rng)], classes: [textToken(rng), textToken(rng)], label: textToken(rng) }),
      () => ({ inputs: { [inputs[0]!.name]: [textToken(rng)], [textToken(rng)]: ['a'] } }),
      () => ({ inputs: rng.pick([[], 'x', null, { x: 'notalist' }, { [inputs[0]!.name]: [] }]) }),
      () => textToken(rng),
    ])();
    metadata['model-gate'] = rng.chance(0.8) ? JSON.stringify(gate) : String(gate);
  }
  if (rng.chance(0.3)) metadata[textToken(rng).slice(0, 1000)] = textToken(rng);
  const spec: ModelSpec = {
    inputs,
    outputs,
    nodes: [{ op: rng.chance(0.9) ? 'Identity' : textToken(rng).slice(0, 100), inputs: [inputs[0]!.name], outputs: [outputs[0]!.name] }],
    metadata,
    producer: rng.chance(0.2) ? textToken(rng) : undefined,
    opset: rng.chance(0.1) ? rng.pick([0, 1, 99, 2 ** 31]) : undefined,
  };
  return { spec, what: `hostile graph ${JSON.stringify({ inputs, outputs, metadata }).slice(0, 300)}` };
}

interface OnnxCase {
  bytes: Uint8Array;
  /** Copy species-external.onnx.data beside it (the seed keeps tensors there). */
  externalData: boolean;
  what: string;
}

function onnxCase(rng: Random, seeds: Map<string, Uint8Array>): OnnxCase {
  const applied: string[] = [];
  const r = rng.next();
  if (r < 0.55) {
    const seed = rng.pick(ONNX_SEEDS);
    return { bytes: mutate(rng, seeds.get(seed)!, applied, 3), externalData: seed.includes('external'), what: `${path.basename(seed)} + ${applied.join(', ')}` };
  }
  if (r < 0.95) {
    const { spec, what } = hostileGraph(rng);
    let bytes = onnxModel(spec);
    if (rng.chance(0.2)) bytes = mutate(rng, bytes, applied, 2);
    return { bytes, externalData: false, what: `${what}${applied.length ? ' + ' + applied.join(', ') : ''}` };
  }
  return { bytes: rng.bytes(rng.small(4000)), externalData: false, what: 'random bytes' };
}

/** What is wrong with the facts read from a model, or undefined: they are shown in the report, so they must be sane. */
function infoProblem(info: OnnxModelInfo): string | undefined {
  if (!Number.isFinite(info.parameters) || info.parameters < 0) return `parameters = ${info.parameters}`;
  for (const s of [...info.inputs, ...info.outputs]) {
    if (typeof s.name !== 'string' || typeof s.dtype !== 'string' || !Array.isArray(s.shape)) return 'a signature is malformed';
    if (s.shape.some((d) => typeof d === 'number' && !Number.isSafeInteger(d))) return `a dimension is not a whole number: ${s.shape.join(', ')}`;
  }
  return undefined;
}

async function onnxSeeds(): Promise<Map<string, Uint8Array>> {
  return new Map(await Promise.all(ONNX_SEEDS.map(async (f) => [f, new Uint8Array(await readFile(f))] as const)));
}

let onnxFile = 0;

describe('fuzz: model files', () => {
  test('TF.js model.json and weights: mutated layers and graph models', async () => {
    const seeds = new Map(await Promise.all(TFJS_SEEDS.map(async (d) => [d, await readFile(path.join(d, 'model.json'), 'utf8')] as const)));
    let folder = 0;
    const tally = await runSuite<TfjsCase>({
      name: 'model.json',
      seed: FUZZ_SEED ^ 0x7f15,
      cases: caseCount(1000),
      timeoutMs: 10_000,
      make(rng) {
        const seed = rng.pick(TFJS_SEEDS);
        const applied: string[] = [];
        const modelJson = rng.chance(0.03) ? rng.bytes(rng.small(2000)) : mutateModelJson(rng, seeds.get(seed)!, applied);
        let weights: Uint8Array | undefined;
        if (rng.chance(0.15)) {
          const w: string[] = [];
          weights = mutate(rng, seedWeights(seed), w, 2);
          applied.push(`weights.bin: ${w.join(', ')}`);
        }
        return { seed, modelJson, weights, what: `${path.basename(path.dirname(seed))}/${path.basename(seed)}: ${applied.join('; ').slice(0, 300)}` };
      },
      async run(c) {
        const d = path.join(dir, `tfjs-${folder++ % 4}`);
        await rm(d, { recursive: true, force: true });
        await mkdir(d);
        await writeFile(path.join(d, 'model.json'), c.modelJson);
        if (c.weights) await writeFile(path.join(d, 'weights.bin'), c.weights);
        else await copyFile(path.join(c.seed, 'weights.bin'), path.join(d, 'weights.bin'));
        const model = await loadTfjsModel(path.join(d, 'model.json'), 'fuzz');
        model.dispose();
        return model;
      },
      validate: (value) => loadedProblem(value as LoadedModel),
      describe: (c) => c.what,
    });
    expect(failureReport('model.json', tally)).toBe('');
    expect(tally.cases).toBe(caseCount(1000));
    expect(tally.values).toBeGreaterThan(tally.cases * 0.05);
    expect(tally.namedErrors).toBeGreaterThan(tally.cases * 0.3);
  });

  test('ONNX: the protobuf reader on mutated exports, hostile graphs and random bytes', async () => {
    const seeds = await onnxSeeds();
    const tally = await runSuite<OnnxCase>({
      name: 'onnx-reader',
      seed: FUZZ_SEED ^ 0x0e1e,
      cases: caseCount(2500),
      timeoutMs: 2000,
      make: (rng) => onnxCase(rng, seeds),
      run: async (c) => readOnnxModel(c.bytes),
      // readOnnxModel is pure and throws plain Errors that loadOnnxModel words as a ModelError; they must still be Errors with a sane message.
      named: (e) => e instanceof Error && e.constructor === Error,
      validate: (value) => infoProblem(value as OnnxModelInfo),
      describe: (c) => c.what,
    });
    expect(failureReport('onnx-reader', tally)).toBe('');
    expect(tally.cases).toBe(caseCount(2500));
    expect(tally.values).toBeGreaterThan(tally.cases * 0.2);
    expect(tally.namedErrors).toBeGreaterThan(tally.cases * 0.1);
  });

  test('ONNX: loadOnnxModel (WebAssembly runtime) on mutated exports, hostile graphs and random bytes', async () => {
    const seeds = await onnxSeeds();
    const tally = await runSuite<OnnxCase>({
      name: 'onnx-load',
      seed: FUZZ_SEED ^ 0x10ad,
      cases: caseCount(500),
      timeoutMs: 10_000,
      make: (rng) => onnxCase(rng, seeds),
      async run(c) {
        const d = path.join(dir, `onnx-${onnxFile++ % 4}`);
        await rm(d, { recursive: true, force: true });
        await mkdir(d);
        const file = path.join(d, 'model.onnx');
        await writeFile(file, c.bytes);
        if (c.externalData) await copyFile(fx('onnx', 'species-external.onnx.data'), path.join(d, 'species-external.onnx.data'));
        const model = await loadOnnxModel(file, 'fuzz', { runtime: 'wasm', threads: 1 });
        model.dispose();
        return model;
      },
      validate: (value) => loadedProblem(value as LoadedModel),
      describe: (c) => c.what,
    });
    expect(failureReport('onnx-load', tally)).toBe('');
    expect(tally.cases).toBe(caseCount(500));
    expect(tally.values).toBeGreaterThan(tally.cases * 0.05);
    expect(tally.namedErrors).toBeGreaterThan(tally.cases * 0.3);
  });
});

/** A loaded model's facts go into the report: engine, backend and file digests must be there. */
function loadedProblem(m: LoadedModel): string | undefined {
  if (typeof m.engine !== 'string' || typeof m.backend !== 'string' || !Array.isArray(m.files)) return 'engine, backend or files are missing';
  for (const f of m.files) if (!/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isSafeInteger(f.bytes)) return `file ${f.path} is described oddly`;
  return undefined;
}

const weightFiles = new Map<string, Uint8Array>();
function seedWeights(folder: string): Uint8Array {
  if (!weightFiles.has(folder)) weightFiles.set(folder, new Uint8Array(readFileSync(path.join(folder, 'weights.bin'))));
  return weightFiles.get(folder)!;
}
