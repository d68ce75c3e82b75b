#!/usr/bin/env node
// Benchmark of the paired bootstrap (src/stats/bootstrap.ts): 1,000,000 synthetic binary rows
// (generated deterministically), a candidate against one baseline, every binary metric including
// roc_auc and pr_auc, 1000 resamples, for each thread count asked for. Prints seconds.
//
// Prints wall seconds, CPU seconds of the process (all threads) and the 1-minute load average
// before the run: on a shared machine other processes' load inflates the wall time.
//
// Usage: node scripts/bench-bootstrap.mjs [--rows 1000000] [--resamples 1000] [--threads 1,2]
//                                         [--round DIGITS] [--repeat 1]
//   --round rounds the scores to that many decimals (many tied scores, as CSV files often hold).
//
// The TypeScript sources are transpiled (typescript's transpileModule, no type check) into
// tmp/bench-bootstrap/ first, so the benchmark runs the current src/ without a build.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'tmp', 'bench-bootstrap');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const rows = Number(arg('rows', '1000000'));
const resamples = Number(arg('resamples', '1000'));
const threadCounts = String(arg('threads', '1,2')).split(',').map(Number);
const round = arg('round', undefined);
const repeat = Number(arg('repeat', '1'));

function transpile() {
  for (const dir of ['src/stats', 'src/metrics']) {
    mkdirSync(path.join(outDir, dir), { recursive: true });
    for (const f of readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(path.join(root, dir, f), 'utf8');
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      }).outputText;
      writeFileSync(path.join(outDir, dir, f.replace(/\.ts$/, '.js')), js);
    }
  }
  // The few files outside stats/ and metrics/ that they import (the kernels' defaults, the radix sort).
  for (const f of ['errors.ts', 'types.ts', 'settings/inputs.ts', 'data/sorted.ts']) {
    const js = ts.transpileModule(readFileSync(path.join(root, 'src', f), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    mkdirSync(path.dirname(path.join(outDir, 'src', f)), { recursive: true });
    writeFileSync(path.join(outDir, 'src', f.replace(/\.ts$/, '.js')), js);
  }
  writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
}

/** mulberry32: a small deterministic PRNG, so the data are the same on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next) {
  const u = next() || 1e-12;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

function synthetic(n) {
  const next = rng(20240611);
  const truth = new Uint8Array(n);
  const cand = new Float64Array(n);
  const base = new Float64Array(n);
  const scale = round === undefined ? 0 : 10 ** Number(round);
  for (let i = 0; i < n; i++) {
    const y = next() < 0.3 ? 1 : 0;
    truth[i] = y;
    const shared = gaussian(next);
    const zc = (y ? 1.2 : -0.6) + 0.8 * shared + 0.6 * gaussian(next);
    const zb = (y ? 1.0 : -0.5) + 0.8 * shared + 0.6 * gaussian(next);
    let sc = 1 / (1 + Math.exp(-zc));
    let sb = 1 / (1 + Math.exp(-zb));
    if (scale) {
      sc = Math.round(sc * scale) / scale;
      sb = Math.round(sb * scale) / scale;
    }
    cand[i] = sc;
    base[i] = sb;
  }
  return { truth, cand, base };
}

transpile();
const { bootstrap } = await import(pathToFileURL(path.join(outDir, 'src/stats/bootstrap.js')).href);
const { exampleKeys } = await import(pathToFileURL(path.join(outDir, 'src/stats/resample-weights.js')).href);

let t = performance.now();
const { truth, cand, base } = synthetic(rows);
const keys = exampleKeys(undefined, rows);
console.log(`data: ${rows} rows generated in ${((performance.now() - t) / 1000).toFixed(2)} s${round === undefined ? '' : `, scores rounded to ${round} decimals`}`);

const input = {
  task: 'binary',
  truth,
  models: [
    { name: 'candidate', predictions: cand },
    { name: 'baseline', predictions: base },
  ],
  candidate: 'candidate',
  decisionThreshold: 0.5,
  keys,
  resamples,
  confidence: 0.95,
  seed: 42,
};

let reference;
for (const threads of threadCounts) {
  for (let r = 0; r < repeat; r++) {
    const load = loadavg()[0];
    t = performance.now();
    const cpu = process.cpuUsage();
    const result = bootstrap({ ...input, threads });
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const json = JSON.stringify(result);
    reference ??= json;
    console.log(
      `threads=${threads}: ${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU, for ${rows} rows x ${resamples} resamples x 2 models ` +
        `(method ${result.method}; identical to first run: ${json === reference}; load average before ${load.toFixed(2)})`
    );
    if (r === 0 && threads === threadCounts[0]) {
      for (const [metric, e] of Object.entries(result.deltas.baseline)) {
        console.log(`  delta ${metric.padEnd(17)} [${e.ci[0].toFixed(6)}, ${e.ci[1].toFixed(6)}]  p=${e.pValue.toPrecision(3)}`);
      }
    }
  }
}
