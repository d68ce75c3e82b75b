import { appendFileSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { jest } from '@jest/globals';
import { main } from '../src/cli.js';
import { decodePartial, encodePartial, PARTIAL_FILE } from '../src/shard/partial.js';

const root = process.cwd();
const CONFIG = ['--config', 'fixtures/penguins-sex/model-gate.yml', '--bootstrap', '20', '--quiet'];
let dir: string;
let stderr: string[];
let base: string;
beforeAll(async () => {
  process.env.SOURCE_DATE_EPOCH = '1796256000';
  dir = mkdtempSync(path.join(os.tmpdir(), 'rt-merge-'));
  base = path.join(dir, 'base');
  jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  expect(await main(['evaluate', ...CONFIG, '--shard', '1/1', '--shard-dir', base], root)).toBe(0);
  jest.restoreAllMocks();
}, 120000);
beforeEach(() => {
  stderr = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => { stderr.push(String(t)); return true; });
  jest.spyOn(process.stdout, 'write').mockImplementation((t: string | Uint8Array) => { stderr.push('OUT:' + String(t)); return true; });
});
afterEach(() => jest.restoreAllMocks());

async function tamper(name: string, f: (p: ReturnType<typeof decodePartial>) => void): Promise<[number, string]> {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  const p = decodePartial(readFileSync(path.join(base, PARTIAL_FILE)));
  f(p);
  writeFileSync(path.join(d, PARTIAL_FILE), encodePartial(p));
  let code: number;
  try { code = await main(['merge', '--shards', d, ...CONFIG, '--json', path.join(d, 'out.json')], root); } catch (e) { code = -999; stderr.push('THROWN ' + String((e as Error).stack)); }
  return [code, stderr.join('').slice(0, 1500)];
}
const cases: [string, (p: ReturnType<typeof decodePartial>) => void][] = [
  ['count-neg', (p) => { p.meta.shard = { index: 1, count: -1 }; }],
  ['count-huge', (p) => { p.meta.shard = { index: 1, count: 2 ** 32 }; }],
  ['classes-nonarray-elem', (p) => { (p.meta as any).classes = [{}, {}]; }],
  ['files-bytes', (p) => { (p.meta.models[0] as any).files[0].bytes = 'x'; }],
  ['notes-obj', (p) => { (p.meta.models[0] as any).notes = 'abc'; }],
  ['hardware-obj', (p) => { (p.meta as any).hardware = { text: 5 }; }],
  ['facts', (p) => { (p.meta.models[0] as any).facts = 'zzz'; }],
  ['runtime', (p) => { (p.meta.models[0] as any).runtime = 5; }],
  ['data-null', (p) => { (p.meta as any).trainData = 7; }],
  ['pred-nan', (p) => { p.predictions[0]!.fill(NaN); }],
];
for (const [name, f] of cases) {
  test(name, async () => {
    const [code, err] = await tamper(name, f);
    appendFileSync('/tmp/redteam/merge.txt', `=== ${name} ${code}\n${err}\n`);
  }, 60000);
}
