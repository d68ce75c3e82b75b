// npm run bench: the performance targets, measured on the shipped bundle (dist/).
// Prints a markdown table for the README. Targets are reported, never asserted.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
    '--data', path.join(dir, 'data.csv'), '--label', 'y', '--id', 'id', '--task', 'binary', '--bootstrap', '1000', '--json', path.join(dir, 'out.json'), '-q'];
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`bootstrap run failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const first = [];
for (let i = 0; i < 5; i++) first.push(await firstLogLine());
record('`node dist/index.js` to its first log line (median of 5)', median(first), '< 0.5 s');
const demos = [];
for (let i = 0; i < 3; i++) demos.push(demo());
record('`node dist/cli.js demo` end to end (median of 3)', median(demos), '< 5 s');
await metricsInMemory();
if (!process.argv.includes('--quick')) {
  record('1,000,000 binary predictions, candidate vs one baseline, all metrics, 1000 paired resamples, CSV to JSON (`node dist/cli.js evaluate`)', bootstrapEndToEnd(), '≤ 10 s');
}

console.log(`Measured on ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, Node ${process.version}:\n`);
console.log('| what | seconds | target |\n| --- | ---: | --- |');
for (const r of rows) console.log(`| ${r.what} | ${r.seconds.toFixed(3)} | ${r.target} |`);
