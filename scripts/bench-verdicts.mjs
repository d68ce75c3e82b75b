#!/usr/bin/env node
// The gate's false-alarm and detection rates by simulation (issue 15): seeded runs through the real
// verdict path (test/analysis/simulate-verdicts.ts: measure, the dummy, the paired bootstrap at the
// defaults, gate() with no thresholds). Prints a markdown table for the README.
//
// - False alarms: exchangeable models (every true delta is 0); the share of runs whose verdict is
//   not pass. Target ≤ 5 %.
// - Detection: the regression (binary, 2,000 rows, ROC AUC 0.747 → 0.729); the share of
//   runs that do not pass. Target ≥ 80 %.
// Each rate comes with its binomial standard error, √(r(1 − r)/runs).
//
// Usage: node scripts/bench-verdicts.mjs [--runs 200] [--large-runs 50] [--only binary]
//   --runs: runs per cell at 500 rows and for detection; --large-runs: runs per cell at 20,000 rows.
//
// The TypeScript sources are transpiled (typescript's transpileModule, no type check) into
// tmp/bench-verdicts/ first, so this runs the current src/ without a build.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'tmp', 'bench-verdicts');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const runs = Number(arg('runs', '200'));
const largeRuns = Number(arg('large-runs', '50'));
const only = arg('only', undefined);

function transpileTree(dir) {
  for (const f of readdirSync(path.join(root, dir))) {
    const rel = path.join(dir, f);
    if (statSync(path.join(root, rel)).isDirectory()) {
      transpileTree(rel);
      continue;
    }
    if (!f.endsWith('.ts')) continue;
    const js = ts.transpileModule(readFileSync(path.join(root, rel), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    mkdirSync(path.join(outDir, dir), { recursive: true });
    writeFileSync(path.join(outDir, rel.replace(/\.ts$/, '.js')), js);
  }
}
transpileTree('src');
mkdirSync(path.join(outDir, 'test', 'analysis'), { recursive: true });
writeFileSync(
  path.join(outDir, 'test', 'analysis', 'simulate-verdicts.js'),
  ts.transpileModule(readFileSync(path.join(root, 'test', 'analysis', 'simulate-verdicts.ts'), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText,
);
writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');

const { alarmRate, DETECTION_CASE } = await import(pathToFileURL(path.join(outDir, 'test', 'analysis', 'simulate-verdicts.js')).href);

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const se = (r, n) => Math.sqrt((r * (1 - r)) / n);
const top = (byRow) =>
  Object.entries(byRow)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '—';

const lines = [];
const started = Date.now();
lines.push('| task | rows | baselines | runs | verdict not `pass` | ± s.e. | most frequent alarms |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const task of ['binary', 'multiclass', 'regression']) {
  if (only !== undefined && only !== task) continue;
  for (const rows of [500, 20000]) {
    for (const baselines of [1, 3]) {
      const n = rows > 5000 ? largeRuns : runs;
      const t = Date.now();
      const r = alarmRate({ task, rows, baselines }, n, 1);
      lines.push(`| ${task} | ${rows.toLocaleString('en')} | ${baselines} | ${n} | ${pct(r.rate)} | ${pct(se(r.rate, n))} | ${top(r.byRow)} |`);
      console.error(`${task} ${rows} rows ${baselines} baseline(s): ${r.alarms}/${n} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  }
}
let detection = '';
if (only === undefined || only === 'detection' || only === 'binary') {
  const t = Date.now();
  const d = alarmRate(DETECTION_CASE, runs, 1);
  console.error(`detection: ${d.alarms}/${runs} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  detection =
    '| case | rows | runs | verdict not `pass` | ± s.e. | most frequent alarms |\n| --- | ---: | ---: | ---: | ---: | --- |\n' +
    `| binary, ROC AUC 0.747 → 0.729, log loss 0.594 → 0.614 (more noise on the candidate's logits) | 2,000 | ${runs} | ${pct(d.rate)} | ${pct(se(d.rate, runs))} | ${top(d.byRow)} |`;
}
const when = new Date().toISOString().slice(0, 10);
console.log(`False alarms on exchangeable models (target ≤ 5 %), defaults (1000 resamples, 95 %), ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, Node ${process.version}, ${when}, ${((Date.now() - started) / 1000).toFixed(0)} s:\n`);
console.log(lines.join('\n'));
if (detection) console.log(`\nDetection (target ≥ 80 %):\n\n${detection}`);
