// Ids keyed from the numbers instead of ten million `raw` strings: every reader that knows its numbers'
// text is String(value) says so (data/shortest.ts), and then writtenIds gives exactly `raw`, cell for cell.
// Checked on the NumPy-written dtypes archive (int64 within and beyond 2^53) and the pyarrow-written Parquet.

import path from 'node:path';
import { writtenIds } from '../../src/data/ids.js';
import { readDataset } from '../../src/data/read.js';
import { writtenAsShortest } from '../../src/data/shortest.js';
import type { Dataset } from '../../src/types.js';

const fx = (...p: string[]) => path.join(process.cwd(), 'fixtures', ...p);

function checkEvery(d: Dataset): { shortest: string[]; not: string[] } {
  const shortest: string[] = [];
  const not: string[] = [];
  for (const c of d.columns) {
    if (c.kind !== 'numeric') continue;
    const read = writtenIds(c);
    // Whatever the answer, the text given is the text as written.
    for (let i = 0; i < d.rowCount; i++) expect([c.name, i, read(i)]).toEqual([c.name, i, c.raw[i]]);
    (writtenAsShortest(c) ? shortest : not).push(c.name);
  }
  return { shortest, not };
}

test('.npz: numbers and int64 within 2^53 are written as String(value); int64 beyond it are not', async () => {
  const { shortest, not } = checkEvery(await readDataset(fx('npz', 'dtypes.npz')));
  expect(shortest).toEqual(expect.arrayContaining(['f4', 'f8', 'i1', 'i2', 'u1', 'u2', 'u4', 'b1']));
  // dtypes.expected.json: i8 and u8 hold values past 2^53 (written exactly as text).
  expect(not).toEqual(expect.arrayContaining(['i8', 'u8']));
});

test('Parquet: numeric columns are String(value) unless they hold an int64 past 2^53', async () => {
  const { shortest, not } = checkEvery(await readDataset(fx('parquet', 'types.parquet')));
  expect(shortest.length).toBeGreaterThan(3);
  expect(not.length).toBeGreaterThan(0);
});
