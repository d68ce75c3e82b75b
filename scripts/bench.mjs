// npm run bench: the performance targets, measured on the shipped bundle (dist/), then the verdict's
// false-alarm and detection rates (scripts/bench-verdicts.mjs, on src/). Prints markdown tables for
// the README. Targets are reported, never asserted.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
const record = (what, seconds, target) => {
  rows.push({ what, seconds, target });
  console.error(`${what}: ${seconds.toFixed(3)} s (target ${target})`);
};

/** Time from spawning `node dist/index.js` to its first line on stdout. */
function firstLogLine() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  writeFileSync(path.join(tmp, 'out'), '');
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(root, 'dist', 'index.js')], {
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: path.join(tmp, 'out'), RUNNER_TEMP: tmp, INPUT_COMMENT: 'false' },
    });
    child.stdout.once('data', () => {
      resolve(Number(process.hrtime.bigint() - start) / 1e9);
      child.kill();
    });
  });
}

function demo() {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'demo'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`demo failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** A fixed LCG so every run measures the same data. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function metricsInMemory() {
  const { binaryMetrics, multiclassMetrics, regressionMetrics } = await import(path.join(root, 'dist', 'bundle', 'index.js'));
  const n = 1_000_000;
  const rand = lcg(42);
  const y = new Uint8Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rand() < 0.3 ? 1 : 0;
    // Rounded to 3 decimals: realistic ties, as float32 network outputs have.
    score[i] = Math.round(Math.min(1, Math.max(0, 0.35 * y[i] + 0.65 * rand())) * 1000) / 1000;
  }
  const k = 5;
  const yk = new Int32Array(n);
  const probs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    yk[i] = Math.floor(rand() * k);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += probs[i * k + j] = rand() + (j === yk[i] ? 1 : 0);
    for (let j = 0; j < k; j++) probs[i * k + j] /= sum;
  }
  const yr = new Float64Array(n);
  const pr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    yr[i] = rand() * 50;
    pr[i] = yr[i] + rand() - 0.5;
  }
  const time = (fn) => {
    const runs = [];
    for (let r = 0; r < 5; r++) {
      const t = process.hrtime.bigint();
      fn();
      runs.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    return median(runs);
  };
  record('binary metrics, 1,000,000 predictions in memory (median of 5)', time(() => binaryMetrics(y, score)), '< 1 s');
  record('multiclass metrics (5 classes), 1,000,000 predictions (median of 5)', time(() => multiclassMetrics(yk, probs, k)), '< 1 s');
  record('regression metrics, 1,000,000 predictions (median of 5)', time(() => regressionMetrics(yr, pr)), '< 1 s');
}

/** Issue target: 1,000,000 binary predictions, candidate against one baseline, every metric, 1000 resamples, CSV to JSON report. */
function bootstrapEndToEnd() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-boot-'));
  const rand = lcg(7);
  const n = 1_000_000;
  const data = ['id,x,y'];
  const cand = ['id,score'];
  const base = ['id,score'];
  for (let i = 0; i < n; i++) {
    const y = rand() < 0.3 ? 1 : 0;
    data.push(`${i},${rand().toFixed(4)},${y}`);
    cand.push(`${i},${Math.min(1, Math.max(0, 0.3 * y + 0.7 * rand())).toFixed(4)}`);
    base.push(`${i},${Math.min(1, Math.max(0, 0.25 * y + 0.75 * rand())).toFixed(4)}`);
  }
  writeFileSync(path.join(dir, 'data.csv'), data.join('\n') + '\n');
  writeFileSync(path.join(dir, 'cand.csv'), cand.join('\n') + '\n');
  writeFileSync(path.join(dir, 'base.csv'), base.join('\n') + '\n');
  const args = [path.join(root, 'dist', 'cli.js'), 'evaluate', '--candidate', path.join(dir, 'cand.csv'), '--baseline', `base=${path.join(dir, 'base.csv')}`,
    '--data', path.join(dir, 'data.csv'), '--label', 'y', '--id', 'id', '--task', 'binary', '--bootstrap', '1000', '--json', path.join(dir, 'out.json'), '-q', '--allowed-roots', dir];
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`bootstrap run failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * The action's own work around inference (reading, metrics, report) against inference itself, on a
 * 784-512-256-10 MLP (softmax, random weights), at the 100,000 rows, from the same values in
 * two files: a CSV of 784 features (471 MB) and a NumPy .npz holding them as one float32 matrix
 * (314 MB). One run per ONNX runtime (the embedded WebAssembly one, and onnxruntime-node when installed).
 */
async function overheadData(rows) {
  const { writeNpz } = await import(path.join(root, 'fixtures', 'npz', 'npz-writer.mjs'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-overhead-'));
  const rand = lcg(11);
  const d = 784;
  const x = new Float32Array(rows * d);
  const fd = openSync(path.join(dir, 'data.csv'), 'w');
  writeSync(fd, ['id', ...Array.from({ length: d }, (_, j) => `f${j}`), 'label'].join(',') + '\n');
  for (let i = 0; i < rows; i++) {
    const cells = [String(i)];
    for (let j = 0; j < d; j++) {
      const cell = rand().toFixed(3);
      cells.push(cell);
      x[i * d + j] = Number(cell);
    }
    cells.push(String(i % 10));
    writeSync(fd, cells.join(',') + '\n');
  }
  closeSync(fd);
  const id = Int32Array.from({ length: rows }, (_, i) => i);
  const label = Int32Array.from({ length: rows }, (_, i) => i % 10);
  writeNpz(path.join(dir, 'data.npz'), { id: { data: id, shape: [rows] }, x: { data: x, shape: [rows, d] }, label: { data: label, shape: [rows] } });
  const { mlp } = await import(path.join(root, 'fixtures', 'onnx', 'onnx-writer.mjs'));
  writeFileSync(path.join(dir, 'mlp.onnx'), mlp([784, 512, 256, 10], { seed: 1, softmax: true }).bytes);
  return dir;
}

/** Median of 3 runs by whole-run time; inference is the engine's own figure from the log. */
function overheadRun(dir, file, runtime) {
  const runs = [];
  for (let k = 0; k < 3; k++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'evaluate', '--candidate', path.join(dir, 'mlp.onnx'), '--data', path.join(dir, file),
      '--label', 'label', '--id', 'id', '--task', 'multiclass', '--bootstrap', '0', '--batch-size', '256', '--onnx-runtime', runtime, '--json', path.join(dir, 'out.json'), '--allowed-roots', dir],
      { encoding: 'utf8', env: { ...process.env, MODEL_GATE_DEBUG: '1' } });
    const total = Number(process.hrtime.bigint() - start) / 1e9;
    const m = /onnx on ([^:]+): \d+ rows of .* in (\d+) ms/.exec(r.stderr);
    if (!m) return undefined; // e.g. native asked for but not installed
    // The stages, from the debug lines (cli.ts, pipeline/evaluate.ts), in seconds.
    const ms = (re) => Number(re.exec(r.stderr)?.[1] ?? NaN) / 1000;
    const [from, to] = (/pipeline ran from (\d+) ms to (\d+) ms/.exec(r.stderr) ?? []).slice(1).map((x) => Number(x) / 1000);
    const inference = Number(m[2]) / 1000;
    const reading = ms(/debug: Reading [^\n]*: (\d+) ms/);
    const open = ms(/debug: opened [^\n]* in (\d+) ms/);
    const stages = { startup: from, reading, open, rest: to - from - Math.max(reading, open) - inference, exit: total - to };
    runs.push({ total, inference, backend: m[1], stages });
  }
  return runs.sort((a, b) => a.total - b.total)[1];
}

/** TF.js on its WebAssembly backend (SIMD), as the engine runs it: a 784-512-256-10 MLP, batch 256. */
async function tfjsWasmGflops() {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + path.sep);
  globalThis.__dirname ??= root;
  await tf.setBackend('wasm');
  await tf.ready();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 512, activation: 'relu' }),
      tf.layers.dense({ units: 256, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const x = tf.randomUniform([256, 784]);
  for (let i = 0; i < 5; i++) await model.predict(x).data();
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) {
      const y = model.predict(x);
      await y.data();
      y.dispose();
    }
    runs.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  const flops = 20 * 256 * 2 * (784 * 512 + 512 * 256 + 256 * 10);
  return flops / median(runs) / 1e9;
}

/** The ONNX engine and bare onnxruntime session.run loops (scripts/bench-onnx.mjs). */
function onnxBench() {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'bench-onnx.mjs'), '--json'], { encoding: 'utf8', cwd: root, timeout: 600_000 });
  if (r.status !== 0) return undefined;
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
}

/** 20 numerical features, 500,000 reference rows against 500,000 current rows, from CSV. */
function driftRun() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-drift-'));
  const rand = lcg(99);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  for (const [name, shift] of [['ref.csv', 0], ['cur.csv', 0.05]]) {
    const lines = [Array.from({ length: 20 }, (_, j) => `f${j}`).join(',')];
    for (let i = 0; i < 500_000; i++) lines.push(Array.from({ length: 20 }, (_, j) => (gauss() + (j < 5 ? shift * j : 0)).toFixed(4)).join(','));
    writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
  }
  // Median of 3 each, alternating. Python's time starts after its imports; ours includes Node's start-up.
  const oursRuns = [];
  const theirRuns = [];
  for (let k = 0; k < 3; k++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'drift', '--reference-data', path.join(dir, 'ref.csv'), '--current-data', path.join(dir, 'cur.csv'), '--json', path.join(dir, 'out.json'), '-q', '--allowed-roots', dir]);
    oursRuns.push(Number(process.hrtime.bigint() - start) / 1e9);
    const py = spawnSync('/usr/bin/python3', [path.join(root, 'scripts', 'drift_reference_bench.py'), path.join(dir, 'ref.csv'), path.join(dir, 'cur.csv')], { encoding: 'utf8' });
    if (py.status === 0) theirRuns.push(JSON.parse(py.stdout).total);
  }
  const ours = median(oursRuns);
  const theirs = theirRuns.length === 3 ? median(theirRuns) : undefined;
  rmSync(dir, { recursive: true, force: true });
  return { ours, theirs };
}

const first = [];
for (let i = 0; i < 5; i++) first.push(await firstLogLine());
record('`node dist/index.js` to its first log line (median of 5)', median(first), '< 0.5 s');
const demos = [];
for (let i = 0; i < 3; i++) demos.push(demo());
record('`node dist/cli.js demo` end to end (median of 3)', median(demos), '< 5 s');
await metricsInMemory();
if (!process.argv.includes('--quick')) {
  const d = driftRun();
  record('drift, 20 numerical features, 500,000 vs 500,000 rows from CSV (`model-gate drift`, median of 3)', d.ours, d.theirs ? `≥ 5× faster than pandas + scipy: ${(d.theirs / d.ours).toFixed(1)}×` : '(python3 with pandas and scipy not found)');
  if (d.theirs) record('  the same with pandas read_csv + scipy ks_2samp, wasserstein_distance + numpy PSI (median of 3)', d.theirs, '—');
  const overheadDir = await overheadData(100_000);
  for (const runtime of ['wasm', 'native']) {
    for (const [file, what] of [['data.csv', 'CSV, 471 MB'], ['data.npz', '.npz float32 matrix, 314 MB']]) {
      const o = overheadRun(overheadDir, file, runtime);
      if (o === undefined) continue;
      record(`784-512-256-10 MLP on 100,000 rows from ${what} (${o.backend}): whole run (median of 3)`, o.total, '—');
      record(`  of which inference`, o.inference, '—');
      const st = o.stages;
      const split = `start-up ${st.startup.toFixed(2)}, reading ${st.reading.toFixed(2)} while the model opens in ${st.open.toFixed(2)}, metrics and report ${st.rest.toFixed(2)}, exit ${st.exit.toFixed(2)}`;
      record(`  the action's own work: ${((1 - o.inference / o.total) * 100).toFixed(0)} % of the run (${split})`, o.total - o.inference, '< 10 % of the run');
    }
  }
  rmSync(overheadDir, { recursive: true, force: true });
  record('1,000,000 binary predictions, candidate vs one baseline, all metrics, 1000 paired resamples, CSV to JSON (`node dist/cli.js evaluate`)', bootstrapEndToEnd(), '≤ 10 s');
}

if (!process.argv.includes('--quick')) {
  const g = await tfjsWasmGflops();
  rows.push({ what: 'TF.js WebAssembly (SIMD) backend, 784-512-256-10 MLP, batch 256: GFLOP/s', seconds: g, target: '≥ 15 GFLOP/s' });
  const onnx = onnxBench();
  for (const x of onnx?.results ?? []) {
    const pct = (g) => `${((g / x.bareGflops) * 100).toFixed(0)} %`;
    const target = x.kind === 'native' ? `within 10 % of the bare loop: ${pct(x.engineGflops)} warm, ${pct(x.coldRowsGflops)} cold from the reader's rows, ${pct(x.coldGflops)} cold from columns` : '≥ 25 GFLOP/s';
    rows.push({ what: `${x.backend}, 784-512-256-10 MLP, batch 256: bare session.run GFLOP/s`, seconds: x.bareGflops, target: '—' });
    rows.push({ what: `  the ONNX engine's predict(), warm / first model on fresh data: GFLOP/s`, seconds: x.engineGflops, target });
    rows.push({ what: `  (cold, fresh data with the reader's row-major float32 rows)`, seconds: x.coldRowsGflops, target: '' });
    rows.push({ what: `  (cold, fresh data from columns only)`, seconds: x.coldGflops, target: '' });
  }
}
console.log(`Measured on ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, Node ${process.version}:\n`);
console.log('| what | seconds (or GFLOP/s) | target |\n| --- | ---: | --- |');
for (const r of rows) console.log(`| ${r.what} | ${Number.isFinite(r.seconds) ? r.seconds.toFixed(3) : '—'} | ${r.target} |`);

// The verdict's false-alarm and detection rates by simulation (the current src/, transpiled): a few minutes.
if (!process.argv.includes('--quick')) {
  const v = spawnSync(process.execPath, [path.join(root, 'scripts', 'bench-verdicts.mjs')], { encoding: 'utf8', cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  console.log(v.status === 0 ? `\n${v.stdout}` : `\nscripts/bench-verdicts.mjs failed (exit ${v.status})`);
}
