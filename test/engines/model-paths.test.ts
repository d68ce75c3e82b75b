// Paths inside model files stay inside the model's folder, and reads stop at the size the format declares:
// real TF.js models (fixtures/penguins-sex/candidate, copied and edited), real ONNX models with external data
// (fixtures/onnx/species-external*.onnx, from make_onnx.py and make_external_variants.py), real symlinks and
// FIFOs in temp folders.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDataset, selectFeatures } from '../../src/data/read.js';
import { describeFiles } from '../../src/engines/files.js';
import { loadOnnxModel, type OnnxOptions } from '../../src/engines/onnx.js';
import { openModel } from '../../src/engines/open.js';
import { weightBytes } from '../../src/engines/tfjs.js';
import { ModelError } from '../../src/errors.js';

const root = process.cwd();
const fx = (...p: string[]) => path.join(root, 'fixtures', ...p);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'model-gate-paths-'));
const wasm: OnnxOptions = { runtime: 'wasm' };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let n = 0;
/** A fresh folder under tmp holding a copy of penguins-sex/candidate (model.json + weights.bin), with model.json edited. */
function tfjsCopy(edit: (json: { weightsManifest: { paths: string[]; weights: Record<string, unknown>[] }[] }) => void = () => undefined): string {
  const dir = path.join(tmp, `tfjs-${++n}`, 'model');
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(fx('penguins-sex', 'candidate'), dir, { recursive: true });
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  edit(json);
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  return dir;
}

const weights = readFileSync(fx('penguins-sex', 'candidate', 'weights.bin'));
// (7·16 + 16 + 16·8 + 8 + 8·1 + 1) float32 values × 4 bytes, from the shapes in the fixture's weightsManifest.
const DECLARED = (7 * 16 + 16 + 16 * 8 + 8 + 8 * 1 + 1) * 4;

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof Error)) throw new Error('expected the load to fail, but it succeeded');
  return e;
}

describe('TF.js weight files', () => {
  test('the fixture holds exactly what its manifest declares', () => {
    expect(weights.length).toBe(DECLARED);
  });

  test('a weights path of ../../../../etc/passwd is refused before anything is read or listed', async () => {
    const dir = tfjsCopy((j) => (j.weightsManifest[0].paths = ['../../../../etc/passwd']));
    const e = await rejection(openModel(dir, 'candidate'));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toBe(
      `${path.join(dir, 'model.json')}: weight file "../../../../etc/passwd" lies outside the model's folder (${dir}). ` +
        "model-gate reads only files inside that folder: copy the file beside the model and name it by a relative path.",
    );
  });

  test('a weights path of ../../../../dev/zero is refused at once (it used to hang the run at 2.9 GB)', async () => {
    const dir = tfjsCopy((j) => (j.weightsManifest[0].paths = ['../../../../dev/zero']));
    const started = Date.now();
    await expect(openModel(dir, 'candidate')).rejects.toThrow(/weight file "\.\.\/\.\.\/\.\.\/\.\.\/dev\/zero" lies outside the model's folder/);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 20000);

  test('weights.bin as a symlink to a file outside the folder is refused, though its bytes are right', async () => {
    const dir = tfjsCopy();
    const outside = path.join(path.dirname(dir), 'elsewhere.bin');
    writeFileSync(outside, weights);
    execFileSync('rm', [path.join(dir, 'weights.bin')]);
    symlinkSync(outside, path.join(dir, 'weights.bin'));
    await expect(openModel(dir, 'candidate')).rejects.toThrow(/weight file "weights\.bin" lies outside the model's folder/);
  });

  test('a symlink to /dev/zero inside the folder is refused as outside it', async () => {
    const dir = tfjsCopy();
    execFileSync('rm', [path.join(dir, 'weights.bin')]);
    symlinkSync('/dev/zero', path.join(dir, 'weights.bin'));
    await expect(openModel(dir, 'candidate')).rejects.toThrow(/weight file "weights\.bin" lies outside the model's folder/);
  }, 20000);

  test('a FIFO in the folder is refused without waiting on it', async () => {
    const dir = tfjsCopy();
    execFileSync('rm', [path.join(dir, 'weights.bin')]);
    execFileSync('mkfifo', [path.join(dir, 'weights.bin')]);
    await expect(openModel(dir, 'candidate')).rejects.toThrow(/weight file "weights\.bin" is not a regular file \(a FIFO\)/);
  }, 20000);

  test('a symlink that stays inside the folder loads, and the listing hashes the real bytes', async () => {
    const dir = tfjsCopy();
    mkdirSync(path.join(dir, 'store'));
    execFileSync('mv', [path.join(dir, 'weights.bin'), path.join(dir, 'store', 'w.bin')]);
    symlinkSync(path.join('store', 'w.bin'), path.join(dir, 'weights.bin'));
    // The model's folder itself reached through a symlink is still that folder.
    const link = path.join(path.dirname(dir), 'link');
    symlinkSync(dir, link);
    const model = await openModel(link, 'candidate');
    model.dispose();
    expect(model.files.map((f) => [path.basename(f.path), f.bytes, f.sha256])).toEqual([
      ['model.json', readFileSync(path.join(dir, 'model.json')).length, sha256(readFileSync(path.join(dir, 'model.json')))],
      ['weights.bin', DECLARED, sha256(weights)],
    ]);
  });

  test('a weight file 4 bytes longer than its manifest declares is refused (it used to be accepted)', async () => {
    const dir = tfjsCopy();
    writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat([weights, Buffer.from([1, 2, 3, 4])]));
    await expect(openModel(dir, 'candidate')).rejects.toThrow(
      `the weight file "weights.bin" of weightsManifest[0] holds ${DECLARED + 4} bytes, but its 6 weights take ${DECLARED} bytes.`,
    );
  });

  test('a weight file 4 bytes shorter is refused with the same numbers', async () => {
    const dir = tfjsCopy();
    writeFileSync(path.join(dir, 'weights.bin'), weights.subarray(0, DECLARED - 4));
    await expect(openModel(dir, 'candidate')).rejects.toThrow(`holds ${DECLARED - 4} bytes, but its 6 weights take ${DECLARED} bytes`);
  });

  test('two shards of one group count together; both are listed', async () => {
    const dir = tfjsCopy((j) => (j.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin']));
    writeFileSync(path.join(dir, 'group1-shard1of2.bin'), weights.subarray(0, 600));
    writeFileSync(path.join(dir, 'group1-shard2of2.bin'), weights.subarray(600));
    const model = await openModel(dir, 'candidate');
    model.dispose();
    expect(model.files.map((f) => [path.basename(f.path), f.bytes])).toEqual([
      ['model.json', expect.any(Number)],
      ['group1-shard1of2.bin', 600],
      ['group1-shard2of2.bin', DECLARED - 600],
    ]);
  });

  test('uint8-quantized weights: one byte per value, as TF.js decodes them; one byte more is refused', async () => {
    // Per-weight affine quantization the way tensorflowjs_converter writes it: q = round((w − min) / scale), w ≈ q·scale + min.
    const floats = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
    const q: number[] = [];
    let at = 0;
    const dir = tfjsCopy((j) => {
      for (const w of j.weightsManifest[0].weights) {
        const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
        const part = floats.subarray(at, at + size);
        at += size;
        const min = Math.min(...part);
        const scale = (Math.max(...part) - min) / 255 || 1;
        for (const v of part) q.push(Math.round((v - min) / scale));
        w.quantization = { dtype: 'uint8', min, scale };
      }
    });
    writeFileSync(path.join(dir, 'weights.bin'), Uint8Array.from(q));
    const model = await openModel(dir, 'candidate');
    const data = await readDataset(fx('penguins-sex', 'eval.csv'));
    const selected = selectFeatures(data, { label: 'sex', id: 'id', features: model.metadata.features });
    const p = await model.predict({ name: 'q', dataset: data, features: selected.features, task: 'binary', classes: ['FEMALE', 'MALE'], batchSize: 32 });
    model.dispose();
    expect(model.files[1].bytes).toBe(DECLARED / 4);
    expect(p.kind === 'binary' && p.scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    writeFileSync(path.join(dir, 'weights.bin'), Uint8Array.from([...q, 0]));
    await expect(openModel(dir, 'candidate')).rejects.toThrow(`holds ${DECLARED / 4 + 1} bytes, but its 6 weights take ${DECLARED / 4} bytes`);
  });

  test('bytes per weight follow tfjs-core: float32 4, float16-quantized 2, uint8-quantized 1, strings from their length prefixes', () => {
    expect(weightBytes({ name: 'k', shape: [7, 16], dtype: 'float32' })).toBe(448);
    expect(weightBytes({ name: 'k', shape: [7, 16], dtype: 'float32', quantization: { dtype: 'float16' } })).toBe(224);
    expect(weightBytes({ name: 'k', shape: [7, 16], dtype: 'int32', quantization: { dtype: 'uint8' } })).toBe(112);
    expect(weightBytes({ name: 'b', shape: [3], dtype: 'bool' })).toBe(3);
    // Two strings, "ab" and "", each after a little-endian uint32 length: 4 + 2 + 4 + 0 bytes.
    const strings = Uint8Array.from([2, 0, 0, 0, 97, 98, 0, 0, 0, 0]);
    expect(weightBytes({ name: 's', shape: [2], dtype: 'string' }, strings)).toBe(10);
    expect(weightBytes({ name: 's', shape: [3], dtype: 'string' }, strings)).toBeUndefined();
  });

  test('a malformed weightsManifest is a ModelError naming the entry, not a TypeError', async () => {
    const dir = tfjsCopy((j) => ((j.weightsManifest[0].weights[0] as { shape: unknown }).shape = [7, -1]));
    await expect(openModel(dir, 'candidate')).rejects.toThrow(/weightsManifest\[0\]\.weights\[0\] \("dense_1\/kernel"\) has a shape that is not a list of whole numbers/);
    const other = tfjsCopy((j) => ((j as { weightsManifest: unknown }).weightsManifest = [{ paths: 'weights.bin' }]));
    await expect(openModel(other, 'candidate')).rejects.toBeInstanceOf(ModelError);
  });

  test('a model folder whose model.json is a symlink to a file outside it is refused', async () => {
    const dir = tfjsCopy();
    const outside = path.join(path.dirname(dir), 'other.json');
    execFileSync('mv', [path.join(dir, 'model.json'), outside]);
    symlinkSync(outside, path.join(dir, 'model.json'));
    await expect(openModel(dir, 'candidate')).rejects.toThrow(/model file "model\.json" lies outside the model's folder/);
  });
});

describe('ONNX external data', () => {
  /** A fresh folder under tmp with the given ONNX fixture and, unless told otherwise, its data file copied in. */
  function onnxCopy(model: string, data = true): string {
    const dir = path.join(tmp, `onnx-${++n}`, 'model');
    mkdirSync(dir, { recursive: true });
    cpSync(fx('onnx', model), path.join(dir, model));
    if (data) cpSync(fx('onnx', 'species-external.onnx.data'), path.join(dir, 'species-external.onnx.data'));
    return path.join(dir, model);
  }
  const data = readFileSync(fx('onnx', 'species-external.onnx.data'));

  test('a location of ../outside.bin is refused, though the file there holds the right weights', async () => {
    const model = onnxCopy('species-external-outside.onnx', false);
    writeFileSync(path.join(path.dirname(model), '..', 'outside.bin'), data);
    await expect(loadOnnxModel(model, 'ext', wasm)).rejects.toThrow(
      `${model}: external data file "../outside.bin" lies outside the model's folder (${path.dirname(model)}).`,
    );
  });

  test('a data file that is a symlink to a file outside the folder is refused (it used to load)', async () => {
    const model = onnxCopy('species-external.onnx', false);
    const outside = path.join(path.dirname(model), '..', 'outside.bin');
    writeFileSync(outside, data);
    symlinkSync(outside, path.join(path.dirname(model), 'species-external.onnx.data'));
    await expect(loadOnnxModel(model, 'ext', wasm)).rejects.toThrow(/external data file "species-external\.onnx\.data" lies outside the model's folder/);
  });

  test('a data file that is a symlink to /dev/zero is refused at once', async () => {
    const model = onnxCopy('species-external.onnx', false);
    symlinkSync('/dev/zero', path.join(path.dirname(model), 'species-external.onnx.data'));
    await expect(loadOnnxModel(model, 'ext', wasm)).rejects.toThrow(/lies outside the model's folder/);
  }, 20000);

  test('a FIFO as the data file is refused without waiting on it', async () => {
    const model = onnxCopy('species-external.onnx', false);
    execFileSync('mkfifo', [path.join(path.dirname(model), 'species-external.onnx.data')]);
    await expect(loadOnnxModel(model, 'ext', wasm)).rejects.toThrow(/external data file "species-external\.onnx\.data" is not a regular file \(a FIFO\)/);
  }, 20000);

  test('a tensor whose length runs past the end of the data file is named, with the numbers', async () => {
    // make_external_variants.py: l3.bias says offset 960, length 4096; the data file holds 972 bytes.
    const model = onnxCopy('species-external-overlong.onnx');
    expect(data.length).toBe(972);
    await expect(loadOnnxModel(model, 'ext', wasm)).rejects.toThrow(
      `${model}: tensor "l3.bias" takes bytes 960–5056 of "species-external.onnx.data", which holds only 972 bytes.`,
    );
  });

  test('a truncated data file (say a Git LFS pointer) names the first tensor it cannot hold', async () => {
    const model = onnxCopy('species-external.onnx', false);
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 972\n';
    writeFileSync(path.join(path.dirname(model), 'species-external.onnx.data'), pointer);
    // l1.weight: 16 × 4 float32 values, offset 0 and length 256 in the fixture's external_data entries.
    await expect(loadOnnxModel(model, 'ext', wasm)).rejects.toThrow(
      `tensor "l1.weight" takes bytes 0–256 of "species-external.onnx.data", which holds only ${pointer.length} bytes`,
    );
  });

  test('a data file reached through a symlink inside the folder loads and is listed under its own name', async () => {
    const model = onnxCopy('species-external.onnx', false);
    const dir = path.dirname(model);
    mkdirSync(path.join(dir, 'blobs'));
    writeFileSync(path.join(dir, 'blobs', 'd.bin'), data);
    symlinkSync(path.join('blobs', 'd.bin'), path.join(dir, 'species-external.onnx.data'));
    const loaded = await loadOnnxModel(model, 'ext', wasm);
    loaded.dispose();
    expect(loaded.files.map((f) => [path.basename(f.path), f.bytes, f.sha256])).toEqual([
      ['species-external.onnx', readFileSync(model).length, sha256(readFileSync(model))],
      ['species-external.onnx.data', 972, sha256(data)],
    ]);
  });
});

describe('describeFiles', () => {
  test('with a folder, a file outside it (even through a symlink) is refused, not hashed', async () => {
    const dir = path.join(tmp, `describe-${++n}`);
    mkdirSync(path.join(dir, 'model'), { recursive: true });
    writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'model', 'link.txt'));
    writeFileSync(path.join(dir, 'model', 'ok.txt'), 'ok');
    await expect(describeFiles([path.join(dir, 'model', 'ok.txt')], path.join(dir, 'model'))).resolves.toEqual([
      { path: path.join(dir, 'model', 'ok.txt'), bytes: 2, sha256: sha256(Buffer.from('ok')) },
    ]);
    await expect(describeFiles([path.join(dir, 'model', 'link.txt')], path.join(dir, 'model'))).rejects.toThrow(/lies outside the model's folder/);
  });
});
