// A shard result is read as untrusted: a member the format does not have, an array larger than its rows
// allow, or a meta.json whose fields have the wrong types is refused with a message, before anything
// large is inflated (a few MB of deflated zeros must not make the merge allocate gigabytes).

import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.js';
import { decodePartial, PARTIAL_FILE } from '../../src/shard/partial.js';
import { encodeNpz, npyBytes, type NpzMember } from '../../src/shard/npz-write.js';
import { unzipMembers } from '../../src/shard/unzip.js';
import { capture } from '../support/capture.js';

const root = process.cwd();
let members: Map<string, Uint8Array>;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gate-partial-damage-'));
  const quiet = capture();
  try {
    const out = path.join(dir, 's1');
    expect(await main(['evaluate', '--config', 'fixtures/penguins-sex/model-gate.yml', '--bootstrap', '50', '--quiet', '--shard', '1/2', '--shard-dir', out], root)).toBe(0);
    members = unzipMembers(readFileSync(path.join(out, PARTIAL_FILE)), { maxUnpackedBytes: 2 ** 30, maxEntries: 64 });
  } finally {
    quiet.restore();
  }
}, 120_000);

const pack = (files: Map<string, Uint8Array>, deflate = false): Uint8Array => encodeNpz([...files].map(([name, bytes]): NpzMember => ({ name, bytes })), { deflate });
const withMember = (name: string, bytes: Uint8Array) => new Map([...members, [name, bytes]]);
const withMeta = (edit: (meta: Record<string, unknown>) => void) => {
  const meta = JSON.parse(new TextDecoder().decode(members.get('meta.json'))) as Record<string, unknown>;
  edit(meta);
  return withMember('meta.json', new TextEncoder().encode(JSON.stringify(meta)));
};

test('the real partial reads back', () => {
  const p = decodePartial(pack(members));
  expect(p.rows.length).toBeGreaterThan(0);
  expect(p.predictions.some((x) => x !== undefined && x.length === p.rows.length)).toBe(true);
});

test('a member the format does not have is refused unread, however well it compresses', () => {
  const zeros = new Uint8Array(64 * 1024 ** 2);
  const bomb = pack(withMember('pad.npy', npyBytes(new Float64Array(zeros.buffer))), true);
  expect(bomb.length).toBeLessThan(zeros.length / 100);
  expect(() => decodePartial(bomb)).toThrow('holds "pad.npy", which is not part of this format');
});

test('an array larger than its rows and the model\'s width allow is refused before it is inflated', () => {
  const rows = decodePartial(pack(members)).rows.length;
  const big = pack(withMember('model0.npy', npyBytes(new Float64Array(rows + 100_000))), true);
  expect(() => decodePartial(big)).toThrow(/holds "model0\.npy" of \d+ bytes, more than the \d+ its contents allow/);
  expect(() => decodePartial(pack(withMember('model9.npy', npyBytes(new Float64Array(4)))))).toThrow(/"model9\.npy" of \d+ bytes, more than the 0/);
});

test.each([
  ['a shard count of -1', (m: Record<string, unknown>) => (m.shard = { index: 1, count: -1 }), /shard "1\/-1": i\/N needs 1 ≤ i ≤ N ≤ 256/],
  ['a shard count of 2^32', (m: Record<string, unknown>) => (m.shard = { index: 1, count: 2 ** 32 }), /i\/N needs 1 ≤ i ≤ N ≤ 256/],
  ['a fractional shard', (m: Record<string, unknown>) => (m.shard = { index: 1.5, count: 2 }), /i\/N needs/],
  ['notes that are not a list of text', (m: Record<string, unknown>) => ((m.models as Record<string, unknown>[])[0].notes = 'abc'), /its notes, log, facts, metadata or output names are not what a shard run writes/],
  ['facts that are text', (m: Record<string, unknown>) => ((m.models as Record<string, unknown>[])[0].facts = 'zzz'), /are not what a shard run writes/],
  ['a hardware line that is a number', (m: Record<string, unknown>) => (m.hardware = { text: 5 }), /damaged meta.json \(hardware\)/],
])('%s in meta.json is a damaged shard result', (_, edit, message) => {
  expect(() => decodePartial(pack(withMeta(edit)))).toThrow(message);
});

test.each([
  ['a settings digest that is a number', (m: Record<string, unknown>) => (m.settingsDigest = 5)],
  ['a seed that is text', (m: Record<string, unknown>) => (m.seed = 'seven')],
  ['a class that is a number', (m: Record<string, unknown>) => (m.classes = [1, 2])],
  ['input columns that are not lists of names', (m: Record<string, unknown>) => ((m.models as Record<string, unknown>[])[0].inputColumns = { a: 5 })],
])('%s in meta.json is refused by name, before the merge uses it', (_, edit) => {
  expect(() => decodePartial(pack(withMeta(edit)))).toThrow(/has a damaged meta\.json/);
});
