// The inputs the fuzz tests found defects with, kept as they were found (shrunk by hand): each must end in a
// named error with a sane message, as every fuzz case must. The readers' own test files hold the focused
// tests for the same defects; these stay here so that a change to the generators cannot lose them.

import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readDataset, type ReadOptions } from '../../src/data/read.js';
import { loadOnnxModel, readOnnxModel } from '../../src/engines/onnx.js';
import { loadTfjsModel } from '../../src/engines/tfjs.js';
import { GateError } from '../../src/errors.js';
import { readTrainingLog } from '../../src/training-log/index.js';
import { onnxModel } from '../../fixtures/onnx/onnx-writer.mjs';
import { messageProblem } from './fuzz.js';
import { npyHeaderText, npzBytes } from './npz-build.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'model-gate-fuzz-known-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What `work` ended in: the named error's message; fails the test on a value, another error or a bad message. */
async function namedError(work: () => Promise<unknown>): Promise<string> {
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GateError);
  const message = (error as Error).message;
  expect(messageProblem(message)).toBeUndefined();
  return message;
}

async function read(name: string, bytes: Uint8Array | string, options: ReadOptions = {}): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return namedError(() => readDataset(file, options));
}

const storedOversized = (() => {
  const bytes = Buffer.from(npzBytes([{ name: 'x.npy', header: npyHeaderText('<f8', [2]), payload: new Uint8Array(16) }]));
  bytes.writeUInt32LE(0xffffff00, bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
  return bytes;
})();

// Every row has all four entries: jest takes a test function with more parameters than its row for a done-callback test.
test.each<[string, string, () => Uint8Array | string, ReadOptions]>([
  // npz case 1672 (seed 140182463): 2^31 items of '|S0' ran the process out of memory.
  ['zero-width text', 'a.npz', () => npzBytes([{ name: ',.npy', header: npyHeaderText('|S0', [2 ** 31], true), payload: new Uint8Array(0) }]), {}],
  // A directory size past the stored bytes made one read of ~4 GiB: Node aborted the process (node_file.cc: args[3]->IsInt32()).
  ['a stored member longer in the directory than in the file', 'b.npz', () => storedOversized, {}],
  // The same case's second array: 2^31 rows of no values gave a dataset of 2^31 rows and no columns.
  ['rows without values', 'c.npz', () => npzBytes([{ name: 'x.npy', header: npyHeaderText('|S5', [2 ** 31, 1, 1, 0]), payload: new Uint8Array(0) }]), {}],
  ['a hostile array name', 'd.npz', () => npzBytes([{ name: '\r::add-mask::x.npy', header: npyHeaderText('<f8', []), payload: new Uint8Array(8) }]), {}],
  // csv case 856: a categorical override named with a workflow command, listed beside a column named with another.
  ['a hostile override and column', 'e.csv', () => '"\r::add-mask::fuzz",Infinity,e5\n1,2,3\n', { categorical: ['::error::at-start'] }],
  // csv case 2700: a 49,717-character message from one long override name.
  ['a long override name', 'f.csv', () => 'a,b\n1,2\n', { categorical: ['é'.repeat(20000)] }],
  // jsonl case 542: a key holding an array, named with a workflow command.
  ['a hostile JSON key', 'g.jsonl', () => '{"\\n   ::warning file=x::fuzz": [1]}\n', {}],
  ['a long JSON key', 'h.jsonl', () => `{"${','.repeat(10000)}": {}}\n`, {}],
])('%s', async (_what, name, bytes, options) => {
  const message = await read(name, bytes(), options);
  expect(message).toContain(name);
});

// onnx-load cases 75, 132, 136, 262: graph names reached the message raw (checkSignature, ONNX Runtime's own message).
test.each([
  ['two inputs named with workflow commands', { inputs: [{ name: '\n::error::fuzz', shape: ['batch', 2] }, { name: '\r\n::set-output name=v::pass', shape: ['batch', 2] }] }],
  ['an output whose dtype does not match, named with a command', { inputs: [{ name: 'x', dtype: 'float64' as const, shape: ['batch', 2] }], outputs: [{ name: '\r::add-mask::fuzz', dtype: 'int32' as const, shape: ['batch', 2] }] }],
  ['inputs named at length', { inputs: [{ name: '`'.repeat(3000), shape: [1, 2] }, { name: 'y', shape: [1, 2] }] }],
])('ONNX: %s', async (_what, graph) => {
  const inputs = graph.inputs;
  const outputs = 'outputs' in graph && graph.outputs ? graph.outputs : [{ name: 'out', shape: ['batch', 2] }];
  const file = path.join(dir, 'model.onnx');
  await writeFile(file, onnxModel({ inputs, outputs, nodes: [{ op: 'Identity', inputs: [inputs[0]!.name], outputs: [outputs[0]!.name] }] }));
  await namedError(() => loadOnnxModel(file, 'fuzz', { runtime: 'wasm', threads: 1 }));
});

// onnx-load case 523 (FUZZ_SEED 11): JSON.parse quoted the metadata's text, line break and all.
test('ONNX: "model-gate" metadata that is not JSON, holding a command', async () => {
  const file = path.join(dir, 'meta.onnx');
  const io = { name: 'x', shape: ['batch', 2] };
  await writeFile(file, onnxModel({ inputs: [io], outputs: [{ ...io, name: 'y' }], nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], metadata: { 'model-gate': '\r::add-mask::fuzz' } }));
  expect(await namedError(() => loadOnnxModel(file, 'fuzz', { runtime: 'wasm', threads: 1 }))).toContain('metadata_props "model-gate" is not valid JSON');
});

// model.json cases 310, 2454, 2607 (FUZZ_SEED 11): JSON.parse and TF.js quoted the file's text (a line break, 18,000 characters).
test.each([
  ['model.json that is not JSON, broken after a command', (text: string) => text.replace('"config"', '"config": \n##[error]f')],
  ['an unknown initializer named with a command', (text: string) => text.replace('"Zeros"', '"\\n::stop-commands::fuzz"')],
  ['an unknown initializer named at length', (text: string) => text.replace('"Zeros"', `"${'x'.repeat(18000)}"`)],
])('TF.js: %s', async (_what, change) => {
  const seed = path.join(process.cwd(), 'fixtures', 'penguins-sex', 'candidate');
  const folder = path.join(dir, 'tfjs');
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder);
  const text = await readFile(path.join(seed, 'model.json'), 'utf8');
  expect(change(text)).not.toBe(text);
  await writeFile(path.join(folder, 'model.json'), change(text));
  await copyFile(path.join(seed, 'weights.bin'), path.join(folder, 'weights.bin'));
  await namedError(() => loadTfjsModel(path.join(folder, 'model.json'), 'fuzz'));
});

// training-log case (FUZZ_SEED 20261202): a CSVLogger column named with 2,000 commas holding text gave a 2,022-character warning.
test('training log: a warning about a hostile column is one short line', async () => {
  const file = path.join(dir, 'training.log');
  await writeFile(file, `epoch,loss,"${','.repeat(2000)}\n::error::x"\n0,0.5,text\n`);
  const log = await readTrainingLog(file);
  expect(log.warnings).toHaveLength(1);
  expect(log.warnings!.map((w) => messageProblem(w))).toEqual([undefined]);
});

// onnx-reader case 1276 (FUZZ_SEED 99): a dim of 2^54 was read as 18014398509481984, a number it is not.
test('ONNX: a dim past 2^53 is unknown, not a rounded number', () => {
  const bytes = onnxModel({ inputs: [{ name: 'x', shape: [2 ** 54 + 1, 3] }], outputs: [{ name: 'y', shape: [1] }], nodes: [] });
  expect(readOnnxModel(bytes).inputs[0]!.shape).toEqual(['?', 3]);
});
