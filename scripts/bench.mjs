// npm run bench: the performance targets, measured on the shipped bundle (dist/), then the verdict's
// false-alarm and detection rates (scripts/bench-verdicts.mjs, on src/). Prints markdown tables for
// the README. Targets are reported, never asserted. Every data file is written as pandas' to_csv()
// writes it by default (scripts/bench-pandas-repr.mjs); the 4-decimal files are the second rows.
//
//   npm run bench [-- --quick] [--only NAME[,NAME]] [--anchor-dist DIR] [--work DIR] [--anchor-resamples K]
//                 [--curve-sizes N[,N]]
//
// --only: run these sections alone (startup, metrics, drift, overhead, boot1m, 10m, curve, tfjs, onnx,
// verdicts). --anchor-dist: the old build's dist/ for the 1M-row statistics case, run alternately
// with this one. --work: keep the generated files there and reuse them on the next run (10M rows are
// 830 MB of CSV). --anchor-resamples: how many resamples pandas + scikit-learn are timed for (3).
// --curve-sizes: the cost curve's row counts (100000,1000000,10000000).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryArrays, cellWriter, rand53, writeBinaryCsv, writeBinaryNpz, writeLines } from './bench-data.mjs';
import { pandasRepr } from './bench-pandas-repr.mjs';
import { writeBinaryParquet } from './bench-parquet.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const SECTIONS = ['startup', 'metrics', 'drift', 'overhead', 'boot1m', '10m', 'curve', 'tfjs', 'onnx', 'verdicts'];
const QUICK = ['startup', 'metrics'];
const argValue = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = argValue('--only')?.split(',').map((x) => x.trim());
for (const name of only ?? []) {
  if (!SECTIONS.includes(name)) {
    console.error(`bench: unknown section "${name}" after --only — one of ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const runs = (name) => (only ? only.includes(name) : process.argv.includes('--quick') ? QUICK.includes(name) : true);
const anchorDist = argValue('--anchor-dist');
const anchorResamples = Number(argValue('--anchor-resamples') ?? 3);
const curveSizes = (argValue('--curve-sizes') ?? '100000,1000000,10000000').split(',').map(Number);
const workArg = argValue('--work');
const work = workArg ? path.resolve(workArg) : mkdtempSync(path.join(os.tmpdir(), 'bench-work-'));
mkdirSync(work, { recursive: true });
// Generated files are 2 GB at full size: gone when the run ends, even on an error, unless --work keeps them.
if (!workArg) process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const cli = path.join(root, 'dist', 'cli.js');

const rows = [];
/** The machine is shared: each figure carries the 1-minute load average taken when it was recorded. */
const load = () => os.loadavg()[0].toFixed(1);
const record = (what, seconds, target, at = load()) => {
  rows.push({ what, seconds, target, load: at });
  console.error(`${what}: ${Number(seconds).toFixed(3)} s (target ${target}) [load ${at}]`);
};
const curveRows = [];

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

/** Seconds since `start` (a process.hrtime.bigint()). */
const since = (start) => Number(process.hrtime.bigint() - start) / 1e9;

/** Runs `node <cli> args` under /usr/bin/time -v when it exists: wall seconds, peak RSS (bytes), stderr. */
function timedRun(cliJs, args, env = {}) {
  const hasTime = process.platform === 'linux' && existsSync('/usr/bin/time'); // GNU time's -v
  const [cmd, argv] = hasTime ? ['/usr/bin/time', ['-v', process.execPath, cliJs, ...args]] : [process.execPath, [cliJs, ...args]];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const seconds = since(start);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  // exit 1 is a failing verdict, still a finished run.
  const ok = r.status === 0 || r.status === 1;
  const error = ok ? undefined : (r.stderr ?? '').split('\n').find((l) => /error/i.test(l))?.slice(0, 160) ?? `exit ${r.status}`;
  return { seconds, rss: rss ? Number(rss[1]) * 1024 : NaN, stderr: r.stderr ?? '', ok, error };
}

const evaluateArgs = (dir, files, resamples) => ['evaluate', '--candidate', files.cand, '--baseline', `base=${files.base}`, '--data', files.data,
  '--label', 'y', '--id', 'id', '--task', 'binary', '--bootstrap', String(resamples), '--json', path.join(dir, 'out.json'), '-q', '--allowed-roots', dir];

/**
 * The stages of an evaluate run, in seconds, from its MODEL_GATE_DEBUG lines (cli.ts, pipeline/).
 * `opened … in N ms` is written for the candidate (prepare.ts); a second one, for the baseline, and
 * `metrics of NAME: N ms` lines are read when the pipeline writes them (NaN until then).
 */
function stages(stderr, total) {
  const ms = (re) => Number(re.exec(stderr)?.[1] ?? NaN) / 1000;
  const all = (re) => [...stderr.matchAll(re)].map((m) => Number(m[1]) / 1000);
  const [from, to] = (/pipeline ran from (\d+) ms to (\d+) ms/.exec(stderr) ?? [undefined, NaN, NaN]).slice(1).map((x) => Number(x) / 1000);
  const opened = all(/debug: opened [^\n]* in (\d+) ms/g);
  const metrics = all(/debug: metrics of [^\n]*: (\d+) ms/g);
  return {
    startup: from,
    reading: ms(/debug: Reading [^\n]*: (\d+) ms/),
    openCandidate: opened[0] ?? NaN,
    openBaseline: opened[1] ?? NaN,
    metrics: metrics.length > 0 ? metrics.reduce((a, b) => a + b, 0) : NaN,
    candidate: ms(/debug: Evaluating candidate [^\n]*: (\d+) ms/),
    baseline: ms(/debug: Evaluating baseline [^\n]*: (\d+) ms/),
    bootstrap: ms(/debug: Intervals and significance: (\d+) ms/),
    exit: total - to,
  };
}
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '?');
const gib = (bytes) => (bytes / 2 ** 30).toFixed(2);

/**
 * The 1M-row statistics case: 1,000,000 binary predictions, candidate against one baseline, every
 * metric, 1000 resamples, CSV (17 digits) to JSON. With --anchor-dist, the old build runs the same
 * command alternately (median of 3 each) and the ratio is printed.
 */
function bootstrapEndToEnd() {
  const dir = path.join(work, 'boot1m');
  mkdirSync(dir, { recursive: true });
  const files = writeBinaryCsv(dir, binaryArrays(1_000_000, 7));
  const args = evaluateArgs(dir, files, 1000);
  const ours = [];
  const theirs = [];
  for (let k = 0; k < 3; k++) {
    const r = timedRun(cli, args);
    if (!r.ok) throw new Error(`bootstrap run failed: ${r.error}`);
    ours.push(r.seconds);
    if (anchorDist) {
      const a = timedRun(path.join(path.resolve(anchorDist), 'cli.js'), args);
      if (a.ok) theirs.push(a.seconds);
    }
  }
  const what = '1,000,000 binary predictions (17 digits), candidate vs one baseline, all metrics, 1000 paired resamples, CSV to JSON (`node dist/cli.js evaluate`, median of 3)';
  const failed = anchorDist && theirs.length < 3 ? `; the old build (${anchorDist}) failed ${3 - theirs.length} of 3 runs` : '';
  const vs = theirs.length === 3 ? `; the old build (${anchorDist}) ${median(theirs).toFixed(2)} s in the same run: ${(median(theirs) / median(ours)).toFixed(2)}× (≥ 1× asked)` : failed;
  record(what, median(ours), `≤ 10 s${vs}`);
}

/**
 * Issue 14's 10M case: 10,000,000 binary predictions written by pandas (17 digits), candidate and one
 * baseline, 200 resamples, CSV to JSON, under /usr/bin/time -v with the stages from the debug log;
 * against pandas + scikit-learn doing the same metrics and resamples in the same run (K resamples
 * timed, 200 extrapolated: hours otherwise).
 */
function tenMillion(files10m) {
  const dir = path.dirname(files10m.data);
  const r = timedRun(cli, evaluateArgs(dir, files10m, 200), { MODEL_GATE_DEBUG: '1' });
  if (!r.ok) {
    record('10,000,000 binary predictions: failed', NaN, r.error);
    return undefined;
  }
  const loadOurs = load();
  curveRows.push({ format: 'CSV', n: 10_000_000, seconds: r.seconds, rss: r.rss, load: loadOurs });
  const start = process.hrtime.bigint();
  const py = spawnSync('/usr/bin/python3', [path.join(root, 'scripts', 'bootstrap_reference_bench.py'), files10m.data, files10m.cand, files10m.base, String(anchorResamples)], { encoding: 'utf8' });
  const wall = since(start);
  let anchor;
  if (py.status === 0) {
    const j = JSON.parse(py.stdout);
    const resampling = j.per_resample.reduce((a, b) => a + b, 0);
    const fixed = wall - resampling; // interpreter, imports, read_csv, merge, point metrics
    const each = resampling / j.resamples;
    anchor = { fixed, each, total: fixed + 200 * each };
  }
  const st = stages(r.stderr, r.seconds);
  const vs = anchor ? `≥ 300× pandas + scikit-learn: ${(anchor.total / r.seconds).toFixed(0)}×` : '(python3 with pandas and scikit-learn not found)';
  record('10,000,000 binary predictions (17 digits, as pandas writes them), candidate vs one baseline, all metrics, 200 paired resamples, CSV to JSON, whole run', r.seconds,
    `${vs}; peak RSS ${gib(r.rss)} GiB (≤ 1.5 GiB)`, loadOurs);
  const opening = Number.isFinite(st.openBaseline) ? `, the baseline opens in ${f2(st.openBaseline)}` : '';
  const metrics = Number.isFinite(st.metrics) ? `, metrics ${f2(st.metrics)}` : '';
  record(`  stages: start-up ${f2(st.startup)}, reading ${f2(st.reading)} while the candidate opens in ${f2(st.openCandidate)}${opening}${metrics}; `
    + `the candidate's step ${f2(st.candidate)}, the baseline's (opening it, its metrics) ${f2(st.baseline)}; bootstrap ${f2(st.bootstrap)}; exit ${f2(st.exit)}`, NaN, '—', loadOurs);
  if (anchor) {
    record(`  pandas + scikit-learn, ${anchorResamples} resamples timed, 200 extrapolated (fixed part ${anchor.fixed.toFixed(1)} s + 200 × ${anchor.each.toFixed(1)} s per resample)`, anchor.total, '—');
  }
  return r;
}

/** One cell of the cost curve: wall time and peak RSS, or why it did not run. */
function curvePoint(format, n, files) {
  const dir = path.dirname(files.data);
  const r = timedRun(cli, evaluateArgs(dir, files, 200));
  curveRows.push({ format, n, seconds: r.ok ? r.seconds : NaN, rss: r.ok ? r.rss : NaN, load: load(), error: r.error });
  console.error(`curve ${format} ${n}: ${r.ok ? `${r.seconds.toFixed(2)} s, ${gib(r.rss)} GiB` : r.error}`);
}

/** The cost curve: 100k, 1M, 10M rows in CSV (17 digits), .npz and Parquet, the 10M case's shape. */
async function costCurve(sizes) {
  for (const n of sizes) {
    const dir = path.join(work, `binary-${n}`);
    mkdirSync(dir, { recursive: true });
    const a = binaryArrays(n, 7);
    const csv = writeBinaryCsv(dir, a);
    if (!curveRows.some((c) => c.format === 'CSV' && c.n === n)) curvePoint('CSV', n, csv);
    curvePoint('.npz', n, await writeBinaryNpz(dir, a, root));
    const pq = await writeBinaryParquet(dir, a);
    if (typeof pq === 'string') curveRows.push({ format: 'Parquet', n, seconds: NaN, rss: NaN, load: load(), error: pq });
    else curvePoint('Parquet', n, pq);
  }
}

/**
 * The action's own work around inference (reading, metrics, report) against inference itself, on a
 * 784-512-256-10 MLP (softmax, random weights), at the issue's 100,000 rows, from the same values in
 * two files: a CSV of 784 float32 features as pandas writes them and a NumPy .npz holding them as
 * one float32 matrix (314 MB). One run per ONNX runtime (the embedded WebAssembly one, and onnxruntime-node when installed).
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
      // A float32 column as pandas writes it (0.33333334): the values the .npz holds.
      const v = Math.fround(rand());
      cells.push(pandasRepr(v, true));
      x[i * d + j] = v;
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
function driftRun(digits) {
  const dir = path.join(work, `drift-${digits}`);
  mkdirSync(dir, { recursive: true });
  const rand = rand53(99);
  const cell = cellWriter(digits);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  for (const [name, shift] of [['ref.csv', 0], ['cur.csv', 0.05]]) {
    const file = path.join(dir, name);
    if (existsSync(file)) continue;
    writeLines(file, Array.from({ length: 20 }, (_, j) => `f${j}`).join(','), 500_000,
      () => Array.from({ length: 20 }, (_, j) => cell(gauss() + (j < 5 ? shift * j : 0))).join(','));
  }
  // Median of 3 each, alternating. Python's time starts after its imports; ours includes Node's start-up.
  const oursRuns = [];
  const theirRuns = [];
  for (let k = 0; k < 3; k++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, [cli, 'drift', '--reference-data', path.join(dir, 'ref.csv'), '--current-data', path.join(dir, 'cur.csv'), '--json', path.join(dir, 'out.json'), '-q', '--allowed-roots', dir]);
    oursRuns.push(since(start));
    const py = spawnSync('/usr/bin/python3', [path.join(root, 'scripts', 'drift_reference_bench.py'), path.join(dir, 'ref.csv'), path.join(dir, 'cur.csv')], { encoding: 'utf8' });
    if (py.status === 0) theirRuns.push(JSON.parse(py.stdout).total);
  }
  return { ours: median(oursRuns), theirs: theirRuns.length === 3 ? median(theirRuns) : undefined };
}

if (runs('startup')) {
  const first = [];
  for (let i = 0; i < 5; i++) first.push(await firstLogLine());
  record('`node dist/index.js` to its first log line (median of 5)', median(first), '< 0.5 s');
  const demos = [];
  for (let i = 0; i < 3; i++) demos.push(demo());
  record('`node dist/cli.js demo` end to end (median of 3)', median(demos), '< 5 s');
}
if (runs('metrics')) await metricsInMemory();
if (runs('drift')) {
  for (const [digits, what] of [['repr', 'as pandas writes them (17 digits)'], [4, 'rounded to 4 decimals']]) {
    const d = driftRun(digits);
    record(`drift, 20 numerical features, 500,000 vs 500,000 rows from CSV, ${what} (\`model-gate drift\`, median of 3)`, d.ours, d.theirs ? `≥ 5× faster than pandas + scipy: ${(d.theirs / d.ours).toFixed(1)}×` : '(python3 with pandas and scipy not found)');
    if (d.theirs) record('  the same with pandas read_csv + scipy ks_2samp, wasserstein_distance + numpy PSI (median of 3)', d.theirs, '—');
  }
}
if (runs('overhead')) {
  const overheadDir = await overheadData(100_000);
  for (const runtime of ['wasm', 'native']) {
    const mb = (file) => `${Math.round(statSync(path.join(overheadDir, file)).size / 1e6)} MB`;
    for (const [file, what] of [['data.csv', `CSV of float32 as pandas writes them, ${mb('data.csv')}`], ['data.npz', `.npz float32 matrix, ${mb('data.npz')}`]]) {
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
}
if (runs('boot1m')) bootstrapEndToEnd();
if (runs('10m')) {
  const dir = path.join(work, 'binary-10000000');
  mkdirSync(dir, { recursive: true });
  tenMillion(writeBinaryCsv(dir, binaryArrays(10_000_000, 7)));
}
if (runs('curve')) await costCurve(curveSizes);

if (runs('tfjs')) {
  const g = await tfjsWasmGflops();
  rows.push({ what: 'TF.js WebAssembly (SIMD) backend, 784-512-256-10 MLP, batch 256: GFLOP/s', seconds: g, target: '≥ 15 GFLOP/s', load: load() });
}
if (runs('onnx')) {
  const onnx = onnxBench();
  for (const x of onnx?.results ?? []) {
    const pct = (g) => `${((g / x.bareGflops) * 100).toFixed(0)} %`;
    const target = x.kind === 'native' ? `within 10 % of the bare loop: ${pct(x.engineGflops)} warm, ${pct(x.coldRowsGflops)} cold from the reader's rows, ${pct(x.coldGflops)} cold from columns` : '≥ 25 GFLOP/s';
    rows.push({ what: `${x.backend}, 784-512-256-10 MLP, batch 256: bare session.run GFLOP/s`, seconds: x.bareGflops, target: '—', load: load() });
    rows.push({ what: `  the ONNX engine's predict(), warm / first model on fresh data: GFLOP/s`, seconds: x.engineGflops, target, load: load() });
    rows.push({ what: `  (cold, fresh data with the reader's row-major float32 rows)`, seconds: x.coldRowsGflops, target: '', load: load() });
    rows.push({ what: `  (cold, fresh data from columns only)`, seconds: x.coldGflops, target: '', load: load() });
  }
}
console.log(`Measured on ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, Node ${process.version}; load is the 1-minute load average when each figure was taken:\n`);
if (rows.length > 0) console.log('| what | seconds (or GFLOP/s) | target | load |\n| --- | ---: | --- | ---: |');
for (const r of rows) console.log(`| ${r.what} | ${Number.isFinite(r.seconds) ? r.seconds.toFixed(3) : '—'} | ${r.target} | ${r.load} |`);

if (runs('curve') && curveRows.length > 0) {
  // The cost curve: one row per size, a wall time and a peak RSS per format.
  const formats = ['CSV', '.npz', 'Parquet'];
  const sizes = [...new Set(curveRows.map((c) => c.n))].sort((a, b) => a - b);
  console.log('\nBinary, candidate + one baseline, all metrics, 200 paired resamples, to JSON; data, candidate and baseline all in the one format; seconds / peak RSS (`/usr/bin/time -v`):\n');
  console.log(`| rows | ${formats.join(' | ')} | load |\n| ---: | ${formats.map(() => '---:').join(' | ')} | ---: |`);
  for (const n of sizes) {
    const cells = formats.map((f) => {
      const c = curveRows.find((x) => x.format === f && x.n === n);
      if (c === undefined) return '—';
      return Number.isFinite(c.seconds) ? `${c.seconds.toFixed(2)} s / ${gib(c.rss)} GiB` : `not run: ${String(c.error).replaceAll(`${work}${path.sep}`, '').slice(0, 100).replaceAll('|', '\\|')}`;
    });
    console.log(`| ${n.toLocaleString('en-US')} | ${cells.join(' | ')} | ${curveRows.find((x) => x.n === n).load} |`);
  }
}

// The verdict's false-alarm and detection rates by simulation (the current src/, transpiled): a few minutes.
if (runs('verdicts')) {
  const v = spawnSync(process.execPath, [path.join(root, 'scripts', 'bench-verdicts.mjs')], { encoding: 'utf8', cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  console.log(v.status === 0 ? `\n${v.stdout}` : `\nscripts/bench-verdicts.mjs failed (exit ${v.status})`);
}
