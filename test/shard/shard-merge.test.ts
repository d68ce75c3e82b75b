// Sharded evaluation merged exactly (issue 14, item 5): the report of a merge of N shard runs is the
// report of the unsharded run, byte for byte, for real models from fixtures/ (TF.js layers, TF.js
// graph, ONNX through onnxruntime-web) and predictions files, on 1, 2 and 7 shards.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { murmur3Utf8 } from '../../src/stats/resample-weights.js';
import { shardOfKey } from '../../src/shard/spec.js';
import { evaluate } from '../../src/pipeline/evaluate.js';
import type { Log } from '../../src/pipeline/log.js';
import { renderReport } from '../../src/report/render.js';
import { readCliSettings } from '../../src/settings/cli-args.js';
import type { Settings } from '../../src/settings/settings.js';
import { fileSha256 } from '../../src/shard/digest.js';
import { checkShards, replaySource, type NamedPartial } from '../../src/shard/merge.js';
import { decodePartial, encodePartial } from '../../src/shard/partial.js';
import { runShard } from '../../src/shard/run.js';

const root = process.cwd();
const quiet: Log = { info: () => {}, warning: () => {}, debug: () => {}, group: (_n, fn) => fn() };

async function settingsOf(args: string[]): Promise<Settings> {
  const parsed = await readCliSettings(args, root);
  if (parsed === 'help') throw new Error('help');
  return parsed.settings;
}

function reportOf(e: Awaited<ReturnType<typeof evaluate>>): { json: string; markdown: string } {
  const r = renderReport(e, { date: '2026-12-02' });
  return { json: JSON.stringify(r.json, null, 2), markdown: r.markdown };
}

/** Runs every shard, passes each partial through its bytes, and merges. */
async function shardedReport(settings: Settings, n: number): Promise<{ report: { json: string; markdown: string }; rows: number[] }> {
  const parts: NamedPartial[] = [];
  for (let i = 1; i <= n; i++) {
    const p = await runShard(settings, { index: i, count: n }, quiet);
    parts.push({ source: `shard-${i}`, partial: decodePartial(encodePartial(p)) });
  }
  const sorted = checkShards(parts, settings, await fileSha256(settings.data), settings.trainData ? await fileSha256(settings.trainData) : undefined, root);
  const e = await evaluate(settings, quiet, replaySource(sorted, root));
  return { report: reportOf(e), rows: parts.map((p) => p.partial.rows.length) };
}

const CASES: [string, string[]][] = [
  // TF.js layers candidate and baseline, a predictions-file baseline, training data (train metrics, gaps).
  ['penguins-sex (TF.js layers + predictions file)', ['--config', 'fixtures/penguins-sex/model-gate.yml', '--bootstrap', '200']],
  [
    'penguins-species (ONNX, TF.js graph, multiclass)',
    ['--candidate', 'fixtures/onnx/species.onnx', '--baselines', 'graph=fixtures/penguins-species/candidate-graph/model.json',
      '--data', 'fixtures/penguins-species/eval.csv', '--train-data', 'fixtures/penguins-species/train.csv',
      '--label-column', 'species', '--id-column', 'id', '--bootstrap', '200', '--onnx-runtime', 'wasm'],
  ],
  [
    'penguins-traits (TF.js layers, multilabel, predictions-file baseline)',
    ['--candidate', 'fixtures/penguins-traits/candidate/model.json', '--baselines', 'fixtures/penguins-traits/baseline-predictions.csv',
      '--data', 'fixtures/penguins-traits/eval.csv', '--train-data', 'fixtures/penguins-traits/train.csv',
      '--label-column', 'male,heavy,long_bill', '--id-column', 'id', '--bootstrap', '200'],
  ],
  [
    'cars-mpg (regression; a predictions file as the candidate)',
    ['--candidate', 'fixtures/cars-mpg/baseline-predictions.csv', '--baselines', 'net=fixtures/cars-mpg/candidate/model.json',
      '--data', 'fixtures/cars-mpg/eval.csv', '--train-data', 'fixtures/cars-mpg/train.csv',
      '--label-column', 'mpg', '--id-column', 'id', '--task', 'regression', '--bootstrap', '200'],
  ],
];

describe.each(CASES)('%s', (_name, args) => {
  let settings: Settings;
  let single: { json: string; markdown: string };
  beforeAll(async () => {
    settings = await settingsOf(args);
    single = reportOf(await evaluate(settings, quiet));
  }, 120_000);

  test('the unsharded report has every model measured (the comparison is not between two empty reports)', () => {
    const j = JSON.parse(single.json) as { models: { role: string }[] };
    expect(j.models.filter((m) => m.role !== 'dummy').length).toBeGreaterThanOrEqual(2);
  });

  test.each([1, 2, 7])('%i shards merge to the byte-identical report', async (n) => {
    const { report, rows } = await shardedReport(settings, n);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(JSON.parse(single.json).data.rows);
    expect(report.json).toBe(single.json);
    expect(report.markdown).toBe(single.markdown);
  }, 120_000);
});

test('per-row outputs are bit-identical whatever rows share a batch (TF.js layers, TF.js graph, ONNX wasm)', async () => {
  const settings = await settingsOf(CASES[1][1].concat(['--batch-size', '16']));
  const sex = await settingsOf(CASES[0][1].concat(['--batch-size', '16']));
  for (const s of [settings, sex]) {
    const whole = await runShard(s, { index: 1, count: 1 }, quiet);
    for (let i = 1; i <= 7; i++) {
      const p = await runShard(s, { index: i, count: 7 }, quiet);
      p.meta.models.forEach((m, k) => {
        if (!m.replayed) return;
        const w = m.width ?? 1;
        const full = whole.predictions[k]!;
        const mine = p.predictions[k]!;
        for (let j = 0; j < p.rows.length; j++) {
          for (let c = 0; c < w; c++) expect([m.engine, p.rows[j], mine[j * w + c]]).toEqual([m.engine, p.rows[j], full[p.rows[j] * w + c]]);
        }
      });
    }
    expect(whole.meta.models.filter((m) => m.replayed).map((m) => m.engine).sort()).toEqual(
      s === sex ? ['tfjs layers model', 'tfjs layers model'] : ['onnx', 'tfjs graph model'],
    );
  }
}, 120_000);

// onnxruntime-node cannot run inside jest's module sandbox (its tensors check the realm's Float32Array):
// test/e2e/shard.test.ts checks it through dist/cli.js.

test('a shard with no rows is valid, and the merge still gives the unsharded report', async () => {
  // The evaluation rows of penguins-sex whose id does not fall in shard 3 of 7: shard 3 is then empty.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-shard-empty-'));
  const [head, ...lines] = readFileSync(path.join(root, 'fixtures/penguins-sex/eval.csv'), 'utf8').trim().split('\n');
  const kept = lines.filter((l) => shardOfKey(murmur3Utf8(l.split(',')[0]), 7) !== 3);
  expect(kept.length).toBeGreaterThan(50);
  writeFileSync(path.join(dir, 'eval.csv'), [head, ...kept].join('\n') + '\n');
  const settings = await settingsOf([
    '--candidate', 'fixtures/penguins-sex/candidate/model.json', '--baselines', 'main=fixtures/penguins-sex/baseline/model.json',
    '--data', path.join(dir, 'eval.csv'), '--train-data', 'fixtures/penguins-sex/train.csv',
    '--label-column', 'sex', '--id-column', 'id', '--task', 'binary', '--bootstrap', '100', '--allowed-roots', dir,
  ]);
  const single = reportOf(await evaluate(settings, quiet));
  const { report, rows } = await shardedReport(settings, 7);
  expect(rows[2]).toBe(0);
  expect(rows.filter((r) => r > 0).length).toBe(6);
  expect(report.json).toBe(single.json);
  expect(report.markdown).toBe(single.markdown);
}, 120_000);

test('a shard run stops at a bad row and names its line in the data file, as the unsharded run does', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-shard-bad-'));
  const lines = readFileSync(path.join(root, 'fixtures/penguins-sex/eval.csv'), 'utf8').trim().split('\n');
  // Line 41 of the file (40 rows after the header): its bill length becomes infinite.
  const cells = lines[40]!.split(',');
  cells[1] = 'inf';
  lines[40] = cells.join(',');
  writeFileSync(path.join(dir, 'eval.csv'), lines.join('\n') + '\n');
  const settings = await settingsOf([
    '--candidate', 'fixtures/penguins-sex/candidate/model.json', '--data', path.join(dir, 'eval.csv'),
    '--label-column', 'sex', '--id-column', 'id', '--task', 'binary', '--allowed-roots', dir,
  ]);
  const unsharded = await evaluate(settings, quiet);
  const message = unsharded.gate.findings.find((f) => f.severity === 'error')!.message;
  expect(message).toContain('eval.csv:41:');
  const shard = shardOfKey(murmur3Utf8(cells[0]!), 3);
  await expect(runShard(settings, { index: shard, count: 3 }, quiet)).rejects.toThrow(message);
  // The other shards do not hold the row, and run.
  for (let i = 1; i <= 3; i++) if (i !== shard) expect((await runShard(settings, { index: i, count: 3 }, quiet)).rows.length).toBeGreaterThan(0);
}, 60_000);
