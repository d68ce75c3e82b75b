// The engine registry on the real fixtures: which engine opens what (with and without `command`), what
// callers learn before opening (wantsRowMajor, needsNativeOnnx), and what each engine's models declare.

import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandEngine } from '../../src/engines/command.js';
import type { LoadedModel, ModelTarget, OpenModelOptions } from '../../src/engines/engine.js';
import { onnxEngine } from '../../src/engines/onnx.js';
import { openModel } from '../../src/engines/open.js';
import { predictionsFileEngine } from '../../src/engines/predictions-file.js';
import { ENGINES, engineFor, needsNativeOnnx, targetOf, wantsRowMajor } from '../../src/engines/registry.js';
import { tfjsEngine } from '../../src/engines/tfjs.js';
import { ModelError } from '../../src/errors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const ONNX = fx('onnx', 'species.onnx');
const TFJS_FOLDER = fx('penguins-sex', 'candidate');
const TFJS_JSON = fx('penguins-sex', 'candidate', 'model.json');
const CSV = fx('penguins-sex', 'baseline-predictions.csv');
const JSONL = fx('penguins-species', 'baseline-predictions.jsonl');
const YAML = fx('penguins-sex', 'model-gate.yml');
const COMMAND: OpenModelOptions = { command: 'python predict.py {model} {data} {predictions}' };

/** The target as openModel builds it: after looking at the path. */
async function looked(p: string, options: OpenModelOptions = {}): Promise<ModelTarget> {
  const info = await stat(p).catch(() => undefined);
  return targetOf(p, options, info === undefined ? 'nothing' : info.isDirectory() ? 'folder' : 'file');
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'model-gate-registry-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('which engine opens a model', () => {
  test('every engine has its own name, and the command is asked first', () => {
    expect(new Set(ENGINES.map((e) => e.name)).size).toBe(ENGINES.length);
    expect(ENGINES[0]).toBe(commandEngine);
  });

  test('on the fixtures: a TF.js folder or model.json, an .onnx model, a predictions file; nothing else', async () => {
    expect(engineFor(await looked(TFJS_FOLDER))).toBe(tfjsEngine);
    expect(engineFor(await looked(TFJS_JSON))).toBe(tfjsEngine);
    expect(engineFor(await looked(ONNX))).toBe(onnxEngine);
    expect(engineFor(await looked(CSV))).toBe(predictionsFileEngine);
    expect(engineFor(await looked(JSONL))).toBe(predictionsFileEngine);
    expect(engineFor(await looked(YAML))).toBeUndefined();
    expect(engineFor(await looked(fx('nope', 'model.json')))).toBeUndefined();
    expect(engineFor(await looked(fx('nope.onnx')))).toBeUndefined();
  });

  test('.tsv and .ndjson files are predictions files; extensions in any case', async () => {
    for (const name of ['p.tsv', 'p.ndjson', 'P.CSV', 'M.ONNX']) await writeFile(path.join(tmp, name), '');
    expect(engineFor(await looked(path.join(tmp, 'p.tsv')))).toBe(predictionsFileEngine);
    expect(engineFor(await looked(path.join(tmp, 'p.ndjson')))).toBe(predictionsFileEngine);
    expect(engineFor(await looked(path.join(tmp, 'P.CSV')))).toBe(predictionsFileEngine);
    expect(engineFor(await looked(path.join(tmp, 'M.ONNX')))).toBe(onnxEngine);
  });

  test('a folder goes to TF.js whatever its name says', async () => {
    const folder = path.join(tmp, 'looks-like.onnx');
    await mkdir(folder, { recursive: true });
    expect(engineFor(await looked(folder))).toBe(tfjsEngine);
    await expect(openModel(folder, 'x')).rejects.toThrow(`model x: the folder ${folder} holds no model.json. Point at a TF.js model folder or file.`);
  });

  test('with `command` set, the command runs every model but predictions files, even one not there yet', async () => {
    expect(engineFor(await looked(ONNX, COMMAND))).toBe(commandEngine);
    expect(engineFor(await looked(TFJS_FOLDER, COMMAND))).toBe(commandEngine);
    expect(engineFor(await looked(YAML, COMMAND))).toBe(commandEngine);
    expect(engineFor(await looked(fx('nope.pt'), COMMAND))).toBe(commandEngine);
    expect(engineFor(await looked(CSV, COMMAND))).toBe(predictionsFileEngine);
    expect(engineFor(await looked(JSONL, COMMAND))).toBe(predictionsFileEngine);
  });

  test('openModel keeps its messages for a missing path and an unknown file', async () => {
    const missing = fx('nope', 'model.json');
    await expect(openModel(missing, 'x')).rejects.toThrow(
      `model x: ${missing} not found. Check the path (relative paths start at the workspace or the config file's folder).`,
    );
    const e = await openModel(YAML, 'x').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ModelError);
    expect((e as Error).message).toBe(
      `model x: cannot tell how to run ${YAML}. Use a TF.js model.json (or its folder), an .onnx model, a predictions file (.csv, .tsv, .jsonl, .ndjson, .parquet, .npz), or set \`command\` to run it with your own framework.`,
    );
  });
});

describe('what callers learn before opening', () => {
  test('wantsRowMajor: only when a model will run on the ONNX engine', () => {
    expect(wantsRowMajor([ONNX], {})).toBe(true);
    expect(wantsRowMajor([TFJS_FOLDER, CSV, ONNX], {})).toBe(true);
    expect(wantsRowMajor(['model.ONNX'], {})).toBe(true);
    expect(wantsRowMajor([TFJS_FOLDER, TFJS_JSON, CSV, JSONL], {})).toBe(false);
    expect(wantsRowMajor([], {})).toBe(false);
    // A command reads the data file itself: no layout to prepare for it.
    expect(wantsRowMajor([ONNX], COMMAND)).toBe(false);
    expect(wantsRowMajor([ONNX, CSV], COMMAND)).toBe(false);
  });

  test('needsNativeOnnx: an ONNX model and a runtime that may be the native one, unless a command runs it', () => {
    expect(needsNativeOnnx([ONNX], {})).toBe(true);
    expect(needsNativeOnnx([CSV, ONNX], { onnxRuntime: 'auto' })).toBe(true);
    expect(needsNativeOnnx([ONNX], { onnxRuntime: 'native' })).toBe(true);
    expect(needsNativeOnnx([ONNX], { onnxRuntime: 'wasm' })).toBe(false);
    expect(needsNativeOnnx([TFJS_FOLDER, TFJS_JSON, CSV, JSONL], { onnxRuntime: 'native' })).toBe(false);
    expect(needsNativeOnnx([], {})).toBe(false);
    expect(needsNativeOnnx([ONNX], COMMAND)).toBe(false);
  });
});

describe('what each engine declares of the models it loads', () => {
  const flags = (m: LoadedModel) => ({ takesFeatures: m.takesFeatures, needsFeatures: m.needsFeatures, runsTrainingRows: m.runsTrainingRows });

  async function opened<T>(p: string, options: OpenModelOptions, check: (m: LoadedModel) => T | Promise<T>): Promise<T> {
    const m = await openModel(p, 'candidate', options);
    try {
      return await check(m);
    } finally {
      m.dispose();
    }
  }

  test('TF.js: a network fed by model-gate, with facts and no runtime', async () => {
    await opened(TFJS_FOLDER, {}, (m) => {
      expect(flags(m)).toEqual({ takesFeatures: true, needsFeatures: true, runsTrainingRows: true });
      expect(m.facts).toMatchObject({ format: 'tfjs layers model', parameters: 273, bindsByName: false });
      expect(m.runtime).toBeUndefined();
    });
  });

  test('ONNX: a network fed by model-gate, with facts and its runtime', async () => {
    await opened(ONNX, { onnxRuntime: 'wasm' }, (m) => {
      expect(flags(m)).toEqual({ takesFeatures: true, needsFeatures: true, runsTrainingRows: true });
      expect(m.facts).toMatchObject({ format: 'onnx', parameters: 243, bindsByName: true, classes: ['Adelie', 'Chinstrap', 'Gentoo'] });
      expect(m.facts?.fileBytes).toBe(m.files[0].bytes);
      expect(m.runtime).toMatchObject({ runtime: 'onnxruntime-web', device: 'wasm', threads: expect.any(Number) });
    });
  });

  test('a predictions file: no features, no training rows, no facts', async () => {
    await opened(CSV, {}, (m) => {
      expect(flags(m)).toEqual({ takesFeatures: false, needsFeatures: false, runsTrainingRows: false });
      expect(m.facts).toBeUndefined();
    });
  });

  test('a command: reads the data file itself (which must hold the features), runs on training rows, no facts', async () => {
    await opened(ONNX, COMMAND, (m) => {
      expect(m.engine).toBe('command');
      expect(flags(m)).toEqual({ takesFeatures: false, needsFeatures: true, runsTrainingRows: true });
      expect(m.facts).toBeUndefined();
    });
  });
});
