// Which shard a row belongs to, against an independent reference (test/shard/shard-reference.py, a
// Python MurmurHash3 written from the C++ reference), and the partial result's .npz, read back by the
// project's reader (data/npz-file.ts, itself tested on archives NumPy wrote).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readNpzArrays } from '../../src/data/npz-file.js';
import { murmur3Utf8, resampleWeights } from '../../src/stats/resample-weights.js';
import { encodeNpz, npyBytes } from '../../src/shard/npz-write.js';
import { shardOfKey } from '../../src/shard/spec.js';
import { unzipMembers } from '../../src/shard/unzip.js';

const IDS = ['2', '13', '0', '-7', '3.50', 'abc', 'penguin-0001', 'é', '日本語', '🐧', ''];

test.each([
  // /usr/bin/python3 test/shard/shard-reference.py
  [1, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
  [2, [1, 2, 2, 1, 1, 2, 2, 1, 2, 1, 2]],
  [3, [2, 2, 2, 1, 2, 2, 3, 1, 3, 2, 1]],
  [7, [5, 7, 3, 3, 3, 2, 5, 7, 2, 1, 3]],
])('the shards of %i match the Python reference', (n, expected) => {
  expect(IDS.map((id) => shardOfKey(murmur3Utf8(id), n))).toEqual(expected);
});

test('shards are balanced, and whether a row is resampled says nothing about its shard', () => {
  const n = 30_000;
  const keys = Uint32Array.from({ length: n }, (_, i) => murmur3Utf8(`row-${i}`));
  for (const seed of [0, 12345]) {
    const w = resampleWeights(keys, seed, 0);
    const zeros = w.reduce((a, v) => a + (v === 0 ? 1 : 0), 0) / n;
    for (let s = 1; s <= 3; s++) {
      const rows = [...keys.keys()].filter((i) => shardOfKey(keys[i], 3) === s);
      // 10,000 expected, binomial sd 82: within 4 sd.
      expect(Math.abs(rows.length - n / 3)).toBeLessThan(330);
      // P(weight 0) = e^-1 = 0.368 overall; per shard, sd of the proportion ≈ 0.0048: within 4 sd.
      const z = rows.filter((i) => w[i] === 0).length / rows.length;
      expect(Math.abs(z - zeros)).toBeLessThan(0.02);
      expect(Math.abs(zeros - Math.exp(-1))).toBeLessThan(0.02);
    }
  }
});

test.each([false, true])('encodeNpz (deflate %s) writes an archive the .npz reader reads back exactly, CRC-checked', async (deflate) => {
  const f64 = Float64Array.of(0.1, -0, Number.MIN_VALUE, 1e308, NaN, Infinity, 1 / 3);
  const i32 = Int32Array.of(0, 7, -1, 2 ** 31 - 1);
  const u32 = Uint32Array.of(0, 2 ** 32 - 1, 12345);
  const grid = Float64Array.of(1, 2, 3, 4, 5, 6);
  const bytes = encodeNpz([{ key: 'f', data: f64 }, { key: 'i', data: i32 }, { key: 'u', data: u32 }, { key: 'g', data: grid, shape: [3, 2] }, { key: 'empty', data: new Float64Array(0) }], { deflate });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'model-gate-npz-')), 'a.npz');
  writeFileSync(file, bytes);
  const h = await open(file);
  try {
    const arrays = await readNpzArrays(h, bytes.length);
    expect(arrays.map((a) => [a.key, a.header.descr, a.header.shape])).toEqual([
      ['f', '<f8', [7]],
      ['i', '<i4', [4]],
      ['u', '<u4', [3]],
      ['g', '<f8', [3, 2]],
      ['empty', '<f8', [0]],
    ]);
    expect(Array.from(arrays[0]!.data.data as Float64Array)).toEqual(Array.from(f64));
    expect(Object.is((arrays[0]!.data.data as Float64Array)[1], -0)).toBe(true);
    expect(Array.from(arrays[1]!.data.data as Int32Array)).toEqual(Array.from(i32));
    expect(Array.from(arrays[2]!.data.data as Uint32Array)).toEqual(Array.from(u32));
  } finally {
    await h.close();
  }
  // A flipped byte inside a member is caught by its CRC-32.
  const bad = bytes.slice();
  bad[120] ^= 0xff;
  expect(() => unzipMembers(bad, { maxUnpackedBytes: 1e6, maxEntries: 10 })).toThrow(/CRC-32|damaged|local header/);
});

test('the .npy header is padded so the data starts at a multiple of 64, as NumPy writes it', () => {
  const b = npyBytes(Float64Array.of(1, 2));
  const headerLength = b[8]! | (b[9]! << 8);
  expect((10 + headerLength) % 64).toBe(0);
  expect(new TextDecoder().decode(b.subarray(10, 10 + headerLength))).toMatch(/^\{'descr': '<f8', 'fortran_order': False, 'shape': \(2,\), \} +\n$/);
});
