#!/usr/bin/env node
// ONNX engine throughput on a 784-512-256-10 ReLU MLP (random weights, written by
// fixtures/onnx/onnx-writer.mjs: nothing large in git), batch 256:
//   - onnxruntime-web (WebAssembly) with 1 thread and with 2 threads: a bare session.run loop, and the
//     engine's predict() over a whole dataset (feature columns → tensors → scores);
//   - onnxruntime-node on the CPU (when it is installed): the same two, to show the engine's overhead.
// GFLOP/s counts 2 per multiply-add of the three matrix products (biases and ReLU left out).
//
//   node scripts/bench-onnx.mjs [--json] [--rows 25600] [--runs 5]
//
// 25,600 rows (100 batches): predict() has a fixed cost per call of about 1 ms (planning the feeds,
// assembling the outputs), 7–10 % of a 20-batch pass natively and 1–3 % of a 100-batch one.
//
// The engine is TypeScript: it is compiled first with tsc into tmp/bench-onnx/ (a few seconds). Each
// onnxruntime-web thread count runs in its own process, because the WebAssembly module starts once per process.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mlp, mlpFlops } from '../fixtures/onnx/onnx-writer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, 'tmp', 'bench-onnx');
const SIZES = [784, 512, 256, 10];
const BATCH = 256;
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const ROWS = Number(arg('rows', 256 * 100));
const RUNS = Number(arg('runs', 5));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gflops = (rows, seconds) => mlpFlops(SIZES, rows) / seconds / 1e9;

/** Child: one runtime configuration, printed as one JSON line. */
async function child(kind, threads) {
  const engine = await import(pathToFileURL(path.join(work, 'build', 'engines', 'onnx.js')).href);
  const modelPath = path.join(work, 'mlp-784-512-256-10.onnx');
  const model = await engine.loadOnnxModel(modelPath, 'mlp', { runtime: kind, device: 'cpu', threads });
  // A dataset of ROWS rows × 784 numeric columns, as readDataset would type it. Fresh column objects make
  // the engine convert them again (its float matrix is shared per set of columns).
  const base = Array.from({ length: SIZES[0] }, (_, j) => Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i * 0.37 + j * 0.11)));
  const classes = Array.from({ length: 10 }, (_, k) => `c${k}`);
  // The CSV reader also lays the rows out as float32 while it parses (Dataset.rowMajor) when an ONNX model will read them.
  const rowMajor = new Float32Array(ROWS * SIZES[0]);
  for (let j = 0; j < SIZES[0]; j++) for (let i = 0; i < ROWS; i++) rowMajor[i * SIZES[0] + j] = base[j][i];
  const makeInput = (withRows = false) => {
    const columns = base.map((values, j) => ({ name: `f${j}`, kind: 'numeric', values: values.slice(), raw: [], missing: 0 }));
    const dataset = { path: 'bench', rowCount: ROWS, columns, recordLines: new Int32Array(ROWS), ...(withRows ? { rowMajor: { data: rowMajor, columns } } : {}) };
    return { name: 'mlp', dataset, features: columns, task: 'multiclass', classes, batchSize: BATCH };
  };
  const input = makeInput();

  // Bare loop: the same session over the same rows, one tensor per batch made beforehand (views of the
  // row-major matrix), so that only the engine's own work separates the two.
  const { ort, session } = model;
  const batches = Math.ceil(ROWS / BATCH);
  const xs = Array.from({ length: batches }, (_, b) => {
    const rows = Math.min(BATCH, ROWS - b * BATCH);
    return new ort.Tensor('float32', rowMajor.subarray(b * BATCH * SIZES[0], (b * BATCH + rows) * SIZES[0]), [rows, SIZES[0]]);
  });
  // Each timed pass starts after a full collection, so no pass pays for garbage an earlier one (or
  // the set-up of fresh columns) left behind.
  const collect = () => globalThis.gc?.();
  const bare = async () => {
    collect();
    const t = performance.now();
    for (let b = 0; b < batches; b++) await session.run({ x: xs[b] });
    return (performance.now() - t) / 1000;
  };
  const viaEngine = async (inp) => {
    collect();
    const t = performance.now();
    await model.predict(inp);
    return (performance.now() - t) / 1000;
  };
  for (let i = 0; i < 2; i++) {
    await bare();
    await viaEngine(input);
  }
  const bareTimes = [];
  const warmTimes = [];
  const coldTimes = [];
  const coldRowsTimes = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so machine noise hits all three alike.
    bareTimes.push(await bare());
    warmTimes.push(await viaEngine(input));
    const fresh = makeInput();
    coldTimes.push(await viaEngine(fresh));
    coldRowsTimes.push(await viaEngine(makeInput(true)));
  }
  model.dispose();
  console.log(
    JSON.stringify({
      backend: model.backend,
      threads: model.runtime.threads,
      bareGflops: gflops(ROWS, median(bareTimes)),
      engineGflops: gflops(ROWS, median(warmTimes)),
      coldGflops: gflops(ROWS, median(coldTimes)),
      coldRowsGflops: gflops(ROWS, median(coldRowsTimes)),
      msPerBatchBare: (median(bareTimes) / batches) * 1000,
    }),
  );
}

function compileEngine() {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const out = path.join(work, 'build');
  const flags = ['--outDir', out, '--rootDir', path.join(root, 'src'), '--module', 'nodenext', '--moduleResolution', 'nodenext'];
  flags.push('--target', 'es2022', '--skipLibCheck', '--types', 'node', '--noEmit', 'false', '--declaration', 'false');
  execFileSync(process.execPath, [tsc, ...flags, path.join(root, 'src', 'engines', 'onnx.ts')], { cwd: root, stdio: 'inherit' });
}

async function main() {
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'mlp-784-512-256-10.onnx'), mlp(SIZES, { seed: 1 }).bytes);
  compileEngine();
  const configs = [
    ['wasm', 1],
    ['wasm', 2],
  ];
  let nativeNote;
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    configs.push(['native', os.availableParallelism?.() ?? os.cpus().length]);
  } catch {
    nativeNote = 'onnxruntime-node is not installed: native rows skipped';
  }
  const results = [];
  for (const [kind, threads] of configs) {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', kind, String(threads), '--rows', String(ROWS), '--runs', String(RUNS)], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, MODEL_GATE_ONNX_RUNTIME: '' },
    });
    if (r.status !== 0) throw new Error(`bench-onnx: ${kind} ${threads} failed:\n${r.stderr}`);
    results.push({ kind, ...JSON.parse(r.stdout.trim().split('\n').pop()) });
  }
  if (args.includes('--json')) {
    console.log(JSON.stringify({ model: '784-512-256-10 MLP', batch: BATCH, rows: ROWS, cpu: os.cpus()[0]?.model, results, note: nativeNote }, null, 2));
    return;
  }
  console.log(`ONNX engine, 784-512-256-10 MLP, batch ${BATCH}, ${ROWS} rows, median of ${RUNS}; ${os.cpus()[0]?.model?.trim()} (${os.cpus().length} cores)`);
  console.log('predict() warm: the columns were converted before (as for the 2nd and later models on the same data); cold: includes converting them; cold, rows: fresh data with the row-major float32 rows the CSV reader writes while parsing.');
  console.log('| backend | bare session.run GFLOP/s | predict() warm GFLOP/s | warm / bare | predict() cold GFLOP/s | cold / bare | cold, rows / bare | ms per batch (bare) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const pct = (a, b) => `${((a / b) * 100).toFixed(0)} %`;
  for (const r of results) {
    const name = `${r.backend}${r.kind === 'native' ? ` (${r.threads} threads)` : ''}`;
    console.log(`| ${name} | ${r.bareGflops.toFixed(1)} | ${r.engineGflops.toFixed(1)} | ${pct(r.engineGflops, r.bareGflops)} | ${r.coldGflops.toFixed(1)} | ${pct(r.coldGflops, r.bareGflops)} | ${pct(r.coldRowsGflops, r.bareGflops)} | ${r.msPerBatchBare.toFixed(2)} |`);
  }
  if (nativeNote) console.log(nativeNote);
}

if (args[0] === '--child') await child(args[1], Number(args[2]));
else await main();
