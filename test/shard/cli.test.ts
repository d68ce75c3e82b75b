// The CLI's shard and merge commands, and every way a set of shards can be wrong: each a named
// InputError (exit 2) that says which shard and what differs, and no report written.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { main } from '../../src/cli.js';
import { decodePartial, encodePartial, PARTIAL_FILE } from '../../src/shard/partial.js';
import { parseShard } from '../../src/shard/spec.js';

const root = process.cwd();
const CONFIG = ['--config', 'fixtures/penguins-sex/model-gate.yml', '--bootstrap', '100', '--quiet'];
let dir: string;
let stderr: string[];

beforeAll(() => {
  process.env.SOURCE_DATE_EPOCH = '1796256000';
});
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-shard-cli-'));
  stderr = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => {
    stderr.push(String(t));
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

async function shards(n: number, extra: (i: number) => string[] = () => []): Promise<string[]> {
  const dirs: string[] = [];
  for (let i = 1; i <= n; i++) {
    const d = path.join(dir, `s${i}`);
    expect(await main(['evaluate', ...CONFIG, '--shard', `${i}/${n}`, '--shard-dir', d, ...extra(i)], root)).toBe(0);
    expect(existsSync(path.join(d, PARTIAL_FILE))).toBe(true);
    dirs.push(d);
  }
  return dirs;
}

async function mergeFails(dirs: string[], extra: string[] = []): Promise<string> {
  const out = path.join(dir, 'merged.json');
  expect(await main(['merge', '--shards', ...dirs, ...CONFIG, '--json', out, ...extra], root)).toBe(2);
  expect(existsSync(out)).toBe(false);
  return stderr.join('');
}

test('evaluate --shard writes partials, and merge --shards writes the unsharded report byte for byte', async () => {
  const single = path.join(dir, 'single.json');
  expect(await main(['evaluate', ...CONFIG, '--json', single], root)).toBe(0);
  const dirs = await shards(3);
  const merged = path.join(dir, 'merged.json');
  const md = path.join(dir, 'merged.md');
  const singleMd = path.join(dir, 'single.md');
  expect(await main(['evaluate', ...CONFIG, '--markdown', singleMd], root)).toBe(0);
  expect(await main(['merge', '--shards', ...dirs, ...CONFIG, '--json', merged, '--markdown', md], root)).toBe(0);
  expect(readFileSync(merged, 'utf8')).toBe(readFileSync(single, 'utf8'));
  expect(readFileSync(md, 'utf8')).toBe(readFileSync(singleMd, 'utf8'));
}, 120_000);

test('a missing shard, a duplicated one and N disagreeing are named errors', async () => {
  const dirs = await shards(3);
  expect(await mergeFails([dirs[0], dirs[2]])).toMatch(/shard 2\/3 is missing/);
  stderr = [];
  expect(await mergeFails([dirs[0], dirs[1], dirs[1], dirs[2]])).toMatch(/shard 2\/3 is there twice/);
  stderr = [];
  const two = path.join(dir, 'two');
  expect(await main(['evaluate', ...CONFIG, '--shard', '1/2', '--shard-dir', two], root)).toBe(0);
  expect(await mergeFails([...dirs, two])).toMatch(/shard 1\/2 \(.*two.*\) is one of 2 shards, but shard 1\/3 .* is one of 3/);
}, 120_000);

test('different seeds, settings or models are named errors that say which shard differs', async () => {
  const seed = await shards(2, (i) => (i === 2 ? ['--seed', '7'] : []));
  expect(await mergeFails(seed)).toMatch(/shard 2\/2 .* differs from shard 1\/2 .* in its settings/);
  stderr = [];
  // The merge's own settings against the shards'.
  const same = await shards(2);
  expect(await mergeFails(same, ['--seed', '3'])).toMatch(/the shards were run with other settings than this merge/);
  stderr = [];
  // A baseline from another file: the models differ (the settings name the same path; the bytes differ).
  const p = decodePartial(readFileSync(path.join(same[1], PARTIAL_FILE)));
  p.meta.models[0].files = p.meta.models[0].files.map((f) => ({ ...f, sha256: '0'.repeat(64) }));
  writeFileSync(path.join(same[1], PARTIAL_FILE), encodePartial(p));
  expect(await mergeFails(same)).toMatch(/shard 2\/2 .* differs from shard 1\/2 .* in the models/);
}, 120_000);

test('a row covered twice or by no shard, and other data, are named errors', async () => {
  const dirs = await shards(2);
  const p1 = decodePartial(readFileSync(path.join(dirs[0], PARTIAL_FILE)));
  const p2 = decodePartial(readFileSync(path.join(dirs[1], PARTIAL_FILE)));
  // Shard 2 claims shard 1's first row too.
  const taken = { ...p2, rows: Int32Array.of(p1.rows[0], ...p2.rows), keys: Uint32Array.of(p1.keys[0], ...p2.keys) };
  taken.predictions = p2.predictions.map((v) => (v === undefined ? v : Float64Array.of(0.5, ...v)));
  writeFileSync(path.join(dirs[1], PARTIAL_FILE), encodePartial(taken));
  expect(await mergeFails(dirs)).toMatch(new RegExp(`row ${p1.rows[0]}, whose id belongs to shard 1/2`));
  stderr = [];
  // Shard 2 drops its last row.
  const short = { ...p2, rows: p2.rows.slice(0, -1), keys: p2.keys.slice(0, -1), predictions: p2.predictions.map((v) => v?.slice(0, -1)) };
  writeFileSync(path.join(dirs[1], PARTIAL_FILE), encodePartial(short));
  expect(await mergeFails(dirs)).toMatch(new RegExp(`data row ${p2.rows[p2.rows.length - 1]} of .* is covered by no shard`));
  stderr = [];
  // The merge reads another data file.
  writeFileSync(path.join(dirs[1], PARTIAL_FILE), encodePartial(p2));
  const other = path.join(dir, 'eval.csv');
  copyFileSync(path.join(root, 'fixtures/penguins-sex/eval.csv'), other);
  writeFileSync(other, readFileSync(other, 'utf8').replace('40.3', '40.4'));
  expect(await mergeFails(dirs, ['--data', other, '--allowed-roots', dir])).toMatch(/other settings than this merge|the same data file/);
}, 120_000);

test('sharding refuses perf, data without ids, and bad shard specs', async () => {
  expect(await main(['evaluate', ...CONFIG, '--perf', '--shard', '1/2', '--shard-dir', dir], root)).toBe(2);
  expect(stderr.join('')).toMatch(/cannot measure latency/);
  expect(() => parseShard('3/2')).toThrow(/must be i\/N/);
  expect(() => parseShard('0/2')).toThrow(/must be i\/N/);
  expect(() => parseShard('x')).toThrow(/must be i\/N/);
  expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 });
  stderr = [];
  const noId = ['--candidate', 'fixtures/penguins-sex/candidate/model.json', '--data', 'fixtures/penguins-sex/eval.csv', '--label-column', 'sex', '--quiet'];
  expect(await main(['evaluate', ...noId, '--shard', '1/2', '--shard-dir', dir], root)).toBe(2);
  expect(stderr.join('')).toMatch(/needs `id-column`/);
}, 60_000);

test('shards run in another checkout folder (another runner\'s workspace) merge into this folder\'s report', async () => {
  const copy = (to: string) => {
    for (const f of ['model-gate.yml', 'eval.csv', 'train.csv', 'baseline-predictions.csv', 'candidate/model.json', 'candidate/weights.bin', 'baseline/model.json', 'baseline/weights.bin']) {
      const target = path.join(to, 'fixtures/penguins-sex', f);
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(path.join(root, 'fixtures/penguins-sex', f), target);
    }
  };
  const a = path.join(dir, 'runner-a', 'work');
  const b = path.join(dir, 'runner-b', 'checkout');
  copy(a);
  copy(b);
  const dirs: string[] = [];
  for (let i = 1; i <= 2; i++) {
    dirs.push(path.join(dir, `out${i}`));
    expect(await main(['evaluate', ...CONFIG, '--shard', `${i}/2`, '--shard-dir', dirs[i - 1]!], a)).toBe(0);
  }
  const single = path.join(dir, 'single.json');
  const merged = path.join(dir, 'merged.json');
  expect(await main(['evaluate', ...CONFIG, '--json', single], b)).toBe(0);
  expect(await main(['merge', '--shards', ...dirs, ...CONFIG, '--json', merged], b)).toBe(0);
  const text = readFileSync(merged, 'utf8');
  expect(text).toContain(path.join(b, 'fixtures/penguins-sex/candidate/weights.bin'));
  expect(text).not.toContain(a);
  expect(text).toBe(readFileSync(single, 'utf8'));
}, 120_000);

test('a merge whose candidate file differs from the one the shards ran is a named error', async () => {
  const dirs = await shards(2);
  const p = decodePartial(readFileSync(path.join(dirs[0]!, PARTIAL_FILE)));
  for (const d of dirs) {
    const q = decodePartial(readFileSync(path.join(d, PARTIAL_FILE)));
    q.meta.models[0]!.files = p.meta.models[0]!.files.map((f) => ({ ...f, sha256: 'f'.repeat(64) }));
    writeFileSync(path.join(d, PARTIAL_FILE), encodePartial(q));
  }
  expect(await mergeFails(dirs)).toMatch(/the candidate "candidate" here is not the one the shards ran/);
}, 60_000);
